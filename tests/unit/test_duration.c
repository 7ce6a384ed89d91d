/* test_duration.c: durations (90m, 36h, 3d, 2w) read and written, with their errors; the
 * "Expiring soon" and "Unused" saved views and the predicates the selections share; the
 * profile keys expiring_within, unused_for and message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "config.h"
#include "duration.h"
#include "saved_view.h"

static void test_parse_good(void **st)
{
    (void)st;
    static const struct { const char *s; int64_t secs; } ok[] = {
        { "90m", 90 * 60 }, { "36h", 36 * 3600 }, { "3d", 3 * 86400 }, { "2w", 14 * 86400 },
        { "45s", 45 }, { "1d", 86400 }, { "007h", 7 * 3600 }, { "5200w", 5200LL * 7 * 86400 },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int64_t v = -1;
        sk_error err;
        sk_error_clear(&err);
        assert_int_equal(duration_parse(ok[i].s, &v, &err), SK_OK);
        assert_int_equal(v, ok[i].secs);
    }
}

static void test_parse_bad(void **st)
{
    (void)st;
    static const struct { const char *s; const char *says; } bad[] = {
        { "", "empty" }, { "3", "no unit" }, { "d", "not a duration" }, { "3x", "unknown unit 'x'" },
        { "3dd", "text after the unit" }, { "-3d", "not a duration" }, { "+3d", "not a duration" },
        { " 3d", "not a duration" }, { "3d ", "text after the unit" }, { "0d", "more than zero" },
        { "3 d", "unknown unit ' d'" }, { "3D", "unknown unit 'D'" }, { "1.5d", "unknown unit" },
        { "5300w", "too long" }, { "99999999999999999999999s", "too long" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t v = 77;
        sk_error err;
        sk_error_clear(&err);
        assert_int_equal(duration_parse(bad[i].s, &v, &err), SK_ERR_USAGE);
        assert_int_equal(v, 77);
        if (!strstr(err.message, bad[i].says))
            fail_msg("'%s': message \"%s\" lacks \"%s\"", bad[i].s, err.message, bad[i].says);
    }
    /* Every message shows what is taken, or names the text. */
    sk_error err;
    sk_error_clear(&err);
    duration_parse("3x", NULL, &err);
    assert_non_null(strstr(err.message, "90m, 36h, 3d, 2w"));
    assert_int_equal(duration_parse(NULL, NULL, NULL), SK_ERR_USAGE);
}

static void test_format(void **st)
{
    (void)st;
    char b[16];
    static const struct { int64_t secs; const char *s; } f[] = {
        { 14 * 86400, "2w" }, { 3 * 86400, "3d" }, { 36 * 3600, "36h" }, { 90 * 60, "90m" },
        { 61, "61s" }, { 0, "0s" }, { 8 * 86400, "8d" },
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        duration_format(f[i].secs, b, sizeof b);
        assert_string_equal(b, f[i].s);
        int64_t back = 0;
        if (f[i].secs > 0) {
            assert_int_equal(duration_parse(b, &back, NULL), SK_OK);
            assert_int_equal(back, f[i].secs);
        }
    }
}

static sk_account acct(int64_t expires, int64_t used, sk_state state)
{
    sk_account a;
    memset(&a, 0, sizeof a);
    a.id = "ca_1";
    a.identifier = "jane";
    a.connector = "gmail";
    a.token_expires_at = expires;
    a.last_used_at = used;
    a.updated_at = SK_TIME_ABSENT;
    a.state = state;
    return a;
}

