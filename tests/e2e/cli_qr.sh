#!/bin/sh
# cli_qr.sh: `skdash link --qr` end to end: the code printed (half blocks in a UTF-8 locale,
# "##" pairs in the C locale) is turned into an image and decoded by zbarimg; the result must
# equal the link printed on the first line, byte for byte. TAP-style lines.
set -u

. "$(dirname "$0")/../support/e2e_lib.sh"
TXT2PBM=$BUILD_DIR/tests/tools/txt2pbm

need_tools "cli qr codes decode to the link" zbarimg
need_built "cli qr" "$SKDASH_BIN" "$SKEMU_BIN" "$TXT2PBM"
e2e_setup cli-qr

emu_start --generate 60 --connections 3 --seed 5 || { notok "cli qr: skemu did not start"; exit 1; }
url=$URL
export SCALEKIT_ENVIRONMENT_URL="$url" SCALEKIT_CLIENT_ID=skc_demo
export SCALEKIT_CLIENT_SECRET=skemu-demo-secret XDG_CONFIG_HOME="$tmp"
unset NO_COLOR SKDASH_PROFILE

# An account with a plain identifier (csv columns: connector, identifier, ...).
"$SKDASH_BIN" list --format csv >"$tmp/list.csv" 2>"$tmp/list.err"
line=$(awk -F, 'NR > 1 && $2 ~ /^[A-Za-z0-9._+@-]+$/ { print $1 " " $2; exit }' "$tmp/list.csv")
conn=${line% *}
ident=${line#* }
if [ -z "$line" ]; then
    notok "cli qr: no account found to link"
    exit 1
fi

# $1: locale, $2: label, $3: txt2pbm flags
qr_round_trip() {
    out="$tmp/qr-$2.txt"
    LC_ALL=$1 "$SKDASH_BIN" link --qr "$conn" "$ident" >"$out" 2>"$tmp/qr-$2.err"
    check $? "link --qr ($2) exits 0"
    link=$(head -n 1 "$out")
    case "$link" in
        http*) ok "link --qr ($2) prints the link first" ;;
        *) notok "link --qr ($2) prints the link first (got '$link')" ;;
    esac
    if grep -q "$(printf '\033')" "$out"; then
        notok "link --qr ($2) piped has no escape sequence"
    else
        ok "link --qr ($2) piped has no escape sequence"
    fi
    # shellcheck disable=SC2086
    "$TXT2PBM" $3 <"$out" >"$tmp/qr-$2.pbm" 2>"$tmp/qr-$2.t2p"
    check $? "txt2pbm finds the code ($2)"
    decoded=$(zbarimg --raw -q "$tmp/qr-$2.pbm" 2>/dev/null)
    if [ -n "$link" ] && [ "$decoded" = "$link" ]; then
        ok "qr code ($2) decodes to exactly the link"
    else
        notok "qr code ($2) decodes to exactly the link (decoded '$decoded', link '$link')"
    fi
}

qr_round_trip C.UTF-8 half-blocks ""
if grep -q "$(printf '\342\226\210')" "$tmp/qr-half-blocks.txt"; then
    ok "a UTF-8 locale draws half blocks"
else
    notok "a UTF-8 locale draws half blocks"
fi

qr_round_trip C two-char --two-char
if grep -q '##' "$tmp/qr-two-char.txt" && ! LC_ALL=C grep -q "$(printf '[\200-\377]')" "$tmp/qr-two-char.txt"; then
    ok "the C locale draws ASCII '##' pairs"
else
    notok "the C locale draws ASCII '##' pairs"
fi

# By id, the same kind of link.
id=$(awk -F, -v c="$conn" -v i="$ident" 'NR == 1 { for (k = 1; k <= NF; k++) if ($k == "id") col = k }
     NR > 1 && $1 == c && $2 == i { print $col; exit }' "$tmp/list.csv")
LC_ALL=C.UTF-8 "$SKDASH_BIN" link --qr --id "$id" >"$tmp/qr-id.txt" 2>/dev/null
link=$(head -n 1 "$tmp/qr-id.txt")
decoded=$("$TXT2PBM" <"$tmp/qr-id.txt" 2>/dev/null | zbarimg --raw -q - 2>/dev/null)
if [ -n "$link" ] && [ "$decoded" = "$link" ]; then
    ok "qr code by --id decodes to exactly the link"
else
    notok "qr code by --id decodes to exactly the link (decoded '$decoded', link '$link')"
fi

# On a terminal (script(1) gives one): each row black on bright white, still decodable;
# NO_COLOR turns the colour off.
if command -v script >/dev/null 2>&1; then
    LC_ALL=C.UTF-8 script -qec "'$SKDASH_BIN' link --qr --id '$id'" /dev/null >"$tmp/qr-tty.txt" 2>&1
    link=$(head -n 1 "$tmp/qr-tty.txt" | tr -d '\r')
    if grep -q "$(printf '\033')\[30;107m" "$tmp/qr-tty.txt"; then
        ok "on a terminal the code is drawn black on white"
    else
        notok "on a terminal the code is drawn black on white"
    fi
    decoded=$("$TXT2PBM" <"$tmp/qr-tty.txt" 2>/dev/null | zbarimg --raw -q - 2>/dev/null)
    if [ -n "$link" ] && [ "$decoded" = "$link" ]; then
        ok "the coloured code decodes to exactly the link"
    else
        notok "the coloured code decodes to exactly the link (decoded '$decoded', link '$link')"
    fi
    NO_COLOR=1 LC_ALL=C.UTF-8 script -qec "'$SKDASH_BIN' link --qr --id '$id'" /dev/null >"$tmp/qr-nc.txt" 2>&1
    if grep -q "$(printf '\033')" "$tmp/qr-nc.txt"; then
        notok "NO_COLOR on a terminal: no escape sequence"
    else
        ok "NO_COLOR on a terminal: no escape sequence"
    fi
else
    echo "ok - qr code on a terminal # SKIP script(1) is not installed"
fi
