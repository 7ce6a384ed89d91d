/* link_message.c: the paste-ready message for the end user (a template expanded), the expiry in
 * local time with zone and distance, and the "for whom" line of a link. */
#include "link_message.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "sk_time.h"
#include "text.h"

/* "10 minutes", "1 hour", "45 seconds", "3 days": d seconds, rounded to the nearest unit. */
static void distance_words(int64_t d, char *buf, size_t n)
{
    static const struct { int64_t below, unit; const char *one, *many; } steps[] = {
        {60, 1, "second", "seconds"},
        {90 * 60, 60, "minute", "minutes"},
        {36 * 3600, 3600, "hour", "hours"},
        {INT64_MAX, 86400, "day", "days"},
    };
    size_t i = 0;
    while (d >= steps[i].below)
        i++;
    int64_t v = (d + steps[i].unit / 2) / steps[i].unit;
    if (v < 1)
        v = 1;
    snprintf(buf, n, "%lld %s", (long long)v, v == 1 ? steps[i].one : steps[i].many);
}

void link_expiry_local(int64_t expiry, int64_t now, char *buf, size_t n)
{
    if (!buf || n == 0)
        return;
    buf[0] = '\0';
    if (expiry == SK_TIME_ABSENT)
        return;
    tzset();
    time_t te = (time_t)expiry, tn = (time_t)now;
    struct tm le, ln;
    if (!localtime_r(&te, &le) || !localtime_r(&tn, &ln))
        return;
    bool same_day = le.tm_year == ln.tm_year && le.tm_yday == ln.tm_yday;
    char clock[64];
    if (!strftime(clock, sizeof clock, same_day ? "%H:%M %Z" : "%Y-%m-%d %H:%M %Z", &le))
        return;
    char dist[40];
    if (expiry == now) {
        snprintf(buf, n, "%s, now", clock);
    } else if (expiry > now) {
        distance_words(expiry - now, dist, sizeof dist);
        snprintf(buf, n, "%s, in %s", clock, dist);
    } else {
        distance_words(now - expiry, dist, sizeof dist);
        snprintf(buf, n, "%s, %s ago", clock, dist);
    }
}

/* The value of placeholder name (len bytes), or NULL when it is not one. */
static const char *placeholder(const char *name, size_t len, const char *const vals[4])
{
    static const char *const names[4] = {"identifier", "connection", "link", "expiry"};
    for (size_t i = 0; i < 4; i++)
        if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
            return vals[i];
    return NULL;
}

static bool expand(sk_buf *out, const char *tmpl, const char *const vals[4])
{
    const char *p = tmpl;
    while (*p) {
        const char *open = strchr(p, '{');
        if (!open)
            return buf_adds(out, p);
        if (!buf_add(out, p, (size_t)(open - p)))
            return false;
        const char *close = strchr(open + 1, '}');
        const char *v = close ? placeholder(open + 1, (size_t)(close - open - 1), vals) : NULL;
        if (v) {
            if (!buf_adds(out, v))
                return false;
            p = close + 1;
        } else {
            /* Not a placeholder: the brace stays, and scanning goes on after it. */
            if (!buf_addc(out, '{'))
                return false;
            p = open + 1;
        }
    }
    return true;
}

char *link_message(const char *identifier, const char *connection, const char *link,
                   int64_t expiry, int64_t now, const char *tmpl)
{
    char when[128];
    link_expiry_local(expiry, now, when, sizeof when);
    const char *vals[4] = {identifier ? identifier : "", connection ? connection : "",
                           link ? link : "", when};
    char *def = NULL;
    if (!tmpl || !*tmpl) {
        tmpl = LINK_MESSAGE_DEFAULT;
        if (!*when) {
            /* No expiry known: the built-in text stops after the link. */
            const char *cut = strstr(LINK_MESSAGE_DEFAULT, " before {expiry}");
            def = strndup(LINK_MESSAGE_DEFAULT, (size_t)(cut - LINK_MESSAGE_DEFAULT));
            if (!def)
                return NULL;
            tmpl = def;
        }
    }
    sk_buf raw;
    buf_init(&raw);
    bool ok = expand(&raw, tmpl, vals);
    free(def);
    if (!ok) {
        buf_free(&raw);
        return NULL;
    }
    char *safe = text_sanitize_dup(raw.s ? raw.s : "");
    buf_free(&raw);
    return safe;
}

char *link_recipient(const char *identifier, const char *connection)
{
    sk_buf b;
    buf_init(&b);
    if (!buf_printf(&b, "for %s on %s: send it to that person only", identifier ? identifier : "",
                    connection ? connection : "")) {
        buf_free(&b);
        return NULL;
    }
    char *safe = text_sanitize_dup(b.s);
    buf_free(&b);
    return safe;
}
