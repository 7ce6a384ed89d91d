#!/bin/sh
# journal_syslog.sh: --journal-syslog and the profile's journal_syslog = true send each journal
# entry to the system log: real writes (skdash link, skdash delete) against skemu, read back
# off a datagram socket that stands in for /dev/log inside a mount namespace of the test's own
# (unshare -m, with a user namespace, -r, when not root): /dev is replaced there by a directory
# of links to the real devices plus the socket, so the machine's own /dev/log is never touched.
# Checks the facility (authpriv: <84>..<87>), the identity skdash[PID], the fields, that no link
# goes there, that nothing is sent without the setting, and that a system log nobody reads
# changes nothing. TAP lines; skipped only when unshare is not permitted here.
set -u

. "$(dirname "$0")/../support/e2e_lib.sh"
SINK=$BUILD_DIR/tests/tools/syslog_sink

need_tools "journal to syslog" unshare mount
need_built "journal to syslog" "$SKDASH_BIN" "$SKEMU_BIN" "$SINK"
e2e_setup journal-syslog

if [ "$(id -u)" = 0 ]; then NS="unshare -m"; else NS="unshare -r -m"; fi
# shellcheck disable=SC2086
if ! $NS sh -c 'mount --bind "$1" "$1"' sh "$tmp" 2>"$tmp/unshare.err"; then
    skip "journal to syslog" "a mount namespace is not permitted here ($NS: $(head -n 1 "$tmp/unshare.err"))"
    exit 0
fi

# The stand-in /dev: a link to each entry of the real one (bound, recursively, under $tmp),
# and "log", the sink's socket.
mkdir "$tmp/realdev" "$tmp/dev"
cat >"$tmp/ns.sh" <<'EOF'
# ns.sh TMP CMD...: inside the namespace, /dev becomes TMP/dev; then CMD runs.
set -e
t=$1
shift
mount --rbind /dev "$t/realdev"
for f in "$t"/realdev/* "$t"/realdev/.[!.]*; do
    [ -e "$f" ] || [ -L "$f" ] || continue
    n=${f##*/}
    [ "$n" = log ] && continue
    [ -e "$t/dev/$n" ] || [ -L "$t/dev/$n" ] || ln -s "$f" "$t/dev/$n"
done
mount --bind "$t/dev" /dev
exec "$@"
EOF
# in_ns CMD...: CMD with the sink as /dev/log.
# shellcheck disable=SC2086
in_ns() { $NS sh "$tmp/ns.sh" "$tmp" "$@"; }

sink_pid=""
sink_start() {
    rm -f "$tmp/syslog.txt"
    : >"$tmp/syslog.txt"
    "$SINK" "$tmp/dev/log" "$tmp/syslog.txt" 120 2>>"$tmp/sink.err" &
    sink_pid=$!
    _n=0
    while [ ! -S "$tmp/dev/log" ] && [ "$_n" -lt 200 ]; do sleep 0.05; _n=$((_n + 1)); done
    [ -S "$tmp/dev/log" ]
}
sink_stop() {
    mine "$sink_pid" && kill "$sink_pid" 2>/dev/null && wait "$sink_pid" 2>/dev/null
    sink_pid=""
}
# lines_wait N: until the sink holds N lines (at most 10 s).
lines_wait() {
    _n=0
    while [ "$(wc -l <"$tmp/syslog.txt")" -lt "$1" ] && [ "$_n" -lt 200 ]; do
        sleep 0.05
        _n=$((_n + 1))
    done
    [ "$(wc -l <"$tmp/syslog.txt")" -ge "$1" ]
}
trap 'sink_stop; e2e_cleanup' EXIT

emu_start --generate 40 --connections 3 --seed 11 || { notok "skemu starts"; exit 1; }
emu_env
mkdir -p "$tmp/config/skdash"
unset SKDASH_PROFILE NO_COLOR

"$SKDASH_BIN" list --format csv >"$tmp/list.csv" 2>"$tmp/list.err"
# Two accounts with plain identifiers: connector, identifier, id.
awk -F, 'NR == 1 { for (k = 1; k <= NF; k++) if ($k == "id") col = k; next }
         $2 ~ /^[A-Za-z0-9._+@-]+$/ && n < 3 { print $1, $2, $col; n++ }' "$tmp/list.csv" >"$tmp/pick"
read -r c1 i1 id1 <<EOF
$(sed -n 1p "$tmp/pick")
EOF
read -r c2 i2 id2 <<EOF
$(sed -n 2p "$tmp/pick")
EOF
read -r c3 i3 id3 <<EOF
$(sed -n 3p "$tmp/pick")
EOF
if [ -z "$id3" ]; then
    notok "journal to syslog: three accounts to act on" "$(cat "$tmp/list.err")"
    exit 1
