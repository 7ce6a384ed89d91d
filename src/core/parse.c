/* parse.c: defensive parsers for every body the Scalekit API sends, on json-c.
 * Missing, null, "" and wrong JSON types all read as absent; only a body that is not the
 * expected object is an error. Strings are copied into the result's arena. */
#include "parse.h"

#include <limits.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "util.h"

#define ARENA_BLOCK 8192
#define SNIPPET_MAX 80   /* bytes of a non-JSON error body quoted in a message */
#define JSON_DEPTH 64    /* api_config may nest a little; anything deeper is refused */

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

/* The zone suffix: Z or +HH:MM / -HH:MM, as seconds east of UTC. */
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
    int hh, mm;
    if (!digits(p, 2, &hh) || !expect(p, ':', ':') || !digits(p, 2, &mm) || hh > 23 || mm > 59)
        return false;
    *offset = sign * (hh * 3600 + mm * 60);
    return true;
}

int64_t parse_rfc3339(const char *s)
{
    if (!s || !*s)
        return SK_TIME_ABSENT;
    const char *p = s;
    int y, mo, d, h, mi, se, offset;
    if (!digits(&p, 4, &y) || !expect(&p, '-', '-') || !digits(&p, 2, &mo) ||
        !expect(&p, '-', '-') || !digits(&p, 2, &d) || !expect(&p, 'T', 't') ||
        !digits(&p, 2, &h) || !expect(&p, ':', ':') || !digits(&p, 2, &mi) ||
        !expect(&p, ':', ':') || !digits(&p, 2, &se))
        return SK_TIME_ABSENT;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 60)
        return SK_TIME_ABSENT;
    if (*p == '.') {   /* fraction: 1..9 digits, dropped (seconds are enough to show) */
        p++;
        int n = 0;
        while (p[n] >= '0' && p[n] <= '9')
            n++;
        if (n < 1 || n > 9)
            return SK_TIME_ABSENT;
        p += n;
    }
    if (!parse_zone(&p, &offset) || *p != '\0')
        return SK_TIME_ABSENT;
    return days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se -
           offset;
}

/* ---------------------------------------------------------------- json helpers */

/* Parses the whole body; anything that is not a JSON object at the top is SK_ERR_PARSE. */
static json_object *parse_object(const char *body, size_t len, const char *what, sk_error *err)
{
    if (!body || len == 0) {
        sk_error_set(err, SK_ERR_PARSE, "%s: empty answer body", what);
        return NULL;
    }
    if (len > INT_MAX) {
        sk_error_set(err, SK_ERR_PARSE, "%s: answer body too large (%zu bytes)", what, len);
        return NULL;
    }
    json_tokener *tok = json_tokener_new_ex(JSON_DEPTH);
    if (!tok) {
        sk_error_set(err, SK_ERR_NOMEM, "%s: out of memory", what);
        return NULL;
    }
    json_object *o = json_tokener_parse_ex(tok, body, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t used = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (!o || jerr != json_tokener_success) {
        json_object_put(o);
        sk_error_set(err, SK_ERR_PARSE, "%s: answer is not valid JSON (%s)", what,
                     jerr == json_tokener_continue ? "truncated" : json_tokener_error_desc(jerr));
        return NULL;
    }
    for (size_t i = used; i < len; i++) {
        if (!strchr(" \t\r\n", body[i])) {
            json_object_put(o);
            sk_error_set(err, SK_ERR_PARSE, "%s: trailing bytes after the JSON answer", what);
            return NULL;
        }
    }
    if (!json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        sk_error_set(err, SK_ERR_PARSE, "%s: answer is not a JSON object", what);
        return NULL;
    }
    return o;
}

/* The member `key` of o when o is an object and the member has type t; NULL otherwise. */
static json_object *member(json_object *o, const char *key, json_type t)
{
    json_object *v = NULL;
    if (!o || !json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v))
        return NULL;
    return json_object_is_type(v, t) ? v : NULL;
}

