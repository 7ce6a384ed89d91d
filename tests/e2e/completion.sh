#!/bin/sh
# completion.sh: the scripts of `skdash completion bash|zsh|fish` load and complete in each
# shell (commands, flags, states, formats, profiles, and connection names from the cache the
# dashboard wrote after a real listing against skemu), and `make install DESTDIR=... PREFIX=/usr`
# puts every file where it belongs (uninstall takes them away). A shell that is not installed
# is skipped. TAP lines "ok - ..." / "not ok - ...".
set -u
. "$(dirname "$0")/../support/e2e_lib.sh"
need_built "completion" "$SKDASH_BIN" "$SKEMU_BIN"
e2e_setup completion
SRC=$(cd "$(dirname "$0")/../.." && pwd)

emu_start --generate 40 --connections 4 --seed 5 --quiet || { notok "skemu starts"; exit 1; }
emu_env
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color
unset NO_COLOR TMUX SKDASH_NO_CACHE SKDASH_PROFILE
mkdir -p "$tmp/config/skdash"
printf '[default]\nread_only = true\n[staging]\n[prod-eu]\nread_only = true\n' \
    >"$tmp/config/skdash/config"

for sh in bash zsh fish; do
    "$SKDASH_BIN" completion "$sh" >"$tmp/comp.$sh" 2>"$tmp/err"
    [ $? = 0 ] && [ -s "$tmp/comp.$sh" ] && [ ! -s "$tmp/err" ]
    check $? "skdash completion $sh prints a script" "$(cat "$tmp/err")"
done
"$SKDASH_BIN" completion ksh >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "no shell 'ksh'" "$tmp/err"
check $? "skdash completion ksh: a usage error (exit 2)" "$(cat "$tmp/err")"

# ---- the connections of the last listing: the dashboard lists against skemu and caches it
"$SKDASH_BIN" connections --format csv >"$tmp/conns.csv" 2>"$tmp/err"
sed 1d "$tmp/conns.csv" | cut -d, -f1 | sort >"$tmp/conns.want"
[ -s "$tmp/conns.want" ]
check $? "skdash connections names the server's connections" "$(cat "$tmp/err")"
"$SKDASH_BIN" __complete connections | sort >"$tmp/names"
[ ! -s "$tmp/names" ]
check $? "__complete connections: nothing before any listing was cached"
have_cache=0
if command -v tmux >/dev/null 2>&1; then
    tmux_new 100 30 "$SKDASH_BIN; echo skdash-exited-\$?; sleep 600"
    wait_for 'refreshed [0-9]' 30
    check $? "the dashboard lists against skemu"
    keys q
    wait_for 'skdash-exited-0' 10
    check $? "the dashboard quits (its listing cached)"
    "$SKDASH_BIN" __complete connections | sort >"$tmp/names"
    cmp -s "$tmp/names" "$tmp/conns.want"
    check $? "__complete connections: the names of the cached listing" \
        "got $(tr '\n' ' ' <"$tmp/names"), want $(tr '\n' ' ' <"$tmp/conns.want")"
    have_cache=1
    # A secret command is never run at Tab time.
    printf '[cmd]\nclient_secret_command = touch %s/ran\n' "$tmp" >>"$tmp/config/skdash/config"
    env -u SCALEKIT_CLIENT_SECRET "$SKDASH_BIN" --profile cmd __complete connections >/dev/null
    [ ! -e "$tmp/ran" ]
    check $? "__complete connections never runs client_secret_command"
else
    skip "completion of connection names from the cache" "tmux is not installed"
fi
first_conn=$(head -n 1 "$tmp/conns.want")
"$SKDASH_BIN" __complete profiles >"$tmp/profiles"
[ "$(head -n 3 "$tmp/profiles" | tr '\n' ' ')" = "default staging prod-eu " ]
check $? "__complete profiles: the config file's sections" "$(tr '\n' ' ' <"$tmp/profiles")"

