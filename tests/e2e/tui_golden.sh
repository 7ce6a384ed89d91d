#!/bin/sh
# tui_golden.sh: golden screens. Each tests/golden/NAME.keys is a script of keys (SKDASH_SCRIPT,
# see src/tui/tui_script.c) run by the dashboard with no terminal against a fresh skemu with
# fixed data and a fixed clock, at 80x24 and at 200x50; every screen it dumps (":dump SHOT" the
# text, ":attrs SHOT" each cell's colour role) is compared with tests/golden/SHOT-WxH.txt after
# what varies (port, temporary directory, link token, QR code, link expiry) is masked. A difference prints a unified diff; UPDATE_GOLDEN=1 rewrites the goldens
# instead (and removes those no script dumps any more). Then script mode itself: a wait that
# cannot end gives up, a bad script is refused, and on a real terminal (tmux) nothing is written
# to it. GOLDEN_ONLY=NAME runs one script. TAP lines "ok - ..." / "not ok - ...".
#
# A script's header lines may say:   # args: --read-only        (skdash's arguments)
#                                    # sizes: 80x24 120x40      (instead of 80x24 200x50)
#                                    # journal: FILE            (tests/golden/FILE is the journal)
#                                    # env: LC_ALL=C            (more environment for skdash)
#                                    # config: FILE             (tests/golden/FILE, @URL@ replaced,
#                                      is the config file, mode 0600; the SCALEKIT_* variables are
#                                      unset so its profiles, not the environment, say where to go)
#                                    # emu: --no-disconnect     (more skemu options)
# and "@SIZE@" in a script stands for the size it runs at (":size @SIZE@" after a resize).
# GOLDEN_EMU_ARGS adds skemu options (--latency-ms 300: the same screens from a slow server).
set -u
. "$(dirname "$0")/../support/e2e_lib.sh"
need_built "tui golden" "$SKDASH_BIN" "$SKEMU_BIN"
need_tools "tui golden" perl diff
# Under /tmp whatever TMPDIR says: paths on screen (the journal's) keep one length.
TMPDIR=/tmp e2e_setup golden

here=$(cd "$(dirname "$0")/.." && pwd)
GOLDEN=${GOLDEN_DIR:-$here/golden}
NORM="$here/support/golden_norm.pl"
EPOCH=1767225600   # 2026-01-01T00:00:00Z: skemu's generated times and the dashboard's clock
ONLY=${GOLDEN_ONLY:-}   # a script name: run that one only
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC SKDASH_NO_CACHE=1 SKDASH_NOW=$EPOCH
# The journal names who acted: no SSH address, and the local user masked (GOLDEN_USER).
unset NO_COLOR TMUX SKDASH_SCRIPT_TERM SSH_CLIENT SSH_CONNECTION
GOLDEN_USER=$(id -un 2>/dev/null || echo "${USER:-}")
export GOLDEN_USER
produced="$tmp/produced"
: >"$produced"

