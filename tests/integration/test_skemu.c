/* test_skemu.c: skemu over real HTTP on loopback: tokens, auth, every endpoint with its error
 * cases, paging, determinism, generated data, magic links and every fault flag. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../support/skemu_proc.h"

/* ---- HTTP with libcurl easy ---- */

typedef struct resp {
    CURLcode rc;
    long status;
    char *body;
    size_t len;
    bool has_retry_after;
    char retry_after[32];
} resp;

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    resp *r = ud;
    size_t add = sz * n;
    r->body = realloc(r->body, r->len + add + 1);
    memcpy(r->body + r->len, p, add);
    r->len += add;
    r->body[r->len] = '\0';
    return add;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    resp *r = ud;
    size_t len = sz * n;
    if (len > 12 && strncasecmp(p, "Retry-After:", 12) == 0) {
        r->has_retry_after = true;
        size_t k = 0;
        for (size_t i = 12; i < len && k + 1 < sizeof r->retry_after; i++)
            if (p[i] != ' ' && p[i] != '\r' && p[i] != '\n') r->retry_after[k++] = p[i];
        r->retry_after[k] = '\0';
    }
    return len;
}

static resp http(const char *method, const char *url, const char *token, const char *ctype,
                 const char *body, size_t body_len, long timeout_ms)
{
    resp r;
    memset(&r, 0, sizeof r);
    r.body = calloc(1, 1);
    CURL *c = curl_easy_init();
    struct curl_slist *h = NULL;
    char line[4096];
    if (token) {
        int n = snprintf(line, sizeof line, "Authorization: Bearer %s", token);
        assert_true(n > 0 && (size_t)n < sizeof line);
        h = curl_slist_append(h, line);
    }
    if (ctype) {
        snprintf(line, sizeof line, "Content-Type: %s", ctype);
        h = curl_slist_append(h, line);
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body_len);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 20000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    r.rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return r;
}

static void resp_free(resp *r)
{
    free(r->body);
    r->body = NULL;
}

static resp token_request(const skemu_proc *p, const char *form)
{
    char url[256];
    snprintf(url, sizeof url, "%s/oauth/token", p->url);
    return http("POST", url, NULL, "application/x-www-form-urlencoded", form, strlen(form), 0);
}

static const char good_form[] = "grant_type=client_credentials&client_id=" SKEMU_DEMO_CLIENT_ID
                                "&client_secret=" SKEMU_DEMO_CLIENT_SECRET;

/* Strict parse of a whole body; NULL when it is not one valid JSON value. */
static json_object *jparse(const resp *r)
{
    json_tokener *t = json_tokener_new();
    json_tokener_set_flags(t, JSON_TOKENER_STRICT);
    json_object *o = json_tokener_parse_ex(t, r->body, (int)r->len);
    bool ok = o && json_tokener_get_error(t) == json_tokener_success &&
              json_tokener_get_parse_end(t) == r->len;
    json_tokener_free(t);
    if (!ok) {
        json_object_put(o);
        return NULL;
    }
    return o;
}

static json_object *jget(json_object *o, const char *key)
{
    json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static const char *jstr(json_object *o, const char *key)
{
    json_object *v = jget(o, key);
    return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static char *get_token(const skemu_proc *p)
{
    resp r = token_request(p, good_form);
    assert_int_equal(r.status, 200);
    json_object *o = jparse(&r);
    assert_non_null(o);
    char *t = strdup(jstr(o, "access_token"));
    json_object_put(o);
    resp_free(&r);
    return t;
}

static resp api(const skemu_proc *p, const char *token, const char *method, const char *path,
                const char *json_body)
{
    char url[4096];
    snprintf(url, sizeof url, "%s%s", p->url, path);
    return http(method, url, token, json_body ? "application/json" : NULL, json_body,
                json_body ? strlen(json_body) : 0, 0);
}

/* Asserts a Scalekit error body with this gRPC code and error_code. */
static void assert_error(const resp *r, long http_status, int code, const char *error_code)
{
    assert_int_equal(r->status, http_status);
    json_object *o = jparse(r);
    assert_non_null(o);
    assert_int_equal(json_object_get_int(jget(o, "code")), code);
    assert_non_null(jstr(o, "message"));
    json_object *d = jget(o, "details");
    assert_true(d && json_object_is_type(d, json_type_array) && json_object_array_length(d) == 1);
    json_object *d0 = json_object_array_get_idx(d, 0);
    assert_string_equal(jstr(d0, "@type"), "type.googleapis.com/scalekit.v1.errdetails.ErrorInfo");
    if (error_code) assert_string_equal(jstr(d0, "error_code"), error_code);
    json_object_put(o);
}

static void expect_api_error(const skemu_proc *p, const char *tok, const char *method,
                             const char *path, const char *body, long status, int code)
{
    resp r = api(p, tok, method, path, body);
    assert_error(&r, status, code, NULL);
    resp_free(&r);
}

/* ---- the shared default skemu (300 accounts, 6 connections, seed 1) ---- */

static skemu_proc shared;
static char *shared_tok;

static int group_setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const char *args[] = {NULL};
    if (skemu_start(&shared, args) != 0) return -1;
    shared_tok = get_token(&shared);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    free(shared_tok);
    int rc = skemu_stop(&shared);
    curl_global_cleanup();
    return rc == 0 ? 0 : -1;
}

/* Fetches every account of a listing path (ending in '?' or '&'), checking each page. */
static json_object *walk_all(const skemu_proc *p, const char *tok, const char *path,
                             int page_size, long *total_out)
{
    json_object *all = json_object_new_array();
    char *page_token = NULL;
    long total = -1;
    for (int pages = 0; pages < 100000; pages++) {
        char full[2048];
        snprintf(full, sizeof full, "%spage_size=%d%s%s", path, page_size,
                 page_token ? "&page_token=" : "", page_token ? page_token : "");
        resp r = api(p, tok, "GET", full, NULL);
        assert_int_equal(r.status, 200);
        json_object *o = jparse(&r);
        assert_non_null(o);
        json_object *rows = jget(o, "connected_accounts");
        assert_true(json_object_is_type(rows, json_type_array));
        assert_true((int)json_object_array_length(rows) <= page_size);
        long t = (long)json_object_get_int64(jget(o, "total_size"));
        if (total >= 0) assert_int_equal(t, total);
        total = t;
        for (size_t i = 0; i < json_object_array_length(rows); i++)
            json_object_array_add(all, json_object_get(json_object_array_get_idx(rows, i)));
        const char *next = jstr(o, "next_page_token");
        assert_non_null(next);
        free(page_token);
        page_token = *next ? strdup(next) : NULL;
        json_object_put(o);
        resp_free(&r);
        if (!page_token) break;
    }
    free(page_token);
    *total_out = total;
    return all;
}

/* First account (list view) whose status equals want; NULL if none. Caller puts it. */
static json_object *find_with_status(const skemu_proc *p, const char *tok, const char *want,
                                     const char *auth_type)
{
    long total;
    json_object *all = walk_all(p, tok, "/api/v1/connected_accounts?", 99, &total);
    json_object *found = NULL;
    for (size_t i = 0; i < json_object_array_length(all) && !found; i++) {
        json_object *a = json_object_array_get_idx(all, i);
        const char *st = jstr(a, "status"), *at = jstr(a, "authorization_type");
        if (st && strcmp(st, want) == 0 && (!auth_type || (at && strcmp(at, auth_type) == 0)))
            found = json_object_get(a);
    }
    json_object_put(all);
    return found;
}

/* The account as a listing shows it (listings serve cached text: it must follow changes). */
static const char *listed_field(const skemu_proc *p, const char *tok, const char *connector,
                                const char *id, const char *field, char *out, size_t outlen)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/connected_accounts?connector=%s&", connector);
    long total;
    json_object *all = walk_all(p, tok, path, 99, &total);
    out[0] = '\0';
    bool seen = false;
    for (size_t i = 0; i < json_object_array_length(all); i++) {
        json_object *a = json_object_array_get_idx(all, i);
        if (strcmp(jstr(a, "id"), id) != 0) continue;
        const char *v = jstr(a, field);
        snprintf(out, outlen, "%s", v ? v : "");
        seen = true;
    }
    json_object_put(all);
    return seen ? out : "(not listed)";
}

