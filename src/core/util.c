/* util.c: arena, growable buffer, terminal-safe strings and display width, time formatting,
 * OSC 52 clipboard sequences and secret wiping. Everything here is pure: no I/O but getenv. */
#include "util.h"

#include <errno.h>
#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <wchar.h>
#include <wctype.h>

/* ---------------------------------------------------------------- arena */

typedef struct arena_block {
    struct arena_block *next;
    size_t cap, used;
    /* data follows, 16-byte aligned by the union below */
    union { max_align_t a; unsigned char b[1]; } data[];
} arena_block;

struct sk_arena {
    arena_block *head;      /* the block small allocations come from */
    arena_block *big;       /* blocks that each hold one large allocation */
    size_t block;
    size_t bytes;           /* total bytes asked of malloc, for budgets */
};

static arena_block *arena_block_new(size_t cap)
{
    arena_block *b = malloc(sizeof *b + cap);
    if (!b)
        return NULL;
    b->next = NULL;
    b->cap = cap;
    b->used = 0;
    return b;
}

sk_arena *arena_new(size_t block)
{
    sk_arena *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->block = block < 256 ? 256 : block;
    return a;
}

void *arena_alloc(sk_arena *a, size_t n)
{
    if (!a)
        return NULL;
    size_t need = (n + 7) & ~(size_t)7;
    if (need < n)
        return NULL;
    /* A large allocation gets its own block so it does not waste the rest of a normal one. */
    if (need > a->block / 4) {
        arena_block *b = arena_block_new(need);
        if (!b)
            return NULL;
        b->used = need;
        b->next = a->big;
        a->big = b;
        a->bytes += sizeof *b + need;
        return (unsigned char *)b->data;
    }
    if (!a->head || a->head->cap - a->head->used < need) {
        arena_block *b = arena_block_new(a->block);
        if (!b)
            return NULL;
        b->next = a->head;
        a->head = b;
        a->bytes += sizeof *b + a->block;
    }
    void *p = (unsigned char *)a->head->data + a->head->used;
    a->head->used += need;
    return p;
}

char *arena_strndup(sk_arena *a, const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *p = arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(sk_arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

size_t arena_bytes(const sk_arena *a)
{
    return a ? a->bytes : 0;
}

static void arena_chain_free(arena_block *b)
{
    while (b) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
}

void arena_free(sk_arena *a)
{
    if (!a)
        return;
    arena_chain_free(a->head);
    arena_chain_free(a->big);
    free(a);
}

/* ---------------------------------------------------------------- buf */

void buf_init(sk_buf *b)
{
    b->s = NULL;
    b->len = b->cap = 0;
}

void buf_free(sk_buf *b)
{
    free(b->s);
    buf_init(b);
}

void buf_reset(sk_buf *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

bool buf_reserve(sk_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap && b->s)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) {
        if (cap > (size_t)-1 / 2)
            return false;
        cap *= 2;
    }
    char *s = realloc(b->s, cap);
    if (!s)
        return false;
    b->s = s;
    b->cap = cap;
    b->s[b->len] = '\0';   /* a fresh buffer is a valid empty string at once */
    return true;
}

bool buf_add(sk_buf *b, const char *s, size_t n)
{
    if (!buf_reserve(b, n))
        return false;
    if (n)
        memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    return true;
}

bool buf_adds(sk_buf *b, const char *s)
{
    return buf_add(b, s ? s : "", s ? strlen(s) : 0);
}

bool buf_addc(sk_buf *b, char c)
{
    return buf_add(b, &c, 1);
}

bool buf_printf(sk_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !buf_reserve(b, (size_t)n))
        return false;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return true;
}

/* ---------------------------------------------------------------- UTF-8 */

/* Strict decode of one code point. Returns its byte length, or 0 when the bytes at s are not
 * valid UTF-8 (overlong forms, surrogates, > U+10FFFF, truncation are all invalid). */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t n;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        n = 2; v = c & 0x1F; min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3; v = c & 0x0F; min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4; v = c & 0x07; min = 0x10000;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

static bool cp_is_bidi(uint32_t cp)
{
    return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

/* Whether a decoded code point may be written as is. Beyond the fixed lists, iswprint decides
 * (it knows unassigned and format characters) when the locale is UTF-8; in another locale
 * iswprint cannot judge non-ASCII, so printable-looking code points are kept. */
static bool cp_is_safe(uint32_t cp, bool utf8)
{
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
        return false;
    if (cp_is_bidi(cp))
        return false;
    if (cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB))
        return false;
    if (cp < 0x80)
        return true;
    if (utf8 && sizeof(wchar_t) >= 4)
        return iswprint((wint_t)cp) != 0;
    return true;
}

