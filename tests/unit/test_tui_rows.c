/* test_tui_rows.c: the dashboard's rows rendered into text + colour roles, read back with no
 * terminal: state labels and roles, columns giving way on narrow screens, wide (CJK) characters
 * keeping columns aligned, control characters escaped, the detail and its advice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "../../src/tui/tui_rows.h"
#include "../../src/tui/tui_theme.h"

#define NOW 1760000000

static sk_account acct(const char *ident, const char *status)
{
    sk_account a = {
        .id = "ca_1", .identifier = ident, .connector = "gmail", .connection_id = "conn_1",
        .provider = "GMAIL", .status = status, .authorization_type = "OAUTH",
        .token_expires_at = NOW + 3 * 3600, .updated_at = NOW - 2 * 86400,
        .last_used_at = SK_TIME_ABSENT, .state = state_from_wire(status),
    };
    return a;
}

static void no_control_bytes(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        assert_true(*p >= 0x20 && *p != 0x7f);
}

static void test_state_labels(void **st)
{
    (void)st;
    static const struct { const char *wire; const char *label; } cases[] = {
        { "ACTIVE", "ACTIVE" },
        { "EXPIRED", "EXPIRED" },
        { "PENDING_VERIFICATION", "PENDING\xc2\xb7verification" },
        { "PENDING_AUTH", "PENDING\xc2\xb7" "auth" },
        { "DISCONNECTED", "REVOKED\xc2\xb7" "disconnected" },
        { "REVOKED", "REVOKED" },
        { "CONNECTION_STATUS_UNSPECIFIED", "ERROR\xc2\xb7" "connection_status_unspecified" },
        { "SUSPENDED", "ERROR\xc2\xb7suspended" },
        { NULL, "ERROR" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[96];
        rows_state_label(state_from_wire(cases[i].wire), cases[i].wire, true, buf, sizeof buf);
        assert_string_equal(buf, cases[i].label);
    }
    char buf[96];
    rows_state_label(SK_STATE_PENDING, "PENDING_VERIFICATION", false, buf, sizeof buf);
    assert_string_equal(buf, "PENDING.verification");
}

/* Every state: its label is in the row, and the label's columns carry the state's own role,
 * a role no other state uses. */
static void test_row_state_role(void **st)
{
    (void)st;
    const char *wires[SK_STATE_COUNT] = { "PENDING_AUTH", "ACTIVE", "EXPIRED", "DISCONNECTED", "ERROR" };
    tui_role seen[SK_STATE_COUNT];
    rows_layout lay;
    rows_layout_for(100, false, &lay);
    for (int s = 0; s < SK_STATE_COUNT; s++) {
        sk_account a = acct("someone@example.com", wires[s]);
        assert_int_equal(a.state, s);
        tui_line l;
        line_init(&l, true);
        rows_account(&l, &a, &lay, NOW, false);
        int col = line_find_col(&l, state_name((sk_state)s));
        assert_true(col > 0);
        seen[s] = line_role_at(&l, col);
        assert_int_equal(seen[s], rows_state_role((sk_state)s));
        assert_int_equal(line_role_at(&l, 3), ROLE_NORMAL);   /* the identifier is plain */
        for (int o = 0; o < s; o++)
            assert_int_not_equal(seen[o], seen[s]);
        line_free(&l);
    }
}

static void test_row_fields(void **st)
{
    (void)st;
    rows_layout lay;
    rows_layout_for(120, true, &lay);
    sk_account a = acct("ana@example.com", "PENDING_VERIFICATION");
    tui_line l;
    line_init(&l, true);
    rows_account(&l, &a, &lay, NOW, true);
    const char *t = line_text(&l);
    assert_non_null(strstr(t, "ana@example.com"));
    assert_non_null(strstr(t, "PENDING\xc2\xb7verification"));
    assert_non_null(strstr(t, "in 3h"));     /* token expiry, relative */
    assert_non_null(strstr(t, "2d ago"));    /* updated */
    assert_non_null(strstr(t, "gmail"));
    assert_int_equal(line_role_at(&l, 0), ROLE_MARK);
    assert_int_equal(text_width(t), lay.total);
    line_free(&l);
}

/* At every width the row is exactly as wide as the layout, never wider than the screen, and the
 * state's name stays readable; columns give way in order. */
