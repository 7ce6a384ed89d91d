/* store.c: every account once, in compact rows addressed by a stable index; an id hash, an
 * intern table for repeated strings, and per-connection counts kept current on every change. */
#include "store.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

/* Sized for 1,000,000 accounts in about 75 bytes each: a 26-byte row (sk_store_row: the id and
 * identifier one 32-bit handle into a string pool, packed unaligned; the times 32-bit; the
 * connection id, provider, status and authorization type one id of their combination), the
 * strings (about 45 bytes), and an id hash of 4-byte slots at a load of up to 0.8. */
typedef sk_store_row store_row;

/* ROW_WIDE: a time outside 0 .. 2^32 - 2 (a year before 1970 or after 2106): the row's three
 * times are in s->wide[time_[0]], exactly. ROW_NO_IDENT: the account has no identifier (the
 * pool holds the id alone). ROW_ID_LEN (two bits): the id's length, for the identifier that
 * follows it in the pool without a strlen (views read identifiers a million at a time): 1..3
 * name one of the store's id lengths s->id_len[0..2] (taken by the first ids of a new length:
 * a service's ids share one or two), 0 any other length (the identifier is found by strlen).
 * No byte more a row. */
enum { ROW_LIVE = 1, ROW_MARKED = 2, ROW_SEEN = 4, ROW_FOUND = 8, ROW_WIDE = 16, ROW_NO_IDENT = 32 };
#define ROW_ID_LEN_SHIFT 6
#define ROW_ID_LEN (3u << ROW_ID_LEN_SHIFT)
#define ID_LENS 3

/* Rows of a page share their connector, connection id and provider, and take their status and
 * authorization type from a handful: row_fill looks each field up in a small memo of the ids
 * it had (by the string's first two bytes) before hashing. */
enum { MEMO_CONNECTOR, MEMO_CONNECTION_ID, MEMO_PROVIDER, MEMO_STATUS, MEMO_AUTH, MEMO_FIELDS };
#define MEMO_WAYS 16

#define NO_CONN SK_CONN_NONE
#define SLOT_EMPTY UINT32_MAX
#define SLOT_DEAD (UINT32_MAX - 1)
#define TIME_NONE UINT32_MAX            /* a narrow time: absent */
#define TIME_NARROW_MAX (UINT32_MAX - 1)

/* The id hash: a slot holds a row index (s->id_bits wide: as few as the rows planned need) and
 * in the bits left a tag from the id's hash, so that a probe skips the slots of other ids
 * without reading their strings (12 bits at a million rows: a wrong slot costs a row and a
 * string read once in 4096; the probes of a table at load 0.8 see ~13 slots). Tag 0 marks the
 * empty (0) and dead (1) slots. Rows are limited to 2^26 - 2 (67 million: beyond any memory
 * the rows would fit in), so a tag has 6 bits at least. */
#define ROW_BITS_MIN 16
#define ROW_BITS_MAX 26
#define ROW_MAX (((uint32_t)1 << ROW_BITS_MAX) - 2)
#define ID_EMPTY 0u
#define ID_DEAD 1u

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

/* A row's connection id, provider, status and authorization type (intern ids): rows share a
 * handful of combinations, so a row holds one 32-bit id of its combination. */
typedef struct store_attrs {
    uint32_t cid, provider, status, auth;
    uint32_t state;             /* state_from_wire(status), worked out once */
} store_attrs;

typedef struct store_times {
    int64_t t[3];               /* by sk_row_time */
} store_times;

struct sk_store {
    sk_arena *arena;            /* interned strings */
    sk_pool pool;               /* rows' ids and identifiers */
    store_row *rows;
    size_t n_rows, cap_rows, live;
    size_t expect;              /* store_reserve's hint: rows in all (growth goes straight to it) */
    uint32_t free_head;         /* holes left by removals, reused LIFO, linked by attrs_ */
    size_t n_free;
    hash_set by_id;             /* tagged row indexes (id_bits of row index) */
    unsigned id_bits;
    size_t id_len[ID_LENS];     /* id lengths ROW_ID_LEN names (0: not taken yet) */

    const char **strs;          /* intern table: id -> string; strs[0] = NULL */
    size_t n_strs, cap_strs;
    hash_set interned;          /* intern ids */
    uint32_t *conn_of_str;      /* intern id -> conn index (NO_CONN), sized like strs */
    uint32_t *str_len;          /* intern id -> strlen (capped at UINT32_MAX), sized like strs */
    uint32_t memo[MEMO_FIELDS][MEMO_WAYS];   /* per row field, intern ids it had (0: none) */
    /* The caller's strings already matched during one store_upsert call (its rows cannot
     * change while it runs; after it, a pointer may be reused for other bytes), by address: a
     * caller that shares one string among rows (cache.c's table) skips the strcmp. Cleared at
     * the start of every call. */
    struct { const char *in; uint32_t id; } memo_in[MEMO_FIELDS][MEMO_WAYS];

    store_attrs *attrs;         /* combinations by id (never removed) */
    size_t n_attrs, cap_attrs;
    uint32_t *attr_slots;       /* open addressing over attrs (SLOT_EMPTY) */
    size_t cap_attr_slots;
    uint32_t attr_memo[MEMO_WAYS];   /* combinations used lately, by a hash of theirs
                                        (UINT32_MAX: none) */