static bool escape_cp(sk_buf *b, uint32_t cp)
{
    if (cp < 0x100)
        return buf_printf(b, "\\x%02x", (unsigned)cp);
    if (cp < 0x10000)
        return buf_printf(b, "\\u%04x", (unsigned)cp);
    return buf_printf(b, "\\U%08x", (unsigned)cp);
}

bool sanitize_term(sk_buf *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    bool utf8 = locale_is_utf8();
    bool ok = buf_reserve(b, len);
    size_t i = 0;
    while (ok && i < len) {
        uint32_t cp;
        size_t n = utf8_decode(p + i, len - i, &cp);
        if (n == 0) {
            ok = buf_printf(b, "\\x%02x", p[i]);
            i++;
            continue;
        }
        if (cp_is_safe(cp, utf8))
            ok = buf_add(b, s + i, n);
        else
            ok = escape_cp(b, cp);
        i += n;
    }
    return ok;
}

char *sanitize_dup(const char *s)
{
    sk_buf b;
    buf_init(&b);
    if (!s)
        s = "";
    if (!sanitize_term(&b, s, strlen(s)) || !buf_reserve(&b, 0)) {
        buf_free(&b);
        return NULL;
    }
    return b.s;
}

bool locale_is_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    if (!cs)
        return false;
    return strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf-8") == 0 || strcmp(cs, "utf8") == 0 ||
           strcmp(cs, "UTF8") == 0;
}

/* Columns of one character; characters wcwidth does not know count as one (sanitized text
 * holds no controls, so -1 can only mean the locale cannot judge it). */
static int cp_width(uint32_t cp)
{
    if (cp < 0x80)
        return cp >= 0x20 && cp != 0x7F ? 1 : 0;
    int w = wcwidth((wchar_t)cp);
    return w < 0 ? 1 : w;
}

/* Next character of s: its byte length (invalid bytes count as one byte) and width. */
static size_t next_char(const char *s, size_t len, int *width)
{
    uint32_t cp;
    size_t n = utf8_decode((const unsigned char *)s, len, &cp);
    if (n == 0) {
        *width = 1;
        return 1;
    }
    *width = cp_width(cp);
    return n;
}

int text_width(const char *s)
{
    if (!s)
        return 0;
    size_t len = strlen(s), i = 0;
    int total = 0;
    while (i < len) {
        int w;
        i += next_char(s + i, len - i, &w);
        total += w;
    }
    return total;
}

/* Bytes of s that fit in `width` columns without splitting a character; *cols gets their width. */
static size_t fit_prefix(const char *s, size_t len, int width, int *cols)
{
    size_t i = 0;
    int used = 0;
    while (i < len) {
        int w;
        size_t n = next_char(s + i, len - i, &w);
        if (used + w > width)
            break;
        used += w;
        i += n;
    }
    *cols = used;
    return i;
}

int text_fit(sk_buf *b, const char *s, int width, bool pad, bool utf8)
{
    if (width <= 0)
        return 0;
    if (!s)
        s = "";
    size_t len = strlen(s);
    int cols;
    size_t n = fit_prefix(s, len, width, &cols);
    if (n < len) {
        /* Cut: leave one column for the ellipsis. */
        n = fit_prefix(s, len, width - 1, &cols);
        buf_add(b, s, n);
        buf_adds(b, utf8 ? "\xe2\x80\xa6" : "~");
        cols += 1;
    } else {
        buf_add(b, s, n);
    }
    while (pad && cols < width) {
        buf_addc(b, ' ');
        cols++;
    }
    return cols;
}

/* ---------------------------------------------------------------- time */

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

/* ---------------------------------------------------------------- OSC 52 */