# ---- bash: the function bash-completion would call, with COMP_WORDS/COMP_CWORD as bash sets
if command -v bash >/dev/null 2>&1; then
    cat >"$tmp/t.bash" <<'EOS'
source "$1" || exit 9
complete -p skdash || exit 8
t() { COMP_WORDS=("$SKDASH_BIN" "$@"); COMP_CWORD=$#; COMPREPLY=(); _skdash
      echo "${COMPREPLY[*]}"; }
t lis
t list -s ""
t list --format ""
t list -c ""
t --profile ""
t list --sta
t show ""
t completion ""
EOS
    bash "$tmp/t.bash" "$tmp/comp.bash" >"$tmp/bash.out" 2>"$tmp/bash.err"
    rc=$?
    check $rc "bash: the script loads (complete -p skdash)" "rc=$rc $(head -3 "$tmp/bash.err")"
    line() { sed -n "$1p" "$tmp/bash.out"; }
    [ "$(line 1)" = "complete -F _skdash skdash" ]
    check $? "bash: complete -p skdash names the function" "$(line 1)"
    [ "$(line 2)" = "list" ]
    check $? "bash: skdash lis<TAB> gives list" "$(line 2)"
    [ "$(line 3)" = "pending active expired revoked error" ]
    check $? "bash: skdash list -s <TAB> gives the states" "$(line 3)"
    [ "$(line 4)" = "table json csv" ]
    check $? "bash: skdash list --format <TAB> gives the formats" "$(line 4)"
    if [ "$have_cache" = 1 ]; then
        [ "$(line 5 | tr ' ' '\n' | sort | tr '\n' ' ')" = "$(tr '\n' ' ' <"$tmp/conns.want")" ]
        check $? "bash: skdash list -c <TAB> gives the cached connection names" "$(line 5)"
        line 8 | tr ' ' '\n' | grep -qx "$first_conn"
        check $? "bash: skdash show <TAB> offers connection names" "$(line 8)"
    fi
    [ "$(line 6 | cut -d' ' -f1-3)" = "default staging prod-eu" ]
    check $? "bash: skdash --profile <TAB> gives the profiles" "$(line 6)"
    [ "$(line 7)" = "--state" ]
    check $? "bash: skdash list --sta<TAB> gives --state" "$(line 7)"
    [ "$(line 9)" = "bash zsh fish" ]
    check $? "bash: skdash completion <TAB> gives the shells" "$(line 9)"
else
    skip "bash completion" "bash is not installed"
fi

