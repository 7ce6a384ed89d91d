/* jscan.c: a fast reader of plain account pages (one pass, straight into the arena); anything
 * unusual makes it decline, and parse.c's json-c reader decides instead. */
#include "jscan.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "arena.h"
#include "sk_time.h"
#include "wire_account.h"

#define ARENA_BLOCK 8192   /* as parse.c's pages */

/* A listing spends most of its client time here, and json-c's tree (an allocation per value,
 * freed page by page) cost ~2.6 us per account. This reader goes once over a page that is
 * plain JSON (no \u0000 or surrogate escapes, no exponents, keys without escapes, depth <= 32)
 * and copies what it keeps straight into the arena. Anything else, valid or not, makes it give
 * up and parse.c's json-c reader decides, so results and errors are json-c's in every case. */

#define FAST_DEPTH 32

/* The last few values a repeated field of a page had (its decoded string in the page's copy,
 * and its length): rows of a page share their connector, connection id and provider, and take
 * their status and authorization type from a handful. A row whose value is the same (no
 * escapes, same bytes) points at the earlier copy: the store then finds it by its address
 * (store.c's memo_in) without a strlen, a compare or a hash, and the state is not looked up
 * again. */
#define SHARED_WAYS 8
typedef struct shared_str {
    const char *s[SHARED_WAYS];
    size_t n[SHARED_WAYS];
    /* The way's first 8 bytes as they stand in a body (the value, then its closing quote when
     * it is shorter than 8) and the mask of those bytes: one compare of a word finds a short
     * value whole, and tells most others apart. An empty way's mask is 0 and its head 1. */
    uint64_t head[SHARED_WAYS], mask[SHARED_WAYS];
    unsigned next;              /* the way filled next */
    unsigned last;              /* the way that matched or was filled last: tried first */
} shared_str;

enum { SHARE_CONNECTOR, SHARE_CONNECTION_ID, SHARE_PROVIDER, SHARE_STATUS, SHARE_AUTH,
       SHARE_FIELDS };

typedef struct jscan {
    const char *p, *end;
    sk_arena *a;
    int depth;
    unsigned row_bad;   /* the row's time fields holding a time that could not be read, a bit
                         * each: a later duplicate key replaces the earlier value, as in json-c */
    shared_str shared[SHARE_FIELDS];
    const char *state_of[SHARED_WAYS];   /* statuses seen (shared strings) and their state */
    sk_state state[SHARED_WAYS];
    unsigned state_next;
    /* Reading a body in place (jscan_account_page_owned): the closing quotes turned into NULs,
     * as offsets from base, put back if the page is declined (the body is then handed on as
     * it came); escaped strings are decoded into the arena instead of in place. NULL: the
     * body is the page's own copy, written freely. */
    uint32_t *nul;
    unsigned n_nul, cap_nul;
    char *base;
    struct month_memo *months;   /* MONTH_SLOTS of them (plain_time_head) */
} jscan;

static inline __attribute__((always_inline)) void jws(jscan *j)
{
    if (j->p < j->end && (unsigned char)*j->p > ' ')
        return;   /* the common case: no blank here (every blank is ' ' or below) */
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static bool jchar_after_blanks(jscan *j, char c)
{
    jws(j);
    if (j->p >= j->end || *j->p != c)
        return false;
    j->p++;
    return true;
}

/* c (never a blank) after any blanks; the common case, c right here, without a call. */
static inline __attribute__((always_inline)) bool jchar(jscan *j, char c)
{
    if (j->p < j->end && *j->p == c) {
        j->p++;
        return true;
    }
    return jchar_after_blanks(j, c);
}

static bool jlit(jscan *j, const char *w, size_t n)
{
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
        return false;
    j->p += n;
    return true;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* \uXXXX at p (after the backslash-u) as UTF-8 into o; 0 when the fast path declines it. */
static int utf8_escape(const char *p, char *o)
{
    unsigned cp = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(p[i]);
        if (h < 0)
            return 0;
        cp = cp << 4 | (unsigned)h;
    }
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;   /* NUL and surrogates: json-c's own rules apply */
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    o[0] = (char)(0xE0 | cp >> 12);
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

/* Decodes the escapes of raw[0..n) into o (room for n + 1); false when declined. */
static bool unescape(const char *raw, size_t n, char *o, size_t *olen)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (raw[i] != '\\') {
            o[k++] = raw[i];
            continue;
        }
        char c = raw[++i];   /* the scan guaranteed a character after every backslash */
        static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
        const char *f = c ? strchr(from, c) : NULL;
        if (f) {
            o[k++] = to[f - from];
        } else if (c == 'u' && n - i > 4) {
            int w = utf8_escape(raw + i + 1, o + k);
            if (!w)
                return false;
            k += (size_t)w;
            i += 4;
        } else {
            return false;
        }
    }
    o[k] = '\0';
    *olen = k;
    return true;
}

/* The bytes of v (8, in memory order) that are '"', '\\' or below 0x20, each flagged by its
 * high bit. The lowest flag is exact (borrows only run upwards, from a flagged byte), so
 * ctz(mask) / 8 is the first such byte; flags above it may be false. UTF-8 (0x80 and up) is
 * never flagged. Used on little-endian machines only (WORD_SCAN); others go byte by byte. */
