/* parse.c: defensive parsers, on json-c's tree, for the bodies the Scalekit API sends: token,
 * pages of accounts (jscan.c reads plain ones first) and connections, one account, a magic link.
 * Missing, null, "" and wrong JSON types all read as absent; only a body that is not the
 * expected object is an error. Strings are copied into the result's arena. */
#include "parse.h"

#include <limits.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "arena.h"
#include "jscan.h"
#include "mem.h"
#include "sk_time.h"
#include "wire_account.h"

#define ARENA_BLOCK 8192
#define JSON_DEPTH 64    /* api_config may nest a little; anything deeper is refused */

/* ---------------------------------------------------------------- json helpers */

/* Parses the whole body; anything that is not a JSON object at the top is SK_ERR_PARSE. */
static json_object *parse_object(const char *body, size_t len, const char *what, sk_error *err)
{
    if (!body || len == 0) {
        sk_error_set(err, SK_ERR_PARSE, "%s: empty answer body", what);
        return NULL;
    }
    if (len > INT_MAX) {
        sk_error_set(err, SK_ERR_PARSE, "%s: answer body too large (%zu bytes)", what, len);
        return NULL;
    }
    json_tokener *tok = json_tokener_new_ex(JSON_DEPTH);
    if (!tok) {
        sk_error_set(err, SK_ERR_NOMEM, "%s: out of memory", what);
        return NULL;
    }
    json_object *o = json_tokener_parse_ex(tok, body, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t used = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (!o || jerr != json_tokener_success) {
        json_object_put(o);
        sk_error_set(err, SK_ERR_PARSE, "%s: answer is not valid JSON (%s)", what,
                     jerr == json_tokener_continue ? "truncated" : json_tokener_error_desc(jerr));
        return NULL;
    }
    for (size_t i = used; i < len; i++) {
        if (body[i] != ' ' && body[i] != '\t' && body[i] != '\r' && body[i] != '\n') {
            json_object_put(o);
            sk_error_set(err, SK_ERR_PARSE, "%s: trailing bytes after the JSON answer", what);
            return NULL;
        }
    }
    if (!json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        sk_error_set(err, SK_ERR_PARSE, "%s: answer is not a JSON object", what);
        return NULL;
    }
    return o;
}

/* The member `key` of o when o is an object and the member has type t; NULL otherwise. */
static json_object *member(json_object *o, const char *key, json_type t)
{
    json_object *v = NULL;
    if (!o || !json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v))
        return NULL;
    return json_object_is_type(v, t) ? v : NULL;
}

/* A JSON string copied into the arena as a C string. JSON allows "\u0000"; a C string would
 * end there, silently cutting ("alice\u0000evil" -> "alice") or emptying the value, so each NUL
 * becomes U+FFFD: the value stays whole and visibly odd. NULL for "" (absent) or on OOM
 * (*oom set). */
static const char *json_str_dup(sk_arena *a, json_object *v, bool *oom)
{
    int n = json_object_get_string_len(v);
    if (n <= 0)
        return NULL;
    const char *src = json_object_get_string(v);
    size_t nuls = (size_t)n - strnlen(src, (size_t)n);
    if (nuls == 0) {
        char *s = arena_strndup(a, src, (size_t)n);
        if (!s)
            *oom = true;
        return s;
    }
    for (int i = 0; i < n; i++)
        nuls += src[i] == '\0';   /* strnlen only found the first one */
    char *s = arena_alloc(a, (size_t)n + 2 * nuls + 1);
    if (!s) {
        *oom = true;
        return NULL;
    }
    size_t k = 0;
    for (int i = 0; i < n; i++) {
        if (src[i] == '\0') {
            memcpy(s + k, "\xef\xbf\xbd", 3);
            k += 3;
        } else {
            s[k++] = src[i];
        }
    }
    s[k] = '\0';
    return s;
}

/* A non-empty string member copied into the arena; NULL when absent, "", null or not a string.
 * *oom is set when the copy failed. */
static const char *str_of(sk_arena *a, json_object *o, const char *key, bool *oom)
{
    json_object *v = member(o, key, json_type_string);
    if (!v)
        return NULL;
    return json_str_dup(a, v, oom);
}

/* Non-empty times the body being parsed holds that could not be read: each parser zeroes it
 * first and, once the body is accepted, hands it to time_count_unreadable (for --debug). The
 * core runs on one thread, so one counter serves every parser. */
static size_t bad_times;

static int64_t time_str(const char *s)
{
    int64_t t = time_parse_rfc3339(s);
    if (t == SK_TIME_ABSENT && s && *s)
        bad_times++;
    return t;
}

static int64_t time_of(json_object *o, const char *key)
{
    json_object *v = member(o, key, json_type_string);
    return v ? time_str(json_object_get_string(v)) : SK_TIME_ABSENT;
}

