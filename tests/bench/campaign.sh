#!/bin/sh
# campaign.sh: a re-authorization campaign, `skdash link --all --format csv` over N accounts
# (default 1,000) against skemu at --latency-ms LAT (default 25): links per second against the
# bound concurrency / round trip. The link phase is the campaign's time less that of `skdash
# list` over the same accounts (the token, the listing and process start-up both pay), so the
# figure is the links alone. Also checks what the run must hold: N rows, N journal lines, one
# token. Usage: campaign.sh [N] [LAT] [CONCURRENCY...]. Env: SKDASH_BIN, SKEMU_BIN,
# BENCH_RESULTS.
set -u
N=${1:-1000}
LAT=${2:-25}
shift 2 2>/dev/null || shift $#
CONCS=${*:-4 16}
SKDASH=${SKDASH_BIN:-build/skdash}
SKEMU=${SKEMU_BIN:-build/skemu}
RESULTS=${BENCH_RESULTS:-}

work=$(mktemp -d /tmp/skdash-bench-campaign-XXXXXX)
emu_pid=""
cleanup() {
    [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null && wait "$emu_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

. "$(dirname "$0")/lib.sh"   # now_ms, result

fail() {
    echo "  FAIL campaign: $1"
    [ -n "$RESULTS" ] && echo "RESULT|campaign $N @${LAT}ms: $1|0|-|||-|FAIL|" >>"$RESULTS"
    exit 1
}

# One connection holds them all, so the listing is a single chain of pages (its cost is
# measured and taken off anyway).
SKEMU_TOKEN_LOG="$work/tokens" "$SKEMU" --port 0 --generate "$N" --connections 1 --seed 11 --latency-ms "$LAT" --quiet \
    >"$work/emu.out" 2>"$work/emu.err" &
emu_pid=$!
for _ in $(seq 100); do
    url=$(head -n 1 "$work/emu.out" 2>/dev/null)
    case "$url" in http://127.0.0.1:*) break ;; esac
    sleep 0.1
done
case "$url" in http://127.0.0.1:*) ;; *) fail "skemu did not start" ;; esac

export SCALEKIT_ENVIRONMENT_URL="$url" SCALEKIT_CLIENT_ID=skc_demo
export SCALEKIT_CLIENT_SECRET=skemu-demo-secret
export XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache" LC_ALL=C.UTF-8
unset SKDASH_NO_CACHE NO_COLOR SKDASH_NOW

echo "campaign: link --all over $N accounts, --latency-ms $LAT, concurrency $CONCS ($SKDASH)"
for conc in $CONCS; do
    export XDG_STATE_HOME="$work/state-$conc"
    # The listing alone, best of 3 (start-up, token, pages).
    best=""
    for _ in 1 2 3; do
        t0=$(now_ms)
        "$SKDASH" --concurrency "$conc" list --format csv >"$work/list.csv" 2>"$work/list.err" ||
            fail "skdash list failed: $(head -n 1 "$work/list.err")"
        t=$(( $(now_ms) - t0 ))
        if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
    done
    rows=$(( $(wc -l <"$work/list.csv") - 1 ))
    [ "$rows" -eq "$N" ] || fail "list gave $rows accounts, not $N"
    tokens0=$(cat "$work/tokens" 2>/dev/null | wc -l)
    t0=$(now_ms)
    "$SKDASH" --concurrency "$conc" link --all --format csv \
        >"$work/links.csv" 2>"$work/links.err" || fail "link --all failed: $(head -n 3 "$work/links.err")"
    total=$(( $(now_ms) - t0 ))
    got=$(( $(wc -l <"$work/links.csv") - 1 ))
    links=$(grep -c '/magic/' "$work/links.csv")
    journal=$(wc -l <"$XDG_STATE_HOME/skdash/journal.jsonl")
    [ "$got" -eq "$N" ] && [ "$links" -eq "$N" ] || fail "$got rows, $links links for $N accounts"
    [ "$journal" -eq "$N" ] || fail "$journal journal lines for $N links"
    tokens=$(( $(wc -l <"$work/tokens") - tokens0 ))
    [ "$tokens" -eq 1 ] || fail "$tokens tokens for one campaign (one was wanted)"
    phase=$(( total - best ))
    [ "$phase" -gt 0 ] || phase=1
    # The bound: conc requests in flight, each one round trip of LAT ms.
    bound_ms=$(awk -v n="$N" -v c="$conc" -v l="$LAT" 'BEGIN { printf "%.3f", n * l / c }')
    rate=$(awk -v n="$N" -v p="$phase" 'BEGIN { printf "%.3f", n * 1000 / p }')
    rate_bound=$(awk -v c="$conc" -v l="$LAT" 'BEGIN { printf "%.3f", c * 1000 / l }')
    rate_ratio=$(awk -v r="$rate" -v b="$rate_bound" 'BEGIN { printf "%.2f", r / b }')
    result "campaign $N links @${LAT}ms, concurrency $conc" "$phase" ms "$bound_ms" 1.25 \
        "links ${rate}/s against ${rate_bound}/s = ${rate_ratio} (target >= 0.80); run ${total} ms less listing ${best} ms"
    echo "  (checked: $N rows with a link, $N journal lines, 1 token)"
done
exit 0
