#!/bin/sh
# support.sh: the support flow at scale: the real dashboard (build/skdash) in a private tmux
# server against skemu with N accounts over 50 connections at LATENCY ms, no cache, for the user
# the listing reaches last (the last account of the largest connection, picked on a fast skemu
# holding the same data). Keys as a person types them once the first screen is up: `/`, the
# name, Enter, `l`. Measures the time from launch to the user's row on screen, from `l` to the
# link view's QR code, and `skdash list -q NAME`, each with its bound (the round trips it needs
# x the measured round trip + 100 ms) and the ratio.
# Usage: support.sh N LATENCY_MS. Env: SKDASH_BIN, SKEMU_BIN, BENCH_RESULTS.
set -u
N=${1:-100000}
LAT=${2:-25}
SKDASH=${SKDASH_BIN:-build/skdash}
SKEMU=${SKEMU_BIN:-build/skemu}
RESULTS=${BENCH_RESULTS:-}
ROWS=40
COLS=120
CONNS=50
HERE=$(cd "$(dirname "$0")" && pwd)
TAG=$(echo "$N" | awk '{ if ($1 >= 100000) print "100k"; else if ($1 >= 10000) print "10k"; else print "1k" }')

work=$(mktemp -d /tmp/skdash-bench-support-XXXXXX)
sock="sksupport$$"
emu_pid=""

cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null
    [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null && wait "$emu_pid" 2>/dev/null
    # SUPPORT_KEEP=DIR keeps the run's files (with SUPPORT_ARGS=--debug, the HTTP trace).
    [ -n "${SUPPORT_KEEP:-}" ] && rm -rf "$SUPPORT_KEEP" && cp -r "$work" "$SUPPORT_KEEP"
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

. "$(dirname "$0")/lib.sh"   # now_ms, result
skip() { result "$1" 0 "-" 0 0 "SKIPPED: $2"; }

if [ ! -x "$SKDASH" ] || ! command -v tmux >/dev/null || ! command -v python3 >/dev/null; then
    skip "support flow $TAG @${LAT}ms" "needs $SKDASH, tmux and python3"
    exit 0
fi

# emu ARGS...: skemu with the bench's data; sets $url and $emu_pid.
epoch=$(( $(date +%s) / 86400 * 86400 ))
emu() {
    [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null && wait "$emu_pid" 2>/dev/null
    "$SKEMU" --port 0 --generate "$N" --connections "$CONNS" --seed 42 --epoch "$epoch" --quiet \
        "$@" >"$work/emu.out" 2>"$work/emu.err" &
    emu_pid=$!
    url=""
    for _ in $(seq 100); do
        url=$(head -n 1 "$work/emu.out" 2>/dev/null)
        case "$url" in http://127.0.0.1:*) return 0 ;; esac
        sleep 0.1
    done
    echo "support.sh: skemu did not start" >&2
    exit 1
}

# The user the listing reaches last, picked where picking is quick.
emu
set -- $(python3 "$HERE/../support/pick_account.py" "$url")
conn=${1:-} id=${2:-} ident=${3:-} pos=${5:-0} pages=${6:-0}
[ -n "$ident" ] || { echo "support.sh: no account picked" >&2; exit 1; }
emu --latency-ms "$LAT"

# One round trip as the client sees it: the median of 9 authenticated GETs, each on a new
# connection (as the first requests of a start are).
rtt=$(python3 - "$url" <<'EOF'
import json, sys, time, urllib.request
url = sys.argv[1]
body = b"grant_type=client_credentials&client_id=skc_demo&client_secret=skemu-demo-secret"
tok = json.load(urllib.request.urlopen(url + "/oauth/token", data=body))["access_token"]
t = []
for _ in range(9):
    r = urllib.request.Request(url + "/api/v1/connections/app?page_size=1",
                               headers={"Authorization": "Bearer " + tok})
    s = time.monotonic(); urllib.request.urlopen(r).read(); t.append(time.monotonic() - s)
print("%.1f" % (sorted(t)[4] * 1000))
EOF
)
# skemu's own search scans every account (Scalekit's is an index): what one costs here, for the
# reader of the figures (the bound counts it as one round trip).
srtt=$(python3 - "$url" "$ident" <<'EOF'
import json, sys, time, urllib.parse, urllib.request
url, q = sys.argv[1], sys.argv[2]
body = b"grant_type=client_credentials&client_id=skc_demo&client_secret=skemu-demo-secret"
tok = json.load(urllib.request.urlopen(url + "/oauth/token", data=body))["access_token"]
t = []
for _ in range(5):
    r = urllib.request.Request(url + "/api/v1/connected_accounts:search?page_size=30&query=" +
                               urllib.parse.quote(q), headers={"Authorization": "Bearer " + tok})
    s = time.monotonic(); urllib.request.urlopen(r).read(); t.append(time.monotonic() - s)
print("%.1f" % (sorted(t)[2] * 1000))
EOF
)
conn_pages=$(( (CONNS + 29) / 30 ))
# Token, the connection pages one after another, one search page; then one for the link.
trips=$(( 1 + conn_pages + 1 ))
b_row=$(awk -v t="$trips" -v r="$rtt" 'BEGIN { print t * r + 100 }')
b_qr=$(awk -v r="$rtt" 'BEGIN { print r + 100 }')

mkdir -p "$work/config/skdash" "$work/cache"
umask 077
cat >"$work/config/skdash/config" <<EOF
[default]
environment_url = $url
client_id = skc_demo
client_secret = skemu-demo-secret
EOF
chmod 600 "$work/config/skdash/config"
export XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache" XDG_STATE_HOME="$work/cache"
export TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8
unset SKDASH_NO_CACHE NO_COLOR

echo "support flow: $N accounts, $CONNS connections, --latency-ms $LAT, no cache, ${COLS}x${ROWS} tmux pane"
echo "  the user: $ident ($id), account $((pos + 1)) of $conn, on page $pages of $pages; round trip ${rtt} ms"

screen() { tmux -L "$sock" capture-pane -p -t bench; }
# wait_until WHAT TIMEOUT_S: polls the screen; prints ms since t0 when WHAT holds.
prefix=$(printf '%s' "$ident" | cut -c 1-16)
wait_until() {
    end=$(( $(now_ms) + $2 * 1000 ))
    while [ "$(now_ms)" -lt "$end" ]; do
        screen >"$work/screen"
        case "$1" in
            up) grep -q 'skdash' "$work/screen" && break ;;
            row) sed -n '4,$p' "$work/screen" | grep -v '^/' | grep -qF "$prefix" && break ;;
            qr) grep -q 'Expires in' "$work/screen" && grep -q '█▀▀▀▀▀█' "$work/screen" && break ;;
        esac
        sleep 0.005
    done
    [ "$(now_ms)" -lt "$end" ] && echo $(( $(now_ms) - t0 ))
}

