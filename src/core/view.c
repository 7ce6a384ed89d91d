/* view.c: the display list of a pane: parsing what the user typed after '/', filtering the
 * store's rows and sorting them; every row is kept sorted between calls so that a keystroke is
 * a scan (100,000 rows in a few ms) and a page of new rows is a merge. */
#include "view.h"

#include "sk_time.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const sort_names[SK_SORT_COUNT] = {
    "identifier", "state", "token expiry", "last used", "updated"
};

const char *sort_key_name(sk_sort_key k)
{
    return (unsigned)k < SK_SORT_COUNT ? sort_names[k] : "identifier";
}

void view_spec_init(sk_view_spec *v)
{
    memset(v, 0, sizeof *v);
    v->state_mask = SK_ALL_STATES;
    v->sort = SK_SORT_IDENTIFIER;
}

/* ---------------------------------------------------------------- parsing */

static size_t utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

/* Append one free-text word to text, single-space separated, cut to fit. */
static void text_append(char *text, const char *w, size_t wl)
{
    size_t len = strlen(text);
    if (len && len + 1 < SK_FILTER_MAX)
        text[len++] = ' ';
    size_t room = SK_FILTER_MAX - 1 - len;
    size_t n = utf8_cut(w, wl, room);
    memcpy(text + len, w, n);
    text[len + n] = '\0';
}

/* "key:value" with key matched in any case; *val gets what follows the colon. */
static bool token_key(const char *w, size_t wl, const char *key, const char **val, size_t *vl)
{
    size_t kl = strlen(key);
    if (wl <= kl || strncasecmp(w, key, kl) != 0 || w[kl] != ':')
        return false;
    *val = w + kl + 1;
    *vl = wl - kl - 1;
    return true;
}

/* One comma-separated item of a token's value: the next one from *val, its length in *il. */
static bool next_item(const char **val, size_t *vl, const char **item, size_t *il)
{
    if (*vl == 0)
        return false;
    const char *c = memchr(*val, ',', *vl);
    *item = *val;
    *il = c ? (size_t)(c - *val) : *vl;
    size_t used = c ? *il + 1 : *il;
    *val += used;
    *vl -= used;
    return true;
}

/* A value ending in a comma ("state:expired,") or with two in a row is half typed: refused,
 * so nothing applies part of what the user meant. */
static bool list_complete(const char *key, const char *val, size_t vl, char *msg, size_t msgn)
{
    bool empty = vl == 0 || val[0] == ',' || val[vl - 1] == ',';
    for (size_t i = 0; i + 1 < vl && !empty; i++)
        empty = val[i] == ',' && val[i + 1] == ',';
    if (empty)
        snprintf(msg, msgn, "%s: a name is missing (%s:a,b means a or b)", key, key);
    return !empty;
}

static bool parse_word(sk_view_spec *t, unsigned *mask, const char *w, size_t wl, char *msg,
                       size_t msgn)
{
    const char *val, *item;
    size_t vl, il;
    if (token_key(w, wl, "state", &val, &vl)) {
        if (!list_complete("state", val, vl, msg, msgn))
            return false;
        while (next_item(&val, &vl, &item, &il)) {
            char name[32];
            sk_state st;
            size_t n = il < sizeof name - 1 ? il : sizeof name - 1;
            memcpy(name, item, n);
            name[n] = '\0';
            if (il >= sizeof name || !state_parse(name, &st)) {
                snprintf(msg, msgn,
                         "unknown state \"%.*s\" (pending, active, expired, revoked, error)",
                         (int)(il > 40 ? 40 : il), item);
                return false;
            }
            *mask |= 1u << st;
        }
    } else if (token_key(w, wl, "conn", &val, &vl) || token_key(w, wl, "connection", &val, &vl)) {
        if (!list_complete("conn", val, vl, msg, msgn))
            return false;
        while (next_item(&val, &vl, &item, &il)) {
            if (il >= sizeof t->connections[0]) {
                snprintf(msg, msgn, "connection name too long");
                return false;
            }
            if (t->n_connections >= SK_VIEW_MAX_CONNS) {
                snprintf(msg, msgn, "at most %d connections", SK_VIEW_MAX_CONNS);
                return false;
            }
            memcpy(t->connections[t->n_connections], item, il);
            t->connections[t->n_connections++][il] = '\0';
        }
    } else {
        text_append(t->text, w, wl);
    }
    return true;
}

/* Appends printf-style to buf (of n), never past its end. */
static void describe_add(char *buf, size_t n, const char *fmt, const char *a, const char *b)
{
    size_t len = strlen(buf);
    if (len + 1 < n)
        snprintf(buf + len, n - len, fmt, a, b);
}

void view_spec_describe(const sk_view_spec *v, unsigned base_mask, char *buf, size_t n)
{
    if (!n)
        return;
    buf[0] = '\0';
    if ((v->state_mask & base_mask) != base_mask) {
        describe_add(buf, n, "%s%s", "state ", "");
        if (!(v->state_mask & base_mask))
            describe_add(buf, n, "%s%s", "(none of this view's)", "");
        bool first = true;
        for (int s = 0; s < SK_STATE_COUNT; s++)
            if (v->state_mask & base_mask & (1u << s)) {
                describe_add(buf, n, "%s%s", first ? "" : " or ", state_name((sk_state)s));
                first = false;
            }
    }
    for (size_t i = 0; i < v->n_connections; i++)
        describe_add(buf, n, "%s%s", i ? " or " : *buf ? ", conn " : "conn ", v->connections[i]);
    if (v->text[0])
        describe_add(buf, n, *buf ? ", text \"%s\"%s" : "text \"%s\"%s", v->text, "");
    if (!*buf)
        describe_add(buf, n, "%s%s", "everything", "");
}

bool view_spec_parse(sk_view_spec *v, const char *typed, unsigned base_mask, char *msg, size_t msgn)
{
    char dummy[8];
    if (!msg || !msgn) {
        msg = dummy;
        msgn = sizeof dummy;
    }
    msg[0] = '\0';
    /* Parse into a copy so a bad token leaves the current filter untouched. */
    sk_view_spec t = *v;
    t.text[0] = '\0';
    t.n_connections = 0;
    unsigned mask = 0;
    const char *p = typed ? typed : "";
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        const char *w = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        if (!parse_word(&t, &mask, w, (size_t)(p - w), msg, msgn))
            return false;
    }
    t.state_mask = mask ? (mask & base_mask) : base_mask;
    *v = t;
    return true;
}

/* ---------------------------------------------------------------- filtering */

static unsigned char fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Case-insensitive (ASCII) substring test; needle already folded, nl >= 1. */
static bool ci_contains(const char *hay, const unsigned char *needle, size_t nl)
{
    if (!hay)
        return false;
    const unsigned char *h = (const unsigned char *)hay;
    unsigned char first = needle[0];
    for (; *h; h++) {
        if (fold(*h) != first)
            continue;
        size_t i = 1;
        while (i < nl && fold(h[i]) == needle[i])   /* h[i] == 0 never equals a needle byte */
            i++;
        if (i == nl)
            return true;
    }
    return false;
}

/* Which characters a string holds, as 32 bits (letters folded, '@' and '.', one bit each;
 * digits and other bytes share the rest): a string whose bits miss one of the needle's cannot
 * hold it, and is skipped without being read. */
static uint32_t char_bit(unsigned char c)
{
    c = fold(c);
    if (c >= 'a' && c <= 'z')
        return UINT32_C(1) << (c - 'a');
    if (c == '@' || c == '.')
        return UINT32_C(1) << (c == '@' ? 26 : 27);
    if (c >= '0' && c <= '9')
        return UINT32_C(1) << (28 + c % 2);
    return UINT32_C(1) << (30 + c % 2);
}

/* A character that has a bit of its own: a needle of that one character is answered by it. */
static bool char_bit_exact(unsigned char c)
{
    c = fold(c);
    return (c >= 'a' && c <= 'z') || c == '@' || c == '.';
}

static uint32_t str_sig(const char *s)
{
    uint32_t sig = 0;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
        sig |= char_bit(*p);
    return sig;
}

/* The same, and above it the pairs of adjacent characters (folded) hashed into 32 bits: a
 * needle of a few characters has pairs most identifiers miss, where single characters are in
 * nearly all of them. A needle of one letter (or '@', '.') is answered by its bit alone. */
static uint64_t str_sig2(const char *s)
{
    uint64_t sig = 0;
    unsigned prev = 0;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        unsigned c = fold(*p);
        sig |= char_bit(*p);
        if (prev)
            sig |= UINT64_C(1) << (32 + ((uint32_t)(prev << 8 | c) * 0x9E3779B1u >> 27));
        prev = c;
    }
    return sig;
}