# run_script KEYS SIZE: one run; the dumps are left in $tmp/run/out.
run_script() {
    _keys=$1 _size=$2
    _name=$(basename "$_keys" .keys)
    _args=$(sed -n 's/^# args: //p' "$_keys" | head -n 1)
    _journal=$(sed -n 's/^# journal: //p' "$_keys" | head -n 1)
    _env=$(sed -n 's/^# env: //p' "$_keys" | head -n 1)
    _config=$(sed -n 's/^# config: //p' "$_keys" | head -n 1)
    _emu=$(sed -n 's/^# emu: //p' "$_keys" | head -n 1)
    rm -rf "$tmp/run"
    mkdir -p "$tmp/run/out"
    # shellcheck disable=SC2086
    if ! emu_start --generate 40 --connections 4 --seed 3 --epoch "$EPOCH" --quiet \
        ${GOLDEN_EMU_ARGS:-} $_emu; then
        notok "$_name $_size: skemu starts"
        return 1
    fi
    emu_env
    export XDG_CONFIG_HOME="$tmp/run/config" XDG_STATE_HOME="$tmp/run/state"
    export XDG_CACHE_HOME="$tmp/run/cache"
    if [ -n "$_journal" ]; then
        mkdir -p "$XDG_STATE_HOME/skdash"
        sed "s|@URL@|$URL|g" "$GOLDEN/$_journal" >"$XDG_STATE_HOME/skdash/journal.jsonl"
        chmod 600 "$XDG_STATE_HOME/skdash/journal.jsonl"
    fi
    _unset=""
    if [ -n "$_config" ]; then
        mkdir -p "$XDG_CONFIG_HOME/skdash"
        sed "s|@URL@|$URL|g" "$GOLDEN/$_config" >"$XDG_CONFIG_HOME/skdash/config"
        chmod 600 "$XDG_CONFIG_HOME/skdash/config"
        _unset="-u SCALEKIT_ENVIRONMENT_URL -u SCALEKIT_CLIENT_ID -u SCALEKIT_CLIENT_SECRET"
    fi
    { echo ":size $_size"; sed "s/@SIZE@/$_size/g" "$_keys"; } >"$tmp/run/script"
    # shellcheck disable=SC2086
    SKDASH_SCRIPT="$tmp/run/script" SKDASH_SCRIPT_DUMP_DIR="$tmp/run/out" \
        timeout -k 2 30 env $_unset $_env "$SKDASH_BIN" $_args </dev/null >"$tmp/run/stdout" \
        2>"$tmp/run/stderr"
    _rc=$?
    emu_stop
    [ "$_rc" = 0 ] && [ ! -s "$tmp/run/stdout" ]
    check $? "$_name $_size: the script runs to its end (exit 0, nothing written to stdout)" \
        "exit $_rc; stderr: $(head -c 400 "$tmp/run/stderr")"
}

# compare SHOT SIZE: the masked dump against its golden.
compare() {
    _gold="$GOLDEN/$1-$2.txt"
    echo "$1-$2.txt" >>"$produced"
    perl "$NORM" <"$tmp/run/out/$1" >"$tmp/run/shot"
    if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
        if [ -f "$_gold" ] && cmp -s "$tmp/run/shot" "$_gold"; then
            ok "golden $1 $2 (unchanged)"
        else
            cp "$tmp/run/shot" "$_gold"
            ok "golden $1 $2 (written)"
        fi
    elif [ ! -f "$_gold" ]; then
        notok "golden $1 $2" "no $_gold (UPDATE_GOLDEN=1 writes it)"
    elif diff -u "$_gold" "$tmp/run/shot" >"$tmp/run/diff"; then
        ok "golden $1 $2"
    else
        notok "golden $1 $2" "the screen differs from $_gold:"
        sed 's/^/# /' "$tmp/run/diff"
    fi
}

