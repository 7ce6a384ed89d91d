#!/bin/sh
# tui_search.sh: the support flow in a real terminal (tmux) against a slow skemu: a user on the
# last pages of the largest connection is on screen, found by a server search, while the
# listing still runs (the footer says so), without a storm of searches (typed in one burst once
# the token is in: one search, for the whole name); the link view says whom
# the link is for; when the watched account turns ACTIVE its whole row is refreshed (the token
# expiry changes with no r); over cached rows an account created since is found the same way;
# copies inside tmux land in tmux's buffer with set-clipboard on, pass through a nested tmux
# with allow-passthrough on, and with neither the footer shows the
# text to copy by hand and nothing is claimed (a message: in the link view); when tmux cannot
# be asked both forms are sent and the footer says "sent"; under screen the copy reaches the
# tmux around it.
# TAP lines "ok - ..." / "not ok - ..."; skipped when tmux, python3 or curl is missing.
set -u

. "$(dirname "$0")/../support/e2e_lib.sh"
need_tools "tui search" tmux python3 curl
e2e_setup search
PICK="$(dirname "$0")/../support/pick_account.py"

# The same data twice (same seed and epoch): a fast skemu to pick the user, a slow one (listing
# the largest connection takes 100 pages x 40 ms) for the dashboard.
epoch=$(( $(date +%s) / 86400 * 86400 ))
DATA="--generate 20000 --connections 5 --seed 11 --epoch $epoch"
emu_start $DATA --quiet || { notok "skemu starts"; exit 1; }
set -- $(python3 "$PICK" "$URL" EXPIRED)
conn=${1:-} id=${2:-} ident=${3:-} pos=${5:-0}
emu_stop
[ -n "$ident" ] && [ "$pos" -ge 500 ]
check $? "the user picked sits beyond the first pages of $conn" "pick: $conn $id $ident at $pos"
emu_start $DATA --latency-ms 40 || { notok "slow skemu starts"; exit 1; }
emu_env
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color
unset NO_COLOR

clip() {
    n=50
    while [ "$n" -gt 0 ]; do
        tmux -L "${2:-$sock}" show-buffer >"$tmp/buf" 2>/dev/null
        [ "$(cat "$tmp/buf")" = "$1" ] && return 0
        sleep 0.1
        n=$((n - 1))
    done
    return 1
}
# The table row of the user on the last capture (the identifier may end in an ellipsis).
row() { grep -F "$(printf '%s' "$ident" | cut -c 1-10)" "$tmp/screen" | grep -v '^/' | head -n 1; }

# ---- found while the listing runs: / and the name typed at once
printf 'set -g set-clipboard on\n' >"$tmp/tmux.conf"
tmux_new 120 30 "$SKDASH_BIN --no-cache; echo skdash-exited-\$?; sleep 600" "$tmp/tmux.conf"
keys /
keys -l "$ident"
footer_wait 'from a server search' 10
r=$?
grep -q 'loading' "$tmp/screen" || r=1
grep -q 'listing runs' "$tmp/screen" || r=1
[ -n "$(row)" ] || r=1
check $r "the user's row is on screen from a server search while the listing runs" \
    "$(tail -n 3 "$tmp/screen")"
grep -q 'not refreshed yet' "$tmp/screen"
check $? "the listing had not completed then"
searches=$(grep -c 'connected_accounts:search' "$tmp/skemu.log")
[ "$searches" -ge 1 ] && [ "$searches" -le 3 ]
check $? "typing the name sent no storm of searches ($searches for ${#ident} characters)"
wait_for 'refreshed [0-9]' 30
footer_gone 'server search' 5
check $? "once the listing completes the footer no longer speaks of the search"
grep -q ' 1 shown' "$tmp/screen"
check $? "the listing's row replaced the found one (shown once)" "$(sed -n 3p "$tmp/screen")"
before=$(row)

# ---- Enter keeps the filter, l: the link view says whom the link is for
keys Enter l
wait_for 'Expires in [0-9]' 10
check $? "l opens the link view on the found row"
grep -qF "for $ident on $conn: send it to that person only" "$tmp/screen"
check $? "the link view says whom the link is for" "$(sed -n 1,4p "$tmp/screen")"

