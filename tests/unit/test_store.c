/* test_store.c: the account store: upsert/update in place, removal, per-connection counts
 * through every change, interning, connections from the API and from accounts, refresh and
 * sweep, marks. Counts are checked against a recount of the rows after each step. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "../support/acct_fixture.h"

/* Recount every live row and compare with what the store keeps up to date. */
static void check_counts(const sk_store *s)
{
    size_t nconn = store_connection_count(s);
    size_t (*per)[SK_STATE_COUNT] = calloc(nconn + 1, sizeof *per);
    size_t totals[SK_STATE_COUNT] = { 0 }, live = 0;
    for (sk_row r = 0; r < store_row_limit(s); r++) {
        if (!store_row_live(s, r))
            continue;
        sk_account a;
        store_get(s, r, &a);
        assert_int_equal(a.state, state_from_wire(a.status));
        totals[a.state]++;
        live++;
        size_t c = a.connector ? store_connection_find(s, a.connector) : nconn;
        assert_true(c <= nconn);
        per[c][a.state]++;
        assert_int_equal(store_find(s, a.id), r);
    }
    assert_int_equal(live, store_count(s));
    for (int st = 0; st < SK_STATE_COUNT; st++)
        assert_int_equal(totals[st], store_total(s, (sk_state)st));
    for (size_t c = 0; c < nconn; c++) {
        sk_conn_summary cs;
        store_connection(s, c, &cs);
        size_t sum = 0;
        for (int st = 0; st < SK_STATE_COUNT; st++) {
            assert_int_equal(cs.count[st], per[c][st]);
            sum += cs.count[st];
        }
        assert_int_equal(cs.total, sum);
    }
    free(per);
}

static size_t conn_count(const sk_store *s, const char *name, sk_state st)
{
    size_t i = store_connection_find(s, name);
    assert_true(i != (size_t)-1);
    sk_conn_summary cs;
    store_connection(s, i, &cs);
    return cs.count[st];
}

static void test_upsert_and_update_in_place(void **state)
{
    (void)state;
    sk_store *s = store_new();
    assert_non_null(s);
    acct_upsert1(s, acct_make("ca_1", "alice@example.com", "gmail", "ACTIVE"));
    acct_upsert1(s, acct_make("ca_2", "bob@example.com", "gmail", "PENDING_AUTH"));
    acct_upsert1(s, acct_make("ca_3", "carol", "slack", "EXPIRED"));
    assert_int_equal(store_count(s), 3);
    sk_row r2 = store_find(s, "ca_2");
    assert_true(r2 != SK_ROW_NONE);
    check_counts(s);
    assert_int_equal(conn_count(s, "gmail", SK_STATE_PENDING), 1);

    /* Same id again: same row, fields replaced, counts moved. */
    sk_account b = acct_make("ca_2", "bob+new@example.com", "gmail", "ACTIVE");
    b.token_expires_at = 1800000000;
    b.last_used_at = 1750000000;
    acct_upsert1(s, b);
    assert_int_equal(store_count(s), 3);
    assert_int_equal(store_find(s, "ca_2"), r2);
    sk_account got;
    store_get(s, r2, &got);
    assert_string_equal(got.identifier, "bob+new@example.com");
    assert_string_equal(got.status, "ACTIVE");
    assert_int_equal(got.state, SK_STATE_ACTIVE);
    assert_int_equal(got.token_expires_at, 1800000000);
    assert_int_equal(got.last_used_at, 1750000000);
    assert_int_equal(conn_count(s, "gmail", SK_STATE_PENDING), 0);
    assert_int_equal(conn_count(s, "gmail", SK_STATE_ACTIVE), 2);
    check_counts(s);

    /* An account that moves to another connection is counted there. */
    acct_upsert1(s, acct_make("ca_2", "bob+new@example.com", "slack", "DISCONNECTED"));
    assert_int_equal(conn_count(s, "gmail", SK_STATE_ACTIVE), 1);
    assert_int_equal(conn_count(s, "slack", SK_STATE_REVOKED), 1);
    check_counts(s);

    /* Strings are copied: the caller's buffers may change afterwards. */
    char id[16] = "ca_9", ident[16] = "dave";
    acct_upsert1(s, acct_make(id, ident, "gmail", "ACTIVE"));
    strcpy(id, "XXXX");
    strcpy(ident, "YYYY");
    store_get(s, store_find(s, "ca_9"), &got);
    assert_string_equal(got.identifier, "dave");
    assert_string_equal(got.id, "ca_9");
    store_free(s);
}

