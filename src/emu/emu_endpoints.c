/* emu_endpoints.c: the answers of skemu's endpoints (token, connections, list, search, one
 * account, create, update, delete, magic links), checked the way Scalekit checks its input. */
#include "emu_api.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { DEFAULT_PAGE = 10, MAX_NAMES = 20, MAX_LINKS = 100000 };

/* ---- input checks ---- */

static bool present(const char *s)
{
    return s && *s;
}

/* Scalekit's rule for connector names: ^[a-zA-Z0-9_: -]*$, at most 400 characters. */
static bool connector_ok(const char *s)
{
    if (strlen(s) > 400) return false;
    for (; *s; s++) {
        char ch = *s;
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == ':' || ch == ' ' || ch == '-'))
            return false;
    }
    return true;
}

static bool identifier_ok(const char *s)
{
    return emu_utf8_valid(s, strlen(s)) && emu_utf8_len(s) <= 100;
}

/* Every query value must be text; a NUL or broken UTF-8 is a bad request, not a crash. */
static bool query_ok(emu_ctx *c)
{
    for (size_t i = 0; i < c->query.n; i++) {
        const emu_kv *kv = &c->query.items[i];
        if (!emu_utf8_valid(kv->key, strlen(kv->key)) || !emu_utf8_valid(kv->val, kv->val_len)) {
            emu_reply_error(c->rs, 400, 3, "query parameters must be valid UTF-8 text");
            return false;
        }
    }
    return true;
}

static const char *qget(emu_ctx *c, const char *key)
{
    return emu_query_get(&c->query, key);
}

/* ---- JSON bodies ---- */

static json_object *body_object(emu_ctx *c)
{
    const emu_request *rq = c->rq;
    if (rq->body_too_large) {
        emu_reply_error(c->rs, 413, 3, "request body is larger than 1 MiB");
        return NULL;
    }
    if (!rq->body || rq->body_len == 0) {
        emu_reply_error(c->rs, 400, 3, "request body must be a JSON object");
        return NULL;
    }
    json_tokener *tok = json_tokener_new();
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    json_object *o = json_tokener_parse_ex(tok, rq->body, (int)rq->body_len);
    bool ok = o && json_tokener_get_error(tok) == json_tokener_success;
    size_t end = ok ? json_tokener_get_parse_end(tok) : 0;
    json_tokener_free(tok);
    for (; ok && end < rq->body_len; end++)
        if (!rq->body[end] || !strchr(" \t\r\n", rq->body[end])) ok = false;   /* strchr finds the NUL too */
    if (!ok || !json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        emu_reply_error(c->rs, 400, 3, "request body is not a valid JSON object");
        return NULL;
    }
    return o;
}

/* A string member: absent or null gives NULL; another type is a 400. */
static int body_str(emu_ctx *c, json_object *o, const char *key, const char **out)
{
    json_object *v = NULL;
    *out = NULL;
    if (!json_object_object_get_ex(o, key, &v) || !v) return 0;
    if (!json_object_is_type(v, json_type_string)) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s must be a string", key);
        emu_reply_error(c->rs, 400, 3, msg);
        return -1;
    }
    *out = json_object_get_string(v);
    return 0;
}

/* ---- selecting one account: id alone, or connector + identifier ---- */

static emu_account *select_account(emu_ctx *c, const char *id, const char *connector,
                                   const char *identifier)
{
    bool by_id = present(id), by_key = present(connector) || present(identifier);
    if (by_id == by_key) {
        emu_reply_error(c->rs, 400, 3, "name the account by id, or by connector and identifier");
        return NULL;
    }
    if (by_id) {
        if (strlen(id) > 32) {
            emu_reply_error(c->rs, 400, 3, "id is longer than 32 characters");
            return NULL;
        }
        emu_account *a = emu_store_find_id(&c->e->store, id);
        if (!a) emu_reply_error(c->rs, 404, 5, "connected account not found");
        return a;
    }
    if (!present(connector) || !present(identifier)) {
        emu_reply_error(c->rs, 400, 3, "connector and identifier must be given together");
        return NULL;
    }
    if (!connector_ok(connector) || !identifier_ok(identifier)) {
        emu_reply_error(c->rs, 400, 3, "invalid connector or identifier");
        return NULL;
    }
    emu_account *a = emu_store_find_key(&c->e->store, connector, identifier);
    if (!a) emu_reply_error(c->rs, 404, 5, "connected account not found");
    return a;
}

