/* test_client.c: the HTTP engine and every endpoint of api.h against a real skemu on loopback:
 * auth, pagination, filters, create/update/delete, links, retries, rate limits, token renewal,
 * timeouts, damaged bodies, cancellation and the redacted trace. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <dirent.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api.h"
#include "buf.h"
#include "client.h"
#include "config.h"
#include "../support/fake_http.h"
#include "../support/skemu_fx.h"
#include "../support/skemu_proc.h"
#include "sk_time.h"

/* ---------------------------------------------------------------- fixture */

/* ---------------------------------------------------------------- collecting answers */

typedef struct ids {
    char **v;
    size_t n, cap;
} ids;

static void ids_add(ids *s, const char *id)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
        assert_non_null(s->v);
    }
    s->v[s->n++] = strdup(id ? id : "");
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Number of ids that appear more than once. */
static size_t ids_dups(ids *s)
{
    qsort(s->v, s->n, sizeof *s->v, cmp_str);
    size_t d = 0;
    for (size_t i = 1; i < s->n; i++)
        if (strcmp(s->v[i], s->v[i - 1]) == 0)
            d++;
    return d;
}

static void ids_free(ids *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

typedef struct page_rx {
    bool done;
    sk_error err;
    ids ids;
    char connectors[8][64];   /* distinct connectors seen, first few */
    size_t n_connectors;
    char first_identifier[128];
    char next[256];
    long long total;
    size_t n;
} page_rx;

static void on_accounts(void *ud, const sk_account_page *p, const sk_error *err)
{
    page_rx *rx = ud;
    rx->done = true;
    rx->err = *err;
    rx->next[0] = '\0';
    if (!p) {
        assert_int_not_equal(err->status, SK_OK);
        return;
    }
    assert_int_equal(err->status, SK_OK);
    rx->total = p->total_size;
    rx->n = p->n;
    snprintf(rx->next, sizeof rx->next, "%s", p->next_page_token ? p->next_page_token : "");
    for (size_t i = 0; i < p->n; i++) {
        ids_add(&rx->ids, p->rows[i].id);
        if (!rx->first_identifier[0] && p->rows[i].identifier)
            snprintf(rx->first_identifier, sizeof rx->first_identifier, "%s", p->rows[i].identifier);
        const char *cn = p->rows[i].connector ? p->rows[i].connector : "";
        bool seen = false;
        for (size_t k = 0; k < rx->n_connectors; k++)
            seen = seen || strcmp(rx->connectors[k], cn) == 0;
        if (!seen && rx->n_connectors < 8)
            snprintf(rx->connectors[rx->n_connectors++], 64, "%s", cn);
    }
}

typedef struct conn_rx {
    bool done;
    sk_error err;
    char names[64][64];
    char ids[64][64];
    size_t n;
    char next[256];
    long long total;
} conn_rx;

static void on_connections(void *ud, const sk_connection_page *p, const sk_error *err)
{
    conn_rx *rx = ud;
    rx->done = true;
    rx->err = *err;
    rx->next[0] = '\0';
    if (!p)
        return;
    rx->total = p->total_size;
    snprintf(rx->next, sizeof rx->next, "%s", p->next_page_token ? p->next_page_token : "");
    for (size_t i = 0; i < p->n && rx->n < 64; i++) {
        snprintf(rx->names[rx->n], 64, "%s", p->rows[i].name ? p->rows[i].name : "");
        snprintf(rx->ids[rx->n], 64, "%s", p->rows[i].id ? p->rows[i].id : "");
        rx->n++;
    }
}

typedef struct detail_rx {
    bool done;
    sk_error err;
    char id[64], identifier[128], connector[64], status[64], api_config[512];
    sk_state state;
} detail_rx;

static void on_detail(void *ud, const sk_account_detail *d, const sk_error *err)
{
    detail_rx *rx = ud;
    rx->done = true;
    rx->err = *err;
    if (!d)
        return;
    snprintf(rx->id, sizeof rx->id, "%s", d->a.id ? d->a.id : "");
    snprintf(rx->identifier, sizeof rx->identifier, "%s", d->a.identifier ? d->a.identifier : "");
    snprintf(rx->connector, sizeof rx->connector, "%s", d->a.connector ? d->a.connector : "");
    snprintf(rx->status, sizeof rx->status, "%s", d->a.status ? d->a.status : "");
    snprintf(rx->api_config, sizeof rx->api_config, "%s", d->api_config_json ? d->api_config_json : "");
    rx->state = d->a.state;
}

typedef struct done_rx {
    bool done;
    sk_error err;
} done_rx;

static void on_done(void *ud, const sk_error *err)
{
    done_rx *rx = ud;
    rx->done = true;
    rx->err = *err;
}

/* Runs the client until *flag (bounded: a hung test fails rather than blocks). */
static void run_until(sk_client *c, const bool *flag)
{
    for (int i = 0; !*flag && i < 100000; i++) {
        client_step(c);
        if (*flag)
            break;
        client_wait(c, NULL, 0, 1000);
    }
    assert_true(*flag);
}

/* Lists every page of q's listing sequentially into rx (rx->err: the first error). */
static void list_all(sk_client *c, api_list_query q, page_rx *rx, int *pages)
{
    char token[256] = "";
    *pages = 0;
    for (;;) {
        q.page_token = token[0] ? token : NULL;
        rx->done = false;
        api_list_accounts(c, &q, on_accounts, rx);
        run_until(c, &rx->done);
        if (rx->err.status != SK_OK)
            return;
        (*pages)++;
        if (!rx->next[0])
            return;
        snprintf(token, sizeof token, "%s", rx->next);
    }
}

static void get_connections(sk_client *c, conn_rx *rx)
{
    memset(rx, 0, sizeof *rx);
    api_list_connections(c, 30, NULL, on_connections, rx);
    run_until(c, &rx->done);
    assert_int_equal(rx->err.status, SK_OK);
}

/* ---------------------------------------------------------------- endpoints */

static void test_connections_and_list(void **st)
{
    (void)st;
    const char *args[] = { "--generate", "60", "--connections", "3", "--seed", "7", NULL };
    skemu_fx f;
    skemu_fx_start(&f, args, NULL, NULL);
    conn_rx cr;
    get_connections(f.c, &cr);
    assert_int_equal(cr.n, 3);
    for (size_t i = 0; i < cr.n; i++) {
        assert_true(cr.names[i][0] != '\0');
        assert_true(strncmp(cr.ids[i], "conn_", 5) == 0);
    }

    /* connector filter: only that connection's accounts. */
    page_rx rx = { 0 };
    api_list_query q = { .connector = cr.names[0], .page_size = 99 };
    int pages;
    list_all(f.c, q, &rx, &pages);
    assert_int_equal(rx.err.status, SK_OK);
    assert_true(rx.ids.n > 0);
    assert_int_equal(rx.n_connectors, 1);
    assert_string_equal(rx.connectors[0], cr.names[0]);
    size_t first = rx.ids.n;
    ids_free(&rx.ids);

    /* connection_names, repeated: accounts of exactly those two. */
    memset(&rx, 0, sizeof rx);
    const char *two[] = { cr.names[0], cr.names[1] };
    api_list_query q2 = { .connection_names = two, .n_connection_names = 2, .page_size = 99 };
    list_all(f.c, q2, &rx, &pages);
    assert_int_equal(rx.err.status, SK_OK);
    assert_true(rx.ids.n > first);
    assert_int_equal(rx.n_connectors, 2);
    for (size_t k = 0; k < rx.n_connectors; k++)
        assert_true(strcmp(rx.connectors[k], cr.names[0]) == 0 ||
                    strcmp(rx.connectors[k], cr.names[1]) == 0);
    ids_free(&rx.ids);

    /* identifier filter finds that one account. */
    memset(&rx, 0, sizeof rx);
    list_all(f.c, (api_list_query){ .page_size = 5 }, &rx, &pages);
    char ident[128];
    snprintf(ident, sizeof ident, "%s", rx.first_identifier);
    assert_true(ident[0] != '\0');
    ids_free(&rx.ids);
    memset(&rx, 0, sizeof rx);
    list_all(f.c, (api_list_query){ .identifier = ident }, &rx, &pages);
    assert_int_equal(rx.err.status, SK_OK);
    assert_true(rx.ids.n >= 1);
    assert_string_equal(rx.first_identifier, ident);
    ids_free(&rx.ids);
    skemu_fx_stop(&f);
}

typedef struct raw_rx {
    bool done;
    long status;
    char *body;
    size_t len;
} raw_rx;

static void on_raw(void *ud, const sk_response *r)
{
    raw_rx *rx = ud;
    rx->done = true;
    rx->status = r->http_status;
    rx->len = r->len;
    rx->body = malloc(r->len + 1);
    assert_non_null(rx->body);
    memcpy(rx->body, r->body, r->len);
    rx->body[r->len] = '\0';
}

/* An answer marked as holding no secret (the listing's pages: freed unwiped) reaches its
 * callback whole, the same as the same answer unmarked; a NULL request is no harm. */
static void test_no_secret_answer(void **st)
{
    (void)st;
    const char *args[] = { "--generate", "40", "--connections", "2", "--seed", "3", NULL };
    skemu_fx f;
    skemu_fx_start(&f, args, NULL, NULL);
    raw_rx a = { 0 }, b = { 0 };
    const char *path = "/api/v1/connected_accounts?page_size=30";
    sk_request *r = client_request(f.c, "GET", path, NULL, on_raw, &a);
    assert_non_null(r);
    client_request_no_secret(r);
    client_request_no_secret(NULL);
    run_until(f.c, &a.done);
    assert_non_null(client_request(f.c, "GET", path, NULL, on_raw, &b));
    run_until(f.c, &b.done);
    assert_int_equal(a.status, 200);
    assert_int_equal(b.status, 200);
    assert_true(a.len > 1000);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.body, b.body, a.len);
    free(a.body);
    free(b.body);
    skemu_fx_stop(&f);
}

