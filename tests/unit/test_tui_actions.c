/* test_tui_actions.c: the one action table: no key bound twice in a context, the help screen
 * lists every action, and the read-only gate refuses delete from every key of every view and
 * hides it from help. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "../../src/tui/tui_actions.h"
#include "../../src/tui/tui_app.h"
#include "text.h"

/* Every key code a terminal can deliver through curses: characters and KEY_* codes. */
#define KEY_SPACE_END (KEY_MAX + 1)

static void test_no_key_twice(void **st)
{
    (void)st;
    size_t n;
    const tui_action_def *t = actions_table(&n);
    for (int c = 0; c < CTX_COUNT; c++) {
        for (size_t i = 0; i < n; i++) {
            if (!(t[i].ctx_mask & (1u << c)))
                continue;
            for (int k = 0; k < ACT_MAX_KEYS && t[i].keys[k]; k++) {
                for (size_t j = 0; j < n; j++) {
                    if (!(t[j].ctx_mask & (1u << c)))
                        continue;
                    for (int m = 0; m < ACT_MAX_KEYS && t[j].keys[m]; m++) {
                        if (i == j && k == m)
                            continue;
                        if (t[i].keys[k] == t[j].keys[m])
                            fail_msg("key %d bound twice in %s (%s, %s)", t[i].keys[k],
                                     ctx_name((tui_ctx)c), t[i].name, t[j].name);
                    }
                }
            }
        }
    }
}

static void test_every_action_once(void **st)
{
    (void)st;
    size_t n;
    const tui_action_def *t = actions_table(&n);
    for (int a = ACT_NONE + 1; a < ACT_COUNT; a++) {
        int found = 0;
        for (size_t i = 0; i < n; i++)
            if (t[i].act == (tui_action)a) {
                found++;
                assert_non_null(t[i].help);
                assert_true(strlen(t[i].help) > 3);
                assert_true(t[i].keys[0] != 0);
                assert_true(t[i].ctx_mask != 0);
                /* Each of its keys resolves to it in each of its contexts. */
                for (int c = 0; c < CTX_COUNT; c++)
                    if (t[i].ctx_mask & (1u << c))
                        for (int k = 0; k < ACT_MAX_KEYS && t[i].keys[k]; k++)
                            assert_int_equal(actions_resolve((tui_ctx)c, t[i].keys[k], false, NULL), a);
            }
        if (found != 1)
            fail_msg("action %d is in the table %d times", a, found);
    }
}

typedef struct seen {
    char text[16384];
} seen;

static void collect(void *ud, const char *keys, const char *help)
{
    seen *s = ud;
    size_t len = strlen(s->text);
    snprintf(s->text + len, sizeof s->text - len, "%s\t%s\n", keys, help);
}

static char *help_screen(bool read_only, char *buf, size_t n)
{
    tui_lines ls;
    lines_init(&ls, true);
    tui_help_lines(&ls, read_only, CTX_LIST, 1000);
    buf[0] = '\0';
    for (size_t i = 0; i < ls.n; i++) {
        size_t len = strlen(buf);
        snprintf(buf + len, n - len, "%s\n", line_text(&ls.v[i]));
    }
    lines_free(&ls);
    return buf;
}

/* The help screen the user sees names every action, with its keys. */
static void test_help_lists_every_action(void **st)
{
    (void)st;
    static char screen[32768];
    help_screen(false, screen, sizeof screen);
    size_t n;
    const tui_action_def *t = actions_table(&n);
    for (size_t i = 0; i < n; i++) {
        if (!strstr(screen, t[i].help))
            fail_msg("help does not list %s", t[i].name);
        char keys[96];
        action_keys_label(&t[i], keys, sizeof keys);
        assert_non_null(strstr(screen, keys));
    }
    assert_non_null(strstr(screen, "Space"));
    assert_non_null(strstr(screen, "Ctrl-L"));
    assert_non_null(strstr(screen, "PgDn"));
}

