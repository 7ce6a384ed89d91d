#!/usr/bin/perl
# golden_norm.pl: what varies from run to run in a dumped screen (tests/e2e/tui_golden.sh), made
# the same in place, every column kept where it was: skemu's port, the test's temporary
# directory, the local user in the journal, a magic link's random token (also when the link
# wraps onto the next row), the QR code drawn from it and the link's expiry (skemu takes it
# from the real clock). Stdin to stdout.
use strict;
use warnings;
use utf8;
use open qw(:std :encoding(UTF-8));

my @rows = map { s/\n\z//r } <STDIN>;

# The QR code: from the row of its two top finder patterns (half blocks, or "##" per module
# without UTF-8), every row with dark modules in the code's columns is masked over its width.
# First, before the port's digits become '#'.
for my $style (["█▀▀▀▀▀█", qr/[▀▄█]/, "▒"], ["#" x 14, qr/#/, "%"]) {
    my ($finder, $dark, $fill) = @$style;
    my $done = 0;
    for (my $i = 0; $i < @rows && !$done; $i++) {
        my $x = index($rows[$i], $finder);
        next if $x < 0;
        my $end = rindex($rows[$i], $finder) + length $finder;
        next if $end - $x <= length $finder;
        my $w = $end - $x;
        for (my $r = $i; $r < @rows; $r++) {
            my $row = $rows[$r];
            $row .= " " x ($end - length $row) if length $row < $end;
            last unless substr($row, $x, $w) =~ $dark;
            substr($row, $x, $w) = $fill x $w;
            $rows[$r] = $row;
        }
        $done = 1;
    }
}

for (@rows) {
    s/(127\.0\.0\.1:)(\d+)/$1 . ("#" x length $2)/ge;
    s/(Expires in ).*/$1<expiry>/;
    s/skdash-golden\.[A-Za-z0-9]{6}/skdash-golden.XXXXXX/g;
    # The journal's last column, the local user (who ran the test).
    s/  \Q$ENV{GOLDEN_USER}\E$/  <user>/ if $ENV{GOLDEN_USER};
}

# The token after /magic/ (32 characters of base64url); a wrapped link goes on at the column
# where it began, on the next row.
for (my $i = 0; $i < @rows; $i++) {
    my $at = index($rows[$i], "/magic/");
    next if $at < 0;
    my $col = rindex($rows[$i], "http", $at);
    $col = $at if $col < 0;
    my ($r, $p, $n) = ($i, $at + 7, 0);
    while ($n < 32 && $r < @rows) {
        if ($p < length $rows[$r] && substr($rows[$r], $p, 1) =~ /[A-Za-z0-9_-]/) {
            substr($rows[$r], $p, 1) = "x";
            $p++;
            $n++;
        } elsif ($p >= length $rows[$r]) {
            $r++;
            $p = $col;
        } else {
            last;
        }
    }
}

print "$_\n" for @rows;
