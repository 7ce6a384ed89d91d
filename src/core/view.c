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

/* Which characters a string holds, as 32 bits (letters folded, one bit each; digits and other
 * bytes share the rest): a string whose bits miss one of the needle's cannot hold it, and is
 * skipped without being read. A row keeps its identifier's bits low, its id's high. */
static uint32_t char_bit(unsigned char c)
{
    c = fold(c);
    if (c >= 'a' && c <= 'z')
        return UINT32_C(1) << (c - 'a');
    if (c >= '0' && c <= '9')
        return UINT32_C(1) << (26 + c % 4);
    return UINT32_C(1) << (30 + c % 2);
}

static uint32_t str_sig(const char *s)
{
    uint32_t sig = 0;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
        sig |= char_bit(*p);
    return sig;
}

static uint64_t row_sig(const sk_store *s, const sk_store_row *r)
{
    return (uint64_t)str_sig(store_row_identifier(s, r)) | (uint64_t)str_sig(store_row_id(s, r)) << 32;
}

/* A spec made ready for the scan: the folded needle, and per connection (creation index) whether
 * the connection filter keeps it and whether its name matches the text. */
typedef struct filter {
    const sk_view_spec *spec;
    unsigned char needle[SK_FILTER_MAX];
    size_t nl;
    uint32_t sig;               /* str_sig of the needle */
    const uint64_t *row_sigs;   /* row_sig per row (view cache) */
    unsigned states;            /* state bits kept (the saved view's folded in) */
    const sk_store *store;      /* for a saved view's predicate */
    int64_t now;
    uint8_t *conn;              /* bit 1: kept by conn: tokens, bit 2: name contains the text */
    size_t n_conn;
    uint8_t none;               /* the same for rows without a connection */
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
    f->sig = str_sig((const char *)f->needle);
    f->row_sigs = NULL;
    f->states = spec->state_mask & SK_ALL_STATES;
    if (spec->saved)
        f->states &= spec->saved->state_mask;
    f->store = s;
    f->now = spec->saved && spec->saved->match ? time_now() : 0;
    f->n_conn = store_conn_limit(s);
    f->conn = malloc(f->n_conn ? f->n_conn : 1);
    if (!f->conn)
        return false;
    for (size_t c = 0; c < f->n_conn; c++)
        f->conn[c] = conn_bits(f, store_conn_name(s, (uint32_t)c));
    f->none = conn_bits(f, NULL);
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
    return f->states == SK_ALL_STATES && !f->spec->n_connections && f->nl == 0 &&
           !(f->spec->saved && f->spec->saved->match);
}

static bool filter_row(const filter *f, const sk_store_row *r, sk_row ri)
{
    unsigned st = r->state < SK_STATE_COUNT ? r->state : SK_STATE_ERROR;
    if (!(f->states & (1u << st)))
        return false;
    uint8_t cb = r->conn < f->n_conn ? f->conn[r->conn] : f->none;
    if (!(cb & CONN_KEPT))
        return false;
    if (f->spec->saved && f->spec->saved->match) {
        sk_account acc;
        store_get(f->store, ri, &acc);
        if (!f->spec->saved->match(&acc, f->now))
            return false;
    }
    if (f->nl == 0 || (cb & CONN_TEXT))
        return true;
    uint64_t rs = f->row_sigs[ri];
    uint32_t in_ident = (uint32_t)rs, in_id = (uint32_t)(rs >> 32);
    return ((in_ident & f->sig) == f->sig &&
            ci_contains(store_row_identifier(f->store, r), f->needle, f->nl)) ||
           ((in_id & f->sig) == f->sig && ci_contains(store_row_id(f->store, r), f->needle, f->nl));
}

/* ---------------------------------------------------------------- sorting */

/* Trouble first: what needs the admin comes to the top (order documented in view.h). */
static const uint8_t state_rank[SK_STATE_COUNT] = {
    [SK_STATE_ERROR] = 0, [SK_STATE_EXPIRED] = 1, [SK_STATE_REVOKED] = 2,
    [SK_STATE_PENDING] = 3, [SK_STATE_ACTIVE] = 4,
};

typedef struct sort_ctx {
    const sk_store *store;
    const sk_store_row *rows;
    sk_sort_key by;
    bool reverse;
    const uint64_t *key;        /* row_key and row_key2 of row r at key[2r], key[2r + 1] */
} sort_ctx;

static const char *nz(const char *s) { return s ? s : ""; }

/* Folded identifier bytes [from, from + 8), big-endian, zero past the end: such keys order like
 * the folded string. */
