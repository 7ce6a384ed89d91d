/* test_listing_ahead.c: the next page of a chain goes on the wire on the token a peek at the
 * answer finds, before the answer is parsed (listing.c's on_peek), against a scripted server:
 * that request is kept only when the parsed page agrees, so a page found damaged after its
 * successor was asked for, or a page whose parse names another token, loses no row and
 * brings none twice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "config.h"
#include "listing.h"
#include "../support/fake_http.h"

/* ---------------------------------------------------------------- the scripted server */

typedef enum {
    M_DAMAGED_FIRST,   /* page 1 first lacks an identifier (its token is fine), then is whole */
    M_OTHER_TOKEN,     /* page 1's last "next_page_token" is a nested one: the peek guesses it */
    M_PLAIN,           /* two good pages */
} mode;

typedef struct fake {
    fake_http srv;
    mode m;
    int first, p2, px;   /* requests for page 1, for the token p2, for the token px */
} fake;

#define ROW(id, ident) "{\"id\":\"" id "\",\"identifier\":\"" ident "\",\"connector\":\"gmail\"," \
    "\"status\":\"ACTIVE\",\"updated_at\":\"2025-04-16T06:56:05Z\"}"

static bool answer(void *ud, int fd, const char *line)
{
    fake *f = ud;
    if (strstr(line, "/oauth/token"))
        return fake_http_reply(fd, 200, "{\"access_token\":\"fake-token\",\"expires_in\":3600}");
    if (strstr(line, "/connections/app"))
        return fake_http_reply(fd, 200, "{\"connections\":[{\"id\":\"conn_g\",\"key_id\":\"gmail\"}],"
                                        "\"total_size\":1}");
    if (strstr(line, "/raw/ok"))
        return fake_http_reply(fd, 200, "{\"hello\":1}");
    if (strstr(line, "/raw/bad"))
        return fake_http_reply(fd, 400, "{\"code\":3,\"message\":\"bad\"}");
    if (!strstr(line, "/connected_accounts?"))
        return fake_http_reply(fd, 404, "{\"code\":5,\"message\":\"not found\"}");
    if (strstr(line, "page_token=p2")) {
        f->p2++;
        return fake_http_reply(fd, 200, "{\"connected_accounts\":[" ROW("ca_3", "c@x.com") "],"
                                        "\"total_size\":3}");
    }
    if (strstr(line, "page_token=px")) {
        f->px++;
        return fake_http_reply(fd, 200, "{\"connected_accounts\":[" ROW("ca_wrong", "w@x.com") "],"
                                        "\"total_size\":3}");
    }
    f->first++;
    if (f->m == M_DAMAGED_FIRST && f->first == 1)
        return fake_http_reply(fd, 200, "{\"connected_accounts\":[" ROW("ca_1", "a@x.com") ","
                                        "{\"id\":\"ca_2\",\"connector\":\"gmail\"}],"
                                        "\"next_page_token\":\"p2\",\"total_size\":3}");
    if (f->m == M_OTHER_TOKEN)
        return fake_http_reply(fd, 200, "{\"connected_accounts\":[" ROW("ca_1", "a@x.com") ","
                                        ROW("ca_2", "b@x.com") "],\"next_page_token\":\"p2\","
                                        "\"total_size\":3,\"meta\":{\"next_page_token\":\"px\"}}");
    return fake_http_reply(fd, 200, "{\"connected_accounts\":[" ROW("ca_1", "a@x.com") ","
                                    ROW("ca_2", "b@x.com") "],\"next_page_token\":\"p2\","
                                    "\"total_size\":3}");
}

/* ---------------------------------------------------------------- a recording sink */

typedef struct rec {
    char ids[16][32];
    int n, pages, done, conn_done;
    sk_error err;
} rec;

static void s_connections(void *ud, const sk_connection *rows, size_t n, bool from_api)
{
    (void)ud, (void)rows, (void)n, (void)from_api;
}

static void s_page(void *ud, const char *connection, const sk_account *rows, size_t n)
{
    rec *r = ud;
    (void)connection;
    r->pages++;
    for (size_t i = 0; i < n && r->n < 16; i++)
        snprintf(r->ids[r->n++], sizeof r->ids[0], "%s", rows[i].id ? rows[i].id : "");
}

static void s_connection_done(void *ud, const char *connection)
{
    (void)connection;
    ((rec *)ud)->conn_done++;
}

static void s_done(void *ud, const sk_error *err)
{
    rec *r = ud;
    r->done++;
    r->err = *err;
}

static const sk_sink SINK = { s_connections, s_page, s_connection_done, s_done, NULL };

static sk_client *client_on(const fake *f)
{
    sk_config cfg;
    memset(&cfg, 0, sizeof cfg);
    snprintf(cfg.environment_url, sizeof cfg.environment_url, "%s", f->srv.url);
    snprintf(cfg.client_id, sizeof cfg.client_id, "skc_test");
    cfg.client_secret = "secret";
    sk_client_opts o;
    client_opts_default(&o);
    sk_error err;
    sk_client *c = client_new(&cfg, &o, &err);
    assert_non_null(c);
    return c;
}

