/* emu_store.c: skemu's accounts and connections in memory, their indexes, the data-file
 * loader and the wire form of an account. Callers hold skemu's lock. */
#include "emu_store.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu_util.h"

void emu_opt_set(emu_opt *o, const char *s)
{
    free(o->s);
    o->s = NULL;
    if (!s) o->kind = EMU_OPT_ABSENT;
    else if (!*s) o->kind = EMU_OPT_EMPTY;
    else {
        o->kind = EMU_OPT_SET;
        o->s = emu_strdup(s);
    }
}

void emu_opt_clear(emu_opt *o, int kind)
{
    free(o->s);
    o->s = NULL;
    o->kind = (unsigned char)(kind == EMU_OPT_SET ? EMU_OPT_ABSENT : kind);
}

const char *emu_opt_str(const emu_opt *o)
{
    return o->kind == EMU_OPT_SET ? o->s : NULL;
}

void emu_store_init(emu_store *s, uint64_t seed)
{
    memset(s, 0, sizeof *s);
    s->by_id = emu_xmalloc(sizeof *s->by_id);
    s->by_key = emu_xmalloc(sizeof *s->by_key);
    emu_map_init(s->by_id, 64);
    emu_map_init(s->by_key, 64);
    s->seed = seed;
}

emu_account *emu_account_new(void)
{
    emu_account *a = calloc(1, sizeof *a);
    if (!a) abort();
    a->gen_seq = -1;
    return a;
}

void emu_account_free(emu_account *a)
{
    if (!a) return;
    free(a->id);
    free(a->identifier);
    free(a->connector);
    free(a->connection_id);
    free(a->provider);
    emu_opt *opts[] = {&a->authorization_type, &a->status, &a->token_expires_at,
                       &a->updated_at, &a->last_used_at};
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) free(opts[i]->s);
    json_object_put(a->authorization_details);
    json_object_put(a->api_config);
    free(atomic_load(&a->list_json));
    free(a);
}

void emu_account_changed(emu_account *a)
{
    free(atomic_exchange(&a->list_json, NULL));
}

static void connection_free(emu_connection *c)
{
    free(c->id);
    free(c->key_id);
    free(c->provider_key);
    free(c->type);
    free(c->status);
    free(c->created_at.s);
}

void emu_store_free(emu_store *s)
{
    for (size_t b = 0; b < s->nbuckets; b++) {
        for (size_t i = 0; i < s->buckets[b].n; i++) emu_account_free(s->buckets[b].items[i]);
        free(s->buckets[b].items);
        free(s->buckets[b].connector);
    }
    free(s->buckets);
    for (size_t i = 0; i < s->nconns; i++) connection_free(&s->conns[i]);
    free(s->conns);
    if (s->by_id) emu_map_free(s->by_id);
    if (s->by_key) emu_map_free(s->by_key);
    free(s->by_id);
    free(s->by_key);
    memset(s, 0, sizeof *s);
}

/* The connector+identifier key; \x1f cannot occur in a valid connector. */
static char *account_key(const char *connector, const char *identifier)
{
    size_t a = strlen(connector), b = strlen(identifier);
    char *k = emu_xmalloc(a + b + 2);
    memcpy(k, connector, a);
    k[a] = '\x1f';
    memcpy(k + a + 1, identifier, b + 1);
    return k;
}

emu_account *emu_store_find_id(const emu_store *s, const char *id)
{
    return id ? emu_map_get(s->by_id, id) : NULL;
}

emu_account *emu_store_find_key(const emu_store *s, const char *connector,
                                const char *identifier)
{
    if (!connector || !identifier) return NULL;
    char *k = account_key(connector, identifier);
    emu_account *a = emu_map_get(s->by_key, k);
    free(k);
    return a;
}

emu_connection *emu_store_find_connection(const emu_store *s, const char *key_id)
{
    for (size_t i = 0; key_id && i < s->nconns; i++)
        if (strcmp(s->conns[i].key_id, key_id) == 0) return &s->conns[i];
    return NULL;
}

