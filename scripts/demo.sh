#!/bin/sh
# demo.sh: run the dashboard against a local skemu with sample data; quitting stops skemu.
# Usage: scripts/demo.sh SKDASH SKEMU  (make demo passes both). Extra skdash flags: $DEMO_FLAGS.
set -eu
skdash=${1:-build/skdash}
skemu=${2:-build/skemu}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/skdash-demo.XXXXXX")
fifo="$tmp/url"
mkfifo "$fifo"
"$skemu" --port 0 --generate "${DEMO_ACCOUNTS:-300}" --connections "${DEMO_CONNECTIONS:-6}" \
    --seed "${DEMO_SEED:-1}" >"$fifo" 2>"$tmp/skemu.log" &
emu=$!
cleanup() { kill "$emu" 2>/dev/null || true; wait "$emu" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM HUP
read -r url <"$fifo" || { echo "demo: skemu did not start; see $tmp/skemu.log" >&2; exit 1; }
export SCALEKIT_ENVIRONMENT_URL="$url" SCALEKIT_CLIENT_ID=skc_demo SCALEKIT_CLIENT_SECRET=skemu-demo-secret
# Keep the user's own profiles out of the demo.
export XDG_CONFIG_HOME="$tmp/config" XDG_STATE_HOME="$tmp/state" XDG_CACHE_HOME="$tmp/cache"
echo "demo: skemu at $url (its request log: $tmp/skemu.log)" >&2
# shellcheck disable=SC2086
"$skdash" ${DEMO_FLAGS:-}
