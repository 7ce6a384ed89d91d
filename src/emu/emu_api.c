/* emu_api.c: skemu's request handling: routing, auth, faults and the envelope of every answer.
 * The endpoints themselves live in emu_endpoints.c; nothing here touches a socket. */
#include "emu_api.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "emu_util.h"

void emu_set_base_url(emu *e, const char *url)
{
    pthread_rwlock_wrlock(&e->lock);
    snprintf(e->base_url, sizeof e->base_url, "%s", url);
    pthread_rwlock_unlock(&e->lock);
}

static int64_t today_utc(void)
{
    time_t now = time(NULL);
    return (int64_t)now - (int64_t)now % 86400;
}

emu *emu_new(const emu_options *o, char *err, size_t errlen)
{
    emu *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    e->opt = *o;
    e->client_id = emu_strdup(o->client_id ? o->client_id : "skc_demo");
    e->client_secret = emu_strdup(o->client_secret ? o->client_secret : "skemu-demo-secret");
    e->opt.client_id = e->client_id;
    e->opt.client_secret = e->client_secret;
    e->opt.data_path = NULL;
    pthread_rwlock_init(&e->lock, NULL);
    pthread_mutex_init(&e->fault_lock, NULL);
    emu_store_init(&e->store, o->seed);
    emu_faults_init(&e->faults, &e->opt);
    snprintf(e->base_url, sizeof e->base_url, "http://127.0.0.1:%d", o->port);
    if (o->data_path) {
        if (emu_store_load_file(&e->store, o->data_path, err, errlen) != 0) {
            emu_free(e);
            return NULL;
        }
    } else {
        long n = o->generate >= 0 ? o->generate : 300;
        long m = o->connections > 0 ? o->connections : 6;
        emu_store_generate(&e->store, (size_t)n, (size_t)m, o->seed,
                           o->epoch >= 0 ? o->epoch : today_utc());
    }
    return e;
}

void emu_free(emu *e)
{
    if (!e) return;
    emu_store_free(&e->store);
    for (size_t i = 0; i < e->nlinks; i++) free(e->links[i].account_id);
    free(e->links);
    free(e->tokens);
    free(e->client_id);
    free(e->client_secret);
    pthread_rwlock_destroy(&e->lock);
    pthread_mutex_destroy(&e->fault_lock);
    free(e);
}

void emu_response_free(emu_response *rs)
{
    free(rs->body);
    rs->body = NULL;
    rs->body_len = 0;
}

/* ---- building answers ---- */

void emu_reply_json(emu_response *rs, int status, json_object *o)
{
    const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                                          JSON_C_TO_STRING_NOSLASHESCAPE);
    free(rs->body);
    rs->body = emu_strdup(s);
    rs->body_len = strlen(s);
    rs->status = status;
    rs->content_type = "application/json";
    json_object_put(o);
}

void emu_reply_text(emu_response *rs, int status, char *json, size_t len)
{
    free(rs->body);
    rs->body = json;
    rs->body_len = len;
    rs->status = status;
    rs->content_type = "application/json";
}

static const char *grpc_name(int code)
{
    switch (code) {
    case 3: return "INVALID_ARGUMENT";
    case 5: return "NOT_FOUND";
    case 6: return "ALREADY_EXISTS";
    case 8: return "RATE_LIMITED";
    case 12: return "UNIMPLEMENTED";
    case 13: return "INTERNAL";
    case 14: return "UNAVAILABLE";
    case 16: return "UNAUTHENTICATED";
    default: return "UNKNOWN";
    }
}

void emu_reply_error(emu_response *rs, int status, int code, const char *message)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "code", json_object_new_int(code));
    json_object_object_add(o, "message", json_object_new_string(message));
    json_object *d = json_object_new_object();
    json_object_object_add(d, "@type", json_object_new_string(
                               "type.googleapis.com/scalekit.v1.errdetails.ErrorInfo"));
    json_object_object_add(d, "error_code", json_object_new_string(grpc_name(code)));
    json_object *arr = json_object_new_array();
    json_object_array_add(arr, d);
    json_object_object_add(o, "details", arr);
    emu_reply_json(rs, status, o);
}