/* Binary search over the sorted buckets; *pos gets the insertion point on a miss. */
static emu_bucket *bucket_find(const emu_store *s, const char *connector, size_t *pos)
{
    size_t lo = 0, hi = s->nbuckets;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(s->buckets[mid].connector, connector);
        if (c == 0) return &s->buckets[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    if (pos) *pos = lo;
    return NULL;
}

emu_bucket *emu_store_bucket(const emu_store *s, const char *connector)
{
    return connector ? bucket_find(s, connector, NULL) : NULL;
}

static emu_bucket *bucket_get(emu_store *s, const char *connector)
{
    size_t pos = 0;
    emu_bucket *b = bucket_find(s, connector, &pos);
    if (b) return b;
    if (s->nbuckets == s->capb) {
        s->capb = s->capb ? s->capb * 2 : 16;
        s->buckets = emu_xrealloc(s->buckets, s->capb * sizeof *s->buckets);
    }
    memmove(&s->buckets[pos + 1], &s->buckets[pos], (s->nbuckets - pos) * sizeof *s->buckets);
    s->nbuckets++;
    b = &s->buckets[pos];
    memset(b, 0, sizeof *b);
    b->connector = emu_strdup(connector);
    return b;
}

int emu_store_add(emu_store *s, emu_account *a)
{
    if (!a->id || !a->connector || !a->identifier) return -1;
    if (emu_map_get(s->by_id, a->id)) return -1;
    char *k = account_key(a->connector, a->identifier);
    if (emu_map_get(s->by_key, k)) {
        free(k);
        return -1;
    }
    emu_map_put(s->by_key, k, a);
    free(k);
    emu_map_put(s->by_id, a->id, a);
    emu_bucket *b = bucket_get(s, a->connector);
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->items = emu_xrealloc(b->items, b->cap * sizeof *b->items);
    }
    b->items[b->n++] = a;
    s->total++;
    return 0;
}

void emu_store_remove(emu_store *s, emu_account *a)
{
    emu_map_remove(s->by_id, a->id);
    char *k = account_key(a->connector, a->identifier);
    emu_map_remove(s->by_key, k);
    free(k);
    emu_bucket *b = emu_store_bucket(s, a->connector);
    for (size_t i = 0; b && i < b->n; i++) {
        if (b->items[i] == a) {
            memmove(&b->items[i], &b->items[i + 1], (b->n - i - 1) * sizeof *b->items);
            b->n--;
            s->total--;
            break;
        }
    }
    emu_account_free(a);
}

void emu_store_new_id(emu_store *s, char *out, size_t outlen)
{
    /* Created ids live in their own range so they never collide with generated ones. */
    do {
        snprintf(out, outlen, "ca_%llu", 90000000000000000ull + (unsigned long long)s->id_seq++);
    } while (emu_map_get(s->by_id, out));
}

static void put_opt(json_object *o, const char *key, const emu_opt *v)
{
    switch (v->kind) {
    case EMU_OPT_NULL: json_object_object_add(o, key, NULL); break;
    case EMU_OPT_EMPTY: json_object_object_add(o, key, json_object_new_string("")); break;
    case EMU_OPT_SET: json_object_object_add(o, key, json_object_new_string(v->s)); break;
    default: break;
    }
}

static void put_str(json_object *o, const char *key, const char *v)
{
    if (v) json_object_object_add(o, key, json_object_new_string(v));
}

/* /details shows no secret: only oauth scopes and domain survive. */
static json_object *details_without_secrets(json_object *ad)
{
    json_object *out = json_object_new_object();
    json_object *oauth = NULL;
    if (json_object_object_get_ex(ad, "oauth_token", &oauth) &&
        json_object_is_type(oauth, json_type_object)) {
        json_object *o = json_object_new_object(), *v;
        if (json_object_object_get_ex(oauth, "scopes", &v))
            json_object_object_add(o, "scopes", json_object_get(v));
        if (json_object_object_get_ex(oauth, "domain", &v))
            json_object_object_add(o, "domain", json_object_get(v));
        json_object_object_add(out, "oauth_token", o);
    }
    return out;
}

