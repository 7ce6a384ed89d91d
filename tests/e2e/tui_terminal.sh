#!/bin/sh
# tui_terminal.sh: what the dashboard exchanges with the terminal besides drawing, in tmux
# against skemu: OSC 52 copies (y, Y; in the link view y and m) land in tmux's paste buffer
# (set-clipboard on, TMUX unset so the plain form is sent); with --mouse a click selects a row
# and the wheel scrolls (SGR mouse reports, the form TERM=xterm-256color declares, written into
# the pane as the terminal would send them); --debug writes the redacted HTTP trace to $XDG_STATE_HOME/skdash/debug.log (0600),
# never to the screen, and never a secret or a token.
# TAP lines "ok - ..." / "not ok - ..."; skipped when tmux is missing.
set -u

. "$(dirname "$0")/../support/e2e_lib.sh"
need_tools "tui terminal" tmux
e2e_setup term

# This skemu lists its tokens in a file of this test, to look for them in the debug log.
global_tokens=${SKEMU_TOKEN_LOG:-}
export SKEMU_TOKEN_LOG="$tmp/tokens"
emu_start --generate 60 --connections 4 --seed 7 || { notok "skemu starts"; exit 1; }
if [ -n "$global_tokens" ]; then export SKEMU_TOKEN_LOG="$global_tokens"; else unset SKEMU_TOKEN_LOG; fi
emu_env
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color
unset NO_COLOR TMUX

# start FLAGS: tmux with set-clipboard on; skdash without TMUX and with an xterm TERM (not
# tmux's "screen", which would pick the screen wrapping) so it sends plain OSC 52.
start() {
    printf 'set -g set-clipboard on\n' >"$tmp/tmux.conf"
    tmux_new 100 30 "env -u TMUX TERM=xterm-256color $SKDASH_BIN $*; echo skdash-exited-\$?; sleep 600" \
        "$tmp/tmux.conf"
    wait_for 'refreshed [0-9]' 15
}
# clip WANT: wait until tmux's newest paste buffer is exactly WANT.
clip() {
    n=100
    while [ "$n" -gt 0 ]; do
        tmux -L "$sock" show-buffer >"$tmp/buf" 2>/dev/null
        [ "$(cat "$tmp/buf")" = "$1" ] && return 0
        sleep 0.1
        n=$((n - 1))
    done
    return 1
}
detail_text() { sed -n "s/^.*│$1  *\(.*[^ ]\) *$/\1/p" "$tmp/screen" | head -n 1; }
# The identifier shown on screen line Y (0-based) of the table.
row_ident() { sed -n "$(($1 + 1))p" "$tmp/screen" | sed 's/^.*│  \([^ ]*\).*$/\1/; s/…$//'; }

