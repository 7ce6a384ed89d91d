/* test_store_sink.c: the one listing sink both front ends use: good pages stored, a damaged
 * page dropped whole (its good rows too), nothing swept after one, the error said at done. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "store_sink.h"

typedef struct owner {
    int changed, done;
    sk_error err;
} owner;

static void on_changed(void *ud)
{
    ((owner *)ud)->changed++;
}

static void on_done(void *ud, const sk_error *err)
{
    owner *o = ud;
    o->done++;
    o->err = *err;
}

static const sk_store_sink_hooks hooks = { on_changed, on_done };

static sk_account row(const char *id, const char *ident, const char *conn)
{
    sk_account a = {
        .id = id, .identifier = ident, .connector = conn, .status = "ACTIVE",
        .token_expires_at = SK_TIME_ABSENT, .updated_at = SK_TIME_ABSENT,
        .last_used_at = SK_TIME_ABSENT, .state = SK_STATE_ACTIVE,
    };
    return a;
}

static const sk_connection conns[] = {
    { .id = "conn_1", .name = "gmail" }, { .id = "conn_2", .name = "slack" },
};

static void ok_done(const sk_sink *cb, sk_store_sink *s)
{
    sk_error e;
    sk_error_clear(&e);
    cb->done(s, &e);
}

/* A first listing that is clean: every row stored, the owner told, done with SK_OK. */
static void fill(sk_store *st, sk_store_sink *s, owner *o)
{
    const sk_sink *cb = store_sink_callbacks();
    store_sink_begin(s, st, &hooks, o);
    cb->connections(s, conns, 2, true);
    sk_account g[] = { row("ca_1", "ana", "gmail"), row("ca_2", "bo", "gmail") };
    sk_account k[] = { row("ca_3", "cy", "slack") };
    cb->page(s, "gmail", g, 2);
    cb->connection_done(s, "gmail");
    cb->page(s, "slack", k, 1);
    cb->connection_done(s, "slack");
    ok_done(cb, s);
}

static void test_good_pages_stored(void **st)
{
    (void)st;
    sk_store *store = store_new();
    sk_store_sink s;
    owner o = { 0 };
    fill(store, &s, &o);
    assert_int_equal(store_count(store), 3);
    assert_int_equal(store_connection_count(store), 2);
    assert_int_equal(o.done, 1);
    assert_int_equal(o.err.status, SK_OK);
    assert_true(o.changed >= 3);
    assert_true(s.over);
    assert_int_equal(s.damaged, 0);

    /* A second clean listing without ca_2: it is swept (gone from the server). */
    owner o2 = { 0 };
    const sk_sink *cb = store_sink_callbacks();
    store_sink_begin(&s, store, &hooks, &o2);
    cb->connections(&s, conns, 2, true);
    sk_account g[] = { row("ca_1", "ana", "gmail") };
    cb->page(&s, "gmail", g, 1);
    cb->connection_done(&s, "gmail");
    assert_int_equal(store_find(store, "ca_2"), SK_ROW_NONE);
    sk_account k[] = { row("ca_3", "cy", "slack") };
    cb->page(&s, "slack", k, 1);
    cb->connection_done(&s, "slack");
    ok_done(cb, &s);
    assert_int_equal(o2.err.status, SK_OK);
    assert_int_equal(store_count(store), 2);
    store_free(store);
}