static emu_account *select_from_body(emu_ctx *c, json_object *body)
{
    const char *id, *connector, *identifier;
    if (body_str(c, body, "id", &id) || body_str(c, body, "connector", &connector) ||
        body_str(c, body, "identifier", &identifier))
        return NULL;
    return select_account(c, id, connector, identifier);
}

/* ---- paging ---- */

typedef struct page {
    long size;
    long offset;
    uint32_t filter;
} page;

static char *page_token(long offset, uint32_t filter)
{
    char raw[80];
    int n = snprintf(raw, sizeof raw, "{\"offset\":%ld,\"f\":\"%08x\"}", offset, filter);
    return emu_b64_encode((const unsigned char *)raw, (size_t)n, true);
}

/* The token names an offset and a hash of the filters it was issued for, so a token reused
 * with other filters is refused rather than silently paging something else. */
static int page_token_read(const char *tok, uint32_t filter, long *offset)
{
    size_t n = 0;
    unsigned char *raw = emu_b64_decode(tok, &n);
    if (!raw) return -1;
    json_object *o = json_tokener_parse((const char *)raw);
    free(raw);
    json_object *off = NULL, *f = NULL;
    int rc = -1;
    if (o && json_object_object_get_ex(o, "offset", &off) &&
        json_object_object_get_ex(o, "f", &f) && json_object_is_type(off, json_type_int) &&
        json_object_is_type(f, json_type_string)) {
        char want[16];
        snprintf(want, sizeof want, "%08x", filter);
        long v = (long)json_object_get_int64(off);
        /* The bound keeps offset + page size far from overflow, whatever a token says. */
        if (v >= 0 && v <= 1000000000000L && strcmp(json_object_get_string(f), want) == 0) {
            *offset = v;
            rc = 0;
        }
    }
    json_object_put(o);
    return rc;
}

static int page_read(emu_ctx *c, long max_size, uint32_t filter, page *p)
{
    const char *ps = qget(c, "page_size"), *pt = qget(c, "page_token");
    p->size = DEFAULT_PAGE;
    p->offset = 0;
    p->filter = filter;
    if (present(ps)) {
        char *end;
        errno = 0;
        long v = strtol(ps, &end, 10);
        if (errno || *end || end == ps) {
            emu_reply_error(c->rs, 400, 3, "page_size must be a number");
            return -1;
        }
        if (v < 0 || v > max_size) {
            char msg[96];
            snprintf(msg, sizeof msg, "page_size must be between 0 and %ld", max_size);
            emu_reply_error(c->rs, 400, 3, msg);
            return -1;
        }
        if (v > 0) p->size = v;
    }
    if (present(pt)) {
        if (strlen(pt) > 100 || page_token_read(pt, filter, &p->offset) != 0) {
            emu_reply_error(c->rs, 400, 3, "invalid page_token");
            return -1;
        }
    }
    return 0;
}

/* next_page_token and total_size of a json-c page (the connections; accounts are written as
 * text by reply_accounts, which adds prev_page_token too). */
static void page_finish(json_object *o, const page *p, long total)
{
    char *next = p->offset + p->size < total ? page_token(p->offset + p->size, p->filter)
                                             : emu_strdup("");
    json_object_object_add(o, "next_page_token", json_object_new_string(next));
    json_object_object_add(o, "total_size", json_object_new_int64(total));
    free(next);
}

static uint32_t hash_str(uint32_t h, const char *s)
{
    h = emu_fnv1a(h, s ? s : "", s ? strlen(s) : 0);
    return emu_fnv1a(h, "\x1f", 1);
}

/* ---- listing accounts ---- */

typedef struct filter {
    const char *connector;
    const char **names;
    size_t nnames;
    const char *identifier;
    const char *provider;
    const char *query;
    const char *connection_id;
    bool search;              /* the search's query: over other fields than the list's */
} filter;

static bool bucket_match(const filter *f, const emu_bucket *b)
{
    if (present(f->connector)) return strcmp(f->connector, b->connector) == 0;
    if (f->nnames == 0) return true;
    for (size_t i = 0; i < f->nnames; i++)
        if (strcmp(f->names[i], b->connector) == 0) return true;
    return false;
}