/* A JSON string copied into the arena as a C string. JSON allows "\u0000"; a C string would
 * end there, silently cutting ("alice\u0000evil" -> "alice") or emptying the value, so each NUL
 * becomes U+FFFD: the value stays whole and visibly odd. NULL for "" (absent) or on OOM
 * (*oom set). */
static const char *json_str_dup(sk_arena *a, json_object *v, bool *oom)
{
    int n = json_object_get_string_len(v);
    if (n <= 0)
        return NULL;
    const char *src = json_object_get_string(v);
    size_t nuls = (size_t)n - strnlen(src, (size_t)n);
    if (nuls == 0) {
        char *s = arena_strndup(a, src, (size_t)n);
        if (!s)
            *oom = true;
        return s;
    }
    for (int i = 0; i < n; i++)
        nuls += src[i] == '\0';   /* strnlen only found the first one */
    char *s = arena_alloc(a, (size_t)n + 2 * nuls + 1);
    if (!s) {
        *oom = true;
        return NULL;
    }
    size_t k = 0;
    for (int i = 0; i < n; i++) {
        if (src[i] == '\0') {
            memcpy(s + k, "\xef\xbf\xbd", 3);
            k += 3;
        } else {
            s[k++] = src[i];
        }
    }
    s[k] = '\0';
    return s;
}

/* A non-empty string member copied into the arena; NULL when absent, "", null or not a string.
 * *oom is set when the copy failed. */
static const char *str_of(sk_arena *a, json_object *o, const char *key, bool *oom)
{
    json_object *v = member(o, key, json_type_string);
    if (!v)
        return NULL;
    return json_str_dup(a, v, oom);
}

static int64_t time_of(json_object *o, const char *key)
{
    json_object *v = member(o, key, json_type_string);
    return v ? parse_rfc3339(json_object_get_string(v)) : SK_TIME_ABSENT;
}

/* A non-negative integer given as a JSON number or, as grpc-gateway writes int64, a string of
 * digits; -1 when absent or anything else. */
static long long count_of(json_object *o, const char *key)
{
    json_object *v = member(o, key, json_type_int);
    if (v) {
        int64_t n = json_object_get_int64(v);
        return n >= 0 ? n : -1;
    }
    v = member(o, key, json_type_string);
    if (!v)
        return -1;
    const char *s = json_object_get_string(v);
    if (!*s || strlen(s) > 18 || strspn(s, "0123456789") != strlen(s))
        return -1;
    return strtoll(s, NULL, 10);
}

static sk_status oom_error(sk_error *err, const char *what)
{
    sk_error_set(err, SK_ERR_NOMEM, "%s: out of memory", what);
    return SK_ERR_NOMEM;
}

/* ---------------------------------------------------------------- token */

sk_status parse_token(const char *body, size_t len, sk_token *out, sk_error *err)
{
    memset(out, 0, sizeof *out);
    json_object *o = parse_object(body, len, "token answer", err);
    if (!o)
        return err->status;
    json_object *at = member(o, "access_token", json_type_string);
    int at_len = at ? json_object_get_string_len(at) : 0;
    if (at_len <= 0 || strnlen(json_object_get_string(at), (size_t)at_len) != (size_t)at_len) {
        /* A token with a NUL in it would be sent cut short: refuse it as a broken answer. */
        json_object_put(o);
        sk_error_set(err, SK_ERR_PARSE, "token answer: no usable access_token");
        return SK_ERR_PARSE;
    }
    out->access_token = strdup(json_object_get_string(at));
    json_object *tt = member(o, "token_type", json_type_string);
    out->token_type = strdup(tt ? json_object_get_string(tt) : "Bearer");
    long long ttl = count_of(o, "expires_in");
    out->expires_in = ttl > 0 && ttl < LONG_MAX ? (long)ttl : 0;
    json_object_put(o);
    if (!out->access_token || !out->token_type) {
        token_free(out);
        return oom_error(err, "token answer");
    }
    return SK_OK;
}

