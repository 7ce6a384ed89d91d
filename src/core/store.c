/* store.c: every account once, in compact rows addressed by a stable index; an id hash, an
 * intern table for repeated strings, and per-connection counts kept current on every change. */
#include "store.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

/* Sized for 100,000 accounts in a few MB: strings are interned (uint32) or live in the arena,
 * timestamps are integers, state and flags are bytes. 64 bytes a row (sk_store_row, store.h). */
typedef sk_store_row store_row;

enum { ROW_LIVE = 1, ROW_MARKED = 2, ROW_SEEN = 4, ROW_FOUND = 8 };

/* Rows of a page share their connector, connection id, provider and mostly status and
 * authorization type: row_fill checks the value each field had last before hashing. */
enum { MEMO_CONNECTOR, MEMO_CONNECTION_ID, MEMO_PROVIDER, MEMO_STATUS, MEMO_AUTH, MEMO_FIELDS };

#define NO_CONN SK_CONN_NONE
#define SLOT_EMPTY UINT32_MAX
#define SLOT_DEAD (UINT32_MAX - 1)

typedef struct store_conn {
    uint32_t name, id, provider, type;  /* intern ids */
    bool from_api;
    size_t total;
    size_t unseen;              /* live rows not upserted since store_begin_refresh() */
    size_t count[SK_STATE_COUNT];
} store_conn;

/* Open-addressing set of uint32 entries keyed by a string each entry names. */
typedef struct hash_set {
    uint32_t *slots;
    size_t cap, used;           /* used counts live and dead slots */
} hash_set;

struct sk_store {
    sk_arena *arena;
    store_row *rows;
    size_t n_rows, cap_rows, live;
    uint32_t *free_rows;        /* holes left by removals, reused LIFO */
    size_t n_free, cap_free;
    hash_set by_id;             /* row indexes */

    const char **strs;          /* intern table: id -> string; strs[0] = NULL */
    size_t n_strs, cap_strs;
    hash_set interned;          /* intern ids */
    uint32_t *conn_of_str;      /* intern id -> conn index (NO_CONN), sized like strs */
    uint32_t memo[MEMO_FIELDS]; /* per row field, the intern id it had last (0: none) */

    store_conn *conns;          /* in creation order (indexes held by rows) */
    size_t n_conns, cap_conns;
    uint32_t *order;            /* display order: API connections first, then the rest */
    uint32_t *api_order;        /* API connections in the order the API gave them */
    size_t n_api, cap_order, cap_api;

    size_t totals[SK_STATE_COUNT];
    size_t unseen;              /* over all rows: a sweep with nothing unseen has no work */
    size_t marks;
    size_t found;               /* live rows with ROW_FOUND (a server search's, not listed yet) */
    uint64_t version, layout;   /* store_version(), store_layout_version() */
};

_Static_assert(ROW_LIVE == SK_STORE_ROW_LIVE, "store.h names the live flag");
_Static_assert(ROW_FOUND == SK_STORE_ROW_FOUND, "store.h names the found flag");

/* Versions come from one counter so that no two stores (or states of one) share a number. */
static uint64_t version_next(void)
{
    static atomic_uint_fast64_t counter;
    return (uint64_t)atomic_fetch_add(&counter, 1) + 1;
}

/* Something views have sorted changed (appended rows only bump the version). */
static void changed(sk_store *s, bool layout)
{
    s->version = version_next();
    if (layout)
        s->layout = s->version;
}

/* ---------------------------------------------------------------- helpers */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return h;
}

static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t c = *cap ? *cap : 16;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * elem);
    if (!q)
        return false;
    *p = q;
    *cap = c;
    return true;
}

static const char *row_key(const sk_store *s, uint32_t r) { return s->rows[r].id; }
static const char *str_key(const sk_store *s, uint32_t i) { return s->strs[i]; }

typedef const char *(*key_fn)(const sk_store *, uint32_t);