static uint64_t ident_bytes(const char *s, size_t from)
{
    size_t i = 0;
    while (i < from && s[i])
        i++;
    if (i < from)
        return 0;
    uint64_t k = 0;
    int n = 0;
    for (; n < 8 && s[i + (size_t)n]; n++)
        k = (k << 8) | fold((unsigned char)s[i + (size_t)n]);
    return n ? k << (8 * (8 - n)) : 0;
}

static uint64_t ident_prefix(const char *s) { return ident_bytes(s, 0); }

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

/* A 64-bit key consistent with the full order: key(a) < key(b) implies a before b; equal keys
 * are settled by full_cmp. Most comparisons end here, on one integer. */
static uint64_t row_key(const sort_ctx *c, const sk_store_row *r)
{
    uint64_t p = ident_prefix(nz(store_row_identifier(c->store, r)));
    switch (c->by) {
    case SK_SORT_IDENTIFIER:
        return c->reverse ? ~p : p;
    case SK_SORT_STATE: {
        uint64_t rank = row_rank(r);
        return ((c->reverse ? 4 - rank : rank) << 56) | (p >> 8);
    }
    default: {
        int64_t t = row_time(c, r);
        if (t == SK_TIME_ABSENT)
            return UINT64_MAX;   /* last in either direction */
        uint64_t u = (uint64_t)t ^ (UINT64_C(1) << 63);   /* order-preserving, >= 1 here */
        return c->reverse ? UINT64_MAX - u : u - 1;
    }
    }
}

/* The key that settles most ties of row_key: the identifier's next folded bytes (for time
 * keys its first ones: ties go by identifier ascending in either direction). */
static uint64_t row_key2(const sort_ctx *c, const sk_store_row *r)
{
    const char *id = nz(store_row_identifier(c->store, r));
    switch (c->by) {
    case SK_SORT_IDENTIFIER: {
        uint64_t p = ident_bytes(id, 8);
        return c->reverse ? ~p : p;
    }
    case SK_SORT_STATE:
        return ident_bytes(id, 7);
    default:
        return ident_prefix(id);
    }
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

/* a before b (ids are unique, so this is a total order and the sort needs no stability). */
static bool before(const sort_ctx *c, sk_row a, sk_row b)
{
    uint64_t ka = c->key[2 * (size_t)a], kb = c->key[2 * (size_t)b];
    if (ka != kb)
        return ka < kb;
    ka = c->key[2 * (size_t)a + 1];
    kb = c->key[2 * (size_t)b + 1];
    if (ka != kb)
        return ka < kb;
    return full_cmp(c, &c->rows[a], &c->rows[b]) < 0;
}

#define RUN 16

/* Bottom-up merge sort of row indexes (insertion-sorted runs first); tmp holds n. */
static void sort_rows(const sort_ctx *c, sk_row *v, sk_row *tmp, size_t n)
{
    for (size_t lo = 0; lo < n; lo += RUN) {
        size_t hi = lo + RUN < n ? lo + RUN : n;
        for (size_t i = lo + 1; i < hi; i++) {
            sk_row x = v[i];
            size_t j = i;
            for (; j > lo && before(c, x, v[j - 1]); j--)
                v[j] = v[j - 1];
            v[j] = x;
        }
    }
    sk_row *src = v, *dst = tmp;
    for (size_t w = RUN; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi)
                dst[o++] = before(c, src[j], src[i]) ? src[j++] : src[i++];
            while (i < mid)
                dst[o++] = src[i++];
            while (j < hi)
                dst[o++] = src[j++];
        }
        sk_row *t = src;
        src = dst;
        dst = t;
    }
    if (src != v)
        memcpy(v, src, n * sizeof *v);
}

/* ---------------------------------------------------------------- the cache */

/* What view_update keeps between calls. `base` holds every live row of the store, sorted, as
 * of store version `version`; `rows` of the view were filtered from it with `spec`. */
struct view_cache {
    sk_row *base;
    size_t n_base, cap_base;
    uint64_t version, layout;   /* store versions base was built for (0: none) */
    size_t limit;               /* store_row_limit() then */
    sk_sort_key by;
    bool reverse;
    bool filtered;              /* the view's rows are base filtered with `spec` */
    sk_view_spec spec;
    uint64_t *bits;             /* scratch: one bit per row */
    size_t cap_bits;
    uint64_t *sigs;             /* row_sig of rows [0, n_sigs), as of store version sig_version */
    size_t n_sigs, cap_sigs;
    uint64_t sig_layout;
    /* Sort keys of rows [0, n_keys) for (key_by, key_reverse) as of layout key_layout: kept
     * while pages are appended, so merging a page compares integers, not identifiers read
     * from all over the store. */
    uint64_t *keys;
    size_t n_keys, cap_keys;
    uint64_t key_layout;
    sk_sort_key key_by;
    bool key_reverse;
};

