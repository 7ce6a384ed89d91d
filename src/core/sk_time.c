/* sk_time.c: time as skdash reads and shows it: the clock (SKDASH_NOW for tests), RFC 3339
 * parsing and formatting, relative times ("2d ago") and countdowns ("4m 05s"). */
#include "sk_time.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int64_t time_now(void)
{
    const char *env = getenv("SKDASH_NOW");
    if (env && *env) {
        char *end;
        long long v = strtoll(env, &end, 10);
        if (*end == '\0')
            return (int64_t)v;
    }
    return (int64_t)time(NULL);
}

static void fmt_rel(char *buf, size_t n, int64_t amount, const char *unit, bool future)
{
    if (future)
        snprintf(buf, n, "in %lld%s", (long long)amount, unit);
    else
        snprintf(buf, n, "%lld%s ago", (long long)amount, unit);
}

void time_relative(int64_t t, int64_t now, char *buf, size_t n)
{
    if (!buf || n == 0)
        return;
    if (t == INT64_MIN) {
        snprintf(buf, n, "-");
        return;
    }
    if (t == now) {
        snprintf(buf, n, "now");
        return;
    }
    bool future = t > now;
    /* Work in unsigned to survive extreme values without overflow. */
    uint64_t d = future ? (uint64_t)t - (uint64_t)now : (uint64_t)now - (uint64_t)t;
    const uint64_t day = 86400;
    if (d < 60)
        fmt_rel(buf, n, (int64_t)d, "s", future);
    else if (d < 3600)
        fmt_rel(buf, n, (int64_t)(d / 60), "m", future);
    else if (d < day)
        fmt_rel(buf, n, (int64_t)(d / 3600), "h", future);
    else if (d < 60 * day)
        fmt_rel(buf, n, (int64_t)(d / day), "d", future);
    else if (d < 365 * day)
        fmt_rel(buf, n, (int64_t)(d / (30 * day)), "mo", future);
    else
        fmt_rel(buf, n, (int64_t)(d / (365 * day)), "y", future);
}

void time_rfc3339(int64_t t, char *buf, size_t n)
{
    if (!buf || n == 0)
        return;
    buf[0] = '\0';
    if (t == INT64_MIN)
        return;
    time_t tt = (time_t)t;
    struct tm tm;
    if ((int64_t)tt != t || !gmtime_r(&tt, &tm))
        return;
    if (strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        buf[0] = '\0';
}

void time_countdown(int64_t t, int64_t now, char *buf, size_t n)
{
    if (!buf || n == 0)
        return;
    if (t == INT64_MIN || t <= now) {
        snprintf(buf, n, "expired");
        return;
    }
    uint64_t d = (uint64_t)t - (uint64_t)now;
    if (d < 3600)
        snprintf(buf, n, "%um %02us", (unsigned)(d / 60), (unsigned)(d % 60));
    else
        snprintf(buf, n, "%lluh %02um", (unsigned long long)(d / 3600),
                 (unsigned)((d % 3600) / 60));
}

/* ---------------------------------------------------------------- RFC 3339 */

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil):
 * hand-written because timegm() is not standard and mktime() depends on TZ. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static bool leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && leap_year(y) ? 29 : dm[m - 1];
}

/* Reads exactly n decimal digits at *p; advances *p. */
static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return true;
}

static bool expect(const char **p, char a, char b)
{
    if (**p != a && **p != b)
        return false;
    (*p)++;
    return true;
}

/* The zone suffix as seconds east of UTC: Z, or +HH:MM, +HHMM or +HH (and the same with -).
 * RFC 3339 wants +HH:MM; the others are ISO 8601 forms servers and libraries write too. */
static bool parse_zone(const char **p, int *offset)
{
    if (**p == 'Z' || **p == 'z') {
        (*p)++;
        *offset = 0;
        return true;
    }
    if (**p != '+' && **p != '-')
        return false;
    int sign = **p == '-' ? -1 : 1;
    (*p)++;
    int hh, mm = 0;
    if (!digits(p, 2, &hh))
        return false;
    if (**p == ':') {
        (*p)++;
        if (!digits(p, 2, &mm))
            return false;
    } else if (**p >= '0' && **p <= '9') {
        if (!digits(p, 2, &mm))
            return false;
    }
    if (hh > 23 || mm > 59)
        return false;
    *offset = sign * (hh * 3600 + mm * 60);
    return true;
}

int64_t time_parse_rfc3339(const char *s)
{
    if (!s || !*s)
        return SK_TIME_ABSENT;
    const char *p = s;
    int y, mo, d, h = 0, mi = 0, se = 0, offset = 0;
    if (!digits(&p, 4, &y) || !expect(&p, '-', '-') || !digits(&p, 2, &mo) ||
        !expect(&p, '-', '-') || !digits(&p, 2, &d))
        return SK_TIME_ABSENT;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
        return SK_TIME_ABSENT;
    if (*p == '\0')   /* a date alone: its midnight, UTC */
        return days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400;
    /* RFC 3339 allows a space for the T (section 5.6's note); Scalekit's examples use one. */
    if (*p != 'T' && *p != 't' && *p != ' ')
        return SK_TIME_ABSENT;
    p++;
    if (!digits(&p, 2, &h) || !expect(&p, ':', ':') || !digits(&p, 2, &mi) ||
        !expect(&p, ':', ':') || !digits(&p, 2, &se))
        return SK_TIME_ABSENT;
    if (h > 23 || mi > 59 || se > 60)
        return SK_TIME_ABSENT;
    if (*p == '.' || *p == ',') {   /* a fraction of any length, dropped (seconds are enough) */
        p++;
        if (*p < '0' || *p > '9')
            return SK_TIME_ABSENT;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (!parse_zone(&p, &offset) || *p != '\0')
        return SK_TIME_ABSENT;
    return days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se -
           offset;
}

/* ---------------------------------------------------------------- unreadable times */

/* A count for --debug only: the parsers add what they could not read once a body is accepted.
 * The core is single-threaded (one event loop), so a plain counter is enough. */
static unsigned long unreadable_times;

void time_count_unreadable(size_t n)
{
    unreadable_times += (unsigned long)n;
}

unsigned long time_unreadable_total(void)
{
    return unreadable_times;
}