static bool account_filtered(const filter *f)
{
    return present(f->identifier) || present(f->provider) || present(f->query) ||
           present(f->connection_id);
}

static bool account_match(const filter *f, const emu_account *a)
{
    if (present(f->identifier) && strcmp(f->identifier, a->identifier) != 0) return false;
    if (present(f->provider) && strcasecmp(f->provider, a->provider ? a->provider : "") != 0)
        return false;
    if (present(f->connection_id) &&
        strcmp(f->connection_id, a->connection_id ? a->connection_id : "") != 0)
        return false;
    if (present(f->query) && f->search)
        /* As Scalekit documents its search: identifier, provider and connector, and a whole
         * account id (a part of one finds nothing). */
        return emu_contains_nocase(a->identifier, f->query) ||
               emu_contains_nocase(a->provider ? a->provider : "", f->query) ||
               emu_contains_nocase(a->connector, f->query) || strcmp(a->id, f->query) == 0;
    if (present(f->query) && !emu_contains_nocase(a->identifier, f->query) &&
        !emu_contains_nocase(a->id, f->query) && !emu_contains_nocase(a->connector, f->query))
        return false;
    return true;
}

/* One row of a page into out, whose rows begin at `start`: a comma after the first, then the
 * account's cached list-view text. */
static void row_append(const emu_store *s, emu_account *a, emu_buf *out, size_t start)
{
    size_t n;
    const char *t = emu_account_list_json(s, a, &n);
    if (out->len > start) emu_buf_append(out, ",", 1);
    emu_buf_append(out, t, n);
}

/* Rows in a stable order: by connector (byte order), then insertion. Unfiltered buckets are
 * skipped whole, so deep pages of 100,000 accounts cost no more than the first. */
static long walk_accounts(emu_ctx *c, const filter *f, const page *p, emu_buf *rows)
{
    const emu_store *s = &c->e->store;
    size_t start = rows->len;
    bool per_account = account_filtered(f);
    long total = 0, end = p->offset + p->size;
    for (size_t bi = 0; bi < s->nbuckets; bi++) {
        const emu_bucket *b = &s->buckets[bi];
        if (!bucket_match(f, b)) continue;
        if (!per_account) {
            long n = (long)b->n;
            for (long i = p->offset > total ? p->offset - total : 0; i < n && total + i < end; i++)
                row_append(s, b->items[i], rows, start);
            total += n;
            continue;
        }
        for (size_t i = 0; i < b->n; i++) {
            if (!account_match(f, b->items[i])) continue;
            if (total >= p->offset && total < end) row_append(s, b->items[i], rows, start);
            total++;
        }
    }
    return total;
}

/* The page is written as text around the rows' cached JSON: building 99 json-c objects per
 * page was most of skemu's time in a 100,000-account listing. The page tokens are base64url,
 * so they need no escaping. */