/* Lists the fake's one connection; fills r and returns the pages the listing requested. */
static unsigned long list_once(fake *f, mode m, rec *r)
{
    memset(f, 0, sizeof *f);
    f->m = m;
    fake_http_start(&f->srv, answer, f);
    sk_client *c = client_on(f);
    memset(r, 0, sizeof *r);
    listing_opts lo = { 0 };
    sk_listing *l = listing_start(c, &lo, &SINK, r);
    assert_non_null(l);
    for (int i = 0; !r->done && i < 100000; i++) {
        client_step(c);
        if (r->done || listing_step(l))
            continue;
        long due = listing_next_timer_ms(l);
        client_wait(c, NULL, 0, due >= 0 && due < 1000 ? (int)due : 1000);
    }
    unsigned long pages = listing_pages(l);
    listing_free(l);
    client_free(c);
    fake_http_stop(&f->srv);
    assert_int_equal(r->done, 1);
    return pages;
}

static void assert_ids(const rec *r, const char *const *want, int n)
{
    assert_int_equal(r->n, n);
    for (int i = 0; i < n; i++) {
        int seen = 0;
        for (int k = 0; k < r->n; k++)
            seen += strcmp(r->ids[k], want[i]) == 0;
        if (seen != 1)
            fail_msg("%s came %d times", want[i], seen);
    }
}

/* ---------------------------------------------------------------- tests */

/* Both pages, each row once; page 2 was asked for once, ahead of page 1's parse. */
static void test_plain_chain(void **st)
{
    (void)st;
    fake f;
    rec r;
    unsigned long pages = list_once(&f, M_PLAIN, &r);
    assert_int_equal(r.err.status, SK_OK);
    static const char *const want[] = { "ca_1", "ca_2", "ca_3" };
    assert_ids(&r, want, 3);
    assert_int_equal(f.first, 1);
    assert_int_equal(f.p2, 1);
    assert_int_equal(pages, 3);   /* connections, page 1, page 2 */
    assert_int_equal(r.conn_done, 1);
}

/* Page 1 is damaged once: page 2, already asked for on its token, is dropped with it, page 1
 * is asked again, and only then page 2 (ahead again, and kept). */
static void test_damaged_after_successor_requested(void **st)
{
    (void)st;
    fake f;
    rec r;
    unsigned long pages = list_once(&f, M_DAMAGED_FIRST, &r);
    assert_int_equal(r.err.status, SK_OK);
    static const char *const want[] = { "ca_1", "ca_2", "ca_3" };
    assert_ids(&r, want, 3);
    assert_int_equal(r.pages, 2);   /* the damaged page never reached the sink */
    assert_int_equal(f.first, 2);
    /* connections, page 1, page 2 ahead (dropped), page 1 again, page 2 ahead (kept) */
    assert_int_equal(pages, 5);
    assert_true(f.p2 >= 1 && f.p2 <= 2);
}

/* The peek guessed px, the parse says p2: px is dropped before its answer is seen (its rows
 * never reach the sink) and p2 is asked for. */
static void test_parse_names_another_token(void **st)
{
    (void)st;
    fake f;
    rec r;
    unsigned long pages = list_once(&f, M_OTHER_TOKEN, &r);
    assert_int_equal(r.err.status, SK_OK);
    static const char *const want[] = { "ca_1", "ca_2", "ca_3" };
    assert_ids(&r, want, 3);
    assert_int_equal(f.p2, 1);
    assert_true(f.px <= 1);
    assert_int_equal(pages, 4);   /* connections, page 1, px ahead (dropped), p2 */
}

/* ---------------------------------------------------------------- the client's early look */

typedef struct look {
    int bodies, answers;
    bool body_first;     /* the body hook ran before the answer's callback */
    char body[64];
} look;

static void on_look_body(void *ud, const char *body, size_t len)
{
    look *k = ud;
    k->bodies++;
    k->body_first = k->answers == 0;
    snprintf(k->body, sizeof k->body, "%.*s", (int)len, body);
}

static void on_look_answer(void *ud, const sk_response *r)
{
    (void)r;
    ((look *)ud)->answers++;
}

/* client_request_on_body: told the whole 2xx body once, before the answer's callback; not
 * told of an error answer. */
static void test_client_body_hook(void **st)
{
    (void)st;
    fake f;
    memset(&f, 0, sizeof f);
    fake_http_start(&f.srv, answer, &f);
    sk_client *c = client_on(&f);
    look ok = { 0 }, bad = { 0 };
    sk_request *r = client_request(c, "GET", "/raw/ok", NULL, on_look_answer, &ok);
    assert_non_null(r);
    client_request_on_body(r, on_look_body, &ok);
    r = client_request(c, "GET", "/raw/bad", NULL, on_look_answer, &bad);
    assert_non_null(r);
    client_request_on_body(r, on_look_body, &bad);
    client_run(c);
    client_free(c);
    fake_http_stop(&f.srv);
    assert_int_equal(ok.answers, 1);
    assert_int_equal(ok.bodies, 1);
    assert_true(ok.body_first);
    assert_string_equal(ok.body, "{\"hello\":1}");
    assert_int_equal(bad.answers, 1);
    assert_int_equal(bad.bodies, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_chain),
        cmocka_unit_test(test_damaged_after_successor_requested),
        cmocka_unit_test(test_parse_names_another_token),
        cmocka_unit_test(test_client_body_hook),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
