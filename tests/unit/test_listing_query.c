/* test_listing_query.c: which texts a listing can narrow with the server's search
 * (listing_query_plan): the search's bounds in characters, not bytes, and the texts that could
 * be part of an account id ("ca_" and digits), which the search matches only whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "listing.h"

static void test_plan_bounds(void **state)
{
    (void)state;
    assert_int_equal(listing_query_plan(NULL), LISTING_QUERY_NONE);
    assert_int_equal(listing_query_plan(""), LISTING_QUERY_NONE);
    assert_int_equal(listing_query_plan("ab"), LISTING_QUERY_SHORT);
    assert_int_equal(listing_query_plan("abc"), LISTING_QUERY_SEARCH);
    /* Characters, not bytes: "ñé" is 4 bytes, 2 characters; "ñéx" is 3. */
    assert_int_equal(listing_query_plan("\xc3\xb1\xc3\xa9"), LISTING_QUERY_SHORT);
    assert_int_equal(listing_query_plan("\xc3\xb1\xc3\xa9x"), LISTING_QUERY_SEARCH);
    char t[410];
    memset(t, 'x', 200);
    t[200] = '\0';
    assert_int_equal(listing_query_plan(t), LISTING_QUERY_SEARCH);
    t[200] = 'x';
    t[201] = '\0';
    assert_int_equal(listing_query_plan(t), LISTING_QUERY_LONG);
    /* 200 two-byte characters are 400 bytes and still within the bound. */
    for (int i = 0; i < 200; i++)
        memcpy(t + 2 * i, "\xc3\xa9", 2);
    t[400] = '\0';
    assert_int_equal(listing_query_plan(t), LISTING_QUERY_SEARCH);
}

static void test_plan_ids(void **state)
{
    (void)state;
    /* Parts of an id: digits, "_" or "a_" or "ca_" and digits, "ca_" alone (any case). */
    const char *parts[] = { "123", "2486449", "_12", "a_1", "ca_", "CA_", "Ca_123", "a_9",
                            "000" };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (listing_query_plan(parts[i]) != LISTING_QUERY_ID_PART)
            fail_msg("'%s' could be part of an id", parts[i]);
    /* A whole id is searched (the search matches it); so is anything no id can hold. */
    const char *searched[] = { "ca_1", "ca_24864495423190691", "jane", "user_123", "12a",
                               "ca_12x", "+ops@", "c_1", "ca__1", "1-2" };
    for (size_t i = 0; i < sizeof searched / sizeof searched[0]; i++)
        if (listing_query_plan(searched[i]) != LISTING_QUERY_SEARCH)
            fail_msg("'%s' is for the search", searched[i]);
    assert_string_equal(listing_query_why(LISTING_QUERY_SEARCH), "");
    assert_non_null(strstr(listing_query_why(LISTING_QUERY_SHORT), "under 3 characters"));
    assert_non_null(strstr(listing_query_why(LISTING_QUERY_ID_PART), "part of an account id"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_bounds),
        cmocka_unit_test(test_plan_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