void token_free(sk_token *t)
{
    if (!t)
        return;
    if (t->access_token) {
        secure_wipe(t->access_token, strlen(t->access_token));
        free(t->access_token);
    }
    free(t->token_type);
    memset(t, 0, sizeof *t);
}

/* ---------------------------------------------------------------- accounts */

enum acc_field {
    F_NONE, F_ID, F_IDENTIFIER, F_CONNECTOR, F_CONNECTION_ID, F_PROVIDER, F_STATUS, F_AUTH_TYPE,
    F_EXPIRES, F_UPDATED, F_LAST_USED
};

/* The field a member name k (n bytes, no NUL needed) stands for: its length and at most
 * one comparison decide (every key of every row comes here). */
static enum acc_field acc_field_of(const char *k, size_t n)
{
#define IS(lit) (n == sizeof lit - 1 && memcmp(k, lit, n) == 0)
    switch (n) {
    case 2: return IS("id") ? F_ID : F_NONE;
    case 6: return IS("status") ? F_STATUS : F_NONE;
    case 8: return IS("provider") ? F_PROVIDER : F_NONE;
    case 9: return IS("connector") ? F_CONNECTOR : F_NONE;
    case 10: return IS("identifier") ? F_IDENTIFIER : IS("updated_at") ? F_UPDATED : F_NONE;
    case 12: return IS("last_used_at") ? F_LAST_USED : F_NONE;
    case 13: return IS("connection_id") ? F_CONNECTION_ID : F_NONE;
    case 16: return IS("token_expires_at") ? F_EXPIRES : F_NONE;
    case 18: return IS("authorization_type") ? F_AUTH_TYPE : F_NONE;
    default: return F_NONE;
    }
#undef IS
}

/* A non-empty JSON string copied into the arena; NULL otherwise (*oom when the copy failed). */
static const char *str_val(sk_arena *a, json_object *v, bool *oom)
{
    return json_object_is_type(v, json_type_string) ? json_str_dup(a, v, oom) : NULL;
}

static int64_t time_val(json_object *v)
{
    return json_object_is_type(v, json_type_string) ? parse_rfc3339(json_object_get_string(v))
                                                    : SK_TIME_ABSENT;
}

/* One pass over the row's members (a lookup per field would hash every name again; json-c
 * keeps the last of duplicate names either way). */
static bool fill_account(sk_arena *a, json_object *o, sk_account *acc)
{
    bool oom = false;
    memset(acc, 0, sizeof *acc);
    acc->token_expires_at = acc->updated_at = acc->last_used_at = SK_TIME_ABSENT;
    json_object_object_foreach(o, key, v) {
        switch (acc_field_of(key, strlen(key))) {
        case F_ID: acc->id = str_val(a, v, &oom); break;
        case F_IDENTIFIER: acc->identifier = str_val(a, v, &oom); break;
        case F_CONNECTOR: acc->connector = str_val(a, v, &oom); break;
        case F_CONNECTION_ID: acc->connection_id = str_val(a, v, &oom); break;
        case F_PROVIDER: acc->provider = str_val(a, v, &oom); break;
        case F_STATUS: acc->status = str_val(a, v, &oom); break;
        case F_AUTH_TYPE: acc->authorization_type = str_val(a, v, &oom); break;
        case F_EXPIRES: acc->token_expires_at = time_val(v); break;
        case F_UPDATED: acc->updated_at = time_val(v); break;
        case F_LAST_USED: acc->last_used_at = time_val(v); break;
        case F_NONE: break;
        }
    }
    acc->state = state_from_wire(acc->status);
    return !oom;
}

/* What a page of accounts and a page of connections differ in: the array's key and how one
 * row is read. Everything else (absent array, bad rows, next token, total) is one reader. */
