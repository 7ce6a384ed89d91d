/* text.c: text bound for a terminal: server strings made safe (controls, bidi and invalid
 * UTF-8 turned into visible escapes), safe printf, display width and cutting to fit a column. */
#include "text.h"

#include <langinfo.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

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

bool text_sanitize(sk_buf *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    bool utf8 = text_locale_utf8();
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

char *text_sanitize_dup(const char *s)
{
    sk_buf b;
    buf_init(&b);
    if (!s)
        s = "";
    if (!text_sanitize(&b, s, strlen(s)) || !buf_reserve(&b, 0)) {
        buf_free(&b);
        return NULL;
    }
    return b.s;
}

bool text_locale_utf8(void)
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

void text_safe_vformat(char *dst, size_t n, const char *fmt, va_list ap)
{
    if (!dst || n == 0)
        return;
    char raw[2048];
    if (vsnprintf(raw, sizeof raw, fmt, ap) < 0)
        raw[0] = '\0';
    sk_buf b;
    buf_init(&b);
    if (text_sanitize(&b, raw, strlen(raw)) && b.s) {
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

void text_safe_format(char *dst, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    text_safe_vformat(dst, n, fmt, ap);
    va_end(ap);
}

size_t text_char_prev(const char *s, size_t i)
{
    if (i > 0)
        i--;
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return i;
}

size_t text_char_next(const char *s, size_t i)
{
    if (!s[i])
        return i;
    i++;
    while (s[i] && ((unsigned char)s[i] & 0xC0) == 0x80)
        i++;
    return i;
}