/* Slot holding the entry whose key is `key`, or the slot where it would go (*found false). */
static size_t set_probe(const sk_store *s, const hash_set *h, key_fn key, const char *k, bool *found)
{
    size_t mask = h->cap - 1, i = hash_str(k) & mask, first_dead = SIZE_MAX;
    for (;;) {
        uint32_t v = h->slots[i];
        if (v == SLOT_EMPTY) {
            *found = false;
            return first_dead != SIZE_MAX ? first_dead : i;
        }
        if (v == SLOT_DEAD) {
            if (first_dead == SIZE_MAX)
                first_dead = i;
        } else if (strcmp(key(s, v), k) == 0) {
            *found = true;
            return i;
        }
        i = (i + 1) & mask;
    }
}

static bool set_rehash(const sk_store *s, hash_set *h, key_fn key, size_t cap)
{
    uint32_t *slots = malloc(cap * sizeof *slots);
    if (!slots)
        return false;
    memset(slots, 0xff, cap * sizeof *slots);
    hash_set n = { slots, cap, 0 };
    for (size_t i = 0; i < h->cap; i++) {
        uint32_t v = h->slots[i];
        if (v == SLOT_EMPTY || v == SLOT_DEAD)
            continue;
        size_t j = hash_str(key(s, v)) & (cap - 1);
        while (slots[j] != SLOT_EMPTY)
            j = (j + 1) & (cap - 1);
        slots[j] = v;
        n.used++;
    }
    free(h->slots);
    *h = n;
    return true;
}

/* Make room for one more entry (keeps the load, dead slots included, under 70%). */
static bool set_reserve(const sk_store *s, hash_set *h, key_fn key, size_t live)
{
    if (h->cap && (h->used + 1) * 10 < h->cap * 7)
        return true;
    size_t cap = 64;
    while ((live + 1) * 10 >= cap * 5)
        cap *= 2;
    return set_rehash(s, h, key, cap);
}

/* ---------------------------------------------------------------- interning */

/* Intern id of s (0 for NULL); UINT32_MAX on out of memory. */
static uint32_t intern(sk_store *s, const char *str)
{
    if (!str)
        return 0;
    if (!set_reserve(s, &s->interned, str_key, s->n_strs))
        return UINT32_MAX;
    bool found;
    size_t slot = set_probe(s, &s->interned, str_key, str, &found);
    if (found)
        return s->interned.slots[slot];
    size_t old_cap = s->cap_strs;
    if (!grow((void **)&s->strs, &s->cap_strs, s->n_strs + 1, sizeof *s->strs))
        return UINT32_MAX;
    if (old_cap != s->cap_strs) {
        /* conn_of_str always has cap_strs entries; on failure shrink the claim back. */
        uint32_t *cos = realloc(s->conn_of_str, s->cap_strs * sizeof *cos);
        if (!cos) {
            s->cap_strs = old_cap;
            return UINT32_MAX;
        }
        s->conn_of_str = cos;
    }
    char *copy = arena_strdup(s->arena, str);
    if (!copy)
        return UINT32_MAX;
    uint32_t id = (uint32_t)s->n_strs++;
    s->strs[id] = copy;
    s->conn_of_str[id] = NO_CONN;
    if (s->interned.slots[slot] == SLOT_EMPTY)
        s->interned.used++;
    s->interned.slots[slot] = id;
    return id;
}

/* intern() through the field's memo: one strcmp instead of a hash and a probe on a repeat. */
static uint32_t intern_field(sk_store *s, int field, const char *str)
{
    if (!str)
        return 0;
    uint32_t last = s->memo[field];
    if (last && strcmp(s->strs[last], str) == 0)
        return last;
    uint32_t id = intern(s, str);
    if (id != UINT32_MAX)
        s->memo[field] = id;
    return id;
}

static const char *str_of(const sk_store *s, uint32_t id)
{
    return id < s->n_strs ? s->strs[id] : NULL;
}

/* ---------------------------------------------------------------- connections */

