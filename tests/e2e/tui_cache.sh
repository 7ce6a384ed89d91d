#!/bin/sh
# tui_cache.sh: the dashboard's start-up cache, in tmux against a skemu whose every answer takes
# 1.5 s (so a listing takes several seconds): the first run writes the cache (mode 0600); the
# next shows the rows at once, marked cached, while the listing runs ("not refreshed yet" on the
# same screen), deletes and links work on those rows, and the refresh sweeps what the server no
# longer has and drops the mark. --no-cache, SKDASH_NO_CACHE and `cache = false` show nothing
# until listed and write nothing; another environment's cache is never shown.
# TAP lines "ok - ..." / "not ok - ..."; skipped when tmux is missing.
set -u
. "$(dirname "$0")/../support/e2e_lib.sh"
need_tools "tui start-up cache" tmux python3
e2e_setup cache

emu_start --generate 120 --connections 5 --seed 3 --latency-ms 1500 --quiet ||
    { notok "skemu starts"; exit 1; }
URL_A=$URL
emu_env
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color
unset NO_COLOR TMUX SKDASH_NO_CACHE

# dash "ENV=V ..." FLAGS...: skdash in a fresh 100x30 tmux window.
dash() {
    denv=$1
    shift
    tmux_new 100 30 "env $denv $SKDASH_BIN $*; echo skdash-exited-\$?; sleep 600"
}
quit() { keys q; wait_for 'skdash-exited-0' 10; }
total() { sed -n '2s/.*total \([0-9]*\).*/\1/p' "$tmp/screen"; }
cache_files() { find "$1" -name '*.cache' 2>/dev/null | sort; }
MARK='cached · [0-9]+[smhd] old'

# ---- first run: nothing cached yet; the complete listing writes the cache
dash ""
wait_for 'loading' 10
r=$?
grep -q 'cached' "$tmp/screen" && r=1
[ "$(total)" = 0 ] || r=1
check $r "first run: no cache, no rows until the listing brings them" "total=$(total)"
wait_for 'refreshed [0-9]' 40
check $? "first run: the listing completes"
keys g Enter
wait_for 'Scopes' 15
id1=$(detail_field ID)
ident1=$(detail_field Identifier)
quit
check $? "first run: q quits"
files=$(cache_files "$tmp/cache")
n=$(echo "$files" | grep -c '\.cache$')
mode=$(stat -c %a "$files" 2>/dev/null)
dmode=$(stat -c %a "$tmp/cache/skdash" 2>/dev/null)
[ "$n" = 1 ] && [ "$mode" = 600 ] && [ "$dmode" = 700 ]
check $? "the cache file exists under \$XDG_CACHE_HOME/skdash, mode 0600 (directory 0700)" \
    "files=$n mode=$mode dir=$dmode"
grep -aq 'skemu-demo-secret' "$files"
[ $? != 0 ]
check $? "the cache file holds no secret"
cache_a=$files
sum_a=$(cksum <"$cache_a")

# The first account goes on the server in between: the next refresh must sweep it.
[ -n "$id1" ] && "$SKDASH_BIN" delete --id "$id1" --yes >/dev/null 2>&1
[ "$(account_status "$id1")" = 404 ]
check $? "an account is deleted on the server between the runs" "id=$id1"

# ---- second run: the cached rows at once, marked, while the listing runs
dash ""
wait_for "$MARK" 5
r=$?
grep -q 'not refreshed yet' "$tmp/screen" || r=1
grep -q 'All accounts  *120' "$tmp/screen" || r=1
[ "$(total)" = 120 ] || r=1
grep -qF -- "$(echo "$ident1" | cut -c1-12)" "$tmp/screen" || r=1
check $r "second run: the cached rows are shown at once, marked cached, before the listing ends" \
    "$(head -n 2 "$tmp/screen" | tr '\n' '|')"