static void test_usage_refused_before_sending(void **st)
{
    (void)st;
    const char *args[] = { "--generate", "5", NULL };
    skemu_fx f;
    skemu_fx_start(&f, args, NULL, NULL);
    const char *names[] = { "gmail" };
    page_rx rx = { 0 };
    api_list_query q = { .connector = "gmail", .connection_names = names, .n_connection_names = 1 };
    assert_null(api_list_accounts(f.c, &q, on_accounts, &rx));
    assert_true(rx.done);
    assert_int_equal(rx.err.status, SK_ERR_USAGE);
    memset(&rx, 0, sizeof rx);
    assert_null(api_list_accounts(f.c, &(api_list_query){ .page_size = 100 }, on_accounts, &rx));
    assert_int_equal(rx.err.status, SK_ERR_USAGE);
    memset(&rx, 0, sizeof rx);
    assert_null(api_search_accounts(f.c, "ab", NULL, 10, NULL, on_accounts, &rx));
    assert_int_equal(rx.err.status, SK_ERR_USAGE);
    memset(&rx, 0, sizeof rx);
    assert_null(api_search_accounts(f.c, "abc", NULL, 31, NULL, on_accounts, &rx));
    assert_int_equal(rx.err.status, SK_ERR_USAGE);
    detail_rx dr = { 0 };
    assert_null(api_get_account(f.c, &(sk_selector){ .connector = "gmail" }, on_detail, &dr));
    assert_int_equal(dr.err.status, SK_ERR_USAGE);
    memset(&dr, 0, sizeof dr);
    assert_null(api_update_account(f.c, &(sk_selector){ .id = "ca_1" }, "[1]", on_detail, &dr));
    assert_int_equal(dr.err.status, SK_ERR_USAGE);
    /* Nothing reached the server, not even a token request. */
    assert_int_equal(client_pending(f.c), 0);
    sk_client_stats s;
    client_stats(f.c, &s);
    assert_int_equal(s.requests_sent, 0);
    skemu_fx_stop(&f);
}

static void test_search(void **st)
{
    (void)st;
    const char *args[] = { "--generate", "40", "--connections", "2", NULL };
    skemu_fx f;
    skemu_fx_start(&f, args, NULL, NULL);
    page_rx rx = { 0 };
    int pages;
    list_all(f.c, (api_list_query){ .page_size = 3 }, &rx, &pages);
    char ident[128];
    snprintf(ident, sizeof ident, "%s", rx.first_identifier);
    ids_free(&rx.ids);
    assert_true(strlen(ident) >= 3);
    memset(&rx, 0, sizeof rx);
    api_search_accounts(f.c, ident, NULL, 30, NULL, on_accounts, &rx);
    run_until(f.c, &rx.done);
    assert_int_equal(rx.err.status, SK_OK);
    assert_true(rx.ids.n >= 1);
    assert_string_equal(rx.first_identifier, ident);
    ids_free(&rx.ids);
    skemu_fx_stop(&f);
}

static void test_account_lifecycle(void **st)
{
    (void)st;
    const char *args[] = { "--generate", "10", "--connections", "2", NULL };
    skemu_fx f;
    skemu_fx_start(&f, args, NULL, NULL);
    conn_rx cr;
    get_connections(f.c, &cr);
    const char *conn = cr.names[0];
    const char *ident = "new.user+tag@example.com";

    detail_rx dr = { 0 };
    api_create_account(f.c, conn, ident, "OAUTH", on_detail, &dr);
    run_until(f.c, &dr.done);
    assert_int_equal(dr.err.status, SK_OK);
    assert_string_equal(dr.identifier, ident);
    assert_string_equal(dr.connector, conn);
    char id[64];
    snprintf(id, sizeof id, "%s", dr.id);
    assert_true(strncmp(id, "ca_", 3) == 0);

    /* details by id and by connector + identifier name the same account */
    sk_detail_result res;
    sk_error err;
    assert_int_equal(api_get_account_sync(f.c, &(sk_selector){ .id = id }, &res, &err), SK_OK);
    assert_string_equal(res.d.a.id, id);
    assert_string_equal(res.d.a.identifier, ident);
    parse_account_detail_free(&res);
    sk_selector by_name = { .connector = conn, .identifier = ident };
    assert_int_equal(api_get_account_sync(f.c, &by_name, &res, &err), SK_OK);
    assert_string_equal(res.d.a.id, id);
    parse_account_detail_free(&res);

    /* creating it again is refused by the server */
    memset(&dr, 0, sizeof dr);
    api_create_account(f.c, conn, ident, NULL, on_detail, &dr);
    run_until(f.c, &dr.done);
    assert_int_equal(dr.err.status, SK_ERR_API);
    assert_int_equal(dr.err.http_status, 409);

    /* update api_config */
    memset(&dr, 0, sizeof dr);
    api_update_account(f.c, &(sk_selector){ .id = id }, "{\"base_url\":\"https://x.test\",\"n\":3}",
                       on_detail, &dr);
    run_until(f.c, &dr.done);
    assert_int_equal(dr.err.status, SK_OK);
    assert_non_null(strstr(dr.api_config, "https:\\/\\/x.test") ? dr.api_config
                                                                : strstr(dr.api_config, "https://x.test"));
    assert_int_equal(api_get_account_sync(f.c, &(sk_selector){ .id = id }, &res, &err), SK_OK);
    assert_non_null(res.d.api_config_json);
    assert_non_null(strstr(res.d.api_config_json, "\"n\":3"));
    parse_account_detail_free(&res);

    /* delete, then it is gone */
    assert_int_equal(api_delete_account_sync(f.c, &(sk_selector){ .id = id }, &err), SK_OK);
    assert_int_equal(api_get_account_sync(f.c, &(sk_selector){ .id = id }, &res, &err),
                     SK_ERR_NOT_FOUND);
    assert_int_equal(err.http_status, 404);
    assert_null(res.arena);
    assert_int_equal(api_delete_account_sync(f.c, &(sk_selector){ .id = id }, &err), SK_ERR_NOT_FOUND);
    /* async delete reports through its callback */
    done_rx dn = { 0 };
    api_delete_account(f.c, &(sk_selector){ .id = "ca_doesnotexist" }, on_done, &dn);
    run_until(f.c, &dn.done);
    assert_int_equal(dn.err.status, SK_ERR_NOT_FOUND);
    skemu_fx_stop(&f);
}

static size_t discard(char *p, size_t s, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return s * n;
}

static void test_magic_link_activates(void **st)
{
    (void)st;
    const char *args[] = { "--generate", "10", "--connections", "2", NULL };
    skemu_fx f;
    skemu_fx_start(&f, args, NULL, NULL);
    conn_rx cr;
    get_connections(f.c, &cr);
    detail_rx dr = { 0 };
    api_create_account(f.c, cr.names[1], "linkme@example.com", NULL, on_detail, &dr);
    run_until(f.c, &dr.done);
    assert_int_equal(dr.err.status, SK_OK);
    assert_int_not_equal(dr.state, SK_STATE_ACTIVE);
    char id[64];
    snprintf(id, sizeof id, "%s", dr.id);

    sk_link_result lr;
    sk_error err;
    sk_selector sel = { .connector = cr.names[1], .identifier = "linkme@example.com" };
    assert_int_equal(api_magic_link_sync(f.c, &sel, &lr, &err), SK_OK);
    assert_non_null(lr.l.link);
    assert_true(lr.l.expiry != SK_TIME_ABSENT);
    assert_true(lr.l.expiry > time_now());

    CURL *e = curl_easy_init();
    curl_easy_setopt(e, CURLOPT_URL, lr.l.link);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    assert_int_equal(curl_easy_perform(e), CURLE_OK);
    long code = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
    assert_int_equal(code, 200);
    curl_easy_cleanup(e);
    parse_link_free(&lr);

    sk_detail_result res;
    assert_int_equal(api_get_account_sync(f.c, &(sk_selector){ .id = id }, &res, &err), SK_OK);
    assert_int_equal(res.d.a.state, SK_STATE_ACTIVE);
    parse_account_detail_free(&res);

    /* a link for an account that does not exist */
    assert_int_equal(api_magic_link_sync(f.c, &(sk_selector){ .id = "ca_nope" }, &lr, &err),
                     SK_ERR_NOT_FOUND);
    skemu_fx_stop(&f);
}

/* ---------------------------------------------------------------- auth */

