/* test_tui_cmdline.c: the command bar's logic with no terminal: splitting a line, finding a
 * command and the nearest one to a typo, sort names, Tab completion (unique, common beginning,
 * cycling both ways, any case), the history (walking, the line being typed kept, the file:
 * mode 0600, links not followed, junk lines skipped), and the command table itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/tui/tui_app.h"
#include "../../src/tui/tui_cmdline.h"

static void test_split(void **st)
{
    (void)st;
    char name[32], arg[64];
    bool bang;
    assert_true(cmdline_split("conn  gmail ", name, sizeof name, &bang, arg, sizeof arg));
    assert_string_equal(name, "conn");
    assert_string_equal(arg, "gmail");
    assert_false(bang);
    assert_true(cmdline_split(" :export! my file.csv", name, sizeof name, &bang, arg, sizeof arg));
    assert_string_equal(name, "export");
    assert_true(bang);
    assert_string_equal(arg, "my file.csv");
    assert_true(cmdline_split("q", name, sizeof name, &bang, arg, sizeof arg));
    assert_string_equal(name, "q");
    assert_string_equal(arg, "");
    assert_false(cmdline_split("   ", name, sizeof name, &bang, arg, sizeof arg));
    assert_false(cmdline_split("", name, sizeof name, &bang, arg, sizeof arg));
}

static void test_find_and_nearest(void **st)
{
    (void)st;
    size_t n;
    const tui_command *t = cmdbar_commands(&n);
    assert_true(n >= 8);
    assert_string_equal(cmdline_find(t, n, "CONN")->name, "conn");
    assert_string_equal(cmdline_find(t, n, "quit")->name, "q");
    assert_string_equal(cmdline_find(t, n, "q")->name, "q");
    assert_null(cmdline_find(t, n, "con"));
    assert_string_equal(cmdline_nearest(t, n, "cnn"), "conn");
    assert_string_equal(cmdline_nearest(t, n, "prfile"), "profile");
    assert_string_equal(cmdline_nearest(t, n, "exprot"), "export");
    assert_string_equal(cmdline_nearest(t, n, "qiut"), "quit");
    assert_null(cmdline_nearest(t, n, "xyzzy"));
}

/* Every command is whole: a help line, a handler, one name once; an argument named for help. */
static void test_table(void **st)
{
    (void)st;
    size_t n;
    const tui_command *t = cmdbar_commands(&n);
    static const char *const want[] = { "profile", "conn", "view", "filter", "sort", "export",
                                        "help", "q" };
    for (size_t w = 0; w < sizeof want / sizeof want[0]; w++)
        assert_non_null(cmdline_find(t, n, want[w]));
    for (size_t i = 0; i < n; i++) {
        assert_non_null(t[i].run);
        assert_true(strlen(t[i].help) > 3);
        assert_true((t[i].arg == CMD_ARG_NONE) == (t[i].args == NULL));
        for (size_t j = 0; j < n; j++)
            if (i != j)
                assert_string_not_equal(t[i].name, t[j].name);
    }
}

typedef struct seen { char text[4096]; int count; } seen;

static void collect(void *ud, const char *keys, const char *help)
{
    seen *s = ud;
    snprintf(s->text + strlen(s->text), sizeof s->text - strlen(s->text), "%s|%s\n", keys, help);
    s->count++;
}

/* The help screen lists every command from the table, as it is typed. */
static void test_help_lists_commands(void **st)
{
    (void)st;
    seen s = { "", 0 };
    cmdbar_help(collect, &s);
    size_t n;
    cmdbar_commands(&n);
    assert_int_equal(s.count, (int)n);
    assert_non_null(strstr(s.text, ":profile NAME|"));
    assert_non_null(strstr(s.text, ":export[!] PATH|"));
    assert_non_null(strstr(s.text, ":q, :quit|"));
    /* and the help screen shows them under the command bar's keys */
    tui_lines ls;
    lines_init(&ls, true);
    tui_help_lines(&ls, false, CTX_CMDBAR, 120);
    bool found = false;
    for (size_t i = 0; i < ls.n && !found; i++)
        found = strstr(line_text(&ls.v[i]), ":conn NAME") != NULL;
    lines_free(&ls);
    assert_true(found);
}

