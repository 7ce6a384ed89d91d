/* test_search.c: the server search that follows the typed filter, with a fake sender in place
 * of the network: found rows in the store (never twice, replaced by the listing's, swept when
 * the listing never reaches them, a listed row left alone), one request in flight, the newest
 * text wins, the page bound, failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"
#include "view.h"
#include "../support/acct_fixture.h"

/* ---------------------------------------------------------------- the fake server */

typedef struct sent {
    char query[256], conn[64], token[64];
    api_accounts_fn cb;
    void *ud;
    bool cancelled;
} sent;

typedef struct fake {
    sent q[16];
    size_t n;          /* requests sent */
    size_t answered;   /* the first `answered` have had their answer */
    int changed;
    bool no_token;     /* requests wait unsent (as for the token) */
} fake;

static sk_request *fake_send(void *send_ud, const char *query, const char *connection_id,
                             int page_size, const char *page_token, api_accounts_fn cb, void *ud)
{
    fake *f = send_ud;
    assert_true(page_size > 0 && page_size <= 30);
    assert_true(f->n < 16);
    sent *s = &f->q[f->n++];
    snprintf(s->query, sizeof s->query, "%s", query);
    snprintf(s->conn, sizeof s->conn, "%s", connection_id ? connection_id : "");
    snprintf(s->token, sizeof s->token, "%s", page_token ? page_token : "");
    s->cb = cb;
    s->ud = ud;
    return (sk_request *)s;   /* opaque to the search; never dereferenced */
}

static bool fake_unsent(void *send_ud, sk_request *r)
{
    (void)r;
    return ((fake *)send_ud)->no_token;
}

/* As client_cancel: the callback runs now, cancelled. */
static void fake_cancel(void *send_ud, sk_request *r)
{
    (void)send_ud;
    sent *s = (sent *)r;
    s->cancelled = true;
    sk_error e;
    sk_error_clear(&e);
    sk_error_set(&e, SK_ERR_CANCELLED, "cancelled");
    s->cb(s->ud, NULL, &e);
}

static void on_changed(void *ud)
{
    ((fake *)ud)->changed++;
}

/* Answers the oldest unanswered request with the given rows and next token. */
static void answer(fake *f, sk_account *rows, size_t n, const char *next)
{
    assert_true(f->answered < f->n);
    sent *s = &f->q[f->answered++];
    sk_account_page p = { .rows = rows, .n = n, .next_page_token = next, .total_size = -1 };
    sk_error e;
    sk_error_clear(&e);
    s->cb(s->ud, &p, &e);
}

static void answer_error(fake *f, sk_status st, const char *msg)
{
    sent *s = &f->q[f->answered++];
    sk_error e;
    sk_error_clear(&e);
    sk_error_set(&e, st, "%s", msg);
    if (strncmp(msg, "HTTP ", 5) == 0)
        e.http_status = atol(msg + 5);
    s->cb(s->ud, NULL, &e);
}

typedef struct fixture {
    sk_store *store;
    sk_search *search;
    fake f;
} fixture;

static int setup(void **state)
{
    fixture *x = calloc(1, sizeof *x);
    x->store = store_new();
    x->search = search_new(NULL, x->store, on_changed, &x->f);
    search_set_sender(x->search, fake_send, fake_unsent, fake_cancel, &x->f);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fixture *x = *state;
    search_free(x->search);
    store_free(x->store);
    free(x);
    return 0;
}

/* ---------------------------------------------------------------- the store's found rows */

