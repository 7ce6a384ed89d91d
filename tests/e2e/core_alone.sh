#!/bin/sh
# core_alone.sh: the core (build/libskdash.a, src/core) stands alone: no source of it includes
# curses or a front end; its objects call nothing that writes to stdout or stderr and nothing of
# curses; and tests/tools/core_alone, linked with it and the core's libraries only, parses,
# files, caches and lists against skemu (faults included) with stdout and stderr left empty.
# The core does write files (journal, cache, the config's temporary files): through fopen'd
# streams and write(2) on descriptors it opened, which nm cannot tell apart, hence the run.
# TAP-style lines.
set -u

. "$(dirname "$0")/../support/e2e_lib.sh"
LIB=$BUILD_DIR/libskdash.a
UI_LIB=$BUILD_DIR/libskdash-ui.a
PROG=$BUILD_DIR/tests/tools/core_alone
CORE_DIR=$(dirname "$0")/../../src/core

need_tools "core alone" nm
need_built "core alone" "$PROG" "$SKEMU_BIN" "$SKDASH_BIN"
for f in "$LIB" "$UI_LIB"; do
    [ -f "$f" ] || { notok "core alone: $f is not built"; exit 1; }
done
e2e_setup core-alone

# ---------------------------------------------------------------- sources
bad=$(grep -l -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^">]*/)?(n?curses|ncursesw/|term\.h|(tui|cli)[._/])' \
      "$CORE_DIR"/*.c "$CORE_DIR"/*.h 2>/dev/null)
if [ -z "$bad" ] && [ -n "$(ls "$CORE_DIR"/*.c 2>/dev/null)" ]; then
    ok "no core source includes curses or a front-end header"
else
    notok "no core source includes curses or a front-end header" "$(echo "$bad" | tr '\n' ' ')"
fi

# ---------------------------------------------------------------- symbols
# What writes to the terminal by itself: the standard streams (stdin too: the core reads no
# terminal), the printf/puts family without a stream, perror and the err/warn/error family. fprintf, fputs and fwrite on a FILE the
# core opened stay allowed; writing one of them to stdout would need the stdout symbol.
FORBIDDEN="stdout stderr stdin printf vprintf puts putchar putchar_unlocked perror psignal
psiginfo err errx verr verrx warn warnx vwarn vwarnx error error_at_line __printf_chk
__vprintf_chk _IO_stdout_ _IO_stderr_ _IO_2_1_stdout_ _IO_2_1_stderr_"
nm -u "$LIB" 2>/dev/null | awk 'NF { print $NF }' | sed 's/@.*//' | sort -u >"$tmp/core.u"
nm -u "$UI_LIB" 2>/dev/null | awk 'NF { print $NF }' | sed 's/@.*//' | sort -u >"$tmp/ui.u"
# shellcheck disable=SC2086
printf '%s\n' $FORBIDDEN | sort -u >"$tmp/forbidden"
if [ ! -s "$tmp/core.u" ]; then
    notok "nm lists the core's undefined symbols"
else
    found=$(comm -12 "$tmp/core.u" "$tmp/forbidden" | tr '\n' ' ')
    if [ -z "$found" ]; then
        ok "the core's objects use no stdout, stderr, printf, puts, perror, err or warn"
    else
        notok "the core's objects use no stdout, stderr, printf, puts, perror, err or warn" \
            "found: $found (nm -u -A $LIB | grep to see which object)"
    fi
fi
# The same check must see the front ends' printing, or it could not fail.
if [ -n "$(comm -12 "$tmp/ui.u" "$tmp/forbidden")" ]; then
    ok "the same check finds the front ends' printing (it can fail)"
else
    notok "the same check finds the front ends' printing (it can fail)"
fi

# curses: every symbol the curses libraries skdash runs with define.
curses_libs=$(ldd "$SKDASH_BIN" 2>/dev/null | awk '/ncurses|tinfo/ && $3 ~ /^\// { print $3 }')
if [ -z "$curses_libs" ]; then
    skip "the core's objects use no curses symbol" "no curses library found through ldd"
else
    # shellcheck disable=SC2086
    nm -D --defined-only $curses_libs 2>/dev/null | awk 'NF >= 3 { print $3 }' | sed 's/@.*//' |
        sort -u >"$tmp/curses"
    found=$(comm -12 "$tmp/core.u" "$tmp/curses" | tr '\n' ' ')
    if [ ! -s "$tmp/curses" ]; then
        notok "the core's objects use no curses symbol" "nm found no symbol in $curses_libs"
    elif [ -z "$found" ]; then
        ok "the core's objects use no curses symbol"
    else
        notok "the core's objects use no curses symbol" "found: $found"
    fi
    if [ -n "$(comm -12 "$tmp/ui.u" "$tmp/curses")" ]; then
        ok "the same check finds the dashboard's curses calls (it can fail)"
    else
        notok "the same check finds the dashboard's curses calls (it can fail)"
    fi
fi

# ---------------------------------------------------------------- a program on the core alone
if command -v ldd >/dev/null 2>&1; then
    if ldd "$PROG" | grep -q -E 'ncurses|tinfo'; then
        notok "core_alone runs without curses" "$(ldd "$PROG" | grep -E 'ncurses|tinfo')"
    else
        ok "core_alone runs without curses (linked with libskdash.a and the core's libraries)"
    fi
fi

mkdir -p "$tmp/home"
"$PROG" "$tmp/results" "$tmp/home" >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
[ -f "$tmp/results" ] && cat "$tmp/results"
check "$rc" "core_alone exits 0 (every check above it passed)" "exit status $rc"
if [ -s "$tmp/out" ]; then
    notok "the core wrote nothing to stdout" "$(head -c 300 "$tmp/out" | od -c | head -n 5)"
else
    ok "the core wrote nothing to stdout"
fi
if [ -s "$tmp/err" ]; then
    notok "the core wrote nothing to stderr" "$(head -c 300 "$tmp/err" | od -c | head -n 5)"
else
    ok "the core wrote nothing to stderr"
fi
