/* test_saved_view.c: the saved views' counts a slice at a time (saved_view_tally_some), as the
 * dashboard keeps them for a million accounts: every slice size gives what one whole count
 * gives, never a part shown as the whole, and a count again for the time alone keeps showing
 * the last figures of the same rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "saved_view.h"
#include "sk_time.h"
#include "store.h"

/* Times around `now` = 1000 days in seconds: expiring within 3 days or not, used within 30
 * days or not, absent, and values outside 32 bits. */
#define NOW ((int64_t)1000 * 86400)

static int64_t random_time(void)
{
    switch (rand() % 6) {
    case 0: return SK_TIME_ABSENT;
    case 1: return NOW + (int64_t)(rand() % (5 * 86400)) - 86400;         /* around the window */
    case 2: return NOW - (int64_t)(rand() % (60 * 86400));               /* used, long ago or not */
    case 3: return (int64_t)1 << 40;                                     /* far future */
    case 4: return -((int64_t)1 << 35);                                  /* far past */
    default: return NOW + (int64_t)(rand() % 200) - 100;                 /* right at now */
    }
}

static void random_account(sk_account *a, char *id, char *ident, int serial)
{
    static const char *const conns[] = { "gmail", "slack", "github", NULL };
    static const char *const sts[] = { "ACTIVE", "EXPIRED", "PENDING_AUTH", "REVOKED", "X", NULL };
    memset(a, 0, sizeof *a);
    snprintf(id, 32, "ca_%d", serial);
    snprintf(ident, 32, "user%.*s", rand() % 6, "abcdef");
    a->id = id;
    a->identifier = rand() % 20 ? ident : NULL;
    a->connector = conns[rand() % 4];
    a->status = sts[rand() % 6];
    a->state = state_from_wire(a->status);
    a->token_expires_at = random_time();
    a->last_used_at = random_time();
    a->updated_at = random_time();
}

static void add_random(sk_store *s, int *serial, int n)
{
    for (int i = 0; i < n; i++) {
        char id[32], ident[32];
        sk_account a;
        random_account(&a, id, ident, (*serial)++);
        assert_int_equal(store_upsert(s, &a, 1), SK_OK);
    }
}

/* A row rewritten, removed or given another status: rows already counted change. */
static void change_some(sk_store *s, int serial)
{
    char id[32], ident[32];
    sk_account a;
    int pick = rand() % serial;
    switch (rand() % 3) {
    case 0:
        random_account(&a, id, ident, pick);
        assert_int_equal(store_upsert(s, &a, 1), SK_OK);
        break;
    case 1:
        snprintf(id, sizeof id, "ca_%d", pick);
        store_remove(s, id);
        break;
    default:
        snprintf(id, sizeof id, "ca_%d", pick);
        store_set_status(s, id, rand() % 2 ? "EXPIRED" : "ACTIVE");
        break;
    }
}

/* A view over the identifier and connector, which the tally reads from the row too. */
static bool named_match(const sk_account *a, int64_t now)
{
    (void)now;
    return a->identifier && strlen(a->identifier) % 2 == 0 && a->connector &&
           strcmp(a->connector, "slack") != 0;
}
static const sk_saved_view named_view = { "named", "Named", (1u << SK_STATE_COUNT) - 1, named_match,
                                          true };

#define NV 5
static const sk_saved_view *views_under_test(size_t i)
{
    size_t n;
    const sk_saved_view *reg = saved_views(&n);
    assert_int_equal(n, 4);
    return i < n ? &reg[i] : &named_view;
}

/* Counted to the end in slices of `budget` rows: each call before the last gives `meanwhile`
 * (true) or, when NULL, says "counting" (false, zero figures); the last gives the whole count's
 * figures. */
static void count_slices_showing(const sk_saved_view *v, const sk_store *s, int64_t now,
                                 sk_saved_tally *t, size_t budget, const size_t *meanwhile)
{
    size_t want[SK_STATE_COUNT], got[SK_STATE_COUNT], zero[SK_STATE_COUNT] = { 0 };
    saved_view_counts(v, s, now, want);
    for (int calls = 0;; calls++) {
        assert_true(calls < 100000);
        bool ready = saved_view_tally_some(v, s, now, t, budget, got);
        if (!saved_view_tally_more(t, s)) {
            assert_true(ready);
            assert_memory_equal(got, want, sizeof want);
            return;
        }
        assert_int_equal(ready, meanwhile != NULL);
        assert_memory_equal(got, meanwhile ? meanwhile : zero, sizeof zero);
    }
}

static void count_in_slices(const sk_saved_view *v, const sk_store *s, int64_t now,
                            sk_saved_tally *t, size_t budget)
{
    count_slices_showing(v, s, now, t, budget, NULL);
}

static void test_slices_count_what_a_whole_count_does(void **st)
{
    (void)st;
    srand(20261202);
    static const size_t budgets[] = { 1, 7, 64, 1000, SIZE_MAX };
    for (size_t b = 0; b < sizeof budgets / sizeof budgets[0]; b++) {
        sk_store *s = store_new();
        int serial = 0;
        add_random(s, &serial, 400);
        sk_saved_tally t[NV];
        memset(t, 0, sizeof t);
        for (int step = 0; step < 60; step++) {
            if (step % 3 == 0)
                add_random(s, &serial, 1 + rand() % 90);   /* a page appended */
            else if (step % 3 == 1)
                change_some(s, serial);                    /* rows counted before changed */
            for (size_t k = 0; k < NV; k++)
                count_in_slices(views_under_test(k), s, NOW, &t[k], budgets[b]);
        }
        store_free(s);
    }
}