#define WORD_SCAN (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)

static inline uint64_t load8(const char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

static inline uint64_t special_mask(uint64_t v)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t q = v ^ (ones * '"'), b = v ^ (ones * '\\');
    return (((q - ones) & ~q) | ((b - ones) & ~b) | ((v - ones * 0x20) & ~v)) & high;
}

#ifdef __SSE2__
/* The same for 32 bytes with SSE2 (every x86-64 has it): bit i set when byte i is special.
 * Most strings of a page (ids, names, times) end within 32 bytes, so the scan of one takes a
 * single, well-predicted step; eight bytes at a time took one unpredictable branch per word. */
static inline uint32_t special32(const char *p)
{
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'),
                  ctl = _mm_set1_epi8(0x1f), zero = _mm_setzero_si128();
    __m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
    /* byte <= 0x1f (unsigned) <=> the saturating byte - 0x1f is 0 */
    __m128i sa = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(a, quote), _mm_cmpeq_epi8(a, bslash)),
                              _mm_cmpeq_epi8(_mm_subs_epu8(a, ctl), zero));
    __m128i sb = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(b, quote), _mm_cmpeq_epi8(b, bslash)),
                              _mm_cmpeq_epi8(_mm_subs_epu8(b, ctl), zero));
    return (uint32_t)_mm_movemask_epi8(sa) | (uint32_t)_mm_movemask_epi8(sb) << 16;
}
#endif

/* The first byte at or after p (before end) that is '"', '\\' or below 0x20; end if none. */
static inline const char *next_special(const char *p, const char *end)
{
#ifdef __SSE2__
    while (end - p >= 32) {
        uint32_t m = special32(p);
        if (m)
            return p + __builtin_ctz(m);
        p += 32;
    }
#endif
    while (WORD_SCAN && end - p >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        uint64_t m = special_mask(v);
        if (m)
            return p + (__builtin_ctzll(m) >> 3);
        p += 8;
    }
    while (p < end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
        p++;
    return p;
}

/* A string at j->p. raw/rawn: its bytes between the quotes, esc: whether any is escaped.
 * Plain bytes are passed over many at a time; each special one is looked at alone. */
static bool jstring_raw(jscan *j, const char **raw, size_t *rawn, bool *esc)
{
    jws(j);
    if (j->p >= j->end || *j->p != '"')
        return false;
    const char *p = ++j->p;
    *esc = false;
    for (;;) {
        p = next_special(p, j->end);
        if (p >= j->end)
            return false;   /* no closing quote */
        if (*p == '"')
            break;
        if ((unsigned char)*p < 0x20)
            return false;
        /* a backslash */
        *esc = true;
        if (++p >= j->end || !*p || !strchr("\"\\/bfnrtu", *p))
            return false;
        char utf8[4];
        if (*p == 'u' && (j->end - p < 5 || !utf8_escape(p + 1, utf8)))
            return false;
        p++;
    }
    *raw = j->p;
    *rawn = (size_t)(p - j->p);
    j->p = p + 1;
    return true;
}

/* jstring_raw's common case inline, without a call: a string right at j->p (no blank before
 * it) that ends within 32 bytes with no escape; anything else goes to jstring_raw. */
static inline bool jstring_quick(jscan *j, const char **raw, size_t *rawn, bool *esc)
{
#ifdef __SSE2__
    const char *p = j->p;
    if (j->end - p > 32 && *p == '"') {
        uint32_t m = special32(p + 1);
        const char *q = p + 1 + (m ? __builtin_ctz(m) : 0);
        if (m && *q == '"') {
            *raw = p + 1;
            *rawn = (size_t)(q - p - 1);
            *esc = false;
            j->p = q + 1;
            return true;
        }
    }
#endif
    return jstring_raw(j, raw, rawn, esc);
}

/* jstring_decode of an escaped string (rare: apart, so that the plain case stays inline). */
static __attribute__((noinline)) bool jstring_unescape(jscan *j, const char *raw, size_t n,
                                                       const char **out, size_t *len)
{
    char *s = (char *)raw;   /* inside the copy, which is ours to write */
    if (j->nul && !(s = arena_alloc(j->a, n + 1)))
        return false;
    if (!unescape(raw, n, s, len))
        return false;
    *out = *len ? s : NULL;
    return true;
}

/* A string value, decoded where it lies: the scan runs over the page's own copy of the body
 * (jscan_account_page) or a body handed to it (jscan_account_page_owned), so the closing quote
 * becomes the string's NUL; in a copy escapes shrink in place (a decoded escape is never
 * longer than its text), in a body handed over the NUL is noted (to be undone) and an escaped
 * string goes to the arena. NULL when empty, as json-c's reader makes it. */
static inline __attribute__((always_inline)) bool jstring_decode(jscan *j, const char *raw,
                                                                  size_t n, bool esc,
                                                                  const char **out, size_t *len)
{
    if (esc)
        return jstring_unescape(j, raw, n, out, len);
    char *s = (char *)raw;
    if (j->nul) {
        if (j->n_nul == j->cap_nul)
            return false;   /* more strings than noted room: read from a copy instead */
        j->nul[j->n_nul++] = (uint32_t)(s + n - j->base);
    }
    s[n] = '\0';
    *len = n;
    *out = n ? s : NULL;
    return true;
}

static bool jstring(jscan *j, const char **out)
{
    const char *raw;
    size_t n, len = 0;
    bool esc;
    return jstring_quick(j, &raw, &n, &esc) && jstring_decode(j, raw, n, esc, out, &len);
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)? with at most 18 integer digits; *uint set to the value when it
 * is a plain non-negative integer (else -1). */
static bool jnumber(jscan *j, long long *uint)
{
    const char *p = j->p;
    bool neg = p < j->end && *p == '-', frac = false;
    p += neg;
    const char *d = p;
    while (p < j->end && *p >= '0' && *p <= '9')
        p++;
    size_t nd = (size_t)(p - d);
    if (nd == 0 || nd > 18 || (nd > 1 && *d == '0'))
        return false;
    if (p < j->end && *p == '.') {
        const char *f = ++p;
        while (p < j->end && *p >= '0' && *p <= '9')
            p++;
        if (p == f)
            return false;
        frac = true;
    }
    if (p < j->end && (*p == 'e' || *p == 'E'))
        return false;
    long long v = 0;
    for (size_t i = 0; i < nd; i++)
        v = v * 10 + (d[i] - '0');
    if (uint)
        *uint = neg || frac ? -1 : v;
    if (neg && (frac || v == 0) && uint)
        return false;   /* -0 and negative fractions: json-c's number rules decide */
    j->p = p;
    return true;
}

static bool jskip(jscan *j);

static bool jskip_members(jscan *j, char close, bool keys)
{
    if (++j->depth > FAST_DEPTH)
        return false;
    j->p++;
    if (jchar(j, close)) {
        j->depth--;
        return true;
    }
    do {
        const char *raw;
        size_t n;
        bool esc;
        if (keys && (!jstring_raw(j, &raw, &n, &esc) || !jchar(j, ':')))
            return false;
        if (!jskip(j))
            return false;
    } while (jchar(j, ','));
    j->depth--;
    return jchar(j, close);
}

/* Any value, checked and passed over. */
static bool jskip(jscan *j)
{
    jws(j);
    if (j->p >= j->end)
        return false;
    const char *raw;
    size_t n;
    bool esc;
    switch (*j->p) {
    case '{': return jskip_members(j, '}', true);
    case '[': return jskip_members(j, ']', false);
    case '"': return jstring_raw(j, &raw, &n, &esc);
    case 't': return jlit(j, "true", 4);
    case 'f': return jlit(j, "false", 5);
    case 'n': return jlit(j, "null", 4);
    default: return jnumber(j, NULL);
    }
}

/* The value of a string field: a non-empty string, or NULL for any other value. */
static bool jfield_str(jscan *j, const char **out)
{
    jws(j);
    if (j->p < j->end && *j->p == '"')
        return jstring(j, out);
    *out = NULL;
    return jskip(j);
}

/* memcmp(a, b, n) == 0 without a call, for the short strings of a row (keys, statuses, names):
 * from 4 bytes on, words that overlap at the end instead of a loop over the tail. */
static inline __attribute__((always_inline)) bool bytes_eq(const char *a, const char *b, size_t n)
{
    if (n >= 8) {
        uint64_t x, y;
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y)
                return false;
        }
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) {
        uint32_t x0, y0, x1, y1;
        memcpy(&x0, a, 4);
        memcpy(&y0, b, 4);
        memcpy(&x1, a + n - 4, 4);
        memcpy(&y1, b + n - 4, 4);
        return x0 == y0 && x1 == y1;
    }
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