# ---- the link opened as a phone would: ACTIVE, and the whole row refreshed with no r
link=$(link_settled)
code=$(curl -s -o /dev/null -w '%{http_code}' "$link")
[ "$code" = 200 ]
check $? "the link opens" "HTTP $code link=$link"
wait_for 'State: ACTIVE' 15
check $? "the watched state turns ACTIVE"
keys Escape
wait_for 'Accounts · All accounts' 5
after=$(row)
case "$after" in *ACTIVE*"in 59m"* | *ACTIVE*"in 1h"*) r=0 ;; *) r=1 ;; esac
[ "$after" != "$before" ] || r=1
check $r "the row shows ACTIVE and the new token expiry without a refresh" \
    "before: $before | after: $after"

# ---- copies inside tmux (TMUX set, as tmux sets it): set-clipboard on lands in the buffer
keys y
clip "$id"
check $? "y with set-clipboard on puts the id in tmux's buffer" "buffer=$(cat "$tmp/buf")"
footer_wait 'copied the id' 5
check $? "the footer says it was copied"
tmux -L "$sock" set -g set-clipboard off
tmux -L "$sock" set -g allow-passthrough off 2>/dev/null
keys Y
footer_wait "copy by hand: $ident" 5
check $? "with neither setting the footer shows the text to copy by hand" "$(tail -n 2 "$tmp/screen")"
grep -q 'copied the identifier' "$tmp/screen"
[ $? -ne 0 ] && [ "$(tmux -L "$sock" show-buffer 2>/dev/null)" = "$id" ]
check $? "and claims no copy (the buffer is unchanged)"
keys Escape l
wait_for 'Expires in [0-9]' 10
keys m
wait_for 'select it by hand' 5
r=$?
grep -qF "Your $conn connection for" "$tmp/screen" || r=1
check $r "m that cannot be copied shows the message in the link view to select by hand" \
    "$(sed -n 1,14p "$tmp/screen")"
keys Escape q
wait_for 'skdash-exited-0' 5

# ---- typed in one burst once the token is in, Enter and a move included: one search, for the whole name
# (the search follows the text once the keys read together are done, not from its first
# letters on)
dlog="$XDG_STATE_HOME/skdash/debug.log"
rm -f "$dlog"
tmux_new 120 30 "$SKDASH_BIN --no-cache --debug; echo skdash-exited-\$?; sleep 600" "$tmp/tmux.conf"
n=100
while [ "$n" -gt 0 ] && ! grep -q '<- 200 POST .*/oauth/token' "$dlog" 2>/dev/null; do
    sleep 0.1; n=$((n - 1))
done
wait_for 'loading' 10
keys /
keys -l "$ident$(printf '\r')j"   # Enter and a move in the same burst: the search still sent
n=100
while [ "$n" -gt 0 ]; do
    cap >"$tmp/screen"
    [ -n "$(row)" ] && break
    sleep 0.1; n=$((n - 1))
done
[ -n "$(row)" ]
r=$?
q=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$ident")
sent=$(grep -c 'http: -> GET .*/connected_accounts:search' "$dlog")
whole=$(grep 'http: -> GET .*/connected_accounts:search' "$dlog" | grep -cF "query=$q&")
[ "$sent" = 1 ] && [ "$whole" = 1 ] || r=1
check $r "a name, Enter and j typed in one burst after the token came make one search, for the whole name" \
    "$sent sent, $whole for the whole name: $(grep -o 'connected_accounts:search?[^ ]*' "$dlog" | tr '\n' ' '); $(tail -n 2 "$tmp/screen")"
keys Escape q
wait_for 'skdash-exited-0' 5

# ---- rows from the cache: an account created since is found by the search while the new
# listing runs, and the footer says the rows are the cache's
tmux_new 120 30 "$SKDASH_BIN; echo skdash-exited-\$?; sleep 600" "$tmp/tmux.conf"
wait_for 'refreshed [0-9]' 30
keys q
wait_for 'skdash-exited-0' 5
newid="fresh.$$@example.com"
printf 'header = "Authorization: Bearer %s"\n' "$(api_token)" |
    curl -s -o /dev/null -w '%{http_code}' -K - -H 'Content-Type: application/json' \
        -d "{\"connector\":\"$conn\",\"identifier\":\"$newid\"}" \
        "$URL/api/v1/connected_accounts" >"$tmp/created"