/* What a keystroke reads of a row, 16 bytes per row side by side (a store row is several times
 * that): its strings' signatures, whether it is live, its state and its connection. Indexed by
 * row, as of the store's layout (view cache). */
typedef struct frec {
    uint64_t ident_sig;         /* str_sig2 of the identifier */
    uint32_t id_sig;            /* str_sig of the id */
    uint32_t meta;              /* bit 0 live, bits 1-3 state, bits 4-31 connection + 1 (0: none) */
} frec;

#define META_CONN_FAR 0x0FFFFFFFu   /* a connection too high to pack: read from the store row */

static frec frec_of(const sk_store *s, const sk_store_row *r)
{
    frec f = { 0, 0, 0 };   /* not live */
    if (!(r->flags & SK_STORE_ROW_LIVE))
        return f;
    unsigned st = r->state < SK_STATE_COUNT ? r->state : SK_STATE_ERROR;
    uint32_t c = r->conn == SK_CONN_NONE       ? 0
                 : r->conn < META_CONN_FAR - 1 ? r->conn + 1
                                               : META_CONN_FAR;
    f.ident_sig = str_sig2(store_row_identifier(s, r));
    f.id_sig = str_sig(store_row_id(s, r));
    f.meta = 1u | (uint32_t)st << 1 | c << 4;
    return f;
}

/* A spec made ready for the scan: the folded needle, and per connection (creation index + 1;
 * 0 for rows without one) whether the connection filter keeps it and whether its name matches
 * the text. */
typedef struct filter {
    const sk_view_spec *spec;
    unsigned char needle[SK_FILTER_MAX];
    size_t nl;
    uint64_t sig;               /* str_sig2 of the needle */
    bool letter;                /* the needle is one character with a bit of its own
                                   (char_bit_exact): its signature bit is the answer */
    bool pred;                  /* the saved view has a predicate */
    unsigned states;            /* state bits kept (the saved view's folded in) */
    const sk_store *store;
    const sk_store_row *rows;
    const frec *recs;           /* frec per row (view cache); only when !filter_all */
    int64_t now;
    uint8_t *conn;              /* bit 1: kept by conn: tokens, bit 2: name contains the text */
    size_t n_conn;              /* entries of conn: store_conn_limit() + 1 */
} filter;

enum { CONN_KEPT = 1, CONN_TEXT = 2 };

static void needle_fold(const sk_view_spec *spec, unsigned char *needle, size_t *nl)
{
    size_t n = 0;
    for (const char *p = spec->text; *p && n < SK_FILTER_MAX - 1; p++)
        needle[n++] = fold((unsigned char)*p);
    needle[n] = '\0';
    *nl = n;
}

static uint8_t conn_bits(const filter *f, const char *name)
{
    const sk_view_spec *sp = f->spec;
    uint8_t b = 0;
    if (!sp->n_connections)
        b |= CONN_KEPT;
    for (size_t i = 0; i < sp->n_connections && !(b & CONN_KEPT); i++)
        if (name && strcmp(name, sp->connections[i]) == 0)
            b |= CONN_KEPT;
    if (f->nl && ci_contains(name, f->needle, f->nl))
        b |= CONN_TEXT;
    return b;
}

static bool filter_init(filter *f, const sk_view_spec *spec, const sk_store *s)
{
    f->spec = spec;
    needle_fold(spec, f->needle, &f->nl);
    f->sig = str_sig2((const char *)f->needle);
    f->letter = f->nl == 1 && char_bit_exact(f->needle[0]);
    f->pred = spec->saved && spec->saved->match;
    f->states = spec->state_mask & SK_ALL_STATES;
    if (spec->saved)
        f->states &= spec->saved->state_mask;
    f->store = s;
    f->rows = store_rows(s);
    f->recs = NULL;
    f->now = f->pred ? time_now() : 0;
    f->n_conn = store_conn_limit(s) + 1;
    f->conn = malloc(f->n_conn);
    if (!f->conn)
        return false;
    f->conn[0] = conn_bits(f, NULL);
    for (size_t c = 1; c < f->n_conn; c++)
        f->conn[c] = conn_bits(f, store_conn_name(s, (uint32_t)(c - 1)));
    return true;
}

static void filter_free(filter *f)
{
    free(f->conn);
    f->conn = NULL;
}

/* Everything passes: the display list is every row. */
static bool filter_all(const filter *f)
{
    return f->states == SK_ALL_STATES && !f->spec->n_connections && f->nl == 0 && !f->pred;
}

/* The parts of filter_row that read the store (a saved view's predicate, the strings): out of
 * line, so the scan over the records stays a tight loop. */
static __attribute__((noinline)) bool row_pred(const filter *f, sk_row ri)
{
    sk_account acc;
    store_get(f->store, ri, &acc);
    return f->spec->saved->match(&acc, f->now);
}

static __attribute__((noinline)) bool row_text(const filter *f, sk_row ri, bool in_ident, bool in_id)
{
    const sk_store_row *r = &f->rows[ri];
    return (in_ident && ci_contains(store_row_identifier(f->store, r), f->needle, f->nl)) ||
           (in_id && ci_contains(store_row_id(f->store, r), f->needle, f->nl));
}

static inline bool filter_row(const filter *f, sk_row ri)
{
    const frec *fr = &f->recs[ri];
    uint32_t m = fr->meta;
    if (!(m & 1u) || !(f->states & (1u << (m >> 1 & 7u))))
        return false;
    uint32_t cc = m >> 4;
    if (cc == META_CONN_FAR)
        cc = f->rows[ri].conn == SK_CONN_NONE ? 0 : f->rows[ri].conn + 1;
    uint8_t cb = cc < f->n_conn ? f->conn[cc] : f->conn[0];
    if (!(cb & CONN_KEPT) || (f->pred && !row_pred(f, ri)))
        return false;
    if (f->nl == 0 || (cb & CONN_TEXT))
        return true;
    bool in_ident = (fr->ident_sig & f->sig) == f->sig;
    bool in_id = (fr->id_sig & (uint32_t)f->sig) == (uint32_t)f->sig;
    if (f->letter || !(in_ident || in_id))
        return in_ident || in_id;
    return row_text(f, ri, in_ident, in_id);
}

/* ---------------------------------------------------------------- sorting */

/* Trouble first: what needs the admin comes to the top (order documented in view.h). */
static const uint8_t state_rank[SK_STATE_COUNT] = {
    [SK_STATE_ERROR] = 0, [SK_STATE_EXPIRED] = 1, [SK_STATE_REVOKED] = 2,
    [SK_STATE_PENDING] = 3, [SK_STATE_ACTIVE] = 4,
};

/* The order a view sorts by. */
typedef struct sort_ctx {
    const sk_store *store;
    const sk_store_row *rows;
    sk_sort_key by;
    bool reverse;
    const uint64_t *keys;       /* merge keys by row (view cache), or NULL */
    const uint32_t *keys2;      /* and their next 32 bits */
} sort_ctx;

static const char *nz(const char *s) { return s ? s : ""; }

static int64_t row_time(const sort_ctx *c, const sk_store_row *r)
{
    return store_row_time(c->store, r, c->by == SK_SORT_TOKEN_EXPIRY ? SK_ROW_TOKEN_EXPIRES
                                       : c->by == SK_SORT_LAST_USED  ? SK_ROW_LAST_USED
                                                                     : SK_ROW_UPDATED);
}

static unsigned row_rank(const sk_store_row *r)
{
    return state_rank[r->state < SK_STATE_COUNT ? r->state : SK_STATE_ERROR];
}

/* Identifier order: folded bytes, then exact bytes (same but for case: still a fixed order). */
static int ident_cmp(const char *x0, const char *y0)
{
    const unsigned char *x = (const unsigned char *)x0, *y = (const unsigned char *)y0;
    size_t i = 0;
    while (x[i] && fold(x[i]) == fold(y[i]))
        i++;
    if (fold(x[i]) != fold(y[i]))
        return fold(x[i]) < fold(y[i]) ? -1 : 1;
    int c = strcmp(x0, y0);
    return c < 0 ? -1 : c > 0;
}

/* The whole order of view.h: key (absent last, reverse flips it), identifier, id. */
static int full_cmp(const sort_ctx *c, const sk_store_row *a, const sk_store_row *b)
{
    int r = 0;
    if (c->by == SK_SORT_STATE) {
        unsigned x = row_rank(a), y = row_rank(b);
        r = x == y ? 0 : x < y ? -1 : 1;
    } else if (c->by != SK_SORT_IDENTIFIER) {
        int64_t x = row_time(c, a), y = row_time(c, b);
        if ((x == SK_TIME_ABSENT) != (y == SK_TIME_ABSENT))
            return x == SK_TIME_ABSENT ? 1 : -1;
        r = x == y ? 0 : x < y ? -1 : 1;
    }
    if (r)
        return c->reverse ? -r : r;
    r = ident_cmp(nz(store_row_identifier(c->store, a)), nz(store_row_identifier(c->store, b)));
    if (r)
        return c->by == SK_SORT_IDENTIFIER && c->reverse ? -r : r;
    r = strcmp(nz(store_row_id(c->store, a)), nz(store_row_id(c->store, b)));
    return r < 0 ? -1 : r > 0;
}