static void conns_reorder(sk_store *s)
{
    size_t k = 0;
    for (size_t i = 0; i < s->n_api; i++)
        s->order[k++] = s->api_order[i];
    for (size_t i = 0; i < s->n_conns; i++)
        if (!s->conns[i].from_api)
            s->order[k++] = (uint32_t)i;
}

/* Connection index for the interned name, created (not from the API) when new. */
static uint32_t conn_get(sk_store *s, uint32_t name)
{
    if (name == 0)
        return NO_CONN;
    if (s->conn_of_str[name] != NO_CONN)
        return s->conn_of_str[name];
    size_t need = s->n_conns + 1;
    if (!grow((void **)&s->conns, &s->cap_conns, need, sizeof *s->conns) ||
        !grow((void **)&s->order, &s->cap_order, need, sizeof *s->order) ||
        !grow((void **)&s->api_order, &s->cap_api, need, sizeof *s->api_order))
        return UINT32_MAX - 1;
    uint32_t c = (uint32_t)s->n_conns++;
    memset(&s->conns[c], 0, sizeof s->conns[c]);
    s->conns[c].name = name;
    s->conn_of_str[name] = c;
    conns_reorder(s);
    return c;
}

void store_set_connections(sk_store *s, const sk_connection *rows, size_t n)
{
    if (!s || !rows)
        return;
    for (size_t i = 0; i < n; i++) {
        if (!rows[i].name || !*rows[i].name)
            continue;
        uint32_t name = intern(s, rows[i].name);
        if (name == UINT32_MAX)
            return;
        uint32_t c = conn_get(s, name);
        if (c >= UINT32_MAX - 1)
            return;
        store_conn *sc = &s->conns[c];
        sc->id = intern(s, rows[i].id);
        sc->provider = intern(s, rows[i].provider);
        sc->type = intern(s, rows[i].type);
        if (sc->id == UINT32_MAX || sc->provider == UINT32_MAX || sc->type == UINT32_MAX)
            sc->id = sc->provider = sc->type = 0;
        if (!sc->from_api) {
            sc->from_api = true;
            s->api_order[s->n_api++] = c;
        }
    }
    conns_reorder(s);
    changed(s, false);
}

size_t store_connection_count(const sk_store *s)
{
    return s ? s->n_conns : 0;
}

void store_connection(const sk_store *s, size_t i, sk_conn_summary *out)
{
    memset(out, 0, sizeof *out);
    if (!s || i >= s->n_conns)
        return;
    const store_conn *c = &s->conns[s->order[i]];
    out->name = str_of(s, c->name);
    out->id = str_of(s, c->id);
    out->provider = str_of(s, c->provider);
    out->type = str_of(s, c->type);
    out->from_api = c->from_api;
    out->total = c->total;
    memcpy(out->count, c->count, sizeof out->count);
}

/* Intern id of an existing string, 0 when never seen (no allocation). */
static uint32_t intern_lookup(const sk_store *s, const char *str)
{
    if (!str || !s->interned.cap)
        return 0;
    bool found;
    size_t slot = set_probe(s, &s->interned, str_key, str, &found);
    return found ? s->interned.slots[slot] : 0;
}

static uint32_t conn_lookup(const sk_store *s, const char *name)
{
    uint32_t id = intern_lookup(s, name);
    return id ? s->conn_of_str[id] : NO_CONN;
}

size_t store_connection_find(const sk_store *s, const char *name)
{
    if (!s)
        return (size_t)-1;
    uint32_t c = conn_lookup(s, name);
    if (c == NO_CONN)
        return (size_t)-1;
    for (size_t i = 0; i < s->n_conns; i++)
        if (s->order[i] == c)
            return i;
    return (size_t)-1;
}

/* ---------------------------------------------------------------- lifetime */

sk_store *store_new(void)
{
    sk_store *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->arena = arena_new(64 * 1024);
    s->strs = malloc(16 * sizeof *s->strs);
    s->conn_of_str = malloc(16 * sizeof *s->conn_of_str);
    if (!s->arena || !s->strs || !s->conn_of_str) {
        store_free(s);
        return NULL;
    }
    s->cap_strs = 16;
    s->strs[0] = NULL;      /* intern id 0 is the absent string */
    s->conn_of_str[0] = NO_CONN;
    s->n_strs = 1;
    s->version = s->layout = version_next();
    return s;
}

