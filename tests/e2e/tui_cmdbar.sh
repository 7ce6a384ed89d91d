#!/bin/sh
# tui_cmdbar.sh: the command bar end to end, in tmux against TWO skemu instances (different
# data) named by two profiles of one config file: `:profile prod` shows the other environment's
# rows and header (the production profile standing out in reverse red, read-only: `d` refused),
# with the marks and the filter cleared; `:profile dev` goes back (its green accent, `d` asks
# again); a profile that does not resolve leaves the current one; `:conn` jumps to a connection
# typed in another case; `:export` writes exactly what `skdash list --format csv` prints for the
# same view (mode 0600, an existing file kept unless `:export!`, a FIFO or a link refused); a
# typo gets "did you mean";
# Tab completes, Up recalls, the history file is 0600; `:q` quits; each environment got its own
# cache file.
# TAP lines "ok - ..." / "not ok - ..."; skipped when tmux or python3 is missing.
set -u
. "$(dirname "$0")/../support/e2e_lib.sh"
need_tools "tui command bar" tmux python3
need_built "tui command bar" "$SKDASH_BIN" "$SKEMU_BIN"
e2e_setup cmdbar

emu_start --generate 30 --connections 4 --seed 11 --quiet || { notok "skemu A starts"; exit 1; }
URL_DEV=$URL
emu_start --generate 20 --connections 2 --seed 5 --quiet || { notok "skemu B starts"; exit 1; }
URL_PROD=$URL
export XDG_CONFIG_HOME="$tmp/config" XDG_STATE_HOME="$tmp/state" XDG_CACHE_HOME="$tmp/cache"
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color
# The profiles, not the environment, say where to go.
unset NO_COLOR TMUX SKDASH_NO_CACHE SCALEKIT_ENVIRONMENT_URL SCALEKIT_CLIENT_ID \
    SCALEKIT_CLIENT_SECRET SKDASH_PROFILE
mkdir -p "$XDG_CONFIG_HOME/skdash"
cat >"$XDG_CONFIG_HOME/skdash/config" <<EOF
[dev]
environment_url = $URL_DEV
client_id = skc_demo
client_secret = skemu-demo-secret
accent = green

[prod]
environment_url = $URL_PROD
client_id = skc_demo
client_secret = skemu-demo-secret
read_only = true

[nosecret]
environment_url = $URL_PROD
client_id = skc_demo
EOF
chmod 600 "$XDG_CONFIG_HOME/skdash/config"
HOST_DEV=${URL_DEV#http://}
HOST_PROD=${URL_PROD#http://}

total() { sed -n '2s/.*total \([0-9]*\).*/\1/p' "$tmp/screen"; }
# look WORD: the SGR attributes (as "1;7;31") in force where WORD starts on the header line.
look() {
    cap -e | head -n 1 | python3 -c '
import re, sys
line, word = sys.stdin.read(), sys.argv[1]
attrs, out, i = set(), [], 0
for m in re.finditer(r"\x1b\[([0-9;]*)m|([^\x1b]+)", line):
    if m.group(2) is None:
        for p in (m.group(1) or "0").split(";"):
            if p in ("", "0"):
                attrs.clear()
            elif p in ("22", "27", "39"):
                attrs.discard({"22": "1", "27": "7"}.get(p, p))
                if p == "39":
                    attrs.difference_update({str(c) for c in range(30, 38)})
            else:
                attrs.add(p)
    else:
        text = m.group(2)
        k = text.find(word)
        if k >= 0:
            print(";".join(sorted(attrs, key=int)))
            break
' "$1"
}
# bar TEXT: ':' and TEXT typed, then Enter.
bar() { keys ':'; keys -l "$1"; keys Enter; }

tmux_new 110 32 "$SKDASH_BIN --profile dev; echo skdash-exited-\$?; sleep 600"
wait_for 'refreshed [0-9]' 20
r=$?
[ "$(total)" = 30 ] || r=1
grep -q "$HOST_DEV  profile dev" "$tmp/screen" || r=1
check $r "dev: its environment's 30 accounts, its host and profile in the header" \
    "$(head -n 2 "$tmp/screen" | tr '\n' '|')"
a=$(look "dev")
case ";$a;" in *";32;"*) case ";$a;" in *";7;"*) r=1 ;; *) r=0 ;; esac ;; *) r=1 ;; esac
check $r "dev: the profile name in its accent (green), not reversed" "attrs: $a"