/* Row a before row b (ids are unique, so this is a total order and no sort needs stability). */
static bool before(const sort_ctx *c, sk_row a, sk_row b)
{
    return full_cmp(c, &c->rows[a], &c->rows[b]) < 0;
}

/* A row while sorting: a 96-bit key consistent with the order (a smaller key sorts first;
 * rows with equal keys are settled further on), `hi` then the top half of `lo`, and the row in
 * the low half of `lo`. Keys and rows side by side: a sort reads them in sequence, never the
 * store. */
typedef struct sort_ent {
    uint64_t hi, lo;
} sort_ent;

#define KEY_BYTES 12

static sk_row ent_row(sort_ent e) { return (sk_row)e.lo; }

static unsigned ent_byte(sort_ent e, unsigned d)   /* byte d (0: the most significant) */
{
    return d < 8 ? (unsigned)(e.hi >> (56 - 8 * d)) & 255 : (unsigned)(e.lo >> (120 - 8 * d)) & 255;
}

/* Two entries of one level: the key, then the full order. */
static bool ent_before(const sort_ctx *c, sort_ent a, sort_ent b)
{
    if (a.hi != b.hi)
        return a.hi < b.hi;
    if (a.lo >> 32 != b.lo >> 32)
        return a.lo >> 32 < b.lo >> 32;
    return before(c, ent_row(a), ent_row(b));
}

/* Bytes [from, from + n) of s (folded when asked; n <= 12), big-endian from the top of *hi and
 * then of the low 32 bits of *lo, zero past the end: such windows order like the strings.
 * Returns whether s has a byte at `from` or beyond. */
static bool str_window(const char *s, size_t from, unsigned n, bool folded, uint64_t *hi,
                       uint32_t *lo)
{
    size_t i = 0;
    while (i < from && s[i])
        i++;
    *hi = 0;
    *lo = 0;
    if (i < from || !s[i])
        return false;
    const unsigned char *p = (const unsigned char *)s + i;
    unsigned char b[KEY_BYTES] = { 0 };
    for (unsigned j = 0; j < n && p[j]; j++)
        b[j] = folded ? fold(p[j]) : p[j];
    for (unsigned j = 0; j < 8; j++)
        *hi = *hi << 8 | b[j];
    for (unsigned j = 8; j < KEY_BYTES; j++)
        *lo = *lo << 8 | b[j];
    return true;
}

static sort_ent ent_of(uint64_t hi, uint32_t lo, sk_row r)
{
    sort_ent e = { hi, (uint64_t)lo << 32 | r };
    return e;
}

/* Where an entry's key comes from. LV_KEY: the sort key (with the identifier's first bytes);
 * its ties are settled by the identifier's next bytes (LV_IDENT, `off` bytes in), and once
 * identifiers are spent and all the same, by the id's (LV_ID). */
typedef enum { LV_KEY, LV_IDENT, LV_ID } lv_kind;
typedef struct level {
    lv_kind kind;
    size_t off;
} level;

/* Identifier bytes in the key of level LV_KEY. */
static size_t key_ident_bytes(sk_sort_key by)
{
    return by == SK_SORT_IDENTIFIER ? KEY_BYTES : by == SK_SORT_STATE ? KEY_BYTES - 1 : 4;
}

static sort_ent key_of(const sort_ctx *c, sk_row r)
{
    const sk_store_row *sr = &c->rows[r];
    uint64_t hi;
    uint32_t lo;
    if (c->by == SK_SORT_IDENTIFIER) {
        str_window(nz(store_row_identifier(c->store, sr)), 0, KEY_BYTES, true, &hi, &lo);
        return c->reverse ? ent_of(~hi, ~lo, r) : ent_of(hi, lo, r);
    }
    if (c->by == SK_SORT_STATE) {
        str_window(nz(store_row_identifier(c->store, sr)), 0, KEY_BYTES - 1, true, &hi, &lo);
        uint64_t rank = row_rank(sr);
        rank = c->reverse ? 4 - rank : rank;
        return ent_of(rank << 56 | hi >> 8, (uint32_t)(hi << 24) | lo >> 8, r);
    }
    int64_t t = row_time(c, sr);
    uint64_t k = UINT64_MAX;   /* absent: last in either direction */
    if (t != SK_TIME_ABSENT) {
        uint64_t u = (uint64_t)t ^ (UINT64_C(1) << 63);   /* order-preserving, >= 1 here */
        k = c->reverse ? UINT64_MAX - u : u - 1;
    }
    str_window(nz(store_row_identifier(c->store, sr)), 0, 4, true, &hi, &lo);
    return ent_of(k, (uint32_t)(hi >> 32), r);
}

static bool key_less(sort_ent a, sort_ent b)
{
    return a.hi != b.hi ? a.hi < b.hi : a.lo >> 32 < b.lo >> 32;
}

static bool key_same(sort_ent a, sort_ent b)
{
    return a.hi == b.hi && a.lo >> 32 == b.lo >> 32;
}

/* By the full order (a few rows with the same key). */
static void insertion_sort_full(const sort_ctx *c, sort_ent *e, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        sort_ent x = e[i];
        size_t j = i;
        for (; j > 0 && before(c, ent_row(x), ent_row(e[j - 1])); j--)
            e[j] = e[j - 1];
        e[j] = x;
    }
}

static void sift_down(const sort_ctx *c, sort_ent *e, size_t i, size_t n)
{
    for (size_t k; (k = 2 * i + 1) < n; i = k) {
        if (k + 1 < n && before(c, ent_row(e[k]), ent_row(e[k + 1])))
            k++;
        if (!before(c, ent_row(e[i]), ent_row(e[k])))
            return;
        sort_ent t = e[i];
        e[i] = e[k];
        e[k] = t;
    }
}

/* Rows nothing but the full order tells apart (identifiers alike but for case): compared
 * whole, in place (a heap sort: no scratch, never quadratic). */
static void full_sort(const sort_ctx *c, sort_ent *e, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(c, e, i, n);
    for (size_t k = n; k-- > 1;) {
        sort_ent t = e[0];
        e[0] = e[k];
        e[k] = t;
        sift_down(c, e, 0, k);
    }
}

static const char *level_str(const sort_ctx *c, lv_kind kind, sk_row r)
{
    const sk_store_row *sr = &c->rows[r];
    return kind == LV_IDENT ? store_row_identifier(c->store, sr) : store_row_id(c->store, sr);
}

/* The rows of a bucket are all over the store: each is fetched ahead (its row, then its
 * string), so the reads overlap instead of waiting one after another. */
#define AHEAD 32

static void rekey(const sort_ctx *c, sort_ent *e, size_t n, level nx, bool *any)
{
    bool flip = nx.kind == LV_IDENT && c->by == SK_SORT_IDENTIFIER && c->reverse;
    *any = false;
    for (size_t i = 0; i < n; i++) {
        if (i + 2 * AHEAD < n)
            __builtin_prefetch(&c->rows[ent_row(e[i + 2 * AHEAD])]);
        if (i + AHEAD < n)
            __builtin_prefetch(nz(level_str(c, nx.kind, ent_row(e[i + AHEAD]))));
        sk_row r = ent_row(e[i]);
        uint64_t hi;
        uint32_t lo;
        *any |= str_window(nz(level_str(c, nx.kind, r)), nx.off, KEY_BYTES, nx.kind == LV_IDENT,
                           &hi, &lo);
        e[i] = flip ? ent_of(~hi, ~lo, r) : ent_of(hi, lo, r);
    }
}

/* The level after lv. */
static level level_after(const sort_ctx *c, level lv)
{
    if (lv.kind == LV_KEY)
        return (level){ LV_IDENT, key_ident_bytes(c->by) };
    return (level){ lv.kind, lv.off + KEY_BYTES };
}

/* Entries e[0..n) just keyed for level *lv (`any`: some string reached into it): true when that
 * level can tell them apart; identifiers spent (all alike when folded) go on to the id if they
 * are the same bytes too; false when only the full order can. */
static bool level_usable(const sort_ctx *c, sort_ent *e, size_t n, level *lv, bool any)
{
    if (any || lv->kind != LV_IDENT)
        return any;
    const char *first = nz(store_row_identifier(c->store, &c->rows[ent_row(e[0])]));
    for (size_t i = 1; i < n; i++)
        if (strcmp(nz(store_row_identifier(c->store, &c->rows[ent_row(e[i])])), first))
            return false;
    *lv = (level){ LV_ID, 0 };
    rekey(c, e, n, *lv, &any);
    return any;
}