typedef struct page_kind {
    const char *what;     /* for error messages: "accounts page" */
    const char *key;      /* the array: "connected_accounts" */
    size_t row_size;
    bool (*fill)(sk_arena *a, json_object *o, void *row);   /* false: out of memory */
} page_kind;

/* The parts every page has; the typed page structs are filled from it. */
typedef struct page_parts {
    void *rows;
    size_t n;
    const char *next_page_token;
    long long total_size;
    sk_arena *arena;
} page_parts;

static sk_status parse_page(const char *body, size_t len, const page_kind *k, page_parts *out,
                            sk_error *err)
{
    memset(out, 0, sizeof *out);
    out->total_size = -1;
    json_object *o = parse_object(body, len, k->what, err);
    if (!o)
        return err->status;
    json_object *arr = NULL;
    bool present = json_object_object_get_ex(o, k->key, &arr) && arr;
    if (present && !json_object_is_type(arr, json_type_array)) {
        json_object_put(o);
        sk_error_set(err, SK_ERR_PARSE, "%s: \"%s\" is not an array", k->what, k->key);
        return SK_ERR_PARSE;
    }
    /* A missing or null array is an empty page: grpc-gateway omits empty repeated fields. */
    size_t n = present ? json_object_array_length(arr) : 0;
    bool oom = false;
    out->arena = arena_new(ARENA_BLOCK);
    out->rows = n && out->arena ? arena_alloc(out->arena, n * k->row_size) : NULL;
    if (!out->arena || (n && !out->rows))
        oom = true;
    for (size_t i = 0; i < n && !oom; i++) {
        json_object *row = json_object_array_get_idx(arr, i);
        if (!json_object_is_type(row, json_type_object))
            continue;   /* one bad row does not spoil the page */
        if (!k->fill(out->arena, row, (char *)out->rows + out->n++ * k->row_size))
            oom = true;
    }
    if (!oom) {
        out->next_page_token = str_of(out->arena, o, "next_page_token", &oom);
        out->total_size = count_of(o, "total_size");
    }
    json_object_put(o);
    if (oom) {
        arena_free(out->arena);
        memset(out, 0, sizeof *out);
        out->total_size = -1;
        return oom_error(err, k->what);
    }
    return SK_OK;
}

static bool fill_account_row(sk_arena *a, json_object *o, void *row)
{
    return fill_account(a, o, row);
}

static const page_kind account_page_kind = {
    "accounts page", "connected_accounts", sizeof(sk_account), fill_account_row
};

sk_status parse_account_page_dom(const char *body, size_t len, sk_account_page *out,
                                 sk_error *err)
{
    page_parts pp;
    sk_status st = parse_page(body, len, &account_page_kind, &pp, err);
    *out = (sk_account_page){ pp.rows, pp.n, pp.next_page_token, pp.total_size, pp.arena };
    return st;
}

/* ---------------------------------------------------------------- accounts: the fast path */

/* A listing spends most of its client time here, and json-c's tree (an allocation per value,
 * freed page by page) cost ~2.6 us per account. This reader goes once over a page that is
 * plain JSON (no \u0000 or surrogate escapes, no exponents, keys without escapes, depth <= 32)
 * and copies what it keeps straight into the arena. Anything else, valid or not, makes it give
 * up and the json-c parser above decides, so results and errors are json-c's in every case. */

#define FAST_DEPTH 32

typedef struct jscan {
    const char *p, *end;
    sk_arena *a;
    int depth;
} jscan;