rm -f "$work/go"
mkfifo "$work/go"
tmux -L "$sock" -f /dev/null new-session -d -s bench -x "$COLS" -y "$ROWS" \
    "read x <'$work/go'; exec '$SKDASH' --no-cache ${SUPPORT_ARGS:-}"
t0=$(now_ms)
echo go >"$work/go"
t_up=$(wait_until up 20); echo "  first screen at ${t_up} ms"
tmux -L "$sock" send-keys -t bench /
tmux -L "$sock" send-keys -t bench -l "$ident"
t_row=$(wait_until row 60)
listing=$(grep -c 'not refreshed yet' "$work/screen")
if [ -z "$t_row" ]; then
    echo "support.sh: the user's row did not show; last screen:" >&2
    cat "$work/screen" >&2
    exit 1
fi
tmux -L "$sock" send-keys -t bench Enter l
t_l=$(( $(now_ms) - t0 ))
t_qr=$(wait_until qr 30)
if [ -z "$t_qr" ]; then
    echo "support.sh: the link view showed no QR code; last screen:" >&2
    cat "$work/screen" >&2
    exit 1
fi
tmux -L "$sock" send-keys -t bench Escape q
result "support $TAG @${LAT}ms: the user's row on screen" "$t_row" ms "$b_row" 1 \
    "from launch, keys typed once the first screen is up; bound ($trips round trips: token, $conn_pages connection pages, search) x RTT + 100 ms; listing $( [ "$listing" -gt 0 ] && echo 'still running' || echo 'complete') then"
result "support $TAG @${LAT}ms: l to the link view's QR" "$((t_qr - t_l))" ms "$b_qr" 1 \
    "bound one round trip (the link) + 100 ms"

result "support $TAG @${LAT}ms: skemu's search round trip" "$srtt" ms 0 0 \
    "median of 5, idle: skemu scans all $N accounts per search (a plain round trip: $rtt ms)"

# skdash list -q NAME: what it prints must be the user's one row.
start=$(now_ms)
"$SKDASH" list -q "$ident" --format csv >"$work/list.out" 2>"$work/list.err"
rc=$?
t_list=$(( $(now_ms) - start ))
rows=$(grep -c "$id" "$work/list.out")
lines=$(grep -c . "$work/list.out")
result "support $TAG @${LAT}ms: skdash list -q the user" "$t_list" ms "$b_row" 1 \
    "bound as the row's; exit $rc, $rows row(s) of the user in $lines line(s)$(head -c 120 "$work/list.err" | tr '\n' ' ' | sed 's/^./; stderr: &/')"
exit 0