static void test_remove_keeps_other_rows(void **state)
{
    (void)state;
    sk_store *s = store_new();
    char id[32], ident[32];
    sk_row rows[50];
    for (int i = 0; i < 50; i++) {
        snprintf(id, sizeof id, "ca_%d", i);
        snprintf(ident, sizeof ident, "user%d", i);
        acct_upsert1(s, acct_make(id, ident, i % 2 ? "gmail" : "slack", i % 3 ? "ACTIVE" : "EXPIRED"));
        rows[i] = store_find(s, id);
    }
    check_counts(s);
    for (int i = 0; i < 50; i += 5) {
        snprintf(id, sizeof id, "ca_%d", i);
        assert_true(store_remove(s, id));
        assert_false(store_remove(s, id));
        assert_int_equal(store_find(s, id), SK_ROW_NONE);
        assert_false(store_row_live(s, rows[i]));
    }
    assert_false(store_remove(s, "ca_nope"));
    assert_false(store_remove(s, NULL));
    assert_int_equal(store_count(s), 40);
    check_counts(s);
    for (int i = 0; i < 50; i++) {
        if (i % 5 == 0)
            continue;
        snprintf(id, sizeof id, "ca_%d", i);
        assert_int_equal(store_find(s, id), rows[i]);
        sk_account a;
        store_get(s, rows[i], &a);
        snprintf(ident, sizeof ident, "user%d", i);
        assert_string_equal(a.identifier, ident);
    }
    /* New accounts after removals (holes may be reused) and re-adding a removed id. */
    for (int i = 100; i < 120; i++) {
        snprintf(id, sizeof id, "ca_%d", i);
        acct_upsert1(s, acct_make(id, "new", "github", "PENDING"));
    }
    acct_upsert1(s, acct_make("ca_0", "user0-again", "gmail", "ERROR"));
    assert_int_equal(store_count(s), 61);
    check_counts(s);
    assert_int_equal(conn_count(s, "github", SK_STATE_PENDING), 20);
    store_free(s);
}

static void test_set_status(void **state)
{
    (void)state;
    sk_store *s = store_new();
    acct_upsert1(s, acct_make("ca_1", "alice", "gmail", "PENDING_AUTH"));
    acct_upsert1(s, acct_make("ca_2", "bob", "gmail", "PENDING_AUTH"));
    assert_int_equal(conn_count(s, "gmail", SK_STATE_PENDING), 2);
    assert_true(store_set_status(s, "ca_1", "ACTIVE"));
    assert_int_equal(conn_count(s, "gmail", SK_STATE_PENDING), 1);
    assert_int_equal(conn_count(s, "gmail", SK_STATE_ACTIVE), 1);
    assert_int_equal(store_total(s, SK_STATE_ACTIVE), 1);
    sk_account a;
    store_get(s, store_find(s, "ca_1"), &a);
    assert_string_equal(a.status, "ACTIVE");
    assert_true(store_set_status(s, "ca_2", "SOMETHING_NEW"));
    store_get(s, store_find(s, "ca_2"), &a);
    assert_int_equal(a.state, SK_STATE_ERROR);
    assert_string_equal(a.status, "SOMETHING_NEW");
    assert_true(store_set_status(s, "ca_2", NULL));
    store_get(s, store_find(s, "ca_2"), &a);
    assert_null(a.status);
    assert_int_equal(a.state, SK_STATE_ERROR);
    assert_false(store_set_status(s, "ca_404", "ACTIVE"));
    check_counts(s);
    store_free(s);
}

static void test_interning(void **state)
{
    (void)state;
    sk_store *s = store_new();
    char conn1[] = "gmail", conn2[] = "gmail";   /* different buffers, same text */
    acct_upsert1(s, acct_make("ca_1", "a", conn1, "ACTIVE"));
    acct_upsert1(s, acct_make("ca_2", "b", conn2, "ACTIVE"));
    sk_account a, b;
    store_get(s, store_find(s, "ca_1"), &a);
    store_get(s, store_find(s, "ca_2"), &b);
    assert_ptr_equal(a.connector, b.connector);
    assert_ptr_equal(a.provider, b.provider);
    assert_ptr_equal(a.status, b.status);
    assert_ptr_equal(a.authorization_type, b.authorization_type);
    assert_ptr_not_equal(a.connector, conn1);
    assert_ptr_not_equal(a.id, b.id);
    assert_int_equal(store_connection_count(s), 1);
    store_free(s);
}

static void test_connections(void **state)
{
    (void)state;
    sk_store *s = store_new();
    /* An account seen before the API's list: its connection is appended as not-from-API. */
    acct_upsert1(s, acct_make("ca_1", "a", "legacy", "ACTIVE"));
    acct_upsert1(s, acct_make("ca_2", "b", "gmail", "EXPIRED"));
    sk_connection api[2];
    memset(api, 0, sizeof api);
    api[0].id = "conn_g";
    api[0].name = "gmail";
    api[0].provider = "GMAIL";
    api[0].type = "OAUTH";
    api[1].id = "conn_s";
    api[1].name = "slack";
    api[1].provider = "SLACK";
    api[1].type = "OAUTH";
    store_set_connections(s, api, 2);
    assert_int_equal(store_connection_count(s), 3);
    sk_conn_summary cs;
    store_connection(s, 0, &cs);
    assert_string_equal(cs.name, "gmail");
    assert_string_equal(cs.id, "conn_g");
    assert_string_equal(cs.provider, "GMAIL");
    assert_true(cs.from_api);
    assert_int_equal(cs.total, 1);
    assert_int_equal(cs.count[SK_STATE_EXPIRED], 1);
    store_connection(s, 1, &cs);
    assert_string_equal(cs.name, "slack");
    assert_true(cs.from_api);
    assert_int_equal(cs.total, 0);
    store_connection(s, 2, &cs);
    assert_string_equal(cs.name, "legacy");
    assert_false(cs.from_api);
    assert_null(cs.id);
    assert_int_equal(cs.total, 1);
    assert_int_equal(store_connection_find(s, "legacy"), 2);
    assert_int_equal(store_connection_find(s, "nope"), (size_t)-1);

    /* A later call updates known ones and adds new ones after the API's earlier ones. */
    api[0].provider = "GOOGLE";
    api[1].name = "notion";
    api[1].id = "conn_n";
    store_set_connections(s, api, 2);
    assert_int_equal(store_connection_count(s), 4);
    store_connection(s, store_connection_find(s, "gmail"), &cs);
    assert_string_equal(cs.provider, "GOOGLE");
    assert_int_equal(store_connection_find(s, "gmail"), 0);
    assert_int_equal(store_connection_find(s, "slack"), 1);
    assert_int_equal(store_connection_find(s, "notion"), 2);
    assert_int_equal(store_connection_find(s, "legacy"), 3);
    check_counts(s);
    store_free(s);
}

