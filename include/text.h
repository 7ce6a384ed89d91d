/* text.h: text bound for a terminal: server strings made safe (visible escapes for controls,
 * bidi and invalid UTF-8), printf made safe, display width and cutting to fit a column. */
#ifndef TEXT_H
#define TEXT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* Append to b a form of s (len bytes) that is safe to write to a terminal: valid printable UTF-8
 * is kept; C0 controls, DEL, C1 controls (U+0080..U+009F), bidi controls (U+061C, U+200E,
 * U+200F, U+202A..U+202E, U+2066..U+2069) and other non-printables are written as visible
 * escapes ("\x1b", "\u202e"); invalid UTF-8 bytes as "\xNN". Never emits a control byte. */
bool text_sanitize(sk_buf *b, const char *s, size_t len);
/* Same, into a fresh malloc'd string. */
char *text_sanitize_dup(const char *s);
/* printf into dst (n bytes), made safe for a terminal as text_sanitize does, and cut to fit
 * without splitting a character or an escape: for every message that may quote a server string
 * or what a user typed. */
void text_safe_format(char *dst, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void text_safe_vformat(char *dst, size_t n, const char *fmt, va_list ap);
/* Display width (columns) of valid, sanitized UTF-8 (wcwidth per character; needs setlocale). */
int text_width(const char *s);
/* Append s (already sanitized) cut to at most `width` columns (an ellipsis "…" — or "~" when
 * !utf8 — marks a cut), padded with spaces to exactly `width` when pad. Never splits a character
 * or a wide character. Returns the columns written. */
int text_fit(sk_buf *b, const char *s, int width, bool pad, bool utf8);
/* True when the current locale's codeset is UTF-8. */
bool text_locale_utf8(void);

/* For a line being edited (the dashboard's filter line and command bar): the byte offset of
 * the UTF-8 character before offset i of s (0 at the start), and of the one after the
 * character at i (the end of s at most). */
size_t text_char_prev(const char *s, size_t i);
size_t text_char_next(const char *s, size_t i);

#endif
