#!/bin/sh
# cli_man.sh: man/skdash.1 agrees with the command table: every command of `skdash help
# --commands` has its section under COMMANDS and its line in SYNOPSIS, the man page has no
# command the table lacks, and every flag of `skdash help --flags` (long, short, choices) is
# documented in its command's section or under GLOBAL FLAGS, which name no unknown flag.
# TAP-style lines.
set -u

. "$(dirname "$0")/../support/e2e_lib.sh"
MAN=$(dirname "$0")/../../man/skdash.1

need_built "cli man page" "$SKDASH_BIN"
e2e_setup cli-man

"$SKDASH_BIN" help --commands >"$tmp/commands" 2>"$tmp/err"
check $? "skdash help --commands exits 0" "$(cat "$tmp/err")"
"$SKDASH_BIN" help --flags >"$tmp/flags" 2>"$tmp/err"
check $? "skdash help --flags exits 0" "$(cat "$tmp/err")"
if [ ! -s "$tmp/commands" ] || [ ! -s "$tmp/flags" ] || [ ! -r "$MAN" ]; then
    notok "cli man: the table's lines and $MAN are there"
    exit 1
fi

# section NAME: the text of ".SH NAME" up to the next .SH, roff dashes and fonts made plain.
section() {
    awk -v want="$1" '
        /^\.SH / { on = ($0 == ".SH " want); next }
        on { print }' "$MAN" | plain
}
plain() { sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\c$//'; }
# subsection NAME: the lines of ".SS NAME ..." under COMMANDS, its title line included.
subsection() {
    section COMMANDS | awk -v want="$1" '
        /^\.SS / { split($0, w, " "); on = (w[2] == want) }
        on { print }'
}
section SYNOPSIS >"$tmp/synopsis"
section "GLOBAL FLAGS" >"$tmp/global"
section COMMANDS | awk '/^\.SS / { print $2 }' >"$tmp/man-commands"

# Every command of the table: a section and a SYNOPSIS line.
cut -f1 "$tmp/commands" >"$tmp/table-commands"
while read -r cmd; do
    if grep -qx "$cmd" "$tmp/man-commands"; then
        ok "man: COMMANDS has a section for $cmd"
    else
        notok "man: COMMANDS has a section for $cmd" "no '.SS $cmd' in $MAN"
    fi
    if grep -Eq "^\.B (skdash )?$cmd\$" "$tmp/synopsis"; then
        ok "man: SYNOPSIS shows $cmd"
    else
        notok "man: SYNOPSIS shows $cmd"
    fi
done <"$tmp/table-commands"

# No section for a command the table lacks.
while read -r cmd; do
    if grep -qx "$cmd" "$tmp/table-commands"; then
        ok "man: section $cmd is a command of the table"
    else
        notok "man: section $cmd is a command of the table" "skdash help --commands has no $cmd"
    fi
done <"$tmp/man-commands"

# has FILE FLAG: FLAG ("--dry-run", "-y", a choice) stands as a word of FILE.
has() {
    grep -Eq -- "(^|[^-A-Za-z0-9_])$2([^-A-Za-z0-9_]|\$)" "$1"
}

# Every flag, where its command is documented.
tab=$(printf '\t')
while IFS="$tab" read -r scope long short value choices repeat; do
    : "$value" "$repeat"
    if [ "$scope" = global ]; then
        where="$tmp/global"
    else
        where="$tmp/sub-$scope"
        [ -f "$where" ] || subsection "$scope" >"$where"
    fi
    if has "$where" "$long"; then
        ok "man: $scope documents $long"
    else
        notok "man: $scope documents $long"
    fi
    if [ "$short" != - ]; then
        if has "$where" "$short"; then
            ok "man: $scope documents $short ($long)"
        else
            notok "man: $scope documents $short ($long)"
        fi
    fi
    if [ "$choices" != - ]; then
        missing=""
        for c in $(echo "$choices" | tr ',' ' '); do
            has "$where" "$c" || missing="$missing $c"
        done
        check "$([ -z "$missing" ]; echo $?)" "man: $scope $long names its values $choices" \
            "missing:$missing"
    fi
done <"$tmp/flags"

# The flags the man page names under a command, or under GLOBAL FLAGS, are the table's.
known() { grep -q "^$1$tab$2$tab" "$tmp/flags" || grep -q "^global$tab$2$tab" "$tmp/flags"; }
while read -r cmd; do
    subsection "$cmd" >"$tmp/sub-$cmd"
    for f in $(grep -Eo -- '--[a-z][a-z-]*' "$tmp/sub-$cmd" | sort -u); do
        if known "$cmd" "$f"; then
            ok "man: $f in the section of $cmd is a flag of the table"
        else
            notok "man: $f in the section of $cmd is a flag of the table"
        fi
    done
done <"$tmp/man-commands"
for f in $(grep -E '^\.(B|BI|BR) ' "$tmp/global" | grep -Eo -- '--[a-z][a-z-]*' | sort -u); do
    # --client-secret is named to say that it is refused.
    if known global "$f" || [ "$f" = --client-secret ]; then
        ok "man: global flag $f is in the table"
    else
        notok "man: global flag $f is in the table"
    fi
done

[ "$fails" -eq 0 ]
