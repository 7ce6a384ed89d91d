#!/bin/sh
# deps.sh: install the Debian packages skdash builds and tests with, when they are missing.
# Quick when everything is there (a dpkg query per package); apt-get (through sudo when not
# root) otherwise. `deps.sh fuzz` adds what `make fuzz` needs (clang and libFuzzer's runtime).
set -eu
PKGS="pkg-config libncurses-dev libcurl4-openssl-dev zlib1g-dev libjson-c-dev libcmocka-dev libqrencode-dev
libmicrohttpd-dev tmux zbar-tools curl valgrind strace perl diffutils binutils openssl
tinyproxy-bin zsh fish bash-completion screen libvterm-dev"
[ "${1:-}" = fuzz ] && PKGS="clang libclang-rt-14-dev"
if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "deps: not a Debian system; install the equivalents of: $(echo $PKGS)" >&2
    exit 0
fi
missing=""
for p in $PKGS; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$st" in *" installed") ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing" >&2
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
