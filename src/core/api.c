/* api.c: one function per Scalekit endpoint: check the arguments, build the URL or JSON body,
 * queue the request and parse its answer for the caller's callback. */
#include "api.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "jscan.h"

typedef enum { K_ACCOUNTS, K_CONNECTIONS, K_DETAIL, K_LINK, K_DONE } api_kind;

/* One call in flight: what to parse and whom to tell. `keep_*` (sync helpers) receive the
 * parsed result instead of a callback freeing it. */
typedef struct api_call {
    api_kind kind;
    union {
        api_accounts_fn accounts;
        api_connections_fn connections;
        api_detail_fn detail;
        api_link_fn link;
        api_done_fn done;
    } cb;
    void *ud;
    api_done_fn notify;              /* sync helpers: told of the outcome, whatever the kind */
    api_peek peek;                   /* K_ACCOUNTS: told the next token before the parse */
    bool peeked;
    sk_detail_result *keep_detail;
    sk_link_result *keep_link;
    /* K_DETAIL: the account asked for (heap copies; NULL: not checked). An answer about
     * another one is a broken contract: acting on it would act on the wrong account. */
    char *want_id, *want_connector, *want_identifier;
} api_call;

static void call_free(api_call *k)
{
    free(k->want_id);
    free(k->want_connector);
    free(k->want_identifier);
    free(k);
}

/* ---------------------------------------------------------------- answers */

static void call_fail(const api_call *k, const sk_error *err)
{
    if (k->notify) {
        k->notify(k->ud, err);
        return;
    }
    switch (k->kind) {
    case K_ACCOUNTS: if (k->cb.accounts) k->cb.accounts(k->ud, NULL, err); break;
    case K_CONNECTIONS: if (k->cb.connections) k->cb.connections(k->ud, NULL, err); break;
    case K_DETAIL: if (k->cb.detail) k->cb.detail(k->ud, NULL, err); break;
    case K_LINK: if (k->cb.link) k->cb.link(k->ud, NULL, err); break;
    case K_DONE: if (k->cb.done) k->cb.done(k->ud, err); break;
    }
}

static void deliver_accounts(const api_call *k, const sk_response *r, sk_error *err)
{
    sk_account_page p;
    /* A page's body is read where it came in, not copied first (a listing's pages are no
     * secret: listing.c marks them so). */
    char *own = client_response_take(r);
    sk_status st = own ? parse_account_page_owned(own, r->len, &p, err)
                       : parse_account_page(r->body, r->len, &p, err);
    if (st != SK_OK) {
        call_fail(k, err);
        return;
    }
    k->cb.accounts(k->ud, &p, err);
    parse_account_page_free(&p);
}

static void deliver_connections(const api_call *k, const sk_response *r, sk_error *err)
{
    sk_connection_page p;
    if (parse_connection_page(r->body, r->len, &p, err) != SK_OK) {
        call_fail(k, err);
        return;
    }
    k->cb.connections(k->ud, &p, err);
    parse_connection_page_free(&p);
}

/* The answer is about the account asked for: the same id, or the same connection and
 * identifier (the identifier's case aside: providers differ on e-mail case). A value the answer
 * leaves out is not held against it. */
static bool detail_matches(const api_call *k, const sk_account *a, sk_error *err)
{
    const char *asked = NULL, *got = NULL;
    if (k->want_id && a->id && strcmp(k->want_id, a->id) != 0) {
        asked = k->want_id;
        got = a->id;
    } else if (k->want_connector && a->connector && strcmp(k->want_connector, a->connector) != 0) {
        asked = k->want_connector;
        got = a->connector;
    } else if (k->want_identifier && a->identifier &&
               strcasecmp(k->want_identifier, a->identifier) != 0) {
        asked = k->want_identifier;
        got = a->identifier;
    }
    if (!asked)
        return true;
    sk_error_set(err, SK_ERR_PARSE, "the server answered about another account (asked for "
                 "%.80s, got %.80s): nothing done", asked, got);
    return false;
}