static void test_found_rows_in_store(void **state)
{
    fixture *x = *state;
    acct_upsert1(x->store, acct_make("ca_1", "ana@example.com", "gmail", "ACTIVE"));
    store_begin_refresh(x->store);             /* a listing starts: nothing seen yet */
    acct_upsert1(x->store, acct_make("ca_2", "bob@example.com", "gmail", "ACTIVE"));  /* listed */

    sk_account found[] = {
        acct_make("ca_1", "ana@example.com", "gmail", "EXPIRED"),   /* known, not listed yet */
        acct_make("ca_2", "bob@example.com", "gmail", "EXPIRED"),   /* listed already */
        acct_make("ca_3", "jane@example.com", "slack", "PENDING"),  /* new */
    };
    assert_int_equal(store_upsert_found(x->store, found, 3), SK_OK);
    assert_int_equal(store_count(x->store), 3);
    assert_int_equal(store_found_count(x->store), 2);
    assert_true(store_row_found(x->store, store_find(x->store, "ca_1")));
    assert_false(store_row_found(x->store, store_find(x->store, "ca_2")));
    assert_true(store_row_found(x->store, store_find(x->store, "ca_3")));
    sk_account a;
    store_get(x->store, store_find(x->store, "ca_2"), &a);
    assert_string_equal(a.status, "ACTIVE");      /* the listing's row is left as it gave it */
    store_get(x->store, store_find(x->store, "ca_1"), &a);
    assert_string_equal(a.status, "EXPIRED");     /* the search's answer is the fresher one */

    /* The same answer again: still one row per id. */
    assert_int_equal(store_upsert_found(x->store, found, 3), SK_OK);
    assert_int_equal(store_count(x->store), 3);
    assert_int_equal(store_found_count(x->store), 2);

    /* The listing reaches ca_3: a listed row like any other. */
    acct_upsert1(x->store, acct_make("ca_3", "jane@example.com", "slack", "ACTIVE"));
    assert_false(store_row_found(x->store, store_find(x->store, "ca_3")));
    assert_int_equal(store_found_count(x->store), 1);

    /* The listing completes without ca_1: the sweep takes it (found rows are never "seen"). */
    assert_int_equal(store_sweep(x->store, NULL), 1);
    assert_int_equal(store_find(x->store, "ca_1"), SK_ROW_NONE);
    assert_int_equal(store_found_count(x->store), 0);
    assert_int_equal(store_count(x->store), 2);

    /* Removing a found row keeps the count true. */
    store_begin_refresh(x->store);
    sk_account more = acct_make("ca_9", "zed@example.com", "gmail", "ACTIVE");
    assert_int_equal(store_upsert_found(x->store, &more, 1), SK_OK);
    assert_int_equal(store_found_count(x->store), 1);
    assert_true(store_remove(x->store, "ca_9"));
    assert_int_equal(store_found_count(x->store), 0);
}

/* A view over the store shows a found row once, and the same row once the listing has it. */
static void test_view_shows_found_once(void **state)
{
    fixture *x = *state;
    store_begin_refresh(x->store);
    for (int i = 0; i < 50; i++) {
        char id[16], ident[32];
        snprintf(id, sizeof id, "ca_%d", i);
        snprintf(ident, sizeof ident, "user%02d@example.com", i);
        acct_upsert1(x->store, acct_make(id, ident, "gmail", "ACTIVE"));   /* copied */
    }
    sk_view v;
    view_init(&v);
    sk_view_spec spec;
    view_spec_init(&spec);
    char msg[128];
    assert_true(view_spec_parse(&spec, "jane state:pending", SK_ALL_STATES, msg, sizeof msg));
    assert_int_equal(view_update(&v, x->store, &spec), SK_OK);
    assert_int_equal(v.n, 0);

    search_want(x->search, spec.text, NULL);
    sk_account rows[] = {
        acct_make("ca_jane", "jane@example.com", "slack", "PENDING"),
        acct_make("ca_jane2", "jane.doe@example.com", "slack", "ACTIVE"),   /* state: narrows */
    };
    answer(&x->f, rows, 2, NULL);
    assert_int_equal(view_update(&v, x->store, &spec), SK_OK);
    assert_int_equal(v.n, 1);
    assert_int_equal(view_find(&v, x->store, "ca_jane"), 0);

    acct_upsert1(x->store, acct_make("ca_jane", "jane@example.com", "slack", "PENDING"));
    assert_int_equal(view_update(&v, x->store, &spec), SK_OK);
    assert_int_equal(v.n, 1);
    assert_false(store_row_found(x->store, v.rows[0]));
    view_free(&v);
}

/* ---------------------------------------------------------------- the search */