static void jws(jscan *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static bool jchar(jscan *j, char c)
{
    jws(j);
    if (j->p >= j->end || *j->p != c)
        return false;
    j->p++;
    return true;
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
static inline uint64_t special_mask(uint64_t v)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t q = v ^ (ones * '"'), b = v ^ (ones * '\\');
    return (((q - ones) & ~q) | ((b - ones) & ~b) | ((v - ones * 0x20) & ~v)) & high;
}

/* A string at j->p. raw/rawn: its bytes between the quotes, esc: whether any is escaped.
 * Plain bytes are passed over eight at a time; each special one is looked at alone. */
static bool jstring_raw(jscan *j, const char **raw, size_t *rawn, bool *esc)
{
    jws(j);
    if (j->p >= j->end || *j->p != '"')
        return false;
    const char *p = ++j->p;
    *esc = false;
    for (;;) {
        if (WORD_SCAN && j->end - p >= 8) {
            uint64_t v;
            memcpy(&v, p, 8);
            uint64_t m = special_mask(v);
            if (!m) {
                p += 8;
                continue;
            }
            p += __builtin_ctzll(m) >> 3;
        } else if (p >= j->end) {
            return false;   /* no closing quote */
        }
        if (*p == '"')
            break;
        if ((unsigned char)*p < 0x20)
            return false;
        if (*p == '\\') {
            *esc = true;
            if (++p >= j->end || !*p || !strchr("\"\\/bfnrtu", *p))
                return false;
            char utf8[4];
            if (*p == 'u' && (j->end - p < 5 || !utf8_escape(p + 1, utf8)))
                return false;
        }
        p++;
    }
    *raw = j->p;
    *rawn = (size_t)(p - j->p);
    j->p = p + 1;
    return true;
}

/* A string value copied into the arena (NULL when empty, as json-c's reader makes it). */
static bool jstring(jscan *j, const char **out)
{
    const char *raw;
    size_t n, len;
    bool esc;
    if (!jstring_raw(j, &raw, &n, &esc))
        return false;
    char *s = arena_alloc(j->a, n + 1);
    if (!s)
        return false;
    if (esc) {
        if (!unescape(raw, n, s, &len))
            return false;
    } else {
        memcpy(s, raw, n);
        s[n] = '\0';
        len = n;
    }
    *out = len ? s : NULL;
    return true;
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

static bool jfield_time(jscan *j, int64_t *out)
{
    jws(j);
    const char *s = NULL;
    bool str = j->p < j->end && *j->p == '"';
    if (str ? !jstring(j, &s) : !jskip(j))
        return false;
    *out = s ? parse_rfc3339(s) : SK_TIME_ABSENT;
    return true;
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
        if (!jstring_raw(j, &key, &kn, &esc) || esc || !jchar(j, ':') || !fn(j, key, kn, ud))
            return false;
    } while (jchar(j, ','));
    j->depth--;
    return jchar(j, '}');
}

static bool key_is(const char *k, size_t n, const char *name)
{
    return strlen(name) == n && memcmp(k, name, n) == 0;
}

static bool account_member(jscan *j, const char *k, size_t n, void *ud)
{
    sk_account *acc = ud;
    switch (acc_field_of(k, n)) {
    case F_ID: return jfield_str(j, &acc->id);
    case F_IDENTIFIER: return jfield_str(j, &acc->identifier);
    case F_CONNECTOR: return jfield_str(j, &acc->connector);
    case F_CONNECTION_ID: return jfield_str(j, &acc->connection_id);
    case F_PROVIDER: return jfield_str(j, &acc->provider);
    case F_STATUS: return jfield_str(j, &acc->status);
    case F_AUTH_TYPE: return jfield_str(j, &acc->authorization_type);
    case F_EXPIRES: return jfield_time(j, &acc->token_expires_at);
    case F_UPDATED: return jfield_time(j, &acc->updated_at);
    case F_LAST_USED: return jfield_time(j, &acc->last_used_at);
    case F_NONE: break;
    }
    return jskip(j);
}

typedef struct fast_page {
    sk_account *rows;           /* malloc'd while reading, moved into the arena at the end */
    size_t n, cap;
    const char *next;
    long long total;
} fast_page;

static bool fast_row(jscan *j, fast_page *fp)
{
    jws(j);
    if (j->p >= j->end || *j->p != '{')
        return jskip(j);   /* not an object: skipped, as the json-c path does */
    if (fp->n == fp->cap) {
        size_t cap = fp->cap ? fp->cap * 2 : 128;
        sk_account *r = realloc(fp->rows, cap * sizeof *r);
        if (!r)
            return false;
        fp->rows = r;
        fp->cap = cap;
    }
    sk_account *acc = &fp->rows[fp->n];
    memset(acc, 0, sizeof *acc);
    acc->token_expires_at = acc->updated_at = acc->last_used_at = SK_TIME_ABSENT;
    if (!jobject(j, account_member, acc))
        return false;
    acc->state = state_from_wire(acc->status);
    fp->n++;
    return true;
}

/* "connected_accounts": null (no rows) or an array; a later duplicate replaces an earlier one. */
static bool fast_rows(jscan *j, fast_page *fp)
{
    fp->n = 0;
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
    if (key_is(k, n, "next_page_token"))
        return jfield_str(j, &fp->next);
    if (key_is(k, n, "total_size"))
        return fast_total(j, &fp->total);
    return jskip(j);
}

static bool fast_account_page(const char *body, size_t len, sk_account_page *out)
{
    if (!body || len == 0 || len > INT_MAX)
        return false;
    fast_page fp = { NULL, 0, 0, NULL, -1 };
    jscan j = { body, body + len, arena_new(ARENA_BLOCK), 0 };
    bool ok = j.a && jobject(&j, page_member, &fp);
    jws(&j);
    ok = ok && j.p == j.end;
    sk_account *rows = ok && fp.n ? arena_alloc(j.a, fp.n * sizeof *rows) : NULL;
    if (!ok || (fp.n && !rows)) {
        free(fp.rows);
        arena_free(j.a);
        return false;
    }
    if (fp.n)
        memcpy(rows, fp.rows, fp.n * sizeof *rows);
    free(fp.rows);
    out->rows = rows;
    out->n = fp.n;
    out->next_page_token = fp.next;
    out->total_size = fp.total;
    out->arena = j.a;
    return true;
}

sk_status parse_account_page(const char *body, size_t len, sk_account_page *out, sk_error *err)
{
    memset(out, 0, sizeof *out);
    out->total_size = -1;
    if (fast_account_page(body, len, out)) {
        sk_error_clear(err);
        return SK_OK;
    }
    return parse_account_page_dom(body, len, out, err);
}

void account_page_free(sk_account_page *p)
{
    if (!p)
        return;
    arena_free(p->arena);
    memset(p, 0, sizeof *p);
    p->total_size = -1;
}

/* ---------------------------------------------------------------- one account */

static bool fill_scopes(sk_arena *a, json_object *oauth, sk_account_detail *d)
{
    json_object *arr = member(oauth, "scopes", json_type_array);
    size_t n = arr ? json_object_array_length(arr) : 0;
    if (!n)
        return true;
    d->scopes = arena_alloc(a, n * sizeof *d->scopes);
    if (!d->scopes)
        return false;
    for (size_t i = 0; i < n; i++) {
        json_object *v = json_object_array_get_idx(arr, i);
        if (!json_object_is_type(v, json_type_string))
            continue;
        bool oom = false;
        const char *s = json_str_dup(a, v, &oom);
        if (oom)
            return false;
        if (!s)
            continue;
        d->scopes[d->n_scopes++] = s;
    }
    return true;
}

/* Only the non-secret parts of authorization_details are read: scopes and domain.
 * access_token, refresh_token and static_auth are never looked at. */
static bool fill_detail(sk_arena *a, json_object *acc, sk_account_detail *d)
{
    bool oom = !fill_account(a, acc, &d->a);
    json_object *oauth = member(member(acc, "authorization_details", json_type_object),
                                "oauth_token", json_type_object);
    if (oauth) {
        d->domain = str_of(a, oauth, "domain", &oom);
        if (!fill_scopes(a, oauth, d))
            oom = true;
    }
    json_object *cfg = member(acc, "api_config", json_type_object);
    if (cfg && !oom) {
        const char *js = json_object_to_json_string_ext(cfg, JSON_C_TO_STRING_PLAIN);
        d->api_config_json = js ? arena_strdup(a, js) : NULL;
        if (!d->api_config_json)
            oom = true;
    }
    return !oom;
}

sk_status parse_account_detail(const char *body, size_t len, sk_detail_result *out, sk_error *err)
{
    const char *what = "account answer";
    memset(out, 0, sizeof *out);
    json_object *o = parse_object(body, len, what, err);
    if (!o)
        return err->status;
    json_object *acc = member(o, "connected_account", json_type_object);
    if (!acc) {
        json_object_put(o);
        sk_error_set(err, SK_ERR_PARSE, "%s: no \"connected_account\" object", what);
        return SK_ERR_PARSE;
    }
    out->arena = arena_new(ARENA_BLOCK);
    bool ok = out->arena && fill_detail(out->arena, acc, &out->d);
    json_object_put(o);
    if (!ok) {
        detail_result_free(out);
        return oom_error(err, what);
    }
    return SK_OK;
}

void detail_result_free(sk_detail_result *r)
{
    if (!r)
        return;
    arena_free(r->arena);
    memset(r, 0, sizeof *r);
}

/* ---------------------------------------------------------------- connections */

static bool fill_connection(sk_arena *a, json_object *o, sk_connection *c)
{
    bool oom = false;
    c->id = str_of(a, o, "id", &oom);
    c->name = str_of(a, o, "key_id", &oom);
    c->provider = str_of(a, o, "provider_key", &oom);
    c->type = str_of(a, o, "type", &oom);
    c->status = str_of(a, o, "status", &oom);
    json_object *en = member(o, "enabled", json_type_boolean);
    c->enabled = en ? json_object_get_boolean(en) : false;
    c->created_at = time_of(o, "created_at");
    return !oom;
}

static bool fill_connection_row(sk_arena *a, json_object *o, void *row)
{
    return fill_connection(a, o, row);
}

static const page_kind connection_page_kind = {
    "connections page", "connections", sizeof(sk_connection), fill_connection_row
};

sk_status parse_connection_page(const char *body, size_t len, sk_connection_page *out,
                                sk_error *err)
{
    page_parts pp;
    sk_status st = parse_page(body, len, &connection_page_kind, &pp, err);
    *out = (sk_connection_page){ pp.rows, pp.n, pp.next_page_token, pp.total_size, pp.arena };
    return st;
}

void connection_page_free(sk_connection_page *p)
{
    if (!p)
        return;
    arena_free(p->arena);
    memset(p, 0, sizeof *p);
    p->total_size = -1;
}

/* ---------------------------------------------------------------- magic link */

sk_status parse_link(const char *body, size_t len, sk_link_result *out, sk_error *err)
{
    const char *what = "link answer";
    memset(out, 0, sizeof *out);
    json_object *o = parse_object(body, len, what, err);
    if (!o)
        return err->status;
    bool oom = false;
    out->arena = arena_new(ARENA_BLOCK);
    if (!out->arena)
        oom = true;
    else
        out->l.link = str_of(out->arena, o, "link", &oom);
    out->l.expiry = time_of(o, "expiry");
    json_object_put(o);
    if (oom) {
        link_result_free(out);
        return oom_error(err, what);
    }
    if (!out->l.link) {
        link_result_free(out);
        sk_error_set(err, SK_ERR_PARSE, "%s: no \"link\" in the answer", what);
        return SK_ERR_PARSE;
    }
    return SK_OK;
}

void link_result_free(sk_link_result *r)
{
    if (!r)
        return;
    arena_free(r->arena);
    memset(r, 0, sizeof *r);
}

/* ---------------------------------------------------------------- error bodies */

static sk_status status_for_http(long http_status)
{
    if (http_status == 401)
        return SK_ERR_AUTH;
    if (http_status == 404)
        return SK_ERR_NOT_FOUND;
    return SK_ERR_API;
}

/* The first details[].error_code of a Scalekit error body, or NULL. */
static const char *error_code_of(json_object *o)
{
    json_object *details = member(o, "details", json_type_array);
    size_t n = details ? json_object_array_length(details) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *ec = member(json_object_array_get_idx(details, i), "error_code",
                                 json_type_string);
        if (ec && json_object_get_string_len(ec) > 0)
            return json_object_get_string(ec);
    }
    return NULL;
}