/* A non-negative integer given as a JSON number or, as grpc-gateway writes int64, a string of
 * digits; -1 when absent or anything else. */
static long long count_of(json_object *o, const char *key)
{
    json_object *v = member(o, key, json_type_int);
    if (v) {
        int64_t n = json_object_get_int64(v);
        return n >= 0 ? n : -1;
    }
    v = member(o, key, json_type_string);
    if (!v)
        return -1;
    const char *s = json_object_get_string(v);
    if (!*s || strlen(s) > 18 || strspn(s, "0123456789") != strlen(s))
        return -1;
    return strtoll(s, NULL, 10);
}

static sk_status oom_error(sk_error *err, const char *what)
{
    sk_error_set(err, SK_ERR_NOMEM, "%s: out of memory", what);
    return SK_ERR_NOMEM;
}

/* ---------------------------------------------------------------- token */

sk_status parse_token(const char *body, size_t len, sk_token *out, sk_error *err)
{
    memset(out, 0, sizeof *out);
    json_object *o = parse_object(body, len, "token answer", err);
    if (!o)
        return err->status;
    json_object *at = member(o, "access_token", json_type_string);
    int at_len = at ? json_object_get_string_len(at) : 0;
    if (at_len <= 0 || strnlen(json_object_get_string(at), (size_t)at_len) != (size_t)at_len) {
        /* A token with a NUL in it would be sent cut short: refuse it as a broken answer. */
        json_object_put(o);
        sk_error_set(err, SK_ERR_PARSE, "token answer: no usable access_token");
        return SK_ERR_PARSE;
    }
    out->access_token = strdup(json_object_get_string(at));
    json_object *tt = member(o, "token_type", json_type_string);
    out->token_type = strdup(tt ? json_object_get_string(tt) : "Bearer");
    long long ttl = count_of(o, "expires_in");
    out->expires_in = ttl > 0 && ttl < LONG_MAX ? (long)ttl : 0;
    json_object_put(o);
    if (!out->access_token || !out->token_type) {
        parse_token_free(out);
        return oom_error(err, "token answer");
    }
    return SK_OK;
}

void parse_token_free(sk_token *t)
{
    if (!t)
        return;
    if (t->access_token) {
        mem_wipe(t->access_token, strlen(t->access_token));
        free(t->access_token);
    }
    free(t->token_type);
    memset(t, 0, sizeof *t);
}

/* ---------------------------------------------------------------- accounts */

/* A non-empty JSON string copied into the arena; NULL otherwise (*oom when the copy failed). */
static const char *str_val(sk_arena *a, json_object *v, bool *oom)
{
    return json_object_is_type(v, json_type_string) ? json_str_dup(a, v, oom) : NULL;
}

static int64_t time_val(json_object *v)
{
    return json_object_is_type(v, json_type_string) ? time_str(json_object_get_string(v))
                                                    : SK_TIME_ABSENT;
}

/* One pass over the row's members (a lookup per field would hash every name again; json-c
 * keeps the last of duplicate names either way). */
static bool fill_account(sk_arena *a, json_object *o, sk_account *acc)
{
    bool oom = false;
    memset(acc, 0, sizeof *acc);
    acc->token_expires_at = acc->updated_at = acc->last_used_at = SK_TIME_ABSENT;
    json_object_object_foreach(o, key, v) {
        switch (wire_account_field(key, strlen(key))) {
        case WIRE_ID: acc->id = str_val(a, v, &oom); break;
        case WIRE_IDENTIFIER: acc->identifier = str_val(a, v, &oom); break;
        case WIRE_CONNECTOR: acc->connector = str_val(a, v, &oom); break;
        case WIRE_CONNECTION_ID: acc->connection_id = str_val(a, v, &oom); break;
        case WIRE_PROVIDER: acc->provider = str_val(a, v, &oom); break;
        case WIRE_STATUS: acc->status = str_val(a, v, &oom); break;
        case WIRE_AUTH_TYPE: acc->authorization_type = str_val(a, v, &oom); break;
        case WIRE_EXPIRES: acc->token_expires_at = time_val(v); break;
        case WIRE_UPDATED: acc->updated_at = time_val(v); break;
        case WIRE_LAST_USED: acc->last_used_at = time_val(v); break;
        case WIRE_NONE: break;
        }
    }
    acc->state = state_from_wire(acc->status);
    return !oom;
}

/* What a page of accounts and a page of connections differ in: the array's key and how one
 * row is read. Everything else (absent array, bad rows, next token, total) is one reader. */
typedef struct page_kind {
    const char *what;     /* for error messages: "accounts page" */
    const char *key;      /* the array: "connected_accounts" */
    size_t row_size;
    bool (*fill)(sk_arena *a, json_object *o, void *row);   /* false: out of memory */
} page_kind;