/* A run of entries alike in their whole key, keyed for the next level later, all such runs in
 * one pass over the store in row order (reading the rows of a run one by one would wait for
 * memory at every row). */
typedef struct tie_run {
    uint32_t start, n;
    level lv;                   /* the level they are alike at; then the one they are keyed for */
    bool any;
} tie_run;

typedef struct sorter {
    const sort_ctx *c;
    sort_ent *all;              /* the whole array runs index into */
    size_t limit;               /* rows are below it */
    tie_run *runs;
    size_t n_runs, cap_runs;
} sorter;

#define SMALL_SORT 32
#define FEW_TIES 3

static void msd_sort(sorter *so, sort_ent *e, size_t n, level lv, unsigned d);

/* The next level for e[0..n) now, and on with the sort. */
static void settle_now(sorter *so, sort_ent *e, size_t n, level lv)
{
    bool any;
    lv = level_after(so->c, lv);
    rekey(so->c, e, n, lv, &any);
    if (level_usable(so->c, e, n, &lv, any))
        msd_sort(so, e, n, lv, 0);
    else
        full_sort(so->c, e, n);
}

static void settle_later(sorter *so, sort_ent *e, size_t n, level lv)
{
    if (so->n_runs == so->cap_runs) {
        size_t cap = so->cap_runs ? so->cap_runs * 2 : 256;
        tie_run *p = realloc(so->runs, cap * sizeof *p);
        if (!p) {
            settle_now(so, e, n, lv);   /* no room to defer: slower, still right */
            return;
        }
        so->runs = p;
        so->cap_runs = cap;
    }
    so->runs[so->n_runs++] = (tie_run){ (uint32_t)(e - so->all), (uint32_t)n, lv, false };
}

/* A few entries: by key alone, then each run of equal keys settled (the next level, or the
 * full order for two or three rows: cheaper than reading a level for them). */
static void small_sort(sorter *so, sort_ent *e, size_t n, level lv)
{
    for (size_t i = 1; i < n; i++) {
        sort_ent x = e[i];
        size_t j = i;
        for (; j > 0 && key_less(x, e[j - 1]); j--)
            e[j] = e[j - 1];
        e[j] = x;
    }
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && key_same(e[i], e[j]); j++) {}
        if (j - i > FEW_TIES)
            settle_later(so, e + i, j - i, lv);
        else if (j - i > 1)
            insertion_sort_full(so->c, e + i, j - i);
    }
}

/* In-place most-significant-digit radix sort (American flag sort) of e[0..n) by key byte d;
 * the entries are alike in every byte before it. */
static void msd_sort(sorter *so, sort_ent *e, size_t n, level lv, unsigned d)
{
    while (n > 1) {
        if (d == KEY_BYTES) {
            settle_later(so, e, n, lv);
            return;
        }
        if (n < SMALL_SORT) {
            small_sort(so, e, n, lv);
            return;
        }
        uint32_t count[256] = { 0 }, next[256], stop[256];
        uint64_t diff_hi = 0, diff_lo = 0;   /* bits where some key differs from the first */
        for (size_t i = 0; i < n; i++) {
            count[ent_byte(e[i], d)]++;
            diff_hi |= e[i].hi ^ e[0].hi;
            diff_lo |= (e[i].lo ^ e[0].lo) >> 32;
        }
        if (count[ent_byte(e[0], d)] == n) {   /* one bucket: on to the first byte that differs */
            d = diff_hi ? (unsigned)__builtin_clzll(diff_hi) / 8
                : diff_lo ? 8 + ((unsigned)__builtin_clzll(diff_lo) - 32) / 8
                          : KEY_BYTES;
            continue;
        }
        uint32_t at = 0;
        for (int b = 0; b < 256; b++) {
            next[b] = at;
            at += count[b];
            stop[b] = at;
        }
        for (unsigned b = 0; b < 256; b++) {
            while (next[b] < stop[b]) {
                sort_ent x = e[next[b]];
                unsigned k = ent_byte(x, d);
                while (k != b) {   /* carry x to its bucket, take what was there */
                    sort_ent y = e[next[k]];
                    e[next[k]++] = x;
                    x = y;
                    k = ent_byte(x, d);
                }
                e[next[b]++] = x;
            }
        }
        size_t from = 0;
        for (int b = 0; b < 256; from += count[b], b++)
            if (count[b] > 1)
                msd_sort(so, e + from, count[b], lv, d + 1);
        return;
    }
}

/* Every deferred run keyed for its next level in one pass over the store in row order: a map
 * row -> position (4 bytes a row while it runs), the run's index parked in the entry's key. */
static bool rekey_runs(sorter *so, tie_run *runs, size_t n_runs)
{
    const sort_ctx *c = so->c;
    uint32_t *pos = malloc((so->limit ? so->limit : 1) * sizeof *pos);
    if (!pos)
        return false;
    memset(pos, 0xFF, so->limit * sizeof *pos);
    for (size_t t = 0; t < n_runs; t++) {
        runs[t].lv = level_after(c, runs[t].lv);
        for (uint32_t i = runs[t].start; i < runs[t].start + runs[t].n; i++) {
            pos[ent_row(so->all[i])] = i;
            so->all[i].hi = t;
        }
    }
    for (size_t r = 0; r < so->limit; r++) {
        if (r + 4 * AHEAD < so->limit && pos[r + 4 * AHEAD] != UINT32_MAX)
            __builtin_prefetch(&so->all[pos[r + 4 * AHEAD]], 1);   /* entries are all over */
        uint32_t i = pos[r];
        if (i == UINT32_MAX)
            continue;
        tie_run *t = &runs[so->all[i].hi];
        bool flip = t->lv.kind == LV_IDENT && c->by == SK_SORT_IDENTIFIER && c->reverse;
        uint64_t hi;
        uint32_t lo;
        t->any |= str_window(nz(level_str(c, t->lv.kind, (sk_row)r)), t->lv.off, KEY_BYTES,
                             t->lv.kind == LV_IDENT, &hi, &lo);
        so->all[i] = flip ? ent_of(~hi, ~lo, (sk_row)r) : ent_of(hi, lo, (sk_row)r);
    }
    free(pos);
    return true;
}

/* e[0..n) of rows below `limit` sorted: by key byte, then runs of alike keys by the next
 * level, round after round, until the full order is all that is left to settle. */
static void sort_entries(const sort_ctx *c, sort_ent *e, size_t n, size_t limit)
{
    sorter so = { c, e, limit, NULL, 0, 0 };
    msd_sort(&so, e, n, (level){ LV_KEY, 0 }, 0);
    while (so.n_runs) {
        tie_run *runs = so.runs;
        size_t n_runs = so.n_runs, rows = 0;
        so.runs = NULL;
        so.n_runs = so.cap_runs = 0;
        for (size_t t = 0; t < n_runs; t++)
            rows += runs[t].n;
        /* A pass over the store pays when the runs hold a good part of it. */
        if (rows * 16 >= limit && rekey_runs(&so, runs, n_runs)) {
            for (size_t t = 0; t < n_runs; t++) {
                sort_ent *at = e + runs[t].start;
                if (level_usable(c, at, runs[t].n, &runs[t].lv, runs[t].any))
                    msd_sort(&so, at, runs[t].n, runs[t].lv, 0);
                else
                    full_sort(c, at, runs[t].n);
            }
        } else {
            for (size_t t = 0; t < n_runs; t++)
                settle_now(&so, e + runs[t].start, runs[t].n, runs[t].lv);
        }
        free(runs);
    }
}

/* The entries already in order (a store loaded in this order): one linear pass. */
static bool in_order(const sort_ctx *c, const sort_ent *e, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (!ent_before(c, e[i - 1], e[i]))
            return false;
    return true;
}

/* The live rows of [from, to) in the view's order, in a new array of *n_out (NULL when out of
 * memory). 16 bytes a row while sorting, then 4 in the same block. */
/* A sort by state or by a time whose ties (identifier, then id, ascending) are settled by each
 * row's place in the identifier order (irank): keys that are all different, so the sort reads
 * no string at all. */
static sort_ent key_ranked(const sort_ctx *c, sk_row r, const uint32_t *irank)
{
    const sk_store_row *sr = &c->rows[r];
    if (c->by == SK_SORT_STATE) {
        uint64_t rank = row_rank(sr);
        rank = c->reverse ? 4 - rank : rank;
        return ent_of(rank << 56 | irank[r], 0, r);
    }
    int64_t t = row_time(c, sr);
    uint64_t k = UINT64_MAX;   /* absent: last in either direction */
    if (t != SK_TIME_ABSENT) {
        uint64_t u = (uint64_t)t ^ (UINT64_C(1) << 63);
        k = c->reverse ? UINT64_MAX - u : u - 1;
    }
    return ent_of(k, irank[r], r);
}

