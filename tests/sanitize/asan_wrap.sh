#!/bin/sh
# asan_wrap.sh: runs one ASan/UBSan-built test program (mk/sanitize.mk) with the ASan builds of
# skdash and skemu as the programs it starts, then checks that no child left a sanitizer report:
# skemu's stderr goes to $BUILD_DIR/test-logs/skemu-*.log (tests/support/skemu_proc.c).
# Prints the program's own output (cmocka counts it) and one TAP line for the children.
set -u
prog="$1"
name=$(basename "$prog")
build="${BUILD_DIR:-build}"
[ -x "$build/asan/skdash" ] && SKDASH_BIN="$build/asan/skdash" && export SKDASH_BIN
[ -x "$build/asan/skemu" ] && SKEMU_BIN="$build/asan/skemu" && export SKEMU_BIN
mkdir -p "$build/test-logs"
stamp="$build/test-logs/.asan-stamp-$$"
: >"$stamp"
"$prog"
rc=$?
pattern='ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer'
reports=$(find "$build/test-logs" -name 'skemu-*.log' -newer "$stamp" 2>/dev/null |
          xargs -r grep -l -E "$pattern" 2>/dev/null)
rm -f "$stamp"
if [ -n "$reports" ]; then
    for f in $reports; do
        echo "---- sanitizer report in $f"
        grep -E -A30 "$pattern" "$f" | head -n 60
    done
    echo "not ok - $name: skemu children ran clean under ASan/UBSan"
else
    echo "ok - $name: skemu children ran clean under ASan/UBSan"
fi
exit "$rc"
