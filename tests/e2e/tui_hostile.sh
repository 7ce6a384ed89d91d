#!/bin/sh
# tui_hostile.sh: server strings built to attack a terminal (OSC 52 clipboard writes, screen
# clears, title changes, BEL, C1 controls, bidi overrides, invalid UTF-8, 10,000 characters,
# wide CJK and emoji) in every view of the dashboard: the list of each connection, the detail,
# the delete dialog, the link view. The pane is read WITH its escapes (capture-pane -e): only
# tmux's own colour sequences may be there; the pane title and the paste buffer (set-clipboard
# on) stay untouched; the state column starts at the same display column on every row.
# TAP lines "ok - ..." / "not ok - ..."; skipped when tmux or python3 is missing.
set -u

. "$(dirname "$0")/../support/e2e_lib.sh"
need_tools "tui hostile data" tmux python3
e2e_setup hostile

# ---- the data: every account carries attacks in its identifier, and more in its status,
# scopes and api_config; one connection's very name is hostile.
python3 - "$tmp/hostile.json" <<'EOF'
import json, sys
ESC, BEL = "\x1b", "\x07"
osc52 = ESC + "]52;c;SE9TVElMRS1DTElQQk9BUkQ=" + BEL          # "HOSTILE-CLIPBOARD"
title = ESC + "]0;HOSTILE-TITLE" + BEL + ESC + "]2;HOSTILE-TITLE" + ESC + "\\"
clear = ESC + "[2J" + ESC + "[H" + ESC + "[31;1m"
c1 = "\u009b2J\u009d0;HOSTILE-TITLE\u009c\u0085"
bidi = "\u202eevil\u202c\u2066x\u2069\u200f"
wide = "张伟的账户测试"
emoji = "😀🎉👍"
long = "L" * 10000
idents = [
    "osc52" + osc52 + "@example.com",
    "title" + title + "@example.com",
    "clear" + clear + "@example.com",
    "bell" + BEL * 3 + "@example.com",
    "c1" + c1 + "@example.com",
    "bidi" + bidi + "@example.com",
    "INVALID_UTF8",                      # replaced by raw bytes below
    "long" + long,
    "wide" + wide + "@example.com",
    "emoji" + emoji + "@example.com",
    "mix" + wide + osc52 + emoji + bidi + "@example.com",
]
# The API takes only plain connection keys; an account's own connector value is free text,
# and with no connections endpoint the dashboard groups accounts by it: a hostile pane entry.
conns = [
    {"id": "conn_1", "key_id": "gmail"},
    {"key_id": "sl" + ESC + "[2J" + "ack" + "\u202e" + wide + osc52},
]
accs = []
states = ["PENDING", "ACTIVE", "EXPIRED", "REVOKED", "ERROR"]
for i, ident in enumerate(idents):
    conn = conns[i % 2]
    accs.append({
        "id": "ca_h%02d" % i,
        "identifier": ident,
        "connector": conn["key_id"],
        "status": states[i % 5] if i % 4 else "WEIRD" + title + clear,
        "authorization_type": "OAUTH" + (osc52 if i == 1 else ""),
        "updated_at": "2025-01-02T03:04:05Z",
        "authorization_details": {"oauth_token": {"scopes": ["email" + osc52, wide + bidi, long]}},
        "api_config": {"note": clear + title + emoji},
    })
data = json.dumps({"connections": conns[:1], "connected_accounts": accs}, ensure_ascii=False)
data = data.encode("utf-8").replace(b"INVALID_UTF8", b"bad\xff\xfe\xc3(\xed\xa0\x80utf8@example.com")
open(sys.argv[1], "wb").write(data)
EOF

emu_start --data "$tmp/hostile.json" --no-connections-endpoint --quiet ||
    { notok "skemu loads the hostile data" "$(cat "$tmp/skemu.log")"; exit 1; }
emu_env
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color
unset NO_COLOR TMUX

# Judge one capture WITH escapes: only SGR sequences (tmux's own rendering of attributes),
# no other control character, no C1 control, no bidi control. Prints what it found wrong.
judge() {
    python3 - "$1" <<'EOF'
import re, sys
raw = open(sys.argv[1], "rb").read()
bad = []
text = raw.decode("utf-8", errors="replace")
if "\ufffd" in text:
    bad.append("invalid UTF-8 on screen")
rest = re.sub(r"\x1b\[[0-9;:]*m", "", text)
for ch in set(rest):
    o = ord(ch)
    if (o < 0x20 and ch != "\n") or 0x7f <= o <= 0x9f or ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c":
        bad.append("U+%04X" % o)
print(" ".join(sorted(set(bad))))
EOF
}
# Columns: the display column where "State" starts in the table header equals the column of
# every row's state label (wide characters counted as two, as the terminal draws them).
align() {
    python3 - "$1" <<'EOF'
import re, sys, unicodedata
def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else
               0 if unicodedata.combining(c) else 1 for c in s)