json_object *emu_account_to_json(const emu_store *s, emu_account *a, enum emu_view view)
{
    json_object *o = json_object_new_object();
    put_str(o, "id", a->id);
    put_str(o, "identifier", a->identifier);
    put_str(o, "connector", a->connector);
    put_str(o, "connection_id", a->connection_id);
    put_str(o, "provider", a->provider);
    put_opt(o, "status", &a->status);
    put_opt(o, "authorization_type", &a->authorization_type);
    put_opt(o, "token_expires_at", &a->token_expires_at);
    put_opt(o, "updated_at", &a->updated_at);
    put_opt(o, "last_used_at", &a->last_used_at);
    if (view == EMU_VIEW_LIST) return o;
    json_object *ad = emu_account_auth_details(s, a);
    if (ad) {
        if (view == EMU_VIEW_FULL) json_object_object_add(o, "authorization_details",
                                                          json_object_get(ad));
        else json_object_object_add(o, "authorization_details", details_without_secrets(ad));
    }
    if (a->api_config) json_object_object_add(o, "api_config", json_object_get(a->api_config));
    return o;
}

/* The list view's text, byte for byte as json-c writes emu_account_to_json(EMU_VIEW_LIST) with
 * JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE (test_emu_json holds the two to
 * that): the members in that order, absent ones left out, json-c's escapes (\" \\ \b \f \n
 * \r \t, \u00xx for the other bytes below 0x20, every other byte as it is). Building json-c's
 * tree (a dozen allocations and a hash table an account) cost ~4 us an account: most of
 * skemu's time in the first listing of a million. */

/* Whether any of the 8 bytes of v is '"', '\\' or below 0x20 (exact: no false answer). */
static inline bool word_special(uint64_t v)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t q = v ^ (ones * '"'), b = v ^ (ones * '\\');
    return ((((q - ones) & ~q) | ((b - ones) & ~b) | ((v - ones * 0x20) & ~v)) & high) != 0;
}

/* The text being written: in a buffer on the caller's stack, moved to the heap if it outgrows
 * it (a data file's strings may be long). */
typedef struct text_writer {
    char *p, *heap;
    size_t len, cap;
} text_writer;

static void tw_put(text_writer *w, const char *s, size_t n)
{
    if (w->len + n + 1 > w->cap) {
        size_t cap = w->cap * 2;
        while (cap < w->len + n + 1) cap *= 2;
        char *q = emu_xmalloc(cap);
        memcpy(q, w->p, w->len);
        free(w->heap);
        w->p = w->heap = q;
        w->cap = cap;
    }
    memcpy(w->p + w->len, s, n);
    w->len += n;
}

static bool byte_special(unsigned char c)
{
    return c < 0x20 || c == '"' || c == '\\';
}

static void tw_escaped(text_writer *w, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const char *run = s, *end = s + n;
    for (const char *p = s; p < end; p++) {
        unsigned char c = (unsigned char)*p;
        if (!byte_special(c)) continue;
        tw_put(w, run, (size_t)(p - run));
        char e[6] = {'\\', (char)c, '0', '0', hex[c >> 4], hex[c & 15]};
        size_t en = 2;
        switch (c) {
        case '"': case '\\': break;
        case '\b': e[1] = 'b'; break;
        case '\f': e[1] = 'f'; break;
        case '\n': e[1] = 'n'; break;
        case '\r': e[1] = 'r'; break;
        case '\t': e[1] = 't'; break;
        default: e[1] = 'u'; en = 6; break;
        }
        tw_put(w, e, en);
        run = p + 1;
    }
    tw_put(w, run, (size_t)(end - run));
}