static void test_wrong_secret(void **st)
{
    (void)st;
    const char *args[] = { "--generate", "5", NULL };
    skemu_fx f;
    skemu_fx_start(&f, args, NULL, "not-the-secret");
    page_rx a = { 0 }, b = { 0 };
    api_list_accounts(f.c, NULL, on_accounts, &a);
    api_list_accounts(f.c, NULL, on_accounts, &b);   /* waits for the same token fetch */
    run_until(f.c, &a.done);
    run_until(f.c, &b.done);
    assert_int_equal(a.err.status, SK_ERR_AUTH);
    assert_int_equal(b.err.status, SK_ERR_AUTH);
    assert_non_null(strstr(a.err.message, "refused the client credentials"));
    assert_non_null(strstr(a.err.message, "invalid_client"));
    assert_null(strstr(a.err.message, "not-the-secret"));
    sk_client_stats s;
    client_stats(f.c, &s);
    assert_int_equal(s.token_fetches, 1);
    assert_int_equal(s.retries, 0);
    assert_int_equal(skemu_log_count(&f.p, "/api/v1/"), 0);   /* nothing sent without a token */
    skemu_fx_stop(&f);
}

/* The token dies on the server while the client still trusts it: the client must renew once
 * on the 401 and resend. Latency makes the client receive the token 600 ms after the server
 * issued it, so it believes in it ~600 ms too long. */
static void test_401_renews_once(void **st)
{
    (void)st;
    const char *args[] = { "--generate", "5", "--token-ttl", "1", "--latency-ms", "600", NULL };
    skemu_fx f;
    skemu_fx_start(&f, args, NULL, NULL);
    page_rx a = { 0 }, b = { 0 };
    api_list_accounts(f.c, NULL, on_accounts, &a);
    run_until(f.c, &a.done);   /* token at ~0.6 s, answer at ~1.2 s: the token is dead */
    assert_int_equal(a.err.status, SK_OK);
    api_list_accounts(f.c, NULL, on_accounts, &b);
    run_until(f.c, &b.done);
    assert_int_equal(b.err.status, SK_OK);
    assert_true(b.ids.n > 0);
    sk_client_stats s;
    client_stats(f.c, &s);
    assert_int_equal(s.token_fetches, 2);
    assert_true(skemu_log_count(&f.p, " 401") >= 1);
    ids_free(&a.ids);
    ids_free(&b.ids);
    skemu_fx_stop(&f);
}

/* ---------------------------------------------------------------- pagination */

static void test_pagination_page_size_7(void **st)
{
    (void)st;
    const char *args[] = { "--generate", "100", "--connections", "4", "--seed", "3", NULL };
    skemu_fx f;
    skemu_fx_start(&f, args, NULL, NULL);
    page_rx rx = { 0 };
    int pages;
    list_all(f.c, (api_list_query){ .page_size = 7 }, &rx, &pages);
    assert_int_equal(rx.err.status, SK_OK);
    assert_int_equal(rx.ids.n, 100);
    assert_int_equal(rx.total, 100);
    assert_int_equal(pages, 15);
    assert_int_equal(ids_dups(&rx.ids), 0);
    ids_free(&rx.ids);
    sk_client_stats s;
    client_stats(f.c, &s);
    assert_int_equal(s.token_fetches, 1);   /* cached across pages */
    assert_int_equal(s.requests_sent, 16);
    skemu_fx_stop(&f);
}

/* ---------------------------------------------------------------- faults */

static void test_retries_under_failures(void **st)
{
    (void)st;
    const char *args[] = { "--generate", "200", "--fail-rate", "0.3", "--seed", "11", NULL };
    sk_client_opts o;
    skemu_fx_fast_opts(&o, 8);
    o.max_tries = 10;
    skemu_fx f;
    skemu_fx_start(&f, args, &o, NULL);
    page_rx rx = { 0 };
    int pages;
    list_all(f.c, (api_list_query){ .page_size = 10 }, &rx, &pages);
    assert_int_equal(rx.err.status, SK_OK);
    assert_int_equal(rx.ids.n, 200);
    assert_int_equal(ids_dups(&rx.ids), 0);
    sk_client_stats s;
    client_stats(f.c, &s);
    assert_true(s.retries > 0);
    assert_int_equal(s.requests_sent, 20 + s.token_fetches + s.retries);
    ids_free(&rx.ids);
    skemu_fx_stop(&f);
}

/* Many requests at once over a rate limit: every one gets through in the end. */
static void rate_limited(const char *retry_after)
{
    const char *args[] = { "--generate", "20", "--rate-limit", "4", "--retry-after", retry_after,
                           NULL };
    sk_client_opts o;
    skemu_fx_fast_opts(&o, 8);
    o.max_tries = 15;
    o.backoff_base_ms = 100;
    o.backoff_cap_ms = 800;
    skemu_fx f;
    skemu_fx_start(&f, args, &o, NULL);
    enum { N = 8 };
    page_rx rx[N];
    memset(rx, 0, sizeof rx);
    for (int i = 0; i < N; i++)
        api_list_accounts(f.c, &(api_list_query){ .page_size = 5 }, on_accounts, &rx[i]);
    for (int i = 0; i < N; i++) {
        run_until(f.c, &rx[i].done);
        if (rx[i].err.status != SK_OK)
            fail_msg("request %d: %s", i, rx[i].err.message);
        assert_int_equal(rx[i].n, 5);
        ids_free(&rx[i].ids);
    }
    sk_client_stats s;
    client_stats(f.c, &s);
    assert_true(s.retries > 0);
    assert_true(skemu_log_count(&f.p, " 429") >= 1);
    skemu_fx_stop(&f);
}

static void test_rate_limit_with_retry_after(void **st)
{
    (void)st;
    rate_limited("1");
}

static void test_rate_limit_without_retry_after(void **st)
{
    (void)st;
    rate_limited("0");
}

static void test_hang_times_out(void **st)
{
    (void)st;
    const char *args[] = { "--generate", "5", "--hang-rate", "1", NULL };
    sk_client_opts o;
    skemu_fx_fast_opts(&o, 8);
    o.timeout_ms = 300;
    o.connect_timeout_ms = 1000;
    o.max_tries = 2;
    skemu_fx f;
    skemu_fx_start(&f, args, &o, NULL);
    page_rx rx = { 0 };
    api_list_accounts(f.c, NULL, on_accounts, &rx);
    run_until(f.c, &rx.done);
    assert_int_equal(rx.err.status, SK_ERR_NETWORK);
    sk_client_stats s;
    client_stats(f.c, &s);
    assert_true(s.requests_sent <= 4);   /* bounded: max_tries for the token (and the request) */
    assert_int_equal(client_pending(f.c), 0);
    skemu_fx_stop(&f);
}

static void test_damaged_bodies(void **st)
{
    (void)st;
    const char *rates[] = { "--truncate-rate", "--malformed-rate", "--wrong-types-rate" };
    for (size_t i = 0; i < 3; i++) {
        const char *args[] = { "--generate", "30", rates[i], "1", "--fault-after", "1", NULL };
        skemu_fx f;
        skemu_fx_start(&f, args, NULL, NULL);   /* the first request (the token) is intact */
        for (int k = 0; k < 3; k++) {
            page_rx rx = { 0 };
            api_list_accounts(f.c, &(api_list_query){ .page_size = 10 }, on_accounts, &rx);
            run_until(f.c, &rx.done);
            if (i < 2)
                assert_int_equal(rx.err.status, SK_ERR_PARSE);
            else   /* wrong types: a page (fields absent) or a parse error, never a crash */
                assert_true(rx.err.status == SK_OK || rx.err.status == SK_ERR_PARSE);
            assert_true(rx.err.status == SK_OK || rx.err.message[0]);
            ids_free(&rx.ids);
        }
        skemu_fx_stop(&f);
    }
}

/* A truncated token answer is a parse error for every request waiting on it. */
static void test_truncated_token(void **st)
{
    (void)st;
    const char *args[] = { "--generate", "5", "--truncate-rate", "1", NULL };
    skemu_fx f;
    skemu_fx_start(&f, args, NULL, NULL);
    page_rx rx = { 0 };
    api_list_accounts(f.c, NULL, on_accounts, &rx);
    run_until(f.c, &rx.done);
    assert_int_equal(rx.err.status, SK_ERR_PARSE);
    assert_non_null(strstr(rx.err.message, "token"));
    skemu_fx_stop(&f);
}

/* ---------------------------------------------------------------- engine */

static void test_cancel_and_free(void **st)
{
    (void)st;
    const char *args[] = { "--generate", "20", "--latency-ms", "300", NULL };
    skemu_fx f;
    skemu_fx_start(&f, args, NULL, NULL);
    page_rx rx[4];
    memset(rx, 0, sizeof rx);
    sk_request *r[4];
    for (int i = 0; i < 4; i++)
        r[i] = api_list_accounts(f.c, NULL, on_accounts, &rx[i]);
    for (int i = 0; i < 4; i++)
        assert_non_null(r[i]);
    assert_int_equal(client_pending(f.c), 5);   /* four requests and the token fetch */
    client_cancel(f.c, r[1]);
    assert_true(rx[1].done);
    assert_int_equal(rx[1].err.status, SK_ERR_CANCELLED);
    assert_int_equal(client_pending(f.c), 4);
    run_until(f.c, &rx[0].done);
    assert_int_equal(rx[0].err.status, SK_OK);
    client_free(f.c);   /* cancels what is left: callbacks run now */
    f.c = NULL;
    for (int i = 2; i < 4; i++) {
        assert_true(rx[i].done);
        assert_true(rx[i].err.status == SK_ERR_CANCELLED || rx[i].err.status == SK_OK);
        ids_free(&rx[i].ids);
    }
    ids_free(&rx[0].ids);
    skemu_fx_stop(&f);
}

