#!/bin/sh
# screenshots.sh: the dashboard in a real terminal (xterm under Xvfb) against skemu, driven by
# keys sent through tmux inside the xterm; saves screenshots/*.png for the README, and
# screenshots/support-flow.gif: the support flow (find a user, open the link view with its QR
# code, the user opens the link, the row turns ACTIVE) recorded frame by frame (xwd) from a
# 120x30 xterm and put together by ImageMagick as a looping GIF of few colours.
# Usage: scripts/screenshots.sh [SKDASH] [SKEMU]   (make screenshots passes both)
set -eu
skdash=$(realpath "${1:-build/skdash}")
skemu=$(realpath "${2:-build/skemu}")
out=${SCREENSHOTS_DIR:-screenshots}
mkdir -p "$out"
out=$(realpath "$out")

need=""
for t in Xvfb:xvfb xterm:xterm xwd:x11-apps tmux:tmux curl:curl perl:perl; do
    command -v "${t%%:*}" >/dev/null 2>&1 || need="$need ${t#*:}"
done
# ImageMagick itself (a convert that is only a stand-in does not say "Version: ImageMagick").
convert -version 2>/dev/null | grep -q 'Version: ImageMagick' || need="$need imagemagick"
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
export XDG_CONFIG_HOME='$tmp/config' XDG_STATE_HOME='$tmp/state' XDG_CACHE_HOME='$tmp/cache'
export LANG=C.UTF-8 LC_ALL=C.UTF-8
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
wait_for 'filter: state EXPIRED'
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

# ---- the support flow, as an animated GIF: a 120x30 terminal of its own, one frame per step
# (and per key typed), each with how long it stays and a caption naming what happens.
tmux -L "$sock" kill-server 2>/dev/null || true
kill "$term" 2>/dev/null || true
wait "$term" 2>/dev/null || true
term=""

# The user to find: a PENDING account whose identifier no other account contains, so that
# typing it leaves that one row.
who=$( (. "$tmp/env"; "$skdash" list --format csv) | awk -F, '
    NR == 1 { for (k = 1; k <= NF; k++) { if ($k == "identifier") ic = k; if ($k == "state") sc = k }; next }
    { id[NR] = $ic; st[NR] = $sc }
    END {
        for (i in id) {
            if (st[i] != "PENDING" || id[i] !~ /^[a-z0-9._@-]+$/ || length(id[i]) > 26) continue
            n = 0
            for (j in id) if (index(id[j], id[i])) n++
            if (n == 1 && (best == "" || id[i] < best)) best = id[i]
        }
        print best
    }')
[ -n "$who" ] || { echo "screenshots: no PENDING account to find" >&2; exit 1; }

DISPLAY=$disp xterm -geometry 120x30+0+0 -T skdash-demo -fa 'DejaVu Sans Mono' -fs 11 \
    -bg '#1d1f21' -fg '#d8d8d8' \
    -xrm 'XTerm*color4: #5f87d7' -xrm 'XTerm*color12: #87afff' -xrm 'XTerm*color2: #5faf5f' \
    -xrm 'XTerm*color5: #d75fd7' -xrm 'XTerm*color1: #e05050' -xrm 'XTerm*borderWidth: 0' \
    -e sh "$tmp/run" >"$tmp/xterm2.log" 2>&1 &
term=$!
frames="$tmp/frames"
mkdir "$frames"
nf=0
# frame DELAY CAPTION: the terminal as it is now, shown DELAY hundredths of a second.
frame() {
    sleep 0.25
    nf=$((nf + 1))
    f=$(printf '%s/%03d' "$frames" "$nf")
    DISPLAY=$disp xwd -name skdash-demo -silent | convert xwd:- "$f.png"
    printf '%s\n' "$1" >"$f.delay"
    printf '%s\n' "$2" >"$f.caption"
}
# link_text: the link as the link view shows it (wrapped by columns: joined back).
link_text() {
    tmux -L "$sock" capture-pane -p -t main | perl -CSD -ne '
        chomp;
        if (defined $col) { my $p = length($_) > $col ? substr($_, $col) : ""; $p =~ s/\s+$//;
                            if ($p eq "" || $p =~ /\s/) { $col = undef; next } $link .= $p; next }
        if (/^(.*?)Link:/) { $col = length($1) }
        END { print $link // "" }'
}

wait_for 'refreshed [0-9]' 20
frame 160 "every connection, every account: a user needs a fresh link"
keys /
wait_for '/'
frame 60 "/ filters: type the user's name"
typed=""
rest=$who
while [ -n "$rest" ]; do
    c=$(printf '%s' "$rest" | cut -c1)
    rest=$(printf '%s' "$rest" | cut -c2-)
    typed="$typed$c"
    type_text "$c"
    n=0
    until tmux -L "$sock" capture-pane -p -t main | grep -qF -- "$typed" || [ "$n" -ge 50 ]; do
        sleep 0.1; n=$((n + 1))
    done
    # Every other key a frame of its own (the last one always).
    if [ -z "$rest" ] || [ $(( ${#typed} % 2 )) = 0 ]; then frame 14 "/ filters: type the user's name"; fi
done
keys Enter
sleep 0.3
frame 170 "Enter: the user's row, PENDING"
keys l
wait_for 'Expires in [0-9]'
frame 300 "l: a fresh link, its expiry, and a QR code to scan"
link=$(link_text)
case "$link" in http*) ;; *) echo "screenshots: no link on the link view" >&2; exit 1 ;; esac
# The user opens the link (on their phone, say) and consents: skemu turns the account ACTIVE.
curl -s -o /dev/null "$link"
wait_for 'State: ACTIVE'
frame 260 "the user opens the link: ACTIVE, with no key pressed"
keys Escape
sleep 0.4
frame 300 "back in the list, the row is ACTIVE"

# A caption bar under each frame; one palette of 32 colours for all of them, no dithering
# (flat terminal colours compress well); only what changes is stored from frame to frame.
font=/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf
set -- -loop 0
for f in "$frames"/*.png; do
    b=${f%.png}
    convert "$f" -background '#303236' -gravity south -splice 0x28 -font "$font" \
        -pointsize 15 -fill '#ffd75f' -annotate +0+5 "$(cat "$b.caption")" "$b.cap.png"
    set -- "$@" -delay "$(cat "$b.delay")" "$b.cap.png"
done
convert "$frames"/*.cap.png -append +dither -colors 32 -unique-colors "$tmp/palette.png"
convert "$@" +dither -remap "$tmp/palette.png" -layers Optimize "$out/support-flow.gif"
echo "screenshots: $out/support-flow.gif ($nf frames, $(wc -c <"$out/support-flow.gif") bytes)" >&2
keys q
