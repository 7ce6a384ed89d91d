/* test_bulk.c: the core's words for how many accounts per connection and state (the bulk
 * confirmations of both front ends) and a link campaign's CSV rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "bulk.h"
#include "sk_time.h"

static char *words(sk_tally *t)
{
    static char out[512];
    sk_buf b;
    buf_init(&b);
    assert_true(tally_words(t, &b));
    snprintf(out, sizeof out, "%s", b.s ? b.s : "");
    buf_free(&b);
    return out;
}

static void test_tally_words(void **st)
{
    (void)st;
    sk_tally *t = tally_new();
    assert_non_null(t);
    assert_string_equal(words(t), "0 accounts");
    assert_true(tally_add(t, "gmail", SK_STATE_EXPIRED));
    assert_string_equal(words(t), "1 account: 1 EXPIRED in gmail");
    for (int i = 0; i < 33; i++)
        assert_true(tally_add(t, "zendesk", SK_STATE_REVOKED));
    assert_true(tally_add(t, "zendesk", SK_STATE_PENDING));
    assert_true(tally_add(t, "gmail", SK_STATE_ACTIVE));
    /* the largest connection first; states in the order of state.h */
    assert_int_equal(tally_total(t), 36);
    assert_string_equal(words(t), "36 accounts: 1 PENDING and 33 REVOKED in zendesk, "
                                  "1 ACTIVE and 1 EXPIRED in gmail");
    tally_free(t);

    /* ties by name; a missing name is "?"; an out-of-range state counts as ERROR; a hostile
     * name is made safe */
    t = tally_new();
    assert_true(tally_add(t, "b", SK_STATE_ACTIVE));
    assert_true(tally_add(t, "a", SK_STATE_ACTIVE));
    assert_true(tally_add(t, NULL, (sk_state)99));
    assert_true(tally_add(t, "ev\x1b]52;c;x\x07il", SK_STATE_ACTIVE));
    const char *w = words(t);
    assert_non_null(strstr(w, "4 accounts: 1 ERROR in ?, 1 ACTIVE in a, 1 ACTIVE in b, "));
    assert_null(strchr(w, '\x1b'));
    assert_null(strchr(w, '\x07'));
    assert_non_null(strstr(w, "\\x1b"));
    tally_free(t);
    tally_free(NULL);
}

static void test_link_rows_csv(void **st)
{
    (void)st;
    sk_buf b;
    buf_init(&b);
    assert_true(link_rows_csv_header(&b));
    assert_string_equal(b.s, "connection,identifier,account_id,state,link,expiry,message,error\n");
    buf_reset(&b);
    sk_link_row ok = { .connection = "gmail", .identifier = "jane, \"J\"", .account_id = "ca_1",
                       .state = SK_STATE_EXPIRED, .link = "https://x/magic/t",
                       .expiry = 1767225600, .message = "open https://x/magic/t" };
    assert_true(link_rows_csv(&b, &ok));
    assert_string_equal(b.s, "gmail,\"jane, \"\"J\"\"\",ca_1,EXPIRED,https://x/magic/t,"
                             "2026-01-01T00:00:00Z,open https://x/magic/t,\n");
    buf_reset(&b);
    sk_link_row bad = { .connection = "slack", .identifier = " padded ", .account_id = "ca_2",
                        .state = SK_STATE_PENDING, .expiry = SK_TIME_ABSENT,
                        .error = "HTTP 503\x1b[2J" };
    assert_true(link_rows_csv(&b, &bad));
    assert_string_equal(b.s, "slack,\" padded \",ca_2,PENDING,,,,HTTP 503\\x1b[2J\n");
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tally_words),
        cmocka_unit_test(test_link_rows_csv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
