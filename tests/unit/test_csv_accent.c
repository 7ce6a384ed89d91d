/* test_csv_accent.c: the core pieces the command bar shares with the command line: the CSV
 * writer of accounts (quoting, escapes, columns), the "did you mean" (nearest.h), the accent
 * names and the production rule, `accent =` in a profile, and the profile names of a file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accent.h"
#include "config.h"
#include "csv.h"
#include "nearest.h"
#include "sk_time.h"

static void test_csv_quoting(void **st)
{
    (void)st;
    sk_buf b;
    buf_init(&b);
    const char *f[] = { "plain", "a,b", "say \"hi\"", " lead", NULL, "esc\x1b]0;t\x07" };
    assert_true(csv_line(&b, f, 6));
    assert_string_equal(b.s, "plain,\"a,b\",\"say \"\"hi\"\"\",\" lead\",,esc\\x1b]0;t\\x07\n");
    buf_free(&b);
}

static void test_csv_account(void **st)
{
    (void)st;
    sk_buf b;
    buf_init(&b);
    assert_true(csv_account_header(&b));
    assert_string_equal(b.s, "connector,identifier,state,status,authorization_type,"
                             "token_expires_at,last_used_at,updated_at,id,connection_id,provider\n");
    buf_reset(&b);
    sk_account a = { .id = "ca_1", .identifier = "jane, doe", .connector = "gmail",
                     .connection_id = "conn_1", .provider = "GMAIL", .status = "EXPIRED",
                     .authorization_type = "OAUTH", .token_expires_at = 1767225600,
                     .updated_at = SK_TIME_ABSENT, .last_used_at = SK_TIME_ABSENT,
                     .state = SK_STATE_EXPIRED };
    assert_true(csv_account_row(&b, &a));
    assert_string_equal(b.s, "gmail,\"jane, doe\",EXPIRED,EXPIRED,OAUTH,2026-01-01T00:00:00Z,,,"
                             "ca_1,conn_1,GMAIL\n");
    buf_free(&b);
}

static void test_nearest(void **st)
{
    (void)st;
    const char *const c[] = { "conn", "profile", "filter", NULL, "sort" };
    assert_string_equal(nearest_name("cnon", c, 5), "conn");
    assert_string_equal(nearest_name("PROFLIE", c, 5), "profile");
    assert_null(nearest_name("zzz", c, 5));
    assert_null(nearest_name("", c, 5));
    assert_int_equal(nearest_distance("abc", "acb"), 1);
}

static void test_accent_rule(void **st)
{
    (void)st;
    sk_accent a;
    assert_true(accent_parse("Red", &a));
    assert_int_equal(a, SK_ACCENT_RED);
    assert_true(accent_parse("none", &a));
    assert_int_equal(a, SK_ACCENT_NONE);
    assert_false(accent_parse("pink", &a));
    assert_false(accent_parse("", &a));
    for (int k = SK_ACCENT_NONE; k < SK_ACCENT_COUNT; k++) {
        assert_true(accent_parse(accent_name((sk_accent)k), &a));
        assert_int_equal(a, k);
        assert_non_null(strstr(accent_names(), accent_name((sk_accent)k)));
    }
    assert_true(accent_looks_production("prod", "https://x.dev"));
    assert_true(accent_looks_production("EU-Production", "https://x.dev"));
    assert_true(accent_looks_production("default", "https://acme-prod.scalekit.com"));
    assert_false(accent_looks_production("dev", "https://acme.scalekit.dev"));
    assert_false(accent_looks_production("dev", "https://user@acme.dev:443"));
    sk_accent_look l = accent_look(SK_ACCENT_UNSET, "prod", "https://a.dev");
    assert_true(l.loud);
    assert_int_equal(l.colour, SK_ACCENT_RED);
    l = accent_look(SK_ACCENT_GREEN, "prod", "https://a.dev");   /* the profile's own wins */
    assert_false(l.loud);
    assert_int_equal(l.colour, SK_ACCENT_GREEN);
    l = accent_look(SK_ACCENT_NONE, "prod", "https://a.dev");
    assert_false(l.loud);
    assert_int_equal(l.colour, SK_ACCENT_NONE);
    l = accent_look(SK_ACCENT_UNSET, "dev", "https://a.dev");
    assert_false(l.loud);
    assert_int_equal(l.colour, SK_ACCENT_NONE);
}

static void test_accent_in_profile(void **st)
{
    (void)st;
    static const char text[] = "[dev]\nenvironment_url = https://a.dev\naccent = cyan\n"
                               "[bad]\naccent = pink\n[plain]\nclient_id = x\n";
    sk_config cfg;
    sk_error err;
    assert_int_equal(config_parse_text(text, strlen(text), "dev", &cfg, NULL, &err), SK_OK);
    assert_int_equal(cfg.accent, SK_ACCENT_CYAN);
    config_free(&cfg);
    assert_int_equal(config_parse_text(text, strlen(text), "plain", &cfg, NULL, &err), SK_OK);
    assert_int_equal(cfg.accent, SK_ACCENT_UNSET);
    config_free(&cfg);
    assert_int_equal(config_parse_text(text, strlen(text), "bad", &cfg, NULL, &err), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "accent in [bad]"));
    assert_non_null(strstr(err.message, "red, green, yellow"));
}

static void name_into(void *ud, const char *name)
{
    char *s = ud;
    strcat(s, name);
    strcat(s, "|");
}

static void test_profiles_of_file(void **st)
{
    (void)st;
    char path[] = "/tmp/skdash-test-profiles-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    static const char text[] = "\xEF\xBB\xBF[default]\na = b\n  [ prod eu ]  \n[default]\n"
                               "[]\n# [comment]\n[dev]\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    char got[256] = "";
    assert_int_equal(config_profiles(path, name_into, got), 3);
    assert_string_equal(got, "default|prod eu|dev|");
    unlink(path);
    got[0] = '\0';
    assert_int_equal(config_profiles(path, name_into, got), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_quoting),
        cmocka_unit_test(test_csv_account),
        cmocka_unit_test(test_nearest),
        cmocka_unit_test(test_accent_rule),
        cmocka_unit_test(test_accent_in_profile),
        cmocka_unit_test(test_profiles_of_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
