#!/bin/sh
# screenshots.sh: the dashboard in a real terminal (xterm under Xvfb) against skemu, driven by
# keys sent through tmux inside the xterm; saves screenshots/*.png for the README.
# Usage: scripts/screenshots.sh [SKDASH] [SKEMU]   (make screenshots passes both)
set -eu
skdash=$(realpath "${1:-build/skdash}")
skemu=$(realpath "${2:-build/skemu}")
out=${SCREENSHOTS_DIR:-screenshots}
mkdir -p "$out"
out=$(realpath "$out")

need=""
for t in Xvfb:xvfb xterm:xterm xwd:x11-apps convert:imagemagick tmux:tmux; do
    command -v "${t%%:*}" >/dev/null 2>&1 || need="$need ${t#*:}"
done
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] || need="$need fonts-dejavu"
if [ -n "$need" ]; then
    echo "screenshots: installing$need" >&2
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq >&2
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need >&2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/skdash-shots.XXXXXX")
sock="skdash-shots-$$"
disp=":$(( 90 + $$ % 100 ))"
emu=""; xvfb=""; term=""
cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null || true
    for p in $term $xvfb $emu; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM HUP

mkfifo "$tmp/url"
"$skemu" --port 0 --generate 160 --connections 6 --seed 3 >"$tmp/url" 2>"$tmp/skemu.log" &
emu=$!
read -r url <"$tmp/url"

Xvfb "$disp" -screen 0 1320x780x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
xvfb=$!
sleep 1

# The dashboard's environment, inherited by the tmux server the xterm starts.
cat >"$tmp/env" <<EOF
export SCALEKIT_ENVIRONMENT_URL='$url' SCALEKIT_CLIENT_ID=skc_demo
export SCALEKIT_CLIENT_SECRET=skemu-demo-secret
export XDG_CONFIG_HOME='$tmp/config' LANG=C.UTF-8 LC_ALL=C.UTF-8
EOF
cat >"$tmp/tmux.conf" <<'EOF'
set -g status off
set -g default-terminal "tmux-256color"
set -g escape-time 10
EOF
cat >"$tmp/run" <<EOF
. '$tmp/env'
exec tmux -L '$sock' -f '$tmp/tmux.conf' new-session -s main '$skdash; sleep 600'
EOF
# A dark terminal, as most people's are; xterm fills the virtual screen.
DISPLAY=$disp xterm -maximized -fa 'DejaVu Sans Mono' -fs 11 -bg '#1d1f21' -fg '#d8d8d8' \
    -xrm 'XTerm*color4: #5f87d7' -xrm 'XTerm*color12: #87afff' -xrm 'XTerm*color2: #5faf5f' \
    -xrm 'XTerm*color5: #d75fd7' -xrm 'XTerm*color1: #e05050' -xrm 'XTerm*borderWidth: 0' \
    -e sh "$tmp/run" >"$tmp/xterm.log" 2>&1 &
term=$!

wait_for() {
    n=$(( ${2:-15} * 10 ))
    while [ "$n" -gt 0 ]; do
        tmux -L "$sock" capture-pane -p -t main 2>/dev/null | grep -Eq -- "$1" && return 0
        sleep 0.1; n=$((n - 1))
    done
    echo "screenshots: timed out waiting for '$1'" >&2
    return 1
}
keys() { tmux -L "$sock" send-keys -t main "$@"; }
type_text() { keys -l "$1"; }
shot() {
    sleep 0.4
    DISPLAY=$disp xwd -root -silent | convert xwd:- "$out/$1"
    echo "screenshots: $out/$1" >&2
}

wait_for 'refreshed [0-9]' 20
keys j j j
shot overview.png

keys /
type_text "state:expired"
keys Enter
wait_for 'filter: state:expired'
shot filtered.png

keys Escape g j j Enter
wait_for 'Scopes'
shot detail.png

keys Escape Escape g j Space Space Space d
wait_for 'Delete 3 connected accounts'
keys 3
shot delete-dialog.png
keys Escape
wait_for 'nothing deleted'

keys Escape /
type_text "state:pending"
keys Enter g l
wait_for 'Expires in [0-9]'
shot link-qr.png
keys Escape q