/* irank (may be NULL): every row's place in the identifier order, for a sort by state or a
 * time over rows it covers. */
static sk_row *sorted_rows(const sort_ctx *c, size_t from, size_t to, const uint32_t *irank,
                           size_t *n_out)
{
    size_t n = 0;
    for (size_t r = from; r < to; r++)
        n += c->rows[r].flags & SK_STORE_ROW_LIVE;
    sort_ent *e = malloc((n ? n : 1) * sizeof *e);
    if (!e)
        return NULL;
    size_t k = 0;
    bool ranked = irank && c->by != SK_SORT_IDENTIFIER;
    for (size_t r = from; r < to; r++)
        if (c->rows[r].flags & SK_STORE_ROW_LIVE)
            e[k++] = ranked ? key_ranked(c, (sk_row)r, irank) : key_of(c, (sk_row)r);
    if (!in_order(c, e, n))
        sort_entries(c, e, n, to);
    /* Rows over the entries, in place: row i lands on bytes of entry i/4, already read. */
    unsigned char *bytes = (unsigned char *)e;
    for (size_t i = 0; i < n; i++) {
        sk_row r = ent_row(e[i]);
        memcpy(bytes + i * sizeof r, &r, sizeof r);
    }
    void *shrunk = realloc(e, (n ? n : 1) * sizeof(sk_row));
    *n_out = n;
    return shrunk ? shrunk : (void *)e;
}

/* ---------------------------------------------------------------- the cache */

/* A filter's outcome kept for when it comes back (typing then erasing goes back through the
 * same prefixes): which rows it keeps, one bit a row, as of one store version. */
#define MEMO_N 8
typedef struct fmemo {
    uint64_t version;           /* store version (0: empty) */
    sk_view_spec spec;          /* its settings (sort aside) */
    unsigned char needle[SK_FILTER_MAX];   /* its text, folded */
    size_t nl;
    uint64_t *bits;
    size_t words, cap_words;
    size_t hits;
} fmemo;

/* What view_update keeps between calls. `base` holds every live row of the store, sorted, as
 * of store version `version`; the view's rows were filtered from it with `spec`. When that
 * filter keeps everything the view's rows are the base itself (`alias`), not a copy. */
struct view_cache {
    sk_row *base;
    size_t n_base, cap_base;
    uint64_t version, layout;   /* store versions base was built for (0: none) */
    size_t limit;               /* store_row_limit() then */
    sk_sort_key by;
    bool reverse;
    bool filtered;              /* the view's rows are base filtered with `spec` */
    bool alias;                 /* the view's rows are `base` */
    sk_view_spec spec;
    sk_row *add;                /* the rows a page appended, sorted (during one update) */
    size_t n_add;
    uint64_t *bits;             /* one bit per row: when bits_version is the store's, the rows
                                   the display list holds */
    size_t cap_bits;
    uint64_t bits_version;
    fmemo memo[MEMO_N];         /* the last filters' outcomes, newest at memo_next - 1 */
    unsigned memo_next;
    frec *recs;                 /* frec of rows [0, n_recs), as of layout recs_layout */
    size_t n_recs, cap_recs;
    uint64_t recs_layout;
    /* Merge keys (the top 96 bits of a sort key, in two arrays) of rows [0, n_keys) for
     * (keys_by, keys_reverse) as of layout keys_layout: made at the first page merged after a
     * sort and extended while pages come, so placing a row compares integers, not strings all
     * over the store. */
    uint64_t *keys;
    uint32_t *keys2;
    size_t n_keys, cap_keys;
    uint64_t keys_layout;
    sk_sort_key keys_by;
    bool keys_reverse;
    /* Each row's place in the identifier order (ascending; ties by id) for rows [0, n_irank)
     * as of layout irank_layout: taken from the base when the view leaves that order (the one
     * it starts in), so a sort by state or a time settles its ties without reading a string
     * (a million rows: about 200 ms -> well under 100). */
    uint32_t *irank;
    size_t n_irank;
    uint64_t irank_layout;
    /* Where each identifier's rows begin in that order (bit i: place i holds another
     * identifier than place i - 1), found from irank for the reverse identifier order, as of
     * layout igroup_layout (0: not found since irank was last taken). */
    uint64_t *igroup;
    uint64_t igroup_layout;
};

/* Arrays grow by a quarter: at a million rows the slack of x1.5 is megabytes. */
static size_t grown(size_t cap, size_t need)
{
    size_t c = cap ? cap : 64;
    while (c < need)
        c += c / 4 + 1;
    return c;
}

static bool reserve_rows(sk_row **p, size_t *cap, size_t need)
{
    if (need <= *cap)
        return true;
    size_t c = grown(*cap, need);
    sk_row *q = realloc(*p, c * sizeof *q);
    if (!q)
        return false;
    *p = q;
    *cap = c;
    return true;
}

/* The sorted rows `add` (of m) merged into the sorted rows b[0..n) (room for n + m) from the
 * back: each row of b after the first insertion point moves once. */
static void keys_drop(struct view_cache *vc)
{
    free(vc->keys);
    free(vc->keys2);
    vc->keys = NULL;
    vc->keys2 = NULL;
    vc->n_keys = vc->cap_keys = 0;
}

/* Merge keys for every row in c's order (NULL when out of memory: merges compare strings). */
static const uint64_t *keys_update(struct view_cache *vc, const sk_store *s, const sort_ctx *c)
{
    uint64_t layout = store_layout_version(s);
    size_t limit = store_row_limit(s);
    if (vc->keys_layout != layout || vc->keys_by != c->by || vc->keys_reverse != c->reverse ||
        vc->n_keys > limit)
        vc->n_keys = 0;
    if (limit > vc->cap_keys) {
        size_t cap = vc->n_keys ? grown(vc->cap_keys, limit) : limit + limit / 8 + 64;
        uint64_t *p = realloc(vc->keys, cap * sizeof *p);
        if (p)
            vc->keys = p;
        uint32_t *q = p ? realloc(vc->keys2, cap * sizeof *q) : NULL;
        if (!q) {
            keys_drop(vc);
            return NULL;
        }
        vc->keys2 = q;
        vc->cap_keys = cap;
    }
    for (size_t r = vc->n_keys; r < limit; r++) {
        sort_ent k = { 0, 0 };
        if (c->rows[r].flags & SK_STORE_ROW_LIVE)
            k = key_of(c, (sk_row)r);
        vc->keys[r] = k.hi;
        vc->keys2[r] = (uint32_t)(k.lo >> 32);
    }
    vc->n_keys = limit;
    vc->keys_layout = layout;
    vc->keys_by = c->by;
    vc->keys_reverse = c->reverse;
    return vc->keys;
}

/* a before b, on the merge keys when they differ. */
static bool merge_before(const sort_ctx *c, sk_row a, sk_row b)
{
    if (c->keys && c->keys[a] != c->keys[b])
        return c->keys[a] < c->keys[b];
    if (c->keys && c->keys2[a] != c->keys2[b])
        return c->keys2[a] < c->keys2[b];
    return before(c, a, b);
}

static void merge_in(const sort_ctx *c, sk_row *b, size_t n, const sk_row *add, size_t m)
{
    size_t end = n;
    for (size_t j = m; j-- > 0;) {
        size_t lo = 0, hi = end;   /* first position of b[0..end) that sorts after add[j] */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (merge_before(c, add[j], b[mid]))
                hi = mid;
            else
                lo = mid + 1;
        }
        memmove(b + lo + j + 1, b + lo, (end - lo) * sizeof *b);
        b[lo + j] = add[j];
        end = lo;
    }
}

typedef enum { BASE_FAILED, BASE_KEPT, BASE_APPENDED, BASE_REBUILT } base_change;

#define GROUP_AHEAD 16

/* Bit i of the result: place i of the identifier order `asc` (of n rows) holds another
 * identifier than place i - 1 (bytes differ: ident_cmp's order is a total one on them). The
 * rows and their strings are read ahead (they lie all over the store in this order). */
static uint64_t *ident_groups(const sort_ctx *c, const sk_row *asc, size_t n)
{
    uint64_t *g = calloc(n / 64 + 1, sizeof *g);
    if (!g)
        return NULL;
    const char *prev = n ? nz(store_row_identifier(c->store, &c->rows[asc[0]])) : NULL;
    for (size_t i = 1; i < n; i++) {
        if (i + 2 * GROUP_AHEAD < n)
            __builtin_prefetch(&c->rows[asc[i + 2 * GROUP_AHEAD]]);
        if (i + GROUP_AHEAD < n)   /* the identifier follows the id */
            __builtin_prefetch(store_row_id(c->store, &c->rows[asc[i + GROUP_AHEAD]]));
        const char *now = nz(store_row_identifier(c->store, &c->rows[asc[i]]));
        if (strcmp(prev, now) != 0)
            g[i / 64] |= UINT64_C(1) << (i % 64);
        prev = now;
    }
    return g;
}

