/* sk_time.c: time as skdash reads and shows it: the clock (SKDASH_NOW for tests), RFC 3339
 * parsing and formatting, relative times ("2d ago") and countdowns ("4m 05s"). */
#include "sk_time.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static bool leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && leap_year(y) ? 29 : dm[m - 1];
}

/* The parse below reads s[0..n) through a cursor that never passes its end: a string from the
 * wire needs no NUL (jscan.c reads times where they lie in the body). */
typedef struct cursor {
    const char *p, *end;
} cursor;

static char peek(const cursor *c)
{
    return c->p < c->end ? *c->p : '\0';
}

/* Reads exactly n decimal digits; advances. */
static bool digits(cursor *c, int n, int *out)
{
    if (c->end - c->p < n)
        return false;
    int v = 0;
    for (int i = 0; i < n; i++) {
        char ch = c->p[i];
        if (ch < '0' || ch > '9')
            return false;
        v = v * 10 + (ch - '0');
    }
    c->p += n;
    *out = v;
    return true;
}

static bool expect(cursor *c, char a, char b)
{
    char ch = peek(c);
    if (!ch || (ch != a && ch != b))
        return false;
    c->p++;
    return true;
}

/* The zone suffix as seconds east of UTC: Z, or +HH:MM, +HHMM or +HH (and the same with -).
 * RFC 3339 wants +HH:MM; the others are ISO 8601 forms servers and libraries write too. */
static bool parse_zone(cursor *c, int *offset)
{
    char ch = peek(c);
    if (ch == 'Z' || ch == 'z') {
        c->p++;
        *offset = 0;
        return true;
    }
    if (ch != '+' && ch != '-')
        return false;
    int sign = ch == '-' ? -1 : 1;
    c->p++;
    int hh, mm = 0;
    if (!digits(c, 2, &hh))
        return false;
    if (peek(c) == ':') {
        c->p++;
        if (!digits(c, 2, &mm))
            return false;
    } else if (peek(c) >= '0' && peek(c) <= '9') {
        if (!digits(c, 2, &mm))
            return false;
    }
    if (hh > 23 || mm > 59)
        return false;
    *offset = sign * (hh * 3600 + mm * 60);
    return true;
}

/* The time's own shape, "YYYY-MM-DDTHH:MM:SS" (19 bytes), read without a call per field: the
 * form every account of a page carries three times. Leaves anything else to the general reader. */
static bool plain_datetime(const char *s, int *f)
{
    if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        return false;
#define D(i) ((unsigned)(s[i] - '0'))
    unsigned y0 = D(0), y1 = D(1), y2 = D(2), y3 = D(3), m0 = D(5), m1 = D(6), d0 = D(8),
             d1 = D(9), h0 = D(11), h1 = D(12), n0 = D(14), n1 = D(15), s0 = D(17), s1 = D(18);
#undef D
    if ((y0 > 9) | (y1 > 9) | (y2 > 9) | (y3 > 9) | (m0 > 9) | (m1 > 9) | (d0 > 9) | (d1 > 9) |
        (h0 > 9) | (h1 > 9) | (n0 > 9) | (n1 > 9) | (s0 > 9) | (s1 > 9))
        return false;
    f[0] = (int)(y0 * 1000 + y1 * 100 + y2 * 10 + y3);
    f[1] = (int)(m0 * 10 + m1);
    f[2] = (int)(d0 * 10 + d1);
    f[3] = (int)(h0 * 10 + h1);
    f[4] = (int)(n0 * 10 + n1);
    f[5] = (int)(s0 * 10 + s1);
    return true;
}

int64_t time_parse_rfc3339n(const char *s, size_t n)
{
    if (!s || !n)
        return SK_TIME_ABSENT;
    cursor c = { s, s + n };
    int y, mo, d, h = 0, mi = 0, se = 0, offset = 0;
    int f[6];
    if (n > 19 && plain_datetime(s, f)) {
        y = f[0], mo = f[1], d = f[2], h = f[3], mi = f[4], se = f[5];
        if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
            return SK_TIME_ABSENT;
        c.p = s + 19;
    } else {
        if (!digits(&c, 4, &y) || !expect(&c, '-', '-') || !digits(&c, 2, &mo) ||
            !expect(&c, '-', '-') || !digits(&c, 2, &d))
            return SK_TIME_ABSENT;
        if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
            return SK_TIME_ABSENT;
        if (c.p == c.end)   /* a date alone: its midnight, UTC */
            return time_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400;
        /* RFC 3339 allows a space for the T (section 5.6's note); Scalekit's examples use one. */
        if (!expect(&c, 'T', 't') && !expect(&c, ' ', ' '))
            return SK_TIME_ABSENT;
        if (!digits(&c, 2, &h) || !expect(&c, ':', ':') || !digits(&c, 2, &mi) ||
            !expect(&c, ':', ':') || !digits(&c, 2, &se))
            return SK_TIME_ABSENT;
    }
    if (h > 23 || mi > 59 || se > 60)
        return SK_TIME_ABSENT;
    if (peek(&c) == '.' || peek(&c) == ',') {   /* a fraction of any length, dropped */
        c.p++;
        if (peek(&c) < '0' || peek(&c) > '9')
            return SK_TIME_ABSENT;
        while (peek(&c) >= '0' && peek(&c) <= '9')
            c.p++;
    }
    if (!parse_zone(&c, &offset) || c.p != c.end)
        return SK_TIME_ABSENT;
    return time_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se -
           offset;
}

int64_t time_parse_rfc3339(const char *s)
{
    return s ? time_parse_rfc3339n(s, strlen(s)) : SK_TIME_ABSENT;
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
