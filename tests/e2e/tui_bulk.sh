#!/bin/sh
# tui_bulk.sh: work on many accounts at once in the real dashboard (tmux) against skemu: marks
# made in two connections are all acted on by d (the title counts them here and in all, the
# dialog per connection and state, the result line "deleted 3 of 3", checked on skemu); the
# start-up cache no longer shows them when the dashboard starts again with skemu stopped; x
# disconnects one account and then two marked ones (DISCONNECTED on skemu, via skdash show;
# journaled); L writes the marked accounts' links to a 0600 CSV file with one row and one
# journal line per account, over one token. The pane's Expiring soon and Unused counts are
# checked against counts made from skemu's accounts in the test.
# TAP lines "ok - ..." / "not ok - ..."; skipped when tmux is missing.
set -u
. "$(dirname "$0")/../support/e2e_lib.sh"
need_tools "tui bulk" tmux python3
e2e_setup bulk

emu_start --generate 60 --connections 4 --seed 5 || { notok "skemu starts"; exit 1; }
emu_env
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color
unset NO_COLOR TMUX SKDASH_NO_CACHE

start() {
    tmux_new 100 30 "$SKDASH_BIN $*; echo skdash-exited-\$?; sleep 600"
}
quit() { keys q; wait_for 'skdash-exited-0' 15; }
# The connection the accounts table shows ("Accounts · NAME  N shown").
shown_view() { sed -n 's/^.*Accounts · \([^ ]*\)  [0-9]* shown.*$/\1/p' "$tmp/screen" | head -n 1; }
# journal_ids ACTION RESULT: the account ids of the journal's entries with that action and a
# result starting with RESULT, one a line, oldest first.
journal_ids() {
    "$SKDASH_BIN" journal --format json 2>/dev/null | python3 -c '
import json, sys
for r in json.load(sys.stdin):
    if r.get("action") == sys.argv[1] and r.get("result", "").startswith(sys.argv[2]):
        print(r.get("account_id", ""), r.get("connection", ""), r.get("identifier", ""))' "$1" "$2"
}