fi

sink_start
check $? "the sink listens where /dev/log will be" "$(cat "$tmp/sink.err")"

# field NAME: NAME's value on the sink's last line (unquoted values only).
field() { tail -n 1 "$tmp/syslog.txt" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1; }

# ---- without the setting: nothing sent (the next run's line is the first and only one)
in_ns "$SKDASH_BIN" link "$c1" "$i1" >"$tmp/link0.out" 2>"$tmp/link0.err"
check $? "skdash link without the setting exits 0" "$(cat "$tmp/link0.err")"

# ---- --journal-syslog: a link
in_ns "$SKDASH_BIN" --journal-syslog link "$c1" "$i1" >"$tmp/link1.out" 2>"$tmp/link1.err"
check $? "skdash --journal-syslog link exits 0" "$(cat "$tmp/link1.err")"
lines_wait 1
check $? "the link's entry reaches the system log"
sleep 0.2   # a line the first run might have sent would be there by now, before this one
[ "$(wc -l <"$tmp/syslog.txt")" -eq 1 ]
check $? "without journal_syslog or --journal-syslog nothing is sent" "$(cat "$tmp/syslog.txt")"
line=$(tail -n 1 "$tmp/syslog.txt")
case "$line" in "<85>"*) r=0 ;; *) r=1 ;; esac
check $r "facility authpriv, severity notice (<85>: 10 * 8 + 5)" "$line"
printf '%s\n' "$line" | grep -Eq '^<[0-9]+>[A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} skdash\[[0-9]+\]: action=link '
check $? "identity skdash with its pid, then the action" "$line"
[ "$(field result)" = ok ] && [ "$(field connection)" = "$c1" ] && [ "$(field identifier)" = "$i1" ] &&
    [ "$(field account_id)" = "$id1" ] && [ "$(field environment)" = "$URL" ] &&
    [ "$(field profile)" = default ] && [ -n "$(field user)" ] &&
    printf '%s' "$(field time)" | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$'
