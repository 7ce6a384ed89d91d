# e2e_lib.sh: what the end-to-end scripts of tests/e2e share, sourced by them (never run on its
# own: tests/run.sh runs tests/e2e/*.sh only): TAP lines, a private temporary directory and a
# cleanup trap, skemu on a free port, and the dashboard in tmux on a private socket with a fixed
# window size, read back by polling the pane for text.
#
#   . "$(dirname "$0")/../support/e2e_lib.sh"
#   e2e_setup NAME            # $tmp, traps; then emu_start ARGS..., tmux_new W H CMD, wait_for ...
# shellcheck shell=sh

SKDASH_BIN=${SKDASH_BIN:-build/skdash}
SKEMU_BIN=${SKEMU_BIN:-build/skemu}
BUILD_DIR=${BUILD_DIR:-build}

# ---------------------------------------------------------------- TAP lines
fails=0
ok() { echo "ok - $1"; }
# notok NAME [WHY]: the failure, and why on a comment line.
notok() { echo "not ok - $1"; fails=$((fails + 1)); [ -n "${2:-}" ] && echo "# $2"; return 0; }
skip() { echo "ok - $1 # SKIP $2"; }
# check STATUS NAME [WHY]: ok when STATUS is 0.
check() { if [ "$1" = 0 ]; then ok "$2"; else notok "$2" "${3:-}"; fi; }
# need_tools NAME TOOL...: a SKIP line and exit 0 when a tool is missing.
need_tools() {
    _name=$1
    shift
    for _t in "$@"; do
        if ! command -v "$_t" >/dev/null 2>&1; then
            skip "$_name" "$_t is not installed"
            exit 0
        fi
    done
}
# need_built NAME FILE...: "not ok" and exit 1 when a binary is missing.
need_built() {
    _name=$1
    shift
    for _b in "$@"; do
        if [ ! -x "$_b" ]; then
            notok "$_name: $_b is not built"
            exit 1
        fi
    done
}

# ---------------------------------------------------------------- set-up and clean-up
E2E_NAME=e2e
E2E_SOCKS=""
E2E_EMUS=""
E2E_RUN=0
sock=""
emu=""
tmp=""

# Only a process that is still our own child is signalled (a pid may have been reused).
mine() { [ -n "$1" ] && [ "$(cut -d' ' -f4 "/proc/$1/stat" 2>/dev/null)" = "$$" ]; }

e2e_cleanup() {
    for _s in $E2E_SOCKS; do tmux -L "$_s" kill-server 2>/dev/null; done
    for _p in $E2E_EMUS; do
        mine "$_p" && kill "$_p" 2>/dev/null && wait "$_p" 2>/dev/null
    done
    [ -n "$tmp" ] && rm -rf "$tmp"
}

# e2e_setup NAME: $tmp (removed at exit), the traps; tmux sockets are named after NAME.
e2e_setup() {
    E2E_NAME=$1
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/skdash-$1.XXXXXX") || exit 1
    trap e2e_cleanup EXIT
    trap 'exit 1' INT TERM HUP
}

# ---------------------------------------------------------------- skemu
# emu_start ARGS...: skemu on 127.0.0.1 (port $EMU_PORT, default 0: a free one) with ARGS
# (https with --tls-cert/--tls-key); its stderr is appended to $EMU_LOG (default
# $tmp/skemu.log). Sets $emu (pid) and $URL; returns 1
# when it does not come up (then $URL is empty).
emu_start() {
    _out="$tmp/emu.$E2E_RUN.$$.out"
    E2E_RUN=$((E2E_RUN + 1))
    "$SKEMU_BIN" --port "${EMU_PORT:-0}" "$@" >"$_out" 2>>"${EMU_LOG:-$tmp/skemu.log}" &
    emu=$!
    E2E_EMUS="$E2E_EMUS $emu"
    _n=0
    while [ "$_n" -lt 200 ]; do
        # A whole line: the URL is written before the server answers.
        if [ -s "$_out" ] && [ "$(wc -l <"$_out")" -ge 1 ]; then
            URL=$(head -n 1 "$_out")
            case "$URL" in http://127.0.0.1:* | https://127.0.0.1:*) return 0 ;; esac
        fi
        kill -0 "$emu" 2>/dev/null || break
        sleep 0.05
        _n=$((_n + 1))
    done
    URL=""
    return 1
}

# emu_stop [SIGNAL]: stops the last skemu started (default SIGTERM) and waits for it.
emu_stop() {
    mine "$emu" && kill "${1:--TERM}" "$emu" 2>/dev/null
    [ -n "$emu" ] && wait "$emu" 2>/dev/null
    emu=""
}

# emu_env: the dashboard and the CLI talk to $URL with skemu's demo credentials; configuration,
# state (journal, debug log) and cache live under $tmp.
emu_env() {
    export SCALEKIT_ENVIRONMENT_URL="$URL" SCALEKIT_CLIENT_ID=skc_demo
    export SCALEKIT_CLIENT_SECRET=skemu-demo-secret
    export XDG_CONFIG_HOME="$tmp/config" XDG_STATE_HOME="$tmp/state" XDG_CACHE_HOME="$tmp/cache"
}