/* ---- tests ---- */

/* The access token has a real one's shape and size (the client's CPU per request depends on
 * it: curl formats each header byte): an RS256 JWT, three base64url parts, the header
 * '{"alg":"RS256","kid":"snk_...', the signature 256 bytes (342 characters). */
static void assert_rs256_sized(const char *t)
{
    assert_non_null(t);
    static const char head[] = "eyJhbGciOiJSUzI1NiIsImtpZCI6InNua18";
    assert_true(strncmp(t, head, strlen(head)) == 0);
    const char *d1 = strchr(t, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    assert_non_null(d2);
    assert_null(strchr(d2 + 1, '.'));
    assert_int_equal(strlen(d2 + 1), 342);
    assert_true(d2 - d1 - 1 > 200);   /* a dozen claims */
    assert_int_equal(strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."),
                     strlen(t));
}

static void test_token_good_and_bad_credentials(void **state)
{
    (void)state;
    resp r = token_request(&shared, good_form);
    assert_int_equal(r.status, 200);
    json_object *o = jparse(&r);
    assert_non_null(o);
    assert_rs256_sized(jstr(o, "access_token"));
    /* Another token: its own, signed with the same key (the same JWT header). */
    char *other = get_token(&shared);
    const char *first = jstr(o, "access_token");
    size_t head_len = (size_t)(strchr(first, '.') - first);
    assert_string_not_equal(other, first);
    assert_int_equal(strcspn(other, "."), head_len);
    assert_memory_equal(first, other, head_len);
    free(other);
    assert_string_equal(jstr(o, "token_type"), "Bearer");
    assert_string_equal(jstr(o, "scope"), "openid");
    assert_int_equal(json_object_get_int(jget(o, "expires_in")), 3600);
    json_object_put(o);
    resp_free(&r);

    r = token_request(&shared, "grant_type=client_credentials&client_id=skc_demo"
                               "&client_secret=wrong");
    assert_int_equal(r.status, 401);
    o = jparse(&r);
    assert_string_equal(jstr(o, "error"), "invalid_client");
    assert_non_null(jstr(o, "error_description"));
    assert_null(strstr(r.body, SKEMU_DEMO_CLIENT_SECRET));
    json_object_put(o);
    resp_free(&r);

    r = token_request(&shared, "client_id=skc_demo&client_secret=" SKEMU_DEMO_CLIENT_SECRET);
    assert_int_equal(r.status, 400);
    o = jparse(&r);
    assert_string_equal(jstr(o, "error"), "unsupported_grant_type");
    json_object_put(o);
    resp_free(&r);

    r = token_request(&shared, "grant_type=password&client_id=skc_demo&client_secret="
                               SKEMU_DEMO_CLIENT_SECRET);
    assert_int_equal(r.status, 400);
    resp_free(&r);
}

static void test_api_needs_a_valid_bearer(void **state)
{
    (void)state;
    resp r = api(&shared, NULL, "GET", "/api/v1/connected_accounts", NULL);
    assert_error(&r, 401, 16, "UNAUTHENTICATED");
    resp_free(&r);
    r = api(&shared, "eyJnot-a-token", "GET", "/api/v1/connected_accounts", NULL);
    assert_error(&r, 401, 16, "UNAUTHENTICATED");
    resp_free(&r);
    r = api(&shared, NULL, "GET", "/api/v1/no/such/thing", NULL);
    assert_int_equal(r.status, 401);
    resp_free(&r);
    r = api(&shared, shared_tok, "GET", "/api/v1/connected_accounts", NULL);
    assert_int_equal(r.status, 200);
    resp_free(&r);
}

static void test_connections_endpoint(void **state)
{
    (void)state;
    resp r = api(&shared, shared_tok, "GET", "/api/v1/connections/app?page_size=30", NULL);
    assert_int_equal(r.status, 200);
    json_object *o = jparse(&r);
    json_object *rows = jget(o, "connections");
    assert_int_equal(json_object_array_length(rows), 6);
    assert_int_equal(json_object_get_int(jget(o, "total_size")), 6);
    assert_string_equal(jstr(o, "next_page_token"), "");
    json_object *c0 = json_object_array_get_idx(rows, 0);
    assert_string_equal(jstr(c0, "key_id"), "gmail");
    assert_string_equal(jstr(c0, "provider_key"), "GMAIL");
    assert_string_equal(jstr(c0, "status"), "COMPLETED");
    assert_true(strncmp(jstr(c0, "id"), "conn_", 5) == 0);
    assert_non_null(jstr(c0, "type"));
    assert_true(json_object_is_type(jget(c0, "enabled"), json_type_boolean));
    json_object_put(o);
    resp_free(&r);

    /* Two pages of 4 + 2, the provider filter, and the page size limit. */
    r = api(&shared, shared_tok, "GET", "/api/v1/connections/app?page_size=4", NULL);
    o = jparse(&r);
    assert_int_equal(json_object_array_length(jget(o, "connections")), 4);
    char path[256];
    snprintf(path, sizeof path, "/api/v1/connections/app?page_size=4&page_token=%s",
             jstr(o, "next_page_token"));
    json_object_put(o);
    resp_free(&r);
    r = api(&shared, shared_tok, "GET", path, NULL);
    o = jparse(&r);
    assert_int_equal(json_object_array_length(jget(o, "connections")), 2);
    assert_string_equal(jstr(o, "next_page_token"), "");
    json_object_put(o);
    resp_free(&r);
    r = api(&shared, shared_tok, "GET", "/api/v1/connections/app?provider=slack", NULL);
    o = jparse(&r);
    assert_int_equal(json_object_get_int(jget(o, "total_size")), 1);
    json_object_put(o);
    resp_free(&r);
    expect_api_error(&shared, shared_tok, "GET", "/api/v1/connections/app?page_size=31", NULL,
                     400, 3);
}

static void test_list_walks_every_page_once(void **state)
{
    (void)state;
    long total = 0;
    json_object *all = walk_all(&shared, shared_tok, "/api/v1/connected_accounts?", 7, &total);
    assert_int_equal(total, 300);
    assert_int_equal(json_object_array_length(all), 300);
    /* Every id once; list rows never carry credentials. */
    for (size_t i = 0; i < json_object_array_length(all); i++) {
        json_object *a = json_object_array_get_idx(all, i);
        assert_null(jget(a, "authorization_details"));
        const char *id = jstr(a, "id");
        assert_true(strncmp(id, "ca_", 3) == 0);
        for (size_t k = i + 1; k < json_object_array_length(all); k++)
            assert_string_not_equal(id, jstr(json_object_array_get_idx(all, k), "id"));
    }
    json_object_put(all);

    /* page_size 0 means the default of 10; the second page has a prev token. */
    resp r = api(&shared, shared_tok, "GET", "/api/v1/connected_accounts?page_size=0", NULL);
    json_object *o = jparse(&r);
    assert_int_equal(json_object_array_length(jget(o, "connected_accounts")), 10);
    assert_string_equal(jstr(o, "prev_page_token"), "");
    char path[256];
    snprintf(path, sizeof path, "/api/v1/connected_accounts?page_token=%s",
             jstr(o, "next_page_token"));
    json_object_put(o);
    resp_free(&r);
    r = api(&shared, shared_tok, "GET", path, NULL);
    o = jparse(&r);
    assert_int_equal(r.status, 200);
    assert_true(strlen(jstr(o, "prev_page_token")) > 0);
    json_object_put(o);
    resp_free(&r);
}

static bool has_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; hay && *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0) return true;
    return false;
}

