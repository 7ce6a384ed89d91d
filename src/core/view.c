/* view.c: the display list of a pane: parsing what the user typed after '/', filtering the
 * store's rows and sorting them stably on precomputed keys (fast enough for 100,000 rows). */
#include "view.h"

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

static bool parse_word(sk_view_spec *t, unsigned *mask, const char *w, size_t wl, char *msg,
                       size_t msgn)
{
    const char *val;
    size_t vl;
    if (token_key(w, wl, "state", &val, &vl)) {
        char name[32];
        sk_state st;
        size_t n = vl < sizeof name - 1 ? vl : sizeof name - 1;
        memcpy(name, val, n);
        name[n] = '\0';
        if (vl >= sizeof name || !state_parse(name, &st)) {
            snprintf(msg, msgn, "unknown state \"%.*s\" (pending, active, expired, revoked, error)",
                     (int)(vl > 40 ? 40 : vl), val);
            return false;
        }
        *mask |= 1u << st;
    } else if (token_key(w, wl, "conn", &val, &vl) || token_key(w, wl, "connection", &val, &vl)) {
        if (vl >= sizeof t->connections[0]) {
            snprintf(msg, msgn, "connection name too long");
            return false;
        }
        if (t->n_connections >= SK_VIEW_MAX_CONNS) {
            snprintf(msg, msgn, "at most %d conn: tokens", SK_VIEW_MAX_CONNS);
            return false;
        }
        memcpy(t->connections[t->n_connections], val, vl);
        t->connections[t->n_connections++][vl] = '\0';
    } else {
        text_append(t->text, w, wl);
    }
    return true;
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

/* Case-insensitive (ASCII) substring test; needle already folded. */
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
        while (i < nl && h[i] && fold(h[i]) == needle[i])
            i++;
        if (i == nl)
            return true;
    }
    return false;
}

typedef struct filter {
    const sk_view_spec *spec;
    unsigned char needle[SK_FILTER_MAX];
    size_t nl;
} filter;

static bool filter_match(const filter *f, const sk_account *a)
{
    const sk_view_spec *sp = f->spec;
    if (!(sp->state_mask & (1u << a->state)))
        return false;
    if (sp->attention_only && a->state == SK_STATE_ACTIVE)
        return false;
    if (sp->n_connections) {
        size_t i = 0;
        while (i < sp->n_connections && !(a->connector && strcmp(a->connector, sp->connections[i]) == 0))
            i++;
        if (i == sp->n_connections)
            return false;
    }
    if (f->nl == 0)
        return true;
    return ci_contains(a->identifier, f->needle, f->nl) || ci_contains(a->id, f->needle, f->nl) ||
           ci_contains(a->connector, f->needle, f->nl);
}

/* ---------------------------------------------------------------- sorting */

/* Trouble first: what needs the admin comes to the top (order documented in view.h). */
static const uint8_t state_rank[SK_STATE_COUNT] = {
    [SK_STATE_ERROR] = 0, [SK_STATE_EXPIRED] = 1, [SK_STATE_REVOKED] = 2,
    [SK_STATE_PENDING] = 3, [SK_STATE_ACTIVE] = 4,
};

typedef struct sort_key {
    int64_t primary;        /* state rank or timestamp; unused for identifier */
    uint64_t prefix;        /* first 8 bytes of the folded identifier, big-endian */
    const char *ident;
    const char *id;
    sk_row row;
    bool absent;            /* timestamp missing: sorts last in either direction */
} sort_key;

typedef struct sort_ctx {
    sk_sort_key by;
    bool reverse;
} sort_ctx;

static uint64_t ident_prefix(const char *s)
{
    uint64_t k = 0;
    int i = 0;
    for (; i < 8 && s[i]; i++)
        k = (k << 8) | fold((unsigned char)s[i]);
    return k << (8 * (8 - i));
}

static int ident_cmp(const sort_key *a, const sort_key *b)
{
    if (a->prefix != b->prefix)
        return a->prefix < b->prefix ? -1 : 1;
    const unsigned char *x = (const unsigned char *)a->ident, *y = (const unsigned char *)b->ident;
    size_t i = 0;
    while (x[i] && fold(x[i]) == fold(y[i]))
        i++;
    if (fold(x[i]) != fold(y[i]))
        return fold(x[i]) < fold(y[i]) ? -1 : 1;
    int c = strcmp(a->ident, b->ident);   /* same but for case: still a fixed order */
    return c < 0 ? -1 : c > 0;
}