/* Fills way m->next with the string s of n bytes (no quote, backslash or control byte). */
static void shared_put(shared_str *m, const char *s, size_t n)
{
    unsigned i = m->next;
    char w[8] = { 0 };
    size_t k = n < 8 ? n : 8;
    memcpy(w, s, k);
    if (k < 8)
        w[k++] = '"';
    uint64_t head;
    memcpy(&head, w, 8);
    m->s[i] = s;
    m->n[i] = n;
    m->head[i] = head;
    m->mask[i] = k == 8 ? ~0ull : (UINT64_C(1) << (8 * k)) - 1;
    m->last = i;
    m->next = (i + 1) % SHARED_WAYS;
}

/* jfield_shared for a value the memo does not hold: read, then remembered (unless escaped).
 * Apart, so that the common case saves no registers for these calls. */
static __attribute__((noinline)) bool jfield_shared_new(jscan *j, const char **out, shared_str *m)
{
    const char *raw;
    size_t n, len = 0;
    bool esc;
    if (!jstring_quick(j, &raw, &n, &esc))
        return false;
    if (!jstring_decode(j, raw, n, esc, out, &len))
        return false;
    if (*out && !esc)
        shared_put(m, *out, len);
    return true;
}

/* jfield_str for a field whose values repeat from row to row (shared_str). */
static bool jfield_shared(jscan *j, const char **out, shared_str *m)
{
    jws(j);
    if (j->p >= j->end || *j->p != '"') {
        *out = NULL;
        return jskip(j);
    }
    /* A value the memo holds, right here: its bytes, then the closing quote. The memo's values
     * hold no quote, backslash or control byte, so these bytes are that string whole, as the
     * scan below would read it (without the scan for its end). Its first word is compared
     * first: for a value shorter than 8 bytes that word holds its quote too and decides. */
    const char *p = j->p + 1;
    size_t room = (size_t)(j->end - p);
    if (WORD_SCAN && room >= 8) {
        uint64_t w = load8(p);
        for (unsigned k = 0; k < SHARED_WAYS; k++) {
            unsigned i = (m->last + k) % SHARED_WAYS;
            if ((w & m->mask[i]) != m->head[i])
                continue;
            size_t vn = m->n[i];
            if (vn < 8 || (vn < room && p[vn] == '"' && bytes_eq(m->s[i] + 8, p + 8, vn - 8))) {
                *out = m->s[i];
                m->last = i;
                j->p = p + vn + 1;
                return true;
            }
        }
    } else {
        for (unsigned k = 0; k < SHARED_WAYS; k++) {
            unsigned i = (m->last + k) % SHARED_WAYS;
            size_t vn = m->n[i];
            if (m->s[i] && vn < room && p[vn] == '"' && bytes_eq(m->s[i], p, vn)) {
                *out = m->s[i];
                m->last = i;
                j->p = p + vn + 1;
                return true;
            }
        }
    }
    return jfield_shared_new(j, out, m);
}

