/* test_state.c: the wire status -> five states table of SCALEKIT-API.md, state names and
 * parsing, and when the raw wire value is worth showing beside the state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "account.h"

static void test_wire_mapping(void **st)
{
    (void)st;
    static const struct { const char *wire; sk_state state; } t[] = {
        { "PENDING_AUTH", SK_STATE_PENDING },
        { "PENDING_VERIFICATION", SK_STATE_PENDING },
        { "PENDING", SK_STATE_PENDING },
        { "ACTIVE", SK_STATE_ACTIVE },
        { "EXPIRED", SK_STATE_EXPIRED },
        { "DISCONNECTED", SK_STATE_REVOKED },
        { "REVOKED", SK_STATE_REVOKED },
        { "ERROR", SK_STATE_ERROR },
        { "CONNECTION_STATUS_UNSPECIFIED", SK_STATE_ERROR },
        { "", SK_STATE_ERROR },
        { "SUSPENDED", SK_STATE_ERROR },          /* a value the enum may grow */
        { "active", SK_STATE_ERROR },             /* wire comparison is exact */
        { "Expired", SK_STATE_ERROR },
        { "ACTIVE ", SK_STATE_ERROR },
        { "PENDING_AUTH_X", SK_STATE_ERROR },
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        sk_state got = state_from_wire(t[i].wire);
        if (got != t[i].state)
            fail_msg("wire \"%s\": got %s", t[i].wire, state_name(got));
    }
    assert_int_equal(state_from_wire(NULL), SK_STATE_ERROR);
}

static void test_names(void **st)
{
    (void)st;
    static const char *const up[] = { "PENDING", "ACTIVE", "EXPIRED", "REVOKED", "ERROR" };
    static const char *const low[] = { "pending", "active", "expired", "revoked", "error" };
    for (int s = 0; s < SK_STATE_COUNT; s++) {
        assert_string_equal(state_name((sk_state)s), up[s]);
        assert_string_equal(state_name_lower((sk_state)s), low[s]);
        /* A state's own name maps back to itself on the wire. */
        assert_int_equal(state_from_wire(up[s]), s);
    }
    assert_string_equal(state_name((sk_state)99), "ERROR");
}

static void test_parse_any_case(void **st)
{
    (void)st;
    sk_state s = SK_STATE_ACTIVE;
    assert_true(state_parse("expired", &s));
    assert_int_equal(s, SK_STATE_EXPIRED);
    assert_true(state_parse("Expired", &s));
    assert_int_equal(s, SK_STATE_EXPIRED);
    assert_true(state_parse("PENDING", &s));
    assert_int_equal(s, SK_STATE_PENDING);
    assert_true(state_parse("rEvOkEd", &s));
    assert_int_equal(s, SK_STATE_REVOKED);
    assert_true(state_parse("error", &s));
    assert_int_equal(s, SK_STATE_ERROR);
    s = SK_STATE_ACTIVE;
    assert_false(state_parse("disconnected", &s));
    assert_false(state_parse("", &s));
    assert_false(state_parse(NULL, &s));
    assert_false(state_parse("expire", &s));
    assert_int_equal(s, SK_STATE_ACTIVE);   /* untouched on failure */
}

static void test_raw_differs(void **st)
{
    (void)st;
    assert_true(state_raw_differs(SK_STATE_PENDING, "PENDING_VERIFICATION"));
    assert_true(state_raw_differs(SK_STATE_PENDING, "PENDING_AUTH"));
    assert_true(state_raw_differs(SK_STATE_REVOKED, "DISCONNECTED"));
    assert_true(state_raw_differs(SK_STATE_ERROR, "SUSPENDED"));
    assert_true(state_raw_differs(SK_STATE_ERROR, "CONNECTION_STATUS_UNSPECIFIED"));
    assert_false(state_raw_differs(SK_STATE_ACTIVE, "ACTIVE"));
    assert_false(state_raw_differs(SK_STATE_PENDING, "PENDING"));
    assert_false(state_raw_differs(SK_STATE_REVOKED, "REVOKED"));
    assert_false(state_raw_differs(SK_STATE_ERROR, "ERROR"));
    assert_false(state_raw_differs(SK_STATE_ERROR, NULL));
    assert_false(state_raw_differs(SK_STATE_ERROR, ""));   /* "" is absent: nothing to show */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wire_mapping),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_parse_any_case),
        cmocka_unit_test(test_raw_differs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