/* Every live row of [0, limit) in identifier order or its reverse, from each row's place in
 * the ascending order (irank, of those rows): no sort. Ascending, each row goes to its place;
 * reversed, the identifiers come last to first with their rows (ties by id) still ascending,
 * which needs where each identifier begins (vc->igroup, found once each time the places are
 * taken). NULL when out of memory or when the places are not every live row once: the rows are
 * then sorted. */
static sk_row *ident_rows_ranked(struct view_cache *vc, const sort_ctx *c, size_t limit,
                                 const uint32_t *irank, size_t *n_out)
{
    size_t n = 0;
    for (size_t r = 0; r < limit; r++)
        n += c->rows[r].flags & SK_STORE_ROW_LIVE;
    sk_row *asc = malloc((n ? n : 1) * sizeof *asc);
    if (!asc)
        return NULL;
    memset(asc, 0xff, n * sizeof *asc);   /* SK_ROW_NONE */
    for (size_t r = 0; r < limit; r++) {
        if (!(c->rows[r].flags & SK_STORE_ROW_LIVE))
            continue;
        uint32_t p = irank[r];
        if (p >= n || asc[p] != SK_ROW_NONE) {
            free(asc);
            return NULL;
        }
        asc[p] = (sk_row)r;   /* n rows to n places, none twice: every place filled */
    }
    *n_out = n;
    if (!c->reverse)
        return asc;
    if (!vc->igroup || vc->igroup_layout != vc->irank_layout) {
        free(vc->igroup);
        vc->igroup = ident_groups(c, asc, n);
        vc->igroup_layout = vc->igroup ? vc->irank_layout : 0;
    }
    sk_row *out = vc->igroup ? malloc((n ? n : 1) * sizeof *out) : NULL;
    if (!out) {
        free(asc);
        return NULL;
    }
    const uint64_t *g = vc->igroup;
    size_t k = 0, end = n;
    for (size_t i = n; i-- > 0;) {
        if (i && !(g[i / 64] >> (i % 64) & 1))
            continue;   /* the same identifier as the place before */
        for (size_t j = i; j < end; j++)
            out[k++] = asc[j];
        end = i;
    }
    free(asc);
    return out;
}

/* The whole base again, from a fresh sort. The old base, the display list and the merge keys
 * are given back first (at a million rows the sort's 16 bytes a row are the peak of the view's
 * memory); the display list is empty until update() fills it. */
static bool base_rebuild(sk_view *v, struct view_cache *vc, const sort_ctx *c, size_t limit,
                         const uint32_t *irank)
{
    if (!vc->alias)
        free(v->rows);
    v->rows = NULL;
    v->n = v->cap = 0;
    vc->alias = false;
    vc->filtered = false;
    free(vc->base);
    vc->base = NULL;
    vc->n_base = vc->cap_base = 0;
    keys_drop(vc);
    size_t n;
    sk_row *b = c->by == SK_SORT_IDENTIFIER && irank ? ident_rows_ranked(vc, c, limit, irank, &n)
                                                     : NULL;
    if (!b)
        b = sorted_rows(c, 0, limit, irank, &n);
    if (!b)
        return false;
    vc->base = b;
    vc->n_base = n;
    vc->cap_base = n ? n : 1;
    return true;
}

#define KEYLESS_SHARE 64   /* a batch below 1/64 of the base merges without merge keys */

/* Rows appended since the base was built ([old limit, limit)): sorted on their own, then merged
 * in. They stay in vc->add for the display list. */
static bool base_append(struct view_cache *vc, sort_ctx *c, const sk_store *s, size_t limit)
{
    size_t m;
    sk_row *add = sorted_rows(c, vc->limit, limit, NULL, &m);
    if (!add)
        return false;
    /* Merge keys (12 bytes a row, for the whole store) pay off over a listing's many pages.
     * Once the filter records (16 bytes a row) are held, a few rows (a refresh adding some
     * accounts to a large store) are merged on the rows themselves, m x log2(n) comparisons,
     * so that both are not held at once (12 + 16 MB at a million). */
    bool keyed = vc->keys || !vc->recs || m >= vc->n_base / KEYLESS_SHARE;
    if (m && keyed && (c->keys = keys_update(vc, s, c)))
        c->keys2 = vc->keys2;
    if (!reserve_rows(&vc->base, &vc->cap_base, vc->n_base + m)) {
        free(add);
        return false;
    }
    merge_in(c, vc->base, vc->n_base, add, m);
    vc->n_base += m;
    vc->add = add;
    vc->n_add = m;
    return true;
}

static sort_ctx sort_ctx_of(const sk_store *s, sk_sort_key by, bool reverse)
{
    sort_ctx c;
    memset(&c, 0, sizeof c);
    c.store = s;
    c.rows = store_rows(s);
    c.by = by;
    c.reverse = reverse;
    return c;
}

/* Leaving a base in identifier order that is the store's now: each row's place in it, kept. */
static void irank_take(struct view_cache *vc, uint64_t version, uint64_t layout, size_t limit)
{
    if (vc->version != version || vc->by != SK_SORT_IDENTIFIER || vc->reverse ||
        vc->limit != limit || limit > UINT32_MAX)
        return;
    if (vc->irank && vc->irank_layout == layout && vc->n_irank == limit)
        return;   /* already taken */
    uint32_t *p = limit > vc->n_irank || !vc->irank ? realloc(vc->irank, (limit ? limit : 1) * sizeof *p)
                                                    : vc->irank;
    if (!p)
        return;
    vc->irank = p;
    for (size_t i = 0; i < limit; i++)
        p[i] = UINT32_MAX;   /* rows not live (not sorted) */
    for (size_t i = 0; i < vc->n_base; i++)
        p[vc->base[i]] = (uint32_t)i;
    vc->n_irank = limit;
    vc->irank_layout = layout;
    vc->igroup_layout = 0;   /* rows appended keep the layout: found again from these places */
}

/* Brings base up to the store's rows in this order: kept, merged with new rows, or rebuilt. */
static base_change base_update(sk_view *v, struct view_cache *vc, const sk_store *s, sk_sort_key by,
                               bool reverse)
{
    uint64_t version = store_version(s), layout = store_layout_version(s);
    size_t limit = store_row_limit(s);
    sort_ctx c = sort_ctx_of(s, by, reverse);
    bool same_order = vc->version && vc->by == by && vc->reverse == reverse;
    if (same_order && vc->version == version)
        return BASE_KEPT;
    bool append = same_order && vc->layout == layout && vc->limit <= limit;
    if (!append)
        irank_take(vc, version, layout, limit);
    const uint32_t *irank = vc->irank && vc->irank_layout == layout && vc->n_irank == limit
                                ? vc->irank : NULL;
    bool ok = append ? base_append(vc, &c, s, limit) : base_rebuild(v, vc, &c, limit, irank);
    vc->version = ok ? version : 0;
    vc->layout = layout;
    vc->limit = limit;
    vc->by = by;
    vc->reverse = reverse;
    return !ok ? BASE_FAILED : append ? BASE_APPENDED : BASE_REBUILT;
}

/* ---------------------------------------------------------------- filtering the base */

/* Filter records for rows [0, limit): kept while the layout holds, extended for appended rows,
 * at most `budget` more a call. *done (may be NULL): every row has its record. */
static bool recs_grow(struct view_cache *vc, const sk_store *s, size_t budget, bool *done)
{
    uint64_t layout = store_layout_version(s);
    size_t limit = store_row_limit(s);
    if (vc->recs_layout != layout || vc->n_recs > limit)
        vc->n_recs = 0;
    if (limit > vc->cap_recs || !vc->recs) {
        size_t cap = vc->n_recs ? grown(vc->cap_recs, limit) : limit + 1;
        frec *p = realloc(vc->recs, cap * sizeof *p);
        if (!p)
            return false;
        vc->recs = p;
        vc->cap_recs = cap;
    }
    const sk_store_row *rows = store_rows(s);
    size_t to = limit - vc->n_recs > budget ? vc->n_recs + budget : limit;
    for (size_t r = vc->n_recs; r < to; r++)
        vc->recs[r] = frec_of(s, &rows[r]);
    vc->n_recs = to;
    vc->recs_layout = layout;
    if (done)
        *done = to == limit;
    return true;
}

static bool recs_update(struct view_cache *vc, const sk_store *s)
{
    return recs_grow(vc, s, SIZE_MAX, NULL);
}

static bool same_settings(const sk_view_spec *a, const sk_view_spec *b)
{
    if (a->state_mask != b->state_mask || a->saved != b->saved ||
        a->n_connections != b->n_connections)
        return false;
    for (size_t i = 0; i < a->n_connections; i++)
        if (strcmp(a->connections[i], b->connections[i]) != 0)
            return false;
    return true;
}

