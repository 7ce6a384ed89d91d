#!/bin/sh
# replay.sh: replays every fuzz target's corpus and crash reproducers through its ASan+UBSan
# replay program ($BUILD_DIR/asan/fuzz/replay_fuzz_NAME, built by mk/fuzz.mk), one TAP line
# per target: "ok - replay fuzz_NAME (N inputs)". A target without its program fails.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build="${BUILD_DIR:-build}"
for dir in "$here"/corpus/*/; do
    name=$(basename "$dir")
    prog="$build/asan/fuzz/replay_fuzz_$name"
    if [ ! -x "$prog" ]; then
        echo "not ok - replay fuzz_$name (no program $prog)"
        continue
    fi
    set -- "$here/corpus/$name"
    [ -d "$here/crashes/$name" ] && set -- "$@" "$here/crashes/$name"
    out=$("$prog" "$@" 2>"$build/test-logs/replay_fuzz_$name.err")
    rc=$?
    if [ "$rc" -eq 0 ]; then
        echo "$out"
    else
        echo "not ok - replay fuzz_$name (exit $rc; last input and report below)"
        grep '^replay: ' "$build/test-logs/replay_fuzz_$name.err" | tail -n 1
        grep -v '^replay: ' "$build/test-logs/replay_fuzz_$name.err" | head -n 40
    fi
done