# Deleting a cached row acts on the server by id.
keys g j d
wait_for 'Delete 1 connected account' 5
r=$?
grep -Eq "$MARK" "$tmp/screen" || r=1
# The dialog's line "    IDENTIFIER  (connection NAME)" (skemu's identifiers have no spaces).
ident2=$(sed -n 's/^.* \([^ ][^ ]*\)  (connection .*$/\1/p' "$tmp/screen" | head -n 1)
keys y
check $r "second run: d on a cached row opens the dialog while the rows are still cached"
wait_for "deleted " 20
check $? "second run: the delete of a cached row is done" "footer: $(tail -n 2 "$tmp/screen" | head -n 1)"
# ... and a link for a cached row
cap >"$tmp/screen"
grep -Eq "$MARK" "$tmp/screen"
r=$?
keys l
wait_for 'Expires in [0-9]' 20
check $((r + $?)) "second run: l on a cached row gets a link from the server"
keys Escape
wait_for 'refreshed [0-9]' 40
r=$?
grep -q 'cached' "$tmp/screen" && r=1
check $r "second run: the refresh completes and the cached mark goes away"
grep -qF -- "$(echo "$ident1" | cut -c1-12)" "$tmp/screen"
[ $? != 0 ]
check $? "second run: the account deleted on the server is gone once refreshed" "identifier=$ident1"
[ "$(total)" -lt 120 ]
check $? "second run: the total follows the server (below the cached 120)" "total=$(total)"
quit
del_id=$(journal_field delete identifier "$ident2" account_id)
[ -n "$ident2" ] && [ -n "$del_id" ] && [ "$(account_status "$del_id")" = 404 ]
r=$?
check $r "the cached row deleted in the dashboard is gone on the server (by its id)" \
    "identifier=$ident2 id=${del_id:-}"
[ "$(cksum <"$cache_a")" != "$sum_a" ]
check $? "the completed listing rewrote the cache"
sum_a=$(cksum <"$cache_a")

# ---- the cache turned off: nothing shown before the listing, nothing written
off_case() {
    name=$1 denv=$2 flags=$3
    export XDG_CACHE_HOME="$tmp/cache-$4"
    mkdir -p "$XDG_CACHE_HOME"
    [ "$4" = shared ] && { mkdir -p "$XDG_CACHE_HOME/skdash"; cp -p "$cache_a" "$XDG_CACHE_HOME/skdash/"; }
    before=$(cache_files "$XDG_CACHE_HOME" | xargs -r cksum)
    dash "$denv" $flags
    wait_for 'loading' 10
    r=$?
    grep -q 'cached' "$tmp/screen" && r=1
    [ "$(total)" = 0 ] || r=1
    check $r "$name: no rows until listed, no cached mark" "total=$(total)"
    wait_for 'refreshed [0-9]' 40
    check $? "$name: the listing completes"
    quit
    after=$(cache_files "$XDG_CACHE_HOME" | xargs -r cksum)
    [ "$before" = "$after" ]
    check $? "$name: no cache file written or changed" "before=[$before] after=[$after]"
}
off_case "--no-cache" "" --no-cache shared
off_case "SKDASH_NO_CACHE=1" "SKDASH_NO_CACHE=1" "" empty
mkdir -p "$tmp/config/skdash"
printf '[default]\ncache = false\n' >"$tmp/config/skdash/config"
off_case "cache = false in the profile" "" "" empty2
rm -f "$tmp/config/skdash/config"
export XDG_CACHE_HOME="$tmp/cache"

# ---- another environment: A's cache is not shown against B
emu_start --generate 50 --connections 2 --seed 4 --latency-ms 1500 --quiet ||
    { notok "a second skemu starts"; exit 1; }
URL_B=$URL
dash "SCALEKIT_ENVIRONMENT_URL=$URL_B"
wait_for 'loading' 10
r=$?
grep -q 'cached' "$tmp/screen" && r=1
[ "$(total)" = 0 ] || r=1
check $r "another environment URL: the other's cache is not used" "total=$(total)"
wait_for 'refreshed [0-9]' 40
quit
n=$(cache_files "$tmp/cache" | grep -c '\.cache$')
[ "$n" = 2 ]
check $? "each environment gets its own cache file" "files=$n"
# A's file put where B's would be: it names another environment, so it is refused.
cache_b=$(cache_files "$tmp/cache" | grep -vxF "$cache_a")
cp -p "$cache_a" "$cache_b"
dash "SCALEKIT_ENVIRONMENT_URL=$URL_B"
wait_for 'loading' 10
r=$?
grep -q 'cached' "$tmp/screen" && r=1
[ "$(total)" = 0 ] || r=1
check $r "a cache file naming another environment is refused" "total=$(total)"
wait_for 'refreshed [0-9]' 40
[ "$(total)" = 50 ]
check $? "against B the listing shows B's 50 accounts" "total=$(total)"
quit
exit 0