/* Read-only: no key of any view reaches a write action; the keys that would are reported as
 * refused; help leaves them out (and keeps the rest). */
static void test_read_only_gate(void **st)
{
    (void)st;
    int refused_keys = 0;
    for (int c = 0; c < CTX_COUNT; c++) {
        for (int key = 1; key < KEY_SPACE_END; key++) {
            bool refused = false;
            tui_action a = actions_resolve((tui_ctx)c, key, true, &refused);
            if (a != ACT_NONE) {
                const tui_action_def *d = action_def(a);
                assert_non_null(d);
                assert_false(d->flags & ACT_F_WRITE);
                assert_false(refused);
            }
            tui_action rw = actions_resolve((tui_ctx)c, key, false, NULL);
            if (rw != ACT_NONE && (action_def(rw)->flags & ACT_F_WRITE)) {
                assert_true(refused);
                assert_int_equal(a, ACT_NONE);
                refused_keys++;
            }
        }
    }
    assert_true(refused_keys >= 3);   /* d, Delete, the dialog's y, its Enter */
    assert_int_equal(actions_resolve(CTX_LIST, 'd', false, NULL), ACT_DELETE);
    assert_int_equal(actions_resolve(CTX_LIST, 'd', true, NULL), ACT_NONE);
    assert_int_equal(actions_resolve(CTX_CONFIRM, 'y', true, NULL), ACT_NONE);
    assert_int_equal(actions_resolve(CTX_CONFIRM_COUNT, '\r', true, NULL), ACT_NONE);
    assert_false(action_available(ACT_DELETE, true));
    assert_true(action_available(ACT_DELETE, false));

    for (int c = 0; c < CTX_COUNT; c++) {
        seen ro = { "" }, rw = { "" };
        actions_help((tui_ctx)c, true, collect, &ro);
        actions_help((tui_ctx)c, false, collect, &rw);
        assert_null(strstr(ro.text, action_def(ACT_DELETE)->help));
        assert_null(strstr(ro.text, action_def(ACT_CONFIRM_YES)->help));
        assert_true(strlen(rw.text) >= strlen(ro.text));
    }
    static char screen[32768];
    help_screen(true, screen, sizeof screen);
    assert_null(strstr(screen, action_def(ACT_DELETE)->help));
    assert_non_null(strstr(screen, action_def(ACT_LINK)->help));
    assert_non_null(strstr(screen, "Read-only"));
    help_screen(false, screen, sizeof screen);
    assert_non_null(strstr(screen, action_def(ACT_DELETE)->help));
}

/* Help where you are (issue #13): the keys of the screen it is opened from come first, and at
 * any width every line fits, long ones wrapped (not cut): each word of every help text is there. */
