/* client.c: the HTTP engine: one curl multi handle, the client-credentials token (cached,
 * renewed before expiry and once on a 401), retries as loop timers, and a redacted trace. */
#include "client.h"

#include <json-c/json.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "h1.h"
#include "parse.h"
#include "buf.h"
#include "mem.h"
#include "parse_error.h"
#include "text.h"

#define BODY_MAX ((size_t)64 << 20)   /* larger answers are refused, not buffered */
#define RECV_BUFFER 65536L            /* curl's read buffer for one transfer */
#define SKDASH_USER_AGENT "skdash/0.1"
#define RETRY_AFTER_MAX_MS 60000
#define RATE_LIMIT_BASE_MS 1000        /* first wait after a 429 without Retry-After */
#define WAIT_FOREVER_MS 600000        /* client_wait(-1) wakes at least this often */
#define IDLE_HANDLES 16               /* easy handles kept for reuse */

typedef enum {
    RQ_QUEUED,   /* ready; waits for the token or a free connection slot */
    RQ_TIMER,    /* backing off until due_ms */
    RQ_ACTIVE,   /* on the multi handle */
    RQ_FAILED,   /* outcome decided outside a transfer; callback runs from client_step */
    RQ_DONE      /* callback running: cancelling it is a no-op */
} rq_state;

struct sk_request {
    sk_client *c;
    sk_request *prev, *next;
    unsigned long seq;
    rq_state state;
    bool is_token;
    bool urgent;             /* may take the one slot kept beyond max_connections */
    bool auth_renewed;       /* already resent once after a 401 */
    bool too_big;
    bool no_secret;          /* client_request_no_secret: the answer is not wiped */
    char method[8];
    char *url;               /* full URL; path points into it */
    const char *path;
    char *body;              /* request body (the token form holds the secret: wiped) */
    size_t body_len;
    sk_response_fn cb;
    void *ud;
    sk_body_fn on_body;      /* client_request_on_body */
    void *body_ud;
    bool body_in;            /* this try's 2xx body is whole and on_body not told yet */
    CURL *easy;
    struct curl_slist *hdrs;
    sk_buf resp;
    int tries;
    int64_t due_ms, started_ms;
    unsigned token_gen;      /* which token this attempt carried */
    sk_error err;            /* for RQ_FAILED */
    char errbuf[CURL_ERROR_SIZE];
    /* On the page lane (lane_start): the connection it is written on, and once its answer is
     * read (or the lane failed it), the outcome waiting for client_step (lane_over). */
    struct lane_conn *lane;
    bool lane_over, lane_stale_retried;
    CURLcode lane_rc;
    long lane_http, lane_ra_s, lane_connect_code;
    int64_t deadline_ms;
};

/* A socket curl watches while it opens a lane connection (its socket callback). */
typedef struct { curl_socket_t fd; int what; short revents; } lane_sock;

struct sk_client {
    CURLM *multi;
    char env[512];
    char client_id[256];
    char *secret;
    char *url_user, *url_password;  /* the environment URL's user:password@ (wiped) */
    char ca_bundle[512], ca_dir[512];
    const char *ca_source;
    /* The proxy curl will use for the environment (from the environment, as curl reads it),
     * without its credentials, and the variable it came from: errors name it. */
    char proxy[256];
    const char *proxy_var;
    char accept_encoding[64];   /* the header curl would make of CURLOPT_ACCEPT_ENCODING "" */
    sk_client_opts o;
    char *token;
    int64_t token_renew_ms;  /* monotonic time after which the token is renewed before use */
    unsigned token_gen;
    sk_request *token_req;   /* the one token fetch in flight, if any */
    sk_request *head, *tail;
    unsigned long seq;
    int n_pending, n_active;
    bool closing;
    sk_debug_fn dbg;
    void *dbg_ud;
    sk_client_stats stats;
    uint64_t rng;
    long step_budget_us;     /* client_set_step_budget(): 0 none */
    int step_break_fd;
    bool step_cut;           /* the last step left finished answers unread */
    unsigned long flushed;   /* requests_sent when client_flush last put them on the wire */
    /* Easy handles of finished transfers, their request's options cleared (easy_release), kept
     * for the next ones: a new handle per request cost its allocation, defaults and receive
     * buffer each time. */
    CURL *idle[IDLE_HANDLES];
    int n_idle;
    /* The page lane (see its section): GETs written and read by the client itself on
     * connections curl opens (CURLOPT_CONNECT_ONLY) on a multi handle of their own. */
    bool lane_on;
    CURLM *lane_multi;
    struct lane_conn **lanes;
    int n_lanes, cap_lanes;
    lane_sock *lane_socks;
    int n_lane_socks, cap_lane_socks;
    int n_lane_over;         /* requests whose lane try is over, waiting for client_step */
    int64_t lane_timer_ms;   /* when lane_multi wants its timeout action; -1 none */
    bool lane_waited;        /* client_wait marked which connections are ready */
    char lane_host[300];     /* the Host header's value */
    struct curl_waitfd *waitfds;
    unsigned cap_waitfds;
};

