#!/bin/sh
# tls.sh: skdash over TLS, end to end. A CA and server certificates are made here with openssl
# (no key is ever committed); skemu serves HTTPS with them (--tls-cert/--tls-key). Proves: an
# unknown CA and a certificate for another name are refused, named, once (no retry, exit 1);
# the CA given by --ca-bundle, SKDASH_CA_BUNDLE, the profile's ca_bundle, CURL_CA_BUNDLE,
# SSL_CERT_FILE or SSL_CERT_DIR is trusted, in that order of precedence; HTTPS_PROXY (tinyproxy
# on loopback, its log as the witness) and NO_PROXY are honoured and a dead proxy is named;
# http:// to a non-loopback host is refused before any connection (inside `unshare -n`); the
# URL's scheme in any case, blanks trimmed, a path/query/fragment refused, user:password@ kept
# out of messages, the trace and the journal; the page lane's own connections are verified as
# curl's are; the dashboard lists over TLS. TAP lines.
set -u
. "$(dirname "$0")/../support/e2e_lib.sh"
need_tools "tls" openssl
need_built "tls" "$SKDASH_BIN" "$SKEMU_BIN"
e2e_setup tls

# Whatever this machine trusts or proxies through is not part of the test.
unset CURL_CA_BUNDLE SSL_CERT_FILE SSL_CERT_DIR SKDASH_CA_BUNDLE http_proxy HTTP_PROXY \
    https_proxy HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY SKDASH_PROFILE
export LC_ALL=C.UTF-8 SKDASH_NO_CACHE=1

# ---- a CA, a second CA nobody trusts, and certificates (EC P-256: quick to make) ----
pki=$tmp/pki
mkdir -p "$pki"
mkcert() {   # mkcert NAME CA SAN: $pki/NAME.pem and NAME.key, signed by CA
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$1" \
        -keyout "$pki/$1.key" -out "$pki/$1.csr" 2>/dev/null &&
        printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
            "$3" >"$pki/$1.ext" &&
        openssl x509 -req -in "$pki/$1.csr" -CA "$pki/$2.pem" -CAkey "$pki/$2.key" \
            -CAcreateserial -days 2 -extfile "$pki/$1.ext" -out "$pki/$1.pem" 2>/dev/null
}
mkca() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
        -subj "/CN=skdash test $1" -keyout "$pki/$1.key" -out "$pki/$1.pem" 2>/dev/null
}
if ! { mkca ca && mkca otherca && mkcert server ca "IP:127.0.0.1,DNS:localhost" &&
       mkcert wrongname ca "DNS:wrong.example"; }; then
    notok "tls: openssl makes a CA and certificates"
    exit 1
fi
CA=$pki/ca.pem
OTHER=$pki/otherca.pem
mkdir -p "$pki/dir" && cp "$CA" "$pki/dir/ca.pem" && openssl rehash "$pki/dir" 2>/dev/null

emu_start --generate 40 --connections 3 --seed 4 --tls-cert "$pki/server.pem" \
    --tls-key "$pki/server.key" || { notok "skemu --tls-cert/--tls-key starts"; exit 1; }
case "$URL" in https://127.0.0.1:*) ok "skemu with --tls-cert prints https://127.0.0.1:PORT" ;;
    *) notok "skemu with --tls-cert prints https://127.0.0.1:PORT" "got $URL" ;; esac