static void deliver_detail(const api_call *k, const sk_response *r, sk_error *err)
{
    sk_detail_result d;
    if (parse_account_detail(r->body, r->len, &d, err) != SK_OK) {
        call_fail(k, err);
        return;
    }
    if (!detail_matches(k, &d.d.a, err)) {
        parse_account_detail_free(&d);
        call_fail(k, err);
        return;
    }
    if (k->keep_detail) {
        *k->keep_detail = d;   /* the sync caller owns it now */
        call_fail(k, err);     /* err is SK_OK: just signals completion */
        return;
    }
    if (k->cb.detail)
        k->cb.detail(k->ud, &d.d, err);
    parse_account_detail_free(&d);
}

static void deliver_link(const api_call *k, const sk_response *r, sk_error *err)
{
    sk_link_result l;
    if (parse_link(r->body, r->len, &l, err) != SK_OK) {
        call_fail(k, err);
        return;
    }
    if (k->keep_link) {
        *k->keep_link = l;
        call_fail(k, err);
        return;
    }
    if (k->cb.link)
        k->cb.link(k->ud, &l.l, err);
    parse_link_free(&l);
}

#define PEEK_TOKEN_MAX 1024   /* longer tokens are not guessed at: the parse reads them */

static void peek_body(api_call *k, const char *body, size_t len)
{
    char token[PEEK_TOKEN_MAX];
    k->peeked = true;
    if (jscan_peek_next_token(body, len, token, sizeof token))
        k->peek.next_token(k->peek.ud, token);
}

/* The client's early look at a whole body (client_request_on_body), before the answers that
 * came in ahead of it are parsed. */
static void on_body_in(void *ud, const char *body, size_t len)
{
    api_call *k = ud;
    if (!k->peeked)
        peek_body(k, body, len);
}

static void on_response(void *ud, const sk_response *r)
{
    api_call *k = ud;
    sk_error err = r->err;
    if (err.status == SK_OK && k->kind == K_ACCOUNTS && k->peek.next_token && !k->peeked)
        peek_body(k, r->body, r->len);   /* no early look (no Content-Length): now */
    if (err.status != SK_OK) {
        call_fail(k, &err);
    } else {
        sk_error_clear(&err);
        switch (k->kind) {
        case K_ACCOUNTS: if (k->cb.accounts) deliver_accounts(k, r, &err); break;
        case K_CONNECTIONS: if (k->cb.connections) deliver_connections(k, r, &err); break;
        case K_DETAIL: deliver_detail(k, r, &err); break;
        case K_LINK: deliver_link(k, r, &err); break;
        case K_DONE: call_fail(k, &err); break;
        }
    }
    call_free(k);
}

/* ---------------------------------------------------------------- sending */

/* Queues the request; on an immediate failure the callback runs now and NULL is returned. */
static sk_request *send_call(sk_client *c, const char *method, const char *path,
                             const char *json, api_call *k)
{
    sk_error err;
    sk_error_clear(&err);
    if (!path) {
        sk_error_set(&err, SK_ERR_NOMEM, "out of memory building the request");
        call_fail(k, &err);
        call_free(k);
        return NULL;
    }
    sk_request *r = client_request(c, method, path, json, on_response, k);
    if (r && k->kind == K_ACCOUNTS && k->peek.next_token)
        client_request_on_body(r, on_body_in, k);
    if (!r) {
        sk_error_set(&err, SK_ERR_NOMEM, "%s %s: the request could not be queued", method, path);
        call_fail(k, &err);
        call_free(k);
    }
    return r;
}

/* The call's state, moved to the heap. Out of memory, the callback is told at once from the
 * prototype and NULL is returned, as api.h promises ("NULL: the callback has already run"). */