/* ---------------------------------------------------------------- small helpers */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t rng_next(sk_client *c)
{
    uint64_t x = c->rng;   /* xorshift64*: plenty for jitter */
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    c->rng = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static void trace(sk_client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void trace(sk_client *c, const char *fmt, ...)
{
    if (!c->o.debug || !c->dbg)
        return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    text_safe_vformat(line, sizeof line, fmt, ap);
    va_end(ap);
    c->dbg(c->dbg_ud, line);
}

static void wipe_free(char *s, size_t n)
{
    if (!s)
        return;
    mem_wipe(s, n);
    free(s);
}

static void free_headers(struct curl_slist *h)
{
    for (struct curl_slist *p = h; p; p = p->next)
        mem_wipe(p->data, strlen(p->data));   /* one of them carries the token */
    curl_slist_free_all(h);
}

void client_opts_default(sk_client_opts *o)
{
    o->connect_timeout_ms = 5000;
    o->timeout_ms = 15000;
    o->max_tries = 5;
    o->backoff_base_ms = 200;
    o->backoff_cap_ms = 5000;
    o->max_connections = 8;
    o->debug = false;
}

static inline bool url_unreserved(unsigned char u)
{
    return (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') ||
           u == '-' || u == '.' || u == '_' || u == '~';
}

/* curl_easy_escape's encoding (RFC 3986: ALPHA DIGIT - . _ ~ as they are, every other byte
 * %XX in capitals), written straight into b: a page request escaped its connection and page
 * token through curl's malloc, a copy and two frees each. */
bool client_escape_to(sk_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s), need = n;
    for (size_t i = 0; i < n; i++)
        need += url_unreserved((unsigned char)s[i]) ? 0 : 2;
    if (!n)
        return true;
    if (!buf_reserve(b, need))
        return false;
    char *o = b->s + b->len;
    for (size_t i = 0; i < n; i++) {
        unsigned char u = (unsigned char)s[i];
        if (url_unreserved(u)) {
            *o++ = (char)u;
        } else {
            *o++ = '%';
            *o++ = hex[u >> 4];
            *o++ = hex[u & 15];
        }
    }
    *o = '\0';
    b->len = (size_t)(o - b->s);
    return true;
}

char *client_escape(const char *s)
{
    if (!s)
        return NULL;
    sk_buf b;
    buf_init(&b);
    if (!client_escape_to(&b, s)) {
        buf_free(&b);
        return NULL;
    }
    if (!b.s)
        return strdup("");
    return b.s;
}

const char *client_env_url(const sk_client *c)
{
    return c->env;
}

void client_stats(const sk_client *c, sk_client_stats *out)
{
    *out = c->stats;
}

int client_pending(const sk_client *c)
{
    return c->n_pending;
}

void client_set_debug(sk_client *c, sk_debug_fn fn, void *ud)
{
    c->dbg = fn;
    c->dbg_ud = ud;
    /* Where the requests go and whom TLS trusts: the first questions when TLS fails. */
    if (c->proxy[0])
        trace(c, "http: through the proxy %s (from %s)", c->proxy, c->proxy_var);
    if (c->ca_bundle[0] || c->ca_dir[0])
        trace(c, "tls: trusting %s%s%s (from %s)", c->ca_bundle[0] ? c->ca_bundle : "",
              c->ca_bundle[0] && c->ca_dir[0] ? " and " : "", c->ca_dir, c->ca_source);
}

static void lane_setup(sk_client *c);
static void lane_free_all(sk_client *c);

/* ---------------------------------------------------------------- create / free */

/* curl_global_init is not thread-safe: it runs once, from the first client_new. */
static bool curl_ready(void)
{
    static bool done;
    if (!done)
        done = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    return done;
}

static bool url_ok(const char *u)
{
    return strncasecmp(u, "https://", 8) == 0 || strncasecmp(u, "http://", 7) == 0;
}

/* ---------------------------------------------------------------- the proxy, as curl sees it */

/* Whether host (lower or upper case, no brackets for IPv6) is excluded by no_proxy, the way
 * libcurl matches it: "*" alone, or a list (commas, blanks) of names that match the host or
 * a domain it is in (a leading '.' ignored), or addresses written as the host is. */
static bool noproxy_match(const char *host, const char *list)
{
    if (!list || !*list)
        return false;
    if (strcmp(list, "*") == 0)
        return true;
    size_t hn = strlen(host);
    if (hn && host[hn - 1] == '.')
        hn--;
    for (const char *p = list; *p;) {
        while (*p == ',' || *p == ' ' || *p == '\t')
            p++;
        const char *t = p;
        while (*p && *p != ',' && *p != ' ' && *p != '\t')
            p++;
        size_t tn = (size_t)(p - t);
        if (tn && *t == '.') {
            t++;
            tn--;
        }
        if (tn && t[tn - 1] == '.')
            tn--;
        if (!tn || tn > hn)
            continue;
        if (tn == hn ? strncasecmp(t, host, hn) == 0
                     : host[hn - tn - 1] == '.' && strncasecmp(t, host + hn - tn, tn) == 0)
            return true;
    }
    return false;
}

static const char *env_nonempty(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* Which proxy libcurl takes from the environment for c->env (it reads https_proxy, then
 * HTTPS_PROXY, for https; only the lower-case http_proxy for http; then all_proxy, ALL_PROXY;
 * no_proxy before NO_PROXY), kept without user:password@ for messages. */
static void proxy_detect(sk_client *c)
{
    bool https = strncasecmp(c->env, "https://", 8) == 0;
    const char *auth = c->env + (https ? 8 : 7);
    char host[256];
    size_t hn;
    if (auth[0] == '[') {
        const char *rb = strchr(auth, ']');
        hn = rb ? (size_t)(rb - auth - 1) : 0;
        auth++;
    } else {
        hn = strcspn(auth, ":/");
    }
    snprintf(host, sizeof host, "%.*s", (int)hn, auth);
    const char *np = env_nonempty("no_proxy");
    if (!np)
        np = env_nonempty("NO_PROXY");
    if (noproxy_match(host, np))
        return;
    static const char *const https_vars[] = { "https_proxy", "HTTPS_PROXY", "all_proxy",
                                              "ALL_PROXY", NULL };
    static const char *const http_vars[] = { "http_proxy", "all_proxy", "ALL_PROXY", NULL };
    const char *v = NULL;
    for (const char *const *n = https ? https_vars : http_vars; *n && !v; n++)
        if ((v = env_nonempty(*n)))
            c->proxy_var = *n;
    if (!v)
        return;
    const char *sep = strstr(v, "://");
    const char *a = sep ? sep + 3 : v;
    size_t an = strcspn(a, "/?#");
    for (size_t i = an; i > 0; i--) {   /* the credentials end at the authority's last '@' */
        if (a[i - 1] == '@') {
            a += i;
            an -= i;
            break;
        }
    }
    snprintf(c->proxy, sizeof c->proxy, "%.*s%.*s", sep ? (int)(sep + 3 - v) : 7,
             sep ? v : "http://", (int)an, a);
}

/* The Accept-Encoding curl sends for CURLOPT_ACCEPT_ENCODING "" (the encodings it decodes, in
 * Curl_all_content_encodings' order), as a header line; empty when it decodes none. */
static void accept_encoding_line(char *out, size_t n)
{
    const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
    int f = v ? v->features : 0;
    const char *z = f & CURL_VERSION_LIBZ ? "deflate, gzip" : "";
    const char *br = f & CURL_VERSION_BROTLI ? "br" : "", *zs = f & CURL_VERSION_ZSTD ? "zstd" : "";
    if (!*z && !*br && !*zs) {
        out[0] = '\0';
        return;
    }
    snprintf(out, n, "Accept-Encoding: %s%s%s%s%s", z, *z && *br ? ", " : "", br,
             (*z || *br) && *zs ? ", " : "", zs);
}

static void opts_sanitize(sk_client_opts *o)
{
    sk_client_opts d;
    client_opts_default(&d);
    if (o->connect_timeout_ms <= 0) o->connect_timeout_ms = d.connect_timeout_ms;
    if (o->timeout_ms <= 0) o->timeout_ms = d.timeout_ms;
    if (o->max_tries <= 0) o->max_tries = d.max_tries;
    if (o->backoff_base_ms < 0) o->backoff_base_ms = d.backoff_base_ms;
    if (o->backoff_cap_ms <= 0) o->backoff_cap_ms = d.backoff_cap_ms;
    if (o->max_connections <= 0) o->max_connections = d.max_connections;
}

sk_client *client_new(const struct sk_config *cfg, const sk_client_opts *opts, sk_error *err)
{
    sk_error_clear(err);
    if (!cfg || !url_ok(cfg->environment_url)) {
        sk_error_set(err, SK_ERR_CONFIG, "the environment URL must start with https:// or http://");
        return NULL;
    }
    if (!cfg->client_id[0] || !cfg->client_secret || !cfg->client_secret[0]) {
        sk_error_set(err, SK_ERR_CONFIG, "a client id and a client secret are needed");
        return NULL;
    }
    if (!curl_ready()) {
        sk_error_set(err, SK_ERR_NOMEM, "libcurl could not be initialised");
        return NULL;
    }
    sk_client *c = calloc(1, sizeof *c);
    if (!c || !(c->secret = strdup(cfg->client_secret)) || !(c->multi = curl_multi_init())) {
        if (c) {
            wipe_free(c->secret, c->secret ? strlen(c->secret) : 0);
            free(c);
        }
        sk_error_set(err, SK_ERR_NOMEM, "out of memory creating the HTTP client");
        return NULL;
    }
    snprintf(c->env, sizeof c->env, "%s", cfg->environment_url);
    for (size_t n = strlen(c->env); n > 0 && c->env[n - 1] == '/'; n--)
        c->env[n - 1] = '\0';
    snprintf(c->client_id, sizeof c->client_id, "%s", cfg->client_id);
    if ((cfg->url_user && !(c->url_user = strdup(cfg->url_user))) ||
        (cfg->url_password && !(c->url_password = strdup(cfg->url_password)))) {
        client_free(c);
        sk_error_set(err, SK_ERR_NOMEM, "out of memory creating the HTTP client");
        return NULL;
    }
    snprintf(c->ca_bundle, sizeof c->ca_bundle, "%s", cfg->ca_bundle);
    snprintf(c->ca_dir, sizeof c->ca_dir, "%s", cfg->ca_dir);
    c->ca_source = cfg->ca_source;
    proxy_detect(c);
    lane_setup(c);
    accept_encoding_line(c->accept_encoding, sizeof c->accept_encoding);
    if (opts)
        c->o = *opts;
    else
        client_opts_default(&c->o);
    opts_sanitize(&c->o);
    /* One more than the requests take: the slot an urgent request may use (client_urgent). */
    curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)c->o.max_connections + 1);
    c->rng = (uint64_t)now_ms() ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)c;
    if (!c->rng)
        c->rng = 0x9E3779B97F4A7C15ULL;
    return c;
}

void client_free(sk_client *c)
{
    if (!c)
        return;
    c->closing = true;   /* callbacks run below cannot queue new work */
    while (c->head)
        client_cancel_all(c);
    while (c->n_idle > 0)
        curl_easy_cleanup(c->idle[--c->n_idle]);
    lane_free_all(c);
    curl_multi_cleanup(c->multi);
    if (c->token)
        wipe_free(c->token, strlen(c->token));
    if (c->secret)
        wipe_free(c->secret, strlen(c->secret));
    if (c->url_user)
        wipe_free(c->url_user, strlen(c->url_user));
    if (c->url_password)
        wipe_free(c->url_password, strlen(c->url_password));
    mem_wipe(c, sizeof *c);
    free(c);
}

/* ---------------------------------------------------------------- request list */

static void rq_link(sk_client *c, sk_request *r)
{
    r->prev = c->tail;
    r->next = NULL;
    if (c->tail)
        c->tail->next = r;
    else
        c->head = r;
    c->tail = r;
    c->n_pending++;
}

static void rq_unlink(sk_client *c, sk_request *r)
{
    if (r->prev)
        r->prev->next = r->next;
    else
        c->head = r->next;
    if (r->next)
        r->next->prev = r->prev;
    else
        c->tail = r->prev;
    r->prev = r->next = NULL;
    c->n_pending--;
}

static void rq_free(sk_request *r)
{
    if (r->easy)
        curl_easy_cleanup(r->easy);
    free_headers(r->hdrs);
    wipe_free(r->body, r->body_len);
    if (r->resp.s && !r->no_secret)
        mem_wipe(r->resp.s, r->resp.cap);   /* a token answer carries the access token */
    buf_free(&r->resp);
    free(r->url);
    free(r);
}

static sk_request *rq_new(sk_client *c, const char *method, const char *path, char *body,
                          size_t body_len, sk_response_fn cb, void *ud)
{
    sk_request *r = calloc(1, sizeof *r);
    size_t n = strlen(c->env) + strlen(path) + 1;
    char *url = malloc(n);
    if (!r || !url) {
        free(r);
        free(url);
        return NULL;
    }
    snprintf(url, n, "%s%s", c->env, path);
    r->c = c;
    r->seq = ++c->seq;
    r->state = RQ_QUEUED;
    snprintf(r->method, sizeof r->method, "%s", method);
    r->url = url;
    r->path = url + strlen(c->env);
    r->body = body;
    r->body_len = body_len;
    r->cb = cb;
    r->ud = ud;
    buf_init(&r->resp);
    sk_error_clear(&r->err);
    rq_link(c, r);
    return r;
}

/* ---------------------------------------------------------------- starting a transfer */

