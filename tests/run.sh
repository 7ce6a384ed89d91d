#!/bin/sh
# run.sh: runs every test program and script given, TEST_JOBS at a time (default 2, the cores
# these machines have), each with a time limit; keeps each one's output under
# $BUILD_DIR/test-logs, prints a line per program as it ends and the total as
# "check: N passed, N failed, N skipped". Scripts named zz_* (zz_secrets.sh greps every other
# log) run last, alone, once the others have ended.
# cmocka programs are counted by their own summary lines; scripts print TAP-style
# "ok - ...", "not ok - ...", "ok - ... # SKIP ...". A program that dies without a summary
# counts as one failure.
set -u
logs="${BUILD_DIR:-build}/test-logs"
limit="${TEST_TIMEOUT:-600}"

# One test: its log, and "STATUS passed failed skipped" in $logs/NAME.result.
if [ "${1:-}" = "--one" ]; then
    t=$2
    name=$(basename "$t")
    log="$logs/$name.log"
    case "$t" in
        *.sh) timeout -k 5 "$limit" sh "$t" >"$log" 2>&1 </dev/null; rc=$? ;;
        *)    timeout -k 5 "$limit" "$t" >"$log" 2>&1 </dev/null; rc=$? ;;
    esac
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    tap_s=$(grep -c '^ok - .*# SKIP' "$log")
    tap_p=$(( $(grep -c '^ok - ' "$log") - tap_s ))
    tap_f=$(grep -c '^not ok - ' "$log")
    p=$((p + tap_p)); f=$((f + tap_f)); s=$((s + tap_s))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then echo "  (timed out after ${limit}s)" >>"$log"; fi
    if [ "$f" -gt 0 ]; then status=FAIL
    elif [ "$p" -eq 0 ] && [ "$s" -gt 0 ]; then status=SKIP
    else status=PASS; fi
    echo "$status $p $f $s" >"$logs/$name.result"
    printf '%-4s %-40s %4d passed %3d failed %3d skipped\n' "$status" "$name" "$p" "$f" "$s"
    exit 0
fi

# Start from empty logs: zz_secrets.sh greps all of them, and old runs would only add noise.
rm -rf "$logs"
mkdir -p "$logs"
logs=$(cd "$logs" && pwd)
BUILD_DIR=$(dirname "$logs")
export BUILD_DIR
# Every skemu started by a test (the e2e scripts' own too) lists the tokens it issues here, so
# the last test can prove none of them leaked into any output.
SKEMU_TOKEN_LOG="$logs/issued-tokens.txt"
export SKEMU_TOKEN_LOG
jobs="${TEST_JOBS:-2}"
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")

first=""; last=""
for t in "$@"; do
    case "$(basename "$t")" in
        zz_*) last="$last $t" ;;
        *) first="$first $t" ;;
    esac
done
# shellcheck disable=SC2086
[ -n "$first" ] && printf '%s\n' $first | xargs -P "$jobs" -n 1 sh "$self" --one
for t in $last; do sh "$self" --one "$t"; done

tp=0; tf=0; ts=0; failed_progs=""
for t in "$@"; do
    name=$(basename "$t")
    if [ -f "$logs/$name.result" ]; then
        read -r status p f s <"$logs/$name.result"
    else
        status=FAIL; p=0; f=1; s=0; echo "$name: no result" >&2
    fi
    [ "$status" = FAIL ] && failed_progs="$failed_progs $name"
    tp=$((tp + p)); tf=$((tf + f)); ts=$((ts + s))
done
if [ -n "$failed_progs" ]; then
    for n in $failed_progs; do
        echo "---- $n (last 40 lines of $logs/$n.log) ----"
        tail -n 40 "$logs/$n.log"
    done
fi
echo "check: $tp passed, $tf failed, $ts skipped"
[ "$tf" -eq 0 ] && [ "$tp" -gt 0 ]
