#!/bin/sh
# tui_cache_stream.sh: a large cache read a slice at a time (script mode, no terminal). A first
# run lists 60,000 accounts and writes the cache; a second, against a server too slow to answer
# anything yet, draws its first screen from the file's first rows while the rest is still to be
# read ("reading the cache", partial totals), the same top rows the full cache shows, reads the
# rest between keys, and quits without touching the file; a third, against a server that now
# holds 500 accounts, ends with exactly those 500 whichever of the listing and the cache's rest
# finishes first (nothing the file held and the server no longer has stays on screen).
# TAP lines "ok - ..." / "not ok - ...".
set -u
. "$(dirname "$0")/../support/e2e_lib.sh"
e2e_setup cachestream

N=60000
emu_start --generate "$N" --connections 10 --seed 5 --quiet || { notok "skemu starts"; exit 1; }
emu_env
export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset NO_COLOR SKDASH_NO_CACHE SKDASH_SCRIPT_TERM
port=${URL##*:}

# run NAME SCRIPT_LINES...: the dashboard in script mode (140x30); dumps go to $tmp/NAME.*.
run() {
    name=$1
    shift
    printf '%s\n' ":size 140x30" "$@" >"$tmp/$name.keys"
    SKDASH_SCRIPT="$tmp/$name.keys" SKDASH_SCRIPT_DUMP_DIR="$tmp" SKDASH_SCRIPT_TIMEOUT_MS=60000 \
        timeout -k 2 90 "$SKDASH_BIN" >"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null
}
total() { sed -n '2s/.*total \([0-9]*\).*/\1/p' "$1"; }
# The table's rows (the accounts pane, right of the connections pane), cursor marks aside.
rows() { sed -n '5,20p' "$1" | sed 's/^[^│]*│//; s/^[>▶ ]*//' | cut -c1-40; }
cache_file() { find "$tmp/cache" -name '*.cache' 2>/dev/null | head -n 1; }

# ---- first run: the whole listing, then the cache is written at exit at the latest
run one ":wait" ":dump one.full" ":quit"
check $? "first run: lists $N accounts and quits" "$(cat "$tmp/one.err")"
[ "$(total "$tmp/one.full")" = "$N" ]
check $? "first run: total $N on screen" "$(head -n 2 "$tmp/one.full" | tr '\n' '|')"
file=$(cache_file)
[ -n "$file" ] && [ "$(stat -c %s "$file")" -gt 1000000 ]
check $? "first run: the cache file is written (over 1 MB)" "file=$file"
sum_before=$(cksum <"$file")

# ---- second run: the server takes 5 s to answer anything: all on screen is the cache's
emu_stop
EMU_PORT=$port emu_start --generate "$N" --connections 10 --seed 5 --latency-ms 5000 --quiet ||
    { notok "skemu starts again on port $port"; exit 1; }
keys20="j k j k j k j k j k j k j k j k j k j k"
run two ":dump two.early" $keys20 ":dump two.late" ":quit"
check $? "second run: quits while the listing still waits" "$(cat "$tmp/two.err")"
early=$(total "$tmp/two.early")
grep -q 'reading the cache' "$tmp/two.early" && grep -q 'partial: reading the cache' "$tmp/two.early" &&
    [ -n "$early" ] && [ "$early" -gt 0 ] && [ "$early" -lt "$N" ]
check $? "second run: the first screen comes before the cache is read whole (total $early of $N)" \
    "$(head -n 2 "$tmp/two.early" | tr '\n' '|')"
rows "$tmp/two.early" >"$tmp/two.early.rows"
rows "$tmp/one.full" >"$tmp/one.full.rows"
[ "$(wc -l <"$tmp/two.early.rows")" -ge 10 ] && cmp -s "$tmp/two.early.rows" "$tmp/one.full.rows"
check $? "second run: that first screen is full, with the listing's top rows (the file is in their order)" \
    "$(diff "$tmp/one.full.rows" "$tmp/two.early.rows" | head -n 6 | tr '\n' '|')"
grep -Eq 'cached · [0-9]+[smhd] old' "$tmp/two.late" && [ "$(total "$tmp/two.late")" = "$N" ] &&
    ! grep -q 'reading the cache' "$tmp/two.late"
check $? "second run: the rest is read between keys (total $N, marked cached)" \
    "$(head -n 2 "$tmp/two.late" | tr '\n' '|')"
[ "$(cksum <"$file")" = "$sum_before" ]
check $? "second run: the file is left as it was (nothing complete to write)"

# ---- third run: the server now holds 500 accounts; the listing is quick, the cache is large
emu_stop
EMU_PORT=$port emu_start --generate 500 --connections 10 --seed 6 --quiet ||
    { notok "skemu starts a third time on port $port"; exit 1; }
run three ":wait" ":dump three.end" ":quit"
check $? "third run: lists and quits" "$(cat "$tmp/three.err")"
[ "$(total "$tmp/three.end")" = 500 ] && ! grep -q 'cached' "$tmp/three.end"
check $? "third run: exactly the server's 500 accounts, none of the file's others" \
    "$(head -n 2 "$tmp/three.end" | tr '\n' '|')"
"$SKDASH_BIN" list --format csv >"$tmp/list.csv" 2>/dev/null
[ "$(($(wc -l <"$tmp/list.csv") - 1))" = 500 ]
check $? "third run: the CLI agrees: 500 accounts on the server"
[ "$(cksum <"$file")" != "$sum_before" ]
check $? "third run: the completed listing replaced the file"

exit "$([ "$fails" = 0 ] && echo 0 || echo 1)"