/* Marks r's body whole once it holds the announced length of a 2xx answer. */
static void body_check(sk_request *r)
{
    curl_off_t cl = -1;
    long http = 0;
    if (curl_easy_getinfo(r->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl) == CURLE_OK &&
        cl >= 0 && (size_t)cl == r->resp.len &&
        curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &http) == CURLE_OK &&
        http >= 200 && http < 300)
        r->body_in = true;
}

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    sk_request *r = ud;
    size_t len = sz * n;
    if (r->resp.len + len > BODY_MAX) {
        r->too_big = true;
        return 0;   /* aborts the transfer with CURLE_WRITE_ERROR */
    }
    if (!r->resp.s) {
        /* One allocation of the announced size, not a doubling series of copies (a page of
         * 99 accounts is ~45 KB); a wrong Content-Length only costs a later grow. */
        curl_off_t cl = -1;
        if (curl_easy_getinfo(r->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl) == CURLE_OK &&
            cl > 0 && (size_t)cl <= BODY_MAX && !buf_reserve(&r->resp, (size_t)cl))
            return 0;
    }
    if (!buf_add(&r->resp, p, len))
        return 0;
    if (r->on_body)
        body_check(r);
    return len;
}

static bool add_header(struct curl_slist **h, const char *line)
{
    struct curl_slist *n = curl_slist_append(*h, line);
    if (!n)
        return false;
    *h = n;
    return true;
}

/* Every request's headers. User-Agent and Accept-Encoding are ours rather than curl's
 * (CURLOPT_USERAGENT, and the Accept-Encoding CURLOPT_ACCEPT_ENCODING "" would make): curl 7.88
 * formats each of its own twice a request a character at a time, a line of this list once
 * (4,000 instructions a request less). CURLOPT_ACCEPT_ENCODING stays set: it is what makes curl
 * decode an encoded answer. */
static bool build_headers(sk_client *c, sk_request *r)
{
    bool ok = add_header(&r->hdrs, "Accept: application/json") && add_header(&r->hdrs, "Expect:") &&
              add_header(&r->hdrs, "User-Agent: " SKDASH_USER_AGENT) &&
              (!c->accept_encoding[0] || add_header(&r->hdrs, c->accept_encoding));
    if (r->is_token)
        return ok && add_header(&r->hdrs, "Content-Type: application/x-www-form-urlencoded");
    if (r->body)
        ok = ok && add_header(&r->hdrs, "Content-Type: application/json");
    size_t n = strlen(c->token) + 32;
    char *auth = malloc(n);
    if (!auth)
        return false;
    snprintf(auth, n, "Authorization: Bearer %s", c->token);
    ok = ok && add_header(&r->hdrs, auth);
    wipe_free(auth, n);
    return ok;
}

static void set_method(sk_request *r)
{
    CURL *e = r->easy;
    if (strcmp(r->method, "GET") == 0) {
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
        return;
    }
    if (strcmp(r->method, "POST") == 0)
        curl_easy_setopt(e, CURLOPT_POST, 1L);
    else
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r->method);
    if (r->body || strcmp(r->method, "POST") == 0) {
        /* POSTFIELDS (not COPYPOSTFIELDS) so that curl keeps no copy of the secret. */
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body ? r->body : "");
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
    }
}

/* Only bytes curl's URL parser passes unchanged (api.c escapes every value anyway), and no dot
 * segment in the path (before q, the query, when there is one) that curl would rewrite. */
static bool target_plain(const char *target, const char *q)
{
    for (const unsigned char *u = (const unsigned char *)target; *u; u++)
        if (*u <= ' ' || *u >= 0x7f || *u == '#' ||
            (*u == '/' && u[1] == '.' && (!q || (const char *)u < q)))
            return false;
    return true;
}

/* Where the request's query starts in r->url, when curl is given it apart (NULL: the URL whole;
 * *target_out: where the path starts).
 * libcurl 7.88 writes each string of a request through its printf a character at a time (some
 * 100 instructions a byte), and the query three times over: in the URL it rebuilds, the path
 * with query it keeps for authentication and the request line. A page request's query (the
 * connection, page size and page token) is most of its URL: given as CURLOPT_REQUEST_TARGET,
 * which curl copies into the request line whole, it is formatted none of those times (22,000
 * of the 94,000 instructions curl spent on a page request). Not through a proxy that is not a
 * tunnel (an http URL with a proxy: the request line must then be the whole URL), and not for
 * a path curl would rewrite or refuse (dot segments, blanks, control bytes), so that what goes
 * on the wire is what curl would have sent. */
static char *target_query(const sk_client *c, const sk_request *r, const char **target_out)
{
    char *q = strchr(r->path, '?');
    if (!q || (c->proxy[0] && strncasecmp(c->env, "https://", 8) != 0))
        return NULL;
    const char *host = strstr(r->url, "://");
    const char *target = host ? strchr(host + 3, '/') : NULL;
    if (!target || target > q)
        return NULL;
    *target_out = target;
    return target_plain(target, q) ? q : NULL;
}

static void set_url(const sk_client *c, sk_request *r)
{
    CURL *e = r->easy;
    const char *target = NULL;
    char *q = target_query(c, r, &target);
    if (!q) {
        curl_easy_setopt(e, CURLOPT_URL, r->url);
        return;
    }
    /* curl copies both strings: the URL is cut at its query only for the call. */
    *q = '\0';
    curl_easy_setopt(e, CURLOPT_URL, r->url);
    *q = '?';
    curl_easy_setopt(e, CURLOPT_REQUEST_TARGET, target);
}

/* How every connection is made, curl's transfers' and the page lane's alike: timeouts, the
 * protocols allowed, TLS verification (never turned off) and whom it trusts. */
static void set_connection_options(const sk_client *c, CURL *e)
{
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->o.connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, c->o.timeout_ms);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);   /* never turned off */
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    if (c->ca_bundle[0])
        curl_easy_setopt(e, CURLOPT_CAINFO, c->ca_bundle);
    if (c->ca_dir[0])
        curl_easy_setopt(e, CURLOPT_CAPATH, c->ca_dir);
}

/* The options of every request; `fresh`: a new handle, which takes the client's own options
 * too (a kept handle has them from its first request: easy_release clears only the
 * request's). */
static void set_options(sk_client *c, sk_request *r, bool fresh)
{
    CURL *e = r->easy;
    set_url(c, r);
    curl_easy_setopt(e, CURLOPT_PRIVATE, r);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->hdrs);
    set_method(r);
    if (!fresh)
        return;
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    set_connection_options(c, e);
    if (c->url_user)   /* Basic auth, as curl does with user:password@ in the URL */
        curl_easy_setopt(e, CURLOPT_USERNAME, c->url_user);
    if (c->url_password)
        curl_easy_setopt(e, CURLOPT_PASSWORD, c->url_password);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    /* A page of 99 accounts (~31 KB) in one read instead of two of curl's default 16 KB. */
    curl_easy_setopt(e, CURLOPT_BUFFERSIZE, RECV_BUFFER);
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)BODY_MAX);
}

static void fail_later(sk_request *r, sk_status st, const char *what)
{
    r->state = RQ_FAILED;
    sk_error_set(&r->err, st, "%s %s: %s", r->method, r->path, what);
}

static bool lane_start(sk_client *c, sk_request *r);

/* Puts r on the page lane if it takes r, else on the multi handle. Never runs a callback: a
 * failure is delivered by client_step. */
static void start(sk_client *c, sk_request *r)
{
    buf_reset(&r->resp);
    r->too_big = false;
    r->body_in = false;
    r->errbuf[0] = '\0';
    r->token_gen = c->token_gen;
    if (!lane_start(c, r)) {
        bool fresh = c->n_idle == 0;
        r->easy = fresh ? curl_easy_init() : c->idle[--c->n_idle];
        if (!r->easy || !build_headers(c, r)) {
            fail_later(r, SK_ERR_NOMEM, "out of memory");
            return;
        }
        set_options(c, r, fresh);
        if (curl_multi_add_handle(c->multi, r->easy) != CURLM_OK) {
            fail_later(r, SK_ERR_NOMEM, "could not queue the transfer");
            return;
        }
    }
    r->tries++;
    r->state = RQ_ACTIVE;
    r->started_ms = now_ms();
    c->n_active++;
    c->stats.requests_sent++;
    if (r->is_token)
        trace(c, "http: -> POST %s (try %d) [form: grant_type=client_credentials&client_id=%s"
                 "&client_secret=<redacted>]", r->url, r->tries, c->client_id);
    else
        trace(c, "http: -> %s %s (try %d) [Authorization: Bearer <redacted>]", r->method,
              r->url, r->tries);
}

/* The token form, URL-encoded, in one exact allocation so that no stray copy of the secret
 * is left behind by a growing buffer. */
static char *token_form(const sk_client *c, size_t *len)
{
    char *id = curl_easy_escape(NULL, c->client_id, 0);
    char *sec = curl_easy_escape(NULL, c->secret, 0);
    char *form = NULL;
    if (id && sec) {
        size_t n = strlen("grant_type=client_credentials&client_id=&client_secret=") +
                   strlen(id) + strlen(sec) + 1;
        form = malloc(n);
        if (form)
            *len = (size_t)snprintf(form, n, "grant_type=client_credentials&client_id=%s"
                                             "&client_secret=%s", id, sec);
    }
    if (sec) {
        mem_wipe(sec, strlen(sec));
        curl_free(sec);
    }
    curl_free(id);
    return form;
}