/* Views without a predicate are the store's totals: ready at once, whatever the budget. */
static void test_views_without_predicate_are_ready_at_once(void **st)
{
    (void)st;
    sk_store *s = store_new();
    int serial = 0;
    add_random(s, &serial, 300);
    const sk_saved_view *attention = saved_view_find("attention");
    sk_saved_tally t;
    memset(&t, 0, sizeof t);
    size_t want[SK_STATE_COUNT], got[SK_STATE_COUNT];
    saved_view_counts(attention, s, NOW, want);
    assert_true(saved_view_tally_some(attention, s, NOW, &t, 1, got));
    assert_false(saved_view_tally_more(&t, s));
    assert_memory_equal(got, want, sizeof want);
    store_free(s);
}

/* The time alone asks for a count again: the last figures of the same rows stay shown (within
 * the drift the views over time allow) until the new ones are whole; new rows, changed rows
 * or new windows do not leave old figures up. */
static void test_count_again_for_time_keeps_last_figures(void **st)
{
    (void)st;
    srand(7);
    sk_store *s = store_new();
    int serial = 0;
    add_random(s, &serial, 500);
    const sk_saved_view *expiring = saved_view_find("expiring");
    sk_saved_tally t;
    memset(&t, 0, sizeof t);
    count_in_slices(expiring, s, NOW, &t, 50);
    size_t before[SK_STATE_COUNT], got[SK_STATE_COUNT], zero[SK_STATE_COUNT] = { 0 };
    saved_view_counts(expiring, s, NOW, before);

    int64_t later = NOW + 2 * 86400;   /* far enough that the figures differ */
    size_t after[SK_STATE_COUNT];
    saved_view_counts(expiring, s, later, after);
    assert_memory_not_equal(before, after, sizeof before);
    assert_true(saved_view_tally_some(expiring, s, later, &t, 50, got));
    assert_true(saved_view_tally_more(&t, s));
    assert_memory_equal(got, before, sizeof got);   /* the last whole figures meanwhile */
    count_slices_showing(expiring, s, later, &t, 50, before);   /* then the new ones */

    /* Again for the time, then rows appended mid-count: counting, not old figures. */
    int64_t again = later + 2 * 86400;
    assert_true(saved_view_tally_some(expiring, s, again, &t, 50, got));
    add_random(s, &serial, 10);
    assert_false(saved_view_tally_some(expiring, s, again, &t, 50, got));
    assert_memory_equal(got, zero, sizeof got);
    count_in_slices(expiring, s, again, &t, 50);

    /* A row counted before changes: counting from the start, not old figures. */
    assert_true(store_set_status(s, "ca_3", "REVOKED") || store_set_status(s, "ca_4", "REVOKED"));
    assert_false(saved_view_tally_some(expiring, s, again, &t, 50, got));
    assert_memory_equal(got, zero, sizeof got);
    count_in_slices(expiring, s, again, &t, 50);

    /* New windows: counting again, no old figures. */
    saved_view_set_windows(86400, 0);
    assert_false(saved_view_tally_some(expiring, s, again, &t, 50, got));
    count_in_slices(expiring, s, again, &t, 50);
    saved_view_set_windows(0, 0);
    store_free(s);
}

/* Another store through the same tally is counted anew, never taken for the first. */
static void test_another_store_counts_anew(void **st)
{
    (void)st;
    srand(11);
    sk_store *a = store_new(), *b = store_new();
    int sa = 0, sb = 0;
    add_random(a, &sa, 300);
    add_random(b, &sb, 300);
    const sk_saved_view *unused = saved_view_find("unused");
    sk_saved_tally t;
    memset(&t, 0, sizeof t);
    count_in_slices(unused, a, NOW, &t, 64);
    size_t got[SK_STATE_COUNT];
    assert_false(saved_view_tally_some(unused, b, NOW, &t, 64, got));
    count_in_slices(unused, b, NOW, &t, 64);
    store_free(a);
    store_free(b);
}

/* An empty store: ready, nothing counted, no row read. */
static void test_empty_store(void **st)
{
    (void)st;
    sk_store *s = store_new();
    sk_saved_tally t;
    memset(&t, 0, sizeof t);
    size_t got[SK_STATE_COUNT], zero[SK_STATE_COUNT] = { 0 };
    assert_true(saved_view_tally_some(saved_view_find("expiring"), s, NOW, &t, 10, got));
    assert_false(saved_view_tally_more(&t, s));
    assert_memory_equal(got, zero, sizeof got);
    store_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slices_count_what_a_whole_count_does),
        cmocka_unit_test(test_views_without_predicate_are_ready_at_once),
        cmocka_unit_test(test_count_again_for_time_keeps_last_figures),
        cmocka_unit_test(test_another_store_counts_anew),
        cmocka_unit_test(test_empty_store),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