static void test_list_filters(void **state)
{
    (void)state;
    long total_gmail = 0, total_two = 0;
    json_object *g = walk_all(&shared, shared_tok, "/api/v1/connected_accounts?connector=gmail&",
                              50, &total_gmail);
    assert_true(total_gmail > 0 && total_gmail < 300);
    for (size_t i = 0; i < json_object_array_length(g); i++)
        assert_string_equal(jstr(json_object_array_get_idx(g, i), "connector"), "gmail");
    /* The first connection holds about half the accounts. */
    assert_true(total_gmail >= 120 && total_gmail <= 180);

    json_object *two = walk_all(&shared, shared_tok,
                                "/api/v1/connected_accounts?connection_names=slack"
                                "&connection_names=github&", 50, &total_two);
    for (size_t i = 0; i < json_object_array_length(two); i++) {
        const char *c = jstr(json_object_array_get_idx(two, i), "connector");
        assert_true(strcmp(c, "slack") == 0 || strcmp(c, "github") == 0);
    }
    assert_true(total_two > 0);

    /* identifier is exact; query is a case-insensitive substring. */
    const char *ident = jstr(json_object_array_get_idx(g, 0), "identifier");
    char *esc = curl_easy_escape(NULL, ident, 0);
    char path[1024];
    snprintf(path, sizeof path, "/api/v1/connected_accounts?connector=gmail&identifier=%s", esc);
    resp r = api(&shared, shared_tok, "GET", path, NULL);
    json_object *o = jparse(&r);
    assert_int_equal(json_object_get_int(jget(o, "total_size")), 1);
    json_object_put(o);
    resp_free(&r);
    curl_free(esc);

    /* "GMAIL" finds every gmail account plus identifiers at gmail.com elsewhere. */
    long total_q = 0;
    json_object *q = walk_all(&shared, shared_tok, "/api/v1/connected_accounts?query=GMAIL&",
                              99, &total_q);
    assert_true(total_q >= total_gmail);
    for (size_t i = 0; i < json_object_array_length(q); i++) {
        json_object *a = json_object_array_get_idx(q, i);
        assert_true(has_nocase(jstr(a, "identifier"), "gmail") ||
                    has_nocase(jstr(a, "connector"), "gmail"));
    }
    json_object_put(q);
    json_object_put(g);
    json_object_put(two);
}