static void token_begin(sk_client *c)
{
    size_t len = 0;
    char *form = token_form(c, &len);
    sk_request *r = form ? rq_new(c, "POST", "/oauth/token", form, len, NULL, NULL) : NULL;
    if (!r) {
        wipe_free(form, len);
        return;   /* out of memory: the next kick tries again */
    }
    r->is_token = true;
    c->token_req = r;
    c->stats.token_fetches++;
    start(c, r);
}

static bool token_valid(const sk_client *c, int64_t now)
{
    return c->token && now < c->token_renew_ms;
}

/* Starts whatever can start: due timers, queued requests (given a token and a free slot),
 * the token fetch when someone needs it. Never runs callbacks. */
static void kick(sk_client *c)
{
    int64_t now = now_ms();
    bool ok = token_valid(c, now), want_token = false;
    for (sk_request *r = c->head; r; r = r->next) {
        if (r->state == RQ_TIMER && r->due_ms <= now)
            r->state = RQ_QUEUED;
        if (r->state != RQ_QUEUED)
            continue;
        if (r->is_token)
            start(c, r);   /* the token goes first, whatever the slots */
        else if (!ok)
            want_token = true;
        else if (c->n_active < c->o.max_connections + (r->urgent ? 1 : 0))
            start(c, r);
    }
    if (want_token && !c->token_req && !c->closing)
        token_begin(c);
}

/* ---------------------------------------------------------------- queueing */

sk_request *client_request(sk_client *c, const char *method, const char *path_and_query,
                           const char *json_body, sk_response_fn cb, void *ud)
{
    if (c->closing || !method || !path_and_query)
        return NULL;
    char *body = NULL;
    size_t len = 0;
    if (json_body) {
        len = strlen(json_body);
        if (!(body = strdup(json_body)))
            return NULL;
    }
    sk_request *r = rq_new(c, method, path_and_query, body, len, cb, ud);
    if (!r) {
        free(body);
        return NULL;
    }
    kick(c);
    return r;
}

static void lane_drop(sk_client *c, sk_request *r);

/* Detaches r and runs its callback once, then frees it. */
static void complete(sk_client *c, sk_request *r, long http, const sk_error *err)
{
    if (r->state == RQ_ACTIVE) {
        if (r->easy)
            curl_multi_remove_handle(c->multi, r->easy);
        else
            lane_drop(c, r);
        c->n_active--;
    }
    if (r == c->token_req)
        c->token_req = NULL;
    r->state = RQ_DONE;
    rq_unlink(c, r);
    if (r->cb) {
        sk_response resp = { .http_status = http, .err = *err, .req_ = r };
        resp.body = r->resp.s ? r->resp.s : "";
        resp.len = r->resp.s ? r->resp.len : 0;
        r->cb(r->ud, &resp);
    }
    rq_free(r);
}

void client_cancel(sk_client *c, sk_request *r)
{
    if (!c || !r || r->state == RQ_DONE)
        return;
    sk_error e;
    sk_error_clear(&e);
    sk_error_set(&e, SK_ERR_CANCELLED, "%s %s: cancelled", r->method, r->path);
    complete(c, r, 0, &e);
}

char *client_response_take(const sk_response *resp)
{
    sk_request *r = resp ? resp->req_ : NULL;
    if (!r || !r->no_secret || !r->resp.s || resp->body != r->resp.s)
        return NULL;
    char *b = r->resp.s;
    buf_init(&r->resp);
    return b;
}

void client_request_no_secret(sk_request *r)
{
    if (r && !r->is_token)
        r->no_secret = true;
}

void client_request_on_body(sk_request *r, sk_body_fn fn, void *ud)
{
    if (!r)
        return;
    r->on_body = fn;
    r->body_ud = ud;
}

/* Tells on_body of every body that came in whole since the last step (oldest first). A hook
 * may queue requests (they go to the tail, after this walk's end) but frees none. */
static void bodies_in(sk_client *c)
{
    sk_request *last = c->tail;
    for (sk_request *r = c->head; r; r = r->next) {
        if (r->body_in && r->state == RQ_ACTIVE) {
            r->body_in = false;
            r->on_body(r->body_ud, r->resp.s, r->resp.len);
        }
        if (r == last)
            break;
    }
}

void client_urgent(sk_client *c, sk_request *r)
{
    if (!c || !r || r->state == RQ_DONE)
        return;
    r->urgent = true;
    kick(c);
}

bool client_request_unsent(const sk_request *r)
{
    return r && r->state == RQ_QUEUED && r->tries == 0;
}

/* Cancels what exists now; requests queued by the cancelled callbacks themselves are left. */
void client_cancel_all(sk_client *c)
{
    unsigned long last = c->seq;
    for (;;) {
        sk_request *r = c->head;
        while (r && r->seq > last)
            r = r->next;
        if (!r)
            break;
        client_cancel(c, r);
    }
}

/* ---------------------------------------------------------------- answers */

/* Worth another try: the network or the server may be back in a moment. A TLS failure
 * (CURLE_PEER_FAILED_VERIFICATION: an unknown CA, a certificate for another name, expired;
 * CURLE_SSL_*: no handshake) is final: the same certificate comes back on every try, and
 * retrying would only hide the cause behind "after 5 tries". */
static bool retryable_net(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
        return true;
    default:
        return false;
    }
}

static bool retryable_http(long s)
{
    return s == 429 || s == 500 || s == 502 || s == 503 || s == 504;
}

/* Backoff before try n+1: equal jitter over base*2^(n-1), capped (half of it at least, so
 * that the tries of a request always give a restarting server some time); Retry-After wins. A 429
 * without Retry-After waits on a slower scale (1 s, 2 s, 4 s... capped, equal jitter): a rate
 * limit counts requests per window, and retries within the same window only feed it. */
static long backoff_ms(sk_client *c, int tries, long retry_after_s, long http)
{
    if (retry_after_s > 0)
        return retry_after_s * 1000 < RETRY_AFTER_MAX_MS ? retry_after_s * 1000
                                                        : RETRY_AFTER_MAX_MS;
    if (http == 429) {
        long ceil = RATE_LIMIT_BASE_MS;
        for (int i = 1; i < tries && ceil < c->o.backoff_cap_ms; i++)
            ceil *= 2;
        if (ceil > c->o.backoff_cap_ms)
            ceil = c->o.backoff_cap_ms;
        return ceil / 2 + (long)(rng_next(c) % (uint64_t)(ceil / 2 + 1));
    }
    long ceil = c->o.backoff_base_ms;
    for (int i = 1; i < tries && ceil < c->o.backoff_cap_ms; i++)
        ceil *= 2;
    if (ceil > c->o.backoff_cap_ms)
        ceil = c->o.backoff_cap_ms;
    return ceil > 0 ? ceil / 2 + (long)(rng_next(c) % (uint64_t)(ceil / 2 + 1)) : 0;
}

static void fail_waiting(sk_client *c, const sk_error *err)
{
    for (sk_request *r = c->head; r; r = r->next) {
        if (r->state == RQ_QUEUED && !r->is_token) {
            r->state = RQ_FAILED;
            r->err = *err;
        }
    }
}

/* The OAuth "error" field of a token error answer, into buf ("" when none). */
static void oauth_error_code(const char *body, size_t len, char *buf, size_t n)
{
    buf[0] = '\0';
    json_tokener *tok = len && len < INT_MAX ? json_tokener_new() : NULL;
    json_object *o = tok ? json_tokener_parse_ex(tok, body, (int)len) : NULL;
    json_object *e = NULL;
    if (o && json_object_is_type(o, json_type_object) && json_object_object_get_ex(o, "error", &e) &&
        json_object_is_type(e, json_type_string))
        snprintf(buf, n, "%s", json_object_get_string(e));
    json_object_put(o);
    if (tok)
        json_tokener_free(tok);
}

static void token_failed(sk_client *c, sk_request *r, long http, const sk_error *err)
{
    fail_waiting(c, err);
    complete(c, r, http, err);
}

/* Ends r with err: the token fetch takes its waiters down with it. */
static void give_up(sk_client *c, sk_request *r, long http, const sk_error *err)
{
    if (r->is_token)
        token_failed(c, r, http, err);
    else
        complete(c, r, http, err);
}

static void token_answer(sk_client *c, sk_request *r, long http)
{
    sk_error err;
    sk_error_clear(&err);
    const char *body = r->resp.s ? r->resp.s : "";
    if (http == 200) {
        sk_token t;
        if (parse_token(body, r->resp.len, &t, &err) == SK_OK) {
            if (c->token)
                wipe_free(c->token, strlen(c->token));
            c->token = t.access_token;   /* ownership moves to the client */
            t.access_token = NULL;
            /* Renew when less than min(60 s, ttl/10) is left. */
            int64_t ttl = t.expires_in < 315360000L ? t.expires_in : 315360000L;
            int64_t early = ttl * 100 < 60000 ? ttl * 100 : 60000;
            c->token_renew_ms = ttl > 0 ? now_ms() + ttl * 1000 - early : INT64_MAX;
            c->token_gen++;
            parse_token_free(&t);
            complete(c, r, http, &err);
            return;
        }
        sk_error_set(&err, err.status, "token request: %s", err.message);
    } else if (http == 400 || http == 401) {
        char code[64];
        oauth_error_code(body, r->resp.len, code, sizeof code);
        sk_error_set(&err, SK_ERR_AUTH, "the environment refused the client credentials (%s)",
                     code[0] ? code : http == 401 ? "HTTP 401" : "HTTP 400");
    } else {
        sk_error e2;
        parse_error_body(body, r->resp.len, http, &e2);
        sk_error_set(&err, SK_ERR_API, "token request to %s: %s", c->env, e2.message);
    }
    err.http_status = http;
    token_failed(c, r, http, &err);
}

