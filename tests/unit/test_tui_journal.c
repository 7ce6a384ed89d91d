/* test_tui_journal.c: the J view's rows rendered with no terminal: every field escaped (they
 * may hold what a server sent), results coloured by outcome, columns that line up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/tui/tui_app.h"
#include "text.h"

static sk_journal_row row(char *ident, char *result)
{
    sk_journal_row r = {
        .time = "2025-04-16T06:56:05Z", .user = "ana", .ssh_client = "203.0.113.7",
        .environment = "https://acme.scalekit.dev", .connection = "gmail",
        .identifier = ident, .account_id = "ca_1", .action = "delete", .result = result,
    };
    return r;
}

static void test_fields_and_order(void **st)
{
    (void)st;
    tui_line l;
    line_init(&l, true);
    sk_journal_row r = row("u@x.com", "ok");
    tui_journal_cols jc;
    tui_journal_fit(&r, 1, 200, &jc);
    tui_journal_row_line(&l, &r, &jc);
    const char *t = line_text(&l);
    const char *p[] = { "2025-04-16T06:56:05Z", "delete", "ok", "gmail", "u@x.com", "ca_1",
                        "ana@203.0.113.7" };
    const char *at = t;
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++) {
        const char *f = strstr(at, p[i]);
        assert_non_null(f);   /* each field, in this order */
        at = f + strlen(p[i]);
    }
    assert_int_equal(line_role_at(&l, line_find_col(&l, "ok")), ROLE_OK_MSG);
    line_free(&l);
}

static void test_hostile_fields_escaped(void **st)
{
    (void)st;
    tui_line l;
    line_init(&l, true);
    sk_journal_row r = row("evil\x1b]52;c;SGVsbG8=\x07\xe2\x80\xae@x.com",
                           "failed: \x1b[2Jgone\x9b");
    tui_journal_cols jc;
    tui_journal_fit(&r, 1, 200, &jc);
    tui_journal_row_line(&l, &r, &jc);
    const char *t = line_text(&l);
    for (const unsigned char *c = (const unsigned char *)t; *c; c++)
        assert_true(*c >= 0x20 && *c != 0x7f);
    assert_null(strstr(t, "\xe2\x80\xae"));     /* no bidi override */
    assert_null(strstr(t, "\xc2\x9b"));         /* no C1 control */
    assert_non_null(strstr(t, "\\x1b"));        /* shown, escaped */
    assert_int_equal(line_role_at(&l, line_find_col(&l, "failed")), ROLE_ERROR_MSG);
    line_free(&l);
}

/* Short and long identifiers: the result, connection and identifier columns start at the
 * same column on every row, however long the previous field was. */
static void test_columns_line_up(void **st)
{
    (void)st;
    char long_ident[300];
    memset(long_ident, 'L', sizeof long_ident - 1);
    long_ident[sizeof long_ident - 1] = '\0';
    char *idents[] = { "a@x.com", long_ident, "张伟@example.com" };
    char *results[] = { "ok", "unknown: answer lost (timed out); check failed (timed out) and more",
                        "failed: HTTP 400" };
    int col_id = -1;
    sk_journal_row all[3];
    for (int i = 0; i < 3; i++)
        all[i] = row(idents[i], results[i]);
    tui_journal_cols jc;
    tui_journal_fit(all, 3, 250, &jc);
    for (int i = 0; i < 3; i++) {
        tui_line l;
        line_init(&l, true);
        tui_journal_row_line(&l, &all[i], &jc);
        int c = line_find_col(&l, "ca_1");
        assert_true(c > 0);
        if (col_id < 0)
            col_id = c;
        assert_int_equal(c, col_id);
        line_free(&l);
    }
}

/* Columns fit their values (issue #13): as wide as the widest value shown (or the title), never
 * the fixed widths of before, and at every window width the line fits, who acted giving way
 * first, then the account id, then the result and identifier narrowing. */
static void test_columns_fit(void **st)
{
    (void)st;
    sk_journal_row v[2] = { row("a@x.com", "ok"), row("bo@x.com", "failed: HTTP 400") };
    tui_journal_cols c;
    tui_journal_fit(v, 2, 200, &c);
    assert_int_equal(c.w[JCOL_TIME], 20);
    assert_int_equal(c.w[JCOL_ACTION], 6);                       /* "delete", "Action" */
    assert_int_equal(c.w[JCOL_RESULT], (int)strlen("failed: HTTP 400"));
    assert_int_equal(c.w[JCOL_CONN], (int)strlen("Connection"));  /* the title is wider */
    assert_int_equal(c.w[JCOL_IDENT], (int)strlen("Identifier"));
    assert_int_equal(c.w[JCOL_USER], (int)strlen("ana@203.0.113.7"));
    tui_line l;
    line_init(&l, true);
    tui_journal_row_line(&l, &v[0], &c);
    assert_int_equal(text_width(line_text(&l)), c.total);
    assert_non_null(strstr(line_text(&l), "ana@203.0.113.7"));
    line_free(&l);

    char long_ident[100];
    memset(long_ident, 'L', sizeof long_ident - 1);
    long_ident[sizeof long_ident - 1] = '\0';
    sk_journal_row w[1] = { row(long_ident, "unknown: answer lost (timed out); check failed (timed out) and more") };
    for (int width = 64; width <= 250; width++) {   /* 64: every minimum */
        tui_journal_fit(w, 1, width, &c);
        assert_true(c.total <= width);
        line_init(&l, true);
        tui_journal_row_line(&l, &w[0], &c);
        assert_true(text_width(line_text(&l)) <= width);
        assert_non_null(strstr(line_text(&l), "delete"));
        assert_non_null(strstr(line_text(&l), "gmail"));
        if (c.w[JCOL_USER] > 0)
            assert_true(c.w[JCOL_ID] > 0);      /* the user goes before the account id */
        if (c.w[JCOL_ID] > 0 || c.w[JCOL_USER] > 0)
            assert_true(c.w[JCOL_RESULT] == 48); /* nothing narrows while they are there */
        /* The cut is shared: the result and the identifier narrow together. */
        if (c.w[JCOL_RESULT] < 48 && c.w[JCOL_RESULT] > 10)
            assert_true(abs(c.w[JCOL_RESULT] - c.w[JCOL_IDENT]) <= 1);
        line_free(&l);
    }
    tui_journal_fit(w, 1, 80, &c);
    assert_int_equal(c.w[JCOL_USER], 0);
    assert_int_equal(c.w[JCOL_ID], 0);
    assert_true(c.w[JCOL_IDENT] >= 12);
    tui_journal_fit(NULL, 0, 80, &c);
    assert_int_equal(c.w[JCOL_RESULT], (int)strlen("Result"));
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_and_order),
        cmocka_unit_test(test_hostile_fields_escaped),
        cmocka_unit_test(test_columns_line_up),
        cmocka_unit_test(test_columns_fit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
