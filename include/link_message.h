/* link_message.h: what skdash says about an authorization link, once for both front ends: the
 * paste-ready message for the end user (a template with placeholders), the expiry in the reader's
 * local time ("22:15 CET, in 10 minutes") and whom the link is for. */
#ifndef LINK_MESSAGE_H
#define LINK_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

/* The built-in template, used when none is given (or ""). {expiry} and the " before" in front
 * of it are left out when the expiry is unknown. */
#define LINK_MESSAGE_DEFAULT \
    "Your {connection} connection for {identifier} needs re-authorization: open {link} " \
    "before {expiry}"

/* The expiry as the reader's local clock shows it, its zone and how far off it is:
 * "22:15 CET, in 10 minutes" the same local day, "2026-12-03 09:00 CET, in 11 hours" another
 * day, "22:15 CET, 3 minutes ago" once passed. Local time is localtime_r's (TZ honoured).
 * "" when expiry is SK_TIME_ABSENT. */
void link_expiry_local(int64_t expiry, int64_t now, char *buf, size_t n);

/* The message for the end user (malloc'd; NULL on OOM): tmpl (NULL or "" = LINK_MESSAGE_DEFAULT)
 * with {identifier}, {connection}, {link} and {expiry} (link_expiry_local) replaced; any other
 * {word}, or a lone brace, is kept as typed. The result is made safe for a terminal
 * (text_sanitize), since it quotes server strings and may be printed. NULL strings count as "". */
char *link_message(const char *identifier, const char *connection, const char *link,
                   int64_t expiry, int64_t now, const char *tmpl);

/* Whom the link is for, as the link view and `skdash link` say it (malloc'd, sanitized):
 * "for jane@example.com on gmail: send it to that person only" (a link attaches whoever opens
 * it and consents). */
char *link_recipient(const char *identifier, const char *connection);

#endif