/* Retries r later if tries remain; otherwise ends it with err. */
static void retry_or_fail(sk_client *c, sk_request *r, long http, long retry_after_s,
                          const sk_error *err)
{
    if (r->tries >= c->o.max_tries) {
        trace(c, "http: giving up on %s %s after %d tries", r->method, r->url, r->tries);
        give_up(c, r, http, err);
        return;
    }
    long delay = backoff_ms(c, r->tries, retry_after_s, http);
    r->state = RQ_TIMER;
    r->due_ms = now_ms() + delay;
    c->stats.retries++;
    trace(c, "http: retry %s %s in %ld ms", r->method, r->url, delay);
}

/* A certificate problem that --ca-bundle can fix (not a wrong name, not an expired one). */
static bool ca_problem(CURLcode rc, const char *why)
{
    return rc == CURLE_PEER_FAILED_VERIFICATION &&
           (strstr(why, "issuer") || strstr(why, "self-signed") || strstr(why, "self signed"));
}

static void network_error(sk_client *c, sk_request *r, CURLcode rc, long connect_code,
                          sk_error *err)
{
    const char *why = r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc);
    /* Behind a proxy curl connects to the proxy only: a refused or unresolved connection is
     * the proxy's, and saying so sends the user to HTTPS_PROXY rather than to the server. */
    if (c->proxy[0] && connect_code >= 300)
        sk_error_set(err, SK_ERR_NETWORK, "%s %s%s: the proxy %s (from %s) refused the tunnel "
                     "(HTTP %ld) (try %d)", r->method, c->env, r->path, c->proxy, c->proxy_var,
                     connect_code, r->tries);
    else if (c->proxy[0] && (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_PROXY))
        sk_error_set(err, SK_ERR_NETWORK, "%s %s%s: cannot reach the proxy %s (from %s): %s "
                     "(try %d)", r->method, c->env, r->path, c->proxy, c->proxy_var, why,
                     r->tries);
    else
        sk_error_set(err, SK_ERR_NETWORK, "%s %s%s: %s%s (try %d)", r->method, c->env, r->path,
                     why, ca_problem(rc, why) ? "; a private CA: --ca-bundle PATH" : "",
                     r->tries);
}

/* The transfer failed below HTTP: too large, a network error (retried) or anything else. */
static void transfer_failed(sk_client *c, sk_request *r, CURLcode rc, long connect_code,
                            long ms)
{
    sk_error err;
    sk_error_clear(&err);
    if (r->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
        sk_error_set(&err, SK_ERR_PARSE, "%s %s: answer larger than 64 MiB", r->method, r->path);
        trace(c, "http: <- too large %s %s %ld ms (try %d)", r->method, r->url, ms, r->tries);
        give_up(c, r, 0, &err);
        return;
    }
    network_error(c, r, rc, connect_code, &err);
    trace(c, "http: <- error %s %s %ld ms (try %d): %s", r->method, r->url, ms, r->tries,
          err.message);
    /* A proxy that refuses the tunnel (403, 407) will refuse it again; one that could not
     * reach the server (502, 503, 504) is like a server that is down. */
    if (connect_code >= 300 ? retryable_http(connect_code) : retryable_net(rc))
        retry_or_fail(c, r, 0, 0, &err);
    else
        give_up(c, r, 0, &err);
}

/* An HTTP answer: success, a retry, the token's answer, a 401 renewal, or an error. */
static void http_answer(sk_client *c, sk_request *r, long http, long retry_after_s)
{
    sk_error err;
    sk_error_clear(&err);
    const char *body = r->resp.s ? r->resp.s : "";
    if (retryable_http(http)) {
        parse_error_body(body, r->resp.len, http, &err);
        retry_or_fail(c, r, http, retry_after_s, &err);
    } else if (r->is_token) {
        token_answer(c, r, http);
    } else if (http >= 200 && http < 300) {
        complete(c, r, http, &err);
    } else if (http == 401 && !r->auth_renewed) {
        /* The token expired or was revoked: renew it (unless another request already did)
         * and resend this request once; it stays queued until the new token arrives. */
        r->auth_renewed = true;
        if (r->token_gen == c->token_gen && c->token) {
            wipe_free(c->token, strlen(c->token));
            c->token = NULL;
        }
    } else {
        parse_error_body(body, r->resp.len, http, &err);
        complete(c, r, http, &err);
    }
}

/* A handle off the multi handle, kept for the next request, or freed when enough are kept.
 * Not curl_easy_reset (which frees and sets again every option, 6,300 instructions a request):
 * only the request's own options are cleared, so that none of its pointers (itself, its error
 * buffer, headers, body) stays and no method carries over; the client's own stay set. */
static void easy_release(sk_client *c, CURL *e)
{
    if (c->n_idle < IDLE_HANDLES && !c->closing) {
        curl_easy_setopt(e, CURLOPT_PRIVATE, NULL);
        curl_easy_setopt(e, CURLOPT_WRITEDATA, NULL);
        curl_easy_setopt(e, CURLOPT_ERRORBUFFER, NULL);
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, NULL);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, NULL);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)-1);
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, NULL);
        curl_easy_setopt(e, CURLOPT_REQUEST_TARGET, NULL);
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);   /* after POSTFIELDS, which sets POST */
        c->idle[c->n_idle++] = e;
    } else {
        curl_easy_cleanup(e);
    }
}

static void transfer_end(sk_client *c, sk_request *r, CURLcode rc, long http, long connect_code,
                         curl_off_t retry_after);

/* Releases r's easy handle after a transfer and decides what happens next. */
static void finish_transfer(sk_client *c, sk_request *r, CURLcode rc)
{
    long http = 0, connect_code = 0;
    curl_off_t retry_after = 0;
    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &http);
    curl_easy_getinfo(r->easy, CURLINFO_HTTP_CONNECTCODE, &connect_code);
    curl_easy_getinfo(r->easy, CURLINFO_RETRY_AFTER, &retry_after);
    curl_multi_remove_handle(c->multi, r->easy);
    easy_release(c, r->easy);
    r->easy = NULL;
    free_headers(r->hdrs);
    r->hdrs = NULL;
    c->n_active--;
    r->state = RQ_QUEUED;   /* off the multi handle: what follows decides where it goes */
    transfer_end(c, r, rc, http, connect_code, retry_after);
}

/* What follows a try, whichever way it went out (libcurl's HTTP or the lane). */
static void transfer_end(sk_client *c, sk_request *r, CURLcode rc, long http, long connect_code,
                         curl_off_t retry_after)
{
    long ms = (long)(now_ms() - r->started_ms);
    if (rc != CURLE_OK) {
        transfer_failed(c, r, rc, connect_code, ms);
        return;
    }
    trace(c, "http: <- %ld %s %s %ld ms (try %d)", http, r->method, r->url, ms, r->tries);
    /* A long Retry-After (a day, a date next week) still means "wait": the longest wait we
     * allow, not none. Capped here so that no later arithmetic can overflow. */
    long ra_s = retry_after <= 0 ? 0
              : retry_after >= RETRY_AFTER_MAX_MS / 1000 ? RETRY_AFTER_MAX_MS / 1000
                                                         : (long)retry_after;
    http_answer(c, r, http, ra_s);
}

/* ---------------------------------------------------------------- the page lane
 *
 * libcurl 7.88's HTTP costs 40-60 µs of CPU a request (bench_listing: "transport alone" against
 * "CONNECT_ONLY"): it formats every header line a byte at a time, the 740-byte token most of
 * them, and parses the URL and looks for a connection anew each time; a listing sends a
 * thousand page GETs for 100,000 accounts. On the lane a GET's bytes are written whole by the
 * client and its answer read by h1.c, on connections libcurl still opens (DNS, connect, TLS
 * with the same verification, CA bundle and timeouts) with CURLOPT_CONNECT_ONLY, on a multi
 * handle of their own, so that nothing of the main one's connection cache closes or reuses
 * them. One request at a time on a connection, HTTP/1.1 (ALPN offers these connections only
 * http/1.1), gzip and deflate decoded by h1_decode (zlib; curl would offer br and zstd too).
 * What the lane does not take stays on libcurl's HTTP: the token's POST, every write, every
 * request through a proxy or with the URL's user:password@, a target curl would rewrite, and
 * all of them when SKDASH_LANE=0. */
#define LANE_READ 65536
/* An idle connection older than this is closed rather than reused: servers close idle ones
 * (a minute is common), and a request on one they closed would need its resend. */
#define LANE_IDLE_MS 50000

typedef enum { LC_OPENING, LC_OPEN, LC_DEAD } lane_state;

typedef struct lane_conn {
    CURL *easy;
    lane_state st;
    curl_socket_t fd;         /* once open */
    bool ready;               /* the last wait saw it ready */
    bool hup;                 /* idle, and the last wait saw it readable: the server closed it
                                 (or sent what no request asked for), so it is not used again */
    sk_request *r;            /* the request on it (or waiting for it to open) */
    char *out;                /* r's request (it holds the token: wiped) */
    size_t out_len, out_sent;
    h1_reader rd;
    bool was_idle;            /* open and idle when its request was put on it (lane_start) */
    bool close_after;         /* bytes came after the answer: nothing more is read on it */
    int64_t idle_since_ms;
    char *in;                 /* LANE_READ bytes */
    char errbuf[CURL_ERROR_SIZE];
} lane_conn;