static void test_refresh_sweep(void **state)
{
    (void)state;
    sk_store *s = store_new();
    acct_upsert1(s, acct_make("ca_g1", "a", "gmail", "ACTIVE"));
    acct_upsert1(s, acct_make("ca_g2", "b", "gmail", "ACTIVE"));
    acct_upsert1(s, acct_make("ca_s1", "c", "slack", "ACTIVE"));
    acct_upsert1(s, acct_make("ca_s2", "d", "slack", "EXPIRED"));

    /* Nothing is swept without a refresh having begun. */
    assert_int_equal(store_sweep(s, NULL), 0);

    store_begin_refresh(s);
    acct_upsert1(s, acct_make("ca_g1", "a", "gmail", "EXPIRED"));   /* ca_g2 is gone on the server */
    acct_upsert1(s, acct_make("ca_s1", "c", "slack", "ACTIVE"));    /* slack's listing failed midway */
    assert_int_equal(store_sweep(s, "gmail"), 1);
    assert_int_equal(store_find(s, "ca_g2"), SK_ROW_NONE);
    assert_true(store_find(s, "ca_s2") != SK_ROW_NONE);    /* slack not swept */
    assert_int_equal(store_sweep(s, "no-such-connection"), 0);
    assert_int_equal(store_count(s), 3);
    check_counts(s);

    store_begin_refresh(s);
    acct_upsert1(s, acct_make("ca_s1", "c", "slack", "ACTIVE"));
    assert_int_equal(store_sweep(s, NULL), 2);               /* ca_g1 and ca_s2 */
    assert_int_equal(store_count(s), 1);
    assert_true(store_find(s, "ca_s1") != SK_ROW_NONE);
    check_counts(s);
    store_free(s);
}

static void test_marks(void **state)
{
    (void)state;
    sk_store *s = store_new();
    acct_upsert1(s, acct_make("ca_1", "a", "gmail", "ACTIVE"));
    acct_upsert1(s, acct_make("ca_2", "b", "gmail", "ACTIVE"));
    acct_upsert1(s, acct_make("ca_3", "c", "gmail", "ACTIVE"));
    sk_row r1 = store_find(s, "ca_1"), r2 = store_find(s, "ca_2");
    store_mark(s, r1, true);
    store_mark(s, r1, true);      /* idempotent */
    store_mark(s, r2, true);
    assert_int_equal(store_mark_count(s), 2);
    assert_true(store_marked(s, r1));
    assert_false(store_marked(s, store_find(s, "ca_3")));
    /* An update keeps the mark; a removal drops it. */
    acct_upsert1(s, acct_make("ca_1", "a", "gmail", "EXPIRED"));
    assert_true(store_marked(s, r1));
    assert_true(store_remove(s, "ca_2"));
    assert_int_equal(store_mark_count(s), 1);
    assert_false(store_marked(s, r2));
    store_mark(s, r1, false);
    assert_int_equal(store_mark_count(s), 0);
    store_mark(s, r1, true);
    store_mark(s, SK_ROW_NONE, true);   /* ignored */
    store_clear_marks(s);
    assert_int_equal(store_mark_count(s), 0);
    assert_false(store_marked(s, r1));
    /* A refresh keeps the marks of accounts listed again (by id, wherever they were marked)
     * and drops those of accounts that are gone (the dashboard's marks across connections). */
    acct_upsert1(s, acct_make("ca_4", "d", "slack", "ACTIVE"));
    sk_row r3 = store_find(s, "ca_3"), r4 = store_find(s, "ca_4");
    store_mark(s, r1, true);
    store_mark(s, r3, true);
    store_mark(s, r4, true);
    store_begin_refresh(s);
    acct_upsert1(s, acct_make("ca_1", "a", "gmail", "ACTIVE"));
    acct_upsert1(s, acct_make("ca_4", "d", "slack", "EXPIRED"));
    store_sweep(s, NULL);
    assert_int_equal(store_mark_count(s), 2);
    assert_true(store_marked(s, store_find(s, "ca_1")));
    assert_true(store_marked(s, store_find(s, "ca_4")));
    assert_true(store_find(s, "ca_3") == SK_ROW_NONE);
    store_free(s);
}

static void test_bad_input(void **state)
{
    (void)state;
    sk_store *s = store_new();
    sk_account a = acct_make(NULL, "x", "gmail", "ACTIVE");
    assert_int_equal(store_upsert(s, &a, 1), SK_OK);     /* no id: skipped */
    a = acct_make("ca_1", NULL, NULL, NULL);
    assert_int_equal(store_upsert(s, &a, 1), SK_OK);
    assert_int_equal(store_count(s), 1);
    sk_account got;
    store_get(s, store_find(s, "ca_1"), &got);
    assert_null(got.identifier);
    assert_null(got.connector);
    assert_int_equal(got.state, SK_STATE_ERROR);
    store_get(s, 12345, &got);                            /* out of range: empty view */
    assert_null(got.id);
    assert_int_equal(got.updated_at, SK_TIME_ABSENT);
    assert_int_equal(store_find(s, NULL), SK_ROW_NONE);
    check_counts(s);
    store_free(s);
}

