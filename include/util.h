/* util.h: small things every layer needs: an arena, a growable buffer, making server strings
 * safe for a terminal, display width, time formatting, OSC 52 clipboard sequences. */
#ifndef UTIL_H
#define UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- arena: many small strings freed at once ---- */
typedef struct sk_arena sk_arena;
sk_arena *arena_new(size_t block);
void *arena_alloc(sk_arena *a, size_t n);      /* 8-byte aligned; NULL on OOM */
char *arena_strdup(sk_arena *a, const char *s);
char *arena_strndup(sk_arena *a, const char *s, size_t n);
size_t arena_bytes(const sk_arena *a);
void arena_free(sk_arena *a);

/* ---- strbuf: a growable NUL-terminated string ---- */
typedef struct sk_buf { char *s; size_t len, cap; } sk_buf;
void buf_init(sk_buf *b);
void buf_free(sk_buf *b);
void buf_reset(sk_buf *b);
/* Room for extra more bytes (and the terminating NUL) in one allocation. */
bool buf_reserve(sk_buf *b, size_t extra);
bool buf_add(sk_buf *b, const char *s, size_t n);
bool buf_adds(sk_buf *b, const char *s);
bool buf_addc(sk_buf *b, char c);
bool buf_printf(sk_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- terminal safety ---- */
/* Append to b a form of s (len bytes) that is safe to write to a terminal: valid printable UTF-8
 * is kept; C0 controls, DEL, C1 controls (U+0080..U+009F), bidi controls (U+061C, U+200E,
 * U+200F, U+202A..U+202E, U+2066..U+2069) and other non-printables are written as visible
 * escapes ("\x1b", "\u202e"); invalid UTF-8 bytes as "\xNN". Never emits a control byte. */
bool sanitize_term(sk_buf *b, const char *s, size_t len);
/* Same, into a fresh malloc'd string. */
char *sanitize_dup(const char *s);
/* printf into dst (n bytes), made safe for a terminal as sanitize_term does, and cut to fit
 * without splitting a character or an escape: for every message that may quote a server string
 * or what a user typed. */
void safe_format(char *dst, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void safe_vformat(char *dst, size_t n, const char *fmt, va_list ap);
/* Display width (columns) of valid, sanitized UTF-8 (wcwidth per character; needs setlocale). */
int text_width(const char *s);
/* Append s (already sanitized) cut to at most `width` columns (an ellipsis "…" — or "~" when
 * !utf8 — marks a cut), padded with spaces to exactly `width` when pad. Never splits a character
 * or a wide character. Returns the columns written. */
int text_fit(sk_buf *b, const char *s, int width, bool pad, bool utf8);
/* True when the current locale's codeset is UTF-8. */
bool locale_is_utf8(void);

/* ---- time ---- */
int64_t time_now(void);   /* Unix seconds (tests can override with SKDASH_NOW) */
/* Relative time: "in 3h", "2d ago", "now", "in 45s", "3mo ago", "1y ago"; "-" when absent. */
void time_relative(int64_t t, int64_t now, char *buf, size_t n);
/* "2025-04-16T06:56:05Z"; "" when absent. */
void time_rfc3339(int64_t t, char *buf, size_t n);
/* Countdown "4m 05s" / "1h 02m" / "expired". */
void time_countdown(int64_t t, int64_t now, char *buf, size_t n);

/* ---- clipboard over the terminal (OSC 52) ---- */
typedef enum { SK_OSC52_PLAIN, SK_OSC52_TMUX, SK_OSC52_SCREEN } sk_osc52_wrap;
/* Pick the wrapping from the environment: TMUX set -> tmux; TERM starting "screen" without
 * TMUX -> screen; otherwise plain. */
sk_osc52_wrap osc52_detect(void);
/* malloc'd escape sequence that sets the clipboard to `text` (base64), wrapped as asked
 * (tmux: DCS tmux; with ESCs doubled; screen: DCS chunks of at most 76 bytes). */
char *osc52_sequence(const char *text, sk_osc52_wrap wrap);
char *base64_encode(const unsigned char *in, size_t n);

/* ---- files ---- */
/* skdash's own directory for one XDG kind: "$<xdg_env>/skdash" when that variable is an absolute
 * path (a relative value is ignored, as the XDG spec says), else "$HOME/<home_rel>/skdash"
 * (e.g. xdg_dir("XDG_STATE_HOME", ".local/state", ...)). False when neither gives an absolute
 * path or buf is too small. */
bool xdg_dir(const char *xdg_env, const char *home_rel, char *buf, size_t n);
/* mkdir -p: every missing directory of `dir` is created with mode 0700.
 * False (errno set) when one cannot be made. */
bool mkdirs_private(const char *dir);

/* ---- misc ---- */
void *xmalloc_or_null(size_t n);
/* Wipe memory the compiler may not elide (secrets). */
void secure_wipe(void *p, size_t n);

#endif
