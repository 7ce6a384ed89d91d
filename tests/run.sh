#!/bin/sh
# run.sh: runs every test program and script given, one after another, each with a time limit;
# keeps each one's output under $BUILD_DIR/test-logs and prints a summary line per program and
# the total as "check: N passed, N failed, N skipped".
# cmocka programs are counted by their own summary lines; scripts print TAP-style
# "ok - ...", "not ok - ...", "ok - ... # SKIP ...". A program that dies without a summary
# counts as one failure.
set -u
logs="${BUILD_DIR:-build}/test-logs"
# Start from empty logs: zz_secrets.sh greps all of them, and old runs would only add noise.
rm -rf "$logs"
mkdir -p "$logs"
# Every skemu started by a test (the e2e scripts' own too) lists the tokens it issues here, so
# the last test can prove none of them leaked into any output.
SKEMU_TOKEN_LOG="$(cd "$logs" && pwd)/issued-tokens.txt"
export SKEMU_TOKEN_LOG
limit="${TEST_TIMEOUT:-600}"
tp=0; tf=0; ts=0; failed_progs=""
for t in "$@"; do
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
    if [ "$f" -gt 0 ]; then
        status=FAIL; failed_progs="$failed_progs $name"
    elif [ "$p" -eq 0 ] && [ "$s" -gt 0 ]; then status=SKIP
    else status=PASS; fi
    printf '%-4s %-40s %4d passed %3d failed %3d skipped\n' "$status" "$name" "$p" "$f" "$s"
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