/* One member: ",\"key\":" (no comma before the first) and the value (NULL: null). The value
 * is copied whole unless a word of it holds a byte to escape. */
static void tw_member(text_writer *w, const char *key, size_t kn, const char *val)
{
    if (w->len > 1) tw_put(w, ",", 1);   /* after "{" and a member */
    tw_put(w, "\"", 1);
    tw_put(w, key, kn);
    if (!val) {
        tw_put(w, "\":null", 6);
        return;
    }
    tw_put(w, "\":\"", 3);
    size_t n = strlen(val), i = 0;
    bool plain = true;
    for (; plain && i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, val + i, 8);
        plain = !word_special(v);
    }
    for (; plain && i < n; i++) plain = !byte_special((unsigned char)val[i]);
    if (plain) tw_put(w, val, n);
    else tw_escaped(w, val, n);
    tw_put(w, "\"", 1);
}

#define TW_KEY(w, key, val) tw_member((w), (key), sizeof(key) - 1, (val))

static void tw_opt(text_writer *w, const char *key, size_t kn, const emu_opt *v)
{
    switch (v->kind) {
    case EMU_OPT_NULL: tw_member(w, key, kn, NULL); break;
    case EMU_OPT_EMPTY: tw_member(w, key, kn, ""); break;
    case EMU_OPT_SET: tw_member(w, key, kn, v->s); break;
    default: break;
    }
}

#define TW_OPT(w, key, v) tw_opt((w), (key), sizeof(key) - 1, (v))

emu_list_text *emu_account_list_text_new(const emu_account *a)
{
    char scratch[1024];
    text_writer w = {scratch, NULL, 0, sizeof scratch};
    tw_put(&w, "{", 1);
    if (a->id) TW_KEY(&w, "id", a->id);
    if (a->identifier) TW_KEY(&w, "identifier", a->identifier);
    if (a->connector) TW_KEY(&w, "connector", a->connector);
    if (a->connection_id) TW_KEY(&w, "connection_id", a->connection_id);
    if (a->provider) TW_KEY(&w, "provider", a->provider);
    TW_OPT(&w, "status", &a->status);
    TW_OPT(&w, "authorization_type", &a->authorization_type);
    TW_OPT(&w, "token_expires_at", &a->token_expires_at);
    TW_OPT(&w, "updated_at", &a->updated_at);
    TW_OPT(&w, "last_used_at", &a->last_used_at);
    tw_put(&w, "}", 1);
    emu_list_text *t = emu_xmalloc(sizeof *t + w.len + 1);
    t->len = w.len;
    memcpy(t->text, w.p, w.len);
    t->text[w.len] = '\0';
    free(w.heap);
    return t;
}

const char *emu_account_list_json(const emu_store *s, emu_account *a, size_t *len)
{
    (void)s;
    emu_list_text *have = atomic_load_explicit(&a->list_json, memory_order_acquire);
    if (!have) {
        emu_list_text *t = emu_account_list_text_new(a);
        /* Two listings may build it at once: the first to store it wins, the other frees its
         * copy. */
        if (atomic_compare_exchange_strong_explicit(&a->list_json, &have, t,
                                                    memory_order_acq_rel, memory_order_acquire))
            have = t;
        else
            free(t);
    }
    if (len) *len = have->len;
    return have->text;
}

json_object *emu_connection_to_json(const emu_connection *c)
{
    json_object *o = json_object_new_object();
    put_str(o, "id", c->id);
    put_str(o, "key_id", c->key_id);
    put_str(o, "provider_key", c->provider_key);
    put_str(o, "type", c->type);
    put_str(o, "status", c->status ? c->status : "COMPLETED");
    json_object_object_add(o, "enabled", json_object_new_boolean(c->enabled));
    put_opt(o, "created_at", &c->created_at);
    return o;
}

/* ---- data file ---- */