/* state_from_wire(status), remembered for the shared statuses of a page. */
static sk_state row_state(jscan *j, const char *status)
{
    if (!status)
        return state_from_wire(NULL);
    for (unsigned i = 0; i < SHARED_WAYS; i++)
        if (j->state_of[i] == status)
            return j->state[i];
    sk_state st = state_from_wire(status);
    j->state_of[j->state_next] = status;
    j->state[j->state_next] = st;
    j->state_next = (j->state_next + 1) % SHARED_WAYS;
    return st;
}

/* The times of a page as servers write them, "YYYY-MM-DDTHH:MM:SS", an optional '.' and
 * digits, then "Z", read in one go: every row has three (time_parse_rfc3339n's general reader
 * took a fifth of a page's parse). Anything else, valid or not, goes to that reader, and what
 * this one accepts it reads to the same instant (test_jscan holds them to each other). */

/* The bytes of w (8, in memory order) that `digit` flags (0xff each) are all '0'..'9' and the
 * others equal those of `fixed`: a byte b is a digit when b ^ '0' has no high nibble and stays
 * below 16 with 6 added (no carry crosses a byte: the high nibbles are 0 by then). */
static inline bool word_shape(uint64_t w, uint64_t digit, uint64_t fixed)
{
    uint64_t t = (w ^ 0x3030303030303030ull) & digit;
    bool digits = ((t & 0xf0f0f0f0f0f0f0f0ull) | ((t + 0x0606060606060606ull) & 0x1010101010101010ull)) == 0;
    return digits && (w & ~digit) == fixed;
}

/* The first day of a month (Unix days) and its length, for its bytes "YYYY-MM" as they stand
 * in a time (a word's first 7 bytes): a page's times fall in a few dozen months, so the
 * calendar is worked out once a month of a page, not once a time. Key 0: an empty slot (a
 * month's key has digits in it). */
#define MONTH_BITS 5
#define MONTH_SLOTS (1u << MONTH_BITS)
typedef struct month_memo {
    uint64_t key;
    int32_t days;
    uint8_t len;
} month_memo;

/* Days since 1970-01-01 of y-mo-01 (years 0-9999) and the month's length; false for a month
 * out of range. time_days_from_civil in unsigned arithmetic: the year moved one era (400
 * years, 146097 days) up so that it is never negative. */
static __attribute__((noinline)) bool month_start(unsigned y, unsigned mo, int32_t *days,
                                                  uint8_t *len)
{
    static const unsigned char dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (mo < 1 || mo > 12)
        return false;
    *len = (uint8_t)(dm[mo - 1] + (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)));
    unsigned yy = y + 400 - (mo <= 2), era = yy / 400, yoe = yy - era * 400;
    unsigned doy = (153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    *days = (int32_t)((int64_t)era * 146097 + doe - 719468 - 146097);
    return true;
}

/* Bytes 0-18 of the plain form, "YYYY-MM-DDTHH:MM:SS", every digit and separator checked,
 * read to Unix seconds; false for another shape or a field out of range. The digits are read a
 * word at a time: their values (separators masked out), then each byte plus ten times the one
 * before it, so byte k holds digits k and k + 1 as a number (at most 99: no carry). The three
 * words' checks are one test (no branch a word); the month comes from memo when it holds it
 * (NULL: none). */
