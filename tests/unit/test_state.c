/* test_state.c: the wire status -> five states table of SCALEKIT-API.md, names and parsing,
 * labels, the state table (tones, advice worded per front end) and the account field list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "account.h"
#include "buf.h"
#include "sk_time.h"
#include "text.h"

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

static void test_labels_and_detail(void **st)
{
    (void)st;
    static const struct { const char *wire; const char *detail; const char *label; } t[] = {
        { "ACTIVE", "", "ACTIVE" },
        { "PENDING_VERIFICATION", "verification", "PENDING\xc2\xb7verification" },
        { "PENDING_AUTH", "auth", "PENDING\xc2\xb7" "auth" },
        { "DISCONNECTED", "disconnected", "REVOKED\xc2\xb7" "disconnected" },
        { "SUSPENDED", "suspended", "ERROR\xc2\xb7suspended" },
        { NULL, "", "ERROR" },
        { "", "", "ERROR" },
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        char d[64], l[96];
        sk_state s = state_from_wire(t[i].wire);
        state_detail(s, t[i].wire, d, sizeof d);
        assert_string_equal(d, t[i].detail);
        state_label(s, t[i].wire, true, l, sizeof l);
        assert_string_equal(l, t[i].label);
    }
    char l[96];
    state_label(SK_STATE_PENDING, "PENDING_VERIFICATION", false, l, sizeof l);
    assert_string_equal(l, "PENDING.verification");
    state_label(SK_STATE_PENDING, "PENDING_VERIFICATION", true, l, 5);   /* cut, terminated */
    assert_string_equal(l, "PEND");
}

/* Each state has its own tone (the front ends' colours stay distinct) and advice that names
 * the next action; PENDING_VERIFICATION has advice of its own. */
static void test_state_table(void **st)
{
    (void)st;
    for (int s = 0; s < SK_STATE_COUNT; s++) {
        const sk_state_info *in = state_info((sk_state)s);
        assert_string_equal(in->name, state_name((sk_state)s));
        for (int o = 0; o < s; o++)
            assert_int_not_equal(state_info((sk_state)o)->tone, in->tone);
        assert_non_null(in->advice.part[0].text);
        assert_int_equal(in->advice.next, s == SK_STATE_ACTIVE ? SK_ACTION_NONE : SK_ACTION_LINK);
    }
    assert_ptr_equal(state_info((sk_state)99), state_info(SK_STATE_ERROR));
    const sk_advice *pv = state_advice(SK_STATE_PENDING, "PENDING_VERIFICATION");
    assert_ptr_not_equal(pv, state_advice(SK_STATE_PENDING, "PENDING_AUTH"));
    assert_ptr_equal(state_advice(SK_STATE_PENDING, "PENDING_AUTH"),
                     &state_info(SK_STATE_PENDING)->advice);
    assert_ptr_equal(state_advice(SK_STATE_REVOKED, "DISCONNECTED"),
                     &state_info(SK_STATE_REVOKED)->advice);
}

static const char *as_key(sk_action a, void *ud)
{
    (void)ud;
    return a == SK_ACTION_LINK ? "l" : a == SK_ACTION_DELETE ? "d" : NULL;
}

static const char *as_command(sk_action a, void *ud)
{
    int *calls = ud;
    (*calls)++;
    return a == SK_ACTION_LINK ? "skdash link" : a == SK_ACTION_DELETE ? "skdash delete" : NULL;
}

/* One wording, each front end's names for the actions. */
static void test_advice_text(void **st)
{
    (void)st;
    char buf[512];
    const sk_advice *rv = state_advice(SK_STATE_REVOKED, "DISCONNECTED");
    state_advice_text(rv, as_key, NULL, buf, sizeof buf);
    assert_string_equal(buf, "Access was revoked or disconnected: send a fresh link (l) if the "
                             "user should connect again, or delete the account (d).");
    int calls = 0;
    state_advice_text(rv, as_command, &calls, buf, sizeof buf);
    assert_int_equal(calls, 2);
    assert_non_null(strstr(buf, "send a fresh link (skdash link) if"));
    assert_non_null(strstr(buf, "delete the account (skdash delete)."));
    state_advice_text(state_advice(SK_STATE_ACTIVE, "ACTIVE"), as_key, NULL, buf, sizeof buf);
    assert_null(strchr(buf, '('));   /* nothing to do: no action named */
    const sk_advice *pv = state_advice(SK_STATE_PENDING, "PENDING_VERIFICATION");
    state_advice_text(pv, as_key, NULL, buf, sizeof buf);
    assert_non_null(strstr(buf, "must also be signed in to the customer's app"));
    assert_non_null(strstr(buf, "(l)"));
    state_advice_text(state_advice(SK_STATE_PENDING, "PENDING_AUTH"), as_key, NULL, buf,
                      sizeof buf);
    assert_null(strstr(buf, "signed in"));
    /* A short buffer is cut and terminated; the length wanted is returned. */
    int want = state_advice_text(rv, as_key, NULL, buf, 10);
    assert_int_equal(strlen(buf), 9);
    assert_true(want > 100);
}

/* The one field list: labels in order, and the getters read the right members. */
static void test_fields(void **st)
{
    (void)st;
    size_t n;
    const sk_field *f = account_fields(&n);
    static const char *const labels[] = {
        "Identifier", "ID", "State", "Raw status", "Connection", "Connection ID", "Provider",
        "Auth type", "Token expires", "Last used", "Updated", "Scopes", "Domain", "API config",
    };
    assert_int_equal(n, sizeof labels / sizeof labels[0]);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(f[i].label, labels[i]);
    const char *scopes[] = { "a.read", "b.write" };
    sk_account_detail d = {
        .a = { .id = "ca_1", .identifier = "ana", .connector = "gmail", .connection_id = "",
               .status = NULL, .token_expires_at = 42, .updated_at = SK_TIME_ABSENT },
        .scopes = scopes, .n_scopes = 2, .domain = "example.com",
    };
    sk_buf b;
    buf_init(&b);
    assert_string_equal(account_field_text(&f[0], &d, &b), "ana");
    assert_string_equal(account_field_text(&f[1], &d, &b), "ca_1");
    assert_null(account_field_text(&f[2], &d, &b));          /* state: not text */
    assert_null(account_field_text(&f[3], &d, &b));          /* status absent */
    assert_string_equal(f[3].absent, "(absent)");
    assert_string_equal(account_field_text(&f[4], &d, &b), "gmail");
    assert_null(account_field_text(&f[5], &d, &b));          /* "" is absent */
    assert_int_equal(account_field_time(&f[8], &d), 42);
    assert_int_equal(account_field_time(&f[10], &d), SK_TIME_ABSENT);
    assert_int_equal(account_field_time(&f[0], &d), SK_TIME_ABSENT);
    assert_true(f[11].details_only && f[12].details_only && f[13].details_only);
    assert_false(f[0].details_only);
    assert_string_equal(account_field_text(&f[11], &d, &b), "a.read b.write");
    assert_string_equal(account_field_text(&f[12], &d, &b), "example.com");
    assert_null(account_field_text(&f[13], &d, &b));
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wire_mapping),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_parse_any_case),
        cmocka_unit_test(test_raw_differs),
        cmocka_unit_test(test_labels_and_detail),
        cmocka_unit_test(test_state_table),
        cmocka_unit_test(test_advice_text),
        cmocka_unit_test(test_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