static bool reserve_rows(sk_row **p, size_t *cap, size_t need)
{
    if (need <= *cap)
        return true;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c = c / 2 * 3;
    sk_row *q = realloc(*p, c * sizeof *q);
    if (!q)
        return false;
    *p = q;
    *cap = c;
    return true;
}

/* Every live row in [from, to), sorted, appended to base[n_base..). */
static bool collect_sorted(struct view_cache *vc, const sort_ctx *c, size_t from, size_t to)
{
    size_t n = 0;
    for (size_t r = from; r < to; r++)
        n += c->rows[r].flags & SK_STORE_ROW_LIVE;
    if (!reserve_rows(&vc->base, &vc->cap_base, vc->n_base + n))
        return false;
    sk_row *out = vc->base + vc->n_base;
    size_t k = 0;
    for (size_t r = from; r < to; r++)
        if (c->rows[r].flags & SK_STORE_ROW_LIVE)
            out[k++] = (sk_row)r;
    sk_row *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (!tmp)
        return false;
    sort_rows(c, out, tmp, n);
    free(tmp);
    vc->n_base += n;
    return true;
}

/* Keys for every row in this order: kept while the layout holds, extended for appended rows. */
static bool keys_update(struct view_cache *vc, const sk_store *s, sort_ctx *c)
{
    uint64_t layout = store_layout_version(s);
    size_t limit = store_row_limit(s);
    if (vc->key_layout != layout || vc->key_by != c->by || vc->key_reverse != c->reverse ||
        vc->n_keys > limit)
        vc->n_keys = 0;
    if (limit > vc->cap_keys || !vc->keys) {
        size_t cap = limit + limit / 2 + 1;
        uint64_t *p = realloc(vc->keys, cap * 2 * sizeof *p);
        if (!p)
            return false;
        vc->keys = p;
        vc->cap_keys = cap;
    }
    for (size_t r = vc->n_keys; r < limit; r++) {
        bool live = c->rows[r].flags & SK_STORE_ROW_LIVE;
        vc->keys[2 * r] = live ? row_key(c, &c->rows[r]) : 0;
        vc->keys[2 * r + 1] = live ? row_key2(c, &c->rows[r]) : 0;
    }
    vc->n_keys = limit;
    vc->key_layout = layout;
    vc->key_by = c->by;
    vc->key_reverse = c->reverse;
    c->key = vc->keys;
    return true;
}

/* The whole base again. */
static bool base_rebuild(struct view_cache *vc, sort_ctx *c, size_t limit)
{
    vc->n_base = 0;
    return collect_sorted(vc, c, 0, limit);
}

