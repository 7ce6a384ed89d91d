/* sk_time.h: time as skdash reads and shows it: Unix seconds (int64_t, SK_TIME_ABSENT when the
 * server gave none), RFC 3339 in and out, relative times and countdowns. */
#ifndef SK_TIME_H
#define SK_TIME_H

#include <stddef.h>
#include <stdint.h>

#define SK_TIME_ABSENT INT64_MIN  /* no time: the server sent none, null or "" */

int64_t time_now(void);
/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil):
 * hand-written because timegm() is not standard and mktime() depends on TZ. Inline: the page
 * scanner (jscan.c) reads three times a row with it. */
static inline int64_t time_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}   /* Unix seconds (tests can override with SKDASH_NOW) */
/* RFC 3339 ("2025-04-16T06:56:05.367190455Z") -> Unix seconds. Also read: a space for the T,
 * a fraction of any length, offsets as Z, +HH:MM, +HHMM or +HH, and a date alone (its midnight
 * UTC). Returns SK_TIME_ABSENT for NULL, "", or anything else (no zone, out-of-range fields). */
int64_t time_parse_rfc3339(const char *s);
/* The same for the n bytes at s (no NUL needed; a NUL among them is not a time). */
int64_t time_parse_rfc3339n(const char *s, size_t n);
/* Times the parsers could not read (a non-empty string that time_parse_rfc3339 refused), summed
 * over the process: parse.c adds each accepted body's count; the front ends say it in --debug. */
void time_count_unreadable(size_t n);
unsigned long time_unreadable_total(void);
/* Relative time: "in 3h", "2d ago", "now", "in 45s", "3mo ago", "1y ago"; "-" when absent. */
void time_relative(int64_t t, int64_t now, char *buf, size_t n);
/* "2025-04-16T06:56:05Z"; "" when absent. */
void time_rfc3339(int64_t t, char *buf, size_t n);
/* Countdown "4m 05s" / "1h 02m" / "expired". */
void time_countdown(int64_t t, int64_t now, char *buf, size_t n);

#endif