void store_free(sk_store *s)
{
    if (!s)
        return;
    arena_free(s->arena);
    free(s->rows);
    free(s->free_rows);
    free(s->by_id.slots);
    free(s->strs);
    free(s->interned.slots);
    free(s->conn_of_str);
    free(s->conns);
    free(s->order);
    free(s->api_order);
    free(s);
}

void store_swap(sk_store *a, sk_store *b)
{
    sk_store t = *a;
    *a = *b;
    *b = t;
    /* New numbers: a view built on either must see that everything changed. */
    a->version = a->layout = version_next();
    b->version = b->layout = version_next();
}

/* ---------------------------------------------------------------- counting */

static void row_count(sk_store *s, const store_row *r, int delta)
{
    size_t st = r->state < SK_STATE_COUNT ? r->state : SK_STATE_ERROR;
    size_t unseen = r->flags & ROW_SEEN ? 0 : (size_t)delta;
    s->totals[st] += (size_t)delta;
    s->unseen += unseen;
    if (r->conn != NO_CONN) {
        s->conns[r->conn].count[st] += (size_t)delta;
        s->conns[r->conn].total += (size_t)delta;
        s->conns[r->conn].unseen += unseen;
    }
}

/* ---------------------------------------------------------------- rows */

static void found_clear(sk_store *s, store_row *r)
{
    if (r->flags & ROW_FOUND) {
        r->flags &= (uint8_t)~ROW_FOUND;
        s->found--;
    }
}

static uint32_t row_alloc(sk_store *s)
{
    if (s->n_free)
        return s->free_rows[--s->n_free];
    if (s->n_rows >= SK_ROW_NONE - 1 ||
        !grow((void **)&s->rows, &s->cap_rows, s->n_rows + 1, sizeof *s->rows))
        return SK_ROW_NONE;
    return (uint32_t)s->n_rows++;
}

/* Fill r's fields from a (strings interned or copied). False on out of memory. */
static bool row_fill(sk_store *s, store_row *r, const sk_account *a)
{
    if (!r->identifier || !a->identifier || strcmp(r->identifier, a->identifier) != 0) {
        const char *ident = a->identifier ? arena_strdup(s->arena, a->identifier) : NULL;
        if (a->identifier && !ident)
            return false;
        r->identifier = ident;
    }
    uint32_t name = intern_field(s, MEMO_CONNECTOR,
                                 a->connector && *a->connector ? a->connector : NULL);
    uint32_t cid = intern_field(s, MEMO_CONNECTION_ID, a->connection_id);
    uint32_t prov = intern_field(s, MEMO_PROVIDER, a->provider);
    uint32_t st = intern_field(s, MEMO_STATUS, a->status);
    uint32_t auth = intern_field(s, MEMO_AUTH, a->authorization_type);
    if (name == UINT32_MAX || cid == UINT32_MAX || prov == UINT32_MAX || st == UINT32_MAX ||
        auth == UINT32_MAX)
        return false;
    uint32_t conn = conn_get(s, name);
    if (conn == UINT32_MAX - 1)
        return false;
    r->conn = conn;
    r->connection_id = cid;
    r->provider = prov;
    r->status = st;
    r->auth_type = auth;
    r->token_expires_at = a->token_expires_at;
    r->updated_at = a->updated_at;
    r->last_used_at = a->last_used_at;
    r->state = (uint8_t)state_from_wire(a->status);
    return true;
}

/* Same account data (interned ids and arena pointers compare as values). */
static bool row_same(const store_row *a, const store_row *b)
{
    return a->identifier == b->identifier && a->conn == b->conn &&
           a->connection_id == b->connection_id && a->provider == b->provider &&
           a->status == b->status && a->auth_type == b->auth_type && a->state == b->state &&
           a->token_expires_at == b->token_expires_at && a->updated_at == b->updated_at &&
           a->last_used_at == b->last_used_at;
}

