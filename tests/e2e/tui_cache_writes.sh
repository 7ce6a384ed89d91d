#!/bin/sh
# tui_cache_writes.sh: what the dashboard writes into its cache directory, in tmux against a
# fault-free skemu: with --refresh 1 an unchanged listing is never rewritten (the file keeps its
# inode and mtime across several refreshes, none leaves a temporary file), a start from the
# cache whose first listing is unchanged writes nothing, one whose listing changed on the server
# writes it at once, each file in identifier order (the order a start sorts by); the temporary
# files of a save killed midway (a dead writer's, or any older than a minute) are removed when
# the dashboard starts, a live writer's recent one is left.
# TAP lines "ok - ..." / "not ok - ..."; skipped when tmux is missing.
set -u
. "$(dirname "$0")/../support/e2e_lib.sh"
need_tools "tui cache writes" tmux
e2e_setup cachew

emu_start --generate 400 --connections 4 --seed 11 || { notok "skemu starts"; exit 1; }
emu_env
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color
unset NO_COLOR TMUX SKDASH_NO_CACHE
dir="$tmp/cache/skdash"

dash() { tmux_new 100 30 "$SKDASH_BIN $*; echo skdash-exited-\$?; sleep 600"; }
quit() { keys q; wait_for 'skdash-exited-0' 10; }
# The file's identity: a rewrite renames a new file into place (new inode, new mtime).
ident() { stat -c '%i %y' "$1" 2>/dev/null; }
listings() { grep -c 'GET /api/v1/connected_accounts?' "$tmp/skemu.log"; }

# ---- leftovers of a save killed midway (kill -9 between create and rename)
mkdir -p "$dir"
chmod 700 "$dir"
sh -c 'exit 0' &
dead=$!
wait "$dead"
stale_dead="$dir/0123456789abcdef.cache.tmp.$dead.0"
stale_old="$dir/0123456789abcdef.cache.tmp.$$.1"
live_new="$dir/0123456789abcdef.cache.tmp.$$.2"
for f in "$stale_dead" "$stale_old" "$live_new"; do
    printf 'partial' >"$f"
    chmod 600 "$f"
done
touch -d '2 minutes ago' "$stale_old"

# ---- first run, --refresh 1: the first listing is written, later unchanged ones never
dash --refresh 1
wait_for 'refreshed [0-9]' 30
check $? "first run: the listing completes"
[ ! -e "$stale_dead" ] && [ ! -e "$stale_old" ] && [ -e "$live_new" ]
check $? "at start: temporary files of a dead writer or a minute old go, a live one's stays" \
    "$(ls "$dir" | tr '\n' ' ')"
rm -f "$live_new"
cache=$(find "$dir" -name '*.cache' | head -n 1)
[ -n "$cache" ] && [ "$(stat -c %a "$cache")" = 600 ]
check $? "first run: the complete listing is written (mode 0600)" "cache=$cache"
# Written in the order the dashboard starts with, so the next start's first sort is one pass.
order=$("$BUILD_DIR/tests/tools/cache_order" "$cache" "$SCALEKIT_ENVIRONMENT_URL" skc_demo 2>&1)
check $? "first run: the cache holds the accounts in identifier order" "$order"
sleep 1.2   # past the second in which the file was written: any rewrite shows in its mtime
before=$(ident "$cache")
n0=$(listings)
sleep 4.5
n1=$(listings)
after=$(ident "$cache")
# Four connections: each refresh lists each one again.
[ "$n1" -ge $((n0 + 8)) ]
check $? "--refresh 1: the dashboard lists again every second" "listing requests $n0 -> $n1"
[ -n "$before" ] && [ "$before" = "$after" ]
check $? "--refresh 1: an unchanged listing does not rewrite the cache" "[$before] -> [$after]"
tmps=$(find "$dir" -name '*.tmp.*' | wc -l)
[ "$tmps" = 0 ]
check $? "--refresh 1: no temporary file is left in the cache directory" "$tmps found"
quit
check $? "first run: q quits"
[ "$(ident "$cache")" = "$before" ]
check $? "quitting does not rewrite an unchanged cache"

# ---- second run: from the cache, the same listing again: nothing written
dash --refresh 1
wait_for 'refreshed [0-9]' 30
check $? "second run: the listing completes"
sleep 2
[ "$(ident "$cache")" = "$before" ]
check $? "second run: a first listing equal to the cache does not rewrite it" \
    "[$before] -> [$(ident "$cache")]"
quit

# ---- a change on the server: the first listing after start is written at once
id=$("$SKDASH_BIN" list --format json 2>/dev/null |
    sed -n 's/.*"id": *"\(ca_[^"]*\)".*/\1/p' | head -n 1)
[ -n "$id" ] && "$SKDASH_BIN" delete --id "$id" --yes >/dev/null 2>&1
[ "$(account_status "$id")" = 404 ]
check $? "an account is deleted on the server between the runs" "id=$id"
dash --refresh 1
wait_for 'refreshed [0-9]' 30
check $? "third run: the listing completes"
changed=$(ident "$cache")
[ -n "$changed" ] && [ "$changed" != "$before" ]
check $? "third run: a first listing that differs from the cache is written at once" \
    "[$before] -> [$changed]"
grep -aq "$id" "$cache"
[ $? != 0 ]
check $? "third run: the rewritten cache no longer holds the deleted account" "id=$id"
order=$("$BUILD_DIR/tests/tools/cache_order" "$cache" "$SCALEKIT_ENVIRONMENT_URL" skc_demo 2>&1)
check $? "third run: the rewritten cache holds the accounts in identifier order" "$order"
quit
exit "$([ "$fails" = 0 ] && echo 0 || echo 1)"