# ---- marks across connections: two in the first connection, one in the second
start
wait_for 'refreshed [0-9]' 20
check $? "the dashboard lists skemu's accounts"
total=$(sed -n 's/^.* total \([0-9]*\).*$/\1/p' "$tmp/screen" | head -n 1)
# The two views' counts in the pane, against counts made here from skemu's accounts (the
# default windows: a token expiring within 3 days and not yet expired; last used over 30 days
# ago or never). An account within two minutes of a window's edge may count either way.
"$SKDASH_BIN" list --format json >"$tmp/all.json" 2>"$tmp/all.err"
expect=$(python3 -c '
import json, sys, time, datetime
now = time.time()
def t(v):
    return None if not v else datetime.datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp()
lo = {"exp": 0, "unu": 0}; hi = {"exp": 0, "unu": 0}
for a in json.load(open(sys.argv[1])):
    e, u = t(a.get("token_expires_at")), t(a.get("last_used_at"))
    if e is not None and now < e <= now + 3 * 86400:
        lo["exp"] += 1
    if e is not None and now - 120 < e <= now + 3 * 86400 + 120:
        hi["exp"] += 1
    if u is None or u < now - 30 * 86400 - 120:
        lo["unu"] += 1
    if u is None or u < now - 30 * 86400 + 120:
        hi["unu"] += 1
print(lo["exp"], hi["exp"], lo["unu"], hi["unu"])' "$tmp/all.json")
set -- $expect
pane_exp=$(sed -n 's/^Expiring soon *\([0-9]*\).*│.*$/\1/p' "$tmp/screen" | head -n 1)
pane_unu=$(sed -n 's/^Unused *\([0-9]*\).*│.*$/\1/p' "$tmp/screen" | head -n 1)
[ -n "$pane_exp" ] && [ "$pane_exp" -ge "$1" ] && [ "$pane_exp" -le "$2" ] && [ "$1" -gt 0 ]
check $? "the pane's Expiring soon count is skemu's accounts expiring within 3 days" \
    "pane=$pane_exp expected $1..$2"
[ -n "$pane_unu" ] && [ "$pane_unu" -ge "$3" ] && [ "$pane_unu" -le "$4" ] && [ "$3" -gt 0 ]
check $? "the pane's Unused count is skemu's accounts not used for 30 days or never" \
    "pane=$pane_unu expected $3..$4"
# The pane: All accounts, Needs attention, Expiring soon, Unused, then the connections.
keys Tab j j j j
wait_for 'Accounts · [^A-Z]' 5
c1=$(shown_view)
keys Tab Space Space BTab j
wait_gone "Accounts · $c1 " 5
c2=$(shown_view)
keys Tab Space
wait_for '1 marked here, 3 in all' 5
check $? "the title counts the marks in view and in all (1 here, 3 in all)" \
    "c1=$c1 c2=$c2; $(sed -n 3p "$tmp/screen")"
keys d
wait_for 'Delete 3 connected accounts' 5
grep -q "3 accounts: .* in $c1" "$tmp/screen" && grep -q "in $c2" "$tmp/screen"
check $? "d acts on the three marked accounts: the dialog counts them per connection" \
    "$(grep 'accounts:' "$tmp/screen")"
keys 3 Enter
footer_wait 'deleted 3 of 3' 15
check $? "the typed count deletes all three: \"deleted 3 of 3\""
journal_ids delete ok >"$tmp/deleted"
gone=0
for id in $(cut -d' ' -f1 "$tmp/deleted"); do
    [ "$(account_status "$id")" = 404 ] && gone=$((gone + 1))
done
conns=$(cut -d' ' -f2 "$tmp/deleted" | sort -u | tr '\n' ' ')
[ "$gone" = 3 ] && [ "$(wc -l <"$tmp/deleted")" = 3 ] && [ "$conns" = "$(printf '%s\n%s\n' "$c1" "$c2" | sort -u | tr '\n' ' ')" ]
check $? "skemu no longer has the three, from both connections (journaled ok)" \
    "gone=$gone conns=$conns"
quit
check $? "q quits"

# ---- the start-up cache with skemu stopped: the deleted accounts are not shown as they were
emu_stop
start
wait_for 'cached' 15
check $? "with skemu stopped, the dashboard opens from its cache"
grep -q " total $((total - 3))" "$tmp/screen"
check $? "the cache holds the listing less the three deleted ($total - 3)" "$(sed -n 2p "$tmp/screen")"
ident=$(head -n 1 "$tmp/deleted" | cut -d' ' -f3)
keys / "$ident" Enter
wait_for 'All accounts  0 shown' 5
check $? "a deleted account is not among the cached rows" "ident=$ident"
quit

# ---- x against skemu: one account, then two marked ones
EMU_LOG="$tmp/skemu2.log"
emu_start --generate 60 --connections 4 --seed 9 || { notok "skemu starts again"; exit 1; }
emu_env
# No start-up cache from here: this skemu may get the first one's port (the same environment
# URL), whose cached rows are other accounts.
start --no-cache
wait_for 'refreshed [0-9]' 20
keys g Enter
wait_for 'Scopes' 10
id=$(detail_field ID)
keys Enter x
wait_for 'Disconnect 1 connected account' 5
check $? "x opens the disconnect dialog for the current account"
keys y
footer_wait 'disconnected ' 15
check $? "y disconnects it"
"$SKDASH_BIN" show --id "$id" >"$tmp/show" 2>&1
grep -q 'DISCONNECTED' "$tmp/show" && grep -q 'REVOKED' "$tmp/show"
check $? "skemu keeps the account, DISCONNECTED (REVOKED·disconnected in skdash show)" \
    "$(grep -i 'state\|status' "$tmp/show" | head -n 2)"
[ "$(journal_ids disconnect ok | cut -d' ' -f1)" = "$id" ]
check $? "the disconnect is journaled"
keys j Space Space x
wait_for 'Disconnect 2 connected accounts' 5 && grep -q '2 accounts: ' "$tmp/screen"
check $? "two marked: the dialog counts them and asks for the count"
keys 2 Enter
footer_wait 'disconnected 2 of 2' 15
check $? "the typed count disconnects both: \"disconnected 2 of 2\""
n=0
for i in $(journal_ids disconnect ok | cut -d' ' -f1); do
    "$SKDASH_BIN" show --id "$i" 2>/dev/null | grep -q DISCONNECTED && n=$((n + 1))
done
[ "$n" = 3 ]
check $? "skemu shows all three DISCONNECTED" "n=$n"

# ---- L: links for the marked accounts into a CSV file
keys Escape Escape Escape
wait_gone 'marked' 5
tokens0=$(grep -c 'POST /oauth/token' "$tmp/skemu2.log")
links0=$(grep -c 'magic_link' "$tmp/skemu2.log")
keys g Space Space Space L
footer_wait 'wrote 3 links: ' 20
check $? "L writes three links and names the file" "$(tail -n 2 "$tmp/screen")"
file=$(ls "$XDG_STATE_HOME"/skdash/links-*.csv 2>/dev/null | head -n 1)
case "$file" in */links-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9].csv) r=0 ;; *) r=1 ;; esac
check $r "the file is under \$XDG_STATE_HOME/skdash, named by date and time" "file=$file"
[ "$(stat -c %a "$file" 2>/dev/null)" = 600 ]
check $? "the file is mode 0600"
[ "$(head -n 1 "$file")" = "connection,identifier,account_id,state,link,expiry,message,error" ] &&
    [ "$(wc -l <"$file")" = 4 ]
check $? "the file has skdash link --format csv's header and one row per marked account" \
    "$(wc -l <"$file") lines"
journal_ids link ok | cut -d' ' -f1 | sort >"$tmp/linked"
python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
ok = all(r["link"].startswith("http") and r["expiry"] and r["identifier"] in r["message"] for r in rows)
print("\n".join(sorted(r["account_id"] for r in rows)) if ok else "bad")' "$file" >"$tmp/infile"
[ "$(wc -l <"$tmp/linked")" = 3 ] && cmp -s "$tmp/linked" "$tmp/infile"
check $? "each row has its link, expiry and message, and each link is one journal line" \
    "journal: $(tr '\n' ' ' <"$tmp/linked") file: $(tr '\n' ' ' <"$tmp/infile")"
tokens=$(( $(grep -c 'POST /oauth/token' "$tmp/skemu2.log") - tokens0 ))
links=$(( $(grep -c 'magic_link' "$tmp/skemu2.log") - links0 ))
quit
[ "$tokens" = 0 ] && [ "$links" = 3 ]
check $? "three magic links asked for over the dashboard's one token (no new token)" \
    "tokens=$tokens links=$links"

exit "$([ "$fails" = 0 ] && echo 0 || echo 1)"