tmux_new 120 30 "$SKDASH_BIN; echo skdash-exited-\$?; sleep 600" "$tmp/tmux.conf"
wait_for 'cached' 10
keys /
keys -l "$newid"
footer_wait 'from a server search; cached rows, listing runs' 10
r=$?
grep -qF "$(printf '%s' "$newid" | cut -c 1-12)" "$tmp/screen" || r=1
check $r "over cached rows, an account created since is found while the listing runs" \
    "created: HTTP $(cat "$tmp/created"); $(tail -n 2 "$tmp/screen")"
keys Escape q

# ---- allow-passthrough on in an inner tmux: the copy reaches the outer one (set-clipboard on)
if tmux -L "$sock" show -gv allow-passthrough >/dev/null 2>&1; then
    printf 'set -g set-clipboard off\nset -g allow-passthrough on\n' >"$tmp/inner.conf"
    tmux_new 110 30 "$SKDASH_BIN --no-cache; echo skdash-exited-\$?; sleep 600" "$tmp/inner.conf"
    inner=$sock
    outer="skdash-search-outer-$$"
    E2E_SOCKS="$E2E_SOCKS $outer"
    tmux -L "$outer" -f "$tmp/tmux.conf" new-session -d -s o -x 120 -y 32 \
        "env -u TMUX tmux -L $inner attach -t main"
    keys /
    keys -l "$ident"
    footer_wait 'from a server search|filter:' 10
    keys Enter y
    clip "$id" "$outer"
    check $? "y with allow-passthrough on passes through to the outer terminal" \
        "outer buffer=$(cat "$tmp/buf")"
    tmux -L "$inner" show-buffer >/dev/null 2>&1
    [ $? -ne 0 ]
    check $? "(and the inner tmux kept no buffer of it)"
    keys q
    tmux -L "$outer" kill-server 2>/dev/null
else
    skip "y with allow-passthrough on passes through" "this tmux has no allow-passthrough (before 3.3)"
fi

# ---- under screen (STY set) in a tmux pane with set-clipboard on: screen's DCS chunks pass
if command -v screen >/dev/null 2>&1; then
    emu_stop
    emu_start --generate 60 --connections 3 --seed 7 --quiet || { notok "small skemu starts"; exit 1; }
    emu_env
    printf 'startup_message off\n' >"$tmp/screenrc"
    tmux_new 100 30 "env -u TMUX screen -c $tmp/screenrc $SKDASH_BIN --no-cache; sleep 600" \
        "$tmp/tmux.conf"
    wait_for 'refreshed [0-9]' 15
    keys g Enter
    wait_for 'Scopes' 10
    sid=$(sed -n 's/^.*│ID  *\([^ ]*\).*$/\1/p' "$tmp/screen" | head -n 1)
    keys y
    clip "$sid"
    r=$?
    [ -n "$sid" ] || r=1
    check $r "y under screen reaches the terminal around it (tmux's buffer)" "id=$sid buffer=$(cat "$tmp/buf")"
    footer_wait 'copied the id to the clipboard \(OSC 52 through screen\)' 5
    check $? "the footer says it went through screen"
    keys q
else
    skip "y under screen reaches the terminal around it" "screen is not installed (make deps)"
fi

# ---- tmux's settings cannot be read (TMUX names no live server): both forms are sent, the
# plain one lands (set-clipboard on), and the footer says "sent", not "copied"
emu_stop
emu_start --generate 60 --connections 3 --seed 7 --quiet || { notok "small skemu starts"; exit 1; }
emu_env
tmux_new 100 30 "TMUX=$tmp/no-such-socket,1,0 $SKDASH_BIN --no-cache; sleep 600" "$tmp/tmux.conf"
wait_for 'refreshed [0-9]' 15
keys g Enter
wait_for 'Scopes' 10
uid=$(sed -n 's/^.*│ID  *\([^ ]*\).*$/\1/p' "$tmp/screen" | head -n 1)
keys y
clip "$uid"
check $? "with tmux's settings unknown the copy still lands (both forms sent)" "id=$uid buffer=$(cat "$tmp/buf")"
footer_wait "sent the id to the clipboard \\(tmux's settings unknown" 5
check $? "and the footer says sent, not copied" "$(tail -n 2 "$tmp/screen")"
keys q
exit 0
