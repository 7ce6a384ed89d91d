/* test_link_message.c: the paste-ready message (built-in text and templates with placeholders),
 * the expiry in the reader's local time with its zone and distance (TZ set by the tests), and
 * the line saying whom a link is for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "link_message.h"
#include "sk_time.h"

/* 2026-12-02 21:05:00 UTC: 22:05 in CET, 06:05 the next day in JST. */
#define NOW ((int64_t)1796245500)

static void set_tz(const char *tz)
{
    setenv("TZ", tz, 1);
    tzset();
}

static void assert_expiry(int64_t expiry, const char *want)
{
    char buf[128];
    link_expiry_local(expiry, NOW, buf, sizeof buf);
    assert_string_equal(buf, want);
}

static void test_expiry_local_zone_and_distance(void **state)
{
    (void)state;
    set_tz("CET-1");
    assert_expiry(NOW + 600, "22:15 CET, in 10 minutes");
    assert_expiry(NOW + 60, "22:06 CET, in 1 minute");
    assert_expiry(NOW + 45, "22:05 CET, in 45 seconds");
    assert_expiry(NOW + 1, "22:05 CET, in 1 second");
    assert_expiry(NOW, "22:05 CET, now");
    assert_expiry(NOW - 180, "22:02 CET, 3 minutes ago");
    assert_expiry(NOW + 89 * 60, "23:34 CET, in 89 minutes");
    /* From 90 minutes on, hours; the local day changes, so the date is given. */
    assert_expiry(NOW + 3 * 3600, "2026-12-03 01:05 CET, in 3 hours");
    assert_expiry(NOW + 2 * 86400, "2026-12-04 22:05 CET, in 2 days");
    assert_expiry(SK_TIME_ABSENT, "");
}

static void test_expiry_honours_tz(void **state)
{
    (void)state;
    set_tz("UTC0");
    assert_expiry(NOW + 600, "21:15 UTC, in 10 minutes");
    set_tz("JST-9");
    assert_expiry(NOW + 600, "06:15 JST, in 10 minutes");
    /* New York in winter: EST, five hours behind. */
    set_tz("EST5EDT,M3.2.0,M11.1.0");
    assert_expiry(NOW + 600, "16:15 EST, in 10 minutes");
    /* The day is the reader's: 23:55 UTC now and 00:05 UTC tomorrow is another day. */
    set_tz("UTC0");
    char buf[128];
    link_expiry_local(NOW + 10 * 60 + 2 * 3600 + 50 * 60, NOW + 2 * 3600 + 50 * 60, buf,
                      sizeof buf);
    assert_string_equal(buf, "2026-12-03 00:05 UTC, in 10 minutes");
}

static void test_expiry_small_buffer(void **state)
{
    (void)state;
    set_tz("CET-1");
    char buf[8];
    link_expiry_local(NOW + 600, NOW, buf, sizeof buf);
    assert_true(strlen(buf) < sizeof buf);
    assert_memory_equal(buf, "22:15 C", 7);
    link_expiry_local(NOW + 600, NOW, buf, 0);   /* no room at all: nothing written, no crash */
}

static void test_message_default(void **state)
{
    (void)state;
    set_tz("CET-1");
    char *m = link_message("jane@example.com", "gmail", "https://x.example/magic/abc", NOW + 600,
                           NOW, NULL);
    assert_non_null(m);
    assert_string_equal(m, "Your gmail connection for jane@example.com needs re-authorization: "
                           "open https://x.example/magic/abc before 22:15 CET, in 10 minutes");
    free(m);
    /* "" is the built-in text too (a profile's `message =` left empty). */
    m = link_message("jane@example.com", "gmail", "L", NOW + 600, NOW, "");
    assert_string_equal(m, "Your gmail connection for jane@example.com needs re-authorization: "
                           "open L before 22:15 CET, in 10 minutes");
    free(m);
}

static void test_message_default_no_expiry(void **state)
{
    (void)state;
    char *m = link_message("jane@example.com", "gmail", "L", SK_TIME_ABSENT, NOW, NULL);
    assert_string_equal(m, "Your gmail connection for jane@example.com needs re-authorization: "
                           "open L");
    free(m);
    m = link_message(NULL, NULL, NULL, SK_TIME_ABSENT, NOW, NULL);
    assert_string_equal(m, "Your  connection for  needs re-authorization: open ");
    free(m);
}

static void test_message_template(void **state)
{
    (void)state;
    set_tz("UTC0");
    char *m = link_message("bo+1@x.io", "slack", "https://l/1", NOW + 7200, NOW,
                           "Hi {identifier}! {connection}: {link} ({expiry}) {link}");
    assert_string_equal(m, "Hi bo+1@x.io! slack: https://l/1 (23:05 UTC, in 2 hours) https://l/1");
    free(m);
    /* Unknown placeholders, empty braces, lone and nested braces stay as typed. */
    m = link_message("a", "b", "c", NOW + 60, NOW,
                     "{name} {} { {link {{link}} }link{ {IDENTIFIER} x{");
    assert_string_equal(m, "{name} {} { {link {c} }link{ {IDENTIFIER} x{");
    free(m);
    /* A template without placeholders is used as it is; an absent expiry expands to "". */
    m = link_message("a", "b", "c", SK_TIME_ABSENT, NOW, "plain [{expiry}]");
    assert_string_equal(m, "plain []");
    free(m);
    /* A value that looks like a placeholder is not expanded again. */
    m = link_message("{link}", "b", "c", SK_TIME_ABSENT, NOW, "{identifier}");
    assert_string_equal(m, "{link}");
    free(m);
}

static void test_message_safe_for_terminal(void **state)
{
    (void)state;
    char *m = link_message("evil\x1b]52;c;AAAA\x07", "g\xe2\x80\xaem", "L", SK_TIME_ABSENT, NOW,
                           "{identifier} {connection} {link}");
    assert_non_null(m);
    assert_null(strchr(m, '\x1b'));
    assert_null(strchr(m, '\x07'));
    assert_null(strstr(m, "\xe2\x80\xae"));
    assert_non_null(strstr(m, "evil\\x1b]52;c;AAAA\\x07"));
    free(m);
    /* Non-ASCII identifiers are kept as they are. */
    m = link_message("j\xc3\xb6rg@ex.de", "gmail", "L", SK_TIME_ABSENT, NOW, "{identifier}");
    assert_string_equal(m, "j\xc3\xb6rg@ex.de");
    free(m);
}

static void test_recipient(void **state)
{
    (void)state;
    char *r = link_recipient("jane@example.com", "gmail");
    assert_string_equal(r, "for jane@example.com on gmail: send it to that person only");
    free(r);
    r = link_recipient("x\ny", "c\x1b");
    assert_string_equal(r, "for x\\x0ay on c\\x1b: send it to that person only");
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expiry_local_zone_and_distance),
        cmocka_unit_test(test_expiry_honours_tz),
        cmocka_unit_test(test_expiry_small_buffer),
        cmocka_unit_test(test_message_default),
        cmocka_unit_test(test_message_default_no_expiry),
        cmocka_unit_test(test_message_template),
        cmocka_unit_test(test_message_safe_for_terminal),
        cmocka_unit_test(test_recipient),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