static void test_list_rejects_bad_input(void **state)
{
    (void)state;
    const char *bad[] = {
        "/api/v1/connected_accounts?connector=gmail&connection_names=slack",
        "/api/v1/connected_accounts?page_size=100",
        "/api/v1/connected_accounts?page_size=-1",
        "/api/v1/connected_accounts?page_size=ten",
        "/api/v1/connected_accounts?page_token=not-a-token",
        "/api/v1/connected_accounts?connector=gm%21ail",
        "/api/v1/connected_accounts?identifier=%ff%fe",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_api_error(&shared, shared_tok, "GET", bad[i], NULL, 400, 3);

    /* 21 connection names. */
    char path[2048] = "/api/v1/connected_accounts?";
    for (int i = 0; i < 21; i++) {
        char one[32];
        snprintf(one, sizeof one, "connection_names=c%d&", i);
        strcat(path, one);
    }
    expect_api_error(&shared, shared_tok, "GET", path, NULL, 400, 3);

    /* A good token used with other filters is refused. */
    resp r = api(&shared, shared_tok, "GET", "/api/v1/connected_accounts?page_size=5", NULL);
    json_object *o = jparse(&r);
    snprintf(path, sizeof path, "/api/v1/connected_accounts?connector=slack&page_token=%s",
             jstr(o, "next_page_token"));
    json_object_put(o);
    resp_free(&r);
    expect_api_error(&shared, shared_tok, "GET", path, NULL, 400, 3);
    /* A token longer than 100 characters. */
    char longtok[160];
    memset(longtok, 'A', 120);
    longtok[120] = '\0';
    snprintf(path, sizeof path, "/api/v1/connected_accounts?page_token=%s", longtok);
    expect_api_error(&shared, shared_tok, "GET", path, NULL, 400, 3);
}

static void test_search(void **state)
{
    (void)state;
    expect_api_error(&shared, shared_tok, "GET", "/api/v1/connected_accounts:search?query=ab",
                     NULL, 400, 3);
    expect_api_error(&shared, shared_tok, "GET", "/api/v1/connected_accounts:search", NULL, 400,
                     3);
    expect_api_error(&shared, shared_tok, "GET",
                     "/api/v1/connected_accounts:search?query=acme&page_size=31", NULL, 400, 3);
    long total = 0;
    json_object *all = walk_all(&shared, shared_tok,
                                "/api/v1/connected_accounts:search?query=ACME.com&", 30, &total);
    assert_true(total > 0);
    assert_int_equal((long)json_object_array_length(all), total);
    for (size_t i = 0; i < json_object_array_length(all); i++)
        assert_non_null(strstr(jstr(json_object_array_get_idx(all, i), "identifier"), "acme.com"));
    json_object_put(all);
}

static void test_details_and_auth(void **state)
{
    (void)state;
    json_object *a = find_with_status(&shared, shared_tok, "ACTIVE", "OAUTH");
    assert_non_null(a);
    char path[1024];
    snprintf(path, sizeof path, "/api/v1/connected_accounts/details?id=%s", jstr(a, "id"));
    resp r = api(&shared, shared_tok, "GET", path, NULL);
    assert_int_equal(r.status, 200);
    json_object *o = jparse(&r);
    json_object *ca = jget(o, "connected_account");
    assert_string_equal(jstr(ca, "id"), jstr(a, "id"));
    assert_null(strstr(r.body, "access_token"));
    assert_null(strstr(r.body, "refresh_token"));
    json_object_put(o);
    resp_free(&r);

    snprintf(path, sizeof path, "/api/v1/connected_accounts/auth?id=%s", jstr(a, "id"));
    r = api(&shared, shared_tok, "GET", path, NULL);
    assert_int_equal(r.status, 200);
    o = jparse(&r);
    json_object *ad = jget(jget(o, "connected_account"), "authorization_details");
    assert_non_null(jstr(jget(ad, "oauth_token"), "access_token"));
    json_object_put(o);
    resp_free(&r);

    /* By connector + identifier. */
    char *esc = curl_easy_escape(NULL, jstr(a, "identifier"), 0);
    snprintf(path, sizeof path, "/api/v1/connected_accounts/details?connector=%s&identifier=%s",
             jstr(a, "connector"), esc);
    r = api(&shared, shared_tok, "GET", path, NULL);
    assert_int_equal(r.status, 200);
    o = jparse(&r);
    assert_string_equal(jstr(jget(o, "connected_account"), "id"), jstr(a, "id"));
    json_object_put(o);
    resp_free(&r);

    /* Both kinds of selector, neither, half of one, unknown. */
    snprintf(path, sizeof path, "/api/v1/connected_accounts/details?id=%s&connector=%s",
             jstr(a, "id"), jstr(a, "connector"));
    expect_api_error(&shared, shared_tok, "GET", path, NULL, 400, 3);
    expect_api_error(&shared, shared_tok, "GET", "/api/v1/connected_accounts/details", NULL,
                     400, 3);
    expect_api_error(&shared, shared_tok, "GET",
                     "/api/v1/connected_accounts/details?connector=gmail", NULL, 400, 3);
    expect_api_error(&shared, shared_tok, "GET", "/api/v1/connected_accounts/details?id=ca_0",
                     NULL, 404, 5);
    expect_api_error(&shared, shared_tok, "GET",
                     "/api/v1/connected_accounts/auth?connector=gmail&identifier=nobody", NULL,
                     404, 5);
    curl_free(esc);
    json_object_put(a);
}

static void test_create_update_delete(void **state)
{
    (void)state;
    const char *create = "{\"connector\":\"slack\",\"identifier\":\"new.person+qa@example.com\"}";
    resp r = api(&shared, shared_tok, "POST", "/api/v1/connected_accounts", create);
    assert_int_equal(r.status, 201);
    json_object *o = jparse(&r);
    json_object *ca = jget(o, "connected_account");
    assert_string_equal(jstr(ca, "status"), "PENDING_AUTH");
    assert_string_equal(jstr(ca, "connector"), "slack");
    assert_string_equal(jstr(ca, "provider"), "SLACK");
    char id[64];
    snprintf(id, sizeof id, "%s", jstr(ca, "id"));
    json_object_put(o);
    resp_free(&r);

    expect_api_error(&shared, shared_tok, "POST", "/api/v1/connected_accounts", create, 409, 6);
    expect_api_error(&shared, shared_tok, "POST", "/api/v1/connected_accounts",
                     "{\"connector\":\"nosuch\",\"identifier\":\"x@y.z\"}", 404, 5);
    expect_api_error(&shared, shared_tok, "POST", "/api/v1/connected_accounts",
                     "{\"connector\":\"slack\"}", 400, 3);
    expect_api_error(&shared, shared_tok, "POST", "/api/v1/connected_accounts",
                     "{\"connector\":\"slack\",\"identifier\":7}", 400, 3);
    {   /* a NUL after the object is trailing data, not a blank */
        static const char nul[] = "{\"connector\":\"slack\",\"identifier\":\"nul@example.com\"}\0";
        char url[512];
        snprintf(url, sizeof url, "%s/api/v1/connected_accounts", shared.url);
        resp rn = http("POST", url, shared_tok, "application/json", nul, sizeof nul - 1, 0);
        assert_error(&rn, 400, 3, NULL);
        resp_free(&rn);
    }

    /* Created with credentials: ACTIVE at once. */
    r = api(&shared, shared_tok, "POST", "/api/v1/connected_accounts",
            "{\"connector\":\"slack\",\"identifier\":\"with-creds\",\"connected_account\":"
            "{\"authorization_details\":{\"oauth_token\":{\"access_token\":\"t\"}}}}");
    assert_int_equal(r.status, 201);
    o = jparse(&r);
    assert_string_equal(jstr(jget(o, "connected_account"), "status"), "ACTIVE");
    json_object_put(o);
    resp_free(&r);

    char st[64];
    assert_string_equal(listed_field(&shared, shared_tok, "slack", id, "status", st, sizeof st),
                        "PENDING_AUTH");
    char body[512];
    snprintf(body, sizeof body,
             "{\"id\":\"%s\",\"connected_account\":{\"authorization_details\":"
             "{\"oauth_token\":{\"access_token\":\"abc\",\"scopes\":[\"chat:write\"]}}}}", id);
    r = api(&shared, shared_tok, "PUT", "/api/v1/connected_accounts", body);
    assert_int_equal(r.status, 200);
    o = jparse(&r);
    assert_string_equal(jstr(jget(o, "connected_account"), "status"), "ACTIVE");
    json_object_put(o);
    resp_free(&r);
    assert_string_equal(listed_field(&shared, shared_tok, "slack", id, "status", st, sizeof st),
                        "ACTIVE");
    expect_api_error(&shared, shared_tok, "PUT", "/api/v1/connected_accounts",
                     "{\"id\":\"ca_0\",\"connected_account\":{}}", 404, 5);

    snprintf(body, sizeof body, "{\"id\":\"%s\"}", id);
    r = api(&shared, shared_tok, "POST", "/api/v1/connected_accounts:delete", body);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "{}");
    resp_free(&r);
    expect_api_error(&shared, shared_tok, "POST", "/api/v1/connected_accounts:delete", body,
                     404, 5);
    r = api(&shared, shared_tok, "POST", "/api/v1/connected_accounts:delete",
            "{\"connector\":\"slack\",\"identifier\":\"with-creds\"}");
    assert_int_equal(r.status, 200);
    resp_free(&r);
    expect_api_error(&shared, shared_tok, "POST", "/api/v1/connected_accounts:delete",
                     "{\"connector\":\"slack\"}", 400, 3);
    expect_api_error(&shared, shared_tok, "POST", "/api/v1/connected_accounts:delete",
                     "{\"id\":", 400, 3);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/connected_accounts/details?id=%s", id);
    expect_api_error(&shared, shared_tok, "GET", path, NULL, 404, 5);
    assert_string_equal(listed_field(&shared, shared_tok, "slack", id, "status", st, sizeof st),
                        "(not listed)");
}

static json_object *issue_link(const skemu_proc *p, const char *tok, const char *id)
{
    char body[128];
    snprintf(body, sizeof body, "{\"id\":\"%s\",\"state\":\"s1\"}", id);
    resp r = api(p, tok, "POST", "/api/v1/connected_accounts/magic_link", body);
    assert_int_equal(r.status, 200);
    json_object *o = jparse(&r);
    assert_non_null(o);
    resp_free(&r);
    return o;
}

static const char *account_status(const skemu_proc *p, const char *tok, const char *id,
                                  char *out, size_t outlen)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/connected_accounts/details?id=%s", id);
    resp r = api(p, tok, "GET", path, NULL);
    assert_int_equal(r.status, 200);
    json_object *o = jparse(&r);
    const char *s = jstr(jget(o, "connected_account"), "status");
    snprintf(out, outlen, "%s", s ? s : "");
    json_object_put(o);
    resp_free(&r);
    return out;
}

