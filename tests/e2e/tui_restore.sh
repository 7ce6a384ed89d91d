#!/bin/sh
# tui_restore.sh: the terminal is restored whatever way the dashboard ends: q, SIGINT, SIGTERM,
# SIGHUP, SIGQUIT, and the fatal SIGSEGV and SIGABRT. After each, in the same tmux pane: the
# alternate screen is off, the cursor is visible, and the tty is back in canonical mode with echo
# (read with stty by the shell that ran skdash).
# TAP lines "ok - ..." / "not ok - ..."; skipped when tmux is missing.
set -u
. "$(dirname "$0")/../support/e2e_lib.sh"
need_tools "tui restore" tmux
need_built "tui restore" "$SKDASH_BIN" "$SKEMU_BIN"
e2e_setup restore

emu_start --generate 30 --connections 2 --seed 5 --quiet || { notok "skemu starts"; exit 1; }
emu_env
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color SKDASH_NO_CACHE=1
unset NO_COLOR TMUX

# how: "q" or a signal name. The pane's shell records skdash's pid, then the tty settings after.
ending() {
    how=$1
    rm -f "$tmp/pid" "$tmp/stty"
    tmux_new 100 30 "sh -c 'echo \$\$ > $tmp/pid; exec $SKDASH_BIN' ; stty -a > $tmp/stty; echo after-skdash; sleep 600"
    if ! wait_for 'refreshed [0-9]' 15; then
        notok "$how: the dashboard starts"
        return
    fi
    alt=$(tmux -L "$sock" display -p -t main '#{alternate_on}')
    [ "$alt" = 1 ] || notok "$how: the dashboard runs on the alternate screen" "alternate_on=$alt"
    if [ "$how" = q ]; then
        keys q
    else
        kill -s "$how" "$(cat "$tmp/pid")"
    fi
    if ! wait_for 'after-skdash' 10; then
        notok "$how: skdash ends" "$(tail -n 3 "$tmp/screen")"
        return
    fi
    alt=$(tmux -L "$sock" display -p -t main '#{alternate_on}')
    cur=$(tmux -L "$sock" display -p -t main '#{cursor_flag}')
    modes=$(tr ' ' '\n' <"$tmp/stty" | grep -Ex -- '-?(icanon|echo)' | sort | tr '\n' ' ')
    if [ "$alt" = 0 ] && [ "$cur" = 1 ] && [ "$modes" = "echo icanon " ]; then
        ok "$how: terminal restored (normal screen, cursor shown, icanon and echo)"
    else
        notok "$how: terminal restored" "alternate_on=$alt cursor_flag=$cur stty: $modes"
    fi
}

for how in q INT TERM HUP QUIT SEGV ABRT; do
    ending "$how"
done
[ "$fails" -eq 0 ]
