#!/bin/sh
# tui_lost.sh: "the delete went through but its answer was lost", end to end against
# `skemu --lose-rate 1` (every POST/PUT under /api/v1/ is carried out, then its connection is
# closed with no answer). The dashboard (in tmux) deletes an account with d y: it reports the
# account deleted, confirmed after the lost answer, the row goes, and `skdash journal` records
# it as confirmed gone; `skdash delete --id ID --yes` on the same skemu exits 0 and says the
# same. skemu's own log and a direct GET prove the deletes really happened and really went
# unanswered.
# TAP lines "ok - ..." / "not ok - ..."; skipped when tmux, curl or python3 is missing.
set -u
. "$(dirname "$0")/../support/e2e_lib.sh"
need_tools "tui lost answers" tmux curl python3
need_built "tui lost answers" "$SKDASH_BIN" "$SKEMU_BIN"
e2e_setup lost

emu_start --generate 60 --connections 4 --seed 5 --lose-rate 1 ||
    { notok "skemu --lose-rate 1 starts"; exit 1; }
emu_env
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color SKDASH_NO_CACHE=1
unset NO_COLOR TMUX
EMU_LOG="$tmp/skemu.log"
# The journal's result: this prefix, then the reason the answer was lost.
lost_result() {
    case "$(journal_field delete account_id "$1" result)" in
        'ok: confirmed gone after the answer was lost: '*) return 0 ;;
        *) return 1 ;;
    esac
}

# lost_deletes ID: how many POST :delete skemu carried out for real and then left unanswered.
lost_deletes() { grep -c 'POST /api/v1/connected_accounts:delete lost(200) ' "$EMU_LOG"; }

# ---- the dashboard: d y on the first account
# Wide enough for the whole footer message ("... confirmed after the answer was lost: ...").
tmux_new 200 30 "$SKDASH_BIN --debug; echo skdash-exited-\$?; sleep 600"
wait_for 'refreshed [0-9]' 20
check $? "the dashboard lists skemu's accounts (GETs are never lost)"
grep -q 'All accounts  *60' "$tmp/screen"
check $? "60 accounts before the delete"
keys g Enter
wait_for 'Scopes' 10
id=$(detail_field ID)
ident=$(detail_field Identifier)
conn=$(detail_field Connection)
[ -n "$id" ] && [ -n "$ident" ] && [ "$(account_status "$id")" = 200 ]
check $? "the account to delete is there ($id)"
keys d
wait_for 'Delete 1 connected account' 5
check $? "d asks for confirmation"
keys y
# The tries (5, with backoff) all lose their answer, then the account is read back: gone.
footer_wait "deleted $id \\(confirmed after the answer was lost" 30
r=$?
tail -n 2 "$tmp/screen" | grep -Eq 'not deleted|outcome unknown|error:' && r=1
check $r "the dashboard reports the account deleted, confirmed after the lost answer" \
    "footer: $(tail -n 2 "$tmp/screen" | head -n 1)"
# The row is gone: not in the list (the footer, which names it, and the detail pane, which now
# shows the next account, are left out), and the totals count one less.
short=$(printf '%s' "$ident" | cut -c1-19)
head -n 27 "$tmp/screen" | grep -v '│Identifier ' | grep -qF -- "$short"
r=$((1 - $?))
grep -q 'All accounts  *59' "$tmp/screen" || r=1
[ "$(detail_field ID)" != "$id" ] || r=1
check $r "the row of the deleted account is gone (59 accounts)" \
    "$(grep -F -- "$short" "$tmp/screen" | head -n 2)"
[ "$(account_status "$id")" = 404 ]
check $? "the account really is gone on skemu"
n=$(lost_deletes)
[ "$n" = 1 ]
check $? "skemu carried out exactly one delete of it and sent no answer to it" "lost(200): $n"
lost_result "$id" &&
    [ "$(journal_field delete account_id "$id" identifier)" = "$ident" ] &&
    [ "$(journal_field delete account_id "$id" connection)" = "$conn" ]
check $? "skdash journal records the delete as confirmed gone after the lost answer" \
    "$("$SKDASH_BIN" journal --format json 2>&1 | tr -d '\n' | tail -c 300)"
keys q
wait_for 'skdash-exited-0' 5
check $? "q quits cleanly"

# ---- the CLI: skdash delete --id ID --yes on the same skemu
id2=$(printf 'header = "Authorization: Bearer %s"\n' "$(api_token)" |
      curl -s -K - "$URL/api/v1/connected_accounts?page_size=1" |
      python3 -c 'import json, sys; print(json.load(sys.stdin)["connected_accounts"][0]["id"])')
[ -n "$id2" ] && [ "$id2" != "$id" ] && [ "$(account_status "$id2")" = 200 ]
check $? "another account for the CLI ($id2)"
"$SKDASH_BIN" delete --id "$id2" --yes >"$tmp/cli.out" 2>"$tmp/cli.err" </dev/null
rc=$?
[ "$rc" = 0 ]
check $? "skdash delete exits 0 when the answer is lost but the account is gone" \
    "exit $rc: $(head -c 300 "$tmp/cli.err")"
grep -q "^Deleted $id2 (confirmed after the answer was lost: " "$tmp/cli.out"
check $? "skdash delete says it was confirmed after the lost answer" \
    "$(tail -n 1 "$tmp/cli.out")"
[ "$(account_status "$id2")" = 404 ]
check $? "the CLI's account really is gone on skemu"
n=$(lost_deletes)
[ "$n" = 2 ]
check $? "skemu carried out the CLI's delete and sent no answer to it" "lost(200): $n"
lost_result "$id2"
check $? "skdash journal records the CLI's delete as confirmed gone"

[ "$fails" -eq 0 ]