static void test_many_rows(void **state)
{
    (void)state;
    sk_store *s = store_new();
    static const char *const conns[] = { "gmail", "slack", "github" };
    static const char *const sts[] = { "ACTIVE", "EXPIRED", "PENDING_AUTH", "DISCONNECTED", "X" };
    char id[32];
    enum { N = 20000 };
    sk_account *batch = calloc(N, sizeof *batch);
    char (*ids)[32] = calloc(N, sizeof *ids);
    for (int i = 0; i < N; i++) {
        snprintf(ids[i], sizeof ids[i], "ca_%08d", i);
        batch[i] = acct_make(ids[i], ids[i], conns[i % 3], sts[i % 5]);
    }
    assert_int_equal(store_upsert(s, batch, N), SK_OK);
    assert_int_equal(store_count(s), N);
    for (int i = 0; i < N; i += 2) {
        snprintf(id, sizeof id, "ca_%08d", i);
        assert_true(store_remove(s, id));
    }
    for (int i = 1; i < N; i += 4)
        assert_true(store_set_status(s, ids[i], "ACTIVE"));
    check_counts(s);
    assert_int_equal(store_count(s), N / 2);
    /* Lean: well under a kilobyte per account. */
    assert_true(store_bytes(s) < (size_t)N * 300);
    free(batch);
    free(ids);
    store_free(s);
}

/* store_reserve makes room ahead (the listing's hint) without touching what is there; rows
 * whose strings repeat or change from one row to the next (the intern memo) keep their own. */
static void test_reserve_and_repeats(void **state)
{
    (void)state;
    sk_store *s = store_new();
    static const char *const conns[] = { "gmail", "gmail", "gmail2", "gmail", "slack" };
    static const char *const sts[] = { "ACTIVE", "ACTIVE", "ACTIVE_X", "EXPIRED", "ACTIVE" };
    enum { N = 3000 };
    sk_account *batch = calloc(N, sizeof *batch);
    char (*ids)[32] = calloc(N, sizeof *ids);
    for (int i = 0; i < N; i++) {
        snprintf(ids[i], sizeof ids[i], "ca_%08d", i);
        batch[i] = acct_make(ids[i], ids[i], conns[i % 5], sts[(i / 5) % 5]);
    }
    assert_int_equal(store_upsert(s, batch, N / 2), SK_OK);
    size_t before = store_bytes(s);
    assert_true(store_reserve(s, 100000));
    size_t bytes = store_bytes(s);
    /* Announced while few rows are in: the ids' table is sized for them now (4 bytes a slot,
     * 1.5 slots a row), not once it is 3/4 full. */
    assert_true(bytes >= before + 100000 * 4);
    assert_true(store_reserve(s, 10));            /* smaller: nothing moves */
    assert_int_equal(store_bytes(s), bytes);
    for (int i = 0; i < N / 2; i++)
        assert_int_equal(store_find(s, ids[i]), (sk_row)i);
    assert_int_equal(store_upsert(s, batch + N / 2, N - N / 2), SK_OK);
    assert_false(store_reserve(s, (size_t)SK_ROW_NONE));   /* refused, nothing lost */
    sk_store *s2 = store_new();
    assert_int_equal(store_upsert(s2, batch, 2000), SK_OK);
    bytes = store_bytes(s2);
    assert_true(store_reserve(s2, 10000));   /* a fifth of it in already: grown when full */
    assert_int_equal(store_bytes(s2), bytes);
    store_free(s2);
    assert_false(store_reserve(NULL, 10));
    assert_int_equal(store_count(s), N);
    check_counts(s);
    for (int i = 0; i < N; i++) {
        sk_account a;
        store_get(s, store_find(s, ids[i]), &a);
        assert_string_equal(a.connector, conns[i % 5]);
        assert_string_equal(a.status, sts[(i / 5) % 5]);
    }
    assert_int_equal(conn_count(s, "gmail2", state_from_wire("ACTIVE")), 3 * N / 25);
    free(batch);
    free(ids);
    store_free(s);
}

/* Times are held in 32 bits when they fit (1970 to 2106): any other (a year 1900 or 3000 from a
 * hostile or odd server, the extremes of int64) comes back exactly, through every change of a
 * row between the two forms, and through the row accessors the view reads. */