static api_call *call_new(api_call proto)
{
    api_call *k = malloc(sizeof *k);
    if (!k) {
        sk_error err;
        sk_error_clear(&err);
        sk_error_set(&err, SK_ERR_NOMEM, "out of memory");
        call_fail(&proto, &err);
        return NULL;
    }
    *k = proto;
    return k;
}

/* Fails the call at once with a usage error (nothing is sent). */
static sk_request *refuse(api_call *k, const char *msg)
{
    sk_error err;
    sk_error_clear(&err);
    sk_error_set(&err, SK_ERR_USAGE, "%s", msg);
    call_fail(k, &err);
    call_free(k);
    return NULL;
}

static sk_request *nomem(api_call *k)
{
    sk_error err;
    sk_error_clear(&err);
    sk_error_set(&err, SK_ERR_NOMEM, "out of memory");
    call_fail(k, &err);
    call_free(k);
    return NULL;
}

/* Appends "&name=value" (or "?name=value" first) with value URL-encoded; skips absent values. */
static bool add_param(sk_buf *b, const char *name, const char *value)
{
    if (!value || !*value)
        return true;
    bool first = !b->s || !memchr(b->s, '?', b->len);
    return buf_addc(b, first ? '?' : '&') && buf_adds(b, name) && buf_addc(b, '=') &&
           client_escape_to(b, value);
}

static bool add_int_param(sk_buf *b, const char *name, int v)
{
    if (v <= 0)
        return true;
    char num[16];
    snprintf(num, sizeof num, "%d", v);
    return add_param(b, name, num);
}

/* Counts UTF-8 characters (the API's limits are in characters). */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

/* ---------------------------------------------------------------- listing endpoints */

sk_request *api_list_accounts(sk_client *c, const api_list_query *q, api_accounts_fn cb, void *ud)
{
    api_call *k = call_new((api_call){ .kind = K_ACCOUNTS, .cb.accounts = cb, .ud = ud });
    if (!k)
        return NULL;
    api_list_query none = { 0 };
    if (!q)
        q = &none;
    if (q->peek)
        k->peek = *q->peek;
    if (q->connector && *q->connector && q->n_connection_names > 0)
        return refuse(k, "a connector and connection names cannot be combined in one listing");
    if (q->n_connection_names > 20)
        return refuse(k, "at most 20 connection names can be listed at once");
    if (q->page_size < 0 || q->page_size >= 100)
        return refuse(k, "the page size must be below 100");
    sk_buf b;
    buf_init(&b);
    bool ok = buf_adds(&b, "/api/v1/connected_accounts") && add_param(&b, "connector", q->connector);
    for (size_t i = 0; ok && i < q->n_connection_names; i++)
        ok = add_param(&b, "connection_names", q->connection_names[i]);
    ok = ok && add_param(&b, "identifier", q->identifier) && add_param(&b, "provider", q->provider) &&
         add_param(&b, "query", q->query) && add_int_param(&b, "page_size", q->page_size) &&
         add_param(&b, "page_token", q->page_token);
    sk_request *r = send_call(c, "GET", ok ? b.s : NULL, NULL, k);
    buf_free(&b);
    return r;
}

sk_request *api_search_accounts(sk_client *c, const char *query, const char *connection_id,
                                int page_size, const char *page_token, api_accounts_fn cb, void *ud)
{
    return api_search_accounts_peek(c, query, connection_id, page_size, page_token, NULL, cb, ud);
}

sk_request *api_search_accounts_peek(sk_client *c, const char *query, const char *connection_id,
                                     int page_size, const char *page_token, const api_peek *peek,
                                     api_accounts_fn cb, void *ud)
{
    api_call *k = call_new((api_call){ .kind = K_ACCOUNTS, .cb.accounts = cb, .ud = ud });
    if (!k)
        return NULL;
    if (peek)
        k->peek = *peek;
    size_t qn = query ? utf8_chars(query) : 0;
    if (qn < 3 || qn > 200)
        return refuse(k, "a search needs 3 to 200 characters");
    if (page_size < 0 || page_size > 30)
        return refuse(k, "the search page size must be at most 30");
    sk_buf b;
    buf_init(&b);
    bool ok = buf_adds(&b, "/api/v1/connected_accounts:search") && add_param(&b, "query", query) &&
              add_param(&b, "connection_id", connection_id) &&
              add_int_param(&b, "page_size", page_size) && add_param(&b, "page_token", page_token);
    sk_request *r = send_call(c, "GET", ok ? b.s : NULL, NULL, k);
    buf_free(&b);
    return r;
}