static inline __attribute__((always_inline)) bool plain_time_head(const char *s, int64_t *out,
                                                                   month_memo *memo)
{
    const uint64_t da = 0x00ffff00ffffffffull, db = 0xffff00ffff00ffffull,
                   zeros = 0x3030303030303030ull, hi = 0xf0f0f0f0f0f0f0f0ull,
                   six = 0x0606060606060606ull, carry = 0x1010101010101010ull;
    if (!WORD_SCAN)
        return false;
    uint64_t a = load8(s), b = load8(s + 8), c = load8(s + 11);   /* c: bytes 11 to 18 */
    uint64_t xa = (a ^ zeros) & da, xb = (b ^ zeros) & db, xc = (c ^ zeros) & db;
    /* word_shape of the three at once: digits where flagged, the separators elsewhere */
    uint64_t bad = (xa & hi) | ((xa + six) & carry) | (xb & hi) | ((xb + six) & carry) |
                   (xc & hi) | ((xc + six) & carry) |
                   ((a & ~da) ^ ((uint64_t)'-' << 32 | (uint64_t)'-' << 56)) |
                   ((b & ~db) ^ ((uint64_t)'T' << 16 | (uint64_t)':' << 40)) |
                   ((c & ~db) ^ ((uint64_t)':' << 16 | (uint64_t)':' << 40));
    if (bad)
        return false;
    uint64_t pb = xb * 10 + (xb >> 8), pc = xc * 10 + (xc >> 8);
    unsigned d = (unsigned)(pb & 0xff), h = (unsigned)(pb >> 24 & 0xff),
             mi = (unsigned)(pb >> 48 & 0xff), se = (unsigned)(pc >> 48 & 0xff);
    uint64_t key = a & 0x00ffffffffffffffull;   /* "YYYY-MM" */
    month_memo local, *m = memo ? &memo[(key * 0x9e3779b97f4a7c15ull) >> (64 - MONTH_BITS)] : &local;
    if (!memo || m->key != key) {
        uint64_t pa = xa * 10 + (xa >> 8);
        unsigned y = (unsigned)(pa & 0xff) * 100 + (unsigned)(pa >> 16 & 0xff),
                 mo = (unsigned)(pa >> 40 & 0xff);
        if (!month_start(y, mo, &m->days, &m->len))
            return false;
        m->key = key;
    }
    if (d < 1 || d > m->len || h > 23 || mi > 59 || se > 60)
        return false;
    *out = ((int64_t)m->days + d - 1) * 86400 + h * 3600 + mi * 60 + se;
    return true;
}

static bool plain_time(const char *s, size_t n, int64_t *out)
{
    if (n < 20 || s[n - 1] != 'Z')
        return false;
    if (n > 20) {
        if (n < 22 || s[19] != '.')
            return false;
        size_t i = 20;
        for (; i + 8 < n; i += 8)
            if (!word_shape(load8(s + i), ~0ull, 0))
                return false;
        for (; i + 1 < n; i++)
            if ((unsigned)(s[i] - '0') > 9)
                return false;
    }
    return plain_time_head(s, out, NULL);
}

/* How many of the 8 bytes at p, from the first, are digits. A byte is one when its value ^ '0'
 * has no high nibble and stays below 16 with 6 added; the lowest flagged byte is exact (no
 * carry reaches it from the digits below). */
static inline size_t digit_run8(const char *p)
{
    uint64_t t = load8(p) ^ 0x3030303030303030ull;
    uint64_t m = (t & 0xf0f0f0f0f0f0f0f0ull) | ((t + 0x0606060606060606ull) & 0x1010101010101010ull);
    return m ? (size_t)__builtin_ctzll(m) / 8 : 8;
}

/* The length of a time of the plain form's shape at p (of room bytes) up to its 'Z', when a
 * quote follows it; 0 otherwise. Only the 'Z' and the fraction's digits are looked at here
 * (the fraction a word at a time). */
static size_t plain_time_len(const char *p, size_t room)
{
    if (room < 21)
        return 0;
    if (p[19] == 'Z')
        return p[20] == '"' ? 20 : 0;
    if (p[19] != '.')
        return 0;
    size_t i = 20;
    for (size_t k = 8; WORD_SCAN && k == 8 && room - i >= 8; i += k)
        k = digit_run8(p + i);
    while (i < room && (unsigned)(p[i] - '0') <= 9)
        i++;
    return i > 20 && i + 1 < room && p[i] == 'Z' && p[i + 1] == '"' ? i + 1 : 0;
}

/* jfield_time for a time string that is not of the plain form right here (escaped, another
 * form, or not a time): read whole, then the general reader decides. Apart, so that the
 * common case keeps no buffer on its stack. */
static __attribute__((noinline)) bool jfield_time_other(jscan *j, int64_t *out, unsigned bit)
{
    const char *raw;
    size_t n;
    bool esc;
    char small[64];   /* an escaped time decoded (longer ones go to the arena) */
    if (!jstring_quick(j, &raw, &n, &esc))
        return false;
    if (esc) {
        char *o = n < sizeof small ? small : arena_alloc(j->a, n + 1);
        if (!o || !unescape(raw, n, o, &n))
            return false;
        raw = o;
    }
    if (!n)
        *out = SK_TIME_ABSENT;
    else if (!plain_time(raw, n, out))
        *out = time_parse_rfc3339n(raw, n);
    if (n && *out == SK_TIME_ABSENT)
        j->row_bad |= bit;
    else
        j->row_bad &= ~bit;
    return true;
}

