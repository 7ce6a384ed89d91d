#!/bin/sh
# dash.sh: the real dashboard (build/skdash) in a private tmux server against skemu: time until
# everything is listed, peak RSS, 10 s idle (CPU and system calls under strace), the cache file
# a second start opens from, and the first full screen of both starts as tmux polling sees it
# (for comparison: bench_screen.c has the first screen's targets, read on a pty).
# Usage: dash.sh N LATENCY_MS. Env: SKDASH_BIN, SKEMU_BIN, BENCH_RESULTS (bounds of the core
# listing bench for the same scenario are read from it), BUILD_DIR.
set -u
N=${1:-100000}
LAT=${2:-25}
SKDASH=${SKDASH_BIN:-build/skdash}
SKEMU=${SKEMU_BIN:-build/skemu}
RESULTS=${BENCH_RESULTS:-}
ROWS=40
COLS=120
IDLE_SECS=10
TAG=$(echo "$N" | awk '{ if ($1 >= 1000000) print "1m"; else if ($1 >= 100000) print "100k"; else if ($1 >= 10000) print "10k"; else print "1k" }')
# Targets by scale (MB = 10^6 bytes): 100,000 accounts 40 MB; 1,000,000 (make bench-1m) 120 MB,
# the first screen from the cache in 500 ms and a cache file of at most 100 MB.
if [ "$N" -ge 1000000 ]; then MEM_MB=120; CACHE_SCREEN_MS=500; CACHE_FILE_MB=100; else MEM_MB=40; CACHE_SCREEN_MS=""; CACHE_FILE_MB=0; fi

work=$(mktemp -d /tmp/skdash-bench-dash-XXXXXX)
sock="skbench$$"
emu_pid=""

cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null
    [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null && wait "$emu_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

. "$(dirname "$0")/lib.sh"   # now_ms, result

# bound_of NAME: the bound the core bench recorded for NAME, or nothing.
bound_of() {
    [ -n "$RESULTS" ] && [ -f "$RESULTS" ] || return 0
    awk -F'|' -v n="$1" '$2 == n { b = $5 } END { if (b != "") print b }' "$RESULTS"
}

skip() { result "$1" 0 "-" 0 0 "SKIPPED: $2"; }

if [ ! -x "$SKDASH" ] || ! command -v tmux >/dev/null; then
    skip "dashboard $TAG @${LAT}ms" "needs $SKDASH and tmux"
    exit 0
fi

# ---------------------------------------------------------------- skemu and a config file
"$SKEMU" --port 0 --generate "$N" --connections 50 --seed 42 --latency-ms "$LAT" --quiet \
    >"$work/emu.out" 2>"$work/emu.err" &
emu_pid=$!
for _ in $(seq 100); do
    url=$(head -n 1 "$work/emu.out" 2>/dev/null)
    case "$url" in http://127.0.0.1:*) break ;; esac
    sleep 0.1
done
case "$url" in http://127.0.0.1:*) ;; *) echo "dash.sh: skemu did not start" >&2; exit 1 ;; esac

# The secret goes in a 0600 config file, never on a command line.
mkdir -p "$work/config/skdash" "$work/cache"
umask 077
cat >"$work/config/skdash/config" <<EOF
[default]
environment_url = $url
client_id = skc_demo
client_secret = skemu-demo-secret
EOF
chmod 600 "$work/config/skdash/config"
export XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache" XDG_STATE_HOME="$work/cache"
export TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8
unset SKDASH_NO_CACHE NO_COLOR

# ---------------------------------------------------------------- one start of the dashboard
# The pane waits on a FIFO, so the clock starts when skdash is exec'd, not when tmux starts.
screen() { tmux -L "$sock" capture-pane -p -t bench; }
shown() { screen | sed -n 's/.* \([0-9][0-9]*\) shown.*/\1/p' | head -n 1; }

start_dash() {
    rm -f "$work/go"
    mkfifo "$work/go"
    tmux -L "$sock" kill-server 2>/dev/null
    tmux -L "$sock" new-session -d -s bench -x "$COLS" -y "$ROWS" \
        "read x <'$work/go'; exec '$SKDASH'"
    pid=$(tmux -L "$sock" display -p -t bench '#{pane_pid}')
    t0=$(now_ms)
    echo go >"$work/go"
}

# wait_for WHAT TIMEOUT_S: polls the screen; prints ms since t0 when WHAT holds.
wait_for() {
    end=$(( $(now_ms) + $2 * 1000 ))
    while [ "$(now_ms)" -lt "$end" ]; do
        case "$1" in
            full) s=$(shown); [ -n "$s" ] && [ "$s" -ge $((ROWS - 10)) ] && break ;;
            listed) screen | grep -q "total $N\$" && ! screen | head -n 1 | grep -q loading && break ;;
        esac
        sleep 0.01
    done
    [ "$(now_ms)" -lt "$end" ] && echo $(( $(now_ms) - t0 ))
}