# ---- OSC 52: y, Y, and in the link view y and m
start
keys g j Enter
wait_for 'Scopes' 10
id=$(detail_text ID)
ident=$(detail_text Identifier)
conn=$(detail_text Connection)
keys y
clip "$id"
check $? "y puts the current account's id on the clipboard (OSC 52)" "buffer=$(cat "$tmp/buf") id=$id"
keys Y
clip "$ident"
check $? "Y puts its identifier on the clipboard" "buffer=$(cat "$tmp/buf") identifier=$ident"
keys l
wait_for 'Expires in [0-9]' 10
link=$(link_settled)
keys y
clip "$link"
r=$?
case "$link" in "$URL"/magic/*) ;; *) r=1 ;; esac
check $r "y in the link view puts the link on the clipboard" \
    "buffer=$(cat "$tmp/buf") link=$link buffers: $(tmux -L "$sock" list-buffers | tr '\n' ' ')"
keys m
n=100
while [ "$n" -gt 0 ]; do
    tmux -L "$sock" show-buffer >"$tmp/buf" 2>/dev/null
    grep -q '^Your ' "$tmp/buf" && break
    sleep 0.1; n=$((n - 1))
done
msg=$(cat "$tmp/buf")
case "$msg" in
    "Your $conn connection for $ident needs re-authorization: open $link before "[0-2][0-9]:[0-5][0-9]\ ?*", in "[0-9]*\ minute*) r=0 ;;
    *) r=1 ;;
esac
check $r "m in the link view puts the message for the user on the clipboard" "buffer=$msg"
keys Escape q
wait_for 'skdash-exited-0' 5

# ---- --mouse: a click selects the row under it (the detail follows), the wheel moves by 3
start --mouse
keys g Enter
wait_for 'Scopes' 10
# mouse B X Y [m]: an SGR mouse report (ESC [ < B ; column ; row M, 1-based; m = release)
# for screen cell X, Y (0-based).
mouse() { keys -l "$(printf '\033[<%d;%d;%d%s' "$1" $(($2 + 1)) $(($3 + 1)) "${4:-M}")"; }
# Table rows start on screen line 4 (0-based); click the 4th one (line 7), column 39.
target=$(row_ident 7)
mouse 0 39 7
mouse 0 39 7 m
n=30
got=""
while [ "$n" -gt 0 ]; do
    cap >"$tmp/screen"; got=$(detail_text Identifier)
    case "$got" in "$target"*) break ;; esac
    sleep 0.1; n=$((n - 1))
done
r=1
[ -n "$target" ] && case "$got" in "$target"*) r=0 ;; esac
check $r "--mouse: a click on a row selects it (the detail shows it)" "clicked=$target detail=$got"
below=$(row_ident 10)
mouse 65 39 7
n=30
while [ "$n" -gt 0 ]; do
    cap >"$tmp/screen"; got=$(detail_text Identifier)
    case "$got" in "$below"*) break ;; esac
    sleep 0.1; n=$((n - 1))
done
r=1
[ -n "$below" ] && case "$got" in "$below"*) r=0 ;; esac
check $r "--mouse: the wheel moves the cursor down by 3 rows" "expected=$below detail=$got"
mouse 64 39 7
n=30
while [ "$n" -gt 0 ]; do
    cap >"$tmp/screen"; got=$(detail_text Identifier)
    case "$got" in "$target"*) break ;; esac
    sleep 0.1; n=$((n - 1))
done
r=1
case "$got" in "$target"*) r=0 ;; esac
check $r "--mouse: the wheel up moves it back" "expected=$target detail=$got"
# The wheel scrolls the pane under the pointer, not the focused one (issue #13): with the focus
# on the connections pane (a click on "All accounts", screen line 3), the wheel over the accounts
# moves the accounts cursor and leaves the connection selected.
mouse 0 3 3
mouse 0 3 3 m
sleep 0.3
mouse 65 39 7
n=30
while [ "$n" -gt 0 ]; do
    cap >"$tmp/screen"; got=$(detail_text Identifier)
    case "$got" in "$below"*) break ;; esac
    sleep 0.1; n=$((n - 1))
done
r=1
case "$got" in "$below"*) grep -q 'Accounts · All accounts' "$tmp/screen" && r=0 ;; esac
check $r "--mouse: the wheel over the accounts scrolls them while the connections have the focus" \
    "expected=$below detail=$got"
keys Escape q
wait_for 'skdash-exited-0' 5

# ---- --debug: the trace goes to a private file, not to the screen
log="$XDG_STATE_HOME/skdash/debug.log"
start --debug
r=$?
grep -qF "debug trace: $log" "$tmp/screen" || r=1
check $r "--debug: the footer says where the trace goes" "$(tail -n 2 "$tmp/screen" | head -n 1)"
keys r
sleep 1
wait_for 'refreshed [0-9]' 5
cap -S -200 >"$tmp/scroll"
grep -q 'http:' "$tmp/scroll"
[ $? = 1 ]
check $? "--debug: no trace line reaches the screen"
keys q
wait_for 'skdash-exited-0' 5
[ -f "$log" ] && [ "$(stat -c %a "$log")" = 600 ]
check $? "--debug: $log exists with mode 0600" "$(ls -l "$log" 2>&1)"
sends=$(grep -c 'http: -> GET' "$log")
answers=$(grep -c 'http: <- 200' "$log")
[ "$sends" -ge 10 ] && [ "$answers" -ge 10 ]
check $? "--debug: the log has a line per request and per answer" "sends=$sends answers=$answers"
r=0
grep -qF "$SCALEKIT_CLIENT_SECRET" "$log" && r=1
ntok=0
while read -r t; do
    [ -n "$t" ] || continue
    ntok=$((ntok + 1))
    grep -qF "$t" "$log" && r=1
done <"$tmp/tokens"
[ "$ntok" -gt 0 ] || r=1
check $r "--debug: neither the secret nor any of the $ntok issued tokens is in the log"
exit 0