/* found: from a server search while a listing runs: a row the listing already reached is left
 * as the listing gave it; any other is stored unseen (a sweep takes it if the listing never
 * reaches it) and flagged ROW_FOUND until the listing does. */
static sk_status upsert_one(sk_store *s, const sk_account *a, bool found)
{
    if (!a->id || !*a->id)
        return SK_OK;   /* an account without an id cannot be addressed: skip it */
    if (!set_reserve(s, &s->by_id, row_key, s->live))
        return SK_ERR_NOMEM;
    bool hit;
    size_t slot = set_probe(s, &s->by_id, row_key, a->id, &hit);
    if (hit) {
        store_row *r = &s->rows[s->by_id.slots[slot]];
        if (found && (r->flags & ROW_SEEN))
            return SK_OK;
        store_row before = *r;
        row_count(s, r, -1);
        bool ok = row_fill(s, r, a);
        if (found) {
            if (!(r->flags & ROW_FOUND))
                s->found++;
            r->flags |= ROW_FOUND;
        } else {
            r->flags |= ROW_SEEN;
            found_clear(s, r);   /* the listing reached it: a listed row like any other */
        }
        row_count(s, r, +1);
        if (!ok || !row_same(&before, r))   /* a refresh that changes nothing keeps views */
            changed(s, true);
        return ok ? SK_OK : SK_ERR_NOMEM;
    }
    const char *id = arena_strdup(s->arena, a->id);
    bool appended = s->n_free == 0;   /* a new index past the old limit, not a reused hole */
    uint32_t ri = id ? row_alloc(s) : SK_ROW_NONE;
    if (ri == SK_ROW_NONE)
        return SK_ERR_NOMEM;
    changed(s, !appended);
    store_row *r = &s->rows[ri];
    memset(r, 0, sizeof *r);
    r->id = id;
    if (!row_fill(s, r, a)) {
        s->free_rows[s->n_free++] = ri;   /* row_alloc guaranteed room: see row_release */
        return SK_ERR_NOMEM;
    }
    r->flags = found ? ROW_LIVE | ROW_FOUND : ROW_LIVE | ROW_SEEN;
    s->found += found;
    if (s->by_id.slots[slot] == SLOT_EMPTY)
        s->by_id.used++;
    s->by_id.slots[slot] = ri;
    s->live++;
    row_count(s, r, +1);
    return SK_OK;
}

static sk_status upsert_rows(sk_store *s, const sk_account *rows, size_t n, bool found)
{
    if (!s || (!rows && n))
        return SK_ERR_USAGE;
    /* The free list must be able to take back any row (see upsert_one's failure path). */
    if (!grow((void **)&s->free_rows, &s->cap_free, s->n_rows + n + 1, sizeof *s->free_rows))
        return SK_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        sk_status st = upsert_one(s, &rows[i], found);
        if (st != SK_OK)
            return st;
    }
    return SK_OK;
}

sk_status store_upsert(sk_store *s, const sk_account *rows, size_t n)
{
    return upsert_rows(s, rows, n, false);
}

sk_status store_upsert_found(sk_store *s, const sk_account *rows, size_t n)
{
    return upsert_rows(s, rows, n, true);
}

size_t store_found_count(const sk_store *s) { return s ? s->found : 0; }

bool store_row_found(const sk_store *s, sk_row r)
{
    return store_row_live(s, r) && (s->rows[r].flags & ROW_FOUND);
}

bool store_reserve(sk_store *s, size_t rows)
{
    if (!s || rows >= SK_ROW_NONE - 1)
        return false;
    if (!grow((void **)&s->rows, &s->cap_rows, rows, sizeof *s->rows) ||
        !grow((void **)&s->free_rows, &s->cap_free, rows + 1, sizeof *s->free_rows))
        return false;
    size_t cap = s->by_id.cap ? s->by_id.cap : 64;
    while ((rows + 1) * 10 >= cap * 5)   /* the load set_reserve grows to */
        cap *= 2;
    return cap == s->by_id.cap || set_rehash(s, &s->by_id, row_key, cap);
}