void emu_reply_html(emu_response *rs, int status, const char *title, const char *text)
{
    emu_buf b = {0};
    const char *parts[] = {"<!doctype html>\n<html><head><meta charset=\"utf-8\">"
                           "<meta name=\"viewport\" content=\"width=device-width\"><title>",
                           title, "</title></head>\n<body><h1>", title, "</h1>\n<p>", text,
                           "</p></body></html>\n"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        emu_buf_append(&b, parts[i], strlen(parts[i]));
    free(rs->body);
    rs->body = b.data;
    rs->body_len = b.len;
    rs->status = status;
    rs->content_type = "text/html; charset=utf-8";
}

/* ---- auth ---- */

bool emu_token_valid(emu *e, const char *authorization)
{
    if (!authorization || strncasecmp(authorization, "Bearer ", 7) != 0) return false;
    const char *tok = authorization + 7;
    while (*tok == ' ') tok++;
    double now = emu_now_mono();
    for (size_t i = 0; i < e->ntokens; i++)
        if (strcmp(e->tokens[i].token, tok) == 0) return now < e->tokens[i].expires;
    return false;
}

/* Opt-in for tests: env SKEMU_TOKEN_LOG=FILE appends every issued access token to FILE, so a
 * test can prove that no token it never saw leaked into any output. */
static void token_log(const char *token)
{
    const char *path = getenv("SKEMU_TOKEN_LOG");
    if (!path || !*path) return;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return;
    char line[EMU_TOKEN_MAX + 2];
    int n = snprintf(line, sizeof line, "%s\n", token);
    if (n > 0 && (size_t)n < sizeof line && write(fd, line, (size_t)n) != n) {}
    close(fd);
}

/* An access token the size and shape of Scalekit's: an RS256 JWT (header, a dozen claims, a
 * 256-byte signature), about 720 bytes. Its length matters: every request carries it, and
 * libcurl 7.88 formats each request header byte by byte (about 90 instructions a byte), so a
 * short token would make the client look cheaper than it is against the real service. The key
 * id and organization are the same in every token of one client (both numbers from a hash of
 * its id), as a real environment's signing key and organization are. skemu never decodes it:
 * the signature is random bytes and the token is looked up whole. */
void emu_token_issue(emu *e, char *out, size_t outlen)
{
    double now = emu_now_mono();
    size_t keep = 0;
    for (size_t i = 0; i < e->ntokens; i++)
        if (e->tokens[i].expires > now) e->tokens[keep++] = e->tokens[i];
    e->ntokens = keep;
    unsigned char raw[8 + 256];
    emu_rand_secure(raw, sizeof raw);
    uint64_t jti = 0, kid = 1469598103934665603ull;   /* FNV-1a of the client id */
    memcpy(&jti, raw, 8);
    for (const char *p = e->client_id; *p; p++)
        kid = (kid ^ (unsigned char)*p) * 1099511628211ull;
    long long t = (long long)time(NULL);
    char head[96], claims[640];
    snprintf(head, sizeof head, "{\"alg\":\"RS256\",\"kid\":\"snk_%018llu\",\"typ\":\"JWT\"}",
             (unsigned long long)(kid % 1000000000000000000ull));
    snprintf(claims, sizeof claims,
             "{\"aud\":[\"%.64s\"],\"client_id\":\"%.64s\",\"exp\":%lld,\"iat\":%lld,"
             "\"iss\":\"%.127s\",\"jti\":\"tkn_%018llu\",\"nbf\":%lld,\"oid\":\"org_%018llu\","
             "\"scope\":\"openid\",\"sub\":\"%.64s\"}",
             e->client_id, e->client_id, t + (long long)e->opt.token_ttl, t, e->base_url,
             (unsigned long long)(jti % 1000000000000000000ull), t,
             (unsigned long long)(kid / 7 % 1000000000000000000ull), e->client_id);
    char *a = emu_b64_encode((const unsigned char *)head, strlen(head), true),
         *b = emu_b64_encode((const unsigned char *)claims, strlen(claims), true),
         *sig = emu_b64_encode(raw + 8, 256, true);
    snprintf(out, outlen, "%s.%s.%s", a, b, sig);
    free(a);
    free(b);
    free(sig);
    if (e->ntokens == e->captokens) {
        e->captokens = e->captokens ? e->captokens * 2 : 16;
        e->tokens = emu_xrealloc(e->tokens, e->captokens * sizeof *e->tokens);
    }
    snprintf(e->tokens[e->ntokens].token, sizeof e->tokens[e->ntokens].token, "%s", out);
    e->tokens[e->ntokens].expires = now + (double)e->opt.token_ttl;
    e->ntokens++;
    token_log(out);
}

/* ---- routing ---- */

typedef void (*route_fn)(emu_ctx *c);
typedef struct route {
    const char *method;
    const char *path;
    route_fn fn;
} route;

static const route routes[] = {
    {"GET", "/api/v1/connections/app", emu_ep_connections},
    {"GET", "/api/v1/connected_accounts", emu_ep_list},
    {"POST", "/api/v1/connected_accounts", emu_ep_create},
    {"PUT", "/api/v1/connected_accounts", emu_ep_update},
    {"GET", "/api/v1/connected_accounts:search", emu_ep_search},
    {"POST", "/api/v1/connected_accounts:delete", emu_ep_delete},
    {"GET", "/api/v1/connected_accounts/details", emu_ep_details},
    {"GET", "/api/v1/connected_accounts/auth", emu_ep_auth},
    {"POST", "/api/v1/connected_accounts/magic_link", emu_ep_magic_link},
};

static void dispatch_api(emu_ctx *c)
{
    if (!emu_token_valid(c->e, c->rq->authorization)) {
        emu_reply_error(c->rs, 401, 16, "missing, invalid or expired access token");
        return;
    }
    /* The one path with the account in it: /api/v1/connected_accounts/{id}:disconnect. */
    static const char pre[] = "/api/v1/connected_accounts/", suf[] = ":disconnect";
    size_t plen = strlen(c->path);
    if (strncmp(c->path, pre, sizeof pre - 1) == 0 && plen > sizeof pre - 1 + sizeof suf - 1 &&
        strcmp(c->path + plen - (sizeof suf - 1), suf) == 0) {
        if (c->e->opt.no_disconnect == 501) {
            emu_reply_error(c->rs, 501, 12, "disconnect is not implemented in this environment");
        } else if (c->e->opt.no_disconnect) {
            emu_reply_error(c->rs, 404, 5, "no such endpoint");
        } else if (strcmp(c->rq->method, "POST") != 0) {
            emu_reply_error(c->rs, 405, 12, "method not allowed on this path");
        } else {
            char *id = emu_strdup(c->path + sizeof pre - 1);
            id[plen - (sizeof pre - 1) - (sizeof suf - 1)] = '\0';
            emu_ep_disconnect(c, id);
            free(id);
        }
        return;
    }
    bool path_known = false;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        if (strcmp(routes[i].path, c->path) != 0) continue;
        path_known = true;
        if (strcmp(routes[i].method, c->rq->method) == 0) {
            routes[i].fn(c);
            return;
        }
    }
    if (path_known) emu_reply_error(c->rs, 405, 12, "method not allowed on this path");
    else emu_reply_error(c->rs, 404, 5, "no such endpoint");
}