static void test_narrow_widths(void **st)
{
    (void)st;
    sk_account a = acct("a.very.long.identifier.that.will.not.fit@some-long-domain.example.com",
                        "PENDING_VERIFICATION");
    for (int w = 24; w <= 200; w++) {
        rows_layout lay;
        rows_layout_for(w, true, &lay);
        assert_true(lay.total <= w);
        assert_true(lay.width[COL_STATE] >= 7);
        tui_line l;
        line_init(&l, true);
        rows_account(&l, &a, &lay, NOW, false);
        assert_int_equal(text_width(line_text(&l)), lay.total);
        assert_non_null(strstr(line_text(&l), "PENDING"));
        if (lay.width[COL_IDENT] < 60)
            assert_non_null(strstr(line_text(&l), "\xe2\x80\xa6"));   /* the cut is marked */
        line_free(&l);
    }
    rows_layout wide, narrow;
    rows_layout_for(160, true, &wide);
    rows_layout_for(57, true, &narrow);
    for (int c = 0; c < COL_COUNT; c++)
        assert_true(wide.width[c] > 0);
    /* 57: the accounts pane of an 80-column terminal. In a view that mixes connections the
     * Connection column stays (issue #13): Auth gives way first, then Updated. */
    assert_int_equal(narrow.width[COL_UPDATED], 0);
    assert_int_equal(narrow.width[COL_AUTH], 0);
    assert_true(narrow.width[COL_CONN] >= 10);
    assert_true(narrow.width[COL_IDENT] >= 20);
    assert_true(narrow.width[COL_EXPIRY] > 0);
    /* The order at every width: the Connection column outlasts Updated and Last used, and
     * Auth goes before Updated. */
    rows_layout one;
    for (int w = 40; w < 160; w++) {
        rows_layout_for(w, true, &one);
        if (one.width[COL_UPDATED] > 0 || one.width[COL_LASTUSED] > 0)
            assert_true(one.width[COL_CONN] > 0);
        if (one.width[COL_AUTH] > 0)
            assert_true(one.width[COL_UPDATED] > 0);
    }
    /* A single connection's view has no Connection column: Updated gives way first there. */
    rows_layout single;
    rows_layout_for(57, false, &single);
    assert_int_equal(single.width[COL_CONN], 0);
    assert_int_equal(single.width[COL_UPDATED], 0);
    assert_true(single.width[COL_AUTH] > 0);
}

/* The 80-column dashboard's table with the Connection column: the row shows whose it is. */
static void test_conn_column_80(void **st)
{
    (void)st;
    rows_layout lay;
    rows_layout_for(80 - 23, true, &lay);
    sk_account a = acct("ana@example.com", "EXPIRED");
    tui_line l;
    line_init(&l, true);
    rows_account(&l, &a, &lay, NOW, false);
    assert_non_null(strstr(line_text(&l), "gmail"));
    assert_non_null(strstr(line_text(&l), "ana@example.com"));
    assert_true(text_width(line_text(&l)) <= 57);
    line_free(&l);
}

/* Wide characters take two columns: the state column starts at the same screen column whatever
 * the script of the identifier, and a cut never splits a wide character. */
static void test_cjk_alignment(void **st)
{
    (void)st;
    const char *idents[] = {
        "user@example.com",
        "\xe5\xb1\xb1\xe7\x94\xb0\xe5\xa4\xaa\xe9\x83\x8e@\xe4\xbe\x8b\xe3\x81\x88.jp",   /* 山田太郎@例え.jp */
        "\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e\xe7\x8e\x8b"
        "\xe5\xb0\x8f\xe6\x98\x8e\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e\xe7\x8e\x8b\xe5\xb0\x8f"
        "\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e\xe7\x8e\x8b",  /* 21 wide: cut */
        "caf\xc3\xa9-\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4",                                 /* café-한국어 */
    };
    rows_layout lay;
    rows_layout_for(90, false, &lay);
    int col0 = -1;
    for (size_t i = 0; i < sizeof idents / sizeof idents[0]; i++) {
        sk_account a = acct(idents[i], "EXPIRED");
        tui_line l;
        line_init(&l, true);
        rows_account(&l, &a, &lay, NOW, false);
        int col = line_find_col(&l, "EXPIRED");
        if (col0 < 0)
            col0 = col;
        assert_int_equal(col, col0);
        assert_int_equal(text_width(line_text(&l)), lay.total);
        if (i == 2)
            assert_non_null(strstr(line_text(&l), "\xe2\x80\xa6"));
        line_free(&l);
    }
}