sk_request *api_list_connections(sk_client *c, int page_size, const char *page_token,
                                 api_connections_fn cb, void *ud)
{
    api_call *k = call_new((api_call){ .kind = K_CONNECTIONS, .cb.connections = cb, .ud = ud });
    if (!k)
        return NULL;
    if (page_size < 0 || page_size > 30)
        return refuse(k, "the connections page size must be at most 30");
    sk_buf b;
    buf_init(&b);
    bool ok = buf_adds(&b, "/api/v1/connections/app") && add_int_param(&b, "page_size", page_size) &&
              add_param(&b, "page_token", page_token);
    sk_request *r = send_call(c, "GET", ok ? b.s : NULL, NULL, k);
    buf_free(&b);
    return r;
}

/* ---------------------------------------------------------------- one account */

static bool selector_ok(const sk_selector *s)
{
    if (!s)
        return false;
    if (s->id && *s->id)
        return true;
    return s->connector && *s->connector && s->identifier && *s->identifier;
}

#define SELECTOR_USAGE "name an account by its id, or by connector and identifier"

/* The selector as JSON members of o: id alone, else connector + identifier. */
static bool put_selector(json_object *o, const sk_selector *s)
{
    if (s->id && *s->id)
        return json_object_object_add(o, "id", json_object_new_string(s->id)) == 0;
    return json_object_object_add(o, "connector", json_object_new_string(s->connector)) == 0 &&
           json_object_object_add(o, "identifier", json_object_new_string(s->identifier)) == 0;
}

/* Sends o (consumed) as the JSON body. */
static sk_request *send_json(sk_client *c, const char *method, const char *path, json_object *o,
                             api_call *k)
{
    const char *js = o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN) : NULL;
    sk_request *r;
    if (!js) {
        r = nomem(k);
    } else {
        r = send_call(c, method, path, js, k);
    }
    json_object_put(o);
    return r;
}

/* Remembers the account asked for, so that the answer can be checked against it. */
static bool want_account(api_call *k, const char *id, const char *connector,
                         const char *identifier)
{
    if (id && *id)
        return (k->want_id = strdup(id)) != NULL;
    if (connector && *connector && !(k->want_connector = strdup(connector)))
        return false;
    return !(identifier && *identifier) || (k->want_identifier = strdup(identifier)) != NULL;
}

static bool want_selector(api_call *k, const sk_selector *sel)
{
    return want_account(k, sel->id, sel->connector, sel->identifier);
}

static sk_request *get_account(sk_client *c, const sk_selector *sel, api_call *k)
{
    if (!selector_ok(sel))
        return refuse(k, SELECTOR_USAGE);
    if (!want_selector(k, sel))
        return nomem(k);
    sk_buf b;
    buf_init(&b);
    bool ok = buf_adds(&b, "/api/v1/connected_accounts/details");
    if (sel->id && *sel->id)
        ok = ok && add_param(&b, "id", sel->id);
    else
        ok = ok && add_param(&b, "connector", sel->connector) &&
             add_param(&b, "identifier", sel->identifier);
    sk_request *r = send_call(c, "GET", ok ? b.s : NULL, NULL, k);
    buf_free(&b);
    return r;
}

sk_request *api_get_account(sk_client *c, const sk_selector *sel, api_detail_fn cb, void *ud)
{
    api_call *k = call_new((api_call){ .kind = K_DETAIL, .cb.detail = cb, .ud = ud });
    if (!k)
        return NULL;
    return get_account(c, sel, k);
}