cpu_ms() { awk '{ print ($14 + $15) * 1000 / '"$(getconf CLK_TCK)"' }' "/proc/$1/stat" 2>/dev/null; }

quit_dash() {
    tmux -L "$sock" send-keys -t bench q
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    tmux -L "$sock" kill-server 2>/dev/null
}

echo "dashboard: $N accounts, 50 connections, --latency-ms $LAT, ${COLS}x${ROWS} tmux pane ($SKDASH)"

# First start: no cache.
start_dash
first=$(wait_for full 60)
listed=$(wait_for listed 300)
if [ -z "$first" ] || [ -z "$listed" ]; then
    echo "dash.sh: the dashboard did not show the listing; last screen:" >&2
    screen >&2
    exit 1
fi
b_first=$(bound_of "first rows $TAG @${LAT}ms (core)")
b_whole=$(bound_of "listing $TAG @${LAT}ms: whole")
# The screen polled through tmux every 10 ms, a tmux client spawned for each look, is reported
# for comparison: on two cores busy with skemu and skdash that polling is late by tens of ms.
# The targets are bench_screen's, which reads the screen on a pty as its bytes are written.
result "dashboard $TAG @${LAT}ms: first full screen, tmux polled" "$first" ms "${b_first:-0}" 0 \
    "no cache; bench_screen has the target (read on a pty)"
# The bound is the core's round-trip formula: a target where the network sets the pace, and
# information at 0 ms, where a round trip is the two processes' CPU on shared cores (issue 14);
# there the dashboard is also set against the core's CPU floor.
if [ "$LAT" -gt 0 ]; then
    result "dashboard $TAG @${LAT}ms: everything listed" "$listed" ms "${b_whole:-0}" 1.25 \
        "screen shows total $N, no spinner; bound as the core's whole listing"
else
    b_floor=$(bound_of "listing $TAG @${LAT}ms: accounts phase / CPU floor")
    result "dashboard $TAG @${LAT}ms: everything listed" "$listed" ms "${b_whole:-0}" 0 \
        "screen shows total $N, no spinner; against the round-trip formula (information at 0 ms)"
    [ -n "$b_floor" ] && result "dashboard $TAG @${LAT}ms: everything listed / core CPU floor" \
        "$(awk -v l="$listed" -v b="$b_floor" 'BEGIN { print (b > 0 ? l / b : 0) }')" x 0 0 \
        "the core's CPU floor $b_floor ms (bench_listing): what the dashboard adds to the listing"
fi
result "dashboard $TAG @${LAT}ms: CPU until listed" "$(cpu_ms "$pid")" ms 0 0 \
    "skdash's utime + stime from its start to the full listing (the core alone: see client CPU above)"

# Idle: auto-refresh is off by default; nothing should wake the process. The listing's own
# last work, writing the cache (about half a second at a million), comes first: idle starts
# once the file is in place.
for _ in $(seq 300); do
    [ -n "$(find "$work/cache" -name '*.cache' 2>/dev/null)" ] && break
    sleep 0.1