static int lane_sock_cb(CURL *e, curl_socket_t fd, int what, void *cp, void *sp)
{
    (void)e;
    (void)sp;
    sk_client *c = cp;
    int i = 0;
    while (i < c->n_lane_socks && c->lane_socks[i].fd != fd)
        i++;
    if (what == CURL_POLL_REMOVE) {
        if (i < c->n_lane_socks)
            c->lane_socks[i] = c->lane_socks[--c->n_lane_socks];
        return 0;
    }
    if (i == c->n_lane_socks) {
        if (i == c->cap_lane_socks) {
            int cap = c->cap_lane_socks ? c->cap_lane_socks * 2 : 8;
            lane_sock *n = realloc(c->lane_socks, (size_t)cap * sizeof *n);
            if (!n)
                return 0;   /* unwatched: the lane's timer still drives the connect */
            c->lane_socks = n;
            c->cap_lane_socks = cap;
        }
        c->n_lane_socks++;
    }
    c->lane_socks[i] = (lane_sock){ fd, what, 0 };
    return 0;
}

static int lane_timer_cb(CURLM *m, long ms, void *cp)
{
    (void)m;
    sk_client *c = cp;
    c->lane_timer_ms = ms < 0 ? -1 : now_ms() + ms;
    return 0;
}

/* Whether the lane may carry the environment's requests, and the Host header it writes. */
static void lane_setup(sk_client *c)
{
    c->lane_timer_ms = -1;
    const char *off = getenv("SKDASH_LANE");
    if (c->proxy[0] || c->url_user || c->url_password || (off && strcmp(off, "0") == 0))
        return;
    CURLU *u = curl_url();
    char *host = NULL, *port = NULL, *scheme = NULL;
    if (u && curl_url_set(u, CURLUPART_URL, c->env, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK) {
        /* As curl writes it: the port only when it is not the scheme's own. */
        if (curl_url_get(u, CURLUPART_PORT, &port, 0) != CURLUE_OK ||
            (strcmp(scheme, "https") == 0 && strcmp(port, "443") == 0) ||
            (strcmp(scheme, "http") == 0 && strcmp(port, "80") == 0)) {
            curl_free(port);
            port = NULL;
        }
        int n = snprintf(c->lane_host, sizeof c->lane_host, "%s%s%s", host, port ? ":" : "",
                         port ? port : "");
        if (n > 0 && (size_t)n < sizeof c->lane_host && (c->lane_multi = curl_multi_init())) {
            curl_multi_setopt(c->lane_multi, CURLMOPT_SOCKETFUNCTION, lane_sock_cb);
            curl_multi_setopt(c->lane_multi, CURLMOPT_SOCKETDATA, c);
            curl_multi_setopt(c->lane_multi, CURLMOPT_TIMERFUNCTION, lane_timer_cb);
            curl_multi_setopt(c->lane_multi, CURLMOPT_TIMERDATA, c);
            c->lane_on = true;
        }
    }
    curl_free(host);
    curl_free(port);
    curl_free(scheme);
    curl_url_cleanup(u);
}

/* Where the request line's target starts in r->url, if the lane takes r. */
static const char *lane_target(const sk_client *c, const sk_request *r)
{
    if (!c->lane_on || r->is_token || r->body || strcmp(r->method, "GET") != 0 || !c->token)
        return NULL;
    const char *host = strstr(r->url, "://");
    const char *t = host ? strchr(host + 3, '/') : NULL;
    return t && target_plain(t, strchr(t, '?')) ? t : NULL;
}

static char *lane_bytes(const sk_client *c, const char *target, size_t *len)
{
    static const char a[] = " HTTP/1.1\r\nHost: ";
    static const char b[] = "\r\nAccept: application/json\r\nAccept-Encoding: "
                            H1_ACCEPT_ENCODING "\r\n"
                            "User-Agent: " SKDASH_USER_AGENT "\r\nAuthorization: Bearer ";
    static const char e[] = "\r\n\r\n";
    size_t tl = strlen(target), hl = strlen(c->lane_host), kl = strlen(c->token);
    size_t n = 4 + tl + (sizeof a - 1) + hl + (sizeof b - 1) + kl + (sizeof e - 1);
    char *p = malloc(n + 1), *w = p;
    if (!p)
        return NULL;
#define PUT(s, l) (memcpy(w, (s), (l)), w += (l))
    PUT("GET ", 4);
    PUT(target, tl);
    PUT(a, sizeof a - 1);
    PUT(c->lane_host, hl);
    PUT(b, sizeof b - 1);
    PUT(c->token, kl);
    PUT(e, sizeof e - 1);
#undef PUT
    *w = '\0';
    *len = n;
    return p;
}

static lane_conn *lane_open(sk_client *c)
{
    if (c->n_lanes == c->cap_lanes) {
        int cap = c->cap_lanes ? c->cap_lanes * 2 : 8;
        lane_conn **n = realloc(c->lanes, (size_t)cap * sizeof *n);
        if (!n)
            return NULL;
        c->lanes = n;
        c->cap_lanes = cap;
    }
    lane_conn *k = calloc(1, sizeof *k);
    if (!k || !(k->in = malloc(LANE_READ)) || !(k->easy = curl_easy_init())) {
        if (k)
            free(k->in);
        free(k);
        return NULL;
    }
    CURL *e = k->easy;
    curl_easy_setopt(e, CURLOPT_URL, c->env);
    curl_easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(e, CURLOPT_PRIVATE, k);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, k->errbuf);
    /* curl_easy_recv reads at most CURLOPT_BUFFERSIZE (16 KB by default) a call: a 45 KB page
     * would take three reads, and a fourth to find the socket empty. */
    curl_easy_setopt(e, CURLOPT_BUFFERSIZE, (long)LANE_READ);
    curl_easy_setopt(e, CURLOPT_PROXY, "");   /* lane_setup found none: curl looks no further */
    set_connection_options(c, e);
    /* The lane decides when its connections are too old (LANE_IDLE_MS), not curl's cache. */
    curl_easy_setopt(e, CURLOPT_MAXAGE_CONN, 86400L);
    if (curl_multi_add_handle(c->lane_multi, e) != CURLM_OK) {
        curl_easy_cleanup(e);
        free(k->in);
        free(k);
        return NULL;
    }
    k->st = LC_OPENING;
    c->lanes[c->n_lanes++] = k;
    return k;
}

/* Closes the connections marked dead. */
static void lane_sweep(sk_client *c)
{
    for (int i = 0; i < c->n_lanes;) {
        lane_conn *k = c->lanes[i];
        if (k->st != LC_DEAD || k->r) {
            i++;
            continue;
        }
        curl_multi_remove_handle(c->lane_multi, k->easy);   /* closes a CONNECT_ONLY one */
        curl_easy_cleanup(k->easy);
        wipe_free(k->out, k->out_len);
        free(k->in);
        free(k);
        c->lanes[i] = c->lanes[--c->n_lanes];
    }
}

/* The request bytes on k (they hold the token) wiped and freed. */
static void lane_out_free(lane_conn *k)
{
    wipe_free(k->out, k->out_len);
    k->out = NULL;
    k->out_len = k->out_sent = 0;
}

/* Whether k carries a request whose try is not over: what client_wait polls it for. */
static bool lane_busy(const lane_conn *k)
{
    return k->st == LC_OPEN && k->r;
}

/* r's try on the lane is over (rc, and for an answer its status): its outcome waits for
 * client_step, the connection is free again (or dead). */
static void lane_over(sk_client *c, lane_conn *k, CURLcode rc, const char *why)
{
    sk_request *r = k->r;
    k->r = NULL;
    r->lane = NULL;
    r->lane_over = true;
    r->lane_rc = rc;
    if (rc != CURLE_OK)
        snprintf(r->errbuf, sizeof r->errbuf, "%s", why && *why ? why : curl_easy_strerror(rc));
    else if (r->on_body && r->lane_http >= 200 && r->lane_http < 300)
        r->body_in = true;
    if (rc != CURLE_OK || k->rd.close || k->close_after)
        k->st = LC_DEAD;
    lane_out_free(k);
    k->idle_since_ms = now_ms();
    c->n_lane_over++;
}

/* A try that failed below HTTP. On a connection that was open and idle when the request was put
 * on it (it carried answers before, or opened for a request cancelled meanwhile), before a byte
 * of this one came back, the server most likely closed it while idle: the request goes back to
 * the queue once, without counting a try (what libcurl does with a reused connection). */
static void lane_fail(sk_client *c, lane_conn *k, CURLcode rc, const char *why)
{
    sk_request *r = k->r;
    if (k->was_idle && !k->rd.got && !r->lane_stale_retried && rc != CURLE_OPERATION_TIMEDOUT) {
        r->lane_stale_retried = true;
        k->r = NULL;
        r->lane = NULL;
        k->st = LC_DEAD;
        r->tries--;
        r->state = RQ_QUEUED;
        c->n_active--;
        trace(c, "http: resend %s %s on a new connection (the last one closed)", r->method,
              r->url);
        return;
    }
    k->st = LC_DEAD;
    lane_over(c, k, rc, why);
}

