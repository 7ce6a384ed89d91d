#!/bin/sh
# zz_secrets.sh: runs last in `make check` (hence the name): the client secret and every access
# token skemu issued (listed by skemu in test-logs/issued-tokens.txt, SKEMU_TOKEN_LOG) must
# appear in none of the suite's captured output: every file under $BUILD_DIR/test-logs but
# that list. First it adds its own run of every command with --debug (trace, errors, journal)
# to those logs, and proves the search finds a token where one is planted. TAP-style lines.
set -u

. "$(dirname "$0")/../support/e2e_lib.sh"
LOGS=$BUILD_DIR/test-logs
TOKENS=$LOGS/issued-tokens.txt
SECRET=skemu-demo-secret

need_built "secrets" "$SKDASH_BIN" "$SKEMU_BIN"
mkdir -p "$LOGS"
e2e_setup secrets

# ---- every command, with the HTTP trace on, into the logs ----
export SKEMU_TOKEN_LOG="$TOKENS"
EMU_LOG="$LOGS/zz_secrets-skemu.log" emu_start --generate 30 --connections 2 --seed 3 ||
    { notok "secrets: skemu did not start"; exit 1; }
url=$URL
export SCALEKIT_ENVIRONMENT_URL="$url" SCALEKIT_CLIENT_ID=skc_demo SCALEKIT_CLIENT_SECRET=$SECRET
export XDG_CONFIG_HOME="$tmp" XDG_STATE_HOME="$tmp" XDG_CACHE_HOME="$tmp" LC_ALL=C.UTF-8
cli_log=$LOGS/zz_secrets-cli.log
: >"$cli_log"
run() {
    echo "== skdash $*" >>"$cli_log"
    "$SKDASH_BIN" --debug "$@" >>"$cli_log" 2>&1 </dev/null
    echo "== exit $?" >>"$cli_log"
}
run list --format json
run connections
id=$("$SKDASH_BIN" list --format csv 2>/dev/null | sed -n '2p' | cut -d, -f1)
run show --id "$id"
run link --id "$id" --format json
run link -s expired -s pending --format csv
run disconnect -s pending --yes
run delete --id "$id" --dry-run
run delete --id "$id" --yes
run delete --id "$id" --yes
run journal --format json
SCALEKIT_CLIENT_SECRET=not-the-secret run list
cat "$tmp/skdash/journal.jsonl" >>"$cli_log" 2>/dev/null

if grep -q 'Authorization: Bearer <redacted>' "$cli_log" && grep -q 'client_secret=<redacted>' "$cli_log"; then
    ok "secrets: the --debug trace ran and shows credentials only as <redacted>"
else
    notok "secrets: no redacted trace in $cli_log"
fi

if [ ! -s "$TOKENS" ]; then
    notok "secrets: skemu logged no issued tokens ($TOKENS)"
    exit 1
fi

# ---- the search itself: one pattern list, fixed strings ----
patterns=$tmp/patterns
{ echo "$SECRET"; grep -v '^$' "$TOKENS"; } | sort -u >"$patterns"
ntok=$(($(wc -l <"$patterns") - 1))

# It must find a token (and the secret) where one is planted, or a clean result means nothing.
planted=$tmp/planted.log
{ echo "trace line"; printf 'Authorization: Bearer %s\n' "$(sed -n '2p' "$patterns")"; } >"$planted"
printf 'x %s y\n' "$SECRET" >"$tmp/planted2.log"
if grep -aqF -f "$patterns" "$planted" && grep -aqF -f "$patterns" "$tmp/planted2.log"; then
    ok "secrets: the search finds a planted token and the planted secret"
else
    notok "secrets: the search misses planted secrets"
fi

n=0
leaks=""
for f in "$LOGS"/* "$LOGS"/*/*; do
    [ -f "$f" ] || continue
    [ "$f" = "$TOKENS" ] && continue
    n=$((n + 1))
    if grep -aqF -f "$patterns" "$f"; then
        kind="an issued token"
        grep -aqF "$SECRET" "$f" && kind="the client secret"
        leaks="$leaks $(basename "$f") ($kind)"
    fi
done
if [ -z "$leaks" ]; then
    ok "no secret in $n files ($ntok issued tokens and the client secret looked for)"
else
    notok "secret found in:$leaks"
fi