static void test_cancel_all(void **st)
{
    (void)st;
    const char *args[] = { "--generate", "20", "--latency-ms", "200", NULL };
    skemu_fx f;
    skemu_fx_start(&f, args, NULL, NULL);
    page_rx rx[3];
    memset(rx, 0, sizeof rx);
    for (int i = 0; i < 3; i++)
        api_list_accounts(f.c, NULL, on_accounts, &rx[i]);
    client_step(f.c);
    client_cancel_all(f.c);
    assert_int_equal(client_pending(f.c), 0);
    for (int i = 0; i < 3; i++) {
        assert_true(rx[i].done);
        assert_int_equal(rx[i].err.status, SK_ERR_CANCELLED);
    }
    /* the client still works afterwards */
    page_rx again = { 0 };
    api_list_accounts(f.c, NULL, on_accounts, &again);
    run_until(f.c, &again.done);
    assert_int_equal(again.err.status, SK_OK);
    ids_free(&again.ids);
    skemu_fx_stop(&f);
}

typedef struct lines {
    char *all;
    size_t n;
    int count;
} lines;

static void collect_line(void *ud, const char *line)
{
    lines *l = ud;
    size_t k = strlen(line);
    l->all = realloc(l->all, l->n + k + 2);
    assert_non_null(l->all);
    memcpy(l->all + l->n, line, k);
    l->all[l->n + k] = '\n';
    l->n += k + 1;
    l->all[l->n] = '\0';
    l->count++;
    for (const char *p = line; *p; p++)
        assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
}

static void test_debug_trace_redacted(void **st)
{
    (void)st;
    const char *args[] = { "--generate", "20", "--fail-rate", "0.3", "--seed", "5", NULL };
    sk_client_opts o;
    skemu_fx_fast_opts(&o, 8);
    o.debug = true;
    o.max_tries = 10;
    skemu_fx f;
    skemu_fx_start(&f, args, &o, NULL);
    lines l = { 0 };
    client_set_debug(f.c, collect_line, &l);
    page_rx rx = { 0 };
    int pages;
    list_all(f.c, (api_list_query){ .page_size = 5, .identifier = "a b+c@d" }, &rx, &pages);
    ids_free(&rx.ids);
    sk_client_stats s;
    client_stats(f.c, &s);
    assert_non_null(l.all);
    assert_true(l.count >= (int)(2 * s.requests_sent));   /* a line out and a line back */
    assert_null(strstr(l.all, SKEMU_DEMO_CLIENT_SECRET));
    assert_non_null(strstr(l.all, "client_secret=<redacted>"));
    assert_non_null(strstr(l.all, "Bearer <redacted>"));
    assert_non_null(strstr(l.all, "/oauth/token"));
    assert_non_null(strstr(l.all, "identifier=a%20b%2Bc%40d"));
    /* No token: every "Bearer" is followed by the redaction mark. */
    for (const char *p = strstr(l.all, "Bearer"); p; p = strstr(p + 1, "Bearer"))
        assert_true(strncmp(p, "Bearer <redacted>", 17) == 0);
    free(l.all);
    skemu_fx_stop(&f);
}

static void test_unreachable(void **st)
{
    (void)st;
    /* A port nothing listens on (skemu started and stopped): connection refused. */
    skemu_proc p;
    assert_int_equal(skemu_start(&p, (const char *const[]){ "--generate", "1", NULL }), 0);
    char url[128];
    snprintf(url, sizeof url, "%s", p.url);
    assert_int_equal(skemu_stop(&p), 0);
    sk_config cfg = { 0 };
    snprintf(cfg.environment_url, sizeof cfg.environment_url, "%s/", url);
    snprintf(cfg.client_id, sizeof cfg.client_id, "skc_x");
    cfg.client_secret = "s";
    sk_client_opts o;
    skemu_fx_fast_opts(&o, 8);
    o.max_tries = 3;
    sk_error err;
    sk_client *c = client_new(&cfg, &o, &err);
    assert_non_null(c);
    assert_string_equal(client_env_url(c), url);   /* trailing '/' stripped */
    page_rx rx = { 0 };
    api_list_accounts(c, NULL, on_accounts, &rx);
    run_until(c, &rx.done);
    assert_int_equal(rx.err.status, SK_ERR_NETWORK);
    sk_client_stats s;
    client_stats(c, &s);
    assert_int_equal(s.requests_sent, 3);
    assert_int_equal(s.retries, 2);
    client_free(c);

    /* Bad settings are refused up front. */
    snprintf(cfg.environment_url, sizeof cfg.environment_url, "ftp://example.com");
    assert_null(client_new(&cfg, &o, &err));
    assert_int_equal(err.status, SK_ERR_CONFIG);
    snprintf(cfg.environment_url, sizeof cfg.environment_url, "%s", url);
    cfg.client_secret = NULL;
    assert_null(client_new(&cfg, &o, &err));
    assert_int_equal(err.status, SK_ERR_CONFIG);
}


/* ---------------------------------------------------------------- a scripted fake server */

/* For answers skemu cannot be asked for: a server that refuses every token it issued, and
 * bodies larger than the client accepts. One thread, loopback, keep-alive. */
typedef enum { FAKE_ALWAYS_401, FAKE_HUGE_LENGTH, FAKE_HUGE_STREAM } fake_mode;

typedef struct fake {
    fake_http srv;
    fake_mode mode;
    int token_hits, api_hits;
} fake;

static bool fake_answer(void *ud, int fd, const char *line)
{
    fake *f = ud;
    char path[256] = "";
    sscanf(line, "%*s %255s", path);
    if (strcmp(path, "/oauth/token") == 0) {
        f->token_hits++;
        char body[128];
        snprintf(body, sizeof body, "{\"access_token\":\"fake-token-%d\",\"expires_in\":3600}",
                 f->token_hits);
        return fake_http_reply(fd, 200, body);
    }
    f->api_hits++;
    if (f->mode == FAKE_ALWAYS_401)
        return fake_http_reply(fd, 401, "{\"code\":16,\"message\":\"token not accepted\","
                               "\"details\":[{\"error_code\":\"UNAUTHENTICATED\"}]}");
    if (f->mode == FAKE_HUGE_LENGTH) {
        fake_http_send_str(fd, "HTTP/1.1 200 OK\r\nContent-Length: 70000000\r\n\r\n"
                               "{\"connected_accounts\":[");
        return false;
    }
    /* No length: a stream past 64 MiB, until the client hangs up. */
    fake_http_send_str(fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
    static char chunk[65536];
    memset(chunk, ' ', sizeof chunk);
    for (int i = 0; i < 2000; i++)
        if (!fake_http_send(fd, chunk, sizeof chunk))
            break;
    return false;
}

static void fake_start(fake *f, fake_mode mode, sk_config *cfg)
{
    memset(f, 0, sizeof *f);
    f->mode = mode;
    fake_http_start(&f->srv, fake_answer, f);
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->environment_url, sizeof cfg->environment_url, "%s", f->srv.url);
    snprintf(cfg->client_id, sizeof cfg->client_id, "skc_fake");
    cfg->client_secret = "fake-secret";
}

static void fake_stop(fake *f)
{
    fake_http_stop(&f->srv);
}

/* A second 401 for the same request (after a fresh token) is an auth error, not a loop. */
static void test_second_401_is_auth_error(void **st)
{
    (void)st;
    fake fk;
    sk_config cfg;
    fake_start(&fk, FAKE_ALWAYS_401, &cfg);
    sk_client_opts o;
    skemu_fx_fast_opts(&o, 8);
    sk_error err;
    sk_client *c = client_new(&cfg, &o, &err);
    assert_non_null(c);
    page_rx rx = { 0 };
    api_list_accounts(c, NULL, on_accounts, &rx);
    run_until(c, &rx.done);
    assert_int_equal(rx.err.status, SK_ERR_AUTH);
    assert_int_equal(rx.err.http_status, 401);
    assert_non_null(strstr(rx.err.message, "UNAUTHENTICATED"));
    sk_client_stats s;
    client_stats(c, &s);
    assert_int_equal(s.token_fetches, 2);
    assert_int_equal(s.retries, 0);
    client_free(c);
    fake_stop(&fk);
    assert_int_equal(fk.api_hits, 2);
    assert_int_equal(fk.token_hits, 2);
}