/* The same filter and order (the sort key as view_update reads it). */
static bool same_spec(const sk_view_spec *old, const sk_view_spec *now, sk_sort_key by)
{
    return same_settings(old, now) && strcmp(old->text, now->text) == 0 && old->sort == by &&
           old->reverse == now->reverse;
}

/* The new filter keeps a subset of what the old one kept: same settings, and the old text
 * (folded) inside the new one, so every row matching the new text matched the old. */
static bool narrows(const sk_view_spec *old, const filter *f)
{
    if (!same_settings(old, f->spec))
        return false;
    unsigned char on[SK_FILTER_MAX];
    size_t ol;
    needle_fold(old, on, &ol);
    if (ol == 0)
        return true;
    if (ol > f->nl)
        return false;
    for (size_t i = 0; i + ol <= f->nl; i++)
        if (memcmp(f->needle + i, on, ol) == 0)
            return true;
    return false;
}

/* The display list is the base itself. */
static void display_alias(sk_view *v, struct view_cache *vc)
{
    if (!vc->alias)
        free(v->rows);
    vc->alias = true;
    v->rows = vc->base;
    v->n = vc->n_base;
    v->cap = 0;
}

/* The display list in an array of its own with room for `need` rows (its rows kept; a large
 * array left by a wider filter is given back). */
static bool display_own(sk_view *v, struct view_cache *vc, size_t need)
{
    if (vc->alias) {
        vc->alias = false;
        v->rows = NULL;
        v->n = v->cap = 0;
    }
    need = need ? need : 1;
    if (v->cap > 2 * need + 1024) {
        sk_row *q = realloc(v->rows, need * sizeof *q);
        if (q) {
            v->rows = q;
            v->cap = need;
        }
    }
    return reserve_rows(&v->rows, &v->cap, need);
}

#define SCAN_BLOCK 4096
#define SCAN_AHEAD 8

/* Candidates settled by filter_row from the store, each with its row and strings read ahead
 * (they are spread over the store: one wait for memory each, otherwise). A passing row's bit
 * is set (`set`), or a failing row's bit cleared (the rows were set: narrowing). Returns how
 * many pass. */
static size_t settle(const filter *f, uint64_t *bits, const sk_row *cand, size_t nc, bool set)
{
    size_t hits = 0;
    for (size_t i = 0; i < nc; i++) {
        if (i + 2 * SCAN_AHEAD < nc)
            __builtin_prefetch(&f->rows[cand[i + 2 * SCAN_AHEAD]]);
        if (i + SCAN_AHEAD < nc)   /* the identifier follows the id */
            __builtin_prefetch(store_row_id(f->store, &f->rows[cand[i + SCAN_AHEAD]]));
        sk_row r = cand[i];
        uint64_t bit = UINT64_C(1) << (r % 64);
        if (filter_row(f, r)) {
            hits++;
            if (set)
                bits[r / 64] |= bit;
        } else if (!set) {
            bits[r / 64] &= ~bit;
        }
    }
    return hits;
}

/* Rows [from, to) into the bitmap; returns how many pass. Each record is judged without a
 * branch: passes for sure (its record decides), fails, or is a candidate that filter_row
 * settles from the store, candidates a block at a time with their rows and strings read
 * ahead (branches on random outcomes and reads that wait one after another cost more than the
 * scan itself). */
static size_t scan_block(const filter *f, uint64_t *bits, size_t from, size_t to, sk_row *cand)
{
    /* The filter's fields in locals, and the bitmap written a word at a time: a store to the
     * bitmap or the candidates could be to the filter as far as the compiler knows, which
     * would have it read every field again at every row (a million records: 6.3 -> 5.2 ms). */
    const uint64_t sig = f->sig;
    const uint32_t sig32 = (uint32_t)sig;
    const unsigned no_text = f->nl == 0, letter = f->letter, pred = f->pred, states = f->states;
    const uint8_t *conn = f->conn;
    const size_t n_conn = f->n_conn;
    const frec *recs = f->recs;
    size_t hits = 0, nc = 0;
    for (size_t w = from / 64; w * 64 < to; w++) {
        uint64_t word = 0;
        size_t end = (w + 1) * 64 < to ? (w + 1) * 64 : to;
        for (size_t r = w * 64 > from ? w * 64 : from; r < end; r++) {
            const frec *fr = &recs[r];
            uint32_t m = fr->meta, cc = m >> 4;
            unsigned live = m & 1u, far = cc == META_CONN_FAR;
            uint8_t cb = conn[cc < n_conn ? cc : 0];
            unsigned keep = live & (states >> (m >> 1 & 7u)) & cb & (far ^ 1u);
            unsigned sig_ok = ((fr->ident_sig & sig) == sig) | ((fr->id_sig & sig32) == sig32);
            unsigned quick = no_text | (cb >> 1 & 1u) | (letter & sig_ok);   /* no string to read */
            unsigned sure = keep & (pred ^ 1u) & quick;
            unsigned maybe = (live & far) | (keep & (pred | ((quick ^ 1u) & sig_ok)));
            word |= (uint64_t)sure << (r % 64);
            hits += sure;
            cand[nc] = (sk_row)r;
            nc += maybe;
        }
        bits[w] |= word;
    }
    return hits + settle(f, bits, cand, nc, true);
}

static size_t bits_words(const sk_store *s)
{
    return store_row_limit(s) / 64 + 1;
}

static bool bits_room(struct view_cache *vc, size_t words)
{
    if (words <= vc->cap_bits)
        return true;
    uint64_t *b = realloc(vc->bits, words * sizeof *b);
    if (!b)
        return false;
    vc->bits = b;
    vc->cap_bits = words;
    return true;
}

/* The display list: the base's rows whose bit is set in vc->bits (`hits` of them), in base
 * order. */
static bool display_bits(sk_view *v, struct view_cache *vc, size_t hits)
{
    if (hits == vc->n_base) {   /* every live row passes: the list is the base */
        display_alias(v, vc);
        return true;
    }
    if (!display_own(v, vc, hits + 1))
        return false;
    /* Without a branch (whether a row passes is a coin toss at many filters): the slot past
     * the last hit is written and dropped, so the walk stops at `hits` with room for one more. */
    const uint64_t *bits = vc->bits;
    sk_row *out = v->rows;
    size_t n = 0;
    for (size_t i = 0; i < vc->n_base && n < hits; i++) {
        sk_row r = vc->base[i];
        out[n] = r;
        n += bits[r / 64] >> (r % 64) & 1;
    }
    v->n = n;
    return true;
}

/* The kept outcome of this filter at this store version, if there is one. A saved view with a
 * predicate is never kept (its answer may change with the time). */
static fmemo *memo_find(struct view_cache *vc, const filter *f, const sk_store *s)
{
    if (f->pred)
        return NULL;
    uint64_t version = store_version(s);
    for (unsigned i = 0; i < MEMO_N; i++) {
        fmemo *m = &vc->memo[i];
        if (m->version == version && m->nl == f->nl && memcmp(m->needle, f->needle, f->nl) == 0 &&
            same_settings(&m->spec, f->spec))
            return m;
    }
    return NULL;
}

/* vc->bits (the display list's rows, `hits` of them) kept as this filter's outcome, in place
 * of the oldest. Out of memory keeps nothing. */
static void memo_save(struct view_cache *vc, const filter *f, const sk_store *s, size_t hits)
{
    if (f->pred)
        return;
    fmemo *m = memo_find(vc, f, s);
    if (!m)
        m = &vc->memo[vc->memo_next++ % MEMO_N];
    size_t words = bits_words(s);
    if (words > m->cap_words) {
        uint64_t *b = realloc(m->bits, words * sizeof *b);
        if (!b) {
            m->version = 0;
            return;
        }
        m->bits = b;
        m->cap_words = words;
    }
    memcpy(m->bits, vc->bits, words * sizeof *m->bits);
    m->words = words;
    m->hits = hits;
    m->version = store_version(s);
    m->spec = *f->spec;
    memcpy(m->needle, f->needle, f->nl + 1);
    m->nl = f->nl;
}

/* A filter seen at this store version: its rows from the kept bits, no record read. */
static bool filter_memo(sk_view *v, struct view_cache *vc, const fmemo *m, const sk_store *s)
{
    if (!bits_room(vc, m->words))
        return false;
    memcpy(vc->bits, m->bits, m->words * sizeof *vc->bits);
    vc->bits_version = store_version(s);
    return display_bits(v, vc, m->hits);
}

/* The display list from every row: the filter records in store order into a bitmap (a
 * sequential scan of 16 bytes a row), then the marked rows in base order. */