static void row_release(sk_store *s, uint32_t ri, size_t slot)
{
    store_row *r = &s->rows[ri];
    row_count(s, r, -1);
    if (r->flags & ROW_MARKED)
        s->marks--;
    if (r->flags & ROW_FOUND)
        s->found--;
    r->flags = 0;
    changed(s, true);
    s->by_id.slots[slot] = SLOT_DEAD;
    s->live--;
    /* cap_free >= n_rows always (store_upsert reserves it), so this cannot fail. */
    if (s->n_free < s->cap_free)
        s->free_rows[s->n_free++] = ri;
}

static bool find_slot(const sk_store *s, const char *id, size_t *slot)
{
    if (!s || !id || !s->by_id.cap)
        return false;
    bool found;
    *slot = set_probe(s, &s->by_id, row_key, id, &found);
    return found;
}

bool store_remove(sk_store *s, const char *id)
{
    size_t slot;
    if (!find_slot(s, id, &slot))
        return false;
    row_release(s, s->by_id.slots[slot], slot);
    return true;
}

bool store_refresh_row(sk_store *s, const sk_account *fresh)
{
    if (!s || !fresh || !fresh->id)
        return false;
    sk_row r = store_find(s, fresh->id);
    if (r == SK_ROW_NONE)
        return false;
    sk_account known, a = *fresh;
    store_get(s, r, &known);
    /* A record that leaves out who or where keeps the row's (a row never loses its place). */
    if (!a.identifier || !*a.identifier)
        a.identifier = known.identifier;
    if (!a.connector || !*a.connector)
        a.connector = known.connector;
    if (!a.connection_id)
        a.connection_id = known.connection_id;
    if (!a.provider)
        a.provider = known.provider;
    if (!a.authorization_type)
        a.authorization_type = known.authorization_type;
    return upsert_one(s, &a, false) == SK_OK;
}

bool store_set_status(sk_store *s, const char *id, const char *status)
{
    size_t slot;
    if (!find_slot(s, id, &slot))
        return false;
    uint32_t st = intern(s, status);
    if (st == UINT32_MAX)
        return false;
    store_row *r = &s->rows[s->by_id.slots[slot]];
    row_count(s, r, -1);
    r->status = st;
    r->state = (uint8_t)state_from_wire(status);
    row_count(s, r, +1);
    changed(s, true);
    return true;
}

void store_begin_refresh(sk_store *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_rows; i++)
        s->rows[i].flags &= (uint8_t)~ROW_SEEN;
    for (size_t c = 0; c < s->n_conns; c++)
        s->conns[c].unseen = s->conns[c].total;
    s->unseen = s->live;
}

size_t store_sweep(sk_store *s, const char *connection)
{
    if (!s)
        return 0;
    uint32_t c = NO_CONN;
    if (connection) {
        c = conn_lookup(s, connection);
        if (c == NO_CONN)
            return 0;
    }
    /* A listing sweeps after each connection: without a refresh nothing is unseen, and the
     * scan of every row (50 connections x 100,000 rows) is skipped. */
    if ((connection ? s->conns[c].unseen : s->unseen) == 0)
        return 0;
    size_t removed = 0;
    for (size_t i = 0; i < s->n_rows; i++) {
        store_row *r = &s->rows[i];
        if (!(r->flags & ROW_LIVE) || (r->flags & ROW_SEEN) || (connection && r->conn != c))
            continue;
        size_t slot;
        if (find_slot(s, r->id, &slot)) {
            row_release(s, (uint32_t)i, slot);
            removed++;
        }
    }
    return removed;
}

/* ---------------------------------------------------------------- reading */

size_t store_count(const sk_store *s) { return s ? s->live : 0; }
size_t store_row_limit(const sk_store *s) { return s ? s->n_rows : 0; }

