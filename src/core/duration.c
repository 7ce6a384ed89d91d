/* duration.c: `90m`, `36h`, `3d`, `2w` to seconds and back (the selections' --expiring-within
 * and --unused-for, the profile's expiring_within and unused_for). */
#include "duration.h"

#include <stdio.h>
#include <string.h>

static const struct { char unit; int64_t secs; } units[] = {
    { 'w', 7 * 86400 }, { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 },
};

#define N_UNITS (sizeof units / sizeof units[0])
#define TAKES "a duration is a number and m, h, d or w: 90m, 36h, 3d, 2w"

sk_status duration_parse(const char *s, int64_t *secs, sk_error *err)
{
    sk_error local;
    if (!err)
        err = &local;
    if (!s || !*s) {
        sk_error_set(err, SK_ERR_USAGE, "an empty duration (%s)", TAKES);
        return SK_ERR_USAGE;
    }
    size_t i = 0;
    int64_t n = 0;
    while (s[i] >= '0' && s[i] <= '9') {
        n = n * 10 + (s[i] - '0');
        if (n > DURATION_MAX_SECS) {
            sk_error_set(err, SK_ERR_USAGE, "'%.40s': too long a duration (at most 100 years)", s);
            return SK_ERR_USAGE;
        }
        i++;
    }
    if (i == 0) {
        sk_error_set(err, SK_ERR_USAGE, "'%.40s' is not a duration (%s)", s, TAKES);
        return SK_ERR_USAGE;
    }
    if (!s[i]) {
        sk_error_set(err, SK_ERR_USAGE, "'%.40s' has no unit (%s)", s, TAKES);
        return SK_ERR_USAGE;
    }
    int64_t per = 0;
    for (size_t k = 0; k < N_UNITS; k++)
        if (s[i] == units[k].unit)
            per = units[k].secs;
    if (!per || s[i + 1]) {
        if (per)
            sk_error_set(err, SK_ERR_USAGE, "'%.40s': text after the unit (%s)", s, TAKES);
        else
            sk_error_set(err, SK_ERR_USAGE, "'%.40s': unknown unit '%.8s' (%s)", s, s + i, TAKES);
        return SK_ERR_USAGE;
    }
    if (n == 0) {
        sk_error_set(err, SK_ERR_USAGE, "'%.40s': a duration must be more than zero", s);
        return SK_ERR_USAGE;
    }
    if (n > DURATION_MAX_SECS / per) {
        sk_error_set(err, SK_ERR_USAGE, "'%.40s': too long a duration (at most 100 years)", s);
        return SK_ERR_USAGE;
    }
    *secs = n * per;
    return SK_OK;
}

void duration_format(int64_t secs, char *buf, size_t n)
{
    if (!buf || !n)
        return;
    if (secs <= 0) {
        snprintf(buf, n, "0s");
        return;
    }
    for (size_t k = 0; k < N_UNITS; k++) {
        if (secs % units[k].secs == 0) {
            snprintf(buf, n, "%lld%c", (long long)(secs / units[k].secs), units[k].unit);
            return;
        }
    }
}