static void test_damaged_page_dropped_whole(void **st)
{
    (void)st;
    sk_store *store = store_new();
    sk_store_sink s;
    owner o = { 0 };
    fill(store, &s, &o);

    /* The next listing: gmail's page has a row without its identifier and a new good row;
     * ca_2 is missing from it. slack's page is good but lacks ca_3. */
    owner o2 = { 0 };
    const sk_sink *cb = store_sink_callbacks();
    store_sink_begin(&s, store, &hooks, &o2);
    cb->connections(&s, conns, 2, true);
    sk_account g[] = { row("ca_1", "ana-renamed", "gmail"), row("ca_9", NULL, "gmail"),
                       row("ca_10", "new", "gmail") };
    cb->page(&s, "gmail", g, 3);
    cb->connection_done(&s, "gmail");
    sk_account k[] = { row("ca_4", "dee", "slack") };
    cb->page(&s, "slack", k, 1);
    cb->connection_done(&s, "slack");
    assert_int_equal(o2.done, 0);
    ok_done(cb, &s);

    /* Dropped whole: neither the damaged row nor its good neighbours were taken. */
    assert_int_equal(store_find(store, "ca_9"), SK_ROW_NONE);
    assert_int_equal(store_find(store, "ca_10"), SK_ROW_NONE);
    sk_account got;
    store_get(store, store_find(store, "ca_1"), &got);
    assert_string_equal(got.identifier, "ana");
    /* Other pages are stored; nothing is swept after a damaged page (ca_2, ca_3 stay). */
    assert_int_not_equal(store_find(store, "ca_4"), SK_ROW_NONE);
    assert_int_not_equal(store_find(store, "ca_2"), SK_ROW_NONE);
    assert_int_not_equal(store_find(store, "ca_3"), SK_ROW_NONE);
    /* The listing fails at done, in the words both front ends show. */
    assert_int_equal(o2.done, 1);
    assert_int_equal(o2.err.status, SK_ERR_PARSE);
    assert_string_equal(o2.err.message,
                        "the server sent 1 damaged rows (fields missing or of the wrong type)");
    assert_int_equal(s.damaged, 1);
    store_free(store);
}

/* A row listed under another connection than asked is damaged too; a missing status is not. */
static void test_row_damaged(void **st)
{
    (void)st;
    sk_account a = row("ca_1", "ana", "gmail");
    assert_false(store_sink_row_damaged(&a, "gmail"));
    assert_false(store_sink_row_damaged(&a, NULL));
    assert_true(store_sink_row_damaged(&a, "slack"));
    a.status = NULL;
    assert_false(store_sink_row_damaged(&a, "gmail"));
    a.id = NULL;
    assert_true(store_sink_row_damaged(&a, "gmail"));
    sk_account b = row("ca_2", NULL, "gmail");
    assert_true(store_sink_row_damaged(&b, NULL));
    sk_account c = row("ca_3", "cy", NULL);
    assert_true(store_sink_row_damaged(&c, "gmail"));
    assert_false(store_sink_row_damaged(&c, NULL));   /* fallback mode: any connector */
}

/* The listing's own error wins over the damage count; connections without a name count as
 * damaged and are not taken. */
static void test_listing_error_and_damaged_connections(void **st)
{
    (void)st;
    sk_store *store = store_new();
    sk_store_sink s;
    owner o = { 0 };
    const sk_sink *cb = store_sink_callbacks();
    store_sink_begin(&s, store, &hooks, &o);
    sk_connection bad[] = { { .id = "conn_1", .name = "gmail" }, { .id = "conn_2" } };
    cb->connections(&s, bad, 2, true);
    assert_int_equal(store_connection_count(store), 0);
    assert_int_equal(s.damaged, 2);
    sk_error e;
    sk_error_clear(&e);
    sk_error_set(&e, SK_ERR_NETWORK, "connection refused");
    cb->done(&s, &e);
    assert_int_equal(o.err.status, SK_ERR_NETWORK);
    assert_string_equal(o.err.message, "connection refused");

    /* No hooks at all: the sink still works (the CLI waits on s.over). */
    store_sink_begin(&s, store, NULL, NULL);
    sk_account g[] = { row("ca_1", "ana", "gmail") };
    cb->page(&s, "gmail", g, 1);
    ok_done(cb, &s);
    assert_true(s.over);
    assert_int_equal(s.err.status, SK_OK);
    assert_int_equal(store_count(store), 1);
    store_free(store);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_pages_stored),
        cmocka_unit_test(test_damaged_page_dropped_whole),
        cmocka_unit_test(test_row_damaged),
        cmocka_unit_test(test_listing_error_and_damaged_connections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
