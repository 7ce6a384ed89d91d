/* test_journal_syslog.c: the journal's line for the system log: the journal entry's fields in
 * their order, key=value, values made safe (no control byte ever, bidi and C1 as escapes) and
 * quoted when they hold a space, a quote, a backslash or '='; the severity; the profile's
 * journal_syslog key. (tests/e2e/journal_syslog.sh reads real lines off a stand-in /dev/log.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config.h"
#include "journal.h"

static int setup(void **st)
{
    (void)st;
    setenv("SKDASH_NOW", "1744786565", 1);   /* 2025-04-16T06:56:05Z */
    unsetenv("SSH_CLIENT");
    unsetenv("SSH_CONNECTION");
    if (!setlocale(LC_ALL, "C.UTF-8"))
        setlocale(LC_ALL, "");
    return 0;
}

/* The syslog line of e, as journal_append makes it (from journal_format's line). */
static char *line_of(const sk_journal_entry *e)
{
    char *json = journal_format(e);
    assert_non_null(json);
    char *s = journal_syslog_format(json, e->profile);
    free(json);
    assert_non_null(s);
    return s;
}

static void test_fields_in_order(void **st)
{
    (void)st;
    sk_journal_entry e = { .user = "ana", .ssh_client = "203.0.113.7",
                           .environment = "https://acme.scalekit.dev", .connection = "gmail",
                           .identifier = "u@x.com", .account_id = "ca_1", .action = "delete",
                           .result = "ok", .profile = "prod", .syslog = true };
    char *s = line_of(&e);
    assert_string_equal(s, "action=delete result=ok profile=prod connection=gmail "
                           "identifier=u@x.com account_id=ca_1 "
                           "environment=https://acme.scalekit.dev user=ana "
                           "ssh_client=203.0.113.7 time=2025-04-16T06:56:05Z");
    free(s);
}

static void test_empty_fields_left_out(void **st)
{
    (void)st;
    sk_journal_entry e = { .user = "ana", .environment = "https://acme.scalekit.dev",
                           .account_id = "ca_9", .action = "link", .result = "ok",
                           .connection = "" };
    char *s = line_of(&e);
    assert_string_equal(s, "action=link result=ok account_id=ca_9 "
                           "environment=https://acme.scalekit.dev user=ana "
                           "time=2025-04-16T06:56:05Z");
    free(s);
}

static void test_spaces_quoted(void **st)
{
    (void)st;
    sk_journal_entry e = { .user = "uid 1000", .environment = "https://a.example",
                           .action = "link", .profile = "default",
                           .result = "failed: the link had already expired (2025-04-16T07:06:05Z)" };
    char *s = line_of(&e);
    assert_string_equal(s, "action=link result=\"failed: the link had already expired "
                           "(2025-04-16T07:06:05Z)\" profile=default "
                           "environment=https://a.example user=\"uid 1000\" "
                           "time=2025-04-16T06:56:05Z");
    free(s);
}

/* A server string with every kind of trouble: the line keeps one line, shows each as an escape,
 * and a forged "result=ok" inside a value stays inside its quotes. */
static void test_hostile_values(void **st)
{
    (void)st;
    sk_journal_entry e = {
        .user = "ana", .action = "delete", .result = "ok",
        .identifier = "a\nb\x1b[31m\"q\"\\ result=ok",
        .connection = "x\xe2\x80\xaey",          /* U+202E, right-to-left override */
        .account_id = "c\xc2\x9b" "1",            /* U+009B, the C1 CSI */
        .environment = "e\xff",                   /* invalid UTF-8 */
    };
    char *s = line_of(&e);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        assert_true(*p >= 0x20 && *p != 0x7f);
    assert_null(strstr(s, "\xe2\x80\xae"));
    assert_null(strstr(s, "\xc2\x9b"));
    assert_non_null(strstr(s, " connection=\"x\\u202ey\" "));
    assert_non_null(strstr(s, " identifier=\"a\\x0ab\\x1b[31m\\\"q\\\"\\\\ result=ok\" "));
    assert_non_null(strstr(s, " account_id=\"c\\x9b1\" "));
    /* The journal stored the invalid byte as U+FFFD; it is printable and stays as it is. */
    assert_non_null(strstr(s, " environment=e\xef\xbf\xbd "));
    assert_true(strncmp(s, "action=delete result=ok ", 24) == 0);
    free(s);
}

static void test_equals_quoted(void **st)
{
    (void)st;
    sk_journal_entry e = { .user = "ana", .action = "link", .result = "ok",
                           .identifier = "a=b" };
    char *s = line_of(&e);
    assert_non_null(strstr(s, " identifier=\"a=b\" "));
    free(s);
}

static void test_not_json(void **st)
{
    (void)st;
    char *s = journal_syslog_format("not json", "p");
    assert_non_null(s);
    assert_string_equal(s, "profile=p");
    free(s);
    s = journal_syslog_format(NULL, NULL);
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);
}

static void test_severity(void **st)
{
    (void)st;
    assert_int_equal(journal_syslog_severity("ok"), LOG_NOTICE);
    assert_int_equal(journal_syslog_severity("ok: answered not found, confirmed gone"),
                     LOG_NOTICE);
    assert_int_equal(journal_syslog_severity("dry-run"), LOG_NOTICE);
    assert_int_equal(journal_syslog_severity("failed: HTTP 500"), LOG_WARNING);
    assert_int_equal(journal_syslog_severity("unknown: timeout"), LOG_WARNING);
    assert_int_equal(journal_syslog_severity(NULL), LOG_NOTICE);
}

static void test_config_key(void **st)
{
    (void)st;
    sk_config cfg;
    sk_error err;
    const char *on = "[default]\njournal_syslog = true\n";
    assert_int_equal(config_parse_text(on, strlen(on), NULL, &cfg, NULL, &err), SK_OK);
    assert_true(cfg.journal_syslog);
    config_free(&cfg);
    const char *off = "[default]\njournal_syslog = false\n";
    assert_int_equal(config_parse_text(off, strlen(off), NULL, &cfg, NULL, &err), SK_OK);
    assert_false(cfg.journal_syslog);
    config_free(&cfg);
    const char *none = "[default]\nclient_id = x\n";
    assert_int_equal(config_parse_text(none, strlen(none), NULL, &cfg, NULL, &err), SK_OK);
    assert_false(cfg.journal_syslog);
    config_free(&cfg);
    const char *bad = "[default]\njournal_syslog = maybe\n";
    assert_int_equal(config_parse_text(bad, strlen(bad), NULL, &cfg, NULL, &err),
                     SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "journal_syslog"));
    const char *twice = "[default]\njournal_syslog = true\njournal_syslog = false\n";
    assert_int_equal(config_parse_text(twice, strlen(twice), NULL, &cfg, NULL, &err),
                     SK_ERR_CONFIG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_fields_in_order, setup),
        cmocka_unit_test_setup(test_empty_fields_left_out, setup),
        cmocka_unit_test_setup(test_spaces_quoted, setup),
        cmocka_unit_test_setup(test_hostile_values, setup),
        cmocka_unit_test_setup(test_equals_quoted, setup),
        cmocka_unit_test_setup(test_not_json, setup),
        cmocka_unit_test_setup(test_severity, setup),
        cmocka_unit_test_setup(test_config_key, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
