/* store.h: every account held once, grouped by connection, with counts per state per
 * connection. Repeated strings (connector, connection id, provider, status, authorization
 * type) are interned; unique strings live in an arena; timestamps are integers.
 * Rows are addressed by a stable index (sk_row) that survives updates of the same id; views
 * (view.h) hold indexes, never copies. */
#ifndef STORE_H
#define STORE_H

#include "account.h"
#include "sk_status.h"

typedef uint32_t sk_row;
#define SK_ROW_NONE UINT32_MAX

typedef struct sk_store sk_store;

typedef struct sk_conn_summary {
    const char *name;       /* key_id / connector */
    const char *id;         /* conn_..., NULL when unknown */
    const char *provider;
    const char *type;
    bool from_api;          /* known from /connections/app (vs. seen only on accounts) */
    size_t total;
    size_t count[SK_STATE_COUNT];
} sk_conn_summary;

sk_store *store_new(void);
void store_free(sk_store *s);

/* Connections, in the order given (a later call adds new ones, updates known ones). */
void store_set_connections(sk_store *s, const sk_connection *rows, size_t n);
size_t store_connection_count(const sk_store *s);
/* i-th connection; connections first seen on accounts are appended after the API's. */
void store_connection(const sk_store *s, size_t i, sk_conn_summary *out);
/* Index of the connection named `name`, or (size_t)-1. */
size_t store_connection_find(const sk_store *s, const char *name);

/* Exchange the whole contents of two stores (a load checked in a scratch store, then taken in
 * one step). Views of either are rebuilt on their next update. */
void store_swap(sk_store *a, sk_store *b);

/* Insert or update by id (the row index of a known id is kept). Copies every string. */
sk_status store_upsert(sk_store *s, const sk_account *rows, size_t n);
/* A bulk load (cache.c's): the repeated strings interned once, then accounts that name them by
 * handle, their id and identifier with lengths known. store_intern: the store's handle for a
 * string (0 for NULL; SK_STORE_STR_NOMEM on out of memory), valid as long as the store's
 * contents (store_swap moves them). store_upsert_recs: store_upsert of such records (the store
 * copies what it keeps; an id already there is updated in place; no id: skipped);
 * SK_ERR_USAGE for a handle the store never gave (rows before it are stored). */
#define SK_STORE_STR_NOMEM UINT32_MAX
typedef struct sk_store_rec {
    const char *id;             /* id_len bytes and a NUL after them */
    const char *identifier;     /* NULL when none; identifier_len bytes (and a NUL) */
    uint32_t id_len, identifier_len;
    uint32_t connector, connection_id, provider, status, auth;   /* store_intern handles */
    int64_t token_expires_at, updated_at, last_used_at;          /* SK_TIME_ABSENT: none */
} sk_store_rec;
uint32_t store_intern(sk_store *s, const char *str);
sk_status store_upsert_recs(sk_store *s, const sk_store_rec *rows, size_t n);
/* The same for a load into a store that may hold newer rows (the cache read a slice at a time
 * while a listing runs): a record whose id the store holds is skipped (what is there was listed,
 * found or refreshed since the file was written), and the rows added are unseen by a refresh
 * under way (store_begin_refresh), so a completed listing sweeps those the server no longer
 * has. */
sk_status store_add_recs(sk_store *s, const sk_store_rec *rows, size_t n);
/* Room for `rows` accounts in all (a hint: false only on out of memory, nothing lost). */
bool store_reserve(sk_store *s, size_t rows);
/* Rows from a server search (search.h) while a listing runs: inserted or updated by id like
 * store_upsert, but never counted as seen by the refresh (a sweep removes those the listing
 * does not reach) and flagged "found" until a store_upsert (the listing) gives the same id; a
 * row the current refresh has already listed is left as it is. One row per id, always. */
sk_status store_upsert_found(sk_store *s, const sk_account *rows, size_t n);
size_t store_found_count(const sk_store *s);     /* live rows flagged found */
bool store_row_found(const sk_store *s, sk_row r);
/* Remove by id; returns false when unknown. Row indexes of other accounts stay valid. */
bool store_remove(sk_store *s, const char *id);
/* A fresher record of a known account (its /details answer): every field of the row is
 * replaced by the record's, except who and where (identifier, connection, connection id,
 * provider, authorization type) when the record leaves them out. False when the id is unknown
 * (nothing is added). */