static void test_magic_link_round_trip(void **state)
{
    (void)state;
    json_object *a = find_with_status(&shared, shared_tok, "PENDING_AUTH", NULL);
    assert_non_null(a);
    const char *id = jstr(a, "id");
    json_object *l = issue_link(&shared, shared_tok, id);
    const char *link = jstr(l, "link");
    char prefix[160];
    snprintf(prefix, sizeof prefix, "%s/magic/", shared.url);
    assert_true(strncmp(link, prefix, strlen(prefix)) == 0);
    const char *expiry = jstr(l, "expiry");
    assert_non_null(expiry);
    assert_int_equal(expiry[strlen(expiry) - 1], 'Z');
    char st[64];
    assert_string_equal(account_status(&shared, shared_tok, id, st, sizeof st), "PENDING_AUTH");
    const char *conn = jstr(a, "connector");
    assert_string_equal(listed_field(&shared, shared_tok, conn, id, "status", st, sizeof st),
                        "PENDING_AUTH");

    resp r = http("GET", link, NULL, NULL, NULL, 0, 0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "Connected"));
    resp_free(&r);
    assert_string_equal(account_status(&shared, shared_tok, id, st, sizeof st), "ACTIVE");
    assert_string_equal(listed_field(&shared, shared_tok, conn, id, "status", st, sizeof st),
                        "ACTIVE");

    char bad[200];
    snprintf(bad, sizeof bad, "%s/magic/unknown-token", shared.url);
    r = http("GET", bad, NULL, NULL, NULL, 0, 0);
    assert_int_equal(r.status, 404);
    resp_free(&r);
    expect_api_error(&shared, shared_tok, "POST", "/api/v1/connected_accounts/magic_link",
                     "{\"id\":\"ca_0\"}", 404, 5);
    json_object_put(l);
    json_object_put(a);
}

static void test_magic_link_expires(void **state)
{
    (void)state;
    skemu_proc p;
    const char *args[] = {"--link-ttl", "1", NULL};
    assert_int_equal(skemu_start(&p, args), 0);
    char *tok = get_token(&p);
    json_object *a = find_with_status(&p, tok, "EXPIRED", NULL);
    assert_non_null(a);
    json_object *l = issue_link(&p, tok, jstr(a, "id"));
    usleep(1500 * 1000);
    resp r = http("GET", jstr(l, "link"), NULL, NULL, NULL, 0, 0);
    assert_int_equal(r.status, 410);
    assert_non_null(strstr(r.body, "<html"));
    resp_free(&r);
    char st[64];
    assert_string_equal(account_status(&p, tok, jstr(a, "id"), st, sizeof st), "EXPIRED");
    json_object_put(l);
    json_object_put(a);
    free(tok);
    assert_int_equal(skemu_stop(&p), 0);
}

static char *listing_bytes(const char *seed)
{
    skemu_proc p;
    const char *args[] = {"--generate", "200", "--connections", "4", "--seed", seed, NULL};
    assert_int_equal(skemu_start(&p, args), 0);
    char *tok = get_token(&p);
    resp r = api(&p, tok, "GET", "/api/v1/connected_accounts?page_size=99", NULL);
    assert_int_equal(r.status, 200);
    json_object *o = jparse(&r);
    char path[256];
    snprintf(path, sizeof path, "/api/v1/connected_accounts?page_size=99&page_token=%s",
             jstr(o, "next_page_token"));
    resp r2 = api(&p, tok, "GET", path, NULL);
    assert_int_equal(r2.status, 200);
    size_t n = r.len + r2.len;
    char *all = malloc(n + 1);
    memcpy(all, r.body, r.len);
    memcpy(all + r.len, r2.body, r2.len + 1);
    json_object_put(o);
    resp_free(&r);
    resp_free(&r2);
    free(tok);
    assert_int_equal(skemu_stop(&p), 0);
    return all;
}

static void test_same_seed_same_bytes(void **state)
{
    (void)state;
    char *a = listing_bytes("5"), *b = listing_bytes("5"), *c = listing_bytes("6");
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    free(a);
    free(b);
    free(c);
}

static bool is_wire_status(const char *s)
{
    const char *known[] = {"ACTIVE", "EXPIRED", "PENDING_AUTH", "PENDING_VERIFICATION",
                           "DISCONNECTED"};
    for (size_t i = 0; i < 5; i++)
        if (strcmp(s, known[i]) == 0) return true;
    return false;
}

static void check_every_status(const skemu_proc *p, const char *tok)
{
    const char *want[] = {"ACTIVE", "EXPIRED", "PENDING_AUTH", "PENDING_VERIFICATION",
                          "DISCONNECTED"};
    bool seen[5] = {false}, unknown = false, missing = false;
    long total;
    json_object *all = walk_all(p, tok, "/api/v1/connected_accounts?", 99, &total);
    for (size_t i = 0; i < json_object_array_length(all); i++) {
        const char *s = jstr(json_object_array_get_idx(all, i), "status");
        if (!s || !*s) {
            missing = true;
            continue;
        }
        if (!is_wire_status(s)) unknown = true;
        for (size_t k = 0; k < 5; k++)
            if (strcmp(s, want[k]) == 0) seen[k] = true;
    }
    for (size_t k = 0; k < 5; k++) assert_true(seen[k]);
    assert_true(unknown);
    assert_true(missing);
    json_object_put(all);
}

static void test_every_status_in_generated_data(void **state)
{
    (void)state;
    check_every_status(&shared, shared_tok);
    skemu_proc p;
    const char *args[] = {"--generate", "20", "--connections", "3", "--seed", "99", NULL};
    assert_int_equal(skemu_start(&p, args), 0);
    char *tok = get_token(&p);
    check_every_status(&p, tok);
    free(tok);
    assert_int_equal(skemu_stop(&p), 0);
}

static void test_data_file(void **state)
{
    (void)state;
    char path[] = "/tmp/skemu-test-data-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *data =
        "{\"connections\":[{\"id\":\"conn_1\",\"key_id\":\"gmail\",\"provider_key\":\"GMAIL\","
        "\"type\":\"OAUTH\"}],\"connected_accounts\":["
        "{\"id\":\"ca_1\",\"identifier\":\"ana@example.com\",\"connector\":\"gmail\","
        "\"status\":\"SUSPENDED\",\"last_used_at\":null,\"token_expires_at\":\"\"},"
        "{\"id\":\"ca_2\",\"identifier\":\"山田\",\"connection_id\":\"conn_1\"}]}";
    assert_int_equal(write(fd, data, strlen(data)), (ssize_t)strlen(data));
    close(fd);
    skemu_proc p;
    const char *args[] = {"--data", path, NULL};
    assert_int_equal(skemu_start(&p, args), 0);
    char *tok = get_token(&p);
    resp r = api(&p, tok, "GET", "/api/v1/connected_accounts/details?id=ca_1", NULL);
    assert_int_equal(r.status, 200);
    /* Served back exactly as given: unknown status kept, null and "" kept, absent absent. */
    assert_non_null(strstr(r.body, "\"status\":\"SUSPENDED\""));
    assert_non_null(strstr(r.body, "\"last_used_at\":null"));
    assert_non_null(strstr(r.body, "\"token_expires_at\":\"\""));
    assert_null(strstr(r.body, "updated_at"));
    assert_non_null(strstr(r.body, "\"connection_id\":\"conn_1\""));
    resp_free(&r);
    r = api(&p, tok, "GET", "/api/v1/connected_accounts", NULL);
    json_object *o = jparse(&r);
    assert_int_equal(json_object_get_int(jget(o, "total_size")), 2);
    json_object_put(o);
    resp_free(&r);
    free(tok);
    assert_int_equal(skemu_stop(&p), 0);

    /* A broken file: skemu refuses to start. */
    fd = open(path, O_WRONLY | O_TRUNC);
    assert_int_equal(write(fd, "{\"connected_accounts\":[{}]}", 27), 27);
    close(fd);
    assert_int_not_equal(skemu_start(&p, args), 0);
    unlink(path);
}