    store_times *wide;          /* times of ROW_WIDE rows; free entries linked by t[0] */
    size_t n_wide, cap_wide;
    int64_t wide_free;          /* first free entry, -1 when none */

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
    unsigned pending;           /* changes of a store_upsert call not numbered yet (1: rows
                                   appended, 3: rows changed too) */
};

_Static_assert(ROW_LIVE == SK_STORE_ROW_LIVE, "store.h names the live flag");
_Static_assert(ROW_FOUND == SK_STORE_ROW_FOUND, "store.h names the found flag");
_Static_assert(sizeof(store_row) == 26, "a row is 26 bytes (memory at 1,000,000 accounts)");
_Static_assert((ROW_ID_LEN & (ROW_LIVE | ROW_MARKED | ROW_SEEN | ROW_FOUND | ROW_WIDE | ROW_NO_IDENT)) == 0 &&
                   ROW_ID_LEN >> ROW_ID_LEN_SHIFT == ID_LENS, "the id length has two flag bits of its own");
_Static_assert(SK_ROW_TOKEN_EXPIRES == 0 && SK_ROW_UPDATED == 1 && SK_ROW_LAST_USED == 2,
               "sk_row_time indexes time_[]");

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

/* Within one store_upsert call: numbered once at its end (one atomic add a call, not a row;
 * nobody reads the versions while it runs). */
static void changed_later(sk_store *s, bool layout)
{
    s->pending |= layout ? 3u : 1u;
}

static void changed_flush(sk_store *s)
{
    if (s->pending)
        changed(s, s->pending & 2u);
    s->pending = 0;
}

/* ---------------------------------------------------------------- helpers */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return h;
}

static inline uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