static void test_times_out_of_range(void **st)
{
    (void)st;
    static const int64_t odd[] = {
        -2208988800LL,              /* 1900-01-01 */
        32503680000LL,              /* 3000-01-01 */
        -1, 0, 1, 4294967294LL, 4294967295LL, 4294967296LL, INT64_MAX, INT64_MIN + 1,
        SK_TIME_ABSENT, 1700000000,
    };
    enum { K = sizeof odd / sizeof odd[0] };
    sk_store *s = store_new();
    char ids[K * K][16];
    for (int i = 0; i < K; i++)
        for (int j = 0; j < K; j++) {
            int n = i * K + j;
            snprintf(ids[n], sizeof ids[n], "ca_t%d", n);
            sk_account a = acct_make(ids[n], ids[n], "gmail", "ACTIVE");
            a.token_expires_at = odd[i];
            a.updated_at = odd[j];
            a.last_used_at = odd[(i + j) % K];
            acct_upsert1(s, a);
        }
    /* Every row rewritten once the other way round: narrow rows become wide and back. */
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < K; i++)
            for (int j = 0; j < K; j++) {
                int n = i * K + j;
                int64_t want[3] = { odd[i], odd[j], odd[(i + j) % K] };
                if (pass) {
                    want[0] = odd[j];
                    want[1] = odd[i];
                    want[2] = 1700000000;
                }
                sk_row r = store_find(s, ids[n]);
                sk_account got;
                store_get(s, r, &got);
                assert_true(got.token_expires_at == want[0]);
                assert_true(got.updated_at == want[1]);
                assert_true(got.last_used_at == want[2]);
                const sk_store_row *row = &store_rows(s)[r];
                assert_true(store_row_time(s, row, SK_ROW_TOKEN_EXPIRES) == want[0]);
                assert_true(store_row_time(s, row, SK_ROW_UPDATED) == want[1]);
                assert_true(store_row_time(s, row, SK_ROW_LAST_USED) == want[2]);
            }
        for (int i = 0; i < K; i++)
            for (int j = 0; j < K; j++) {
                int n = i * K + j;
                sk_account a = acct_make(ids[n], ids[n], "gmail", "ACTIVE");
                a.token_expires_at = odd[j];
                a.updated_at = odd[i];
                a.last_used_at = 1700000000;
                acct_upsert1(s, a);
            }
    }
    /* Removed wide rows give their room back; rows added after them are whole. */
    for (int n = 0; n < K * K; n += 2)
        assert_true(store_remove(s, ids[n]));
    for (int n = 0; n < K * K; n += 2) {
        sk_account a = acct_make(ids[n], "again", "gmail", "EXPIRED");
        a.updated_at = odd[n % K];
        a.token_expires_at = odd[(n + 1) % K];
        acct_upsert1(s, a);
    }
    for (int n = 0; n < K * K; n++) {
        sk_account got;
        store_get(s, store_find(s, ids[n]), &got);
        if (n % 2 == 0) {
            assert_string_equal(got.identifier, "again");
            assert_true(got.updated_at == odd[n % K]);
            assert_true(got.token_expires_at == odd[(n + 1) % K]);
            assert_true(got.last_used_at == SK_TIME_ABSENT);
        } else {
            assert_string_equal(got.identifier, ids[n]);
        }
    }
    check_counts(s);
    store_free(s);
}

/* More distinct values than 16 bits hold: statuses, providers, connection ids, auth types and
 * their combinations each come back as given (a hostile server may send them). */
static void test_many_distinct_values(void **st)
{
    (void)st;
    enum { N = 70000 };
    sk_store *s = store_new();
    char (*ids)[24] = calloc(N, sizeof *ids), (*vals)[24] = calloc(N, sizeof *vals);
    sk_account *batch = calloc(N, sizeof *batch);
    assert_true(ids && vals && batch);
    for (int i = 0; i < N; i++) {
        snprintf(ids[i], sizeof ids[i], "ca_d%d", i);
        snprintf(vals[i], sizeof vals[i], "V%d", i);
        batch[i] = acct_make(ids[i], i % 7 ? ids[i] : NULL, i % 3 ? "gmail" : vals[i], vals[i]);
        batch[i].provider = vals[(i * 7) % N];
        batch[i].connection_id = vals[(i * 13) % N];
        batch[i].authorization_type = i % 2 ? vals[(i * 17) % N] : NULL;
    }
    assert_int_equal(store_upsert(s, batch, N), SK_OK);
    assert_int_equal(store_count(s), N);
    for (int i = 0; i < N; i++) {
        sk_account got;
        store_get(s, store_find(s, ids[i]), &got);
        assert_string_equal(got.id, ids[i]);
        if (i % 7)
            assert_string_equal(got.identifier, ids[i]);
        else
            assert_null(got.identifier);
        assert_string_equal(got.status, vals[i]);
        assert_string_equal(got.connector, i % 3 ? "gmail" : vals[i]);
        assert_string_equal(got.provider, vals[(i * 7) % N]);
        assert_string_equal(got.connection_id, vals[(i * 13) % N]);
        if (i % 2)
            assert_string_equal(got.authorization_type, vals[(i * 17) % N]);
        else
            assert_null(got.authorization_type);
    }
    /* A status set by hand on one row leaves the others of its combination alone. */
    assert_true(store_set_status(s, ids[1], "ACTIVE"));
    sk_account got;
    store_get(s, store_find(s, ids[1]), &got);
    assert_string_equal(got.status, "ACTIVE");
    assert_string_equal(got.provider, vals[7]);
    store_get(s, store_find(s, ids[2]), &got);
    assert_string_equal(got.status, vals[2]);
    check_counts(s);
    free(ids);
    free(vals);
    free(batch);
    store_free(s);
}

/* store_get's strings stay where they were while the store grows around them (rows, the id
 * hash and the string pool all grow), and a changed identifier leaves the old one readable;
 * long ids and identifiers (a chunk of their own) too; "" is not NULL. */