for keys in "$GOLDEN"/*.keys; do
    name=$(basename "$keys" .keys)
    [ -n "$ONLY" ] && [ "$ONLY" != "$name" ] && continue
    sizes=$(sed -n 's/^# sizes: //p' "$keys" | head -n 1)
    for size in ${sizes:-80x24 200x50}; do
        run_script "$keys" "$size" || continue
        shots=$(sed -n 's/^ *:\(dump\|attrs\)  *\([^ ]*\) *$/\2/p' "$keys")
        for shot in $shots; do
            if [ -f "$tmp/run/out/$shot" ]; then
                compare "$shot" "$size"
            else
                notok "golden $shot $size" "the script did not dump it"
                echo "$shot-$size.txt" >>"$produced"
            fi
        done
    done
done

# ---- script mode itself: bounded waits, bad scripts, no terminal touched
if [ -z "$ONLY" ]; then
    rm -rf "$tmp/run"
    mkdir -p "$tmp/run/out"
    printf ':size 80x24\n:wait\n:dump never\n' >"$tmp/run/hang.script"
    printf ':size 80x24\n:wait\nj j Bogus\n:dump never\n' >"$tmp/run/bad.script"
    printf ':size 100x30\n:wait\n/ "gmail" Enter y\n:wait\n:dump tty\n' >"$tmp/run/tty.script"
    if emu_start --generate 40 --connections 4 --seed 3 --epoch "$EPOCH" --quiet --hang-rate 1; then
        emu_env
        start=$(date +%s)
        SKDASH_SCRIPT="$tmp/run/hang.script" SKDASH_SCRIPT_DUMP_DIR="$tmp/run/out" \
            SKDASH_SCRIPT_TIMEOUT_MS=500 timeout -k 2 20 "$SKDASH_BIN" </dev/null \
            >/dev/null 2>"$tmp/run/stderr"
        rc=$?
        [ "$rc" = 1 ] && grep -q 'line 2: still busy after 500 ms' "$tmp/run/stderr" &&
            [ ! -e "$tmp/run/out/never" ] && [ $(($(date +%s) - start)) -lt 10 ]
        check $? "a :wait that cannot end gives up after SKDASH_SCRIPT_TIMEOUT_MS (exit 1, the line said)" \
            "exit $rc; $(head -c 300 "$tmp/run/stderr")"
        emu_stop
    else
        notok "skemu --hang-rate 1 starts"
    fi
    emu_start --generate 40 --connections 4 --seed 3 --epoch "$EPOCH" --quiet || notok "skemu starts"
    emu_env
    SKDASH_SCRIPT="$tmp/run/bad.script" SKDASH_SCRIPT_DUMP_DIR="$tmp/run/out" \
        timeout -k 2 20 "$SKDASH_BIN" </dev/null >/dev/null 2>"$tmp/run/stderr"
    rc=$?
    [ "$rc" != 0 ] && grep -q "line 3: unknown key 'Bogus'" "$tmp/run/stderr" &&
        [ ! -e "$tmp/run/out/never" ]
    check $? "a script with an unknown key is refused before the dashboard starts" \
        "exit $rc; $(head -c 300 "$tmp/run/stderr")"
    timeout -k 2 20 "$SKDASH_BIN" </dev/null >/dev/null 2>"$tmp/run/stderr"
    rc=$?
    [ "$rc" != 0 ] && grep -q 'needs a terminal' "$tmp/run/stderr"
    check $? "without SKDASH_SCRIPT the dashboard still refuses to start with no terminal" \
        "exit $rc; $(head -c 300 "$tmp/run/stderr")"
    # On a real terminal (a tmux pane) script mode draws nothing there, leaves its settings as
    # they were and sizes the screen from the script, not from the pane; y (OSC 52) stays off it.
    if command -v tmux >/dev/null 2>&1; then
        cat >"$tmp/run/tty.sh" <<TTY
while [ ! -e "$tmp/run/go" ]; do sleep 0.05; done
stty -g >"$tmp/run/stty.before"
SKDASH_SCRIPT="$tmp/run/tty.script" SKDASH_SCRIPT_DUMP_DIR="$tmp/run/out" "$SKDASH_BIN"
echo "\$?" >"$tmp/run/tty.rc.part"
stty -g >"$tmp/run/stty.after"
mv "$tmp/run/tty.rc.part" "$tmp/run/tty.rc"
exec sleep 600
TTY
        tmux_new 90 26 "sh $tmp/run/tty.sh"
        # Every byte written to the pane from now on is logged.
        : >"$tmp/run/pane.log"
        tmux -L "$sock" pipe-pane -t main -o "cat >>'$tmp/run/pane.log'"
        : >"$tmp/run/go"
        n=0
        while [ ! -s "$tmp/run/tty.rc" ] && [ "$n" -lt 200 ]; do sleep 0.05; n=$((n + 1)); done
        cap >"$tmp/run/pane" 2>/dev/null
        [ "$(cat "$tmp/run/tty.rc" 2>/dev/null)" = 0 ] &&
            cmp -s "$tmp/run/stty.before" "$tmp/run/stty.after" &&
            ! grep -q . "$tmp/run/pane" && [ ! -s "$tmp/run/pane.log" ] &&
            [ "$(wc -l <"$tmp/run/out/tty")" = 30 ] && grep -q 'copied the id' "$tmp/run/out/tty"
        check $? "on a terminal script mode leaves it untouched (nothing drawn, stty the same)" \
            "rc $(cat "$tmp/run/tty.rc" 2>/dev/null); written: $(od -c "$tmp/run/pane.log" | head -n 5)"
    else
        skip "script mode leaves a terminal untouched" "tmux is not installed"
    fi
    emu_stop
fi

# Goldens that no script dumps any more would silently test nothing.
if [ -z "$ONLY" ]; then
    for g in "$GOLDEN"/*.txt; do
        [ -f "$g" ] || continue
        b=$(basename "$g")
        grep -qx "$b" "$produced" && continue
        if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
            rm -f "$g"
            ok "golden $b removed (no script dumps it)"
        else
            notok "golden $b is dumped by no script" "UPDATE_GOLDEN=1 removes it"
        fi
    done
fi
[ "$fails" = 0 ]
