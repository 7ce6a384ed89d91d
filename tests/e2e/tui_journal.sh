#!/bin/sh
# tui_journal.sh: the action journal from the dashboard, in tmux against skemu: a delete and a
# link issued in the dashboard are in `skdash journal --format json` (id, identifier,
# connection, environment, result ok); J shows them newest first and Esc/q close it; help lists
# J; a journal that cannot be written leaves the delete done and says so in the footer.
# TAP lines "ok - ..." / "not ok - ..."; skipped when tmux or python3 is missing.
set -u
. "$(dirname "$0")/../support/e2e_lib.sh"
need_tools "tui journal" tmux python3
e2e_setup journal

emu_start --generate 60 --connections 3 --seed 9 --quiet || { notok "skemu starts"; exit 1; }
emu_env
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color SKDASH_NO_CACHE=1
unset NO_COLOR TMUX
JOURNAL="$XDG_STATE_HOME/skdash/journal.jsonl"

start() {
    tmux_new 110 30 "$SKDASH_BIN $*; echo skdash-exited-\$?; sleep 600"
    wait_for 'refreshed [0-9]' 15
}
jf() { journal_field "$@"; }

# ---- a delete and a link in the dashboard
start
check $? "the dashboard starts"
keys g Enter
wait_for 'Scopes' 10
id_del=$(detail_field ID)
ident_del=$(detail_field Identifier)
conn_del=$(detail_field Connection)
keys d
wait_for 'Delete 1 connected account'
keys y
wait_for 'deleted ' 10
check $? "d y deletes the account"
keys g
sleep 0.3
wait_for 'Scopes' 10
id_link=$(detail_field ID)
ident_link=$(detail_field Identifier)
[ -n "$id_link" ] && [ "$id_link" != "$id_del" ]
check $? "the cursor is on another account" "id_link=$id_link id_del=$id_del"
keys l
wait_for 'Expires in [0-9]' 10
check $? "l gets a link"
keys Escape
wait_for 'Connections' 5

[ "$(jf delete account_id "$id_del" result)" = ok ] &&
    [ "$(jf delete account_id "$id_del" identifier)" = "$ident_del" ] &&
    [ "$(jf delete account_id "$id_del" connection)" = "$conn_del" ] &&
    [ "$(jf delete account_id "$id_del" environment)" = "$URL" ]
check $? "skdash journal has the delete: id, identifier, connection, environment, result ok" \
    "$("$SKDASH_BIN" journal --format json 2>&1 | tr -d '\n ' | cut -c1-300)"
[ "$(jf link account_id "$id_link" result)" = ok ] &&
    [ "$(jf link account_id "$id_link" identifier)" = "$ident_link" ]
check $? "skdash journal has the link with result ok"
mode=$(stat -c %a "$JOURNAL" 2>/dev/null)
[ "$mode" = 600 ]
check $? "the journal file is mode 0600" "mode=$mode"

# ---- J: the journal view, newest first
keys J
wait_for 'Action journal' 5
r=$?
grep -q '2 entries, newest first' "$tmp/screen" || r=1
check $r "J opens the journal view (2 entries)" "$(head -n 1 "$tmp/screen")"
l_link=$(grep -n " link  *ok .*$(echo "$ident_link" | cut -c1-20)" "$tmp/screen" | cut -d: -f1 | head -n 1)
l_del=$(grep -n " delete  *ok .*$(echo "$ident_del" | cut -c1-20)" "$tmp/screen" | cut -d: -f1 | head -n 1)
[ -n "$l_link" ] && [ -n "$l_del" ] && [ "$l_link" -lt "$l_del" ]
check $? "J lists the link and the delete, newest first" "link line $l_link, delete line $l_del"
python3 -c 'import sys; sys.exit(any(len(l.rstrip("\n")) > 110 for l in open(sys.argv[1], encoding="utf-8")))' "$tmp/screen"
check $? "the journal view fits the width"
keys q
wait_for 'Accounts · ' 5
r=$?
grep -q 'Action journal' "$tmp/screen" && r=1
check $r "q closes the journal view (the dashboard stays)"
keys J
wait_for 'Action journal' 5
keys Escape
wait_for 'Accounts · ' 5
check $? "Esc closes the journal view"
keys '?'
wait_for 'skdash keys' 5
# (the Dashboard's keys fill more than a 30-line window: scroll down until J shows)
n=0
while ! grep -q '^  J  .*the action journal' "$tmp/screen" && [ "$n" -lt 40 ]; do
    keys j
    sleep 0.05
    cap >"$tmp/screen"
    n=$((n + 1))
done
grep -q '^  J  .*the action journal' "$tmp/screen"
check $? "help lists J (the action journal)"
keys q q
wait_for 'skdash-exited-0' 5
check $? "q quits"

# ---- a journal that cannot be written: the delete is still done, the footer warns
chmod 644 "$JOURNAL"
start
keys g Enter
wait_for 'Scopes' 10
id3=$(detail_field ID)
keys d
wait_for 'Delete 1 connected account'
keys y
wait_for 'warning: journal not written' 10
check $? "an unwritable journal shows a warning in the footer" "footer: $(tail -n 2 "$tmp/screen" | head -n 1)"
[ -n "$id3" ] && [ "$(account_status "$id3")" = 404 ]
check $? "the delete went through all the same" "id=$id3"
[ "$(grep -c . "$JOURNAL")" = 2 ]
check $? "nothing was appended to the refused journal"
keys Escape
wait_gone 'warning: journal' 5
check $? "Esc clears the warning"
keys q
wait_for 'skdash-exited-0' 5
check $? "q quits"
chmod 600 "$JOURNAL"
exit 0