static void test_pointer_stability(void **st)
{
    (void)st;
    sk_store *s = store_new();
    size_t big = 100000;
    char *long_id = malloc(big + 1), *long_ident = malloc(big + 1);
    memset(long_id, 'i', big);
    memset(long_ident, 'x', big);
    long_id[big] = long_ident[big] = '\0';
    acct_upsert1(s, acct_make("ca_first", "first@example.com", "gmail", "ACTIVE"));
    acct_upsert1(s, acct_make(long_id, long_ident, "gmail", "ACTIVE"));
    acct_upsert1(s, acct_make("ca_empty", "", "gmail", "ACTIVE"));
    sk_account a0, a1;
    store_get(s, store_find(s, "ca_first"), &a0);
    store_get(s, store_find(s, long_id), &a1);
    const char *id0 = a0.id, *ident0 = a0.identifier, *st0 = a0.status;
    const char *id1 = a1.id, *ident1 = a1.identifier;
    enum { N = 150000 };
    char id[32], ident[64];
    for (int i = 0; i < N; i++) {
        snprintf(id, sizeof id, "ca_g%d", i);
        snprintf(ident, sizeof ident, "user%d@example.com", i);
        acct_upsert1(s, acct_make(id, ident, i % 2 ? "slack" : "gmail", "ACTIVE"));
    }
    acct_upsert1(s, acct_make("ca_first", "renamed@example.com", "gmail", "EXPIRED"));
    assert_string_equal(id0, "ca_first");
    assert_string_equal(ident0, "first@example.com");
    assert_string_equal(st0, "ACTIVE");
    assert_string_equal(id1, long_id);
    assert_string_equal(ident1, long_ident);
    sk_account got;
    store_get(s, store_find(s, "ca_first"), &got);
    assert_string_equal(got.identifier, "renamed@example.com");
    assert_string_equal(got.id, "ca_first");
    store_get(s, store_find(s, "ca_empty"), &got);
    assert_non_null(got.identifier);
    assert_string_equal(got.identifier, "");
    for (int i = 0; i < N; i += 997) {
        snprintf(id, sizeof id, "ca_g%d", i);
        snprintf(ident, sizeof ident, "user%d@example.com", i);
        sk_row r = store_find(s, id);
        assert_true(r != SK_ROW_NONE);
        assert_string_equal(store_row_id(s, &store_rows(s)[r]), id);
        assert_string_equal(store_row_identifier(s, &store_rows(s)[r]), ident);
    }
    assert_int_equal(store_count(s), N + 3);
    check_counts(s);
    free(long_id);
    free(long_ident);
    store_free(s);
}

/* Views rely on the versions: appends move only store_version(); a rewrite that changes
 * nothing moves neither; changes, removals and status changes move both; stores never share. */
static void test_versions(void **st)
{
    (void)st;
    sk_store *s = store_new(), *other = store_new();
    assert_int_not_equal(store_version(s), store_version(other));
    assert_int_not_equal(store_layout_version(s), store_layout_version(other));
    acct_upsert1(s, acct_make("ca_1", "ann", "gmail", "ACTIVE"));
    uint64_t v = store_version(s), l = store_layout_version(s);
    acct_upsert1(s, acct_make("ca_2", "bob", "gmail", "ACTIVE"));             /* appended */
    assert_true(store_version(s) > v);
    assert_int_equal(store_layout_version(s), l);
    v = store_version(s);
    acct_upsert1(s, acct_make("ca_1", "ann", "gmail", "ACTIVE"));             /* the same again */
    assert_int_equal(store_version(s), v);
    assert_int_equal(store_layout_version(s), l);
    acct_upsert1(s, acct_make("ca_1", "ann", "gmail", "EXPIRED"));            /* changed in place */
    assert_true(store_version(s) > v && store_layout_version(s) > l);
    v = store_version(s);
    l = store_layout_version(s);
    assert_true(store_set_status(s, "ca_2", "REVOKED"));
    assert_true(store_version(s) > v && store_layout_version(s) > l);
    v = store_version(s);
    l = store_layout_version(s);
    assert_true(store_remove(s, "ca_2"));
    assert_true(store_version(s) > v && store_layout_version(s) > l);
    v = store_version(s);
    l = store_layout_version(s);
    acct_upsert1(s, acct_make("ca_3", "cy", "slack", "ACTIVE"));              /* reuses ca_2's hole */
    assert_true(store_version(s) > v && store_layout_version(s) > l);
    /* The compact records say the same as store_get. */
    sk_row r = store_find(s, "ca_3");
    const sk_store_row *rows = store_rows(s);
    assert_non_null(rows);
    assert_string_equal(store_row_identifier(s, &rows[r]), "cy");
    assert_string_equal(store_row_id(s, &rows[r]), "ca_3");
    assert_true(rows[r].flags & SK_STORE_ROW_LIVE);
    assert_string_equal(store_conn_name(s, rows[r].conn), "slack");
    assert_true(store_conn_limit(s) >= 2);
    assert_null(store_conn_name(s, SK_CONN_NONE));
    store_free(s);
    store_free(other);
}

/* Sweeps against a model, over random refreshes: rows upserted since the refresh stay (also
 * when they moved to another connection), rows not seen go when their connection (or all) is
 * swept, and a sweep with nothing unseen removes nothing. */