# ---- zsh: loads under compinit and registers _skdash; completes with compadd stood in for
if command -v zsh >/dev/null 2>&1; then
    mkdir -p "$tmp/zfunc"
    cp "$tmp/comp.zsh" "$tmp/zfunc/_skdash"
    zsh -f -c 'fpath=("$1" $fpath); autoload -U compinit; compinit -u -d "$2/zcompdump"
               print -r -- "${_comps[skdash]}"' zsh "$tmp/zfunc" "$tmp" >"$tmp/zsh.out" 2>&1
    [ "$(cat "$tmp/zsh.out")" = "_skdash" ]
    check $? "zsh: compinit finds _skdash for skdash in \$fpath" "$(cat "$tmp/zsh.out")"
    # compadd stood in by a function that prints what matches the word being completed.
    PATH="$(dirname "$SKDASH_BIN"):$PATH" \
    zsh -f -c 'autoload -U compinit; compinit -u -d "$2/zcompdump2"; source "$1"
        compadd() { local -a w; [[ $1 == -a ]] && w=(${(P)2}) || { [[ $1 == -- ]] && shift; w=("$@") }
                    print -r -- ${(M)w:#${words[CURRENT]}*} }
        _files() { : }
        words=(skdash lis); CURRENT=2; _skdash
        words=(skdash list -s ""); CURRENT=4; _skdash
        words=(skdash list -c ""); CURRENT=4; _skdash' zsh "$tmp/comp.zsh" "$tmp" \
        >"$tmp/zsh.out" 2>&1
    [ "$(sed -n 1p "$tmp/zsh.out")" = "list" ] &&
        [ "$(sed -n 2p "$tmp/zsh.out")" = "pending active expired revoked error" ]
    check $? "zsh: skdash lis<TAB> gives list, list -s <TAB> the states" "$(cat "$tmp/zsh.out")"
    if [ "$have_cache" = 1 ]; then
        [ "$(sed -n 3p "$tmp/zsh.out" | tr ' ' '\n' | sort | tr '\n' ' ')" = \
          "$(tr '\n' ' ' <"$tmp/conns.want")" ]
        check $? "zsh: skdash list -c <TAB> gives the cached connection names" \
            "$(sed -n 3p "$tmp/zsh.out")"
    fi
else
    skip "zsh completion" "zsh is not installed"
fi

# ---- fish: complete -C completes as fish would on Tab
if command -v fish >/dev/null 2>&1; then
    PATH="$(dirname "$SKDASH_BIN"):$PATH" fish --no-config -c "source $tmp/comp.fish
        complete -C 'skdash lis'; echo ---; complete -C 'skdash list -s '; echo ---
        complete -C 'skdash list -c '" >"$tmp/fish.out" 2>"$tmp/fish.err"
    check $? "fish: the script loads" "$(head -3 "$tmp/fish.err")"
    sec() { awk -v n="$1" '/^---$/ { k++; next } k == n { print $1 }' "$tmp/fish.out"; }
    [ "$(sec 0)" = "list" ]
    check $? "fish: skdash lis<TAB> gives list" "$(sec 0 | tr '\n' ' ')"
    [ "$(sec 1 | sort | tr '\n' ' ')" = "active error expired pending revoked " ]
    check $? "fish: skdash list -s <TAB> gives the states" "$(sec 1 | tr '\n' ' ')"
    if [ "$have_cache" = 1 ]; then
        [ "$(sec 2 | sort | tr '\n' ' ')" = "$(tr '\n' ' ' <"$tmp/conns.want")" ]
        check $? "fish: skdash list -c <TAB> gives the cached connection names" \
            "$(sec 2 | tr '\n' ' ')"
    fi
else
    skip "fish completion" "fish is not installed"
fi

# ---- make install DESTDIR=... PREFIX=/usr; make uninstall
if command -v make >/dev/null 2>&1; then
    dest="$tmp/dest"
    make -s -C "$SRC" BUILD="${BUILD_DIR:-$SRC/build}" install DESTDIR="$dest" PREFIX=/usr \
        >"$tmp/make.out" 2>&1
    check $? "make install DESTDIR=... PREFIX=/usr" "$(tail -3 "$tmp/make.out")"
    for f in bin/skdash bin/skemu share/man/man1/skdash.1 share/man/man1/skemu.1 \
             share/bash-completion/completions/skdash share/zsh/site-functions/_skdash \
             share/fish/vendor_completions.d/skdash.fish; do
        [ -f "$dest/usr/$f" ]
        check $? "make install puts /usr/$f"
    done
    cmp -s "$dest/usr/share/bash-completion/completions/skdash" "$tmp/comp.bash" &&
        cmp -s "$dest/usr/share/zsh/site-functions/_skdash" "$tmp/comp.zsh" &&
        cmp -s "$dest/usr/share/fish/vendor_completions.d/skdash.fish" "$tmp/comp.fish"
    check $? "the installed scripts are what skdash completion prints"
    make -s -C "$SRC" BUILD="${BUILD_DIR:-$SRC/build}" uninstall DESTDIR="$dest" PREFIX=/usr \
        >"$tmp/make.out" 2>&1
    left=$(find "$dest" -type f | sed "s|^$dest||")
    [ -z "$left" ]
    check $? "make uninstall removes every file installed" "$left"
else
    skip "make install layout" "make is not installed"
fi

[ "$fails" = 0 ]