/* The parts every page has; the typed page structs are filled from it. */
typedef struct page_parts {
    void *rows;
    size_t n;
    const char *next_page_token;
    long long total_size;
    sk_arena *arena;
} page_parts;

static sk_status parse_page(const char *body, size_t len, const page_kind *k, page_parts *out,
                            sk_error *err)
{
    memset(out, 0, sizeof *out);
    out->total_size = -1;
    bad_times = 0;
    json_object *o = parse_object(body, len, k->what, err);
    if (!o)
        return err->status;
    json_object *arr = NULL;
    bool present = json_object_object_get_ex(o, k->key, &arr) && arr;
    if (present && !json_object_is_type(arr, json_type_array)) {
        json_object_put(o);
        sk_error_set(err, SK_ERR_PARSE, "%s: \"%s\" is not an array", k->what, k->key);
        return SK_ERR_PARSE;
    }
    /* A token of another type would read as absent, that is as the last page: the listing
     * would end early and look complete. A damaged envelope, to be asked for again. */
    json_object *tok = NULL;
    if (json_object_object_get_ex(o, "next_page_token", &tok) && tok &&
        !json_object_is_type(tok, json_type_string)) {
        json_object_put(o);
        sk_error_set(err, SK_ERR_PARSE, "%s: \"next_page_token\" is not a string", k->what);
        return SK_ERR_PARSE;
    }
    /* A missing or null array is an empty page: grpc-gateway omits empty repeated fields. */
    size_t n = present ? json_object_array_length(arr) : 0;
    bool oom = false;
    out->arena = arena_new(ARENA_BLOCK);
    out->rows = n && out->arena ? arena_alloc(out->arena, n * k->row_size) : NULL;
    if (!out->arena || (n && !out->rows))
        oom = true;
    for (size_t i = 0; i < n && !oom; i++) {
        json_object *row = json_object_array_get_idx(arr, i);
        if (!json_object_is_type(row, json_type_object))
            continue;   /* one bad row does not spoil the page */
        if (!k->fill(out->arena, row, (char *)out->rows + out->n++ * k->row_size))
            oom = true;
    }
    if (!oom) {
        out->next_page_token = str_of(out->arena, o, "next_page_token", &oom);
        out->total_size = count_of(o, "total_size");
    }
    json_object_put(o);
    if (oom) {
        arena_free(out->arena);
        memset(out, 0, sizeof *out);
        out->total_size = -1;
        return oom_error(err, k->what);
    }
    time_count_unreadable(bad_times);
    return SK_OK;
}

static bool fill_account_row(sk_arena *a, json_object *o, void *row)
{
    return fill_account(a, o, row);
}

static const page_kind account_page_kind = {
    "accounts page", "connected_accounts", sizeof(sk_account), fill_account_row
};

sk_status parse_account_page_dom(const char *body, size_t len, sk_account_page *out,
                                 sk_error *err)
{
    page_parts pp;
    sk_status st = parse_page(body, len, &account_page_kind, &pp, err);
    *out = (sk_account_page){ pp.rows, pp.n, pp.next_page_token, pp.total_size, pp.arena,
                              st == SK_OK ? bad_times : 0 };
    return st;
}

/* A page the fast reader read: no error, its unreadable times counted. */
static sk_status fast_read(const sk_account_page *out, sk_error *err)
{
    sk_error_clear(err);
    time_count_unreadable(out->bad_times);
    return SK_OK;
}

sk_status parse_account_page(const char *body, size_t len, sk_account_page *out, sk_error *err)
{
    memset(out, 0, sizeof *out);
    out->total_size = -1;
    if (jscan_account_page(body, len, out))
        return fast_read(out, err);
    return parse_account_page_dom(body, len, out, err);
}

sk_status parse_account_page_owned(char *body, size_t len, sk_account_page *out, sk_error *err)
{
    memset(out, 0, sizeof *out);
    out->total_size = -1;
    if (jscan_account_page_owned(body, len, out))
        return fast_read(out, err);
    sk_status st = parse_account_page(body, len, out, err);   /* body as it came */
    free(body);
    return st;
}

void parse_account_page_free(sk_account_page *p)
{
    if (!p)
        return;
    arena_free(p->arena);
    memset(p, 0, sizeof *p);
    p->total_size = -1;
}

/* ---------------------------------------------------------------- one account */

static bool fill_scopes(sk_arena *a, json_object *oauth, sk_account_detail *d)
{
    json_object *arr = member(oauth, "scopes", json_type_array);
    size_t n = arr ? json_object_array_length(arr) : 0;
    if (!n)
        return true;
    d->scopes = arena_alloc(a, n * sizeof *d->scopes);
    if (!d->scopes)
        return false;
    for (size_t i = 0; i < n; i++) {
        json_object *v = json_object_array_get_idx(arr, i);
        if (!json_object_is_type(v, json_type_string))
            continue;
        bool oom = false;
        const char *s = json_str_dup(a, v, &oom);
        if (oom)
            return false;
        if (!s)
            continue;
        d->scopes[d->n_scopes++] = s;
    }
    return true;
}

