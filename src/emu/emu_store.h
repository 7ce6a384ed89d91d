/* emu_store.h: skemu's in-memory data: connections and connected accounts, indexed by id and
 * by connector+identifier, kept in buckets per connector for fast, stable paging. */
#ifndef EMU_STORE_H
#define EMU_STORE_H

#include <json-c/json.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A string field that may travel as absent, null, "" or a value: the client must treat the
 * first three alike, so skemu keeps (and serves back) whichever form the data used. */
enum { EMU_OPT_ABSENT = 0, EMU_OPT_NULL, EMU_OPT_EMPTY, EMU_OPT_SET };
typedef struct emu_opt {
    char *s;            /* set only for EMU_OPT_SET */
    unsigned char kind;
} emu_opt;

void emu_opt_set(emu_opt *o, const char *s);  /* NULL -> absent, "" -> empty */
void emu_opt_clear(emu_opt *o, int kind);
const char *emu_opt_str(const emu_opt *o);    /* the value or NULL */

typedef struct emu_account {
    char *id;
    char *identifier;
    char *connector;
    char *connection_id;
    char *provider;
    emu_opt authorization_type;
    emu_opt status;
    emu_opt token_expires_at;
    emu_opt updated_at;
    emu_opt last_used_at;
    json_object *authorization_details; /* NULL: none, or built on demand for generated ones */
    json_object *api_config;
    int64_t gen_seq;                    /* position in generated data; -1 otherwise */
    /* The account's list-view JSON text, built when the account is generated or by the first
     * listing that shows it (under the read lock, so set once by compare-and-swap), and
     * dropped by emu_account_changed (under the write lock). Listings copy it instead of
     * building 99 objects per page. */
    _Atomic(struct emu_list_text *) list_json;
} emu_account;

/* An account's list-view JSON text and its length. */
typedef struct emu_list_text {
    size_t len;
    char text[];
} emu_list_text;

typedef struct emu_connection {
    char *id;
    char *key_id;
    char *provider_key;
    char *type;
    char *status;
    bool enabled;
    emu_opt created_at;
} emu_connection;

typedef struct emu_bucket {
    char *connector;
    emu_account **items;
    size_t n, cap;
} emu_bucket;

typedef struct emu_store {
    emu_connection *conns;
    size_t nconns;
    emu_bucket *buckets;   /* sorted by connector (byte order) */
    size_t nbuckets, capb;
    struct emu_map *by_id;
    struct emu_map *by_key;
    size_t total;
    uint64_t seed;
    uint64_t id_seq;       /* for ids of created accounts */
} emu_store;

void emu_store_init(emu_store *s, uint64_t seed);
void emu_store_free(emu_store *s);

/* Loads {"connections":[...],"connected_accounts":[...]}; err gets a message on failure. */
int emu_store_load_json(emu_store *s, const char *text, size_t len, char *err, size_t errlen);
int emu_store_load_file(emu_store *s, const char *path, char *err, size_t errlen);

/* Deterministic sample data: n accounts over m connections; timestamps anchored at epoch. */
void emu_store_generate(emu_store *s, size_t n, size_t m, uint64_t seed, int64_t epoch);

emu_account *emu_store_find_id(const emu_store *s, const char *id);
emu_account *emu_store_find_key(const emu_store *s, const char *connector,
                                const char *identifier);
emu_connection *emu_store_find_connection(const emu_store *s, const char *key_id);
emu_bucket *emu_store_bucket(const emu_store *s, const char *connector);

/* Takes ownership of a; returns -1 (and does not take it) when the id or key exists. */
int emu_store_add(emu_store *s, emu_account *a);
/* Unlinks and frees a. */
void emu_store_remove(emu_store *s, emu_account *a);

emu_account *emu_account_new(void);
void emu_account_free(emu_account *a);

/* What an account looks like on the wire. */
enum emu_view { EMU_VIEW_LIST, EMU_VIEW_DETAILS, EMU_VIEW_FULL };
json_object *emu_account_to_json(const emu_store *s, emu_account *a, enum emu_view view);
json_object *emu_connection_to_json(const emu_connection *c);
/* The list view as JSON text (its length in *len when len is not NULL), cached (see list_json);
 * valid until the account changes. Byte for byte what json-c writes of
 * emu_account_to_json(EMU_VIEW_LIST) (plain, '/' not escaped). */
const char *emu_account_list_json(const emu_store *s, emu_account *a, size_t *len);
/* The same text, built anew (malloc'd; the caller frees it). */
emu_list_text *emu_account_list_text_new(const emu_account *a);
/* Every change to a listed field goes through here (write lock held): drops the cached text. */
void emu_account_changed(emu_account *a);

/* Generated accounts get their authorization_details on first use (saves memory). */
json_object *emu_account_auth_details(const emu_store *s, emu_account *a);

/* Fresh id for a created account (ca_ + digits). */
void emu_store_new_id(emu_store *s, char *out, size_t outlen);

#endif