# api_token: an access token for $URL (the secret goes on stdin, never in argv).
api_token() {
    printf 'grant_type=client_credentials&client_id=skc_demo&client_secret=%s' \
        "$SCALEKIT_CLIENT_SECRET" | curl -s -d @- "$URL/oauth/token" |
        sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p'
}
# account_status ID: the HTTP status of GET /details for the account (200 there, 404 gone).
account_status() {
    printf 'header = "Authorization: Bearer %s"\n' "$(api_token)" |
        curl -s -o /dev/null -w '%{http_code}' -K - "$URL/api/v1/connected_accounts/details?id=$1"
}

# ---------------------------------------------------------------- the dashboard in tmux
# tmux_new W H CMD [CONF]: a fresh tmux server on a private socket ($sock; the previous one is
# killed) running CMD in a W x H window, session "main"; CONF is tmux's config (default none).
tmux_new() {
    [ -n "$sock" ] && tmux -L "$sock" kill-server 2>/dev/null
    E2E_RUN=$((E2E_RUN + 1))
    sock="skdash-$E2E_NAME-$$-$E2E_RUN"
    E2E_SOCKS="$E2E_SOCKS $sock"
    tmux -L "$sock" -f "${4:-/dev/null}" new-session -d -s main -x "$1" -y "$2" "$3"
}
cap() { tmux -L "$sock" capture-pane -p -t main "$@"; }
keys() { tmux -L "$sock" send-keys -t main "$@"; }
# detail_field NAME: the first word after "NAME" in the detail box of the last captured screen.
detail_field() { sed -n "s/^.*│$1  *\([^ ]*\).*$/\1/p" "$tmp/screen" | head -n 1; }

# wait_for REGEX [SECONDS]: polls the pane (every 50 ms, default 10 s) until the extended regex
# shows up; the last capture is left in $tmp/screen.
wait_for() {
    _n=$(( ${2:-10} * 20 ))
    while [ "$_n" -gt 0 ]; do
        cap >"$tmp/screen" 2>/dev/null
        grep -Eq -- "$1" "$tmp/screen" && return 0
        sleep 0.05
        _n=$((_n - 1))
    done
    return 1
}
# wait_gone REGEX [SECONDS]: until the regex is no longer on the pane.
wait_gone() {
    _n=$(( ${2:-10} * 20 ))
    while [ "$_n" -gt 0 ]; do
        cap >"$tmp/screen" 2>/dev/null
        grep -Eq -- "$1" "$tmp/screen" || return 0
        sleep 0.05
        _n=$((_n - 1))
    done
    return 1
}
# footer_wait / footer_gone REGEX [SECONDS]: the same on the last two lines (status and hints).
footer_wait() {
    _n=$(( ${2:-10} * 20 ))
    while [ "$_n" -gt 0 ]; do
        cap >"$tmp/screen" 2>/dev/null
        tail -n 2 "$tmp/screen" | grep -Eq -- "$1" && return 0
        sleep 0.05
        _n=$((_n - 1))
    done
    return 1
}
footer_gone() {
    _n=$(( ${2:-10} * 20 ))
    while [ "$_n" -gt 0 ]; do
        cap >"$tmp/screen" 2>/dev/null
        tail -n 2 "$tmp/screen" | grep -Eq -- "$1" || return 0
        sleep 0.05
        _n=$((_n - 1))
    done
    return 1
}

# link_text FILE: the link as the link view shows it in a captured screen: the lines after
# "Link:" from that column on, joined (the view wraps it by columns).
link_text() {
    perl -CSD -ne '
        chomp;
        if (defined $col) { my $p = length($_) > $col ? substr($_, $col) : ""; $p =~ s/\s+$//;
                            if ($p eq "" || $p =~ /\s/) { $col = undef; next } $link .= $p; next }
        if (/^(.*?)Link:/) { $col = length($1) }
        END { print $link // "" }' "$1"
}
# link_settled: prints the link on the pane once two captures a tenth of a second apart show the
# same one (5 s at most). A capture can catch the pane halfway through a redraw, with the
# expiry line drawn and the link's last wrapped line not yet: one capture is not enough.
link_settled() {
    _n=50; _prev=
    while [ "$_n" -gt 0 ]; do
        cap >"$tmp/screen" 2>/dev/null
        _l=$(link_text "$tmp/screen")
        if [ -n "$_l" ] && [ "$_l" = "$_prev" ]; then printf '%s' "$_l"; return 0; fi
        _prev=$_l
        sleep 0.1
        _n=$((_n - 1))
    done
    printf '%s' "$_l"
    return 1
}

# ---------------------------------------------------------------- the action journal
# journal_field ACTION KEY VALUE FIELD: FIELD of the newest entry of `skdash journal --format
# json` with that action and KEY == VALUE (nothing when there is none). Needs python3.
journal_field() {
    "$SKDASH_BIN" journal --format json 2>/dev/null | python3 -c '
import json, sys
action, key, value, field = sys.argv[1:5]
rows = [r for r in json.load(sys.stdin) if r.get("action") == action and r.get(key) == value]
print(rows[-1].get(field, "") if rows else "")' "$1" "$2" "$3" "$4"
}