/* Reads an optional string member into an emu_opt; anything but a string/null is an error. */
static int load_opt(json_object *obj, const char *key, emu_opt *out, const char *where,
                    char *err, size_t errlen)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(obj, key, &v)) {
        emu_opt_clear(out, EMU_OPT_ABSENT);
        return 0;
    }
    if (!v) {
        emu_opt_clear(out, EMU_OPT_NULL);
        return 0;
    }
    if (!json_object_is_type(v, json_type_string)) {
        snprintf(err, errlen, "%s.%s: expected a string", where, key);
        return -1;
    }
    emu_opt_set(out, json_object_get_string(v));
    return 0;
}

static int load_str(json_object *obj, const char *key, char **out, bool required,
                    const char *where, char *err, size_t errlen)
{
    emu_opt o = {0};
    if (load_opt(obj, key, &o, where, err, errlen) != 0) return -1;
    if (o.kind != EMU_OPT_SET) {
        if (required) {
            snprintf(err, errlen, "%s.%s: missing", where, key);
            return -1;
        }
        return 0;
    }
    free(*out);
    *out = o.s;
    return 0;
}

static int load_connection(emu_store *s, json_object *c, size_t i, char *err, size_t errlen)
{
    char where[64];
    snprintf(where, sizeof where, "connections[%zu]", i);
    if (!json_object_is_type(c, json_type_object)) {
        snprintf(err, errlen, "%s: expected an object", where);
        return -1;
    }
    emu_connection cn;
    memset(&cn, 0, sizeof cn);
    cn.enabled = true;
    json_object *en = NULL;
    if (json_object_object_get_ex(c, "enabled", &en) && en)
        cn.enabled = json_object_get_boolean(en);
    if (load_str(c, "key_id", &cn.key_id, true, where, err, errlen) ||
        load_str(c, "id", &cn.id, false, where, err, errlen) ||
        load_str(c, "provider_key", &cn.provider_key, false, where, err, errlen) ||
        load_str(c, "type", &cn.type, false, where, err, errlen) ||
        load_str(c, "status", &cn.status, false, where, err, errlen) ||
        load_opt(c, "created_at", &cn.created_at, where, err, errlen)) {
        connection_free(&cn);
        return -1;
    }
    if (emu_store_find_connection(s, cn.key_id)) {
        snprintf(err, errlen, "%s: duplicate key_id \"%s\"", where, cn.key_id);
        connection_free(&cn);
        return -1;
    }
    if (!cn.id) {
        char id[40];
        snprintf(id, sizeof id, "conn_%llu", 24834495392086000ull + (unsigned long long)i);
        cn.id = emu_strdup(id);
    }
    if (!cn.provider_key) {
        cn.provider_key = emu_strdup(cn.key_id);
        for (char *p = cn.provider_key; *p; p++)
            if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
    }
    if (!cn.type) cn.type = emu_strdup("OAUTH");
    s->conns = emu_xrealloc(s->conns, (s->nconns + 1) * sizeof *s->conns);
    s->conns[s->nconns++] = cn;
    return 0;
}

static int load_object_member(json_object *a, const char *key, json_object **out,
                              const char *where, char *err, size_t errlen)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(a, key, &v) || !v) return 0;
    if (!json_object_is_type(v, json_type_object)) {
        snprintf(err, errlen, "%s.%s: expected an object", where, key);
        return -1;
    }
    *out = json_object_get(v);
    return 0;
}