static bool faultable(const char *path)
{
    return strcmp(path, "/oauth/token") == 0 || strncmp(path, "/api/v1/", 8) == 0;
}

/* What --lose-rate acts on: the API requests that change data (create, update, delete, and a
 * magic link, which a lost answer leaves issued but unseen). */
static bool mutating(const char *method, const char *path)
{
    return (strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0) &&
           strncmp(path, "/api/v1/", 8) == 0;
}

static void apply_fault(emu_ctx *c, const emu_fault_plan *p)
{
    switch (p->kind) {
    case EMU_FAULT_RATE:
        emu_reply_error(c->rs, 429, 8, "too many requests: rate limit exceeded");
        c->rs->retry_after = c->e->opt.retry_after;
        break;
    case EMU_FAULT_HANG:
        c->rs->hang = true;
        c->rs->status = 0;
        break;
    case EMU_FAULT_500: emu_reply_error(c->rs, 500, 13, "internal error (injected)"); break;
    case EMU_FAULT_503: emu_reply_error(c->rs, 503, 14, "service unavailable (injected)"); break;
    default: break;
    }
}

static void apply_damage(emu_response *rs, const emu_fault_plan *p)
{
    if (rs->status != 200 || p->damage == EMU_DAMAGE_NONE || !rs->body) return;
    if (p->damage == EMU_DAMAGE_TRUNCATE) {
        rs->body_len /= 2;
        rs->body[rs->body_len] = '\0';
    } else if (p->damage == EMU_DAMAGE_MALFORMED) {
        free(rs->body);
        rs->body = emu_strdup(emu_faults_malformed(p->damage_seed));
        rs->body_len = strlen(rs->body);
    } else {
        json_object *o = json_tokener_parse(rs->body);
        if (!o) return;
        emu_faults_wrong_types(o, p->damage_seed);
        emu_reply_json(rs, 200, o);
    }
}