/* POSTs {"id"} or {"connector","identifier"}: the whole body of a delete and of a link. */
static sk_request *post_selector(sk_client *c, const char *path, const sk_selector *sel,
                                 api_call *k)
{
    if (!selector_ok(sel))
        return refuse(k, SELECTOR_USAGE);
    json_object *o = json_object_new_object();
    if (!o || !put_selector(o, sel)) {
        json_object_put(o);
        return nomem(k);
    }
    return send_json(c, "POST", path, o, k);
}

static sk_request *delete_account(sk_client *c, const sk_selector *sel, api_call *k)
{
    return post_selector(c, "/api/v1/connected_accounts:delete", sel, k);
}

sk_request *api_delete_account(sk_client *c, const sk_selector *sel, api_done_fn cb, void *ud)
{
    api_call *k = call_new((api_call){ .kind = K_DONE, .cb.done = cb, .ud = ud });
    if (!k)
        return NULL;
    return delete_account(c, sel, k);
}

static sk_request *magic_link(sk_client *c, const sk_selector *sel, api_call *k)
{
    return post_selector(c, "/api/v1/connected_accounts/magic_link", sel, k);
}

sk_request *api_magic_link(sk_client *c, const sk_selector *sel, api_link_fn cb, void *ud)
{
    api_call *k = call_new((api_call){ .kind = K_LINK, .cb.link = cb, .ud = ud });
    if (!k)
        return NULL;
    return magic_link(c, sel, k);
}

static sk_request *disconnect_account(sk_client *c, const char *account_id, api_call *k)
{
    if (!account_id || !*account_id)
        return refuse(k, "disconnecting names the account by its id");
    if (!want_account(k, account_id, NULL, NULL))
        return nomem(k);
    /* The id goes into the path: escaped, so that no id can reach another endpoint. */
    char *e = client_escape(account_id);
    sk_buf b;
    buf_init(&b);
    bool ok = e && buf_adds(&b, "/api/v1/connected_accounts/") && buf_adds(&b, e) &&
              buf_adds(&b, ":disconnect");
    free(e);
    sk_request *r = send_call(c, "POST", ok ? b.s : NULL, "{}", k);
    buf_free(&b);
    return r;
}

sk_request *api_disconnect_account(sk_client *c, const char *account_id, api_detail_fn cb,
                                   void *ud)
{
    api_call *k = call_new((api_call){ .kind = K_DETAIL, .cb.detail = cb, .ud = ud });
    if (!k)
        return NULL;
    return disconnect_account(c, account_id, k);
}

bool api_not_offered(const sk_error *err)
{
    return err && err->status != SK_OK && (err->http_status == 404 || err->http_status == 501);
}

sk_request *api_create_account(sk_client *c, const char *connector, const char *identifier,
                               const char *authorization_type, api_detail_fn cb, void *ud)
{
    api_call *k = call_new((api_call){ .kind = K_DETAIL, .cb.detail = cb, .ud = ud });
    if (!k)
        return NULL;
    if (!connector || !*connector || !identifier || !*identifier)
        return refuse(k, "creating an account needs a connector and an identifier");
    if (!want_account(k, NULL, connector, identifier))
        return nomem(k);
    json_object *o = json_object_new_object();
    json_object *acc = json_object_new_object();
    bool ok = o && acc &&
              json_object_object_add(o, "connector", json_object_new_string(connector)) == 0 &&
              json_object_object_add(o, "identifier", json_object_new_string(identifier)) == 0;
    if (ok && authorization_type && *authorization_type)
        ok = json_object_object_add(acc, "authorization_type",
                                    json_object_new_string(authorization_type)) == 0;
    if (ok) {
        ok = json_object_object_add(o, "connected_account", acc) == 0;
        acc = NULL;
    }
    json_object_put(acc);
    if (!ok) {
        json_object_put(o);
        return nomem(k);
    }
    return send_json(c, "POST", "/api/v1/connected_accounts", o, k);
}