static int load_account(emu_store *s, json_object *j, size_t i, char *err, size_t errlen)
{
    char where[64];
    snprintf(where, sizeof where, "connected_accounts[%zu]", i);
    if (!json_object_is_type(j, json_type_object)) {
        snprintf(err, errlen, "%s: expected an object", where);
        return -1;
    }
    emu_account *a = emu_account_new();
    if (load_str(j, "id", &a->id, false, where, err, errlen) ||
        load_str(j, "identifier", &a->identifier, true, where, err, errlen) ||
        load_str(j, "connector", &a->connector, false, where, err, errlen) ||
        load_str(j, "connection_id", &a->connection_id, false, where, err, errlen) ||
        load_str(j, "provider", &a->provider, false, where, err, errlen) ||
        load_opt(j, "status", &a->status, where, err, errlen) ||
        load_opt(j, "authorization_type", &a->authorization_type, where, err, errlen) ||
        load_opt(j, "token_expires_at", &a->token_expires_at, where, err, errlen) ||
        load_opt(j, "updated_at", &a->updated_at, where, err, errlen) ||
        load_opt(j, "last_used_at", &a->last_used_at, where, err, errlen) ||
        load_object_member(j, "authorization_details", &a->authorization_details, where, err,
                           errlen) ||
        load_object_member(j, "api_config", &a->api_config, where, err, errlen)) {
        emu_account_free(a);
        return -1;
    }
    /* A connector may be implied by the connection id. */
    for (size_t c = 0; !a->connector && a->connection_id && c < s->nconns; c++)
        if (strcmp(s->conns[c].id, a->connection_id) == 0)
            a->connector = emu_strdup(s->conns[c].key_id);
    if (!a->connector) {
        snprintf(err, errlen, "%s: needs \"connector\" (or a known \"connection_id\")", where);
        emu_account_free(a);
        return -1;
    }
    emu_connection *cn = emu_store_find_connection(s, a->connector);
    if (cn && !a->connection_id) a->connection_id = emu_strdup(cn->id);
    if (cn && !a->provider) a->provider = emu_strdup(cn->provider_key);
    if (!a->id) {
        char id[40];
        emu_store_new_id(s, id, sizeof id);
        a->id = emu_strdup(id);
    }
    if (emu_store_add(s, a) != 0) {
        snprintf(err, errlen, "%s: duplicate id or connector+identifier", where);
        emu_account_free(a);
        return -1;
    }
    return 0;
}

int emu_store_load_json(emu_store *s, const char *text, size_t len, char *err, size_t errlen)
{
    json_tokener *tok = json_tokener_new();
    json_object *root = json_tokener_parse_ex(tok, text, (int)(len > 0x7fffffff ? 0x7fffffff : len));
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    json_tokener_free(tok);
    if (!root || jerr != json_tokener_success) {
        snprintf(err, errlen, "not valid JSON: %s", json_tokener_error_desc(jerr));
        json_object_put(root);
        return -1;
    }
    int rc = -1;
    json_object *conns = NULL, *accts = NULL;
    if (!json_object_is_type(root, json_type_object)) {
        snprintf(err, errlen, "the top level must be an object");
        goto out;
    }
    json_object_object_get_ex(root, "connections", &conns);
    json_object_object_get_ex(root, "connected_accounts", &accts);
    if ((conns && !json_object_is_type(conns, json_type_array)) ||
        (accts && !json_object_is_type(accts, json_type_array))) {
        snprintf(err, errlen, "\"connections\" and \"connected_accounts\" must be arrays");
        goto out;
    }
    for (size_t i = 0; conns && i < json_object_array_length(conns); i++)
        if (load_connection(s, json_object_array_get_idx(conns, i), i, err, errlen)) goto out;
    for (size_t i = 0; accts && i < json_object_array_length(accts); i++)
        if (load_account(s, json_object_array_get_idx(accts, i), i, err, errlen)) goto out;
    rc = 0;
out:
    json_object_put(root);
    return rc;
}

int emu_store_load_file(emu_store *s, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open", path);
        return -1;
    }
    emu_buf b = {0};
    char chunk[65536];
    size_t r;
    while ((r = fread(chunk, 1, sizeof chunk, f)) > 0) emu_buf_append(&b, chunk, r);
    fclose(f);
    char inner[200];
    int rc = emu_store_load_json(s, b.data ? b.data : "", b.len, inner, sizeof inner);
    if (rc != 0) snprintf(err, errlen, "%s: %s", path, inner);
    free(b.data);
    return rc;
}