static void test_short_text_sends_nothing(void **state)
{
    fixture *x = *state;
    search_want(x->search, "ja", NULL);
    search_want(x->search, "", NULL);
    search_want(x->search, NULL, NULL);
    search_want(x->search, "\xc3\xa9\xc3\xa9", NULL);   /* two characters, four bytes */
    assert_int_equal(x->f.n, 0);
    search_want(x->search, "\xc3\xa9\xc3\xa9\xc3\xa9", NULL);
    assert_int_equal(x->f.n, 1);
    assert_string_equal(x->f.q[0].query, "\xc3\xa9\xc3\xa9\xc3\xa9");
}

static void test_latest_text_wins(void **state)
{
    fixture *x = *state;
    /* Typing "janet" fast: one request for "jan", none while it is out. */
    search_want(x->search, "jan", NULL);
    search_want(x->search, "jane", NULL);
    search_want(x->search, "janet", NULL);
    assert_int_equal(x->f.n, 1);
    assert_string_equal(x->f.q[0].query, "jan");
    sk_search_state st;
    search_state(x->search, &st);
    assert_true(st.running);

    /* The answer for "jan" is dropped (nothing stored) and "janet" goes at once. */
    sk_account old = acct_make("ca_jan", "jan@example.com", "gmail", "ACTIVE");
    answer(&x->f, &old, 1, "more");
    assert_int_equal(store_count(x->store), 0);
    assert_int_equal(x->f.n, 2);
    assert_string_equal(x->f.q[1].query, "janet");
    assert_string_equal(x->f.q[1].token, "");

    sk_account jn = acct_make("ca_janet", "janet@example.com", "gmail", "EXPIRED");
    answer(&x->f, &jn, 1, NULL);
    assert_int_equal(store_count(x->store), 1);
    search_state(x->search, &st);
    assert_string_equal(st.text, "janet");
    assert_false(st.running);
    assert_true(st.complete);
    assert_int_equal(st.found, 1);
    assert_int_equal(st.sent, 2);
    assert_true(x->f.changed > 0);

    /* The same text again sends nothing; the text cleared while one is out: its answer dropped. */
    search_want(x->search, "janet", NULL);
    assert_int_equal(x->f.n, 2);
    search_want(x->search, "bob", NULL);
    search_want(x->search, "", NULL);
    sk_account bob = acct_make("ca_bob", "bob@example.com", "gmail", "ACTIVE");
    answer(&x->f, &bob, 1, NULL);
    assert_int_equal(x->f.n, 3);
    assert_int_equal(store_find(x->store, "ca_bob"), SK_ROW_NONE);
    search_state(x->search, &st);
    assert_string_equal(st.text, "");
    assert_false(st.running);
}

/* Typed before the token came: the request that never left is replaced, not queued behind. */
static void test_unsent_request_replaced(void **state)
{
    fixture *x = *state;
    x->f.no_token = true;
    search_want(x->search, "dmi", NULL);
    search_want(x->search, "dmit", NULL);
    search_want(x->search, "dmitri", NULL);
    assert_int_equal(x->f.n, 3);
    assert_true(x->f.q[0].cancelled && x->f.q[1].cancelled && !x->f.q[2].cancelled);
    x->f.no_token = false;   /* the token came: the newest is on the wire */
    search_want(x->search, "dmitri.y", NULL);
    assert_int_equal(x->f.n, 3);   /* one in flight: waits */
    x->f.answered = 2;
    sk_account d = acct_make("ca_d", "dmitri@example.com", "gmail", "ACTIVE");
    answer(&x->f, &d, 1, NULL);    /* "dmitri": stale now, dropped; the newest goes */
    assert_int_equal(store_count(x->store), 0);
    assert_int_equal(x->f.n, 4);
    assert_string_equal(x->f.q[3].query, "dmitri.y");
    sk_search_state st;
    search_state(x->search, &st);
    assert_true(st.running);
}

static void test_back_to_the_text_in_flight(void **state)
{
    fixture *x = *state;
    search_want(x->search, "jane", NULL);
    search_want(x->search, "janet", NULL);
    search_want(x->search, "jane", NULL);   /* erased back: the answer out is the one wanted */
    sk_account j = acct_make("ca_j", "jane@example.com", "gmail", "ACTIVE");
    answer(&x->f, &j, 1, NULL);
    assert_int_equal(x->f.n, 1);
    assert_true(store_row_found(x->store, store_find(x->store, "ca_j")));
}