static void test_sort_names(void **st)
{
    (void)st;
    sk_sort_key k;
    for (int s = 0; s < SK_SORT_COUNT; s++) {
        assert_true(cmdline_sort_parse(cmdline_sort_name((sk_sort_key)s), &k));
        assert_int_equal(k, s);
    }
    assert_true(cmdline_sort_parse("token expiry", &k));
    assert_int_equal(k, SK_SORT_TOKEN_EXPIRY);
    assert_true(cmdline_sort_parse("LAST_USED", &k));
    assert_int_equal(k, SK_SORT_LAST_USED);
    assert_false(cmdline_sort_parse("stat", &k));
    assert_false(cmdline_sort_parse("", &k));
}

static const char *space_after(const char *m, void *ud)
{
    (void)ud;
    return strcmp(m, "conn") == 0 ? " " : "";
}

static void fill(cmdline_cands *c, const char *const *v, size_t n)
{
    cands_init(c);
    for (size_t i = 0; i < n; i++)
        assert_true(cands_add(c, v[i]));
}

static void test_complete_unique_and_case(void **st)
{
    (void)st;
    static const char *const names[] = { "gmail", "github", "Slack", "slack" };
    cmdline_cands all;
    fill(&all, names, 4);
    assert_int_equal(all.n, 4);
    cmdline_completion c;
    completion_init(&c);
    char line[CMDLINE_MAX] = "conn GM";
    assert_int_equal(completion_tab(&c, line, sizeof line, 5, &all, NULL, NULL, 1), 1);
    assert_string_equal(line, "conn gmail");
    snprintf(line, sizeof line, "con");
    static const char *const cmds[] = { "conn", "profile" };
    cmdline_cands cn;
    fill(&cn, cmds, 2);
    assert_int_equal(completion_tab(&c, line, sizeof line, 0, &cn, space_after, NULL, 1), 1);
    assert_string_equal(line, "conn ");   /* a command that takes a name: a blank after it */
    snprintf(line, sizeof line, "conn zz");
    assert_int_equal(completion_tab(&c, line, sizeof line, 5, &all, NULL, NULL, 1), 0);
    assert_string_equal(line, "conn zz");
    completion_reset(&c);
    cands_free(&all);
    cands_free(&cn);
}

static void test_complete_cycles(void **st)
{
    (void)st;
    static const char *const names[] = { "gmail", "github", "slack" };
    cmdline_cands all;
    fill(&all, names, 3);
    cmdline_completion c;
    completion_init(&c);
    char line[CMDLINE_MAX] = "conn g";
    /* "g" is all they share: the first goes on the line, Tab again the next, and round */
    assert_int_equal(completion_tab(&c, line, sizeof line, 5, &all, NULL, NULL, 1), 2);
    assert_string_equal(line, "conn gmail");
    assert_int_equal(completion_current(&c, line), 0);
    completion_tab(&c, line, sizeof line, 5, &all, NULL, NULL, 1);
    assert_string_equal(line, "conn github");
    completion_tab(&c, line, sizeof line, 5, &all, NULL, NULL, 1);
    assert_string_equal(line, "conn gmail");
    completion_tab(&c, line, sizeof line, 5, &all, NULL, NULL, -1);
    assert_string_equal(line, "conn github");
    /* an edit ends the cycle: the next Tab looks again */
    snprintf(line, sizeof line, "conn s");
    assert_int_equal(completion_current(&c, line), -1);
    assert_int_equal(completion_tab(&c, line, sizeof line, 5, &all, NULL, NULL, 1), 1);
    assert_string_equal(line, "conn slack");
    /* an empty word: every candidate; Shift-Tab starts from the last */
    snprintf(line, sizeof line, "conn ");
    assert_int_equal(completion_tab(&c, line, sizeof line, 5, &all, NULL, NULL, -1), 3);
    assert_string_equal(line, "conn slack");
    completion_reset(&c);
    cands_free(&all);
}