static const char *nonempty_str(json_object *o, const char *key)
{
    json_object *v = member(o, key, json_type_string);
    return v && json_object_get_string_len(v) > 0 ? json_object_get_string(v) : NULL;
}

/* Scalekit's or RFC 6749's error object -> message. False when o has neither shape. */
static bool error_from_json(json_object *o, long http_status, sk_error *err)
{
    sk_status st = status_for_http(http_status);
    const char *msg = nonempty_str(o, "message");
    const char *code = error_code_of(o);
    json_object *grpc = member(o, "code", json_type_int);
    const char *oauth_err = nonempty_str(o, "error");
    const char *oauth_desc = nonempty_str(o, "error_description");
    if (!msg && !code && !grpc && !oauth_err && !oauth_desc)
        return false;
    if (msg || code || grpc) {
        if (!msg)
            msg = oauth_desc ? oauth_desc : "request failed";
        if (code)
            sk_error_set(err, st, "HTTP %ld: %.160s (%.40s)", http_status, msg, code);
        else
            sk_error_set(err, st, "HTTP %ld: %.200s", http_status, msg);
    } else if (oauth_desc && oauth_err) {
        sk_error_set(err, st, "HTTP %ld: %.160s (%.40s)", http_status, oauth_desc, oauth_err);
    } else {
        sk_error_set(err, st, "HTTP %ld: %.200s", http_status, oauth_desc ? oauth_desc : oauth_err);
    }
    if (grpc)
        err->grpc_code = json_object_get_int(grpc);
    return true;
}

