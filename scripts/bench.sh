#!/bin/sh
# bench.sh: the whole benchmark suite of `make bench` in one run: listing scenarios (1k/10k/100k
# accounts over 50 connections at 0 and 25 ms), 100k accounts in memory and under the keyboard,
# the real dashboard (full listing, peak RSS, idle, cache start-up), its first full screen read
# on a pty (with no cache and from the cache), its key latency on a pty while a 100k listing
# streams in at 0 ms and after it, a re-authorization campaign of 1,000 links (links per second
# against concurrency / round trip) and the support flow (one user found by a server search,
# their link, `skdash list -q`).
# Prints each figure with its bound and ratio, then a summary table; writes it all to
# $BUILD_DIR/bench.txt. Exits 1 when a target is missed. Env: BUILD_DIR, SKEMU_BIN, SKDASH_BIN.
set -u
B=${BUILD_DIR:-build}
export SKEMU_BIN=${SKEMU_BIN:-$B/skemu} SKDASH_BIN=${SKDASH_BIN:-$B/skdash} BUILD_DIR="$B"
export BENCH_RESULTS="$B/bench-results.txt"
out="$B/bench.txt"
: >"$BENCH_RESULTS"

machine() {
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
    mem=$(awk '/^MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo 2>/dev/null)
    echo "machine: $(uname -srm), ${cpu:-unknown CPU}, $(getconf _NPROCESSORS_ONLN) cores, ${mem:-? GB} RAM"
}

summary() {
    echo
    echo "summary (figure / bound = ratio; PASS when ratio <= limit)"
    awk -F'|' '$1 == "RESULT" {
        printf "  %-4s %-50s %12s %-5s %12s %6s %6s\n", $8, $2, $3, $4, ($5 == "" ? "-" : $5), ($6 == "" ? "-" : $6), $7
    }' "$BENCH_RESULTS" | sed '1i\  verdict target                                                figure unit         bound  ratio  limit'
    pass=$(grep -c '|PASS|' "$BENCH_RESULTS"); fail=$(grep -c '|FAIL|' "$BENCH_RESULTS")
    echo "bench: $pass targets met, $fail missed"
}

# step NAME COMMAND...: runs one bench program; one that cannot finish counts as a missed target.
step() {
    name=$1
    shift
    "$@"
    rc=$?
    if [ "$rc" -ge 2 ]; then
        echo "  FAIL $name did not complete (exit $rc)"
        echo "RESULT|$name: did not complete|0|-|||-|FAIL|exit $rc" >>"$BENCH_RESULTS"
    fi
}

run() {
    echo "skdash benchmarks: make bench ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
    machine
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (work tree has changes)')"
    echo "round trips are medians of 9 single requests on a warm client; each listing starts a fresh"
    echo "client (so it pays the token and its TCP connections); concurrency 4 (the default)."
    for lat in 0 25; do
        for n in 1000 10000 100000; do
            echo
            step "listing $n @${lat}ms" "$B/tests/bench/bench_listing" "$n" "$lat"
        done
    done
    echo
    step "store 100k" "$B/tests/bench/bench_store" 100000
    echo
    step "dashboard 100k @25ms" sh tests/bench/dash.sh 100000 25
    echo
    step "screen 100k @25ms" "$B/tests/bench/bench_screen" 100000 25 5
    echo
    step "keys 100k @0ms" "$B/tests/bench/bench_keys" 100000 3 100
    echo
    step "campaign 1000 links @25ms" sh tests/bench/campaign.sh 1000 25 4 16
    echo
    step "support flow 100k @25ms" sh tests/bench/support.sh 100000 25
    summary
}

run 2>&1 | tee "$out"
echo "(written to $out)"
! grep -q '|FAIL|' "$BENCH_RESULTS"