static void test_huge_bodies_refused(void **st)
{
    (void)st;
    fake_mode modes[] = { FAKE_HUGE_LENGTH, FAKE_HUGE_STREAM };
    for (size_t i = 0; i < 2; i++) {
        fake fk;
        sk_config cfg;
        fake_start(&fk, modes[i], &cfg);
        sk_client_opts o;
        skemu_fx_fast_opts(&o, 8);
        sk_error err;
        sk_client *c = client_new(&cfg, &o, &err);
        assert_non_null(c);
        page_rx rx = { 0 };
        api_list_accounts(c, NULL, on_accounts, &rx);
        run_until(c, &rx.done);
        assert_int_equal(rx.err.status, SK_ERR_PARSE);
        assert_non_null(strstr(rx.err.message, "64 MiB"));
        client_free(c);
        fake_stop(&fk);
        assert_int_equal(fk.api_hits, 1);   /* not retried */
    }
}

/* ---------------------------------------------------------------- Retry-After forms */

/* Retry-After (RFC 9110 10.2.3) is delay-seconds or an HTTP-date. libcurl parses both into
 * CURLINFO_RETRY_AFTER (a date as "date - time(NULL)", so negative once it is past); the client
 * honours a positive value up to 60 s and otherwise falls back to its ordinary backoff. A
 * scripted server answers the first API request with `status` and a Retry-After header built
 * when it is sent, and every later one with a page of one account. */
typedef struct ra_fake {
    fake_http srv;
    int status;            /* the first API answer: 429 or 503 */
    bool date;             /* Retry-After as an HTTP-date, time(NULL) + date_offset_s ... */
    long date_offset_s;
    const char *text;      /* ... or this text as it is */
    char sent_value[64];   /* the Retry-After value actually sent */
    int token_hits, api_hits;
    int64_t refused_ms, retried_ms;   /* monotonic: first answer sent, second request in */
} ra_fake;

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool ra_answer(void *ud, int fd, const char *line)
{
    ra_fake *f = ud;
    char path[256] = "";
    sscanf(line, "%*s %255s", path);
    if (strcmp(path, "/oauth/token") == 0) {
        f->token_hits++;
        return fake_http_reply(fd, 200, "{\"access_token\":\"fake-token\",\"expires_in\":3600}");
    }
    if (++f->api_hits == 1) {
        if (f->date) {
            time_t when = time(NULL) + (time_t)f->date_offset_s;
            struct tm tm;
            gmtime_r(&when, &tm);
            strftime(f->sent_value, sizeof f->sent_value, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        } else {
            snprintf(f->sent_value, sizeof f->sent_value, "%s", f->text);
        }
        const char *body = f->status == 429 ? "{\"code\":8,\"message\":\"slow down\"}"
                                            : "{\"code\":14,\"message\":\"back soon\"}";
        char msg[512];   /* one write: no Nagle wait on a second one inside the timing */
        snprintf(msg, sizeof msg, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
                 "Retry-After: %s\r\nContent-Length: %zu\r\n\r\n%s", f->status,
                 f->status == 429 ? "Too Many Requests" : "Service Unavailable", f->sent_value,
                 strlen(body), body);
        bool ok = fake_http_send_str(fd, msg);
        f->refused_ms = mono_ms();
        return ok;
    }
    if (f->api_hits == 2)
        f->retried_ms = mono_ms();
    return fake_http_reply(fd, 200, "{\"connected_accounts\":[{\"id\":\"ca_ra1\","
                           "\"identifier\":\"ra@example.com\",\"connector\":\"gmail\","
                           "\"status\":\"ACTIVE\"}],\"total_size\":1,\"next_page_token\":\"\"}");
}

/* client_escape encodes as curl_easy_escape does: every byte value alone, and strings of
 * them (empty, UTF-8, a page token with its padding), appended to what a buffer holds. */
static void test_escape_as_curl(void **st)
{
    (void)st;
    char in[256];
    for (int v = 1; v < 256; v++) {
        in[0] = (char)v;
        in[1] = '\0';
        char *ours = client_escape(in), *theirs = curl_easy_escape(NULL, in, 1);
        assert_non_null(ours);
        assert_non_null(theirs);
        assert_string_equal(ours, theirs);
        free(ours);
        curl_free(theirs);
    }
    for (int v = 1; v < 256; v++)
        in[v - 1] = (char)v;
    in[255] = '\0';
    const char *cases[] = { "", in, "Μαρία125@example.gr", "eyJvZmZzZXQiOjk5fQ==", "a b&c=d/e?f#g" };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *theirs = curl_easy_escape(NULL, cases[i], (int)strlen(cases[i]));
        sk_buf b;
        buf_init(&b);
        assert_true(buf_adds(&b, "x="));
        assert_true(client_escape_to(&b, cases[i]));
        assert_non_null(theirs);
        assert_memory_equal(b.s, "x=", 2);
        assert_string_equal(b.s + 2, theirs);
        assert_int_equal(b.len, strlen(b.s));
        buf_free(&b);
        curl_free(theirs);
    }
}


/* ---------------------------------------------------------------- request lines */

/* A server that answers everything 200 and keeps the request lines of the API calls. */
typedef struct lines_fake {
    fake_http srv;
    char line[8][512];
    int n;
} lines_fake;

static bool lines_answer(void *ud, int fd, const char *line)
{
    lines_fake *f = ud;
    if (strstr(line, "/oauth/token"))
        return fake_http_reply(fd, 200, "{\"access_token\":\"fake-token\",\"expires_in\":3600}");
    if (f->n < 8)
        snprintf(f->line[f->n++], sizeof f->line[0], "%s", line);
    return fake_http_reply(fd, 200, "{}");
}

static void on_any(void *ud, const sk_response *r)
{
    (void)r;
    *(bool *)ud = true;
}

/* A client with options o on the environment URL env, with the scripted fake's credentials. */
static sk_client *fake_env_client_with(const char *env, const sk_client_opts *o)
{
    sk_config cfg;
    memset(&cfg, 0, sizeof cfg);
    snprintf(cfg.environment_url, sizeof cfg.environment_url, "%s", env);
    snprintf(cfg.client_id, sizeof cfg.client_id, "skc_fake");
    cfg.client_secret = "fake-secret";
    sk_error err;
    sk_client *c = client_new(&cfg, o, &err);
    assert_non_null(c);
    return c;
}

/* A client of the scripted fake's kind (fast retries) on the environment URL env. */
static sk_client *fake_env_client(const char *env)
{
    sk_client_opts o;
    skemu_fx_fast_opts(&o, 8);
    return fake_env_client_with(env, &o);
}

/* The request line one GET of path_and_query sends, the environment URL being the fake's URL
 * followed by env_path, or, through the fake as an http_proxy, proxied_env. */
static void request_line(const char *env_path, const char *proxied_env,
                         const char *path_and_query, char *out, size_t n)
{
    lines_fake f;
    memset(&f, 0, sizeof f);
    fake_http_start(&f.srv, lines_answer, &f);
    unsetenv("no_proxy");
    unsetenv("NO_PROXY");
    if (proxied_env)
        setenv("http_proxy", f.srv.url, 1);
    char env[128];
    snprintf(env, sizeof env, "%s%s", proxied_env ? proxied_env : f.srv.url,
             proxied_env ? "" : env_path);
    sk_client *c = fake_env_client(env);
    bool done = false;
    assert_non_null(client_request(c, "GET", path_and_query, NULL, on_any, &done));
    run_until(c, &done);   /* curl reads the proxy variables as it connects */
    client_free(c);
    unsetenv("http_proxy");
    fake_http_stop(&f.srv);
    assert_int_equal(f.n, 1);
    snprintf(out, n, "%s", f.line[0]);
}

/* The client gives curl a request's query apart from its URL (set_url in client.c): the
 * request line must still be the path and query as asked, under an environment URL with a path
 * of its own too; a path curl rewrites (a dot segment) is rewritten as before; through a proxy
 * that is not a tunnel, the line is the whole URL, as a proxy needs it. */
static void test_request_lines(void **st)
{
    (void)st;
    char line[512];
    request_line("", NULL,
                 "/api/v1/connected_accounts?connector=gmail&page_size=99&page_token=ab%2Fc%3D",
                 line, sizeof line);
    assert_string_equal(line, "GET /api/v1/connected_accounts?connector=gmail&page_size=99"
                              "&page_token=ab%2Fc%3D HTTP/1.1");
    request_line("/tenant/one", NULL, "/api/v1/connections/app?page_size=30", line, sizeof line);
    assert_string_equal(line, "GET /tenant/one/api/v1/connections/app?page_size=30 HTTP/1.1");
    request_line("", NULL, "/api/v1/x/../connected_accounts?page_size=5", line, sizeof line);
    assert_string_equal(line, "GET /api/v1/connected_accounts?page_size=5 HTTP/1.1");
    request_line("", NULL, "/api/v1/connected_accounts", line, sizeof line);
    assert_string_equal(line, "GET /api/v1/connected_accounts HTTP/1.1");
    /* Through the proxy (the fake again), to an environment nothing listens on. */
    request_line("", "http://127.0.0.1:9", "/api/v1/connected_accounts?connector=gmail", line,
                 sizeof line);
    assert_string_equal(line, "GET http://127.0.0.1:9/api/v1/connected_accounts?connector=gmail "
                              "HTTP/1.1");
}

/* Requests one after another reuse the client's kept curl handles, which keep the client's
 * options but none of the last request's: each line has its own method and target, and a GET
 * after a PUT or a POST with a body goes out as a GET (easy_release in client.c). */