bool store_row_live(const sk_store *s, sk_row r)
{
    return s && r < s->n_rows && (s->rows[r].flags & ROW_LIVE);
}

void store_get(const sk_store *s, sk_row ri, sk_account *out)
{
    memset(out, 0, sizeof *out);
    out->token_expires_at = out->updated_at = out->last_used_at = SK_TIME_ABSENT;
    out->state = SK_STATE_ERROR;
    if (!store_row_live(s, ri))
        return;
    const store_row *r = &s->rows[ri];
    out->id = r->id;
    out->identifier = r->identifier;
    out->connector = r->conn != NO_CONN ? str_of(s, s->conns[r->conn].name) : NULL;
    out->connection_id = str_of(s, r->connection_id);
    out->provider = str_of(s, r->provider);
    out->status = str_of(s, r->status);
    out->authorization_type = str_of(s, r->auth_type);
    out->token_expires_at = r->token_expires_at;
    out->updated_at = r->updated_at;
    out->last_used_at = r->last_used_at;
    out->state = (sk_state)r->state;
}

sk_row store_find(const sk_store *s, const char *id)
{
    size_t slot;
    return find_slot(s, id, &slot) ? s->by_id.slots[slot] : SK_ROW_NONE;
}

size_t store_total(const sk_store *s, sk_state st)
{
    return s && (unsigned)st < SK_STATE_COUNT ? s->totals[st] : 0;
}

/* ---------------------------------------------------------------- marks */

void store_mark(sk_store *s, sk_row r, bool on)
{
    if (!store_row_live(s, r))
        return;
    bool was = s->rows[r].flags & ROW_MARKED;
    if (on && !was) {
        s->rows[r].flags |= ROW_MARKED;
        s->marks++;
    } else if (!on && was) {
        s->rows[r].flags &= (uint8_t)~ROW_MARKED;
        s->marks--;
    }
}

bool store_marked(const sk_store *s, sk_row r)
{
    return store_row_live(s, r) && (s->rows[r].flags & ROW_MARKED);
}

size_t store_mark_count(const sk_store *s) { return s ? s->marks : 0; }

void store_clear_marks(sk_store *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_rows; i++)
        s->rows[i].flags &= (uint8_t)~ROW_MARKED;
    s->marks = 0;
}

uint64_t store_version(const sk_store *s) { return s ? s->version : 0; }
uint64_t store_layout_version(const sk_store *s) { return s ? s->layout : 0; }

const sk_store_row *store_rows(const sk_store *s)
{
    return s && s->n_rows ? s->rows : NULL;
}

const char *store_row_id(const sk_store *s, const sk_store_row *r)
{
    (void)s;
    return r->id;
}

const char *store_row_identifier(const sk_store *s, const sk_store_row *r)
{
    (void)s;
    return r->identifier;
}

int64_t store_row_time(const sk_store *s, const sk_store_row *r, sk_row_time which)
{
    (void)s;
    return which == SK_ROW_TOKEN_EXPIRES ? r->token_expires_at
         : which == SK_ROW_LAST_USED ? r->last_used_at : r->updated_at;
}

size_t store_conn_limit(const sk_store *s) { return s ? s->n_conns : 0; }

const char *store_conn_name(const sk_store *s, uint32_t conn)
{
    return s && conn < s->n_conns ? str_of(s, s->conns[conn].name) : NULL;
}

size_t store_bytes(const sk_store *s)
{
    if (!s)
        return 0;
    return sizeof *s + arena_bytes(s->arena) + s->cap_rows * sizeof *s->rows +
           s->cap_free * sizeof *s->free_rows + s->by_id.cap * sizeof *s->by_id.slots +
           s->cap_strs * (sizeof *s->strs + sizeof *s->conn_of_str) +
           s->interned.cap * sizeof *s->interned.slots +
           s->cap_conns * sizeof *s->conns + (s->cap_order + s->cap_api) * sizeof(uint32_t);
}