/* ---- faults ---- */

static void test_fail_rate(void **state)
{
    (void)state;
    skemu_proc p;
    const char *args[] = {"--fail-rate", "1.0", NULL};
    assert_int_equal(skemu_start(&p, args), 0);
    for (int i = 0; i < 4; i++) {
        resp r = token_request(&p, good_form);
        assert_true(r.status == 500 || r.status == 503);
        assert_error(&r, r.status, r.status == 500 ? 13 : 14, NULL);
        resp_free(&r);
    }
    /* /magic/ is never faulted. */
    char url[200];
    snprintf(url, sizeof url, "%s/magic/nope", p.url);
    resp r = http("GET", url, NULL, NULL, NULL, 0, 0);
    assert_int_equal(r.status, 404);
    resp_free(&r);
    assert_int_equal(skemu_stop(&p), 0);
}

static void test_fault_after(void **state)
{
    (void)state;
    skemu_proc p;
    const char *args[] = {"--fail-rate", "1.0", "--fault-after", "2", NULL};
    assert_int_equal(skemu_start(&p, args), 0);
    char *tok = get_token(&p);
    resp r = api(&p, tok, "GET", "/api/v1/connected_accounts", NULL);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    r = api(&p, tok, "GET", "/api/v1/connected_accounts", NULL);
    assert_true(r.status >= 500);
    resp_free(&r);
    free(tok);
    assert_int_equal(skemu_stop(&p), 0);
}

/* Up to 20 quick requests: at least two share a second, so one of them meets the limit. */
static void rate_limit_case(const char *retry_after, bool want_header)
{
    skemu_proc p;
    const char *args[] = {"--rate-limit", "1", "--retry-after", retry_after, NULL};
    assert_int_equal(skemu_start(&p, args), 0);
    bool limited = false;
    for (int i = 0; i < 20 && !limited; i++) {
        resp r = token_request(&p, good_form);
        if (r.status == 429) {
            limited = true;
            assert_error(&r, 429, 8, "RATE_LIMITED");
            assert_int_equal(r.has_retry_after, want_header);
            if (want_header) assert_string_equal(r.retry_after, retry_after);
        } else {
            assert_int_equal(r.status, 200);
        }
        resp_free(&r);
    }
    assert_true(limited);
    assert_int_equal(skemu_stop(&p), 0);
}

static void test_rate_limit_with_and_without_retry_after(void **state)
{
    (void)state;
    rate_limit_case("1", true);
    rate_limit_case("0", false);
}

static void test_token_ttl(void **state)
{
    (void)state;
    skemu_proc p;
    const char *args[] = {"--token-ttl", "1", NULL};
    assert_int_equal(skemu_start(&p, args), 0);
    resp r = token_request(&p, good_form);
    json_object *o = jparse(&r);
    assert_int_equal(json_object_get_int(jget(o, "expires_in")), 1);
    char *tok = strdup(jstr(o, "access_token"));
    json_object_put(o);
    resp_free(&r);
    usleep(2100 * 1000);
    r = api(&p, tok, "GET", "/api/v1/connected_accounts", NULL);
    assert_error(&r, 401, 16, "UNAUTHENTICATED");
    resp_free(&r);
    free(tok);
    assert_int_equal(skemu_stop(&p), 0);
}

static void damaged_body_case(const char *flag)
{
    skemu_proc p;
    const char *args[] = {flag, "1.0", NULL};
    assert_int_equal(skemu_start(&p, args), 0);
    resp r = token_request(&p, good_form);
    assert_int_equal(r.status, 200);
    json_object *o = jparse(&r);
    if (strcmp(flag, "--wrong-types-rate") == 0) {
        /* Valid JSON, but some field no longer has its type. */
        assert_non_null(o);
        bool all_right = json_object_is_type(jget(o, "access_token"), json_type_string) &&
                         json_object_is_type(jget(o, "token_type"), json_type_string) &&
                         json_object_is_type(jget(o, "expires_in"), json_type_int) &&
                         json_object_is_type(jget(o, "scope"), json_type_string);
        assert_false(all_right);
    } else {
        assert_null(o);
    }
    json_object_put(o);
    resp_free(&r);
    assert_int_equal(skemu_stop(&p), 0);
}

static void test_damaged_bodies(void **state)
{
    (void)state;
    damaged_body_case("--truncate-rate");
    damaged_body_case("--malformed-rate");
    damaged_body_case("--wrong-types-rate");
}

static void test_hang_rate(void **state)
{
    (void)state;
    skemu_proc p;
    const char *args[] = {"--hang-rate", "1.0", NULL};
    assert_int_equal(skemu_start(&p, args), 0);
    char url[200];
    snprintf(url, sizeof url, "%s/oauth/token", p.url);
    resp r = http("POST", url, NULL, "application/x-www-form-urlencoded", good_form,
                  strlen(good_form), 400);
    assert_int_equal(r.rc, CURLE_OPERATION_TIMEDOUT);
    resp_free(&r);
    /* A hung request does not keep SIGTERM from ending skemu cleanly. */
    assert_int_equal(skemu_stop(&p), 0);
}

static void test_no_connections_endpoint(void **state)
{
    (void)state;
    skemu_proc p;
    const char *args[] = {"--no-connections-endpoint", NULL};
    assert_int_equal(skemu_start(&p, args), 0);
    char *tok = get_token(&p);
    expect_api_error(&p, tok, "GET", "/api/v1/connections/app", NULL, 404, 5);
    resp r = api(&p, tok, "GET", "/api/v1/connected_accounts", NULL);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    free(tok);
    assert_int_equal(skemu_stop(&p), 0);
}

/* POST /api/v1/connected_accounts/{id}:disconnect keeps the record, sets it DISCONNECTED and
 * answers it without tokens; its links die; --no-disconnect[=404|501] takes it away. */