static void test_kept_handles_carry_nothing_over(void **st)
{
    (void)st;
    lines_fake f;
    memset(&f, 0, sizeof f);
    fake_http_start(&f.srv, lines_answer, &f);
    sk_client *c = fake_env_client(f.srv.url);
    static const struct {
        const char *method, *path, *body;
    } seq[] = {
        { "PUT", "/api/v1/a", "{\"x\":1}" },
        { "GET", "/api/v1/b?page_size=5", NULL },
        { "POST", "/api/v1/c:disconnect", "{}" },
        { "GET", "/api/v1/d", NULL },
        { "POST", "/api/v1/e", NULL },
        { "GET", "/api/v1/f?q=1", NULL },
    };
    for (size_t i = 0; i < sizeof seq / sizeof seq[0]; i++) {
        bool done = false;
        assert_non_null(client_request(c, seq[i].method, seq[i].path, seq[i].body, on_any, &done));
        run_until(c, &done);
    }
    client_free(c);
    fake_http_stop(&f.srv);
    assert_int_equal(f.n, 6);
    for (size_t i = 0; i < 6; i++) {
        char want[256];
        snprintf(want, sizeof want, "%s %s HTTP/1.1", seq[i].method, seq[i].path);
        assert_string_equal(f.line[i], want);
    }
}

/* A server that keeps the head of the API request and answers it gzip-encoded. */
typedef struct gz_fake {
    fake_http srv;
    char head[4096];
} gz_fake;

static bool gz_answer(void *ud, int fd, const char *line)
{
    gz_fake *f = ud;
    if (strstr(line, "/oauth/token"))
        return fake_http_reply(fd, 200, "{\"access_token\":\"fake-token\",\"expires_in\":3600}");
    snprintf(f->head, sizeof f->head, "%s", f->srv.headers);
    static const char gz[] = "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xab\x56\xca\xcf\x56\xb2"
                             "\x52\x4a\x49\x4d\xce\x4f\x49\x4d\x51\xaa\x05\x00\xaf\xec\xbb\x73"
                             "\x10\x00\x00\x00";   /* gzip of {"ok":"decoded"} */
    char hdr[160];
    snprintf(hdr, sizeof hdr, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
             "Content-Encoding: gzip\r\nContent-Length: %zu\r\n\r\n", sizeof gz - 1);
    return fake_http_send_str(fd, hdr) && fake_http_send(fd, gz, sizeof gz - 1);
}

typedef struct body_rx {
    bool done;
    char body[256];
} body_rx;

static void on_body_copy(void *ud, const sk_response *r)
{
    body_rx *rx = ud;
    snprintf(rx->body, sizeof rx->body, "%.*s", (int)r->len, r->body);
    rx->done = true;
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* The headers every request carries, each once (User-Agent and Accept-Encoding are the
 * client's own lines, not curl's: build_headers in client.c, and on the page lane, which this
 * GET takes, lane_bytes), and an encoded answer decoded as curl decodes it (h1_decode). */
static void test_request_headers_and_encoding(void **st)
{
    (void)st;
    gz_fake f;
    memset(&f, 0, sizeof f);
    fake_http_start(&f.srv, gz_answer, &f);
    sk_client *c = fake_env_client(f.srv.url);
    body_rx rx = { 0 };
    assert_non_null(client_request(c, "GET", "/api/v1/connections/app?page_size=30", NULL,
                                   on_body_copy, &rx));
    run_until(c, &rx.done);
    client_free(c);
    fake_http_stop(&f.srv);
    assert_string_equal(rx.body, "{\"ok\":\"decoded\"}");
    assert_int_equal(count_of(f.head, "\r\nUser-Agent: skdash/0.1\r\n"), 1);
    assert_int_equal(count_of(f.head, "User-Agent:"), 1);
    assert_int_equal(count_of(f.head, "\r\nAccept-Encoding: "), 1);
    assert_non_null(strstr(f.head, "gzip"));
    assert_int_equal(count_of(f.head, "\r\nAccept: application/json\r\n"), 1);
    assert_int_equal(count_of(f.head, "\r\nAuthorization: Bearer fake-token\r\n"), 1);
    assert_int_equal(count_of(f.head, "Expect:"), 0);
    assert_int_equal(count_of(f.head, "\r\nHost: 127.0.0.1:"), 1);
}

/* ---------------------------------------------------------------- the page lane */

/* A server that answers API requests with raw bytes (or {} when none), keeping each request's
 * head and the client port it came from: one port, one connection. */
typedef struct lane_fake {
    fake_http srv;
    const char *raw;
    size_t raw_len;
    bool close_after;      /* close the connection after each API answer */
    int n;
    int port[16];
    int token_port;
    char head[16][4096];
} lane_fake;

static int peer_port(int fd)
{
    struct sockaddr_in a;
    socklen_t al = sizeof a;
    return getpeername(fd, (struct sockaddr *)&a, &al) == 0 ? ntohs(a.sin_port) : -1;
}

static bool lane_answer(void *ud, int fd, const char *line)
{
    lane_fake *f = ud;
    if (strstr(line, "/oauth/token")) {
        f->token_port = peer_port(fd);
        return fake_http_reply(fd, 200, "{\"access_token\":\"fake-token\",\"expires_in\":3600}");
    }
    int i = f->n < 16 ? f->n : 15;
    f->port[i] = peer_port(fd);
    snprintf(f->head[i], sizeof f->head[i], "%s", f->srv.headers);
    f->n++;
    bool ok = f->raw ? fake_http_send(fd, f->raw, f->raw_len) : fake_http_reply(fd, 200, "{}");
    return ok && !f->close_after;
}

typedef struct lane_rx {
    bool done;
    long http;
    sk_error err;
    char body[256];
} lane_rx;

static void on_lane(void *ud, const sk_response *r)
{
    lane_rx *rx = ud;
    rx->done = true;
    rx->http = r->http_status;
    rx->err = r->err;
    snprintf(rx->body, sizeof rx->body, "%.*s", (int)r->len, r->body);
}

static void lane_get(sk_client *c, const char *path, lane_rx *rx)
{
    memset(rx, 0, sizeof *rx);
    assert_non_null(client_request(c, "GET", path, NULL, on_lane, rx));
    run_until(c, &rx->done);
}

/* GETs go out on the lane: the request written whole by the client, the headers every request
 * carries (once each), the Accept-Encoding of what h1_decode decodes, and one connection kept
 * for all of them, apart from curl's (the token's). Writes stay on curl's. */
static void test_lane_requests(void **st)
{
    (void)st;
    lane_fake f;
    memset(&f, 0, sizeof f);
    fake_http_start(&f.srv, lane_answer, &f);
    sk_client *c = fake_env_client(f.srv.url);
    lane_rx rx;
    for (int i = 0; i < 4; i++) {
        lane_get(c, i % 2 ? "/api/v1/connected_accounts?page_size=99&page_token=a%2Fb" :
                            "/api/v1/connections/app?page_size=30", &rx);
        assert_int_equal(rx.err.status, SK_OK);
        assert_string_equal(rx.body, "{}");
    }
    memset(&rx, 0, sizeof rx);
    assert_non_null(client_request(c, "POST", "/api/v1/connected_accounts:x", "{}", on_lane, &rx));
    run_until(c, &rx.done);
    client_free(c);
    fake_http_stop(&f.srv);
    assert_int_equal(f.n, 5);
    char want[512];
    snprintf(want, sizeof want, "GET /api/v1/connected_accounts?page_size=99&page_token=a%%2Fb "
             "HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAccept: application/json\r\nAccept-Encoding: "
             "deflate, gzip\r\nUser-Agent: skdash/0.1\r\nAuthorization: Bearer fake-token\r\n\r\n",
             f.srv.port);
    assert_string_equal(f.head[1], want);
    for (int i = 1; i < 4; i++)
        assert_int_equal(f.port[i], f.port[0]);
    assert_true(f.port[0] != f.token_port);
    assert_int_equal(f.port[4], f.token_port);   /* the POST: curl's connection */
    assert_non_null(strstr(f.head[4], "POST /api/v1/connected_accounts:x HTTP/1.1\r\n"));
}

/* SKDASH_LANE=0: every request on curl's HTTP, one connection for all. */
static void test_lane_off(void **st)
{
    (void)st;
    lane_fake f;
    memset(&f, 0, sizeof f);
    fake_http_start(&f.srv, lane_answer, &f);
    setenv("SKDASH_LANE", "0", 1);
    sk_client *c = fake_env_client(f.srv.url);
    unsetenv("SKDASH_LANE");
    lane_rx rx;
    lane_get(c, "/api/v1/connections/app?page_size=30", &rx);
    assert_int_equal(rx.err.status, SK_OK);
    lane_get(c, "/api/v1/connections/app?page_size=30", &rx);
    client_free(c);
    fake_http_stop(&f.srv);
    assert_int_equal(f.n, 2);
    assert_int_equal(f.port[0], f.token_port);
    assert_int_equal(f.port[1], f.token_port);
}

/* A server that closes each connection after its answer (no "Connection: close"): the next
 * GET finds the lane's kept connection closed before a byte of its answer, and is sent again at
 * once on a new one: no error, no try counted, no retry. */
static void test_lane_stale_connection(void **st)
{
    (void)st;
    lane_fake f;
    memset(&f, 0, sizeof f);
    f.close_after = true;
    fake_http_start(&f.srv, lane_answer, &f);
    sk_client *c = fake_env_client(f.srv.url);
    lane_rx rx;
    for (int i = 0; i < 3; i++) {
        lane_get(c, "/api/v1/connections/app?page_size=30", &rx);
        if (rx.err.status != SK_OK)
            fail_msg("GET %d: %s", i, rx.err.message);
        usleep(20 * 1000);   /* the close reaches the client before the next request */
    }
    sk_client_stats s;
    client_stats(c, &s);
    client_free(c);
    fake_http_stop(&f.srv);
    assert_int_equal(f.n, 3);
    assert_int_equal(s.retries, 0);
    assert_true(f.port[1] != f.port[0] && f.port[2] != f.port[1]);
}

/* A lane connection that opened for a request cancelled meanwhile, and that the server closed
 * while it sat unused, unseen by a wait: the next GET put on it meets the close before a byte of
 * an answer, as on a kept connection, and is sent again at once on a new one (no try counted). */
static void test_lane_unused_connection_closed(void **st)
{
    (void)st;
    lane_fake f;
    memset(&f, 0, sizeof f);
    fake_http_start_idle(&f.srv, lane_answer, &f, 150);
    sk_client *c = fake_env_client(f.srv.url);
    lane_rx a;
    memset(&a, 0, sizeof a);
    sk_request *ra = client_request(c, "GET", "/api/v1/connections/app?page_size=30", NULL,
                                    on_lane, &a);
    assert_non_null(ra);
    /* Steps until the token is in and the GET has gone to the lane, whose connection then
     * opens: cancelled there, before it was written. */
    for (int i = 0; i < 1000 && client_request_unsent(ra); i++) {
        client_wait(c, NULL, 0, 10);
        client_step(c);
    }
    assert_false(client_request_unsent(ra));
    client_cancel(c, ra);
    assert_int_equal(a.err.status, SK_ERR_CANCELLED);
    for (int i = 0; i < 5; i++) {   /* the connection opens; the server's close is 150 ms off */
        client_wait(c, NULL, 0, 10);
        client_step(c);
    }
    usleep(300 * 1000);   /* the server closes it; no wait of the client's sees it */
    lane_rx b;
    lane_get(c, "/api/v1/connections/app?page_size=30", &b);
    if (b.err.status != SK_OK)
        fail_msg("GET: %s", b.err.message);
    sk_client_stats s;
    client_stats(c, &s);
    client_free(c);
    fake_http_stop(&f.srv);
    assert_int_equal(f.n, 1);   /* the cancelled GET never reached the server */
    assert_int_equal(s.retries, 0);
}

/* Sockets of this process in CLOSE_WAIT (closed by the peer, not yet by us) to 127.0.0.1:port,
 * from /proc/net/tcp and the inodes of /proc/self/fd. */
static int close_wait_to(int port)
{
    unsigned long mine[256];
    int n_mine = 0;
    DIR *d = opendir("/proc/self/fd");
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) && n_mine < 256) {
        char path[300], link[64];
        snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
        ssize_t l = readlink(path, link, sizeof link - 1);
        if (l <= 0)
            continue;
        link[l] = '\0';
        unsigned long ino;
        if (sscanf(link, "socket:[%lu]", &ino) == 1)
            mine[n_mine++] = ino;
    }
    closedir(d);
    FILE *f = fopen("/proc/net/tcp", "r");
    assert_non_null(f);
    char line[512];
    int found = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned la, lp, ra, rp, st;
        unsigned long ino;
        if (sscanf(line, " %*d: %x:%x %x:%x %x %*x:%*x %*x:%*x %*x %*u %*u %lu", &la, &lp, &ra,
                   &rp, &st, &ino) != 6)
            continue;
        if (st != 0x08 || (int)rp != port)   /* 08: TCP_CLOSE_WAIT */
            continue;
        for (int i = 0; i < n_mine; i++)
            found += mine[i] == ino;
    }
    fclose(f);
    return found;
}