static void reply_accounts(emu_ctx *c, const filter *f, const page *p)
{
    emu_buf out = {0};
    const char *head = "{\"connected_accounts\":[";
    emu_buf_append(&out, head, strlen(head));
    long total = walk_accounts(c, f, p, &out);
    char *next = p->offset + p->size < total ? page_token(p->offset + p->size, p->filter)
                                             : emu_strdup("");
    long prev_off = p->offset - p->size < 0 ? 0 : p->offset - p->size;
    char *prev = p->offset > 0 ? page_token(prev_off, p->filter) : emu_strdup("");
    char tail[64];
    snprintf(tail, sizeof tail, "%ld", total);
    const char *parts[] = {"],\"next_page_token\":\"", next, "\",\"prev_page_token\":\"", prev,
                           "\",\"total_size\":", tail, "}"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        emu_buf_append(&out, parts[i], strlen(parts[i]));
    free(next);
    free(prev);
    emu_reply_text(c->rs, 200, out.data, out.len);
}

static int list_names(emu_ctx *c, filter *f, const char **names)
{
    for (size_t i = 0; i < c->query.n; i++) {
        const emu_kv *kv = &c->query.items[i];
        if (strcmp(kv->key, "connection_names") != 0 || !*kv->val) continue;
        if (f->nnames == MAX_NAMES) {
            emu_reply_error(c->rs, 400, 3, "at most 20 connection_names");
            return -1;
        }
        if (!connector_ok(kv->val)) {
            emu_reply_error(c->rs, 400, 3, "invalid connection name");
            return -1;
        }
        names[f->nnames++] = kv->val;
    }
    return 0;
}

void emu_ep_list(emu_ctx *c)
{
    if (!query_ok(c)) return;
    filter f;
    memset(&f, 0, sizeof f);
    const char *names[MAX_NAMES];
    f.names = names;
    f.connector = qget(c, "connector");
    f.identifier = qget(c, "identifier");
    f.provider = qget(c, "provider");
    f.query = qget(c, "query");
    if (list_names(c, &f, names) != 0) return;
    if (present(f.connector) && f.nnames > 0) {
        emu_reply_error(c->rs, 400, 3, "connector and connection_names cannot be used together");
        return;
    }
    if (present(f.connector) && !connector_ok(f.connector)) {
        emu_reply_error(c->rs, 400, 3, "invalid connector");
        return;
    }
    if (present(f.identifier) && !identifier_ok(f.identifier)) {
        emu_reply_error(c->rs, 400, 3, "identifier is longer than 100 characters");
        return;
    }
    uint32_t h = hash_str(0, "list");
    h = hash_str(h, f.connector);
    for (size_t i = 0; i < f.nnames; i++) h = hash_str(h, f.names[i]);
    h = hash_str(hash_str(hash_str(h, f.identifier), f.provider), f.query);
    page p;
    if (page_read(c, 99, h, &p) != 0) return;
    reply_accounts(c, &f, &p);
}

void emu_ep_search(emu_ctx *c)
{
    if (!query_ok(c)) return;
    filter f;
    memset(&f, 0, sizeof f);
    f.query = qget(c, "query");
    f.connection_id = qget(c, "connection_id");
    f.search = true;
    size_t qlen = f.query ? emu_utf8_len(f.query) : 0;
    if (qlen < 3 || qlen > 200) {
        emu_reply_error(c->rs, 400, 3, "query must be 3 to 200 characters");
        return;
    }
    if (present(f.connection_id) && strlen(f.connection_id) > 100) {
        emu_reply_error(c->rs, 400, 3, "connection_id is too long");
        return;
    }
    uint32_t h = hash_str(hash_str(hash_str(0, "search"), f.query), f.connection_id);
    page p;
    if (page_read(c, 30, h, &p) != 0) return;
    reply_accounts(c, &f, &p);
}

void emu_ep_connections(emu_ctx *c)
{
    if (c->e->opt.no_connections_endpoint) {
        emu_reply_error(c->rs, 404, 5, "no such endpoint");
        return;
    }
    if (!query_ok(c)) return;
    const char *provider = qget(c, "provider");
    page p;
    if (page_read(c, 30, hash_str(hash_str(0, "connections"), provider), &p) != 0) return;
    const emu_store *s = &c->e->store;
    json_object *o = json_object_new_object(), *rows = json_object_new_array();
    long total = 0;
    for (size_t i = 0; i < s->nconns; i++) {
        if (present(provider) && strcasecmp(provider, s->conns[i].provider_key) != 0) continue;
        if (total >= p.offset && total < p.offset + p.size)
            json_object_array_add(rows, emu_connection_to_json(&s->conns[i]));
        total++;
    }
    json_object_object_add(o, "connections", rows);
    page_finish(o, &p, total);
    emu_reply_json(c->rs, 200, o);
}

/* ---- one account ---- */

static void reply_account(emu_ctx *c, int status, emu_account *a, enum emu_view view)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "connected_account", emu_account_to_json(&c->e->store, a, view));
    emu_reply_json(c->rs, status, o);
}

static void get_account(emu_ctx *c, enum emu_view view)
{
    if (!query_ok(c)) return;
    emu_account *a = select_account(c, qget(c, "id"), qget(c, "connector"),
                                    qget(c, "identifier"));
    if (a) reply_account(c, 200, a, view);
}

void emu_ep_details(emu_ctx *c)
{
    get_account(c, EMU_VIEW_DETAILS);
}

void emu_ep_auth(emu_ctx *c)
{
    get_account(c, EMU_VIEW_FULL);
}

static void stamp(emu_opt *o, double offset)
{
    double now = emu_now_real() + offset;
    char ts[48];
    emu_time_format(ts, sizeof ts, (int64_t)now, (uint32_t)((now - (double)(int64_t)now) * 1e9),
                    6);
    emu_opt_set(o, ts);
}