static void test_predicates(void **st)
{
    (void)st;
    const int64_t now = 1767225600, D = 86400;
    /* expiring within 3d: ahead and within; not past, not absent, not beyond. */
    sk_account a = acct(now + D, now, SK_STATE_ACTIVE);
    assert_true(account_expiring_within(&a, now, 3 * D));
    a.token_expires_at = now + 3 * D;
    assert_true(account_expiring_within(&a, now, 3 * D));
    a.token_expires_at = now + 3 * D + 1;
    assert_false(account_expiring_within(&a, now, 3 * D));
    a.token_expires_at = now;
    assert_false(account_expiring_within(&a, now, 3 * D));
    a.token_expires_at = now - 60;
    assert_false(account_expiring_within(&a, now, 3 * D));
    a.token_expires_at = SK_TIME_ABSENT;
    assert_false(account_expiring_within(&a, now, 3 * D));
    /* unused for 30d: longer ago, or never. */
    a = acct(SK_TIME_ABSENT, SK_TIME_ABSENT, SK_STATE_PENDING);
    assert_true(account_unused_for(&a, now, 30 * D));
    a.last_used_at = now - 31 * D;
    assert_true(account_unused_for(&a, now, 30 * D));
    a.last_used_at = now - 30 * D;
    assert_false(account_unused_for(&a, now, 30 * D));
    a.last_used_at = now - 60;
    assert_false(account_unused_for(&a, now, 30 * D));
    a.last_used_at = now + 3600;   /* ahead of our clock: a recent use */
    assert_false(account_unused_for(&a, now, 30 * D));
}

static void test_views(void **st)
{
    (void)st;
    const int64_t now = 1767225600, D = 86400;
    size_t n;
    const sk_saved_view *v = saved_views(&n);
    assert_int_equal(n, 4);
    assert_string_equal(v[2].key, "expiring");
    assert_string_equal(v[2].label, "Expiring soon");
    assert_string_equal(v[3].key, "unused");
    assert_string_equal(v[3].label, "Unused");
    const sk_saved_view *exp = saved_view_find("EXPIRING"), *un = saved_view_find("unused");
    assert_ptr_equal(exp, &v[2]);
    assert_ptr_equal(un, &v[3]);
    assert_true(exp->mixes_connections && un->mixes_connections);

    saved_view_set_windows(0, 0);   /* the defaults */
    assert_int_equal(saved_view_expiring_within(), 3 * D);
    assert_int_equal(saved_view_unused_for(), 30 * D);
    sk_account a = acct(now + 2 * D, now - 40 * D, SK_STATE_EXPIRED);   /* any state counts */
    assert_true(saved_view_keeps(exp, &a, now));
    assert_true(saved_view_keeps(un, &a, now));
    a.token_expires_at = now + 5 * D;
    a.last_used_at = now - 10 * D;
    assert_false(saved_view_keeps(exp, &a, now));
    assert_false(saved_view_keeps(un, &a, now));
    /* The profile's windows move them. */
    saved_view_set_windows(7 * D, 7 * D);
    assert_true(saved_view_keeps(exp, &a, now));
    assert_true(saved_view_keeps(un, &a, now));
    saved_view_set_windows(0, 0);
    assert_false(saved_view_keeps(exp, &a, now));
}

static void test_profile_keys(void **st)
{
    (void)st;
    sk_config cfg;
    sk_error err;
    const char *none = "[default]\nenvironment_url = http://127.0.0.1:1\n";
    assert_int_equal(config_parse_text(none, strlen(none), NULL, &cfg, NULL, &err), SK_OK);
    assert_int_equal(cfg.expiring_within, 3 * 86400);
    assert_int_equal(cfg.unused_for, 30 * 86400);
    assert_string_equal(cfg.message, "");
    config_free(&cfg);

    const char *set = "[default]\nexpiring_within = 36h\nunused_for = 2w\n"
                      "message = \"Hi {identifier}: re-connect {connection} at {link} by {expiry}\"\n";
    assert_int_equal(config_parse_text(set, strlen(set), NULL, &cfg, NULL, &err), SK_OK);
    assert_int_equal(cfg.expiring_within, 36 * 3600);
    assert_int_equal(cfg.unused_for, 14 * 86400);
    assert_string_equal(cfg.message, "Hi {identifier}: re-connect {connection} at {link} by {expiry}");
    config_free(&cfg);

    const char *bad = "[ops]\nunused_for = 30 days\n";
    assert_int_equal(config_parse_text(bad, strlen(bad), "ops", &cfg, NULL, &err), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "unused_for in [ops]"));
    assert_non_null(strstr(err.message, "'30 days'"));
    const char *twice = "[default]\nexpiring_within = 1d\nexpiring_within = 2d\n";
    assert_int_equal(config_parse_text(twice, strlen(twice), NULL, &cfg, NULL, &err),
                     SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "expiring_within"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_good),
        cmocka_unit_test(test_parse_bad),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_predicates),
        cmocka_unit_test(test_views),
        cmocka_unit_test(test_profile_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