static void test_disconnect(void **state)
{
    (void)state;
    skemu_proc p;
    const char *args[] = {"--generate", "40", "--connections", "3", NULL};
    assert_int_equal(skemu_start(&p, args), 0);
    char *tok = get_token(&p);
    json_object *a = find_with_status(&p, tok, "ACTIVE", "OAUTH");
    assert_non_null(a);
    char id[64], connector[128], path[256];
    snprintf(id, sizeof id, "%s", jstr(a, "id"));
    snprintf(connector, sizeof connector, "%s", jstr(a, "connector"));
    json_object_put(a);
    /* a link issued before, to see that it dies */
    char body[256];
    snprintf(body, sizeof body, "{\"id\":\"%s\"}", id);
    resp l = api(&p, tok, "POST", "/api/v1/connected_accounts/magic_link", body);
    assert_int_equal(l.status, 200);
    json_object *lo = jparse(&l);
    char link[512];
    snprintf(link, sizeof link, "%s", jstr(lo, "link"));
    json_object_put(lo);
    resp_free(&l);

    snprintf(path, sizeof path, "/api/v1/connected_accounts/%s:disconnect", id);
    expect_api_error(&p, tok, "GET", path, NULL, 405, 12);
    expect_api_error(&p, tok, "POST", path, "[]", 400, 3);
    expect_api_error(&p, tok, "POST", "/api/v1/connected_accounts/ca_nope:disconnect", "{}",
                     404, 5);
    resp r = api(&p, tok, "POST", path, "{}");
    assert_int_equal(r.status, 200);
    json_object *o = jparse(&r);
    json_object *acc = jget(o, "connected_account");
    assert_non_null(acc);
    assert_string_equal(jstr(acc, "id"), id);
    assert_string_equal(jstr(acc, "status"), "DISCONNECTED");
    assert_null(strstr(r.body, "access_token"));
    json_object_put(o);
    resp_free(&r);
    char st[64];
    assert_string_equal(listed_field(&p, tok, connector, id, "status", st, sizeof st),
                        "DISCONNECTED");
    resp g = http("GET", link, NULL, NULL, NULL, 0, 0);
    assert_int_equal(g.status, 404);
    resp_free(&g);
    free(tok);
    assert_int_equal(skemu_stop(&p), 0);

    static const char *const modes[][2] = { {"--no-disconnect", "404"},
                                            {"--no-disconnect=501", "501"} };
    for (int m = 0; m < 2; m++) {
        const char *off[] = {"--generate", "40", "--connections", "3", modes[m][0], NULL};
        assert_int_equal(skemu_start(&p, off), 0);
        tok = get_token(&p);
        expect_api_error(&p, tok, "POST", path, "{}", atoi(modes[m][1]), m ? 12 : 5);
        free(tok);
        assert_int_equal(skemu_stop(&p), 0);
    }
    const char *bad[] = {"--no-disconnect=500", NULL};
    assert_int_not_equal(skemu_start(&p, bad), 0);
}

/* ---- robustness, flags, log ---- */

static void test_bad_requests_do_not_crash(void **state)
{
    (void)state;
    expect_api_error(&shared, shared_tok, "POST", "/api/v1/connected_accounts", "{not json",
                     400, 3);
    expect_api_error(&shared, shared_tok, "POST", "/api/v1/connected_accounts", "[1,2]", 400,
                     3);
    expect_api_error(&shared, shared_tok, "POST", "/api/v1/connected_accounts:delete", "", 400,
                     3);
    expect_api_error(&shared, shared_tok, "DELETE", "/api/v1/connected_accounts", NULL, 405,
                     12);
    expect_api_error(&shared, shared_tok, "GET", "/api/v1/connected_accounts:delete", NULL,
                     405, 12);
    expect_api_error(&shared, shared_tok, "GET", "/api/v1/nothing/here", NULL, 404, 5);
    expect_api_error(&shared, NULL, "GET", "/nothing", NULL, 404, 5);
    resp r = token_request(&shared, "");
    assert_int_equal(r.status, 400);
    resp_free(&r);

    /* A 2 MiB body. */
    size_t big = 2u * 1024 * 1024;
    char *huge = malloc(big + 1);
    memset(huge, 'x', big);
    huge[big] = '\0';
    r = api(&shared, shared_tok, "POST", "/api/v1/connected_accounts", huge);
    assert_true(r.status == 413 || r.status == 400);
    resp_free(&r);
    free(huge);

    /* Binary junk in a body and a query: still answered, and skemu still serves. */
    const char junk[] = "{\"id\":\"\x01\xff\xfe\"}";
    r = api(&shared, shared_tok, "POST", "/api/v1/connected_accounts:delete", junk);
    assert_int_equal(r.status, 400);
    resp_free(&r);
    expect_api_error(&shared, shared_tok, "GET",
                     "/api/v1/connected_accounts/details?id=%00%01", NULL, 400, 3);
    r = token_request(&shared, good_form);
    assert_int_equal(r.status, 200);
    resp_free(&r);
}

static int run_skemu(const char *args)
{
    const char *bin = getenv("SKEMU_BIN");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s %s >/dev/null 2>&1 </dev/null", bin && *bin ? bin : "build/skemu",
             args);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Headers far past what any client sends (256 KiB in one, then 2,000 of them): an HTTP error
 * or a closed connection, never a crash, and skemu goes on serving. */
static void test_huge_headers(void **state)
{
    (void)state;
    char url[256];
    snprintf(url, sizeof url, "%s/api/v1/connections/app", shared.url);
    for (int round = 0; round < 2; round++) {
        CURL *c = curl_easy_init();
        struct curl_slist *h = NULL;
        if (round == 0) {
            size_t big = 256u * 1024;
            char *line = malloc(big + 16);
            assert_non_null(line);
            memcpy(line, "X-Big: ", 7);
            memset(line + 7, 'a', big);
            line[7 + big] = '\0';
            h = curl_slist_append(h, line);
            free(line);
        } else {
            for (int i = 0; i < 2000; i++) {
                char line[64];
                snprintf(line, sizeof line, "X-Many-%d: %d", i, i);
                h = curl_slist_append(h, line);
            }
        }
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        resp r;
        memset(&r, 0, sizeof r);
        r.body = calloc(1, 1);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        CURLcode rc = curl_easy_perform(c);
        long status = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        curl_slist_free_all(h);
        curl_easy_cleanup(c);
        resp_free(&r);
        /* Refused (4xx) or the connection closed; a timeout would mean skemu hung on it. */
        assert_true(rc == CURLE_OK ? status >= 400 && status < 500 : rc != CURLE_OPERATION_TIMEDOUT);
        resp t = token_request(&shared, good_form);
        assert_int_equal(t.status, 200);
        resp_free(&t);
    }
}

static void test_flags(void **state)
{
    (void)state;
    assert_int_equal(run_skemu("--help"), 0);
    assert_int_equal(run_skemu("--version"), 0);
    assert_int_equal(run_skemu("--bogus"), 2);
    assert_int_equal(run_skemu("--port 70000"), 2);
    assert_int_equal(run_skemu("--fail-rate 1.5"), 2);
    assert_int_equal(run_skemu("--generate"), 2);
    assert_int_equal(run_skemu("--generate ten"), 2);
    assert_int_equal(run_skemu("--data /nonexistent.json --generate 5"), 2);
    assert_int_equal(run_skemu("--data /nonexistent/skemu.json --port 0"), 1);
}

static void test_request_log(void **state)
{
    (void)state;
    resp r = api(&shared, shared_tok, "GET", "/api/v1/connected_accounts?page_size=3&query=log",
                 NULL);
    resp_free(&r);
    assert_true(skemu_log_count(&shared, "GET /api/v1/connected_accounts?page_size=3&query=log "
                                         "200 ") == 1);
    /* The secret and the bearer token never reach the log. */
    assert_int_equal(skemu_log_count(&shared, SKEMU_DEMO_CLIENT_SECRET), 0);
    assert_int_equal(skemu_log_count(&shared, shared_tok), 0);
}