/* Only the non-secret parts of authorization_details are read: scopes and domain.
 * access_token, refresh_token and static_auth are never looked at. */
static bool fill_detail(sk_arena *a, json_object *acc, sk_account_detail *d)
{
    bool oom = !fill_account(a, acc, &d->a);
    json_object *oauth = member(member(acc, "authorization_details", json_type_object),
                                "oauth_token", json_type_object);
    if (oauth) {
        d->domain = str_of(a, oauth, "domain", &oom);
        if (!fill_scopes(a, oauth, d))
            oom = true;
    }
    json_object *cfg = member(acc, "api_config", json_type_object);
    if (cfg && !oom) {
        const char *js = json_object_to_json_string_ext(cfg, JSON_C_TO_STRING_PLAIN);
        d->api_config_json = js ? arena_strdup(a, js) : NULL;
        if (!d->api_config_json)
            oom = true;
    }
    return !oom;
}

sk_status parse_account_detail(const char *body, size_t len, sk_detail_result *out, sk_error *err)
{
    const char *what = "account answer";
    memset(out, 0, sizeof *out);
    bad_times = 0;
    json_object *o = parse_object(body, len, what, err);
    if (!o)
        return err->status;
    json_object *acc = member(o, "connected_account", json_type_object);
    if (!acc) {
        json_object_put(o);
        sk_error_set(err, SK_ERR_PARSE, "%s: no \"connected_account\" object", what);
        return SK_ERR_PARSE;
    }
    out->arena = arena_new(ARENA_BLOCK);
    bool ok = out->arena && fill_detail(out->arena, acc, &out->d);
    json_object_put(o);
    if (!ok) {
        parse_account_detail_free(out);
        return oom_error(err, what);
    }
    time_count_unreadable(bad_times);
    return SK_OK;
}

void parse_account_detail_free(sk_detail_result *r)
{
    if (!r)
        return;
    arena_free(r->arena);
    memset(r, 0, sizeof *r);
}

/* ---------------------------------------------------------------- connections */

static bool fill_connection(sk_arena *a, json_object *o, sk_connection *c)
{
    bool oom = false;
    c->id = str_of(a, o, "id", &oom);
    c->name = str_of(a, o, "key_id", &oom);
    c->provider = str_of(a, o, "provider_key", &oom);
    c->type = str_of(a, o, "type", &oom);
    c->status = str_of(a, o, "status", &oom);
    json_object *en = member(o, "enabled", json_type_boolean);
    c->enabled = en ? json_object_get_boolean(en) : false;
    c->created_at = time_of(o, "created_at");
    return !oom;
}

static bool fill_connection_row(sk_arena *a, json_object *o, void *row)
{
    return fill_connection(a, o, row);
}

static const page_kind connection_page_kind = {
    "connections page", "connections", sizeof(sk_connection), fill_connection_row
};

sk_status parse_connection_page(const char *body, size_t len, sk_connection_page *out,
                                sk_error *err)
{
    page_parts pp;
    sk_status st = parse_page(body, len, &connection_page_kind, &pp, err);
    *out = (sk_connection_page){ pp.rows, pp.n, pp.next_page_token, pp.total_size, pp.arena };
    return st;
}

void parse_connection_page_free(sk_connection_page *p)
{
    if (!p)
        return;
    arena_free(p->arena);
    memset(p, 0, sizeof *p);
    p->total_size = -1;
}

/* ---------------------------------------------------------------- magic link */

sk_status parse_link(const char *body, size_t len, sk_link_result *out, sk_error *err)
{
    const char *what = "link answer";
    memset(out, 0, sizeof *out);
    bad_times = 0;
    json_object *o = parse_object(body, len, what, err);
    if (!o)
        return err->status;
    bool oom = false;
    out->arena = arena_new(ARENA_BLOCK);
    if (!out->arena)
        oom = true;
    else
        out->l.link = str_of(out->arena, o, "link", &oom);
    out->l.expiry = time_of(o, "expiry");
    json_object_put(o);
    if (oom) {
        parse_link_free(out);
        return oom_error(err, what);
    }
    if (!out->l.link) {
        parse_link_free(out);
        sk_error_set(err, SK_ERR_PARSE, "%s: no \"link\" in the answer", what);
        return SK_ERR_PARSE;
    }
    time_count_unreadable(bad_times);
    return SK_OK;
}

void parse_link_free(sk_link_result *r)
{
    if (!r)
        return;
    arena_free(r->arena);
    memset(r, 0, sizeof *r);
}