TLS_URL=$URL
PORT=${URL##*:}
emu_env
mkdir -p "$XDG_CONFIG_HOME/skdash"
CONF=$XDG_CONFIG_HOME/skdash/config

out=$tmp/out
errf=$tmp/err
# sk ARGS...: skdash with stdout in $out, stderr in $errf, the exit status in $rc.
sk() {
    "$SKDASH_BIN" "$@" >"$out" 2>"$errf" </dev/null
    rc=$?
}
listed() { [ "$rc" = 0 ] && [ "$(grep -c ',' "$out")" -ge 10 ]; }
tries() { grep -c 'http: -> ' "$errf"; }

# ---- whom to trust ----
sk --debug list --format csv
[ "$rc" = 1 ] && grep -q 'certificate problem' "$errf" && [ "$(tries)" = 1 ] &&
    ! grep -q 'http: retry' "$errf"
check $? "an unknown CA: exit 1, the certificate problem named, one try and no retry" \
    "rc=$rc tries=$(tries): $(tail -n 1 "$errf")"
grep -q 'ca-bundle' "$errf"
check $? "the refusal points at --ca-bundle" "$(tail -n 1 "$errf")"

sk --ca-bundle "$CA" list --format csv
listed
check $? "--ca-bundle PATH is trusted" "rc=$rc $(cat "$errf")"
SKDASH_CA_BUNDLE=$CA sk list --format csv
listed
check $? "SKDASH_CA_BUNDLE is trusted" "rc=$rc $(cat "$errf")"
printf '[default]\nca_bundle = %s\n' "$CA" >"$CONF"
sk list --format csv
listed
check $? "ca_bundle in the profile is trusted" "rc=$rc $(cat "$errf")"
rm -f "$CONF"
CURL_CA_BUNDLE=$CA sk list --format csv
listed
check $? "CURL_CA_BUNDLE is trusted" "rc=$rc $(cat "$errf")"
SSL_CERT_FILE=$CA sk list --format csv
listed
check $? "SSL_CERT_FILE is trusted" "rc=$rc $(cat "$errf")"
SSL_CERT_DIR=$pki/dir sk list --format csv
listed
check $? "SSL_CERT_DIR (a hashed directory) is trusted" "rc=$rc $(cat "$errf")"

# Precedence: flag > SKDASH_CA_BUNDLE > profile > CURL_CA_BUNDLE > SSL_CERT_FILE. The wrong CA
# on the losing side must not matter, and on the winning side must.
SKDASH_CA_BUNDLE=$OTHER sk --ca-bundle "$CA" list --format csv
listed
check $? "--ca-bundle wins over SKDASH_CA_BUNDLE" "rc=$rc $(cat "$errf")"
printf '[default]\nca_bundle = %s\n' "$OTHER" >"$CONF"
SKDASH_CA_BUNDLE=$CA sk list --format csv
listed
check $? "SKDASH_CA_BUNDLE wins over the profile's ca_bundle" "rc=$rc $(cat "$errf")"
CURL_CA_BUNDLE=$CA sk list --format csv
[ "$rc" = 1 ] && grep -q 'certificate problem' "$errf"
check $? "the profile's ca_bundle wins over CURL_CA_BUNDLE" "rc=$rc $(cat "$errf")"
printf '[default]\nca_bundle = %s\n' "$CA" >"$CONF"
CURL_CA_BUNDLE=$OTHER SSL_CERT_FILE=$OTHER sk list --format csv
listed
check $? "... and over CURL_CA_BUNDLE/SSL_CERT_FILE that name another CA" "rc=$rc $(cat "$errf")"
rm -f "$CONF"
CURL_CA_BUNDLE=$CA SSL_CERT_FILE=$OTHER sk list --format csv
listed
check $? "CURL_CA_BUNDLE wins over SSL_CERT_FILE (as in curl's tool)" "rc=$rc $(cat "$errf")"

sk --ca-bundle "$tmp/nosuch.pem" list
[ "$rc" = 3 ] && grep -q 'nosuch.pem (from --ca-bundle)' "$errf"
check $? "a CA bundle that does not exist: configuration error (exit 3) naming it and its source" \
    "rc=$rc $(cat "$errf")"
SSL_CERT_FILE=$pki sk list
[ "$rc" = 3 ] && grep -q 'SSL_CERT_FILE' "$errf"
check $? "SSL_CERT_FILE naming a directory: exit 3, SSL_CERT_FILE named" "rc=$rc $(cat "$errf")"

# ---- a certificate for another name (signed by the trusted CA) ----
emu_start --generate 5 --seed 4 --tls-cert "$pki/wrongname.pem" --tls-key "$pki/wrongname.key" ||
    notok "skemu with a certificate for wrong.example starts"
WRONG_URL=$URL
SCALEKIT_ENVIRONMENT_URL=$WRONG_URL sk --debug --ca-bundle "$CA" list
[ "$rc" = 1 ] && grep -q 'subject name' "$errf" && [ "$(tries)" = 1 ]
check $? "a certificate for another host name: refused, named, exit 1, one try" \
    "rc=$rc tries=$(tries): $(tail -n 1 "$errf")"
emu_stop

# ---- the page lane's own connections are verified as curl's are ----
# `link --wait` reads the account every 2 s with a GET on the page lane (a connection of its
# own; curl's carries the token and the link's POST). Once it has read it, a skemu whose
# certificate names another host takes the port: the lane's next connection must be refused,
# named, with no new token asked for (the first is still good).
emu_start --generate 40 --connections 3 --seed 4 --tls-cert "$pki/server.pem" \
    --tls-key "$pki/server.key" || notok "a second skemu over TLS starts"
LANE_URL=$URL
LANE_PORT=${URL##*:}
lid=$(SCALEKIT_ENVIRONMENT_URL=$LANE_URL "$SKDASH_BIN" --ca-bundle "$CA" list --format csv \
    2>/dev/null | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "id") c = i
                                                               if ($i == "state") s = i } }
                           NR > 1 && $s != "ACTIVE" { print $c; exit }')