sk_request *api_update_account(sk_client *c, const sk_selector *sel, const char *api_config_json,
                               api_detail_fn cb, void *ud)
{
    api_call *k = call_new((api_call){ .kind = K_DETAIL, .cb.detail = cb, .ud = ud });
    if (!k)
        return NULL;
    if (!selector_ok(sel))
        return refuse(k, SELECTOR_USAGE);
    if (!want_selector(k, sel))
        return nomem(k);
    json_object *cfg = api_config_json ? json_tokener_parse(api_config_json) : NULL;
    if (!cfg || !json_object_is_type(cfg, json_type_object)) {
        json_object_put(cfg);
        return refuse(k, "api_config must be a JSON object");
    }
    json_object *o = json_object_new_object();
    json_object *acc = json_object_new_object();
    bool ok = o && acc && put_selector(o, sel) &&
              json_object_object_add(acc, "api_config", cfg) == 0;
    if (ok)
        cfg = NULL;
    if (ok && json_object_object_add(o, "connected_account", acc) == 0)
        acc = NULL;
    else
        ok = false;
    json_object_put(cfg);
    json_object_put(acc);
    if (!ok) {
        json_object_put(o);
        return nomem(k);
    }
    return send_json(c, "PUT", "/api/v1/connected_accounts", o, k);
}

/* ---------------------------------------------------------------- synchronous helpers */

typedef struct sync_wait {
    bool done;
    sk_error err;
} sync_wait;

static void sync_done(void *ud, const sk_error *err)
{
    sync_wait *w = ud;
    w->err = *err;
    w->done = true;
}

/* Runs the client until w is done (the sync helpers' one answer arrived). */
static sk_status sync_run(sk_client *c, sync_wait *w, sk_error *err)
{
    while (!w->done) {
        client_step(c);
        if (w->done)
            break;
        client_wait(c, NULL, 0, -1);
    }
    if (err)
        *err = w->err;
    return w->err.status;
}

static api_call *sync_call(api_kind kind, sync_wait *w)
{
    return call_new((api_call){ .kind = kind, .ud = w, .notify = sync_done });
}

static sk_status sync_nomem(sk_error *err)
{
    sk_error_set(err, SK_ERR_NOMEM, "out of memory");
    return SK_ERR_NOMEM;
}

sk_status api_get_account_sync(sk_client *c, const sk_selector *sel, sk_detail_result *out,
                               sk_error *err)
{
    memset(out, 0, sizeof *out);
    sync_wait w = { 0 };
    api_call *k = sync_call(K_DETAIL, &w);
    if (!k)
        return sync_nomem(err);
    k->keep_detail = out;
    get_account(c, sel, k);
    return sync_run(c, &w, err);
}

sk_status api_delete_account_sync(sk_client *c, const sk_selector *sel, sk_error *err)
{
    sync_wait w = { 0 };
    api_call *k = sync_call(K_DONE, &w);
    if (!k)
        return sync_nomem(err);
    delete_account(c, sel, k);
    return sync_run(c, &w, err);
}

sk_status api_magic_link_sync(sk_client *c, const sk_selector *sel, sk_link_result *out,
                              sk_error *err)
{
    memset(out, 0, sizeof *out);
    sync_wait w = { 0 };
    api_call *k = sync_call(K_LINK, &w);
    if (!k)
        return sync_nomem(err);
    k->keep_link = out;
    magic_link(c, sel, k);
    return sync_run(c, &w, err);
}

sk_status api_disconnect_account_sync(sk_client *c, const char *account_id, sk_detail_result *out,
                                      sk_error *err)
{
    memset(out, 0, sizeof *out);
    sync_wait w = { 0 };
    api_call *k = sync_call(K_DETAIL, &w);
    if (!k)
        return sync_nomem(err);
    k->keep_detail = out;
    disconnect_account(c, account_id, k);
    return sync_run(c, &w, err);
}