static const char *http_reason(long s)
{
    switch (s) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "error";
    }
}

/* A non-JSON body: the status, and the first bytes of the body on one line (sk_error_set
 * escapes anything unprintable). */
static void error_from_text(const char *body, size_t len, long http_status, sk_error *err)
{
    char snip[SNIPPET_MAX + 1];
    size_t n = 0;
    for (size_t i = 0; body && i < len && n < SNIPPET_MAX; i++) {
        char c = body[i];
        if (c == '\r' || c == '\n' || c == '\t')
            c = ' ';
        if (c == ' ' && (n == 0 || snip[n - 1] == ' '))
            continue;
        if (c == '\0')
            break;
        snip[n++] = c;
    }
    while (n > 0 && snip[n - 1] == ' ')
        n--;
    snip[n] = '\0';
    if (n)
        sk_error_set(err, status_for_http(http_status), "HTTP %ld %s: %s%s", http_status,
                     http_reason(http_status), snip, len > SNIPPET_MAX ? "..." : "");
    else
        sk_error_set(err, status_for_http(http_status), "HTTP %ld %s", http_status,
                     http_reason(http_status));
}

void parse_error_body(const char *body, size_t len, long http_status, sk_error *err)
{
    if (!err)
        return;
    sk_error_clear(err);
    json_object *o = NULL;
    if (body && len > 0 && len <= INT_MAX) {
        json_tokener *tok = json_tokener_new();
        if (tok) {
            o = json_tokener_parse_ex(tok, body, (int)len);
            if (json_tokener_get_error(tok) != json_tokener_success) {
                json_object_put(o);
                o = NULL;
            }
            json_tokener_free(tok);
        }
    }
    if (!(o && json_object_is_type(o, json_type_object) && error_from_json(o, http_status, err)))
        error_from_text(body, len, http_status, err);
    json_object_put(o);
    err->http_status = http_status;
}