done
sleep 1
c0=$(cpu_ms "$pid")
i0=$(now_ms)
if command -v strace >/dev/null; then
    timeout -s INT "$IDLE_SECS" strace -c -f -p "$pid" -o "$work/strace.txt" 2>"$work/strace.err"
fi
left=$(( IDLE_SECS * 1000 - ($(now_ms) - i0) ))
[ "$left" -gt 0 ] && sleep "$(awk -v l="$left" 'BEGIN { print l / 1000 }')"
# strace -c writes no table at all when it saw no call: attached and nothing is a clean zero.
if grep -q 'attached' "$work/strace.err" 2>/dev/null; then
    calls=$(awk '$NF == "total" { print $4 }' "$work/strace.txt" 2>/dev/null)
    [ -n "$calls" ] || calls=0
    detail=$(awk 'NR > 2 && $NF != "total" && $1 !~ /^-/ && NF >= 5 { printf "%s%s x%s", sep, $NF, $4; sep = ", " }' "$work/strace.txt" 2>/dev/null)
    # Attaching interrupts the one blocking wait, which is restarted once: allow that one call.
    result "dashboard idle ${IDLE_SECS} s: system calls" "$calls" calls 1 1 \
        "strace -c -f -p over ${IDLE_SECS} s, refresh off${detail:+: $detail}"
else
    skip "dashboard idle ${IDLE_SECS} s: system calls" "strace missing or could not attach: $(head -n 1 "$work/strace.err" 2>/dev/null | cut -c 1-100)"
fi
c1=$(cpu_ms "$pid")
result "dashboard idle ${IDLE_SECS} s: CPU time" "$(awk -v a="$c0" -v b="$c1" 'BEGIN { print b - a }')" ms \
    10 1 "utime + stime from /proc/PID/stat (10 ms ticks): 0 means no wake-ups"
# The peak after everything the listing leads to (the cache written, the filter records built
# ahead once the listing is over).
hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")
result "dashboard $TAG: peak RSS (VmHWM)" "$(awk -v k="$hwm" 'BEGIN { print k / 1024 }')" MiB \
    "$(awk -v m="$MEM_MB" 'BEGIN { print m * 1e6 / 1048576 }')" 1 "the real binary holding $N accounts, listed and idle ($MEM_MB MB = ${MEM_MB}e6 bytes)"
result "dashboard $TAG: peak RSS per account" "$(awk -v k="$hwm" -v n="$N" 'BEGIN { print k * 1024 / n }')" B 0 0 \
    "VmHWM / accounts (libraries and curses included)"
quit_dash

# Second start: from the cache, when the dashboard writes one.
files=$(find "$work/cache" -name '*.cache' 2>/dev/null | wc -l)
if [ "$files" -eq 0 ]; then
    skip "dashboard $TAG: first full screen from cache" "the dashboard wrote no cache file"
    start_dash
    again=$(wait_for full 60)
    result "dashboard $TAG @${LAT}ms: first full screen, 2nd start" "${again:-0}" ms "${b_first:-0}" 1 \
        "no cache written, so a second cold start"
    quit_dash
    exit 0
fi
mode=$(find "$work/cache" -name '*.cache' -exec stat -c %a {} \; | head -n 1)
start_dash
again=$(wait_for full 60)
marked=$(screen | grep -ci cached)
result "dashboard $TAG: first full screen from cache, tmux polled" "${again:-0}" ms "${CACHE_SCREEN_MS:-${b_first:-0}}" 0 \
    "cache file mode $mode; 'cached' on screen: $([ "$marked" -gt 0 ] && echo yes || echo no); bench_screen has the target"
size=$(find "$work/cache" -name '*.cache' -exec stat -c %s {} \; | head -n 1)
result "dashboard $TAG: cache file size" "$(awk -v b="$size" 'BEGIN { print b / 1e6 }')" MB "$CACHE_FILE_MB" 1 \
    "$(awk -v b="$size" -v n="$N" 'BEGIN { printf "%.0f bytes per account", b / n }')"
quit_dash
exit 0