static void test_help_here_and_wrapped(void **st)
{
    (void)st;
    tui_ctx firsts[] = { CTX_LIST, CTX_LINK, CTX_CONFIRM, CTX_JOURNAL };
    for (size_t f = 0; f < sizeof firsts / sizeof firsts[0]; f++) {
        for (int width = TUI_MIN_COLS; width <= 120; width += 17) {
            tui_lines ls;
            lines_init(&ls, true);
            tui_help_lines(&ls, false, firsts[f], width);
            assert_true(ls.n > 10);
            assert_non_null(strstr(line_text(&ls.v[0]), ctx_name(firsts[f])));
            assert_non_null(strstr(line_text(&ls.v[0]), "this screen"));
            static char all[65536];
            all[0] = '\0';
            for (size_t i = 0; i < ls.n; i++) {
                assert_true(text_width(line_text(&ls.v[i])) <= width);
                assert_null(strstr(line_text(&ls.v[i]), "\xe2\x80\xa6"));   /* nothing cut */
                size_t len = strlen(all);
                snprintf(all + len, sizeof all - len, " %s", line_text(&ls.v[i]));
            }
            size_t n;
            const tui_action_def *t = actions_table(&n);
            for (size_t i = 0; i < n; i++) {
                char words[256];
                snprintf(words, sizeof words, "%s", t[i].help);
                for (char *w = strtok(words, " "); w; w = strtok(NULL, " "))
                    if (!strstr(all, w))
                        fail_msg("help at %d misses \"%s\" of %s", width, w, t[i].name);
            }
            lines_free(&ls);
        }
    }
    /* The help opens from every screen that has keys of its own. */
    tui_ctx from[] = { CTX_LIST, CTX_LINK, CTX_CONFIRM, CTX_CONFIRM_COUNT, CTX_JOURNAL };
    for (size_t i = 0; i < sizeof from / sizeof from[0]; i++)
        assert_int_equal(actions_resolve(from[i], '?', false, NULL), ACT_HELP);
    assert_int_equal(actions_resolve(CTX_HELP, '/', false, NULL), ACT_HELP_SEARCH);
    assert_int_equal(actions_resolve(CTX_HELP, 'n', false, NULL), ACT_HELP_NEXT);
    assert_int_equal(actions_resolve(CTX_HELP, 'N', false, NULL), ACT_HELP_PREV);
    assert_int_equal(actions_resolve(CTX_HELP_SEARCH, 'q', false, NULL), ACT_NONE);  /* text */
    assert_int_equal(actions_resolve(CTX_HELP_SEARCH, '\r', false, NULL), ACT_HELP_SEARCH_ACCEPT);
}

static void test_key_labels(void **st)
{
    (void)st;
    char b[32];
    key_label(KEY_UP, b, sizeof b);
    assert_string_equal(b, "Up");
    key_label(12, b, sizeof b);
    assert_string_equal(b, "Ctrl-L");
    key_label(' ', b, sizeof b);
    assert_string_equal(b, "Space");
    key_label(27, b, sizeof b);
    assert_string_equal(b, "Esc");
    key_label('G', b, sizeof b);
    assert_string_equal(b, "G");
    action_keys_label(action_def(ACT_DETAIL), b, sizeof b);
    assert_string_equal(b, "Enter");   /* three codes, one name */
}

/* J opens the journal from the dashboard only (no other binding of J anywhere), and the view
 * closes with Esc, q or J again and scrolls with the moving keys. */
static void test_journal_bindings(void **st)
{
    (void)st;
    assert_int_equal(actions_resolve(CTX_LIST, 'J', false, NULL), ACT_JOURNAL);
    assert_int_equal(actions_resolve(CTX_LIST, 'J', true, NULL), ACT_JOURNAL);   /* reads only */
    for (int c = 0; c < CTX_COUNT; c++) {
        tui_action a = actions_resolve((tui_ctx)c, 'J', false, NULL);
        if (c == CTX_LIST)
            assert_int_equal(a, ACT_JOURNAL);
        else if (c == CTX_JOURNAL)
            assert_int_equal(a, ACT_JOURNAL_CLOSE);
        else
            assert_int_equal(a, ACT_NONE);
    }
    assert_int_equal(actions_resolve(CTX_JOURNAL, 27, false, NULL), ACT_JOURNAL_CLOSE);
    assert_int_equal(actions_resolve(CTX_JOURNAL, 'q', false, NULL), ACT_JOURNAL_CLOSE);
    assert_int_equal(actions_resolve(CTX_JOURNAL, 'j', false, NULL), ACT_DOWN);
    assert_int_equal(actions_resolve(CTX_JOURNAL, KEY_NPAGE, false, NULL), ACT_PAGE_DOWN);
    assert_int_equal(actions_resolve(CTX_JOURNAL, 'd', false, NULL), ACT_NONE);
    assert_string_equal(ctx_name(CTX_JOURNAL), "Journal");
    assert_false(action_def(ACT_JOURNAL)->flags & ACT_F_WRITE);
}