# A mark and a filter, to be cleared by the switch.
keys Space
keys / a Enter
wait_for '1 marked' 5 && footer_wait 'filter: ' 5
check $? "dev: a row marked and a filter kept"

# Tab completes the command, then the profile names of the config file.
keys ':'
keys -l 'pro'
keys Tab
footer_wait ':profile  ' 5
check $? "Tab completes ':pro' to ':profile '"
keys Tab
footer_wait 'dev  prod' 5
check $? "Tab again offers the config file's profiles (dev, prod)"
keys Escape
footer_gone ':profile' 5

# A profile that does not resolve: the current one stays, the error says why.
bar 'profile nosuch'
footer_wait 'profile nosuch not switched to: profile "nosuch" not found' 5
r=$?
[ "$(total)" = 30 ] || r=1
grep -q '1 marked' "$tmp/screen" || r=1
check $r "an unknown profile is refused on the error line; dev, its rows and marks stay" \
    "$(tail -n 2 "$tmp/screen" | tr '\n' '|')"

bar 'profile nosecret'
footer_wait 'profile nosecret not switched to: no client secret' 5
r=$?
[ "$(total)" = 30 ] || r=1
check $r "a profile with no secret is refused; dev stays" "$(tail -n 2 "$tmp/screen" | tr '\n' '|')"

bar 'profile prdo'
footer_wait "profile prdo not switched to: .*did you mean 'prod'\\?" 5
check $? "a mistyped profile: did you mean 'prod'?" "$(tail -n 2 "$tmp/screen" | tr '\n' '|')"

# ---- :profile prod: the other skemu's rows, header and accent; read-only; marks, filter gone
bar 'profile prod'
wait_for "$HOST_PROD  profile  prod  .*READ-ONLY" 10 && wait_for 'refreshed [0-9]' 20
r=$?
[ "$(total)" = 20 ] || r=1
grep -q 'marked' "$tmp/screen" && r=1
grep -q 'filter: ' "$tmp/screen" && r=1
check $r "prod: the other environment's 20 accounts and host, READ-ONLY; marks and filter cleared" \
    "$(head -n 3 "$tmp/screen" | tr '\n' '|') / $(tail -n 2 "$tmp/screen" | tr '\n' '|')"
a=$(look " prod ")
case ";$a;" in *";7;"*) case ";$a;" in *";31;"*) r=0 ;; *) r=1 ;; esac ;; *) r=1 ;; esac
check $r "prod: a production profile with no accent stands out (reverse red)" "attrs: $a"
keys d
footer_wait 'read-only: delete is disabled' 5
r=$?
grep -q 'Delete 1 connected account' "$tmp/screen" && r=1
check $r "prod: read-only follows the profile: d is refused"

# ---- :conn in another case jumps to the connection
conn=$("$SKDASH_BIN" --profile prod connections --format csv | sed -n '2s/,.*//p')
upper=$(printf '%s' "$conn" | tr '[:lower:]' '[:upper:]')
bar "conn $upper"
wait_for "Accounts · $conn  [0-9]+ shown" 5
check $? ":conn $upper jumps to the connection $conn" "$(sed -n 3p "$tmp/screen")"