/* A kept connection the server closes while it is idle is closed by the client at its next
 * wait, not left in CLOSE_WAIT until a request finds it so (or for good, when none comes). */
static void test_lane_idle_close(void **st)
{
    (void)st;
    lane_fake f;
    memset(&f, 0, sizeof f);
    f.close_after = true;
    fake_http_start(&f.srv, lane_answer, &f);
    sk_client *c = fake_env_client(f.srv.url);
    lane_rx rx;
    lane_get(c, "/api/v1/connections/app?page_size=30", &rx);
    assert_int_equal(rx.err.status, SK_OK);
    int before = 0;
    for (int i = 0; i < 100 && !(before = close_wait_to(f.srv.port)); i++)
        usleep(10 * 1000);   /* the server's close reaches us */
    assert_int_equal(before, 1);   /* the lane's connection: the check sees it */
    client_wait(c, NULL, 0, 1000);   /* wakes for the close at once */
    client_step(c);
    assert_int_equal(close_wait_to(f.srv.port), 0);
    lane_get(c, "/api/v1/connections/app?page_size=30", &rx);   /* a new connection serves */
    assert_int_equal(rx.err.status, SK_OK);
    sk_client_stats s;
    client_stats(c, &s);
    client_free(c);
    fake_http_stop(&f.srv);
    assert_int_equal(f.n, 2);
    assert_int_equal(s.retries, 0);
    assert_true(f.port[1] != f.port[0]);
}

/* A server that answers the token, then starts each GET's answer (its head and a few bytes of
 * body) and stalls past the client's timeout. */
static int stall_hits;
static bool stall_answer(void *ud, int fd, const char *line)
{
    (void)ud;
    if (strstr(line, "/oauth/token"))
        return fake_http_reply(fd, 200, "{\"access_token\":\"fake-token\",\"expires_in\":3600}");
    stall_hits++;
    fake_http_send_str(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"connected");
    usleep(350 * 1000);   /* past the try's 300 ms, and before the next try's end */
    return false;
}

/* The lane's own timeout: a try whose answer stalls ends at timeout_ms with what it received,
 * is retried on a new connection, and the request fails after its tries, in bounded time. */
static void test_lane_timeout(void **st)
{
    (void)st;
    fake_http srv;
    stall_hits = 0;
    fake_http_start(&srv, stall_answer, NULL);
    sk_client_opts o;
    skemu_fx_fast_opts(&o, 2);
    o.timeout_ms = 300;
    sk_client *c = fake_env_client_with(srv.url, &o);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    lane_rx rx;
    lane_get(c, "/api/v1/connections/app?page_size=30", &rx);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    client_free(c);
    fake_http_stop(&srv);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    assert_int_equal(rx.err.status, SK_ERR_NETWORK);
    if (!strstr(rx.err.message, "Operation timed out after") ||
        !strstr(rx.err.message, "bytes received") || !strstr(rx.err.message, "(try 2)"))
        fail_msg("%s", rx.err.message);
    assert_int_equal(stall_hits, 2);
    assert_true(ms >= 600 && ms < 5000);
}

/* Raw answers on the lane and what the client makes of them: good ones in every framing,
 * and the broken ones as the errors curl's HTTP would give. */
static void test_lane_answers(void **st)
{
    (void)st;
    static const struct {
        size_t len;         /* of answer, when it holds a NUL */
        const char *answer;
        sk_status status;
        long http;
        const char *want;   /* in the body (success) or the error */
    } cases[] = {
        { 0, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n4\r\n\":1}\r\n0\r\n\r\n",
          SK_OK, 200, "{\"a\":1}" },
        { 0, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]", SK_OK,
          200, "[]" },
        { 131, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
          "Content-Length: 36\r\n\r\n\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xab\x56\xca\xcf"
          "\x56\xb2\x52\x4a\x49\x4d\xce\x4f\x49\x4d\x51\xaa\x05\x00\xaf\xec\xbb\x73\x10\x00\x00"
          "\x00", SK_OK, 200, "{\"ok\":\"decoded\"}" },
        { 0, "HTTP/1.1 404 Not Found\r\nContent-Length: 36\r\n\r\n{\"code\":5,\"message\":\"no such thing\"}",
          SK_ERR_NOT_FOUND, 404, "no such thing" },
        { 0, "HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 2\r\n\r\n{}",
          SK_ERR_NETWORK, 0, "Weird server reply: a Content-Encoding other than" },
        { 0, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 2\r\n\r\n{}",
          SK_ERR_NETWORK, 0, "unencoding" },
        { 0, "SSH-2.0-OpenSSH_9.2\r\n", SK_ERR_NETWORK, 0, "Weird server reply: not an HTTP/1.x" },
        { 0, "HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n", SK_ERR_PARSE, 0,
          "answer larger than 64 MiB" },
        { 0, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\n{}", SK_ERR_NETWORK,
          0, "transfer closed with 8 bytes remaining to read (try 8)" },
        { 0, "HTTP/1.1 200 OK\r\n\r\n{\"to\":\"the close\"}", SK_OK, 200, "{\"to\":\"the close\"}" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lane_fake f;
        memset(&f, 0, sizeof f);
        f.raw = cases[i].answer;
        f.raw_len = cases[i].len ? cases[i].len : strlen(cases[i].answer);
        f.close_after = true;   /* every answer ends its connection (a to-the-close body) */
        fake_http_start(&f.srv, lane_answer, &f);
        sk_client *c = fake_env_client(f.srv.url);
        lane_rx rx;
        lane_get(c, "/api/v1/connections/app?page_size=30", &rx);
        client_free(c);
        fake_http_stop(&f.srv);
        if (rx.err.status != cases[i].status || rx.http != cases[i].http)
            fail_msg("case %zu: status %d http %ld: %s", i, rx.err.status, rx.http,
                     rx.err.message);
        const char *where = cases[i].status == SK_OK ? rx.body : rx.err.message;
        if (!strstr(where, cases[i].want))
            fail_msg("case %zu: [%s] has no [%s]", i, where, cases[i].want);
    }
}