check $? "the line holds the journal entry's fields (result, connection, identifier, account_id, environment, profile, user, time)" "$line"
link=$(head -n 1 "$tmp/link1.out")
token=${link##*/}
token=${token##*=}
[ -n "$link" ] && ! grep -qF -- "$link" "$tmp/syslog.txt" && ! grep -qF -- "$token" "$tmp/syslog.txt"
check $? "the link (and its token) never goes to the system log"
"$SKDASH_BIN" journal --format json >"$tmp/journal.json" 2>&1
[ "$(grep -Ec '"action": *"link"' "$tmp/journal.json")" -eq 2 ]
check $? "the local journal still records both links" "$(cat "$tmp/journal.json")"

# ---- journal_syslog = true in the profile: a delete, with a profile of its own
printf '[ops]\nenvironment_url = %s\nclient_id = skc_demo\njournal_syslog = true\n' "$URL" \
    >"$tmp/config/skdash/config"
in_ns env -u SCALEKIT_ENVIRONMENT_URL -u SCALEKIT_CLIENT_ID SSH_CLIENT="203.0.113.9 5555 22" \
    "$SKDASH_BIN" --profile ops delete --yes "$c2" "$i2" >"$tmp/del.out" 2>"$tmp/del.err"
check $? "skdash delete with journal_syslog = true exits 0" "$(cat "$tmp/del.err")"
lines_wait 2
check $? "the delete's entry reaches the system log"
line=$(tail -n 1 "$tmp/syslog.txt")
printf '%s\n' "$line" | grep -Eq '^<8[4-7]>.* skdash\[[0-9]+\]: action=delete result=ok profile=ops '
check $? "journal_syslog = true: facility authpriv, skdash, action=delete result=ok profile=ops" "$line"
[ "$(field connection)" = "$c2" ] && [ "$(field identifier)" = "$i2" ] &&
    [ "$(field account_id)" = "$id2" ] && [ "$(field ssh_client)" = 203.0.113.9 ]
check $? "the delete's line names the account and where the operator came from" "$line"

# ---- a failure is a warning (<84>) with its result quoted: a link already expired by the
# client's clock (a day ahead)
in_ns env SKDASH_NOW=$(( $(date +%s) + 86400 )) \
    "$SKDASH_BIN" --journal-syslog link "$c3" "$i3" >"$tmp/late.out" 2>"$tmp/late.err"
rc=$?
[ "$rc" = 1 ]
check $? "a link that has already expired exits 1" "rc=$rc $(cat "$tmp/late.err")"
lines_wait 3
line=$(tail -n 1 "$tmp/syslog.txt")
printf '%s\n' "$line" | grep -Eq '^<84>.* skdash\[[0-9]+\]: action=link result="failed: the link had already expired \([^"]*\)" profile=default '
check $? "a failed link goes as a warning (<84>), its result quoted whole" "$line"

# ---- journal_syslog = false in the profile: nothing, unless --journal-syslog is given (the
# flag's line is then the only new one)
printf '[ops]\nenvironment_url = %s\nclient_id = skc_demo\njournal_syslog = false\n' "$URL" \
    >"$tmp/config/skdash/config"
in_ns env -u SCALEKIT_ENVIRONMENT_URL -u SCALEKIT_CLIENT_ID \
    "$SKDASH_BIN" --profile ops link "$c3" "$i3" >"$tmp/link3.out" 2>"$tmp/link3.err"
check $? "skdash link with journal_syslog = false exits 0" "$(cat "$tmp/link3.err")"
in_ns env -u SCALEKIT_ENVIRONMENT_URL -u SCALEKIT_CLIENT_ID \
    "$SKDASH_BIN" --profile ops --journal-syslog link "$c3" "$i3" >"$tmp/link3.out" 2>"$tmp/link3.err"
check $? "skdash --journal-syslog link with journal_syslog = false exits 0" "$(cat "$tmp/link3.err")"
lines_wait 4
sleep 0.2
[ "$(wc -l <"$tmp/syslog.txt")" -eq 4 ] && [ "$(field profile)" = ops ] &&
    [ "$(field identifier)" = "$i3" ]
check $? "journal_syslog = false sends nothing; --journal-syslog still does" "$(cat "$tmp/syslog.txt")"

# ---- the dashboard's writes go the same way: a link from the link view (script mode)
printf ':wait\nl\n:wait\n:quit\n' >"$tmp/dash.keys"
in_ns env SKDASH_SCRIPT="$tmp/dash.keys" SKDASH_SCRIPT_DUMP_DIR="$tmp" SKDASH_NO_CACHE=1 \
    "$SKDASH_BIN" --journal-syslog >"$tmp/dash.out" 2>"$tmp/dash.err"
check $? "the dashboard with --journal-syslog opens a link and quits" "$(cat "$tmp/dash.err")"
lines_wait 5
check $? "the dashboard's link reaches the system log"
"$SKDASH_BIN" journal --format json >"$tmp/journal.json" 2>&1
last_id=$(sed -n 's/^ *"account_id": *"\([^"]*\)".*/\1/p' "$tmp/journal.json" | tail -n 1)
line=$(tail -n 1 "$tmp/syslog.txt")
printf '%s\n' "$line" | grep -Eq '^<85>.* skdash\[[0-9]+\]: action=link result=ok profile=default ' &&
    [ -n "$last_id" ] && [ "$(field account_id)" = "$last_id" ]
check $? "the dashboard's line: authpriv, skdash, the link the journal recorded ($last_id)" "$line"

# ---- nobody reading the system log (a socket nobody reads, then none at all): the action
# and the local journal are unaffected
sink_stop
"$SINK" --dead "$tmp/dev/log" 2>>"$tmp/sink.err"
[ -S "$tmp/dev/log" ]
check $? "a dead socket stands where /dev/log is"
in_ns "$SKDASH_BIN" --journal-syslog link "$c3" "$i3" >"$tmp/link4.out" 2>"$tmp/link4.err"
rc=$?
[ "$rc" = 0 ] && ! grep -v "^skdash: link for .* send it to that person only$" "$tmp/link4.err" | grep -q .
check $? "a system log nobody reads: the link still exits 0, nothing on stderr but whom the link is for" "rc=$rc $(cat "$tmp/link4.err")"
rm -f "$tmp/dev/log"
in_ns "$SKDASH_BIN" --journal-syslog link "$c3" "$i3" >"$tmp/link5.out" 2>"$tmp/link5.err"
rc=$?
[ "$rc" = 0 ] && ! grep -v "^skdash: link for .* send it to that person only$" "$tmp/link5.err" | grep -q .
check $? "no system log at all: the link still exits 0, nothing on stderr but whom the link is for" "rc=$rc $(cat "$tmp/link5.err")"
"$SKDASH_BIN" journal --format json >"$tmp/journal2.json" 2>&1
[ "$(grep -Ec '"action": *"link"' "$tmp/journal2.json")" -eq 8 ]
check $? "the local journal has every link (eight)" "$(cat "$tmp/journal2.json")"

[ "$fails" -eq 0 ]
