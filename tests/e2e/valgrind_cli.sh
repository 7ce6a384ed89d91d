#!/bin/sh
# valgrind_cli.sh: the CLI's commands run under valgrind against skemu: connections, list in
# each format, list -q narrowed, show, show/link by identifier alone, link --qr, delete
# --dry-run and --yes, journal, a usage error and a not-found, the did-you-mean paths, the
# selections (link, delete and disconnect over them) and the completion commands. Each must exit as
# documented with no memory error and no definite or indirect leak (valgrind's own exit
# status 99 marks one). TAP-style lines; SKIP without valgrind.
set -u

. "$(dirname "$0")/../support/e2e_lib.sh"
need_tools "cli under valgrind" valgrind
need_built "valgrind cli" "$SKDASH_BIN" "$SKEMU_BIN"
e2e_setup valgrind

emu_start --generate 40 --connections 3 --seed 11 --quiet ||
    { notok "valgrind cli: skemu did not start"; exit 1; }
url=$URL
export SCALEKIT_ENVIRONMENT_URL="$url" SCALEKIT_CLIENT_ID=skc_demo
export SCALEKIT_CLIENT_SECRET=skemu-demo-secret XDG_CONFIG_HOME="$tmp" XDG_STATE_HOME="$tmp"
export LC_ALL=C.UTF-8 COLUMNS=100
unset NO_COLOR SKDASH_PROFILE

n=0
# vg NAME EXPECTED_EXIT ARGS...: one command under valgrind; its output in $tmp/out.
vg() {
    name=$1 want=$2
    shift 2
    n=$((n + 1))
    log="$tmp/vg-$n.log"
    valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
        --track-origins=yes --log-file="$log" \
        "$SKDASH_BIN" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    rc=$?
    if [ "$rc" = 99 ] || [ -s "$log" ]; then
        echo "not ok - valgrind: $name (valgrind found errors, exit $rc)"
        head -n 60 "$log"
    elif [ "$rc" != "$want" ]; then
        echo "not ok - valgrind: $name (exit $rc, expected $want)"
        head -n 5 "$tmp/err"
    else
        echo "ok - valgrind: $name"
    fi
}

"$SKDASH_BIN" list --format csv >"$tmp/list.csv" 2>/dev/null
# Two accounts with plain identifiers: one to read and link, one to delete.
first=$(awk -F, 'NR > 1 && $2 ~ /^[A-Za-z0-9._+@-]+$/ { print $1 " " $2 " " $9; exit }' "$tmp/list.csv")
second=$(awk -F, 'NR > 2 && $2 ~ /^[A-Za-z0-9._+@-]+$/ { print $9; exit }' "$tmp/list.csv")
conn=$(echo "$first" | cut -d' ' -f1)
ident=$(echo "$first" | cut -d' ' -f2)
id=$(echo "$first" | cut -d' ' -f3)
if [ -z "$id" ] || [ -z "$second" ]; then
    echo "not ok - valgrind cli: could not pick accounts from skemu's list"
    exit 1
fi

vg "connections" 0 connections
vg "list (table)" 0 list
vg "list --format json" 0 list --format json
vg "list --format csv" 0 list --format csv
vg "list with filters" 0 list -c "$conn" -s active -s expired -q a
vg "show --id" 0 show --id "$id"
vg "show CONNECTION IDENTIFIER --format json" 0 show "$conn" "$ident" --format json
vg "link --qr" 0 link --id "$id" --qr
vg "link --format json" 0 link "$conn" "$ident" --format json
vg "delete --dry-run" 0 delete --id "$second" --dry-run
vg "delete --yes" 0 delete --id "$second" --yes
vg "journal" 0 journal
vg "usage error (unknown flag)" 2 list --no-such-flag
vg "usage error (show without account)" 2 show
vg "not found (show)" 4 show --id ca_does_not_exist
vg "not found (delete, already gone)" 4 delete --id "$second" --yes
vg "--help" 0 --help
upper=$(echo "$conn" | tr '[:lower:]' '[:upper:]')
vg "did you mean (unknown command)" 2 lst
vg "did you mean (flag)" 2 list --stat active
vg "did you mean (list -c in the wrong case)" 4 list -c "$upper"
vg "did you mean (show in the wrong case, connections listed)" 4 show "$upper" "$ident"
vg "list -q narrowed on the server" 0 list -q "$ident"
vg "list -q with -c (searched by connection id)" 0 list -c "$conn" -q "$ident"
vg "list -q short (everything listed)" 0 list -q a
vg "show IDENTIFIER alone" 0 show "$ident"
vg "link IDENTIFIER alone --format json" 0 link "$ident" --format json
vg "not found (IDENTIFIER alone)" 4 show nobody-at-all@example.org
vg "list --expiring-within --unused-for --view" 0 list --expiring-within 2w --unused-for 1d --view attention
vg "usage error (a duration without a unit)" 2 list --unused-for 30
vg "link SELECTION --format csv" 0 link -c "$conn" -s expired -s pending --format csv
vg "link SELECTION --format table --dry-run" 0 link -c "$conn" --dry-run
vg "delete SELECTION --dry-run" 0 delete -c "$conn" -s revoked --dry-run
vg "delete SELECTION without --yes, no terminal" 2 delete -c "$conn" -s revoked
vg "disconnect --id --yes" 0 disconnect --id "$id" --yes
vg "disconnect SELECTION --yes" 0 disconnect -c "$conn" -s expired --yes
vg "delete SELECTION --yes" 0 delete -c "$conn" -s revoked --yes
vg "completion bash" 0 completion bash
vg "__complete profiles" 0 __complete profiles
vg "__complete connections (no cache)" 0 __complete connections