SCALEKIT_ENVIRONMENT_URL=$LANE_URL "$SKDASH_BIN" --debug --ca-bundle "$CA" link --id "$lid" \
    --wait >"$out" 2>"$errf" </dev/null &
waiter=$!
n=0
until grep -q "http: <- 200 GET https://127.0.0.1:$LANE_PORT/api/v1/connected_accounts/details" \
    "$errf" 2>/dev/null || [ $n -ge 100 ]; do sleep 0.05; n=$((n + 1)); done
emu_stop
EMU_PORT=$LANE_PORT emu_start --generate 5 --seed 4 --tls-cert "$pki/wrongname.pem" \
    --tls-key "$pki/wrongname.key" || notok "skemu for wrong.example takes the lane's port"
n=0
until grep -q "warning: reading the account failed" "$errf" 2>/dev/null || [ $n -ge 160 ]; do
    sleep 0.05
    n=$((n + 1))
done
kill -INT "$waiter" 2>/dev/null
wait "$waiter" 2>/dev/null
grep "warning: reading the account failed" "$errf" | grep -q 'subject name' &&
    grep -q "http: <- error GET https://127.0.0.1:$LANE_PORT/api/v1/connected_accounts/details" \
        "$errf" &&
    [ "$(grep -c 'http: -> POST .*/oauth/token' "$errf")" = 1 ]
check $? "the page lane's new connection to a certificate for another name: refused, named" \
    "id=$lid $(grep -v '^debug: http: [<-]' "$errf" | tail -n 4)"
emu_stop