static void test_sweep_model(void **st)
{
    (void)st;
    enum { IDS = 300 };
    static const char *const conns[] = { "gmail", "slack", "github" };
    struct { bool present, seen; int conn; } m[IDS];
    memset(m, 0, sizeof m);
    sk_store *s = store_new();
    char id[16];
    srand(99);
    for (int round = 0; round < 200; round++) {
        if (rand() % 3) {
            store_begin_refresh(s);
            for (int i = 0; i < IDS; i++)
                m[i].seen = false;
        }
        int upserts = rand() % 4 ? rand() % 200 : rand() % 3;   /* some refreshes see little */
        for (int k = upserts; k > 0; k--) {
            int i = rand() % IDS;
            m[i].conn = rand() % 3;
            m[i].present = m[i].seen = true;
            snprintf(id, sizeof id, "ca_%d", i);
            acct_upsert1(s, acct_make(id, "who", conns[m[i].conn], rand() % 2 ? "ACTIVE" : "EXPIRED"));
        }
        for (int k = rand() % 5; k > 0; k--) {
            int i = rand() % IDS;
            snprintf(id, sizeof id, "ca_%d", i);
            assert_int_equal(store_remove(s, id), m[i].present);
            m[i].present = false;
        }
        int which = rand() % 4;   /* 3: all connections */
        size_t want = 0;
        for (int i = 0; i < IDS; i++) {
            if (m[i].present && !m[i].seen && (which == 3 || m[i].conn == which)) {
                m[i].present = false;
                want++;
            }
        }
        assert_int_equal(store_sweep(s, which == 3 ? NULL : conns[which]), want);
        size_t live = 0;
        for (int i = 0; i < IDS; i++) {
            snprintf(id, sizeof id, "ca_%d", i);
            assert_int_equal(store_find(s, id) != SK_ROW_NONE, m[i].present);
            live += m[i].present;
        }
        assert_int_equal(store_count(s), live);
        check_counts(s);
    }
    store_free(s);
}

/* store_swap exchanges everything: rows, counts, connections, and what ids find. */
static void test_swap(void **st)
{
    (void)st;
    sk_store *a = store_new(), *b = store_new();
    acct_upsert1(a, acct_make("ca_a1", "a1@example.com", "gmail", "ACTIVE"));
    acct_upsert1(a, acct_make("ca_a2", "a2@example.com", "gmail", "EXPIRED"));
    acct_upsert1(b, acct_make("ca_b1", "b1@example.com", "slack", "PENDING_AUTH"));
    uint64_t va = store_version(a), vb = store_version(b);
    store_swap(a, b);
    assert_int_equal(store_count(a), 1);
    assert_int_equal(store_count(b), 2);
    assert_true(store_find(a, "ca_b1") != SK_ROW_NONE);
    assert_true(store_find(a, "ca_a1") == SK_ROW_NONE);
    assert_true(store_find(b, "ca_a2") != SK_ROW_NONE);
    assert_int_equal(store_total(a, SK_STATE_PENDING), 1);
    assert_int_equal(store_total(b, SK_STATE_EXPIRED), 1);
    assert_int_equal(store_connection_find(a, "gmail"), (size_t)-1);
    assert_true(store_connection_find(b, "gmail") != (size_t)-1);
    assert_true(store_version(a) != va && store_version(a) != vb);
    assert_true(store_version(b) != va && store_version(b) != vb);
    store_free(a);
    store_free(b);
}

/* Ids of many lengths (the store names a few lengths per row and finds the rest by strlen), with
 * and without identifiers, identifiers changed and removed, rows removed and their holes reused:
 * every row's identifier through store_row_identifier and store_get is the one given. */
static void test_identifier_after_ids_of_any_length(void **st)
{
    (void)st;
    sk_store *s = store_new();
    enum { N = 300 };
    char id[N][300], ident[N][64];
    for (int i = 0; i < N; i++) {
        int len = 4 + (i * 7) % 280;   /* 4 .. 283 bytes, ending in i: unique */
        memset(id[i], 'a' + i % 26, (size_t)len);
        snprintf(id[i] + len - 4, 5, "%04d", i);
        snprintf(ident[i], sizeof ident[i], "user%d@example.com", i);
        sk_account a = acct_make(id[i], i % 5 == 0 ? NULL : ident[i], "gmail", "ACTIVE");
        acct_upsert1(s, a);
    }
    for (int pass = 0; pass < 3; pass++) {
        for (int i = 0; i < N; i++) {
            sk_row r = store_find(s, id[i]);
            if (pass == 2 && i % 7 == 3) {
                assert_int_equal(r, SK_ROW_NONE);
                continue;
            }
            assert_true(r != SK_ROW_NONE);
            const sk_store_row *row = &store_rows(s)[r];
            const char *want = i % 5 == 0 && !(pass >= 1 && i % 3 == 0) ? NULL : ident[i];
            const char *got = store_row_identifier(s, row);
            sk_account a;
            store_get(s, r, &a);
            assert_string_equal(store_row_id(s, row), id[i]);
            if (!want) {
                assert_null(got);
                assert_null(a.identifier);
            } else {
                assert_non_null(got);
                assert_string_equal(got, want);
                assert_string_equal(a.identifier, want);
            }
        }
        if (pass == 0) {
            /* New identifiers for some (longer ones), and some without one get one. */
            for (int i = 0; i < N; i += 3) {
                snprintf(ident[i], sizeof ident[i], "renamed-%d-with-a-longer-name@example.org", i);
                acct_upsert1(s, acct_make(id[i], ident[i], "gmail", "EXPIRED"));
            }
        } else if (pass == 1) {
            for (int i = 3; i < N; i += 7)
                assert_true(store_remove(s, id[i]));
            /* Holes reused by ids of other lengths. */
            for (int i = 0; i < 20; i++) {
                char nid[40], nident[40];
                snprintf(nid, sizeof nid, "new-%0*d", 1 + i, i);
                snprintf(nident, sizeof nident, "new%d@example.net", i);
                acct_upsert1(s, acct_make(nid, nident, "slack", "ACTIVE"));
                const sk_store_row *row = &store_rows(s)[store_find(s, nid)];
                assert_string_equal(store_row_identifier(s, row), nident);
            }
        }
    }
    check_counts(s);
    store_free(s);
}

