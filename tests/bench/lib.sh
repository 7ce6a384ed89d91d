# lib.sh: what the shell benches share (sourced by dash.sh, campaign.sh, support.sh): the time
# in milliseconds, and a figure reported in the line format of common.c's bench_result (to
# stdout, and as a RESULT line to $RESULTS when set).

now_ms() { date +%s%3N; }

# result NAME FIGURE UNIT BOUND MAX_RATIO NOTE: a target holds when figure / bound <= max_ratio;
# no bound or no max_ratio: information.
result() {
    line=$(awk -v n="$1" -v f="$2" -v u="$3" -v b="$4" -v m="$5" -v note="$6" 'BEGIN {
        target = (m + 0 > 0 && b + 0 > 0); r = (b + 0 > 0) ? f / b : 0
        v = !target ? "INFO" : (r <= m ? "PASS" : "FAIL")
        bs = (b + 0 > 0) ? sprintf("%.3f", b) : ""; rs = (b + 0 > 0) ? sprintf("%.2f", r) : ""
        lim = target ? sprintf(" (<= %.2f)", m) : ""
        printf "  %-4s %-46s %11.3f %-5s bound %11s ratio %5s%s%s%s\n", v, n, f, u, bs, rs, lim, (note != "" ? "  " : ""), note
        printf "RESULT|%s|%.3f|%s|%s|%s|%s|%s|%s\n", n, f, u, bs, rs, (target ? sprintf("%.2f", m) : "-"), v, note
    }')
    echo "$line" | grep -v '^RESULT|'
    [ -n "${RESULTS:-}" ] && echo "$line" | grep '^RESULT|' >>"$RESULTS"
}