/* Every action runs something; every footer hint has a priority and a key to show. */
static void test_every_action_has_handler(void **st)
{
    (void)st;
    size_t n;
    const tui_action_def *t = actions_table(&n);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(t[i].run);
        assert_non_null(t[i].help);
        if (t[i].hint) {
            assert_true(t[i].hint_prio > 0);
            assert_true(t[i].keys[0] != 0);
        }
    }
}

typedef struct hints { char text[512]; size_t n; } hints;

static void hint_collect(void *ud, const char *key, const char *word)
{
    hints *h = ud;
    snprintf(h->text + strlen(h->text), sizeof h->text - strlen(h->text), "%s %s  ", key, word);
    h->n++;
}

/* The footer keeps whole hints in priority order and drops the lowest ones that do not fit;
 * read-only drops delete; a hint with a condition (link view: next) follows it. */
static void test_footer_hints_fit(void **st)
{
    (void)st;
    tui_app a;
    memset(&a, 0, sizeof a);
    a.stack[0] = &tui_overview_screen;
    a.depth = 1;
    hints wide = { "", 0 }, narrow = { "", 0 }, ro = { "", 0 };
    size_t nw = actions_hints(CTX_LIST, &a, false, 400, hint_collect, &wide);
    size_t nn = actions_hints(CTX_LIST, &a, false, 79, hint_collect, &narrow);
    actions_hints(CTX_LIST, &a, true, 400, hint_collect, &ro);
    assert_int_equal(nw, wide.n);
    assert_true(nn < nw);
    assert_true(strlen(narrow.text) - 2 <= 79);
    /* The narrow footer is the start of the wide one: the same order, nothing cut mid-hint. */
    assert_memory_equal(narrow.text, wide.text, strlen(narrow.text));
    assert_true(strncmp(wide.text, "q quit  ? help  ", 16) == 0);
    assert_non_null(strstr(wide.text, "d delete"));
    assert_null(strstr(ro.text, "d delete"));
    assert_null(strstr(wide.text, "print"));        /* only in the link view */
    /* Priorities rise along the footer. */
    size_t n;
    const tui_action_def *t = actions_table(&n);
    int last = 0;
    for (char *p = wide.text; *p;) {
        char word[64];
        char *end = strstr(p, "  ");
        const char *sp = strchr(p, ' ');
        snprintf(word, sizeof word, "%.*s", (int)(end - sp - 1), sp + 1);
        for (size_t i = 0; i < n; i++)
            if (t[i].hint && (t[i].ctx_mask & (1u << CTX_LIST)) && strcmp(t[i].hint, word) == 0) {
                assert_true(t[i].hint_prio >= last);
                last = t[i].hint_prio;
            }
        p = end + 2;
    }
    hints link = { "", 0 };
    actions_hints(CTX_LINK, &a, false, 400, hint_collect, &link);
    assert_null(strstr(link.text, "next"));      /* one account: no next */
    assert_null(strstr(link.text, "? help"));    /* the overview's hint only */
    assert_non_null(strstr(link.text, "p print & quit"));
}

/* One wording for every refusal, from the action table. */
static void test_refusal_wording(void **st)
{
    (void)st;
    char msg[96];
    action_refusal(action_def(ACT_DELETE), msg, sizeof msg);
    assert_string_equal(msg, "read-only: delete is disabled");
    assert_ptr_equal(actions_bound(CTX_LIST, 'd'), action_def(ACT_DELETE));
    assert_null(actions_bound(CTX_LIST, 0));
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_key_twice),
        cmocka_unit_test(test_every_action_once),
        cmocka_unit_test(test_help_lists_every_action),
        cmocka_unit_test(test_read_only_gate),
        cmocka_unit_test(test_key_labels),
        cmocka_unit_test(test_help_here_and_wrapped),
        cmocka_unit_test(test_journal_bindings),
        cmocka_unit_test(test_every_action_has_handler),
        cmocka_unit_test(test_footer_hints_fit),
        cmocka_unit_test(test_refusal_wording),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