/* The delays of the client's "http: retry ... in N ms" trace lines. */
typedef struct retry_delays {
    long ms[8];
    int n;
} retry_delays;

static void collect_retry_delay(void *ud, const char *line)
{
    retry_delays *d = ud;
    const char *in = strncmp(line, "http: retry ", 12) == 0 ? strstr(line, " in ") : NULL;
    if (in && d->n < 8)
        d->ms[d->n++] = strtol(in + 4, NULL, 10);
}

/* Lists one page through the scripted server; on return the server is stopped and f, d and
 * *s hold what happened. Backoff as in the other tests (20 ms base, 200 ms cap), so that
 * ordinary backoff, even a 429's, is at most 200 ms and a wait of a second or more can only
 * come from Retry-After. */
/* Starts f's server and a client on it whose retry delays land in d. */
static sk_client *ra_client(ra_fake *f, retry_delays *d)
{
    fake_http_start(&f->srv, ra_answer, f);
    sk_config cfg = { 0 };
    snprintf(cfg.environment_url, sizeof cfg.environment_url, "%s", f->srv.url);
    snprintf(cfg.client_id, sizeof cfg.client_id, "skc_fake");
    cfg.client_secret = "fake-secret";
    sk_client_opts o;
    skemu_fx_fast_opts(&o, 4);
    o.debug = true;
    sk_error err;
    sk_client *c = client_new(&cfg, &o, &err);
    assert_non_null(c);
    memset(d, 0, sizeof *d);
    client_set_debug(c, collect_retry_delay, d);
    return c;
}

static void ra_run(ra_fake *f, retry_delays *d, sk_client_stats *s)
{
    sk_client *c = ra_client(f, d);
    page_rx rx = { 0 };
    api_list_accounts(c, NULL, on_accounts, &rx);
    run_until(c, &rx.done);
    if (rx.err.status != SK_OK)
        fail_msg("after %d (Retry-After: %s): %s", f->status, f->sent_value, rx.err.message);
    assert_int_equal(rx.n, 1);
    assert_string_equal(rx.ids.v[0], "ca_ra1");
    ids_free(&rx.ids);
    client_stats(c, s);
    client_free(c);
    fake_http_stop(&f->srv);   /* joined: f's counters and times are final */
    assert_int_equal(f->token_hits, 1);
    assert_int_equal(f->api_hits, 2);   /* refused once, retried once */
    assert_int_equal(s->retries, 1);
    assert_int_equal(d->n, 1);          /* one "retry ... in N ms" trace line */
    assert_true(f->retried_ms >= f->refused_ms);
}

/* A 429 whose Retry-After is a date ~2 s ahead: libcurl turns it into 1 or 2 s (whole seconds
 * from time(NULL)), so the retry reaches the server no sooner than ~1 s after the 429 left it;
 * ordinary 429 backoff here would be at most 200 ms. */
static void test_retry_after_http_date(void **st)
{
    (void)st;
    ra_fake f = { .status = 429, .date = true, .date_offset_s = 2 };
    retry_delays d;
    sk_client_stats s;
    ra_run(&f, &d, &s);
    long gap = (long)(f.retried_ms - f.refused_ms);
    if (gap < 950 || gap > 10000)   /* upper bound loose: shared, noisy machines */
        fail_msg("429 with Retry-After: %s: retried after %ld ms (client said %ld ms), "
                 "want 950..10000", f.sent_value, gap, d.ms[0]);
    assert_true(d.ms[0] >= 1000 && d.ms[0] <= 2000);
}

/* Runs f and asserts the retry came after ordinary backoff (<= 200 ms here), not a long or
 * an endless wait. */
static void expect_ordinary_backoff(ra_fake *f)
{
    retry_delays d;
    sk_client_stats s;
    ra_run(f, &d, &s);
    long gap = (long)(f->retried_ms - f->refused_ms);
    if (d.ms[0] > 200 || gap > 5000)
        fail_msg("%d with Retry-After: %s: client waited %ld ms, retry came %ld ms later; "
                 "want ordinary backoff (<= 200 ms)", f->status, f->sent_value, d.ms[0], gap);
}

/* A date already past asks for no wait: ordinary backoff (not Retry-After's, not a long or an
 * endless wait, not |date - now| = 60 s), and the retry succeeds. */
static void test_retry_after_past_date(void **st)
{
    (void)st;
    ra_fake f = { .status = 429, .date = true, .date_offset_s = -60 };
    expect_ordinary_backoff(&f);
}

/* A Retry-After that is neither a number nor a date is ignored: ordinary 5xx backoff. */
static void test_retry_after_unparseable(void **st)
{
    (void)st;
    ra_fake f = { .status = 503, .text = "soon" };
    expect_ordinary_backoff(&f);
}

/* A Retry-After far ahead (a date two days on, or 100000 s) asks for a long wait: the client
 * waits its longest, 60 s, rather than ignoring the header and hammering the server. The test
 * stops at the client's "retry ... in N ms" line instead of waiting the minute out. */
static void test_retry_after_far_future_capped(void **st)
{
    (void)st;
    ra_fake cases[] = { { .status = 429, .date = true, .date_offset_s = 2 * 86400 },
                        { .status = 503, .text = "100000" } };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ra_fake *f = &cases[i];
        retry_delays d;
        sk_client *c = ra_client(f, &d);
        page_rx rx = { 0 };
        api_list_accounts(c, NULL, on_accounts, &rx);
        for (int k = 0; d.n == 0 && k < 500; k++) {
            client_step(c);
            if (d.n == 0)
                client_wait(c, NULL, 0, 20);
        }
        if (d.n != 1 || d.ms[0] != 60000)
            fail_msg("%d with Retry-After: %s: %d retry line(s), wait %ld ms; want one, 60000 ms",
                     f->status, f->sent_value, d.n, d.n ? d.ms[0] : -1L);
        assert_false(rx.done);   /* still waiting, not retried */
        client_free(c);          /* cancels the wait */
        assert_true(rx.done && rx.err.status == SK_ERR_CANCELLED);
        ids_free(&rx.ids);
        fake_http_stop(&f->srv);
        assert_int_equal(f->api_hits, 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connections_and_list),
        cmocka_unit_test(test_no_secret_answer),
        cmocka_unit_test(test_usage_refused_before_sending),
        cmocka_unit_test(test_search),
        cmocka_unit_test(test_account_lifecycle),
        cmocka_unit_test(test_magic_link_activates),
        cmocka_unit_test(test_wrong_secret),
        cmocka_unit_test(test_401_renews_once),
        cmocka_unit_test(test_pagination_page_size_7),
        cmocka_unit_test(test_retries_under_failures),
        cmocka_unit_test(test_rate_limit_with_retry_after),
        cmocka_unit_test(test_rate_limit_without_retry_after),
        cmocka_unit_test(test_hang_times_out),
        cmocka_unit_test(test_damaged_bodies),
        cmocka_unit_test(test_truncated_token),
        cmocka_unit_test(test_cancel_and_free),
        cmocka_unit_test(test_cancel_all),
        cmocka_unit_test(test_debug_trace_redacted),
        cmocka_unit_test(test_unreachable),
        cmocka_unit_test(test_second_401_is_auth_error),
        cmocka_unit_test(test_huge_bodies_refused),
        cmocka_unit_test(test_request_lines),
        cmocka_unit_test(test_escape_as_curl),
        cmocka_unit_test(test_kept_handles_carry_nothing_over),
        cmocka_unit_test(test_request_headers_and_encoding),
        cmocka_unit_test(test_retry_after_http_date),
        cmocka_unit_test(test_retry_after_past_date),
        cmocka_unit_test(test_retry_after_unparseable),
        cmocka_unit_test(test_retry_after_far_future_capped),
        cmocka_unit_test(test_lane_requests),
        cmocka_unit_test(test_lane_off),
        cmocka_unit_test(test_lane_stale_connection),
        cmocka_unit_test(test_lane_unused_connection_closed),
        cmocka_unit_test(test_lane_idle_close),
        cmocka_unit_test(test_lane_answers),
        cmocka_unit_test(test_lane_timeout),
    };
    return cmocka_run_group_tests(tests, NULL, skemu_fx_stop_leftovers);
}