lines = open(sys.argv[1], encoding="utf-8", errors="replace").read().split("\n")
head = next((l for l in lines if re.search(r"Identifier.*State", l)), None)
if head is None:
    print("no table header"); sys.exit()
want = width(head[:head.index("State")])
rows = 0; bad = []
for l in lines[lines.index(head) + 1:]:
    if re.search(r"│Detail", l):
        break                      # the detail pane below the table
    m = re.search(r"(?<=\s)(PENDING|ACTIVE|EXPIRED|REVOKED|ERROR)", l)
    if not m:
        continue
    rows += 1
    col = width(l[:m.start()])
    if col != want:
        bad.append("%d!=%d in %r" % (col, want, l[:60]))
print("rows=%d" % rows, *bad[:3], sep=" ")
EOF
}

printf 'set -g set-clipboard on\n' >"$tmp/tmux.conf"
tmux_new 120 40 "env -u TMUX $SKDASH_BIN; echo skdash-exited-\$?; sleep 600" "$tmp/tmux.conf"
wait_for 'refreshed [0-9]' 15
check $? "the dashboard lists the hostile data" "$(tail -n 2 "$tmp/screen")"
title0=$(tmux -L "$sock" display -p -t main '#{pane_title}')

views=0
problems=""
# look NAME: capture with escapes and judge; also the alignment when a table is shown.
look() {
    cap -e >"$tmp/esc"
    cap >"$tmp/plain"
    views=$((views + 1))
    bad=$(judge "$tmp/esc")
    [ -n "$bad" ] && problems="$problems [$1: $bad]"
    # (the delete dialog is drawn over the table: rows under it are not a table row)
    if grep -q 'Identifier' "$tmp/plain" && ! grep -q 'Delete 1 connected' "$tmp/plain"; then
        al=$(align "$tmp/plain")
        case "$al" in rows=0*|*!=*|no*) problems="$problems [$1 alignment: $al]" ;; esac
    fi
}

look "all accounts"
grep -q '\\x1b' "$tmp/plain"
check $? "escapes in identifiers are shown as visible text (\\x1b)"
grep -q '张伟' "$tmp/plain" && grep -q '😀' "$tmp/plain"
check $? "wide CJK and emoji are drawn as themselves"

# Every connection's own list (the connections pane, then back to the table).
keys Tab j
sleep 0.3
look "needs attention"
keys j j   # past Expiring soon (none of the hostile tokens expire soon) and Unused
for i in 1 2 3; do
    keys j
    sleep 0.3
    look "connection item $i"
done
# Back to "All accounts" (top of the connections pane), focus on the table, first row.
keys g Tab
wait_for 'Accounts · All accounts' 5
keys g
# Every account: its detail, its delete dialog (answered n) and its link view.
n=$(grep -c '@example.com\|LLLL' "$tmp/plain")
i=0
while [ "$i" -lt 11 ]; do
    keys Enter
    # (the 10,000-character identifier wraps over the whole pane, pushing Scopes out of it)
    wait_for 'Scopes|Identifier +longLLLL' 15 || problems="$problems [no detail $i]"
    look "detail $i"
    keys d
    wait_for 'Delete 1 connected account' 15 || problems="$problems [no dialog $i]"
    look "delete dialog $i"
    keys n
    keys l
    wait_for 'Expires in' 20 || problems="$problems [no link view $i]"
    look "link view $i"
    keys Escape
    wait_for 'Accounts' 15
    keys Enter j
    i=$((i + 1))
done
keys Escape
[ -z "$problems" ] && [ "$views" -gt 30 ]
check $? "nothing raw reaches the terminal and columns stay aligned in $views views" "$problems"

title1=$(tmux -L "$sock" display -p -t main '#{pane_title}')
case "$title1" in *HOSTILE*) r=1 ;; *) r=0 ;; esac
[ "$title1" = "$title0" ] || r=1
check $r "the pane title is unchanged" "title: $title1"
buf=$(tmux -L "$sock" show-buffer 2>/dev/null)
case "$buf" in *HOSTILE*) r=1 ;; *) r=0 ;; esac
check $r "no hostile OSC 52 reached the clipboard (tmux paste buffer)" "buffer: $buf"

keys q
wait_for 'skdash-exited-0' 5
check $? "q quits cleanly"
exit 0