static void lane_write(sk_client *c, lane_conn *k)
{
    while (k->out_sent < k->out_len) {
        size_t n = 0;
        k->errbuf[0] = '\0';
        CURLcode rc = curl_easy_send(k->easy, k->out + k->out_sent, k->out_len - k->out_sent,
                                     &n);
        if (rc == CURLE_AGAIN)
            return;
        if (rc != CURLE_OK) {
            lane_fail(c, k, CURLE_SEND_ERROR, k->errbuf);
            return;
        }
        k->out_sent += n;
    }
}

/* The end of an answer's read: a whole answer is decoded and handed on; anything else, read or
 * decoding, becomes the CURLcode curl would give (lane_fail resends only when nothing came). */
static void lane_answer(sk_client *c, lane_conn *k, h1_result res)
{
    sk_request *r = k->r;
    bool decoding = res == H1_DONE;
    if (decoding) {
        r->lane_http = k->rd.status;
        r->lane_ra_s = k->rd.retry_after_s;
        if ((res = h1_decode(&k->rd, &r->resp, BODY_MAX)) == H1_DONE) {
            lane_over(c, k, CURLE_OK, NULL);
            return;
        }
    }
    CURLcode rc = res == H1_TOO_BIG ? CURLE_FILESIZE_EXCEEDED
                : res == H1_EMPTY ? CURLE_GOT_NOTHING
                : res == H1_PARTIAL ? CURLE_PARTIAL_FILE
                : res == H1_NOMEM ? CURLE_OUT_OF_MEMORY
                : decoding ? CURLE_BAD_CONTENT_ENCODING : CURLE_WEIRD_SERVER_REPLY;
    char why[CURL_ERROR_SIZE];
    snprintf(why, sizeof why, "%s%s", rc == CURLE_WEIRD_SERVER_REPLY ? "Weird server reply: " : "",
             res == H1_NOMEM ? "out of memory" : k->rd.why);
    r->too_big = res == H1_TOO_BIG;
    lane_fail(c, k, rc, why);
}

static void lane_read(sk_client *c, lane_conn *k)
{
    sk_request *r = k->r;
    for (;;) {
        size_t n = 0, used = 0;
        k->errbuf[0] = '\0';
        CURLcode rc = curl_easy_recv(k->easy, k->in, LANE_READ, &n);
        if (rc == CURLE_AGAIN)
            return;
        if (rc != CURLE_OK) {
            lane_fail(c, k, CURLE_RECV_ERROR, k->errbuf);
            return;
        }
        h1_result res;
        if (!n) {
            res = h1_eof(&k->rd, &r->resp);
            k->close_after = true;
        } else if ((res = h1_feed(&k->rd, k->in, n, &r->resp, BODY_MAX, &used)) == H1_DONE &&
                   used < n) {
            k->close_after = true;
        }
        if (n && !r->no_secret)
            mem_wipe(k->in, n);   /* a /details answer's secrets stay only in r->resp (wiped) */
        if (res != H1_MORE) {
            lane_answer(c, k, res);
            return;
        }
    }
}

/* Puts r on the lane if it takes it: false leaves r to libcurl's HTTP. */
static bool lane_start(sk_client *c, sk_request *r)
{
    const char *target = lane_target(c, r);
    size_t len = 0;
    char *bytes = target ? lane_bytes(c, target, &len) : NULL;
    if (!bytes)
        return false;
    int64_t now = now_ms();
    lane_conn *k = NULL, *opening = NULL;
    for (int i = 0; i < c->n_lanes && !k; i++) {
        lane_conn *q = c->lanes[i];
        if (q->r)
            continue;
        if (q->st == LC_OPEN && (q->hup || now - q->idle_since_ms > LANE_IDLE_MS))
            q->st = LC_DEAD;
        if (q->st == LC_OPEN)
            k = q;
        else if (q->st == LC_OPENING && !opening)
            opening = q;
    }
    if (!k && !(k = opening) && !(k = lane_open(c))) {
        wipe_free(bytes, len);
        return false;
    }
    k->was_idle = k->st == LC_OPEN;
    k->r = r;
    r->lane = k;
    k->out = bytes;
    k->out_len = len;
    k->out_sent = 0;
    k->close_after = false;
    h1_init(&k->rd);
    r->lane_over = false;
    r->lane_http = r->lane_ra_s = r->lane_connect_code = 0;
    r->deadline_ms = now + c->o.timeout_ms;
    return true;   /* written by the next lane_push, as curl's transfers by curl_multi_perform */
}

/* Writes what waits to be written on open connections. */
static void lane_push(sk_client *c)
{
    for (int i = 0; i < c->n_lanes; i++) {
        lane_conn *k = c->lanes[i];
        if (lane_busy(k) && k->out_sent < k->out_len)
            lane_write(c, k);
    }
}

/* The lane's connections that finished opening (or failed to). */
static void lane_opened(sk_client *c)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(c->lane_multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        lane_conn *k = NULL;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&k);
        if (!k)
            continue;
        CURLcode rc = m->data.result;
        curl_socket_t fd = CURL_SOCKET_BAD;
        if (rc == CURLE_OK &&
            curl_easy_getinfo(k->easy, CURLINFO_ACTIVESOCKET, &fd) == CURLE_OK &&
            fd != CURL_SOCKET_BAD) {
            k->st = LC_OPEN;
            k->fd = fd;
            k->ready = true;
            k->idle_since_ms = now_ms();
            continue;
        }
        k->st = LC_DEAD;
        if (k->r) {
            long cc = 0;
            curl_easy_getinfo(k->easy, CURLINFO_HTTP_CONNECTCODE, &cc);
            k->r->lane_connect_code = cc;
            lane_over(c, k, rc, k->errbuf);
        }
    }
}

/* The lane's I/O of one step: opening connections, writes, reads and request timeouts. Runs
 * no callback: answers wait with lane_over set. */
static void lane_service(sk_client *c)
{
    if (!c->lane_on || !c->n_lanes)
        return;
    int running = 0;
    int64_t now = now_ms();
    if (c->lane_timer_ms >= 0 && now >= c->lane_timer_ms) {
        c->lane_timer_ms = -1;
        curl_multi_socket_action(c->lane_multi, CURL_SOCKET_TIMEOUT, 0, &running);
    }
    for (int i = 0; i < c->n_lane_socks; i++) {
        lane_sock *s = &c->lane_socks[i];
        if (!s->revents)
            continue;
        int ev = (s->revents & CURL_WAIT_POLLIN ? CURL_CSELECT_IN : 0) |
                 (s->revents & CURL_WAIT_POLLOUT ? CURL_CSELECT_OUT : 0);
        curl_socket_t fd = s->fd;
        s->revents = 0;
        /* The callbacks under it may reorder the array: start again from the top. */
        curl_multi_socket_action(c->lane_multi, fd, ev ? ev : CURL_CSELECT_ERR, &running);
        i = -1;
    }
    lane_opened(c);
    /* Without a wait since the last step, any connection may have something. */
    bool all = !c->lane_waited;
    c->lane_waited = false;
    for (int i = 0; i < c->n_lanes; i++) {
        lane_conn *k = c->lanes[i];
        if (k->st == LC_OPEN && !k->r && k->hup)
            k->st = LC_DEAD;   /* closed by lane_sweep below, not left in CLOSE_WAIT */
        if (!lane_busy(k))
            continue;
        bool go = all || k->ready;
        k->ready = false;
        if (go && k->out_sent < k->out_len)
            lane_write(c, k);
        if (go && k->r && k->out_sent >= k->out_len)
            lane_read(c, k);
        if (k->r && now >= k->r->deadline_ms) {
            char why[CURL_ERROR_SIZE];
            snprintf(why, sizeof why, "Operation timed out after %ld milliseconds with %zu "
                     "bytes received", (long)(now - k->r->started_ms), k->rd.got);
            lane_fail(c, k, CURLE_OPERATION_TIMEDOUT, why);
        }
    }
    lane_sweep(c);
}

/* Between the answers of a step: the lane's answers that came in since the step began are read,
 * their bodies looked at early (client_request_on_body: a listing's next page goes out from
 * there) and what that queued is written, as curl_multi_perform does for curl's transfers
 * between theirs. Without it a chain of pages waits for the whole step at each page (at 0 ms
 * the listing's accounts phase ran at 1.24-1.41 times its CPU floor at 100,000, against
 * 1.04-1.19 with it, three runs each). One poll for the connections waiting for an answer,
 * then reads of the ready ones only. */
#define LANE_PULL_MAX 64
static void bodies_in(sk_client *c);
static void lane_pull(sk_client *c)
{
    struct pollfd p[LANE_PULL_MAX];
    lane_conn *of[LANE_PULL_MAX];
    nfds_t n = 0;
    for (int i = 0; i < c->n_lanes && n < LANE_PULL_MAX; i++) {
        lane_conn *k = c->lanes[i];
        if (lane_busy(k) && k->out_sent >= k->out_len) {
            p[n] = (struct pollfd){ k->fd, POLLIN, 0 };
            of[n++] = k;
        }
    }
    if (n && poll(p, n, 0) > 0) {
        for (nfds_t i = 0; i < n; i++)
            of[i]->ready = p[i].revents != 0;
        c->lane_waited = true;
        lane_service(c);
        bodies_in(c);
    }
    lane_push(c);
}