/* The bulk load's records: handles from store_intern, lengths given; the same rows as
 * store_upsert would hold (an empty connector is none, an id twice is updated in place, no id is
 * skipped), and a handle the store never gave is refused. */
static void test_upsert_recs(void **st)
{
    (void)st;
    sk_store *s = store_new(), *w = store_new();
    uint32_t gm = store_intern(s, "gmail"), cid = store_intern(s, "conn_1"),
             prov = store_intern(s, "GMAIL"), act = store_intern(s, "ACTIVE"),
             exp = store_intern(s, "EXPIRED"), oauth = store_intern(s, "OAUTH"),
             empty = store_intern(s, "");
    assert_int_equal(store_intern(s, NULL), 0);
    assert_int_equal(store_intern(s, "gmail"), gm);
    sk_store_rec r[5] = {
        { "ca_1", "a@x.com", 4, 7, gm, cid, prov, act, oauth, 10, 20, SK_TIME_ABSENT },
        { "ca_2", NULL, 4, 0, empty, 0, 0, exp, 0, SK_TIME_ABSENT, -5, 4294967296LL },
        { NULL, "skipped", 0, 7, gm, cid, prov, act, oauth, 1, 2, 3 },
        { "ca_1", "b@x.com", 4, 7, gm, cid, prov, exp, oauth, 11, 21, 31 },
        { "ca_3", "", 4, 0, gm, 0, prov, 0, 0, 1, 2, 3 },
    };
    assert_int_equal(store_upsert_recs(s, r, 5), SK_OK);
    sk_account a[4] = {
        acct_make("ca_2", NULL, NULL, "EXPIRED"),
        acct_make("ca_1", "b@x.com", "gmail", "EXPIRED"),
        acct_make("ca_3", "", "gmail", NULL),
    };
    a[0].connection_id = a[0].provider = a[0].authorization_type = NULL;
    a[0].token_expires_at = SK_TIME_ABSENT;
    a[0].updated_at = -5;
    a[0].last_used_at = 4294967296LL;
    a[1].connection_id = "conn_1";
    a[1].provider = "GMAIL";
    a[1].authorization_type = "OAUTH";
    a[1].token_expires_at = 11;
    a[1].updated_at = 21;
    a[1].last_used_at = 31;
    a[2].connection_id = a[2].authorization_type = NULL;
    a[2].provider = "GMAIL";
    a[2].token_expires_at = 1;
    a[2].updated_at = 2;
    a[2].last_used_at = 3;
    assert_int_equal(store_upsert(w, a, 3), SK_OK);
    assert_int_equal(store_count(s), 3);
    for (int i = 0; i < 3; i++) {
        sk_account x, y;
        store_get(s, store_find(s, a[i].id), &x);
        store_get(w, store_find(w, a[i].id), &y);
        const char *xs[7] = { x.id, x.identifier, x.connector, x.connection_id, x.provider,
                              x.status, x.authorization_type };
        const char *ys[7] = { y.id, y.identifier, y.connector, y.connection_id, y.provider,
                              y.status, y.authorization_type };
        for (int k = 0; k < 7; k++) {
            if (!xs[k] || !ys[k])
                assert_true(xs[k] == ys[k]);
            else
                assert_string_equal(xs[k], ys[k]);
        }
        assert_int_equal(x.state, y.state);
        assert_true(x.token_expires_at == y.token_expires_at && x.updated_at == y.updated_at &&
                    x.last_used_at == y.last_used_at);
    }
    assert_int_equal(store_connection_count(s), 1);
    check_counts(s);
    sk_store_rec bad = { "ca_9", NULL, 4, 0, gm, cid, 999999, act, oauth, 1, 2, 3 };
    assert_int_equal(store_upsert_recs(s, &bad, 1), SK_ERR_USAGE);
    assert_int_equal(store_find(s, "ca_9"), SK_ROW_NONE);
    assert_int_equal(store_upsert_recs(NULL, &bad, 1), SK_ERR_USAGE);
    assert_int_equal(store_intern(NULL, "x"), SK_STORE_STR_NOMEM);
    store_free(s);
    store_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_upsert_and_update_in_place),
        cmocka_unit_test(test_remove_keeps_other_rows),
        cmocka_unit_test(test_set_status),
        cmocka_unit_test(test_interning),
        cmocka_unit_test(test_connections),
        cmocka_unit_test(test_refresh_sweep),
        cmocka_unit_test(test_marks),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_many_rows),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_sweep_model),
        cmocka_unit_test(test_swap),
        cmocka_unit_test(test_upsert_recs),
        cmocka_unit_test(test_identifier_after_ids_of_any_length),
        cmocka_unit_test(test_reserve_and_repeats),
        cmocka_unit_test(test_times_out_of_range),
        cmocka_unit_test(test_many_distinct_values),
        cmocka_unit_test(test_pointer_stability),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