static int key_cmp(const sort_key *a, const sort_key *b, const sort_ctx *c)
{
    int r = 0;
    if (c->by != SK_SORT_IDENTIFIER) {
        if (a->absent != b->absent)
            return a->absent ? 1 : -1;
        if (a->primary != b->primary)
            r = a->primary < b->primary ? -1 : 1;
        if (r)
            return c->reverse ? -r : r;
    }
    r = ident_cmp(a, b);
    if (r)
        return c->by == SK_SORT_IDENTIFIER && c->reverse ? -r : r;
    r = strcmp(a->id, b->id);
    return r < 0 ? -1 : r > 0;
}

/* Bottom-up merge sort: stable, O(n log n), and takes a context (qsort cannot). */
static void merge_sort(sort_key *k, sort_key *tmp, size_t n, const sort_ctx *c)
{
    sort_key *src = k, *dst = tmp;
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi)
                dst[o++] = key_cmp(&src[j], &src[i], c) < 0 ? src[j++] : src[i++];
            while (i < mid)
                dst[o++] = src[i++];
            while (j < hi)
                dst[o++] = src[j++];
        }
        sort_key *t = src;
        src = dst;
        dst = t;
    }
    if (src != k)
        memcpy(k, src, n * sizeof *k);
}

static void key_fill(sort_key *k, const sk_account *a, sk_row r, sk_sort_key by)
{
    k->row = r;
    k->ident = a->identifier ? a->identifier : "";
    k->id = a->id ? a->id : "";
    k->prefix = ident_prefix(k->ident);
    k->absent = false;
    int64_t t = SK_TIME_ABSENT;
    switch (by) {
    case SK_SORT_STATE: k->primary = state_rank[a->state < SK_STATE_COUNT ? a->state : SK_STATE_ERROR]; return;
    case SK_SORT_TOKEN_EXPIRY: t = a->token_expires_at; break;
    case SK_SORT_LAST_USED: t = a->last_used_at; break;
    case SK_SORT_UPDATED: t = a->updated_at; break;
    default: k->primary = 0; return;
    }
    k->primary = t;
    k->absent = t == SK_TIME_ABSENT;
}

/* ---------------------------------------------------------------- the view */

void view_init(sk_view *v)
{
    v->rows = NULL;
    v->n = v->cap = 0;
}

void view_free(sk_view *v)
{
    free(v->rows);
    view_init(v);
}

static void filter_init(filter *f, const sk_view_spec *spec)
{
    f->spec = spec;
    f->nl = 0;
    for (const char *p = spec->text; *p && f->nl < sizeof f->needle - 1; p++)
        f->needle[f->nl++] = fold((unsigned char)*p);
    f->needle[f->nl] = '\0';
}

sk_status view_update(sk_view *v, const sk_store *s, const sk_view_spec *spec)
{
    size_t limit = store_row_limit(s);
    sort_key *keys = malloc((limit ? limit : 1) * 2 * sizeof *keys);
    if (!keys)
        return SK_ERR_NOMEM;
    filter f;
    filter_init(&f, spec);
    sk_sort_key by = (unsigned)spec->sort < SK_SORT_COUNT ? spec->sort : SK_SORT_IDENTIFIER;
    size_t n = 0;
    for (sk_row r = 0; r < limit; r++) {
        if (!store_row_live(s, r))
            continue;
        sk_account a;
        store_get(s, r, &a);
        if (filter_match(&f, &a))
            key_fill(&keys[n++], &a, r, by);
    }
    sort_ctx c = { by, spec->reverse };
    merge_sort(keys, keys + limit, n, &c);
    if (n > v->cap) {
        sk_row *rows = realloc(v->rows, n * sizeof *rows);
        if (!rows) {
            free(keys);
            return SK_ERR_NOMEM;
        }
        v->rows = rows;
        v->cap = n;
    }
    for (size_t i = 0; i < n; i++)
        v->rows[i] = keys[i].row;
    v->n = n;
    free(keys);
    return SK_OK;
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
