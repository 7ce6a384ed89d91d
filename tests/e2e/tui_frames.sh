#!/bin/sh
# tui_frames.sh: how a frame reaches the terminal. The dashboard runs in tmux under strace
# against skemu: from the first screen to a few cursor moves and the quit, every frame (a run of
# writes to the terminal with no other system call between them) goes out in at most 3 writes,
# and the first full screen in writes of more than a line. With ncurses 6.4 as it comes, every
# cursor move flushed its buffer (tui_term.c): this run then made 241 writes, up to 14 in one
# frame, none above 257 bytes. TAP lines; skipped when tmux or strace is missing or strace cannot trace here.
set -u

. "$(dirname "$0")/../support/e2e_lib.sh"
need_tools "tui frames" tmux strace
need_built "tui frames" "$SKDASH_BIN" "$SKEMU_BIN"
e2e_setup frames
if ! strace -qq -o /dev/null true 2>/dev/null; then
    skip "tui frames" "strace cannot trace a process here"
    exit 0
fi

emu_start --generate 300 --connections 4 --seed 11 || { notok "skemu starts"; exit 1; }
emu_env
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color
unset NO_COLOR

tr="$tmp/trace"
tmux_new 100 30 "strace -qq -s 0 -e trace=write,read,poll,ppoll,recvfrom,sendto -o '$tr' $SKDASH_BIN; echo skdash-exited-\$?; sleep 600"
if ! wait_for 'refreshed [0-9]' 15; then
    notok "the dashboard lists the accounts under strace" "$(cat "$tmp/screen")"
    exit 1
fi
keys j
sleep 0.2
keys j
sleep 0.2
keys k
sleep 0.2
keys G
sleep 0.3
keys q
wait_for 'skdash-exited-0' 10
check $? "the dashboard quits with 0 under strace" "$(tail -n 3 "$tmp/screen")"

# Runs of consecutive writes to fd 1 after the first (the terminal's set-up: modes, a few
# bytes each), and the largest write's size.
runs=$(awk '/^write\(1,/ { r++; next } { if (r) print r; r = 0 } END { if (r) print r }' "$tr" |
    sed 1d)
frames=$(printf '%s\n' "$runs" | grep -c .)
longest=$(printf '%s\n' "$runs" | sort -n | tail -n 1)
writes=$(grep -c '^write(1,' "$tr")
biggest=$(sed -n 's/^write(1, .*= *\([0-9][0-9]*\)$/\1/p' "$tr" | sort -n | tail -n 1)
[ "$frames" -ge 4 ] && [ "${longest:-99}" -le 3 ]
check $? "every frame goes out in at most 3 writes" \
    "$writes writes in $frames runs, the longest $longest writes"
[ "${biggest:-0}" -ge 1000 ]
check $? "a full screen goes out in writes of more than a line (largest $biggest bytes)" \
    "$(grep '^write(1,' "$tr" | head -n 5)"

exit $((fails > 0))