/* First position in base[0..n) that sorts after row x. */
static size_t upper_bound(const sort_ctx *c, const sk_row *base, size_t n, sk_row x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (before(c, x, base[mid]))
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* Rows appended since the base was built ([old limit, limit)): sorted, then merged in place
 * from the back, each old row moved once. */
static bool base_append(struct view_cache *vc, const sort_ctx *c, size_t limit)
{
    size_t old = vc->n_base;
    if (!collect_sorted(vc, c, vc->limit, limit))
        return false;
    size_t m = vc->n_base - old;
    if (m == 0)
        return true;   /* nothing new is live (and the base may still be NULL) */
    sk_row *b = vc->base, *add = malloc(m * sizeof *add);
    if (!add)
        return false;
    memcpy(add, b + old, m * sizeof *add);
    size_t end = old;
    for (size_t j = m; j-- > 0;) {
        size_t p = upper_bound(c, b, end, add[j]);
        memmove(b + p + j + 1, b + p, (end - p) * sizeof *b);
        b[p + j] = add[j];
        end = p;
    }
    free(add);
    return true;
}

/* Brings base up to the store's rows in this order: kept, merged with new rows, or rebuilt. */
static bool base_update(struct view_cache *vc, const sk_store *s, sk_sort_key by, bool reverse)
{
    uint64_t version = store_version(s), layout = store_layout_version(s);
    size_t limit = store_row_limit(s);
    sort_ctx c = { s, store_rows(s), by, reverse, NULL };
    bool same_order = vc->version && vc->by == by && vc->reverse == reverse;
    if (same_order && vc->version == version)
        return true;
    vc->filtered = false;
    if (!keys_update(vc, s, &c))
        return false;
    bool ok = same_order && vc->layout == layout && vc->limit <= limit
                  ? base_append(vc, &c, limit)
                  : base_rebuild(vc, &c, limit);
    vc->version = ok ? version : 0;
    vc->layout = layout;
    vc->limit = limit;
    vc->by = by;
    vc->reverse = reverse;
    return ok;
}

/* ---------------------------------------------------------------- filtering the base */

/* Row signatures for every row: kept while the layout holds, extended for appended rows. */
static bool sigs_update(struct view_cache *vc, const sk_store *s)
{
    uint64_t layout = store_layout_version(s);
    size_t limit = store_row_limit(s);
    if (vc->sig_layout != layout || vc->n_sigs > limit)
        vc->n_sigs = 0;
    if (limit > vc->cap_sigs) {
        size_t cap = limit + limit / 2;
        uint64_t *p = realloc(vc->sigs, cap * sizeof *p);
        if (!p)
            return false;
        vc->sigs = p;
        vc->cap_sigs = cap;
    }
    const sk_store_row *rows = store_rows(s);
    for (size_t r = vc->n_sigs; r < limit; r++)
        vc->sigs[r] = rows[r].flags & SK_STORE_ROW_LIVE ? row_sig(s, &rows[r]) : 0;
    vc->n_sigs = limit;
    vc->sig_layout = layout;
    return true;
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

static bool set_rows(sk_view *v, size_t n)
{
    return reserve_rows(&v->rows, &v->cap, n ? n : 1);
}

/* The display list from every row: in store order into a bitmap (a sequential scan), then the
 * marked rows in base order. */
static bool filter_base(sk_view *v, struct view_cache *vc, const filter *f, const sk_store *s)
{
    if (!set_rows(v, vc->n_base))
        return false;
    if (filter_all(f)) {
        if (vc->n_base)   /* an empty store has no base array (memcpy from NULL is undefined) */
            memcpy(v->rows, vc->base, vc->n_base * sizeof *v->rows);
        v->n = vc->n_base;
        return true;
    }
    size_t limit = store_row_limit(s), words = limit / 64 + 1;
    if (words > vc->cap_bits) {
        uint64_t *b = realloc(vc->bits, words * sizeof *b);
        if (!b)
            return false;
        vc->bits = b;
        vc->cap_bits = words;
    }
    uint64_t *bits = vc->bits;
    memset(bits, 0, words * sizeof *bits);
    const sk_store_row *rows = store_rows(s);
    size_t hits = 0;
    for (size_t r = 0; r < limit; r++) {
        if ((rows[r].flags & SK_STORE_ROW_LIVE) && filter_row(f, &rows[r], (sk_row)r)) {
            bits[r / 64] |= UINT64_C(1) << (r % 64);
            hits++;
        }
    }
    size_t n = 0;
    for (size_t i = 0; i < vc->n_base && n < hits; i++) {
        sk_row r = vc->base[i];
        if (bits[r / 64] >> (r % 64) & 1)
            v->rows[n++] = r;
    }
    v->n = n;
    return true;
}

/* Typing one more character: only the rows shown can still match; order is kept. */
static void filter_shown(sk_view *v, const filter *f, const sk_store *s)
{
    const sk_store_row *rows = store_rows(s);
    size_t n = 0;
    for (size_t i = 0; i < v->n; i++)
        if (filter_row(f, &rows[v->rows[i]], v->rows[i]))
            v->rows[n++] = v->rows[i];
    v->n = n;
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
    free(vc->bits);
    free(vc->sigs);
    free(vc->keys);
    free(vc);
}

void view_free(sk_view *v)
{
    free(v->rows);
    cache_free(v->cache);
    view_init(v);
}

static sk_status update(sk_view *v, struct view_cache *vc, const sk_store *s,
                        const sk_view_spec *spec)
{
    sk_sort_key by = (unsigned)spec->sort < SK_SORT_COUNT ? spec->sort : SK_SORT_IDENTIFIER;
    if (!base_update(vc, s, by, spec->reverse))
        return SK_ERR_NOMEM;
    filter f;
    if (!filter_init(&f, spec, s))
        return SK_ERR_NOMEM;
    if (f.nl && !sigs_update(vc, s)) {
        filter_free(&f);
        return SK_ERR_NOMEM;
    }
    f.row_sigs = vc->sigs;
    bool ok = true;
    /* Only the rows shown are tested when they are few: they are read in display order, which
     * costs more per row than the scan in store order. */
    if (vc->filtered && v->n <= store_row_limit(s) / 4 && narrows(&vc->spec, &f))
        filter_shown(v, &f, s);
    else
        ok = filter_base(v, vc, &f, s);
    filter_free(&f);
    if (!ok)
        return SK_ERR_NOMEM;
    vc->spec = *spec;
    vc->filtered = true;
    return SK_OK;
}

sk_status view_update(sk_view *v, const sk_store *s, const sk_view_spec *spec)
{
    if (!v->cache && !(v->cache = calloc(1, sizeof *v->cache)))
        return SK_ERR_NOMEM;
    struct view_cache *vc = v->cache;
    sk_status st = update(v, vc, s, spec);
    if (st != SK_OK) {
        vc->version = 0;        /* start afresh next time */
        vc->filtered = false;
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