static void route_request(emu_ctx *c)
{
    if (strcmp(c->path, "/oauth/token") == 0) {
        if (strcmp(c->rq->method, "POST") == 0) emu_ep_token(c);
        else emu_reply_error(c->rs, 405, 12, "use POST for /oauth/token");
    } else if (strncmp(c->path, "/api/v1/", 8) == 0) {
        dispatch_api(c);
    } else if (strncmp(c->path, "/magic/", 7) == 0) {
        if (strcmp(c->rq->method, "GET") == 0 || strcmp(c->rq->method, "HEAD") == 0)
            emu_ep_magic_open(c, c->path + 7);
        else emu_reply_html(c->rs, 405, "Method not allowed", "Open this link in a browser.");
    } else {
        emu_reply_error(c->rs, 404, 5, "no such endpoint");
    }
}

/* The listings only read the data (list rows carry no authorization details, which
 * /details and /auth build lazily and cache): they may run side by side. */
static bool listing_request(const char *method, const char *path)
{
    return strcmp(method, "GET") == 0 &&
           (strcmp(path, "/api/v1/connected_accounts") == 0 ||
            strcmp(path, "/api/v1/connected_accounts:search") == 0 ||
            strcmp(path, "/api/v1/connections/app") == 0);
}

void emu_handle(emu *e, const emu_request *rq, emu_response *rs)
{
    memset(rs, 0, sizeof *rs);
    const char *uri = rq->uri ? rq->uri : "/";
    const char *q = strchr(uri, '?');
    size_t plen = q ? (size_t)(q - uri) : strlen(uri);
    emu_ctx c;
    memset(&c, 0, sizeof c);
    c.e = e;
    c.rq = rq;
    c.rs = rs;
    c.path = emu_url_decode(uri, plen, false, NULL);
    emu_query_parse(&c.query, q ? q + 1 : NULL, q ? strlen(q + 1) : 0);
    if (!rq->method) {
        emu_reply_error(rs, 405, 12, "no method");
        goto out;
    }
    emu_fault_plan plan;
    memset(&plan, 0, sizeof plan);
    bool f = faultable(c.path);
    if (f) {
        pthread_mutex_lock(&e->fault_lock);
        plan = emu_faults_plan(&e->faults, emu_now_mono(), mutating(rq->method, c.path));
        pthread_mutex_unlock(&e->fault_lock);
    }
    rs->delay_ms = plan.delay_ms;
    bool reads_only = listing_request(rq->method, c.path);
    if (reads_only) pthread_rwlock_rdlock(&e->lock);
    else pthread_rwlock_wrlock(&e->lock);
    if (plan.kind != EMU_FAULT_NONE) apply_fault(&c, &plan);
    else route_request(&c);
    pthread_rwlock_unlock(&e->lock);
    /* The work is done (whatever its status): only the answer goes missing. rs->status stays
     * for the request log. */
    if (plan.lose) rs->lost = true;
    else if (f) apply_damage(rs, &plan);   /* works on this answer alone */
out:
    free(c.path);
    emu_query_free(&c.query);
}