char *base64_encode(const unsigned char *in, size_t n)
{
    static const char tbl[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (n > ((size_t)-1 - 1) / 4 * 3 - 3)
        return NULL;
    size_t out_len = (n + 2) / 3 * 4;
    char *out = malloc(out_len + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        out[o++] = tbl[(v >> 18) & 63];
        out[o++] = tbl[(v >> 12) & 63];
        out[o++] = i + 1 < n ? tbl[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? tbl[v & 63] : '=';
    }
    out[o] = '\0';
    return out;
}

sk_osc52_wrap osc52_detect(void)
{
    const char *tmux = getenv("TMUX");
    if (tmux && *tmux)
        return SK_OSC52_TMUX;
    const char *term = getenv("TERM");
    if (term && strncmp(term, "screen", 6) == 0)
        return SK_OSC52_SCREEN;
    return SK_OSC52_PLAIN;
}

/* tmux passes a DCS "tmux;" payload to the outer terminal once every ESC in it is doubled. */
static bool wrap_tmux(sk_buf *out, const char *seq)
{
    bool ok = buf_adds(out, "\033Ptmux;");
    for (const char *p = seq; ok && *p; p++)
        ok = *p == '\033' ? buf_add(out, "\033\033", 2) : buf_addc(out, *p);
    return ok && buf_adds(out, "\033\\");
}

/* screen limits a DCS string's length, so the sequence travels in chunks of at most 76 bytes,
 * each in its own DCS; screen passes their contents through joined. */
static bool wrap_screen(sk_buf *out, const char *seq)
{
    size_t len = strlen(seq);
    bool ok = true;
    for (size_t i = 0; ok && i < len; i += 76) {
        size_t n = len - i < 76 ? len - i : 76;
        ok = buf_adds(out, "\033P") && buf_add(out, seq + i, n) && buf_adds(out, "\033\\");
    }
    return ok;
}

char *osc52_sequence(const char *text, sk_osc52_wrap wrap)
{
    if (!text)
        text = "";
    char *b64 = base64_encode((const unsigned char *)text, strlen(text));
    if (!b64)
        return NULL;
    sk_buf seq, out;
    buf_init(&seq);
    buf_init(&out);
    bool ok = buf_printf(&seq, "\033]52;c;%s\a", b64);
    free(b64);
    if (ok) {
        if (wrap == SK_OSC52_TMUX)
            ok = wrap_tmux(&out, seq.s);
        else if (wrap == SK_OSC52_SCREEN)
            ok = wrap_screen(&out, seq.s);
        else
            ok = buf_adds(&out, seq.s);
    }
    buf_free(&seq);
    if (!ok) {
        buf_free(&out);
        return NULL;
    }
    return out.s;
}

/* ---------------------------------------------------------------- misc */

void *xmalloc_or_null(size_t n)
{
    return malloc(n ? n : 1);
}

/* explicit_bzero runs at memset speed and is never elided; the old volatile byte loop cost
 * 2.5% of a 100,000-account listing, wiping every 64 KiB answer buffer a byte at a time. */
void secure_wipe(void *p, size_t n)
{
    if (p && n)
        explicit_bzero(p, n);
}

/* ---------------------------------------------------------------- files */

bool xdg_dir(const char *xdg_env, const char *home_rel, char *buf, size_t n)
{
    const char *x = getenv(xdg_env), *home = getenv("HOME");
    int w;
    if (x && x[0] == '/')
        w = snprintf(buf, n, "%s/skdash", x);
    else if (home && home[0] == '/')
        w = snprintf(buf, n, "%s/%s/skdash", home, home_rel);
    else
        return false;
    return w > 0 && (size_t)w < n;
}

bool mkdirs_private(const char *dir)
{
    char path[4096];
    if (!dir || !dir[0] || snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return false;
    }
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST)
            return false;
        *p = c;
        if (!c)
            return true;
    }
}

/* ---------------------------------------------------------------- safe messages */

/* Cut s to fit n bytes (n > 0) without splitting a UTF-8 character or a "\xNN" escape. */
static void copy_cut(char *dst, size_t n, const char *s, size_t len)
{
    if (len < n) {
        memcpy(dst, s, len + 1);
        return;
    }
    size_t cut = n - 1;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    /* Do not leave half of an escape we wrote ("\x1", "\u20"). */
    for (size_t back = 1; back <= 9 && back <= cut; back++) {
        if (s[cut - back] == '\\') {
            char k = s[cut - back + 1];
            size_t full = k == 'x' ? 4 : k == 'u' ? 6 : k == 'U' ? 10 : 0;
            if (full && back < full)
                cut -= back;
            break;
        }
    }
    memcpy(dst, s, cut);
    dst[cut] = '\0';
}

void safe_vformat(char *dst, size_t n, const char *fmt, va_list ap)
{
    if (!dst || n == 0)
        return;
    char raw[2048];
    if (vsnprintf(raw, sizeof raw, fmt, ap) < 0)
        raw[0] = '\0';
    sk_buf b;
    buf_init(&b);
    if (sanitize_term(&b, raw, strlen(raw)) && b.s) {
        copy_cut(dst, n, b.s, b.len);
    } else {
        /* Out of memory: keep only plain printable ASCII. */
        size_t j = 0;
        for (size_t i = 0; raw[i] && j + 1 < n; i++) {
            unsigned char c = (unsigned char)raw[i];
            dst[j++] = (c >= 0x20 && c < 0x7F) ? (char)c : '?';
        }
        dst[j] = '\0';
    }
    buf_free(&b);
}

void safe_format(char *dst, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    safe_vformat(dst, n, fmt, ap);
    va_end(ap);
}