static void test_control_chars_escaped(void **st)
{
    (void)st;
    rows_layout lay;
    rows_layout_for(140, true, &lay);
    sk_account a = acct("evil\x1b[31mred\x07\xe2\x80\xae" "gpj.exe", "ACTIVE\x1b]0;pwned\x07");
    a.connector = "conn\r\nname";
    tui_line l;
    line_init(&l, true);
    rows_account(&l, &a, &lay, NOW, false);
    const char *t = line_text(&l);
    no_control_bytes(t);
    assert_non_null(strstr(t, "\\x1b"));
    assert_null(strstr(t, "\xe2\x80\xae"));   /* the bidi override is shown escaped, not applied */
    line_free(&l);

    tui_lines ls;
    lines_init(&ls, true);
    rows_detail(&ls, &a, NULL, 50, NOW);
    for (size_t i = 0; i < ls.n; i++)
        no_control_bytes(line_text(&ls.v[i]));
    lines_free(&ls);
}

static bool lines_have(const tui_lines *ls, const char *needle)
{
    for (size_t i = 0; i < ls->n; i++)
        if (strstr(line_text(&ls->v[i]), needle))
            return true;
    return false;
}

static void test_detail(void **st)
{
    (void)st;
    sk_account a = acct("ana@example.com", "PENDING_VERIFICATION");
    const char *scopes[] = { "gmail.readonly", "gmail.send" };
    rows_detail_extra x = { scopes, 2, "example.com", "{\"k\":1}", false, NULL };
    for (int w = 20; w <= 80; w += 30) {
        tui_lines ls;
        lines_init(&ls, true);
        rows_detail(&ls, &a, &x, w, NOW);
        for (size_t i = 0; i < ls.n; i++)
            assert_true(text_width(line_text(&ls.v[i])) <= w);
        assert_true(lines_have(&ls, "ca_1"));
        assert_true(lines_have(&ls, "conn_1"));
        assert_true(lines_have(&ls, "GMAIL"));
        assert_true(lines_have(&ls, "gmail.send"));
        assert_true(lines_have(&ls, "example.com"));
        assert_true(lines_have(&ls, "PENDING_VERIFICATION"));
        assert_true(lines_have(&ls, "signed"));   /* the verification hint, wrapped or not */
        lines_free(&ls);
    }
    assert_non_null(strstr(rows_state_advice(SK_STATE_PENDING, "PENDING_VERIFICATION"),
                           "must also be signed in to the customer's app"));
    assert_null(strstr(rows_state_advice(SK_STATE_PENDING, "PENDING_AUTH"), "signed in"));
    /* The core's advice, its actions named by the dashboard's keys. */
    assert_non_null(strstr(rows_state_advice(SK_STATE_PENDING, "PENDING_VERIFICATION"), "(l)"));
    const char *rv = rows_state_advice(SK_STATE_REVOKED, "DISCONNECTED");
    assert_non_null(strstr(rv, "send a fresh link (l) if"));
    assert_non_null(strstr(rv, "delete the account (d)."));
    assert_null(strstr(rows_state_advice(SK_STATE_ACTIVE, "ACTIVE"), "("));
    assert_null(strstr(rv, "skdash"));
}

/* The detail shows the core's field list (the one `skdash show` prints): every label, in
 * order; before /details answers, one "Details" line stands for its fields. */
static void test_detail_fields_in_order(void **st)
{
    (void)st;
    sk_account a = acct("ana@example.com", "DISCONNECTED");
    const char *scopes[] = { "s1" };
    rows_detail_extra x = { scopes, 1, "example.com", NULL, false, NULL };
    tui_lines ls;
    lines_init(&ls, true);
    rows_detail(&ls, &a, &x, 100, NOW);
    size_t n, at = 0;
    const sk_field *f = account_fields(&n);
    for (size_t i = 0; i < n; i++) {
        while (at < ls.n && strncmp(line_text(&ls.v[at]), f[i].label, strlen(f[i].label)) != 0)
            at++;
        if (at == ls.n)
            fail_msg("field %s missing or out of order", f[i].label);
    }
    assert_true(lines_have(&ls, "REVOKED\xc2\xb7" "disconnected"));
    assert_true(lines_have(&ls, "DISCONNECTED"));
    lines_free(&ls);

    rows_detail_extra loading = { NULL, 0, NULL, NULL, true, NULL };
    lines_init(&ls, true);
    rows_detail(&ls, &a, &loading, 100, NOW);
    assert_true(lines_have(&ls, "loading..."));
    assert_false(lines_have(&ls, "Scopes"));
    assert_true(lines_have(&ls, "Auth type"));
    lines_free(&ls);
}

