#!/bin/sh
# tui_link.sh: the link view in a real terminal (tmux) against skemu: the QR code read back off
# the screen and decoded by zbarimg equals the link shown; opening the link as a phone would
# turns the account ACTIVE on screen with no key pressed; p prints the link after quitting.
# TAP lines "ok - ..." / "not ok - ..."; skipped when tmux (or zbarimg, for the QR) is missing.
set -u

. "$(dirname "$0")/../support/e2e_lib.sh"
need_tools "tui link view" tmux
e2e_setup link

emu_start --generate 120 --connections 5 --seed 3 || { notok "skemu starts"; exit 1; }
emu_env
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color
unset NO_COLOR TMUX

start() {
    tmux_new "${W:-100}" "${H:-30}" "$SKDASH_BIN $*; echo skdash-exited-\$?; sleep 600"
    wait_for 'refreshed [0-9]' 15
}

# The QR block: the rectangle of lines holding block characters (TOP,LEFT,H,W). link_text and
# link_settled (the link as shown) are in e2e_lib.sh.
qr_rect() {
    perl -CSD -ne '
        chomp; $n++;
        if (/[\x{2588}\x{2580}\x{2584}]/) {
            $top //= $n - 1; $bot = $n - 1;
            my $l = length($`); my $r = 0;
            while (/[\x{2588}\x{2580}\x{2584}]/g) { $r = pos($_) }
            # Text to the right of the code starts after a gap: keep only the code part.
            my $code = substr($_, 0, $r); $code =~ s/\s{2,}[^\x{2588}\x{2580}\x{2584}\s].*$//;
            $r = length($code) if $code =~ /[\x{2588}\x{2580}\x{2584}]\s*$/ && length($code) < $r;
            $left = $l if !defined $left || $l < $left; $right = $r if !defined $right || $r > $right;
        }
        END { printf "%d,%d,%d,%d", $top, $left, $bot - $top + 1, $right - $left if defined $top }' "$1"
}

# ---- the link view on a PENDING account
start
pending0=$(sed -n 's/^ *PENDING \([0-9]*\) .*$/\1/p' "$tmp/screen" | head -n 1)
keys /
for ch in s t a t e : p e n d i n g; do keys "$ch"; done
keys Enter g l
wait_for 'Expires in [0-9]' 10
check $? "l opens the link view with a live expiry"
link=$(link_settled)
cp "$tmp/screen" "$tmp/link-screen"
case "$link" in "$URL"/*) r=0 ;; *) r=1 ;; esac
check $r "the link is shown as text" "link=$link"

if command -v zbarimg >/dev/null 2>&1 && [ -x "$BUILD_DIR/tests/tools/txt2pbm" ]; then
    rect=$(qr_rect "$tmp/link-screen")
    decoded=$("$BUILD_DIR/tests/tools/txt2pbm" --rect "$rect" <"$tmp/link-screen" 2>/dev/null |
              zbarimg --raw -q - 2>/dev/null | tr -d '\r\n')
    [ -n "$link" ] && [ "$decoded" = "$link" ]
    check $? "the QR code on screen decodes (zbarimg) to exactly the link shown" \
        "rect=$rect decoded=$decoded"
else
    echo "ok - the QR code on screen decodes to the link # SKIP zbarimg or txt2pbm missing"
fi

# ---- a phone opens the link: the state turns ACTIVE with no key pressed
grep -q 'State: PENDING' "$tmp/link-screen"
check $? "the watched state starts PENDING"
code=$(curl -s -o /dev/null -w '%{http_code}' "$link")
[ "$code" = 200 ]
check $? "the link opens (as a phone would)" "HTTP $code"
wait_for 'State: ACTIVE' 15
check $? "the state turns ACTIVE on screen with no key pressed"
keys Escape
wait_for 'Accounts · All accounts'
pending1=$(sed -n 's/^ *PENDING \([0-9]*\) .*$/\1/p' "$tmp/screen" | head -n 1)
[ -n "$pending0" ] && [ "$pending1" = $((pending0 - 1)) ]
check $? "back in the list, the account counts as ACTIVE (one PENDING less), no refresh" \
    "PENDING $pending0 -> $pending1"

# ---- a smaller window: the code still fits at 80x24 or a notice asks for more room
tmux -L "$sock" resize-window -t main -x 80 -y 24
keys l
wait_for 'Expires in [0-9]' 10
# A capture can catch the pane halfway through its redraw after the resize: read it again
# (a few times, a fifth of a second apart) before calling the code unreadable.
tries=0
while :; do
    if grep -q 'does not fit' "$tmp/screen"; then r=0; else
        rect=$(qr_rect "$tmp/screen")
        decoded=$("$BUILD_DIR/tests/tools/txt2pbm" --rect "$rect" <"$tmp/screen" 2>/dev/null |
                  zbarimg --raw -q - 2>/dev/null | tr -d '\r\n')
        link=$(link_text "$tmp/screen")
        [ -n "$link" ] && [ "$decoded" = "$link" ]; r=$?
    fi
    tries=$((tries + 1))
    [ "$r" = 0 ] || [ "$tries" -ge 10 ] && break
    sleep 0.2
    cap >"$tmp/screen"
done
check $r "at 80x24 the code is refitted (and still decodes) or a notice says it does not fit"
tmux -L "$sock" resize-window -t main -x 60 -y 14
tmux -L "$sock" resize-window -t main -x 100 -y 12
wait_for 'at least 80x24' 10
check $? "below 80x24 the link view gives way to the size notice"
tmux -L "$sock" resize-window -t main -x 100 -y 30
wait_for 'Expires in' 5

# ---- r issues a fresh link
old=$(link_settled)
keys r
n=50
new=$old
while [ "$n" -gt 0 ] && [ "$new" = "$old" ]; do
    sleep 0.1; cap >"$tmp/screen"; new=$(link_text "$tmp/screen"); n=$((n - 1))
done
[ -n "$new" ] && [ "$new" != "$old" ]
check $? "r in the link view issues a fresh link"

# ---- p quits and prints the link and its QR code to the shell (kept in scrollback)
keys p
wait_for 'skdash-exited-0' 10
r=$?
cap -S -100 >"$tmp/out"
grep -qx "$new" "$tmp/out" || r=1
check $r "p quits and prints the current link"
if command -v zbarimg >/dev/null 2>&1 && [ -x "$BUILD_DIR/tests/tools/txt2pbm" ]; then
    decoded=$("$BUILD_DIR/tests/tools/txt2pbm" <"$tmp/out" 2>/dev/null | zbarimg --raw -q - 2>/dev/null |
              tr -d '\r\n')
    [ "$decoded" = "$new" ]
    check $? "the printed QR code decodes to the link" "decoded=$decoded"
fi

# ---- a link too long for a code at 80x24: the notice says so and the link stays whole as text
emu_stop
EMU_LOG="$tmp/skemu-long.log" emu_start --generate 20 --connections 2 --seed 3 --link-pad 300 ||
    { notok "skemu --link-pad starts"; exit 1; }
export SCALEKIT_ENVIRONMENT_URL="$URL"
# No start-up cache: this skemu may get the port the first one had, and the first one's rows
# (other ids) would be on screen, cached, when g l is pressed.
W=80 H=24 start --no-cache
keys g l
wait_for 'Expires in [0-9]' 20
r=$?
[ "$r" = 0 ] || sed 's/^/# screen: /' "$tmp/screen"   # what was there instead, in the log
grep -q 'The QR code does not fit' "$tmp/screen" || r=1
grep -q '[█▀▄]' "$tmp/screen" && r=1
check $r "80x24 with a 360-character link: no code, a notice says it does not fit" \
    "$(grep -m1 'fit' "$tmp/screen")"
long=$(link_text "$tmp/screen")
case "$long" in "$URL"/magic/*xxxxxxxxxx) r=0 ;; *) r=1 ;; esac
[ "${#long}" -gt 300 ] || r=1
check $r "the long link is still shown whole as text (${#long} characters)"
code=$(curl -s -o /dev/null -w '%{http_code}' "$long")
[ "$code" = 200 ]
check $? "the long link as shown opens" "HTTP $code"
keys Escape q
exit 0