/* An id's hash, 8 bytes at a time (ids are ~20 bytes: a byte-wise hash cost 20 multiplies). */
static uint64_t hash_id(const char *p, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ n, w = 0;
    if (n < 8) {
        for (size_t i = 0; i < n; i++)
            w |= (uint64_t)(unsigned char)p[i] << (8 * i);
        return mix64(h ^ w);
    }
    const char *last = p + n - 8;   /* the tail as the last 8 bytes (overlapping): no byte loop */
    for (; p < last; p += 8) {
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 31;
    }
    memcpy(&w, last, 8);
    return mix64(h ^ w);
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

/* ---------------------------------------------------------------- row strings and times */

static const char *row_id(const sk_store *s, const store_row *r)
{
    return pool_str(&s->pool, r->text_);
}

/* Length of a row's id (r->text_ set). */
static size_t row_id_len(const sk_store *s, const store_row *r)
{
    unsigned k = (r->flags & ROW_ID_LEN) >> ROW_ID_LEN_SHIFT;
    return k ? s->id_len[k - 1] : strlen(pool_str(&s->pool, r->text_));
}

static const char *row_ident(const sk_store *s, const store_row *r)
{
    if (r->flags & ROW_NO_IDENT)
        return NULL;
    const char *id = pool_str(&s->pool, r->text_);
    return id ? id + row_id_len(s, r) + 1 : NULL;
}

/* The ROW_ID_LEN code of an id of n bytes (a new length takes a free code: 0 when none). */
static uint8_t id_len_code(sk_store *s, size_t n)
{
    for (unsigned k = 0; k < ID_LENS; k++) {
        if (s->id_len[k] == n)
            return (uint8_t)((k + 1) << ROW_ID_LEN_SHIFT);
        if (!s->id_len[k]) {
            s->id_len[k] = n;
            return (uint8_t)((k + 1) << ROW_ID_LEN_SHIFT);
        }
    }
    return 0;
}

static int64_t row_time(const sk_store *s, const store_row *r, int which)
{
    if (r->flags & ROW_WIDE)
        return s->wide[r->time_[0]].t[which];
    uint32_t v = r->time_[which];
    return v == TIME_NONE ? SK_TIME_ABSENT : (int64_t)v;
}

static bool time_narrow(int64_t t)
{
    return t == SK_TIME_ABSENT || (t >= 0 && t <= (int64_t)TIME_NARROW_MAX);
}

static void wide_release(sk_store *s, store_row *r)
{
    if (!(r->flags & ROW_WIDE))
        return;
    uint32_t w = r->time_[0];
    s->wide[w].t[0] = s->wide_free;
    s->wide_free = w;
    r->flags &= (uint8_t)~ROW_WIDE;
}

/* The three times into r: 32-bit each when they fit, else exactly in a wide entry. */
static bool row_set_times(sk_store *s, store_row *r, const int64_t t[3])
{
    if (time_narrow(t[0]) && time_narrow(t[1]) && time_narrow(t[2])) {
        wide_release(s, r);
        for (int k = 0; k < 3; k++)
            r->time_[k] = t[k] == SK_TIME_ABSENT ? TIME_NONE : (uint32_t)t[k];
        return true;
    }
    if (!(r->flags & ROW_WIDE)) {
        uint32_t w;
        if (s->wide_free >= 0) {
            w = (uint32_t)s->wide_free;
            s->wide_free = s->wide[w].t[0];
        } else {
            if (s->n_wide >= UINT32_MAX ||
                !grow((void **)&s->wide, &s->cap_wide, s->n_wide + 1, sizeof *s->wide))
                return false;
            w = (uint32_t)s->n_wide++;
        }
        r->time_[0] = w;
        r->flags |= ROW_WIDE;
    }
    memcpy(s->wide[r->time_[0]].t, t, sizeof s->wide[0].t);
    return true;
}

/* ---------------------------------------------------------------- the id hash */

static inline uint32_t id_tag(const sk_store *s, uint64_t h)
{
    uint32_t t = (uint32_t)(h >> (32 + s->id_bits));
    return t ? t : 1;
}

static inline uint32_t id_row_of(const sk_store *s, uint32_t v)
{
    return v & (((uint32_t)1 << s->id_bits) - 1);
}

/* Row index bits for a table that must address rows 0 .. rows - 1. */
static unsigned id_bits_for(size_t rows)
{
    unsigned b = ROW_BITS_MIN;
    while (b < ROW_BITS_MAX && ((size_t)1 << b) < rows)
        b++;
    return b;
}

static inline size_t id_home(uint64_t h, size_t cap)
{
    return (size_t)(((h & 0xffffffffu) * (uint64_t)cap) >> 32);
}

/* Slot of the id (*hit) or where it would go. */
static size_t id_probe(const sk_store *s, const char *id, size_t len, uint64_t h, bool *hit)
{
    const hash_set *t = &s->by_id;
    size_t i = id_home(h, t->cap), first_dead = SIZE_MAX;
    uint32_t tag = id_tag(s, h);
    for (;;) {
        uint32_t v = t->slots[i];
        if (v == ID_EMPTY) {
            *hit = false;
            return first_dead != SIZE_MAX ? first_dead : i;
        }
        if (v == ID_DEAD) {
            if (first_dead == SIZE_MAX)
                first_dead = i;
        } else if (v >> s->id_bits == tag) {
            const char *k = row_id(s, &s->rows[id_row_of(s, v)]);
            if (memcmp(k, id, len + 1) == 0) {
                *hit = true;
                return i;
            }
        }
        if (++i == t->cap)
            i = 0;
    }
}

/* Every live row is in the table: they are put into the new one in row order, so their ids
 * are read from the pool in the order they were written (not in the slots' random order). */
static bool id_rehash(sk_store *s, size_t cap)
{
    uint32_t *slots = big_zalloc(cap * sizeof *slots);   /* a million ids: 5 MB, huge pages */
    if (!slots)
        return false;
    hash_set *t = &s->by_id;
    size_t used = 0, plan = s->cap_rows > s->expect ? s->cap_rows : s->expect;
    /* Room for twice the rows planned: crossing a power of two costs a rehash of its own. */
    plan = plan > s->n_rows + 1 ? plan : s->n_rows + 1;
    s->id_bits = id_bits_for(plan < SIZE_MAX / 2 ? 2 * plan : plan);
    /* Each row's home slot is a cache miss in a table of megabytes (about 100 ns: a rehash of
     * half a million ids held the listing for 50 ms): the ids RH_AHEAD rows on are hashed and
     * their home slots fetched while this one is placed. */
    enum { RH_AHEAD = 16, RH_RING = 32 };
    uint64_t hr[RH_RING];
    uint32_t rr[RH_RING];
    size_t queued = 0, placed = 0;
    for (size_t r = 0; r < s->n_rows || placed < queued;) {
        if (r < s->n_rows && queued - placed < RH_AHEAD) {
            if (s->rows[r].flags & ROW_LIVE) {
                uint64_t h = hash_id(row_id(s, &s->rows[r]), row_id_len(s, &s->rows[r]));
                __builtin_prefetch(&slots[id_home(h, cap)], 1);
                hr[queued % RH_RING] = h;
                rr[queued % RH_RING] = (uint32_t)r;
                queued++;
            }
            r++;
            continue;
        }
        uint64_t h = hr[placed % RH_RING];
        size_t j = id_home(h, cap);
        while (slots[j] != ID_EMPTY)
            if (++j == cap)
                j = 0;
        slots[j] = id_tag(s, h) << s->id_bits | rr[placed % RH_RING];
        placed++;
        used++;
    }
    big_free(t->slots, t->cap * sizeof *t->slots);
    t->slots = slots;
    t->cap = cap;
    t->used = used;
    return true;
}

/* Slots for `rows` ids at a load of at most 2/3: linear probing over tagged slots stays short
 * (at 0.8 a new id, the common case of a listing, passed about 12 slots on average; at 2/3
 * about 3), for 2 bytes more a row. */
static size_t id_cap_for(size_t rows)
{
    return rows + rows / 2 + 64;
}

/* Room for one more id. The load (dead slots included) is kept under 0.75, or 0.85 when the
 * rows store_reserve announced fit that: a listing whose total grew as its connections
 * answered ends without a last growth by half. A growth goes to the announced rows when they
 * are more (by a quarter at least), else by half: each costs all the ids so far, so growth
 * stays geometric. */
static bool id_reserve(sk_store *s)
{
    hash_set *t = &s->by_id;
    size_t limit = t->cap / 100 * 75;
    if (s->expect > s->live && s->expect <= t->cap / 100 * 85)
        limit = t->cap / 100 * 85;
    /* A new row may take index n_rows: the slots must have room for it. */
    bool addressed = s->n_rows < ((size_t)1 << s->id_bits);
    if (t->cap && t->used + 1 < limit && addressed)
        return true;
    if (t->cap && t->used + 1 < limit)
        return id_rehash(s, t->cap);
    size_t rows = s->live + s->live / 2 + 1;
    if (s->expect > s->live)
        rows = s->expect > s->live + s->live / 4 ? s->expect : s->live + s->live / 4 + 1;
    return id_rehash(s, id_cap_for(rows));
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
    if (s->n_strs >= SLOT_DEAD - 1)
        return UINT32_MAX;
    size_t old_cap = s->cap_strs;
    if (!grow((void **)&s->strs, &s->cap_strs, s->n_strs + 1, sizeof *s->strs))
        return UINT32_MAX;
    if (old_cap != s->cap_strs) {
        /* conn_of_str always has cap_strs entries; on failure shrink the claim back. */
        uint32_t *cos = realloc(s->conn_of_str, s->cap_strs * sizeof *cos);
        if (cos)
            s->conn_of_str = cos;
        uint32_t *lens = cos ? realloc(s->str_len, s->cap_strs * sizeof *lens) : NULL;
        if (lens)
            s->str_len = lens;
        if (!lens) {
            s->cap_strs = old_cap;
            return UINT32_MAX;
        }
    }
    char *copy = arena_strdup(s->arena, str);
    if (!copy)
        return UINT32_MAX;
    uint32_t id = (uint32_t)s->n_strs++;
    s->strs[id] = copy;
    s->conn_of_str[id] = NO_CONN;
    size_t len = strlen(copy);
    s->str_len[id] = len < UINT32_MAX ? (uint32_t)len : UINT32_MAX;
    if (s->interned.slots[slot] == SLOT_EMPTY)
        s->interned.used++;
    s->interned.slots[slot] = id;
    return id;
}

static uint32_t intern_field_new(sk_store *s, int field, const char *str, unsigned pw);

/* intern() through the field's memo: one strcmp instead of a hash and a probe on a repeat,
 * and nothing but a compare of addresses (inline) for the same copy again. */
static inline uint32_t intern_field(sk_store *s, int field, const char *str)
{
    if (!str)
        return 0;
    unsigned pw = (unsigned)(((uintptr_t)str * 0x9e3779b97f4a7c15ull) >> 60) % MEMO_WAYS;
    if (s->memo_in[field][pw].in == str)
        return s->memo_in[field][pw].id;
    return intern_field_new(s, field, str, pw);
}

/* intern_field for an address not in the memo (apart: the common case saves no registers). */
static __attribute__((noinline)) uint32_t intern_field_new(sk_store *s, int field,
                                                           const char *str, unsigned pw)
{
    /* By length and the last byte too: PENDING_AUTH and PENDING_VERIFICATION, or the
     * connection ids conn_..., share their first bytes. */
    size_t n = strlen(str);
    const unsigned char *u = (const unsigned char *)str;
    uint64_t key = (uint64_t)n << 16 | (uint64_t)u[0] << 8 | (n ? u[n - 1] : 0);
    uint32_t *way = &s->memo[field][((key * 0x9e3779b97f4a7c15ull) >> 60) % MEMO_WAYS];
    if (!*way || s->str_len[*way] != n || memcmp(s->strs[*way], str, n) != 0) {
        uint32_t id = intern(s, str);
        if (id == UINT32_MAX)
            return id;
        *way = id;
    }
    s->memo_in[field][pw].in = str;
    s->memo_in[field][pw].id = *way;
    return *way;
}

static const char *str_of(const sk_store *s, uint32_t id)
{
    return id < s->n_strs ? s->strs[id] : NULL;
}

/* ---------------------------------------------------------------- attribute combinations */

static uint64_t attrs_hash(const store_attrs *a)
{
    return mix64(((uint64_t)a->cid << 32 | a->provider) ^
                 mix64((uint64_t)a->status << 32 | a->auth));
}

static size_t attrs_home(const store_attrs *a, size_t cap)
{
    return (size_t)attrs_hash(a) & (cap - 1);
}

static bool attrs_same(const store_attrs *a, const store_attrs *b)
{
    return a->cid == b->cid && a->provider == b->provider && a->status == b->status &&
           a->auth == b->auth;
}

static bool attrs_rehash(sk_store *s, size_t cap)
{
    uint32_t *slots = malloc(cap * sizeof *slots);
    if (!slots)
        return false;
    memset(slots, 0xff, cap * sizeof *slots);
    for (size_t i = 0; i < s->n_attrs; i++) {
        size_t j = attrs_home(&s->attrs[i], cap);
        while (slots[j] != SLOT_EMPTY)
            j = (j + 1) & (cap - 1);
        slots[j] = (uint32_t)i;
    }
    free(s->attr_slots);
    s->attr_slots = slots;
    s->cap_attr_slots = cap;
    return true;
}

/* Id of the combination (added when new); UINT32_MAX on out of memory. */
static uint32_t attrs_id(sk_store *s, const store_attrs *a)
{
    /* A cheap mix for the memo (ids are small and differ in their low bits). */
    uint32_t *memo = &s->attr_memo[(a->cid * 31u + a->provider * 7u + a->status * 3u + a->auth) %
                                   MEMO_WAYS];
    if (*memo < s->n_attrs && attrs_same(&s->attrs[*memo], a))
        return *memo;
    if ((s->n_attrs + 1) * 2 > s->cap_attr_slots &&
        !attrs_rehash(s, s->cap_attr_slots ? s->cap_attr_slots * 2 : 64))
        return UINT32_MAX;
    size_t mask = s->cap_attr_slots - 1, j = attrs_home(a, s->cap_attr_slots);
    for (; s->attr_slots[j] != SLOT_EMPTY; j = (j + 1) & mask)
        if (attrs_same(&s->attrs[s->attr_slots[j]], a))
            return *memo = s->attr_slots[j];
    if (s->n_attrs >= SLOT_DEAD ||
        !grow((void **)&s->attrs, &s->cap_attrs, s->n_attrs + 1, sizeof *s->attrs))
        return UINT32_MAX;
    uint32_t id = (uint32_t)s->n_attrs++;
    s->attrs[id] = *a;
    s->attrs[id].state = (uint32_t)state_from_wire(str_of(s, a->status));
    s->attr_slots[j] = id;
    return *memo = id;
}

static const store_attrs *row_attrs(const sk_store *s, const store_row *r)
{
    return &s->attrs[r->attrs_];
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
    pool_init(&s->pool);
    s->arena = arena_new(16 * 1024);
    s->strs = malloc(16 * sizeof *s->strs);
    s->conn_of_str = malloc(16 * sizeof *s->conn_of_str);
    s->str_len = malloc(16 * sizeof *s->str_len);
    if (!s->arena || !s->strs || !s->conn_of_str || !s->str_len) {
        store_free(s);
        return NULL;
    }
    s->cap_strs = 16;
    s->strs[0] = NULL;      /* intern id 0 is the absent string */
    s->conn_of_str[0] = NO_CONN;
    s->str_len[0] = 0;
    s->n_strs = 1;
    s->free_head = SK_ROW_NONE;
    s->id_bits = ROW_BITS_MIN;
    memset(s->attr_memo, 0xff, sizeof s->attr_memo);
    s->wide_free = -1;
    s->version = s->layout = version_next();
    return s;
}

void store_free(sk_store *s)
{
    if (!s)
        return;
    arena_free(s->arena);
    pool_free(&s->pool);
    big_free(s->rows, s->cap_rows * sizeof *s->rows);
    big_free(s->by_id.slots, s->by_id.cap * sizeof *s->by_id.slots);
    free(s->strs);
    free(s->interned.slots);
    free(s->conn_of_str);
    free(s->str_len);
    free(s->attrs);
    free(s->attr_slots);
    free(s->wide);
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

/* Room for `need` rows: the rows store_reserve announced when they are enough (a large array
 * grows by remapping its pages, big_resize: a listing announcing its total connection by
 * connection grows it fifty times), else half as many again (a store grown row by row wastes
 * at most a third). */
static bool rows_grow(sk_store *s, size_t need)
{
    if (need <= s->cap_rows)
        return true;
    size_t c = s->cap_rows < 64 ? 64 : s->cap_rows + s->cap_rows / 2;
    if (s->expect >= need)
        c = s->expect;
    if (c < need)
        c = need;
    if (c > (size_t)ROW_MAX)
        c = ROW_MAX;
    if (c < need)
        return false;
    store_row *q = big_resize(s->rows, s->cap_rows * sizeof *q, c * sizeof *q);
    if (!q)
        return false;
    s->rows = q;
    s->cap_rows = c;
    return true;
}

static uint32_t row_alloc(sk_store *s)
{
    if (s->free_head != SK_ROW_NONE) {
        uint32_t r = s->free_head;
        s->free_head = s->rows[r].attrs_;
        s->n_free--;
        return r;
    }
    if (s->n_rows >= ROW_MAX || !rows_grow(s, s->n_rows + 1))
        return SK_ROW_NONE;
    return (uint32_t)s->n_rows++;
}

static void row_free(sk_store *s, uint32_t ri)
{
    s->rows[ri].attrs_ = s->free_head;
    s->free_head = ri;
    s->n_free++;
}

/* What row_same compares: the row's account data as values. */
typedef struct row_snap {
    uint32_t text, conn, attrs;
    uint8_t state, no_ident;
    int64_t t[3];
} row_snap;

static void row_snap_take(const sk_store *s, const store_row *r, row_snap *o)
{
    o->text = r->text_;
    o->conn = r->conn;
    o->attrs = r->attrs_;
    o->state = r->state;
    o->no_ident = r->flags & ROW_NO_IDENT;
    for (int k = 0; k < 3; k++)
        o->t[k] = row_time(s, r, k);
}

static bool row_snap_same(const row_snap *a, const row_snap *b)
{
    return a->text == b->text && a->conn == b->conn && a->attrs == b->attrs &&
           a->state == b->state && a->no_ident == b->no_ident && a->t[0] == b->t[0] &&
           a->t[1] == b->t[1] && a->t[2] == b->t[2];
}

/* One account to store, its repeated strings interned (intern ids; name 0: no connector).
 * `id` has id_len bytes and a NUL after them; `ident` (NULL: none) ident_len bytes. */
typedef struct row_in {
    const char *id, *ident;
    size_t id_len, ident_len;
    uint32_t name;
    store_attrs at;
    int64_t t[3];
} row_in;

/* a's strings interned (through the fields' memos) into *in; false on out of memory. */
static bool row_in_account(sk_store *s, const sk_account *a, size_t id_len, row_in *in)
{
    in->id = a->id;
    in->id_len = id_len;
    in->ident = a->identifier;
    in->ident_len = a->identifier ? strlen(a->identifier) : 0;
    in->name = intern_field(s, MEMO_CONNECTOR, a->connector && *a->connector ? a->connector : NULL);
    in->at.cid = intern_field(s, MEMO_CONNECTION_ID, a->connection_id);
    in->at.provider = intern_field(s, MEMO_PROVIDER, a->provider);
    in->at.status = intern_field(s, MEMO_STATUS, a->status);
    in->at.auth = intern_field(s, MEMO_AUTH, a->authorization_type);
    in->at.state = 0;
    in->t[0] = a->token_expires_at;
    in->t[1] = a->updated_at;
    in->t[2] = a->last_used_at;
    return in->name != UINT32_MAX && in->at.cid != UINT32_MAX && in->at.provider != UINT32_MAX &&
           in->at.status != UINT32_MAX && in->at.auth != UINT32_MAX;
}

/* Fill r's fields from in; the row's text is written anew (in's id, which is the row's own when
 * it has one) when it has none yet (text_ 0) or the identifier changed. False on out of memory
 * (r's fields then as they were, or partly new: the row is whole either way). */
static bool row_fill(sk_store *s, store_row *r, const row_in *in)
{
    const char *ident = r->text_ ? row_ident(s, r) : NULL;
    bool same_ident = r->text_ && (in->ident ? ident && strlen(ident) == in->ident_len &&
                                                   memcmp(ident, in->ident, in->ident_len) == 0
                                             : !ident);
    if (!same_ident) {
        uint32_t text = pool_add2(&s->pool, in->id, in->id_len, in->ident, in->ident_len);
        if (!text)
            return false;
        r->text_ = text;
        r->flags = (uint8_t)((r->flags & ~(ROW_NO_IDENT | ROW_ID_LEN)) |
                             id_len_code(s, in->id_len) | (in->ident ? 0 : ROW_NO_IDENT));
    }
    uint32_t attrs = attrs_id(s, &in->at);
    uint32_t conn = attrs == UINT32_MAX ? UINT32_MAX - 1 : conn_get(s, in->name);
    if (conn == UINT32_MAX - 1 || !row_set_times(s, r, in->t))
        return false;
    r->conn = conn;
    r->attrs_ = attrs;
    r->state = (uint8_t)s->attrs[attrs].state;
    return true;
}

/* Where a row comes from. UP_FOUND: a server search while a listing runs: a row the listing
 * already reached is left as the listing gave it; any other is stored unseen (a sweep takes it
 * if the listing never reaches it) and flagged ROW_FOUND until the listing does. UP_CACHED: the
 * cache file, loaded while a listing may run: added only when the id is not there (whatever
 * holds it is newer), unseen. */
enum { UP_LISTED, UP_FOUND, UP_CACHED };

static sk_status upsert_one(sk_store *s, row_in *in, int from, uint64_t h)
{
    if (!id_reserve(s))
        return SK_ERR_NOMEM;
    bool hit, found = from == UP_FOUND;
    size_t slot = id_probe(s, in->id, in->id_len, h, &hit);
    if (hit) {
        if (from == UP_CACHED)
            return SK_OK;
        store_row *r = &s->rows[id_row_of(s, s->by_id.slots[slot])];
        if (found && (r->flags & ROW_SEEN))
            return SK_OK;
        row_snap before, after;
        row_snap_take(s, r, &before);
        row_count(s, r, -1);
        in->id = row_id(s, r);   /* a new text copies the row's id, not the caller's */
        bool ok = row_fill(s, r, in);
        if (found) {
            if (!(r->flags & ROW_FOUND))
                s->found++;
            r->flags |= ROW_FOUND;
        } else {
            r->flags |= ROW_SEEN;
            found_clear(s, r);   /* the listing reached it: a listed row like any other */
        }
        row_count(s, r, +1);
        row_snap_take(s, r, &after);
        if (!ok || !row_snap_same(&before, &after))   /* a refresh that changes nothing keeps views */
            changed_later(s, true);
        return ok ? SK_OK : SK_ERR_NOMEM;
    }
    bool appended = s->free_head == SK_ROW_NONE;   /* past the old limit, not a reused hole */
    uint32_t ri = row_alloc(s);
    if (ri == SK_ROW_NONE)
        return SK_ERR_NOMEM;
    store_row *r = &s->rows[ri];
    memset(r, 0, sizeof *r);
    if (!row_fill(s, r, in)) {
        wide_release(s, r);
        row_free(s, ri);
        return SK_ERR_NOMEM;
    }
    changed_later(s, !appended);
    r->flags = (uint8_t)((r->flags & (ROW_WIDE | ROW_NO_IDENT | ROW_ID_LEN)) | ROW_LIVE |
                         (found ? ROW_FOUND : from == UP_LISTED ? ROW_SEEN : 0));
    s->found += found;
    if (s->by_id.slots[slot] == ID_EMPTY)
        s->by_id.used++;
    s->by_id.slots[slot] = id_tag(s, h) << s->id_bits | ri;
    s->live++;
    row_count(s, r, +1);
    return SK_OK;
}

/* One account (an id: an account without one cannot be addressed, and is skipped). */
static sk_status upsert_account(sk_store *s, const sk_account *a, int from, size_t len,
                                uint64_t h)
{
    if (!len)
        return SK_OK;
    row_in in;
    if (!row_in_account(s, a, len, &in))
        return SK_ERR_NOMEM;
    return upsert_one(s, &in, from, h);
}

static sk_status upsert_id(sk_store *s, const sk_account *a, bool found)
{
    memset(s->memo_in, 0, sizeof s->memo_in);
    size_t len = a->id ? strlen(a->id) : 0;
    sk_status st = upsert_account(s, a, found ? UP_FOUND : UP_LISTED, len,
                                  len ? hash_id(a->id, len) : 0);
    changed_flush(s);
    return st;
}

/* The home slot of each id is a cache miss once the hash outgrows the cache (a million ids are
 * 5 MB of slots): the ids a few rows ahead are hashed and their slots fetched while this one
 * is stored. */
enum { AHEAD = 8, RING = 16 };

static sk_status upsert_rows(sk_store *s, const sk_account *rows, size_t n, bool found)
{
    if (!s || (!rows && n))
        return SK_ERR_USAGE;
    size_t len[RING];
    uint64_t h[RING];
    memset(s->memo_in, 0, sizeof s->memo_in);
    for (size_t i = 0; i < n + AHEAD; i++) {
        if (i < n) {
            const char *id = rows[i].id;
            len[i % RING] = id ? strlen(id) : 0;
            h[i % RING] = len[i % RING] ? hash_id(id, len[i % RING]) : 0;
            if (s->by_id.cap)
                __builtin_prefetch(&s->by_id.slots[id_home(h[i % RING], s->by_id.cap)]);
        }
        if (i < AHEAD)
            continue;
        size_t k = i - AHEAD;
        sk_status st = upsert_account(s, &rows[k], found ? UP_FOUND : UP_LISTED, len[k % RING],
                                      h[k % RING]);
        if (st != SK_OK) {
            changed_flush(s);
            return st;
        }
    }
    changed_flush(s);
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

uint32_t store_intern(sk_store *s, const char *str)
{
    return s ? intern(s, str) : SK_STORE_STR_NOMEM;
}

/* A record's handles as intern ids (false for one the store never gave). The connector's empty
 * string is no connector, as store_upsert has it. */
static bool row_in_rec(const sk_store *s, const sk_store_rec *a, row_in *in)
{
    uint32_t h[5] = { a->connector, a->connection_id, a->provider, a->status, a->auth };
    for (int k = 0; k < 5; k++)
        if (h[k] >= s->n_strs)
            return false;
    in->id = a->id;
    in->id_len = a->id_len;
    in->ident = a->identifier;
    in->ident_len = a->identifier ? a->identifier_len : 0;
    in->name = h[0] && s->str_len[h[0]] ? h[0] : 0;
    in->at = (store_attrs){ h[1], h[2], h[3], h[4], 0 };
    in->t[0] = a->token_expires_at;
    in->t[1] = a->updated_at;
    in->t[2] = a->last_used_at;
    return true;
}

static sk_status recs_in(sk_store *s, const sk_store_rec *rows, size_t n, int from)
{
    if (!s || (!rows && n))
        return SK_ERR_USAGE;
    uint64_t h[RING];
    sk_status st = SK_OK;
    for (size_t i = 0; i < n + AHEAD && st == SK_OK; i++) {
        if (i < n) {
            const sk_store_rec *a = &rows[i];
            h[i % RING] = a->id && a->id_len ? hash_id(a->id, a->id_len) : 0;
            if (s->by_id.cap)
                __builtin_prefetch(&s->by_id.slots[id_home(h[i % RING], s->by_id.cap)]);
        }
        if (i < AHEAD)
            continue;
        size_t k = i - AHEAD;
        const sk_store_rec *a = &rows[k];
        if (!a->id || !a->id_len)
            continue;   /* no id: skipped, as store_upsert does */
        row_in in;
        st = row_in_rec(s, a, &in) ? upsert_one(s, &in, from, h[k % RING]) : SK_ERR_USAGE;
    }
    changed_flush(s);
    return st;
}

sk_status store_upsert_recs(sk_store *s, const sk_store_rec *rows, size_t n)
{
    return recs_in(s, rows, n, UP_LISTED);
}

sk_status store_add_recs(sk_store *s, const sk_store_rec *rows, size_t n)
{
    return recs_in(s, rows, n, UP_CACHED);
}

size_t store_found_count(const sk_store *s) { return s ? s->found : 0; }

bool store_row_found(const sk_store *s, sk_row r)
{
    return store_row_live(s, r) && (s->rows[r].flags & ROW_FOUND);
}

/* A listing announces its rows connection by connection (a growing sum): an empty store takes
 * room at once, one with rows grows to the last figure when it fills (each rehash of the ids
 * costs them all, so not once per announcement). */
bool store_reserve(sk_store *s, size_t rows)
{
    if (!s || rows > ROW_MAX)
        return false;
    s->expect = rows;
    if (s->live) {
        /* Announced while few rows are in (a listing learns the connections' totals from their
         * first pages): the ids' table grows now, over those few, rather than once it is 3/4
         * full, over hundreds of thousands (15-34 ms in one turn at a million). By a quarter at
         * least, so that totals coming in one by one do not cost a rehash each. */
        size_t cap = id_cap_for(rows);
        if (s->live <= rows / 8 && cap > s->by_id.cap + s->by_id.cap / 4)
            return id_rehash(s, cap);
        return true;
    }
    if (rows > s->cap_rows) {
        store_row *q = big_resize(s->rows, s->cap_rows * sizeof *q, rows * sizeof *q);
        if (!q)
            return false;
        s->rows = q;
        s->cap_rows = rows;
    }
    size_t cap = id_cap_for(rows);
    return cap <= s->by_id.cap || id_rehash(s, cap);
}

static void row_release(sk_store *s, uint32_t ri, size_t slot)
{
    store_row *r = &s->rows[ri];
    row_count(s, r, -1);
    if (r->flags & ROW_MARKED)
        s->marks--;
    if (r->flags & ROW_FOUND)
        s->found--;
    wide_release(s, r);
    r->flags = 0;
    changed(s, true);
    s->by_id.slots[slot] = ID_DEAD;
    s->live--;
    row_free(s, ri);
}

static bool find_slot(const sk_store *s, const char *id, size_t *slot)
{
    if (!s || !id || !s->by_id.cap)
        return false;
    size_t len = strlen(id);
    bool hit;
    *slot = id_probe(s, id, len, hash_id(id, len), &hit);
    return hit;
}

static uint32_t slot_row(const sk_store *s, size_t slot)
{
    return id_row_of(s, s->by_id.slots[slot]);
}

bool store_remove(sk_store *s, const char *id)
{
    size_t slot;
    if (!find_slot(s, id, &slot))
        return false;
    row_release(s, slot_row(s, slot), slot);
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
    return upsert_id(s, &a, false) == SK_OK;
}

bool store_set_status(sk_store *s, const char *id, const char *status)
{
    size_t slot;
    if (!find_slot(s, id, &slot))
        return false;
    uint32_t st = intern(s, status);
    if (st == UINT32_MAX)
        return false;
    store_row *r = &s->rows[slot_row(s, slot)];
    store_attrs at = *row_attrs(s, r);
    at.status = st;
    uint32_t attrs = attrs_id(s, &at);
    if (attrs == UINT32_MAX)
        return false;
    row_count(s, r, -1);
    r->attrs_ = attrs;
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
        if (find_slot(s, row_id(s, r), &slot)) {
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
    const store_attrs *at = row_attrs(s, r);
    out->id = row_id(s, r);
    out->identifier = row_ident(s, r);
    out->connector = r->conn != NO_CONN ? str_of(s, s->conns[r->conn].name) : NULL;
    out->connection_id = str_of(s, at->cid);
    out->provider = str_of(s, at->provider);
    out->status = str_of(s, at->status);
    out->authorization_type = str_of(s, at->auth);
    out->token_expires_at = row_time(s, r, SK_ROW_TOKEN_EXPIRES);
    out->updated_at = row_time(s, r, SK_ROW_UPDATED);
    out->last_used_at = row_time(s, r, SK_ROW_LAST_USED);
    out->state = (sk_state)r->state;
}

sk_row store_find(const sk_store *s, const char *id)
{
    size_t slot;
    return find_slot(s, id, &slot) ? slot_row(s, slot) : SK_ROW_NONE;
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
    return row_id(s, r);
}

const char *store_row_identifier(const sk_store *s, const sk_store_row *r)
{
    return row_ident(s, r);
}

int64_t store_row_time(const sk_store *s, const sk_store_row *r, sk_row_time which)
{
    return row_time(s, r, which == SK_ROW_TOKEN_EXPIRES ? 0 : which == SK_ROW_LAST_USED ? 2 : 1);
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
    return sizeof *s + arena_bytes(s->arena) + pool_bytes(&s->pool) +
           s->cap_rows * sizeof *s->rows + s->by_id.cap * sizeof *s->by_id.slots +
           s->cap_strs * (sizeof *s->strs + sizeof *s->conn_of_str + sizeof *s->str_len) +
           s->interned.cap * sizeof *s->interned.slots + s->cap_attrs * sizeof *s->attrs +
           s->cap_attr_slots * sizeof *s->attr_slots + s->cap_wide * sizeof *s->wide +
           s->cap_conns * sizeof *s->conns + (s->cap_order + s->cap_api) * sizeof(uint32_t);
}