/* The optional members of "connected_account" (create and update), checked before use. */
typedef struct account_input {
    const char *authorization_type;
    json_object *authorization_details;
    json_object *api_config;
} account_input;

static int object_member(emu_ctx *c, json_object *o, const char *key, json_object **out)
{
    json_object *v = NULL;
    *out = NULL;
    if (!json_object_object_get_ex(o, key, &v) || !v) return 0;
    if (!json_object_is_type(v, json_type_object)) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s must be an object", key);
        emu_reply_error(c->rs, 400, 3, msg);
        return -1;
    }
    *out = v;
    return 0;
}

static int account_input_read(emu_ctx *c, json_object *body, bool required, account_input *in)
{
    memset(in, 0, sizeof *in);
    json_object *ca = NULL;
    if (object_member(c, body, "connected_account", &ca) != 0) return -1;
    if (!ca) {
        if (required) emu_reply_error(c->rs, 400, 3, "connected_account is required");
        return required ? -1 : 0;
    }
    if (body_str(c, ca, "authorization_type", &in->authorization_type) ||
        object_member(c, ca, "authorization_details", &in->authorization_details) ||
        object_member(c, ca, "api_config", &in->api_config))
        return -1;
    return 0;
}

static bool has_oauth(json_object *ad)
{
    json_object *v = NULL;
    return ad && json_object_object_get_ex(ad, "oauth_token", &v) && v;
}

static void account_apply(emu_account *a, const account_input *in)
{
    if (present(in->authorization_type)) emu_opt_set(&a->authorization_type,
                                                     in->authorization_type);
    if (in->authorization_details) {
        json_object_put(a->authorization_details);
        a->authorization_details = json_object_get(in->authorization_details);
        a->gen_seq = -1;
        emu_opt_set(&a->status, "ACTIVE");
        if (has_oauth(in->authorization_details)) stamp(&a->token_expires_at, 3600);
    }
    if (in->api_config) {
        json_object_put(a->api_config);
        a->api_config = json_object_get(in->api_config);
    }
    stamp(&a->updated_at, 0);
    emu_account_changed(a);
}

void emu_ep_create(emu_ctx *c)
{
    json_object *body = body_object(c);
    if (!body) return;
    const char *connector, *identifier;
    account_input in;
    if (body_str(c, body, "connector", &connector) || body_str(c, body, "identifier", &identifier) ||
        account_input_read(c, body, false, &in))
        goto out;
    if (!present(connector) || !present(identifier) || !connector_ok(connector) ||
        !identifier_ok(identifier)) {
        emu_reply_error(c->rs, 400, 3, "connector and identifier are required and must be valid");
        goto out;
    }
    emu_store *s = &c->e->store;
    emu_connection *cn = emu_store_find_connection(s, connector);
    if (!cn) {
        emu_reply_error(c->rs, 404, 5, "no connection with that name");
        goto out;
    }
    if (emu_store_find_key(s, connector, identifier)) {
        emu_reply_error(c->rs, 409, 6, "connected account already exists");
        goto out;
    }
    emu_account *a = emu_account_new();
    char id[40];
    emu_store_new_id(s, id, sizeof id);
    a->id = emu_strdup(id);
    a->identifier = emu_strdup(identifier);
    a->connector = emu_strdup(connector);
    a->connection_id = emu_strdup(cn->id);
    a->provider = emu_strdup(cn->provider_key);
    emu_opt_set(&a->authorization_type, cn->type);
    emu_opt_set(&a->status, "PENDING_AUTH");
    account_apply(a, &in);
    emu_store_add(s, a);
    reply_account(c, 201, a, EMU_VIEW_FULL);
out:
    json_object_put(body);
}

void emu_ep_update(emu_ctx *c)
{
    json_object *body = body_object(c);
    if (!body) return;
    account_input in;
    if (account_input_read(c, body, true, &in) == 0) {
        emu_account *a = select_from_body(c, body);
        if (a) {
            account_apply(a, &in);
            reply_account(c, 200, a, EMU_VIEW_FULL);
        }
    }
    json_object_put(body);
}

void emu_ep_delete(emu_ctx *c)
{
    json_object *body = body_object(c);
    if (!body) return;
    emu_account *a = select_from_body(c, body);
    if (a) {
        /* Links to a deleted account die with it. */
        for (size_t i = 0; i < c->e->nlinks; i++) {
            if (c->e->links[i].account_id && strcmp(c->e->links[i].account_id, a->id) == 0) {
                free(c->e->links[i].account_id);
                c->e->links[i].account_id = NULL;
            }
        }
        emu_store_remove(&c->e->store, a);
        emu_reply_json(c->rs, 200, json_object_new_object());
    }
    json_object_put(body);
}

