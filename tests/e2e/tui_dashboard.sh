#!/bin/sh
# tui_dashboard.sh: the real dashboard in a real terminal (tmux) against a real skemu: listing,
# moving, filtering, sorting, the detail, deleting (y and n), read-only, resize, NO_COLOR.
# TAP lines "ok - ..." / "not ok - ..."; skipped when tmux is missing.
set -u

. "$(dirname "$0")/../support/e2e_lib.sh"
need_tools "tui dashboard" tmux
e2e_setup e2e

# ---- skemu
emu_start --generate 120 --connections 5 --seed 3 || { notok "skemu starts"; exit 1; }
emu_env
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color
unset NO_COLOR TMUX

# The API seen directly, to check what the dashboard shows and does. The secret goes on stdin.
token=$(api_token)
api() { printf 'header = "Authorization: Bearer %s"\n' "$token" | curl -s -K - "$@"; }
api_status() { printf 'header = "Authorization: Bearer %s"\n' "$token" |
               curl -s -o /dev/null -w '%{http_code}' -K - "$@"; }

# start FLAGS: a fresh tmux server (own socket) running skdash; waits for the first refresh.
start() {
    tmux_new 100 30 "$SKDASH_BIN $*; echo skdash-exited-\$?; sleep 600"
    wait_for 'refreshed [0-9]' 15
}
# The detail pane's value of a field ("ID", "Identifier").

# ---- start: every connection and its total
start
check $? "the dashboard starts and finishes its first refresh"
conns=$(api "$URL/api/v1/connections/app?page_size=30" | grep -o '"key_id":"[^"]*"' | cut -d'"' -f4)
missing=""
for c in $conns; do grep -q "^$c  *[0-9]" "$tmp/screen" || missing="$missing $c"; done
[ -n "$conns" ] && [ -z "$missing" ]
check $? "every connection is listed with its total" "missing:$missing"
grep -q "All accounts  *120" "$tmp/screen" && grep -q "Needs attention" "$tmp/screen"
check $? "All accounts (120) and Needs attention are listed"

# ---- move and open the detail: the detail follows the cursor
keys g j Enter
wait_for 'Detail' && wait_for 'Scopes' 10
row2=$(sed -n '6p' "$tmp/screen" | sed 's/^.*│  \([^ ]*\).*$/\1/; s/…$//')
ident=$(detail_field Identifier)
case "$ident" in "$row2"*) r=0 ;; *) r=1 ;; esac
[ -n "$row2" ]; check $((r + $?)) "j moves down and Enter opens the detail of that row" "row2=$row2 detail=$ident"
grep -q "Connection ID" "$tmp/screen" && grep -q "Auth type" "$tmp/screen"
check $? "the detail shows every field (fetched from /details: Scopes)"

# ---- sort
keys s
wait_for 'State▲'
check $? "s sorts by the next column (State)"
keys S
wait_for 'State▼'
check $? "S reverses the sort"

# ---- filter as you type
keys Escape /
for ch in s t a t e : e x p i r e d; do keys "$ch"; done
keys Enter
wait_for 'filter: state:expired'
expired=$(sed -n 's/^.*EXPIRED \([0-9]*\).*$/\1/p' "$tmp/screen" | head -n 1)
shown=$(sed -n 's/^.*Accounts · All accounts  \([0-9]*\) shown.*$/\1/p' "$tmp/screen")
others=$(sed -n '5,26p' "$tmp/screen" | grep '│  ' | grep -Ev 'EXPIRED|^ *$' | grep -c '@\|user_')
[ -n "$shown" ] && [ "$shown" = "$expired" ] && [ "$others" = 0 ]
check $? "/state:expired shows exactly the EXPIRED accounts" "shown=$shown expired=$expired others=$others"
keys Escape
wait_for 'All accounts  120 shown'
check $? "Esc clears the filter"

# ---- delete, cancelled with n: the account stays
keys Escape Escape g j j Enter
wait_for 'Scopes'
id_keep=$(detail_field ID)
keys d
wait_for 'Delete 1 connected account\?'
check $? "d opens the dialog naming the account"
grep -q "(connection " "$tmp/screen"
check $? "the dialog names the connection"
keys n
wait_for 'nothing deleted'
[ "$(api_status "$URL/api/v1/connected_accounts/details?id=$id_keep")" = 200 ]
check $? "n keeps the account (still on the server)"

# ---- delete, confirmed with y: gone from skemu and from the screen
ident_del=$(detail_field Identifier)
keys d
wait_for 'Delete 1 connected account\?'
keys y
wait_for "deleted "
code=$(api_status "$URL/api/v1/connected_accounts/details?id=$id_keep")
[ "$code" = 404 ]
check $? "y deletes the account on the server" "details answered $code"
wait_for 'All accounts  119 shown'
check $? "the row disappears once the server confirms"

# ---- the terminal is restored on q
keys q
wait_for 'skdash-exited-0'
check $? "q quits with status 0"

# ---- resize below 80x24 and back
start
tmux -L "$sock" resize-window -t main -x 60 -y 20
wait_for 'at least 80x24'
check $? "below 80x24 a notice replaces the screen"
tmux -L "$sock" resize-window -t main -x 100 -y 30
wait_for 'Connections' && wait_gone 'at least 80x24'
check $? "the dashboard comes back when the window grows"

# ---- colours: present by default, gone with NO_COLOR, labels kept
colour_sgr() { cap -e | grep -o "$(printf '\033')\[[0-9;]*m" | tr -d '\033[m' | tr ';' '\n' |
               grep -Ec '^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$'; }
n_colour=$(colour_sgr)
[ "$n_colour" -gt 0 ]
check $? "states are coloured by default" "colour SGR: $n_colour"
keys q
wait_for 'skdash-exited'
export NO_COLOR=1
start
n_colour=$(colour_sgr)
grep -q 'ACTIVE' "$tmp/screen" && grep -q 'EXPIRED' "$tmp/screen" && grep -q 'REVOKED' "$tmp/screen"
labels=$?
[ "$n_colour" = 0 ] && [ "$labels" = 0 ]
check $? "NO_COLOR: no colour SGR, state labels still shown" "colour SGR: $n_colour"
unset NO_COLOR
keys q
wait_for 'skdash-exited'

# ---- read-only refuses delete, from the key and in help
start --read-only
grep -q 'READ-ONLY' "$tmp/screen"
check $? "--read-only shows the READ-ONLY badge"
keys g Enter
wait_for 'Scopes'
id_ro=$(detail_field ID)
keys d
wait_for 'read-only: delete is disabled'
r=$?
grep -q 'Delete 1 connected' "$tmp/screen" && r=1
[ "$(api_status "$URL/api/v1/connected_accounts/details?id=$id_ro")" = 200 ] || r=1
check $r "--read-only: d is refused, no dialog, the account stays"
keys Escape '?'
# The help's body, not its title alone (a capture can land while the screen is being drawn),
# then one more capture once it is whole.
wait_for 'mark every row shown'
r=$?
sleep 0.3
cap >"$tmp/screen"
grep -q 'delete the marked' "$tmp/screen" && r=1
grep -q 'mark every row shown' "$tmp/screen" || r=1
check $r "--read-only: help lists the other actions but not delete"
keys q q
wait_for 'skdash-exited'

exit 0