static void test_conn_counts(void **st)
{
    (void)st;
    size_t count[SK_STATE_COUNT] = { 3, 80, 0, 2, 1 };
    tui_line l;
    line_init(&l, true);
    rows_conn_counts(&l, count, 22);
    const char *t = line_text(&l);
    assert_non_null(strstr(t, "P3"));
    assert_non_null(strstr(t, "A80"));
    assert_null(strstr(t, "E0"));      /* zero counts are left out */
    assert_int_equal(line_role_at(&l, line_find_col(&l, "X1")), ROLE_ST_ERROR);
    line_free(&l);
    line_init(&l, true);
    rows_conn_title(&l, "a-connection-with-a-very-long-name", 12345, 678, 22);
    assert_true(text_width(line_text(&l)) <= 22);
    assert_non_null(strstr(line_text(&l), "12,345 !678"));   /* counts whole */
    assert_non_null(strstr(line_text(&l), "\xe2\x80\xa6"));  /* the name gave way */
    assert_int_equal(rows_conn_title_width("gmail", 12345, 678), 5 + 1 + 6 + 5);
    line_free(&l);
    line_init(&l, true);
    rows_conn_title(&l, "gmail", 20, 0, 22);
    assert_null(strstr(line_text(&l), "!"));
    line_free(&l);
    /* A saved view still counting: its name and an ellipsis, no figure, within the width. */
    line_init(&l, true);
    rows_conn_counting(&l, "Expiring soon", 22);
    assert_int_equal(text_width(line_text(&l)), 22);
    assert_non_null(strstr(line_text(&l), "Expiring soon"));
    assert_non_null(strstr(line_text(&l), " \xe2\x80\xa6"));
    assert_null(strpbrk(line_text(&l), "0123456789"));
    line_free(&l);
    line_init(&l, true);
    rows_conn_counting(&l, "a-saved-view-with-a-very-long-name", 12);
    assert_true(text_width(line_text(&l)) <= 12);
    line_free(&l);
    /* Counts that do not fit are left out whole, never cut mid-number. */
    size_t many[SK_STATE_COUNT] = { 12345, 67890, 11111, 22222, 33333 };
    line_init(&l, true);
    rows_conn_counts(&l, many, 20);
    assert_true(text_width(line_text(&l)) <= 20);
    assert_non_null(strstr(line_text(&l), "P12345 A67890"));
    assert_null(strstr(line_text(&l), "E1"));
    line_free(&l);
    char th[32];
    rows_thousands(19967, th, sizeof th);
    assert_string_equal(th, "19,967");
    rows_thousands(1234567, th, sizeof th);
    assert_string_equal(th, "1,234,567");
    rows_thousands(999, th, sizeof th);
    assert_string_equal(th, "999");
}

/* The palette: each state distinct in colour mode; a monochrome column exists and NO_COLOR,
 * --no-color and colourless terminals pick it. */
static void test_theme(void **st)
{
    (void)st;
    const theme_entry *t = theme_table();
    for (int r = 0; r < ROLE_COUNT; r++)
        assert_int_equal(t[r].role, r);
    for (int a = ROLE_ST_PENDING; a <= ROLE_ST_ERROR; a++)
        for (int b = ROLE_ST_PENDING; b < a; b++)
            assert_true(t[a].fg != t[b].fg || t[a].color_attr != t[b].color_attr);
    for (int r = ROLE_ST_PENDING; r <= ROLE_ST_ERROR; r++) {
        assert_int_equal(t[r].bg, -1);            /* the terminal's own background */
        assert_true(t[r].fg != 7 && t[r].fg != 3); /* no white or yellow text */
    }
    unsetenv("NO_COLOR");
    assert_false(theme_want_mono(false, true));
    assert_true(theme_want_mono(true, true));
    assert_true(theme_want_mono(false, false));
    setenv("NO_COLOR", "", 1);
    assert_false(theme_want_mono(false, true));   /* set but empty: ignored, per no-color.org */
    setenv("NO_COLOR", "1", 1);
    assert_true(theme_want_mono(false, true));
    unsetenv("NO_COLOR");
}

int main(void)
{
    if (!setlocale(LC_ALL, "C.UTF-8"))
        setlocale(LC_ALL, "en_US.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_state_labels),
        cmocka_unit_test(test_row_state_role),
        cmocka_unit_test(test_row_fields),
        cmocka_unit_test(test_narrow_widths),
        cmocka_unit_test(test_cjk_alignment),
        cmocka_unit_test(test_control_chars_escaped),
        cmocka_unit_test(test_detail),
        cmocka_unit_test(test_detail_fields_in_order),
        cmocka_unit_test(test_conn_counts),
        cmocka_unit_test(test_conn_column_80),
        cmocka_unit_test(test_theme),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