bool store_refresh_row(sk_store *s, const sk_account *fresh);
/* Change one account's raw status (e.g. watched until ACTIVE). */
bool store_set_status(sk_store *s, const char *id, const char *status);

/* Refresh: begin() starts a generation; rows upserted after it are "seen". sweep(conn) drops
 * every row of that connection (NULL: of all connections) not seen since begin(), so a
 * completed refresh removes deleted accounts while a failed one keeps the last good data. */
void store_begin_refresh(sk_store *s);
size_t store_sweep(sk_store *s, const char *connection);

/* Live accounts and the capacity of the row space (rows may have holes after removals). */
size_t store_count(const sk_store *s);
size_t store_row_limit(const sk_store *s);
bool store_row_live(const sk_store *s, sk_row r);
/* Fill a borrowed view of row r (strings valid until the row is removed or the store freed). */
void store_get(const sk_store *s, sk_row r, sk_account *out);
sk_row store_find(const sk_store *s, const char *id);
size_t store_total(const sk_store *s, sk_state st);   /* over all connections */

/* Marks (the TUI's space / a): a flag per row. */
void store_mark(sk_store *s, sk_row r, bool on);
bool store_marked(const sk_store *s, sk_row r);
size_t store_mark_count(const sk_store *s);
void store_clear_marks(sk_store *s);

/* Bytes the store holds (benchmarks). */
size_t store_bytes(const sk_store *s);

/* ---- for views (view.c): change tracking and the compact records, read without copying ---- */

/* store_version() changes with every change to the accounts; store_layout_version() only when
 * rows already there change or go (not when new rows are appended at the end of the row
 * space, i.e. at indexes >= the previous store_row_limit()). Both are unique across every store
 * of the process, so a view can tell stores apart by them. */
uint64_t store_version(const sk_store *s);
uint64_t store_layout_version(const sk_store *s);

#define SK_STORE_ROW_LIVE 1u
#define SK_STORE_ROW_FOUND 8u   /* from a server search, not listed yet */
#define SK_CONN_NONE UINT32_MAX

/* One account as the store holds it: strings interned (see store_conn_name) or in the store's
 * string pool. Read `conn`, `state` and `flags` directly; the strings and times only through
 * the accessors below: the other fields are store.c's (32-bit handles and narrowed times, 26
 * bytes a row, packed: a million rows are 26 MB). */
typedef struct __attribute__((packed, aligned(2))) sk_store_row {
    uint32_t conn;              /* store_conn_name(s, conn); SK_CONN_NONE when none */
    uint8_t state;
    uint8_t flags;              /* SK_STORE_ROW_LIVE when the row holds an account;
                                   SK_STORE_ROW_FOUND (store_upsert_found); the other bits
                                   are store.c's (test a flag with &) */
    uint32_t text_;             /* store.c's: the id and identifier, in the string pool */
    uint32_t time_[3];          /* store.c's: the times, narrowed (see store_row_time) */
    uint32_t attrs_;            /* store.c's: connection id, provider, status, auth type */
} sk_store_row;

/* Rows 0..store_row_limit() - 1 (NULL when none); valid until the store next changes. */
const sk_store_row *store_rows(const sk_store *s);
/* A row's id and identifier (NULL when none; valid as store_get's strings are) and times
 * (Unix seconds, SK_TIME_ABSENT when none). */
typedef enum { SK_ROW_TOKEN_EXPIRES, SK_ROW_UPDATED, SK_ROW_LAST_USED } sk_row_time;
const char *store_row_id(const sk_store *s, const sk_store_row *r);
const char *store_row_identifier(const sk_store *s, const sk_store_row *r);
int64_t store_row_time(const sk_store *s, const sk_store_row *r, sk_row_time which);
/* Connections by creation index (a row's `conn`), 0..store_conn_limit() - 1. */
size_t store_conn_limit(const sk_store *s);
const char *store_conn_name(const sk_store *s, uint32_t conn);

#endif
