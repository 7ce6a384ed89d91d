/* test_search_urgent.c: a request marked urgent (client_urgent, what the dashboard's server
 * search does) does not queue behind a listing that fills every connection slot: with 16 list
 * requests out on 8 slots against a slow skemu, the search is answered with the first 8, not
 * after them; and the client's slots for the others stay 8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "client.h"
#include "../support/skemu_fx.h"

typedef struct order {
    int lists_done;           /* list answers so far */
    int lists_before_search;  /* list answers when the search's came (-1: not yet) */
    bool search_done;
    sk_status search_status;
} order;

static void on_list(void *ud, const sk_account_page *p, const sk_error *err)
{
    (void)p;
    order *o = ud;
    assert_int_equal(err->status, SK_OK);
    o->lists_done++;
}

static void on_search(void *ud, const sk_account_page *p, const sk_error *err)
{
    (void)p;
    order *o = ud;
    o->search_done = true;
    o->search_status = err->status;
    o->lists_before_search = o->lists_done;
}

static void run(sk_client *c, order *o, bool urgent)
{
    memset(o, 0, sizeof *o);
    o->lists_before_search = -1;
    for (int i = 0; i < 16; i++)
        assert_non_null(api_list_accounts(c, NULL, on_list, o));
    sk_request *r = api_search_accounts(c, "example", NULL, 30, NULL, on_search, o);
    assert_non_null(r);
    if (urgent)
        client_urgent(c, r);
    while (client_pending(c) > 0) {
        client_wait(c, NULL, 0, 1000);
        client_step(c);
    }
    assert_true(o->search_done);
    assert_int_equal(o->search_status, SK_OK);
    assert_int_equal(o->lists_done, 16);
}

static void test_urgent_search_beside_a_full_listing(void **st)
{
    (void)st;
    const char *args[] = { "--generate", "200", "--latency-ms", "300", "--quiet", NULL };
    skemu_fx f;
    skemu_fx_start(&f, args, NULL, NULL);
    order o;
    run(f.c, &o, false);
    /* Not urgent: it waits for one of the first 8 slots to free. */
    assert_true(o.lists_before_search >= 8);
    run(f.c, &o, true);
    /* Urgent: on the wire with the first 8, answered before the second 8 can be. */
    assert_true(o.lists_before_search <= 8);
    sk_client_stats cs;
    client_stats(f.c, &cs);
    assert_int_equal(cs.retries, 0);
    skemu_fx_stop(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_urgent_search_beside_a_full_listing),
    };
    return cmocka_run_group_tests(tests, NULL, skemu_fx_stop_leftovers);
}