static void test_pages_followed_and_bounded(void **state)
{
    fixture *x = *state;
    search_want(x->search, "example", "conn_1");
    char ids[SK_SEARCH_PAGES + 2][16];
    for (int p = 0; p < SK_SEARCH_PAGES + 2; p++) {
        if ((size_t)p >= x->f.n)
            break;
        assert_string_equal(x->f.q[p].conn, "conn_1");
        if (p > 0)
            assert_string_equal(x->f.q[p].token, "tok");
        snprintf(ids[p], sizeof ids[p], "ca_p%d", p);
        sk_account a = acct_make(ids[p], ids[p], "gmail", "ACTIVE");
        answer(&x->f, &a, 1, "tok");
    }
    assert_int_equal(x->f.n, SK_SEARCH_PAGES);   /* the bound, though the server has more */
    sk_search_state st;
    search_state(x->search, &st);
    assert_true(st.complete);
    assert_int_equal(st.found, SK_SEARCH_PAGES);
    assert_int_equal(store_found_count(x->store), SK_SEARCH_PAGES);
}

static void test_failure_and_damaged_rows(void **state)
{
    fixture *x = *state;
    search_want(x->search, "jane", NULL);
    answer_error(&x->f, SK_ERR_API, "HTTP 503");
    sk_search_state st;
    search_state(x->search, &st);
    assert_int_equal(st.err.status, SK_ERR_API);
    assert_true(st.complete);
    assert_false(st.running);

    /* A new text clears the error; a row with no id or identifier is not stored. */
    search_want(x->search, "janet", NULL);
    sk_account rows[] = {
        acct_make("ca_ok", "janet@example.com", "gmail", "ACTIVE"),
        acct_make("ca_noident", NULL, "gmail", "ACTIVE"),
        acct_make(NULL, "janet2@example.com", "gmail", "ACTIVE"),
    };
    answer(&x->f, rows, 3, NULL);
    search_state(x->search, &st);
    assert_int_equal(st.err.status, SK_OK);
    assert_int_equal(st.found, 1);
    assert_int_equal(store_count(x->store), 1);
}

/* A server with no search (404 or 501): asked once, then no more. */
static void test_not_offered(void **state)
{
    fixture *x = *state;
    search_want(x->search, "jane", NULL);
    answer_error(&x->f, SK_ERR_NOT_FOUND, "HTTP 404");
    search_want(x->search, "janet", NULL);
    search_want(x->search, "janeth", NULL);
    assert_int_equal(x->f.n, 1);
    sk_search_state st;
    search_state(x->search, &st);
    assert_int_equal(st.err.http_status, 404);
    assert_false(st.running);
}

/* A /details answer refreshes the whole known row; what it leaves out keeps the row's. */
static void test_refresh_row(void **state)
{
    fixture *x = *state;
    sk_account a = acct_make("ca_1", "ana@example.com", "gmail", "PENDING");
    a.token_expires_at = 1000;
    acct_upsert1(x->store, a);
    sk_account fresh = { .id = "ca_1", .status = "ACTIVE", .token_expires_at = 5000,
                         .updated_at = 4000, .last_used_at = SK_TIME_ABSENT };
    assert_true(store_refresh_row(x->store, &fresh));
    sk_account got;
    store_get(x->store, store_find(x->store, "ca_1"), &got);
    assert_string_equal(got.status, "ACTIVE");
    assert_int_equal(got.state, SK_STATE_ACTIVE);
    assert_int_equal(got.token_expires_at, 5000);
    assert_int_equal(got.updated_at, 4000);
    assert_string_equal(got.identifier, "ana@example.com");
    assert_string_equal(got.connector, "gmail");
    sk_account unknown = { .id = "ca_404", .status = "ACTIVE" };
    assert_false(store_refresh_row(x->store, &unknown));
    assert_int_equal(store_count(x->store), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_found_rows_in_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_view_shows_found_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_short_text_sends_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_latest_text_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_back_to_the_text_in_flight, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsent_request_replaced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pages_followed_and_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failure_and_damaged_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refresh_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_offered, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