/* A time is read where it lies in the body (no copy); one with escapes is decoded first. */
static bool jfield_time(jscan *j, int64_t *out, unsigned bit)
{
    jws(j);
    if (j->p >= j->end || *j->p != '"') {
        *out = SK_TIME_ABSENT;
        j->row_bad &= ~bit;
        return jskip(j);
    }
    /* The plain form right here: its bytes are digits and separators only (plain_time_len
     * checks the fraction and the 'Z', plain_time_head the rest), so the string ends at the
     * quote after its 'Z', as the scan below would find. */
    size_t pn = plain_time_len(j->p + 1, (size_t)(j->end - j->p - 1));
    if (pn && plain_time_head(j->p + 1, out, j->months)) {
        j->p += pn + 2;
        j->row_bad &= ~bit;
        return true;
    }
    return jfield_time_other(j, out, bit);
}

/* An object's members: key (no escapes) then value, handed to fn. */
typedef bool (*member_fn)(jscan *j, const char *key, size_t kn, void *ud);

static bool jobject(jscan *j, member_fn fn, void *ud)
{
    if (!jchar(j, '{') || ++j->depth > FAST_DEPTH)
        return false;
    if (jchar(j, '}')) {
        j->depth--;
        return true;
    }
    do {
        const char *key;
        size_t kn;
        bool esc;
        if (!jstring_quick(j, &key, &kn, &esc) || esc || !jchar(j, ':') || !fn(j, key, kn, ud))
            return false;
    } while (jchar(j, ','));
    j->depth--;
    return jchar(j, '}');
}

static bool key_is(const char *k, size_t n, const char *name)
{
    return strlen(name) == n && memcmp(k, name, n) == 0;
}

static bool account_value(jscan *j, sk_account *acc, enum wire_field f)
{
    switch (f) {
    case WIRE_ID: return jfield_str(j, &acc->id);
    case WIRE_IDENTIFIER: return jfield_str(j, &acc->identifier);
    case WIRE_CONNECTOR: return jfield_shared(j, &acc->connector, &j->shared[SHARE_CONNECTOR]);
    case WIRE_CONNECTION_ID:
        return jfield_shared(j, &acc->connection_id, &j->shared[SHARE_CONNECTION_ID]);
    case WIRE_PROVIDER: return jfield_shared(j, &acc->provider, &j->shared[SHARE_PROVIDER]);
    case WIRE_STATUS: return jfield_shared(j, &acc->status, &j->shared[SHARE_STATUS]);
    case WIRE_AUTH_TYPE:
        return jfield_shared(j, &acc->authorization_type, &j->shared[SHARE_AUTH]);
    case WIRE_EXPIRES: return jfield_time(j, &acc->token_expires_at, 1u);
    case WIRE_UPDATED: return jfield_time(j, &acc->updated_at, 2u);
    case WIRE_LAST_USED: return jfield_time(j, &acc->last_used_at, 4u);
    case WIRE_NONE: break;
    }
    return jskip(j);
}

/* An account's keys, quotes and colon included, in the order of enum wire_field, which is the
 * order servers write them in (skemu, Scalekit's examples). */
static const struct row_key {
    const char *text;
    size_t n;
} row_keys[] = {
    { "\"id\":", 5 }, { "\"identifier\":", 13 }, { "\"connector\":", 12 },
    { "\"connection_id\":", 16 }, { "\"provider\":", 11 }, { "\"status\":", 9 },
    { "\"authorization_type\":", 21 }, { "\"token_expires_at\":", 19 },
    { "\"updated_at\":", 13 }, { "\"last_used_at\":", 15 },
};
#define ROW_KEYS (sizeof row_keys / sizeof row_keys[0])
_Static_assert(WIRE_ID == 1 && WIRE_LAST_USED == ROW_KEYS, "row_keys[f - 1] is field f's key");

/* The key text (quotes and colon included, n bytes) right here, with a byte after it. */
static inline __attribute__((always_inline)) bool at_key(const jscan *j, const char *text,
                                                          size_t n)
{
    return (size_t)(j->end - j->p) > n && bytes_eq(j->p, text, n);
}

/* An account object, as jobject with account_value, but a key at its expected place (after
 * the one before it, at the start after "id") is matched whole with one compare: the same
 * bytes the general way would read as that key, without a scan for its end and a lookup of
 * its name. Rows as servers write them (every key, in order) go down a straight line of
 * such compares, each of a constant length with its value's reader called directly; at the
 * first key that is not the expected one (absent fields, another order, blanks before the
 * colon) the general loop takes over, and its expectation follows the keys it reads. */