static void test_complete_common_beginning(void **st)
{
    (void)st;
    static const char *const names[] = { "last-used", "last-seen", "state" };
    cmdline_cands all;
    fill(&all, names, 3);
    cmdline_completion c;
    completion_init(&c);
    char line[CMDLINE_MAX] = "sort la";
    assert_int_equal(completion_tab(&c, line, sizeof line, 5, &all, NULL, NULL, 1), 2);
    assert_string_equal(line, "sort last-");   /* what both share, and nothing chosen yet */
    assert_int_equal(completion_current(&c, line), -1);
    completion_tab(&c, line, sizeof line, 5, &all, NULL, NULL, 1);
    assert_string_equal(line, "sort last-used");
    completion_tab(&c, line, sizeof line, 5, &all, NULL, NULL, 1);
    assert_string_equal(line, "sort last-seen");
    completion_reset(&c);
    cands_free(&all);
}

static void test_history_walk(void **st)
{
    (void)st;
    cmdline_history h;
    history_init(&h);
    history_add(&h, "conn gmail");
    history_add(&h, "sort state");
    history_add(&h, "sort state");   /* the same again is kept once */
    history_add(&h, "");
    assert_int_equal(h.n, 2);
    char line[CMDLINE_MAX] = "pro";
    assert_true(history_walk(&h, -1, line, sizeof line));
    assert_string_equal(line, "sort state");
    assert_true(history_walk(&h, -1, line, sizeof line));
    assert_string_equal(line, "conn gmail");
    assert_false(history_walk(&h, -1, line, sizeof line));
    assert_true(history_walk(&h, 1, line, sizeof line));
    assert_string_equal(line, "sort state");
    assert_true(history_walk(&h, 1, line, sizeof line));
    assert_string_equal(line, "pro");   /* back to what was being typed */
    assert_false(history_walk(&h, 1, line, sizeof line));
    for (int i = 0; i < CMDLINE_HISTORY + 20; i++) {
        char l[32];
        snprintf(l, sizeof l, "filter %d", i);
        history_add(&h, l);
    }
    assert_int_equal(h.n, CMDLINE_HISTORY);
    assert_string_equal(h.v[h.n - 1], "filter 119");
    assert_string_equal(h.v[0], "filter 20");
    history_free(&h);
}

static void test_history_file(void **st)
{
    (void)st;
    char dir[] = "/tmp/skdash-test-cmdline-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128], link[128], junk[128];
    snprintf(path, sizeof path, "%s/cmd_history", dir);
    snprintf(link, sizeof link, "%s/link", dir);
    snprintf(junk, sizeof junk, "%s/junk", dir);
    cmdline_history h, back;
    history_init(&h);
    history_add(&h, "conn gmail");
    history_add(&h, "export ~/a b.csv");
    assert_true(history_save(&h, path));
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    history_init(&back);
    history_load(&back, path);
    assert_int_equal(back.n, 2);
    assert_string_equal(back.v[1], "export ~/a b.csv");
    history_free(&back);
    /* a link is not followed; lines with control characters are not commands typed here */
    assert_int_equal(symlink(path, link), 0);
    history_init(&back);
    history_load(&back, link);
    assert_int_equal(back.n, 0);
    FILE *f = fopen(junk, "w");
    fputs("sort state\n\x1b]52;c;AAAA\x07\nconn x\nno newline at the end", f);
    fclose(f);
    history_load(&back, junk);
    assert_int_equal(back.n, 2);
    assert_string_equal(back.v[0], "sort state");
    assert_string_equal(back.v[1], "conn x");
    history_free(&back);
    history_free(&h);
    unlink(path);
    unlink(link);
    unlink(junk);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_find_and_nearest),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_help_lists_commands),
        cmocka_unit_test(test_sort_names),
        cmocka_unit_test(test_complete_unique_and_case),
        cmocka_unit_test(test_complete_cycles),
        cmocka_unit_test(test_complete_common_beginning),
        cmocka_unit_test(test_history_walk),
        cmocka_unit_test(test_history_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