static bool filter_base(sk_view *v, struct view_cache *vc, const filter *f, const sk_store *s)
{
    vc->bits_version = 0;
    if (filter_all(f)) {
        display_alias(v, vc);
        return true;
    }
    size_t limit = store_row_limit(s), words = bits_words(s);
    if (!bits_room(vc, words))
        return false;
    uint64_t *bits = vc->bits;
    memset(bits, 0, words * sizeof *bits);
    sk_row cand[SCAN_BLOCK];
    size_t hits = 0;
    for (size_t r = 0; r < limit; r += SCAN_BLOCK)
        hits += scan_block(f, bits, r, r + SCAN_BLOCK < limit ? r + SCAN_BLOCK : limit, cand);
    vc->bits_version = store_version(s);
    memo_save(vc, f, s, hits);
    return display_bits(v, vc, hits);
}

/* Typing one more character over a list whose rows vc->bits holds: only those rows are read,
 * in store order (a pass over the bitmap, the strings in sequence), then the list keeps the
 * ones that still pass, in its own order. */
static void filter_narrow(sk_view *v, struct view_cache *vc, const filter *f, const sk_store *s)
{
    uint64_t *bits = vc->bits;
    size_t words = bits_words(s), hits = 0;
    sk_row cand[SCAN_BLOCK];
    for (size_t w = 0; w < words;) {
        size_t nc = 0;   /* a block of the rows shown */
        for (; w < words && nc + 64 <= SCAN_BLOCK; w++)
            for (uint64_t word = bits[w]; word; word &= word - 1)
                cand[nc++] = (sk_row)(w * 64 + (unsigned)__builtin_ctzll(word));
        hits += settle(f, bits, cand, nc, false);
    }
    size_t n = 0;
    for (size_t i = 0; i < v->n; i++) {
        sk_row r = v->rows[i];
        if (bits[r / 64] >> (r % 64) & 1)
            v->rows[n++] = r;
    }
    v->n = n;
    memo_save(vc, f, s, hits);
}

/* Typing one more character: only the rows shown can still match; order is kept. */
static void filter_shown(sk_view *v, const filter *f)
{
    size_t n = 0;
    for (size_t i = 0; i < v->n; i++)
        if (filter_row(f, v->rows[i]))
            v->rows[n++] = v->rows[i];
    v->n = n;
}

/* A page appended under the same filter: its rows that pass are merged into the display list
 * (or the list is the base, already merged; a list that is the base because every row passed
 * is not handed here: the new rows may not pass). */
static bool display_append(sk_view *v, struct view_cache *vc, const filter *f, const sort_ctx *c)
{
    if (filter_all(f)) {
        display_alias(v, vc);
        return true;
    }
    size_t k = 0;
    for (size_t i = 0; i < vc->n_add; i++)
        if (filter_row(f, vc->add[i]))
            vc->add[k++] = vc->add[i];
    if (!display_own(v, vc, v->n + k))
        return false;
    merge_in(c, v->rows, v->n, vc->add, k);
    v->n += k;
    return true;
}

/* ---------------------------------------------------------------- the view */

void view_init(sk_view *v)
{
    v->rows = NULL;
    v->n = v->cap = 0;
    v->cache = NULL;
}

static void cache_free(struct view_cache *vc)
{
    if (!vc)
        return;
    free(vc->base);
    free(vc->add);
    free(vc->bits);
    for (unsigned i = 0; i < MEMO_N; i++)
        free(vc->memo[i].bits);
    free(vc->recs);
    free(vc->irank);
    free(vc->igroup);
    keys_drop(vc);
    free(vc);
}

void view_free(sk_view *v)
{
    if (!v->cache || !v->cache->alias)
        free(v->rows);
    cache_free(v->cache);
    view_init(v);
}

static sk_status update(sk_view *v, struct view_cache *vc, const sk_store *s,
                        const sk_view_spec *spec)
{
    sk_sort_key by = (unsigned)spec->sort < SK_SORT_COUNT ? spec->sort : SK_SORT_IDENTIFIER;
    bool pred = spec->saved && spec->saved->match;   /* may depend on the time: run again */
    bool same = vc->filtered && same_spec(&vc->spec, spec, by) && !pred;
    if (same && vc->version && vc->version == store_version(s))
        return SK_OK;   /* nothing changed */
    base_change how = base_update(v, vc, s, by, spec->reverse);
    if (how == BASE_FAILED)
        return SK_ERR_NOMEM;
    filter f;
    if (!filter_init(&f, spec, s))
        return SK_ERR_NOMEM;
    if (!filter_all(&f) && !recs_update(vc, s)) {
        filter_free(&f);
        return SK_ERR_NOMEM;
    }
    f.recs = vc->recs;
    sort_ctx c = sort_ctx_of(s, by, spec->reverse);
    if (vc->keys && vc->n_keys == store_row_limit(s) && vc->keys_layout == store_layout_version(s) &&
        vc->keys_by == by && vc->keys_reverse == spec->reverse) {
        c.keys = vc->keys;
        c.keys2 = vc->keys2;
    }
    bool ok = true;
    fmemo *m;
    if (how == BASE_APPENDED && same && (filter_all(&f) || !vc->alias)) {
        ok = display_append(v, vc, &f, &c);   /* the bits are of the store before the page */
    } else if (!filter_all(&f) && (m = memo_find(vc, &f, s))) {
        ok = filter_memo(v, vc, m, s);   /* typed before, at this store version */
    } else if (how == BASE_KEPT && vc->filtered && !vc->alias && narrows(&vc->spec, &f) &&
               vc->bits_version == store_version(s) && v->n <= store_row_limit(s) / 4) {
        filter_narrow(v, vc, &f, s);
    /* Only the rows shown are tested when they are few: they are read in display order, all
     * over the store (a wait for memory each), where the scan reads in sequence. */
    } else if (how == BASE_KEPT && vc->filtered && !vc->alias && v->n <= store_row_limit(s) / 32 &&
               narrows(&vc->spec, &f)) {
        vc->bits_version = 0;
        filter_shown(v, &f);
    } else {
        ok = filter_base(v, vc, &f, s);
    }
    filter_free(&f);
    if (!ok)
        return SK_ERR_NOMEM;
    vc->spec = *spec;
    vc->spec.sort = by;
    vc->filtered = true;
    return SK_OK;
}

sk_status view_update(sk_view *v, const sk_store *s, const sk_view_spec *spec)
{
    if (!v->cache && !(v->cache = calloc(1, sizeof *v->cache)))
        return SK_ERR_NOMEM;
    struct view_cache *vc = v->cache;
    sk_status st = update(v, vc, s, spec);
    free(vc->add);
    vc->add = NULL;
    vc->n_add = 0;
    if (vc->alias) {            /* the base may have moved */
        v->rows = vc->base;
        v->n = vc->n_base;
    }
    if (st != SK_OK) {
        vc->version = 0;        /* start afresh next time; show nothing meanwhile */
        vc->bits_version = 0;
        vc->filtered = false;
        v->n = 0;
    }
    return st;
}

size_t view_find_near(const sk_view *v, const sk_store *s, const char *id, size_t hint)
{
    sk_row r = store_find(s, id);
    if (r == SK_ROW_NONE || v->n == 0)
        return (size_t)-1;
    size_t h = hint < v->n ? hint : v->n - 1;
    for (size_t d = 0; d <= h || h + d < v->n; d++) {
        if (h + d < v->n && v->rows[h + d] == r)
            return h + d;
        if (d && d <= h && v->rows[h - d] == r)
            return h - d;
    }
    return (size_t)-1;
}

bool view_prepare(sk_view *v, const sk_store *s, size_t budget)
{
    struct view_cache *vc = v ? v->cache : NULL;
    if (!vc || !vc->version || vc->version != store_version(s))
        return false;
    if (vc->recs && vc->recs_layout == store_layout_version(s) &&
        vc->n_recs == store_row_limit(s))
        return false;   /* ready */
    keys_drop(vc);   /* made again at the next page merged in */
    bool done = false;
    return recs_grow(vc, s, budget ? budget : 1, &done) && !done;
}

const sk_row *view_sorted_all(const sk_view *v, const sk_store *s, size_t *n, sk_sort_key *by,
                              bool *reverse)
{
    const struct view_cache *vc = v ? v->cache : NULL;
    *n = 0;
    if (!vc || !vc->version || vc->version != store_version(s) || !vc->base)
        return NULL;
    *n = vc->n_base;
    *by = vc->by;
    *reverse = vc->reverse;
    return vc->base;
}

size_t view_find(const sk_view *v, const sk_store *s, const char *id)
{
    sk_row r = store_find(s, id);
    if (r == SK_ROW_NONE)
        return (size_t)-1;
    for (size_t i = 0; i < v->n; i++)
        if (v->rows[i] == r)
            return i;
    return (size_t)-1;
}