/* ---- answers lost after the work was done ---- */

/* The status of GET /details for an account selected by a query ("id=..." or
 * "connector=...&identifier=..."): 200 there, 404 gone. GETs are never lost. */
static long details_status(const skemu_proc *p, const char *tok, const char *selector)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/connected_accounts/details?%s", selector);
    resp r = api(p, tok, "GET", path, NULL);
    assert_int_equal(r.rc, CURLE_OK);
    long st = r.status;
    resp_free(&r);
    return st;
}

/* A mutating request with --lose-rate 1: no status, no byte of an answer, the connection
 * closed (curl's "empty reply") rather than held. */
static void assert_lost(const resp *r)
{
    assert_int_equal(r->rc, CURLE_GOT_NOTHING);
    assert_int_equal(r->status, 0);
    assert_int_equal(r->len, 0);
}

/* Which of n deletes of unknown ids lose their answer (1) or get their 404 (0). */
static void lose_pattern(const char *seed, char *out, int n)
{
    skemu_proc p;
    const char *args[] = {"--generate", "5", "--lose-rate", "0.5", "--seed", seed, NULL};
    assert_int_equal(skemu_start(&p, args), 0);
    char *tok = get_token(&p);
    for (int i = 0; i < n; i++) {
        resp r = api(&p, tok, "POST", "/api/v1/connected_accounts:delete",
                     "{\"id\":\"ca_nosuch\"}");
        if (r.rc == CURLE_GOT_NOTHING) {
            assert_lost(&r);
            out[i] = '1';
        } else {
            assert_error(&r, 404, 5, NULL);
            out[i] = '0';
        }
        resp_free(&r);
        /* A read between the writes draws nothing from the fault stream. */
        if (i % 3 == 0) assert_int_equal(details_status(&p, tok, "id=ca_nosuch"), 404);
    }
    out[n] = '\0';
    free(tok);
    assert_int_equal(skemu_stop(&p), 0);
}

static void test_lose_rate(void **state)
{
    (void)state;
    skemu_proc p;
    /* Requests 1 (token) and 2 (a create) come before the faults start. */
    const char *args[] = {"--generate", "20", "--lose-rate", "1.0", "--fault-after", "2", NULL};
    assert_int_equal(skemu_start(&p, args), 0);
    char *tok = get_token(&p);   /* /oauth/token is not an API write: never lost */
    resp r = api(&p, tok, "POST", "/api/v1/connected_accounts",
                 "{\"connector\":\"slack\",\"identifier\":\"lost.answer@example.com\"}");
    assert_int_equal(r.status, 201);   /* inside --fault-after: answered */
    json_object *o = jparse(&r);
    assert_non_null(o);
    char id[64], sel[128];
    snprintf(id, sizeof id, "%s", jstr(jget(o, "connected_account"), "id"));
    json_object_put(o);
    resp_free(&r);
    snprintf(sel, sizeof sel, "id=%s", id);
    assert_int_equal(details_status(&p, tok, sel), 200);

    /* The delete gets no answer at all, yet the account is gone: by id and from the listing. */
    char body[128];
    snprintf(body, sizeof body, "{\"id\":\"%s\"}", id);
    r = api(&p, tok, "POST", "/api/v1/connected_accounts:delete", body);
    assert_lost(&r);
    resp_free(&r);
    assert_int_equal(details_status(&p, tok, sel), 404);
    char st[64];
    assert_string_equal(listed_field(&p, tok, "slack", id, "status", st, sizeof st),
                        "(not listed)");
    assert_int_equal(skemu_log_count(&p, "POST /api/v1/connected_accounts:delete lost(200) "),
                     1);

    /* A create whose answer is lost is there all the same; a PUT is lost too. */
    r = api(&p, tok, "POST", "/api/v1/connected_accounts",
            "{\"connector\":\"slack\",\"identifier\":\"created.unseen@example.com\"}");
    assert_lost(&r);
    resp_free(&r);
    assert_int_equal(details_status(&p, tok,
                                    "connector=slack&identifier=created.unseen%40example.com"),
                     200);
    r = api(&p, tok, "PUT", "/api/v1/connected_accounts",
            "{\"connector\":\"slack\",\"identifier\":\"created.unseen@example.com\","
            "\"connected_account\":{\"authorization_details\":{\"oauth_token\":"
            "{\"access_token\":\"x\"}}}}");
    assert_lost(&r);
    resp_free(&r);
    r = api(&p, tok, "GET", "/api/v1/connected_accounts/details?connector=slack&"
            "identifier=created.unseen%40example.com", NULL);
    assert_int_equal(r.status, 200);
    o = jparse(&r);
    assert_string_equal(jstr(jget(o, "connected_account"), "status"), "ACTIVE");
    json_object_put(o);
    resp_free(&r);
    /* Still a token for the asking, and skemu serves on and exits cleanly. */
    r = token_request(&p, good_form);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    free(tok);
    assert_int_equal(skemu_stop(&p), 0);

    /* A share of the writes, from the seeded fault stream: the same seed loses the same ones. */
    char a[25], b[25];
    lose_pattern("7", a, 24);
    lose_pattern("7", b, 24);
    assert_string_equal(a, b);
    assert_non_null(strchr(a, '0'));
    assert_non_null(strchr(a, '1'));

    /* The flag is documented and checked like the other rates. */
    assert_int_equal(run_skemu("--lose-rate 1.5"), 2);
    assert_int_equal(run_skemu("--lose-rate x"), 2);
    const char *bin = getenv("SKEMU_BIN");
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s --help", bin && *bin ? bin : "build/skemu");
    FILE *h = popen(cmd, "r");
    assert_non_null(h);
    char line[256];
    bool listed = false;
    while (fgets(line, sizeof line, h))
        if (strstr(line, "--lose-rate F")) listed = true;
    assert_int_equal(pclose(h), 0);
    assert_true(listed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_good_and_bad_credentials),
        cmocka_unit_test(test_api_needs_a_valid_bearer),
        cmocka_unit_test(test_connections_endpoint),
        cmocka_unit_test(test_list_walks_every_page_once),
        cmocka_unit_test(test_list_filters),
        cmocka_unit_test(test_list_rejects_bad_input),
        cmocka_unit_test(test_search),
        cmocka_unit_test(test_details_and_auth),
        cmocka_unit_test(test_create_update_delete),
        cmocka_unit_test(test_magic_link_round_trip),
        cmocka_unit_test(test_magic_link_expires),
        cmocka_unit_test(test_same_seed_same_bytes),
        cmocka_unit_test(test_every_status_in_generated_data),
        cmocka_unit_test(test_data_file),
        cmocka_unit_test(test_fail_rate),
        cmocka_unit_test(test_fault_after),
        cmocka_unit_test(test_rate_limit_with_and_without_retry_after),
        cmocka_unit_test(test_token_ttl),
        cmocka_unit_test(test_damaged_bodies),
        cmocka_unit_test(test_hang_rate),
        cmocka_unit_test(test_no_connections_endpoint),
        cmocka_unit_test(test_disconnect),
        cmocka_unit_test(test_bad_requests_do_not_crash),
        cmocka_unit_test(test_huge_headers),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_request_log),
        cmocka_unit_test(test_lose_rate),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
