#!/bin/sh
# seed_from_skemu.sh: (re)captures real skemu answers as fuzz seeds: tokens, pages, details,
# connections, links, error bodies. Run by hand (needs curl and build/skemu); the files it
# writes are committed under tests/fuzz/corpus/NAME/skemu-*. Fixed seed and epoch, so a re-run
# gives the same bodies except for tokens and link expiries.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
skemu="${SKEMU_BIN:-build/skemu}"
c="$here/corpus"
log=$(mktemp)
"$skemu" --port 0 --generate 40 --connections 4 --seed 7 --epoch 1744761600 --quiet >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$log"' EXIT
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$log" ] && break; sleep 0.2; done
base=$(head -n 1 "$log")
case "$base" in http://127.0.0.1:*) ;; *) echo "skemu did not start" >&2; exit 1 ;; esac
get() { curl -s -H "Authorization: Bearer $tok" "$base$1"; }
post() { curl -s -X "$1" -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
             --data "$3" "$base$2"; }
curl -s -d grant_type=client_credentials -d client_id=skc_demo -d client_secret=skemu-demo-secret \
    "$base/oauth/token" >"$c/token/skemu-ok"
tok=$(sed 's/.*"access_token":"\([^"]*\)".*/\1/' "$c/token/skemu-ok")
curl -s -d grant_type=client_credentials -d client_id=skc_demo -d client_secret=wrong \
    "$base/oauth/token" >"$c/error/skemu-token-401"
get "/api/v1/connections/app?page_size=30" >"$c/connections/skemu-all"
get "/api/v1/connections/app?page_size=2" >"$c/connections/skemu-page1"
get "/api/v1/connected_accounts?page_size=5" >"$c/page/skemu-first5"
get "/api/v1/connected_accounts?page_size=99" >"$c/page/skemu-all"
get "/api/v1/connected_accounts:search?query=example&page_size=30" >"$c/page/skemu-search"
get "/api/v1/connected_accounts?identifier=nobody" >"$c/page/skemu-empty"
id=$(sed 's/.*"connected_accounts":\[{"id":"\([^"]*\)".*/\1/' "$c/page/skemu-first5")
get "/api/v1/connected_accounts/details?id=$id" >"$c/detail/skemu-details"
post POST /api/v1/connected_accounts \
    '{"connector":"gmail","identifier":"fuzz@example.com","connected_account":{"authorization_type":"OAUTH"}}' \
    >"$c/detail/skemu-create"
post POST /api/v1/connected_accounts/magic_link "{\"id\":\"$id\"}" >"$c/link/skemu-link"
get "/api/v1/connected_accounts/details?id=ca_nope" >"$c/error/skemu-404"
get "/api/v1/connected_accounts?connector=a&connection_names=b" >"$c/error/skemu-400"
curl -s "$base/api/v1/connected_accounts" >"$c/error/skemu-401"
post POST /api/v1/connected_accounts:delete '{"id":"ca_nope"}' >"$c/error/skemu-delete-404"
# parse_error_body's target reads the HTTP status from a 2-byte prefix (100 + v % 500, see
# fuzz_error.c): 0x012c = 400, 0x012d = 401, 0x0130 = 404.
prefix() { printf "$1" | cat - "$2" >"$2.tmp" && mv "$2.tmp" "$2"; }
prefix '\001\054' "$c/error/skemu-400"
prefix '\001\055' "$c/error/skemu-401"
prefix '\001\055' "$c/error/skemu-token-401"
prefix '\001\060' "$c/error/skemu-404"
prefix '\001\060' "$c/error/skemu-delete-404"
echo "seeds written under $c"