/* Keeps the record and sets it DISCONNECTED (Scalekit's preview endpoint); the body must be
 * a JSON object ({} is all Scalekit's SDKs send). Links to it stop working, as a revoked
 * account's would. */
void emu_ep_disconnect(emu_ctx *c, const char *id)
{
    json_object *body = body_object(c);
    if (!body) return;
    emu_account *a = *id && strchr(id, '/') == NULL ? emu_store_find_id(&c->e->store, id) : NULL;
    if (!a) {
        emu_reply_error(c->rs, 404, 5, "connected account not found");
    } else {
        for (size_t i = 0; i < c->e->nlinks; i++) {
            if (c->e->links[i].account_id && strcmp(c->e->links[i].account_id, a->id) == 0) {
                free(c->e->links[i].account_id);
                c->e->links[i].account_id = NULL;
            }
        }
        emu_opt_set(&a->status, "DISCONNECTED");
        stamp(&a->updated_at, 0);
        emu_account_changed(a);
        reply_account(c, 200, a, EMU_VIEW_DETAILS);
    }
    json_object_put(body);
}

/* ---- magic links ---- */

static emu_link *link_new(emu *e)
{
    if (e->nlinks == MAX_LINKS) {
        /* Forget the older half rather than grow without bound. */
        size_t half = e->nlinks / 2;
        for (size_t i = 0; i < half; i++) free(e->links[i].account_id);
        memmove(e->links, e->links + half, (e->nlinks - half) * sizeof *e->links);
        e->nlinks -= half;
    }
    if (e->nlinks == e->caplinks) {
        e->caplinks = e->caplinks ? e->caplinks * 2 : 16;
        e->links = emu_xrealloc(e->links, e->caplinks * sizeof *e->links);
    }
    return &e->links[e->nlinks++];
}

void emu_ep_magic_link(emu_ctx *c)
{
    json_object *body = body_object(c);
    if (!body) return;
    const char *state, *verify;
    if (body_str(c, body, "state", &state) || body_str(c, body, "user_verify_url", &verify))
        goto out;
    emu_account *a = select_from_body(c, body);
    if (!a) goto out;
    emu_link *l = link_new(c->e);
    unsigned char raw[24];
    emu_rand_secure(raw, sizeof raw);
    char *tok = emu_b64_encode(raw, sizeof raw, true);
    snprintf(l->token, sizeof l->token, "%s", tok);
    free(tok);
    l->account_id = emu_strdup(a->id);
    l->expires = emu_now_real() + (double)c->e->opt.link_ttl;
    /* --link-pad: a query the link page ignores, so tests get links too long for a QR code. */
    char url[2400], expiry[48];
    int k = snprintf(url, sizeof url, "%s/magic/%s", c->e->base_url, l->token);
    if (c->e->opt.link_pad > 0 && k > 0 && (size_t)k + 6 + (size_t)c->e->opt.link_pad < sizeof url) {
        memcpy(url + k, "?pad=", 5);
        memset(url + k + 5, 'x', (size_t)c->e->opt.link_pad);
        url[k + 5 + c->e->opt.link_pad] = '\0';
    }
    emu_time_format(expiry, sizeof expiry, (int64_t)l->expires,
                    (uint32_t)((l->expires - (double)(int64_t)l->expires) * 1e9), 3);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "link", json_object_new_string(url));
    json_object_object_add(o, "expiry", json_object_new_string(expiry));
    emu_reply_json(c->rs, 200, o);
out:
    json_object_put(body);
}

static void html_escape(emu_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': emu_buf_append(b, "&lt;", 4); break;
        case '>': emu_buf_append(b, "&gt;", 4); break;
        case '&': emu_buf_append(b, "&amp;", 5); break;
        case '"': emu_buf_append(b, "&quot;", 6); break;
        default: emu_buf_append(b, s, 1); break;
        }
    }
}