static bool account_object(jscan *j, sk_account *acc)
{
    if (!jchar(j, '{') || ++j->depth > FAST_DEPTH)
        return false;
    if (jchar(j, '}')) {
        j->depth--;
        return true;
    }
    size_t next;   /* row_keys index of the key expected next */
    /* The first key, right after the brace; each next one with the comma before it, in one
     * compare of the bytes ",\"key\":" (blanks, or no comma, take the long way: jchar, then
     * the key alone). */
#define EXPECT_FIRST(i, lit, read)                                       \
    jws(j);                                                             \
    if (!at_key(j, lit, sizeof lit - 1)) {                              \
        next = i;                                                       \
        goto general;                                                   \
    }                                                                   \
    j->p += sizeof lit - 1;                                             \
    if (!(read))                                                        \
        return false;
#define EXPECT(i, lit, read)                                             \
    if (at_key(j, lit, sizeof lit - 1)) {                               \
        j->p += sizeof lit - 1;                                         \
    } else {                                                            \
        if (!jchar(j, ','))                                             \
            goto end;                                                   \
        jws(j);                                                         \
        if (!at_key(j, lit + 1, sizeof lit - 2)) {                      \
            next = i;                                                   \
            goto general;                                               \
        }                                                               \
        j->p += sizeof lit - 2;                                         \
    }                                                                   \
    if (!(read))                                                        \
        return false;
    EXPECT_FIRST(0, "\"id\":", jfield_str(j, &acc->id))
    EXPECT(1, ",\"identifier\":", jfield_str(j, &acc->identifier))
    EXPECT(2, ",\"connector\":", jfield_shared(j, &acc->connector, &j->shared[SHARE_CONNECTOR]))
    EXPECT(3, ",\"connection_id\":",
           jfield_shared(j, &acc->connection_id, &j->shared[SHARE_CONNECTION_ID]))
    EXPECT(4, ",\"provider\":", jfield_shared(j, &acc->provider, &j->shared[SHARE_PROVIDER]))
    EXPECT(5, ",\"status\":", jfield_shared(j, &acc->status, &j->shared[SHARE_STATUS]))
    EXPECT(6, ",\"authorization_type\":",
           jfield_shared(j, &acc->authorization_type, &j->shared[SHARE_AUTH]))
    EXPECT(7, ",\"token_expires_at\":", jfield_time(j, &acc->token_expires_at, 1u))
    EXPECT(8, ",\"updated_at\":", jfield_time(j, &acc->updated_at, 2u))
    EXPECT(9, ",\"last_used_at\":", jfield_time(j, &acc->last_used_at, 4u))
#undef EXPECT
#undef EXPECT_FIRST
    if (!jchar(j, ','))
        goto end;
    next = ROW_KEYS;   /* more members after every expected one */
general:
    for (;;) {
        enum wire_field f;
        jws(j);
        if (next < ROW_KEYS && at_key(j, row_keys[next].text, row_keys[next].n)) {
            j->p += row_keys[next].n;
            f = (enum wire_field)(next + 1);
        } else {
            const char *key;
            size_t kn;
            bool esc;
            if (!jstring_quick(j, &key, &kn, &esc) || esc || !jchar(j, ':'))
                return false;
            f = wire_account_field(key, kn);
        }
        if (f != WIRE_NONE)
            next = (size_t)f;
        if (!account_value(j, acc, f))
            return false;
        if (!jchar(j, ','))
            break;
    }
end:
    j->depth--;
    return jchar(j, '}');
}

typedef struct fast_page {
    sk_account *rows;           /* in the arena */
    size_t n, cap, guess;
    const char *next;
    long long total;
    size_t bad_times;           /* the rows' times that could not be read */
} fast_page;

static bool fast_row(jscan *j, fast_page *fp)
{
    jws(j);
    if (j->p >= j->end || *j->p != '{')
        return jskip(j);   /* not an object: skipped, as the json-c path does */
    if (fp->n == fp->cap) {
        /* Rows grow in the page's arena (an outgrown array stays there until the page is
         * freed); the first guess from the body's size holds a whole page of 99. */
        size_t cap = fp->cap ? fp->cap * 2 : fp->guess;
        sk_account *r = cap <= SIZE_MAX / sizeof *r ? arena_alloc(j->a, cap * sizeof *r) : NULL;
        if (!r)
            return false;
        if (fp->n)
            memcpy(r, fp->rows, fp->n * sizeof *r);
        fp->rows = r;
        fp->cap = cap;
    }
    /* Copied from a constant, not memset then set: a memset of a row's size became `rep
     * stos`, whose start-up cost a fifth of this function's time. */
    static const sk_account blank = { .token_expires_at = SK_TIME_ABSENT,
                                      .updated_at = SK_TIME_ABSENT,
                                      .last_used_at = SK_TIME_ABSENT };
    sk_account *acc = &fp->rows[fp->n];
    *acc = blank;
    j->row_bad = 0;
    if (!account_object(j, acc))
        return false;
    fp->bad_times += (j->row_bad & 1u) + (j->row_bad >> 1 & 1u) + (j->row_bad >> 2 & 1u);
    acc->state = row_state(j, acc->status);
    fp->n++;
    return true;
}

/* "connected_accounts": null (no rows) or an array; a later duplicate replaces an earlier one. */
static bool fast_rows(jscan *j, fast_page *fp)
{
    fp->n = 0;
    fp->bad_times = 0;
    jws(j);
    if (jlit(j, "null", 4))
        return true;
    if (!jchar(j, '[') || ++j->depth > FAST_DEPTH)
        return false;
    if (!jchar(j, ']')) {
        do {
            if (!fast_row(j, fp))
                return false;
        } while (jchar(j, ','));
        if (!jchar(j, ']'))
            return false;
    }
    j->depth--;
    return true;
}