# ---- the environment URL ----
SCALEKIT_ENVIRONMENT_URL="HTTPS://127.0.0.1:$PORT" sk --ca-bundle "$CA" list --format csv
listed
check $? "HTTPS:// in capitals works end to end" "rc=$rc $(cat "$errf")"
SCALEKIT_ENVIRONMENT_URL="  $TLS_URL/  " sk --ca-bundle "$CA" list --format csv
listed
check $? "surrounding spaces and a trailing / are trimmed" "rc=$rc $(cat "$errf")"
for bad in "/api|path" "/v1/|path" "/?x=1|query" "#frag|fragment"; do
    what=${bad#*|}
    SCALEKIT_ENVIRONMENT_URL="$TLS_URL${bad%|*}" sk --debug --ca-bundle "$CA" list
    [ "$rc" = 3 ] && grep -q "has a $what" "$errf" && grep -q 'remove' "$errf" && [ "$(tries)" = 0 ]
    check $? "an environment URL with a $what (${bad%|*}): exit 3, says what to remove, nothing sent" \
        "rc=$rc $(tail -n 1 "$errf")"
done

# user:password@ in the URL: it works, and the password is in no message, trace or journal.
PW=pa55w0rd-in-url
CRED_URL="https://someone:$PW@127.0.0.1:$PORT"
# csv_col NAME: that column of the first account of `skdash list --format csv`.
csv_col() {
    "$SKDASH_BIN" --ca-bundle "$CA" list --format csv 2>/dev/null |
        awk -F, -v want="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == want) c = i }
                              NR == 2 { print $c; exit }'
}
id=$(csv_col id)
SCALEKIT_ENVIRONMENT_URL=$CRED_URL sk --debug --ca-bundle "$CA" link --id "$id"
[ "$rc" = 0 ] && grep -q '^https://127.0.0.1:' "$out" && ! grep -q "$PW" "$out" "$errf" &&
    grep -q "http: -> .*https://127.0.0.1:$PORT/" "$errf"
check $? "user:password@ in the URL: link works over TLS, the trace shows no password" \
    "rc=$rc $(grep -c "$PW" "$errf") $(head -n 3 "$out")"
grep -q '^https://127.0.0.1:' "$out"
check $? "the magic link skemu issues over TLS is https" "$(head -n 1 "$out")"
"$SKDASH_BIN" journal --format json >"$tmp/journal.json" 2>&1
grep -Eq "\"environment\": *\"https://127.0.0.1:$PORT\"" "$tmp/journal.json" &&
    ! grep -q "$PW\|someone" "$tmp/journal.json" "$XDG_STATE_HOME"/skdash/* 2>/dev/null
check $? "the journal's environment field holds no user:password" "$(head -c 300 "$tmp/journal.json")"
SCALEKIT_ENVIRONMENT_URL="https://someone:$PW@127.0.0.1:9" sk --debug list
[ "$rc" = 1 ] && ! grep -q "$PW" "$errf" && grep -q '127.0.0.1:9' "$errf"
check $? "an error about a URL with user:password@ names the host, not the password" \
    "$(tail -n 1 "$errf")"
SCALEKIT_ENVIRONMENT_URL="http://someone:$PW@example.com/x?y" sk list
[ "$rc" = 3 ] && ! grep -q "$PW" "$errf"
check $? "a refused URL with user:password@: the message holds no password" "$(cat "$errf")"

# ---- http:// only on loopback; the refusal comes before any connection ----
if unshare -n true 2>/dev/null; then
    # A network namespace of its own: even a regression could not reach example.com.
    SCALEKIT_ENVIRONMENT_URL=http://example.com unshare -n "$SKDASH_BIN" --debug list \
        >"$out" 2>"$errf" </dev/null
    rc=$?
    [ "$rc" = 3 ] && grep -q 'unencrypted' "$errf" && [ "$(tries)" = 0 ]
    check $? "http:// to a non-loopback host: exit 3 before any request, saying why" \
        "rc=$rc $(cat "$errf")"
    if command -v strace >/dev/null 2>&1; then
        SCALEKIT_ENVIRONMENT_URL=HTTP://Example.COM:8080 unshare -n strace -f -qq -e trace=connect \
            -o "$tmp/strace" "$SKDASH_BIN" list >"$out" 2>"$errf" </dev/null
        rc=$?
        [ "$rc" = 3 ] && grep -q 'unencrypted' "$errf" && ! grep -q 'AF_INET' "$tmp/strace"
        check $? "... HTTP:// in capitals too, and no connect() is even tried (strace)" \
            "rc=$rc $(cat "$errf") $(grep -c AF_INET "$tmp/strace")"
    else
        skip "no connect() for a refused http:// URL" "strace is not installed"
    fi
    for u in http://127.0.0.1.example.com http://127.1 "http://[::2]"; do
        SCALEKIT_ENVIRONMENT_URL=$u unshare -n "$SKDASH_BIN" list >"$out" 2>"$errf" </dev/null
        rc=$?
        [ "$rc" = 3 ] && grep -q 'unencrypted' "$errf"
        check $? "http:// to $u (not loopback as written) is refused" "rc=$rc $(cat "$errf")"
    done
else
    skip "http:// to a non-loopback host is refused" "unshare -n is not available (not root?)"
fi
# Loopback may be plain http (skemu's default): the same listing, no refusal.
emu_start --generate 40 --connections 3 --seed 4 || notok "skemu (plain http) starts"
HPORT=${URL##*:}
for u in "http://localhost:$HPORT" "HTTP://127.0.0.1:$HPORT"; do
    SCALEKIT_ENVIRONMENT_URL=$u sk list --format csv
    listed
    check $? "http:// to loopback ($u) is allowed" "rc=$rc $(tail -n 1 "$errf")"
done
emu_stop

# ---- proxies ----
# free_port: $FREE, a port nothing listens on now (skemu picks one and is stopped again; not
# in a subshell, where emu_stop could not reap it).
free_port() {
    FREE=""
    EMU_LOG=/dev/null emu_start --generate 1 && FREE=${URL##*:}
    emu_stop
}
free_port
DEAD=$FREE
HTTPS_PROXY="http://pxuser:pxsecret@127.0.0.1:$DEAD" sk --ca-bundle "$CA" list
[ "$rc" = 1 ] && grep -q "proxy http://127.0.0.1:$DEAD (from HTTPS_PROXY)" "$errf" &&
    ! grep -q pxsecret "$errf"
check $? "a dead proxy is named as the proxy (without its password), exit 1" "$(cat "$errf")"
if command -v tinyproxy >/dev/null 2>&1; then
    free_port
    PP=$FREE
    cat >"$tmp/tinyproxy.conf" <<EOF
Port $PP
Listen 127.0.0.1
Timeout 30
LogFile "$tmp/tinyproxy.log"
LogLevel Connect
MaxClients 16
Allow 127.0.0.1
EOF
    tinyproxy -d -c "$tmp/tinyproxy.conf" >"$tmp/tinyproxy.out" 2>&1 &
    E2E_EMUS="$E2E_EMUS $!"
    n=0
    until grep -q 'CONNECT\|Reloading config file finished' "$tmp/tinyproxy.log" 2>/dev/null ||
        [ $n -ge 100 ]; do sleep 0.05; n=$((n + 1)); done
    HTTPS_PROXY="http://127.0.0.1:$PP" sk --debug --ca-bundle "$CA" list --format csv
    listed && grep -q "CONNECT 127.0.0.1:$PORT" "$tmp/tinyproxy.log" &&
        grep -q "through the proxy http://127.0.0.1:$PP (from HTTPS_PROXY)" "$errf"
    check $? "HTTPS_PROXY: the listing goes through the CONNECT proxy (its log), TLS end to end" \
        "rc=$rc $(tail -n 2 "$errf") $(tail -n 3 "$tmp/tinyproxy.log")"
    before=$(grep -c "CONNECT 127.0.0.1:$PORT" "$tmp/tinyproxy.log")
    HTTPS_PROXY="http://127.0.0.1:$PP" NO_PROXY="example.com,127.0.0.1" sk --debug \
        --ca-bundle "$CA" list --format csv
    listed && [ "$(grep -c "CONNECT 127.0.0.1:$PORT" "$tmp/tinyproxy.log")" = "$before" ] &&
        ! grep -q 'through the proxy' "$errf"
    check $? "NO_PROXY: the host it names goes direct (nothing new in the proxy's log)" \
        "rc=$rc $(tail -n 2 "$tmp/tinyproxy.log")"
    https_proxy="http://127.0.0.1:$PP" sk --ca-bundle "$CA" list --format csv
    listed && [ "$(grep -c "CONNECT 127.0.0.1:$PORT" "$tmp/tinyproxy.log")" -gt "$before" ]
    check $? "https_proxy (lower case) is honoured too" "rc=$rc"
    before=$(grep -c "CONNECT 127.0.0.1:$PORT" "$tmp/tinyproxy.log")
    HTTPS_PROXY="http://127.0.0.1:$PP" NO_PROXY='*' sk --ca-bundle "$CA" list --format csv
    listed && [ "$(grep -c "CONNECT 127.0.0.1:$PORT" "$tmp/tinyproxy.log")" = "$before" ]
    check $? "NO_PROXY=* : everything goes direct" "rc=$rc"

    # A proxy that allows CONNECT to port 443 only refuses this tunnel (403): named, final.
    free_port
    PP2=$FREE
    sed -e "s/^Port .*/Port $PP2/" -e "s|tinyproxy.log|tinyproxy2.log|" "$tmp/tinyproxy.conf" \
        >"$tmp/tinyproxy2.conf"
    echo "ConnectPort 443" >>"$tmp/tinyproxy2.conf"
    tinyproxy -d -c "$tmp/tinyproxy2.conf" >"$tmp/tinyproxy2.out" 2>&1 &
    E2E_EMUS="$E2E_EMUS $!"
    n=0
    until grep -q 'Reloading config file finished' "$tmp/tinyproxy2.log" 2>/dev/null ||
        [ $n -ge 100 ]; do sleep 0.05; n=$((n + 1)); done
    HTTPS_PROXY="http://127.0.0.1:$PP2" sk --debug --ca-bundle "$CA" list
    [ "$rc" = 1 ] && grep -q "proxy http://127.0.0.1:$PP2 (from HTTPS_PROXY) refused the tunnel (HTTP 403)" \
        "$errf" && [ "$(tries)" = 1 ]
    check $? "a proxy that refuses the tunnel (403): named with its answer, exit 1, no retry" \
        "rc=$rc tries=$(tries): $(tail -n 1 "$errf")"
else
    skip "HTTPS_PROXY through tinyproxy" "tinyproxy is not installed"
fi

# ---- the dashboard uses the same client: it lists over TLS with the CA ----
printf ':wait\n:dump overview\n:quit\n' >"$tmp/tls.keys"
mkdir -p "$tmp/dump"
SCALEKIT_ENVIRONMENT_URL=$CRED_URL SKDASH_CA_BUNDLE=$CA SKDASH_SCRIPT="$tmp/tls.keys" \
    SKDASH_SCRIPT_DUMP_DIR="$tmp/dump" timeout -k 2 20 "$SKDASH_BIN" >"$out" 2>"$errf" </dev/null
rc=$?
total=$("$SKDASH_BIN" --ca-bundle "$CA" list --format csv 2>/dev/null | sed 1d | wc -l)
[ "$rc" = 0 ] && [ "$total" -gt 0 ] && grep -q "total $total" "$tmp/dump/overview" &&
    grep -q "127.0.0.1:$PORT" "$tmp/dump/overview" && ! grep -q "$PW\|someone" "$tmp/dump/overview"
check $? "the dashboard lists over TLS with SKDASH_CA_BUNDLE; its header shows no user:password" \
    "rc=$rc total=$total $(head -n 3 "$tmp/dump/overview" 2>/dev/null) $(cat "$errf")"

[ "$fails" = 0 ]