/* The oldest request whose lane try is over. */
static sk_request *lane_next_over(sk_client *c)
{
    if (!c->n_lane_over)
        return NULL;
    for (sk_request *r = c->head; r; r = r->next)
        if (r->lane_over)
            return r;
    return NULL;
}

static void lane_finish(sk_client *c, sk_request *r)
{
    r->lane_over = false;
    c->n_lane_over--;
    c->n_active--;
    r->state = RQ_QUEUED;
    transfer_end(c, r, r->lane_rc, r->lane_http, r->lane_connect_code, r->lane_ra_s);
}

/* r leaves the lane before its answer (cancelled): its connection cannot be reused. */
static void lane_drop(sk_client *c, sk_request *r)
{
    if (r->lane_over) {
        r->lane_over = false;
        c->n_lane_over--;
    }
    lane_conn *k = r->lane;
    if (!k)
        return;
    k->r = NULL;
    r->lane = NULL;
    lane_out_free(k);
    if (k->st == LC_OPEN)
        k->st = LC_DEAD;   /* its answer would come in on it */
}

static void lane_free_all(sk_client *c)
{
    for (int i = 0; i < c->n_lanes; i++)
        c->lanes[i]->st = LC_DEAD;
    lane_sweep(c);
    if (c->lane_multi)
        curl_multi_cleanup(c->lane_multi);
    free(c->lanes);
    free(c->lane_socks);
    free(c->waitfds);
}

/* ---------------------------------------------------------------- the loop */

static void deliver_failed(sk_client *c)
{
    for (;;) {
        sk_request *r = c->head;
        while (r && r->state != RQ_FAILED)
            r = r->next;
        if (!r)
            return;
        sk_error e = r->err;
        complete(c, r, 0, &e);
    }
}

void client_set_step_budget(sk_client *c, long budget_us, int break_fd)
{
    c->step_budget_us = budget_us > 0 ? budget_us : 0;
    c->step_break_fd = budget_us > 0 ? break_fd : -1;
}

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The step has done its share: its time is up, or the terminal has a key waiting. */
static bool step_over(const sk_client *c, int64_t t0)
{
    if (!c->step_budget_us)
        return false;
    if (now_us() - t0 >= c->step_budget_us)
        return true;
    struct pollfd p = { c->step_break_fd, POLLIN, 0 };
    return c->step_break_fd >= 0 && poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

void client_step(sk_client *c)
{
    int running = 0;
    int64_t t0 = c->step_budget_us ? now_us() : 0;
    c->step_cut = false;
    kick(c);
    curl_multi_perform(c->multi, &running);
    lane_service(c);
    bodies_in(c);
    CURLMsg *m;
    int left;
    unsigned done = 0;   /* at least one answer a step, whatever the bound */
    while (!done || !(c->step_cut = step_over(c, t0))) {
        sk_request *lr = lane_next_over(c);
        if (lr) {
            done++;
            unsigned long sent = c->stats.requests_sent;
            lane_finish(c, lr);
            lane_pull(c);
            if (c->stats.requests_sent != sent && c->stats.requests_sent != c->flushed) {
                lane_push(c);
                curl_multi_perform(c->multi, &running);
            }
            continue;
        }
        if (!(m = curl_multi_info_read(c->multi, &left)))
            break;
        if (m->msg != CURLMSG_DONE)
            continue;
        done++;
        CURL *e = m->easy_handle;
        CURLcode rc = m->data.result;
        char *priv = NULL;
        curl_easy_getinfo(e, CURLINFO_PRIVATE, &priv);
        if (!priv)
            continue;
        unsigned long sent = c->stats.requests_sent;
        finish_transfer(c, (sk_request *)priv, rc);
        /* The callback may have queued the next page: send it now, while the answers still
         * waiting here are parsed, rather than after all of them (the server would idle),
         * unless the callback's own client_flush already did. */
        if (c->stats.requests_sent != sent && c->stats.requests_sent != c->flushed) {
            lane_push(c);
            curl_multi_perform(c->multi, &running);
        }
    }
    deliver_failed(c);
    kick(c);
    lane_push(c);   /* what the last kick put on the lane, before the wait */
    deliver_failed(c);
}

void client_flush(sk_client *c)
{
    int running = 0;
    kick(c);
    lane_push(c);
    curl_multi_perform(c->multi, &running);   /* finished transfers wait for client_step */
    c->flushed = c->stats.requests_sent;
}

long client_next_timer_ms(const sk_client *c)
{
    if (c->step_cut)
        return 0;   /* answers are waiting in curl's queue: no blocking wait */
    int64_t now = now_ms(), best = -1;
    for (const sk_request *r = c->head; r; r = r->next) {
        int64_t d = -1;
        if (r->state == RQ_FAILED)
            d = 0;
        else if (r->state == RQ_TIMER)
            d = r->due_ms > now ? r->due_ms - now : 0;
        if (d >= 0 && (best < 0 || d < best))
            best = d;
    }
    long cm = -1;
    curl_multi_timeout(c->multi, &cm);
    if (cm >= 0 && (best < 0 || cm < best))
        best = cm;
    if (c->n_lane_over)
        return 0;   /* lane answers wait for client_step */
    if (c->lane_timer_ms >= 0) {
        int64_t d = c->lane_timer_ms > now ? c->lane_timer_ms - now : 0;
        if (best < 0 || d < best)
            best = d;
    }
    for (int i = 0; i < c->n_lanes; i++) {
        const sk_request *r = c->lanes[i]->r;
        if (r && c->lanes[i]->st == LC_OPEN) {
            int64_t d = r->deadline_ms > now ? r->deadline_ms - now : 0;
            if (best < 0 || d < best)
                best = d;
        }
    }
    return (long)best;
}

/* The fds client_wait polls beside curl's own: the caller's, then the lane's (what curl waits
 * for on the connections it opens, then the open ones, idle or with a request on them). */
static unsigned wait_fds(sk_client *c, const struct curl_waitfd *extra, unsigned n_extra)
{
    unsigned want = n_extra + (unsigned)c->n_lane_socks + (unsigned)c->n_lanes;
    if (want > c->cap_waitfds) {
        struct curl_waitfd *n = realloc(c->waitfds, want * sizeof *n);
        if (!n)
            return UINT_MAX;
        c->waitfds = n;
        c->cap_waitfds = want;
    }
    unsigned n = 0;
    for (unsigned i = 0; i < n_extra; i++)
        c->waitfds[n++] = extra[i];
    for (int i = 0; i < c->n_lane_socks; i++) {
        int w = c->lane_socks[i].what;
        c->waitfds[n++] = (struct curl_waitfd){
            c->lane_socks[i].fd,
            (short)((w & CURL_POLL_IN ? CURL_WAIT_POLLIN : 0) |
                    (w & CURL_POLL_OUT ? CURL_WAIT_POLLOUT : 0)), 0 };
    }
    for (int i = 0; i < c->n_lanes; i++) {
        lane_conn *k = c->lanes[i];
        if (k->st != LC_OPEN)
            continue;
        /* An idle one is watched too, for the server's close: it ends then, rather than at its
         * next request or never (a socket in CLOSE_WAIT meanwhile). No event comes while it
         * stays open, so an idle dashboard still never wakes. */
        bool out = lane_busy(k) && k->out_sent < k->out_len;
        c->waitfds[n++] =
            (struct curl_waitfd){ k->fd, (short)(out ? CURL_WAIT_POLLOUT : CURL_WAIT_POLLIN), 0 };
    }
    return n;
}

int client_wait(sk_client *c, struct curl_waitfd *extra, unsigned n_extra, int timeout_ms)
{
    long t = client_next_timer_ms(c);
    long to = timeout_ms < 0 ? WAIT_FOREVER_MS : timeout_ms;
    if (t >= 0 && t < to)
        to = t;
    for (unsigned i = 0; i < n_extra; i++)
        extra[i].revents = 0;
    unsigned n = c->n_lanes ? wait_fds(c, extra, n_extra) : UINT_MAX;
    if (n == UINT_MAX) {
        /* Nothing of the lane's to watch (or no memory to list it: then a short wait). */
        curl_multi_poll(c->multi, extra, n_extra, c->n_lanes && to > 10 ? 10 : (int)to, NULL);
    } else {
        curl_multi_poll(c->multi, c->waitfds, n, (int)to, NULL);
        for (unsigned i = 0; i < n_extra; i++)
            extra[i].revents = c->waitfds[i].revents;
        unsigned at = n_extra;
        for (int i = 0; i < c->n_lane_socks && at < n; i++)
            c->lane_socks[i].revents = c->waitfds[at++].revents;
        /* The same walk as wait_fds: nothing has changed the connections since. */
        for (int i = 0; i < c->n_lanes && at < n; i++) {
            lane_conn *k = c->lanes[i];
            if (k->st != LC_OPEN)
                continue;
            bool rev = c->waitfds[at++].revents != 0;
            if (k->r)
                k->ready = rev;
            else
                k->hup = rev;
        }
        c->lane_waited = true;
    }
    int ready = 0;
    for (unsigned i = 0; i < n_extra; i++)
        if (extra[i].revents)
            ready++;
    return ready;
}

void client_run(sk_client *c)
{
    client_step(c);
    while (client_pending(c) > 0) {
        client_wait(c, NULL, 0, -1);
        client_step(c);
    }
}