/* total_size as count_of reads it: a non-negative integer or a string of at most 18 digits. */
static bool fast_total(jscan *j, long long *out)
{
    jws(j);
    if (j->p < j->end && (*j->p == '-' || (*j->p >= '0' && *j->p <= '9')))
        return jnumber(j, out);
    const char *s = NULL;
    if (j->p < j->end && *j->p == '"') {
        if (!jstring(j, &s))
            return false;
        *out = s && strlen(s) <= 18 && strspn(s, "0123456789") == strlen(s) ? strtoll(s, NULL, 10)
                                                                              : -1;
        return true;
    }
    *out = -1;
    return jskip(j);
}

static bool page_member(jscan *j, const char *k, size_t n, void *ud)
{
    fast_page *fp = ud;
    if (key_is(k, n, "connected_accounts"))
        return fast_rows(j, fp);
    if (key_is(k, n, "next_page_token")) {
        /* Not a string nor null: json-c's reader refuses the page (parse.c says why). */
        jws(j);
        if (j->p < j->end && *j->p != '"' && *j->p != 'n')
            return false;
        return jfield_str(j, &fp->next);
    }
    if (key_is(k, n, "total_size"))
        return fast_total(j, &fp->total);
    return jskip(j);
}

/* Rows of a page to make room for at first: an account takes about 300 bytes on the wire. */
static size_t rows_guess(size_t len)
{
    size_t n = len / 256 + 8;
    return n < 1024 ? n : 1024;
}

/* Reads the page at buf[0..len) (buf[len] is NUL) into out with arena a. */
static bool scan_page(jscan *j, char *buf, size_t len, sk_arena *a, sk_account_page *out)
{
    fast_page fp = { NULL, 0, 0, rows_guess(len), NULL, -1, 0 };
    month_memo months[MONTH_SLOTS];
    memset(months, 0, sizeof months);
    j->months = months;
    for (unsigned f = 0; f < SHARE_FIELDS; f++)
        for (unsigned i = 0; i < SHARED_WAYS; i++)
            j->shared[f].head[i] = 1;   /* empty: no word matches (mask 0) */
    j->p = buf;
    j->end = buf + len;
    j->a = a;
    bool ok = jobject(j, page_member, &fp);
    jws(j);
    if (!ok || j->p != j->end)
        return false;
    out->rows = fp.n ? fp.rows : NULL;
    out->n = fp.n;
    out->next_page_token = fp.next;
    out->total_size = fp.total;
    out->arena = a;
    out->bad_times = fp.bad_times;
    return true;
}

bool jscan_account_page(const char *body, size_t len, sk_account_page *out)
{
    if (!body || len == 0 || len > INT_MAX)
        return false;
    sk_arena *a = arena_new(ARENA_BLOCK);
    char *copy = a ? arena_alloc(a, len + 1) : NULL;
    if (!copy) {
        arena_free(a);
        return false;
    }
    memcpy(copy, body, len);
    copy[len] = '\0';
    jscan j;
    memset(&j, 0, sizeof j);
    if (!scan_page(&j, copy, len, a, out)) {
        arena_free(a);
        return false;
    }
    return true;
}

/* Strings a page read in place may end: two a row (id, identifier) and the first of each
 * shared value, for a page of 99 rows about 220. */
#define NUL_NOTES 1024

bool jscan_account_page_owned(char *body, size_t len, sk_account_page *out)
{
    if (!body || len == 0 || len > INT_MAX || body[len] != '\0')
        return false;
    sk_arena *a = arena_new(ARENA_BLOCK);
    uint32_t *notes = a ? arena_alloc(a, NUL_NOTES * sizeof *notes) : NULL;
    jscan j;
    memset(&j, 0, sizeof j);
    j.nul = notes;
    j.cap_nul = NUL_NOTES;
    j.base = body;
    if (notes && scan_page(&j, body, len, a, out)) {
        if (arena_adopt(a, body, len + 1))
            return true;
        memset(out, 0, sizeof *out);
    }
    for (unsigned i = 0; i < j.n_nul; i++)
        body[j.nul[i]] = '"';   /* as it came: every NUL noted was a closing quote */
    arena_free(a);
    return false;
}

/* ---------------------------------------------------------------- the next page's token */

#define PEEK_TAIL 4096   /* the token follows the rows: only the body's end is looked at */

bool jscan_peek_next_token(const char *body, size_t len, char *out, size_t cap)
{
    static const char key[] = "\"next_page_token\"";
    const size_t kn = sizeof key - 1;
    if (!body || !cap || len < kn)
        return false;
    const char *lo = len > PEEK_TAIL ? body + len - PEEK_TAIL : body;
    for (const char *k = body + len - kn; k >= lo; k--) {
        if (*k != '"' || memcmp(k, key, kn) != 0)
            continue;
        const char *p = k + kn, *end = body + len;
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
            p++;
        if (p >= end || *p++ != ':')
            return false;
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
            p++;
        if (p >= end || *p++ != '"')
            return false;
        const char *s = p;
        while (p < end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
            p++;
        size_t n = (size_t)(p - s);
        if (p >= end || *p != '"' || n == 0 || n >= cap)
            return false;   /* escaped, cut, empty or too long: the parse decides */
        memcpy(out, s, n);
        out[n] = '\0';
        return true;
    }
    return false;
}