# ---- :export: the current view as skdash list --format csv prints it
out="$tmp/export.csv"
bar "export $out"
footer_wait "exported [0-9]+ accounts? to $out" 5
r=$?
"$SKDASH_BIN" --profile prod list -c "$conn" --format csv >"$tmp/list.csv" 2>"$tmp/list.err"
cmp -s "$out" "$tmp/list.csv" || r=1
n=$(($(wc -l <"$tmp/list.csv") - 1))
footer_wait "exported $n accounts? to" 1 || r=1
[ "$(stat -c %a "$out" 2>/dev/null)" = 600 ] || r=1
check $r ":export writes the view byte for byte as skdash list -c $conn --format csv ($n rows, mode 0600)" \
    "$(diff "$out" "$tmp/list.csv" 2>&1 | head -n 5)"
echo "keep me" >"$tmp/kept.csv"
bar "export $tmp/kept.csv"
footer_wait 'kept.csv exists: :export! ' 5
r=$?
[ "$(cat "$tmp/kept.csv")" = "keep me" ] || r=1
check $r ":export keeps an existing file and says :export! overwrites it"
bar "export! $tmp/kept.csv"
footer_wait "exported $n accounts? to $tmp/kept.csv" 5
r=$?
cmp -s "$tmp/kept.csv" "$tmp/list.csv" || r=1
check $r ":export! overwrites it"

# Tab completes a file path (after :export!, too).
keys ':'
keys -l "export! $tmp/kep"
keys Tab
footer_wait ":export! $tmp/kept.csv " 5
check $? "Tab completes a path for :export" "$(tail -n 1 "$tmp/screen")"
keys Escape
footer_gone ':export' 5

# A FIFO is refused at once (never waited on), a symbolic link is not followed.
mkfifo "$tmp/fifo"
bar "export! $tmp/fifo"
footer_wait "export to $tmp/fifo failed: " 5
check $? ":export! onto a FIFO with no reader fails at once" "$(tail -n 2 "$tmp/screen" | tr '\n' '|')"
ln -s "$tmp/target.csv" "$tmp/link.csv"
bar "export! $tmp/link.csv"
footer_wait "export to $tmp/link.csv failed: " 5
r=$?
[ -e "$tmp/target.csv" ] && r=1
check $r ":export! onto a symbolic link does not follow it" "$(tail -n 2 "$tmp/screen" | tr '\n' '|')"

# ---- did you mean
bar 'prfile dev'
footer_wait "unknown command ':prfile': did you mean ':profile'\\?" 5
check $? "a typo in a command: did you mean ':profile'?"

# ---- history: Up recalls the last command; the file is private
keys ':'
keys Up
footer_wait ':prfile dev' 5
check $? "Up in the bar recalls the last command"
keys Escape
footer_gone ':prfile' 5
[ "$(stat -c %a "$XDG_STATE_HOME/skdash/cmd_history" 2>/dev/null)" = 600 ] &&
    grep -qx 'profile prod' "$XDG_STATE_HOME/skdash/cmd_history"
check $? "the history is kept in \$XDG_STATE_HOME/skdash/cmd_history, mode 0600"

# ---- back to dev: its rows, its accent, d asks again
bar 'profile dev'
wait_for "$HOST_DEV  profile dev" 10 && wait_for 'refreshed [0-9]' 20
r=$?
[ "$(total)" = 30 ] || r=1
grep -q 'READ-ONLY' "$tmp/screen" && r=1
check $r ":profile dev goes back: 30 accounts, no READ-ONLY" "$(head -n 2 "$tmp/screen" | tr '\n' '|')"
keys d
wait_for 'Delete 1 connected account' 5
check $? "dev: d asks again (not read-only)"
keys n
wait_gone 'Delete 1 connected account' 5

bar 'q'
wait_for 'skdash-exited-0' 10
check $? ":q quits (exit 0)"
# The cache followed the profile: one file per environment, each written by its own listing.
n=$(find "$XDG_CACHE_HOME/skdash" -name '*.cache' 2>/dev/null | wc -l)
[ "$n" = 2 ]
check $? "the start-up cache followed the profile (one cache file per environment)" "files: $n"
[ "$fails" = 0 ]