void emu_ep_magic_open(emu_ctx *c, const char *token)
{
    emu *e = c->e;
    emu_link *l = NULL;
    for (size_t i = 0; *token && i < e->nlinks && !l; i++)
        if (strcmp(e->links[i].token, token) == 0) l = &e->links[i];
    emu_account *a = l && l->account_id ? emu_store_find_id(&e->store, l->account_id) : NULL;
    if (!a) {
        emu_reply_html(c->rs, 404, "Link not found",
                       "This authorization link is unknown or its account was deleted.");
        return;
    }
    if (emu_now_real() >= l->expires) {
        emu_reply_html(c->rs, 410, "Link expired",
                       "This authorization link has expired. Ask for a new one.");
        return;
    }
    emu_opt_set(&a->status, "ACTIVE");
    stamp(&a->updated_at, 0);
    stamp(&a->token_expires_at, 3600);
    emu_account_changed(a);
    emu_buf b = {0};
    const char *p1 = "Your ";
    emu_buf_append(&b, p1, strlen(p1));
    html_escape(&b, a->connector);
    const char *p2 = " account is connected. You can close this page.";
    emu_buf_append(&b, p2, strlen(p2));
    emu_reply_html(c->rs, 200, "Connected", b.data);
    free(b.data);
}

/* ---- the token endpoint (OAuth 2.0 client credentials) ---- */

static void oauth_error(emu_ctx *c, int status, const char *error, const char *description)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "error", json_object_new_string(error));
    json_object_object_add(o, "error_description", json_object_new_string(description));
    emu_reply_json(c->rs, status, o);
}

/* A form value that holds no NUL byte (a NUL would let "id\0junk" pass as "id"). */
static const char *form_get(const emu_query *q, const char *key)
{
    for (size_t i = 0; i < q->n; i++)
        if (strcmp(q->items[i].key, key) == 0)
            return strlen(q->items[i].val) == q->items[i].val_len ? q->items[i].val : "";
    return NULL;
}

/* client_secret_basic: "Authorization: Basic base64(id:secret)". */
static void basic_credentials(const char *auth, char **id, char **secret)
{
    *id = *secret = NULL;
    if (!auth || strncasecmp(auth, "Basic ", 6) != 0) return;
    size_t n = 0;
    unsigned char *raw = emu_b64_decode(auth + 6, &n);
    if (!raw) return;
    char *colon = memchr(raw, ':', n);
    if (colon && strlen((char *)raw) == n) {
        *colon = '\0';
        *id = emu_strdup((char *)raw);
        *secret = emu_strdup(colon + 1);
    }
    free(raw);
}

static bool same(const char *a, const char *b)
{
    if (!a || !b) return false;
    size_t na = strlen(a), nb = strlen(b);
    unsigned diff = (unsigned)(na ^ nb);
    for (size_t i = 0; i < na && i < nb; i++) diff |= (unsigned)(a[i] ^ b[i]);
    return diff == 0;
}

void emu_ep_token(emu_ctx *c)
{
    const emu_request *rq = c->rq;
    if (rq->body_too_large) {
        oauth_error(c, 413, "invalid_request", "request body is too large");
        return;
    }
    emu_query form;
    emu_query_parse(&form, rq->body, rq->body ? rq->body_len : 0);
    char *bid, *bsecret;
    basic_credentials(rq->authorization, &bid, &bsecret);
    const char *grant = form_get(&form, "grant_type");
    const char *id = form_get(&form, "client_id"), *secret = form_get(&form, "client_secret");
    if (!id) id = bid;
    if (!secret) secret = bsecret;
    if (!grant || strcmp(grant, "client_credentials") != 0) {
        oauth_error(c, 400, "unsupported_grant_type", "grant_type must be client_credentials");
    } else if (!same(id, c->e->client_id) || !same(secret, c->e->client_secret)) {
        oauth_error(c, 401, "invalid_client", "client authentication failed");
    } else {
        char tok[EMU_TOKEN_MAX];
        emu_token_issue(c->e, tok, sizeof tok);
        json_object *o = json_object_new_object();
        json_object_object_add(o, "access_token", json_object_new_string(tok));
        json_object_object_add(o, "token_type", json_object_new_string("Bearer"));
        json_object_object_add(o, "expires_in", json_object_new_int64(c->e->opt.token_ttl));
        json_object_object_add(o, "scope", json_object_new_string("openid"));
        emu_reply_json(c->rs, 200, o);
    }
    emu_query_free(&form);
    free(bid);
    free(bsecret);
}
