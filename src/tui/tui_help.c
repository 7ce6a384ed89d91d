/* tui_help.c: the `?` screen: every context's bindings and the states, generated from the
 * action table and the core's state table; it scrolls. */
#include "tui_app.h"

#include <stdio.h>

#include "tui_rows.h"
#include "tui_screen.h"

static size_t help_scroll;

typedef struct help_ctx {
    tui_lines *out;
} help_ctx;

static void help_emit(void *ud, const char *keys, const char *help)
{
    help_ctx *h = ud;
    tui_line *l = lines_add(h->out);
    if (!l)
        return;
    line_add(l, ROLE_NORMAL, "  ", -1, false);
    line_add(l, ROLE_KEY, keys, 22, true);
    line_add(l, ROLE_NORMAL, help, -1, false);
}

/* "Read-only: delete is disabled.": every action that writes, named once. */
static void read_only_line(tui_lines *out)
{
    size_t n;
    const tui_action_def *t = actions_table(&n);
    for (size_t i = 0; i < n; i++) {
        if (!(t[i].flags & ACT_F_WRITE) || !t[i].hint)
            continue;
        char msg[96];
        action_refusal(&t[i], msg, sizeof msg);
        tui_line *l = lines_add(out);
        if (!l)
            return;
        /* "read-only: delete is disabled" as a sentence */
        line_addf(l, ROLE_BADGE, "R%s.", msg + 1);
    }
}

void tui_help_lines(tui_lines *out, bool read_only)
{
    help_ctx h = { out };
    for (int c = 0; c < CTX_COUNT; c++) {
        tui_line *l = lines_add(out);
        if (!l)
            return;
        line_add(l, ROLE_TITLE, ctx_name((tui_ctx)c), -1, false);
        actions_help((tui_ctx)c, read_only, help_emit, &h);
        lines_add(out);
    }
    tui_line *l = lines_add(out);
    if (l) {
        line_add(l, ROLE_TITLE, "States", -1, false);
        for (int s = 0; s < SK_STATE_COUNT; s++) {
            l = lines_add(out);
            if (!l)
                return;
            line_addf(l, ROLE_NORMAL, "  %c  ", rows_state_letter((sk_state)s));
            line_add(l, rows_state_role((sk_state)s), state_name((sk_state)s), 10, true);
            line_add(l, ROLE_DIM, rows_state_advice((sk_state)s, NULL), -1, false);
        }
    }
    if (read_only)
        read_only_line(out);
}

static size_t help_count(const tui_app *a)
{
    tui_lines ls;
    lines_init(&ls, a->utf8);
    tui_help_lines(&ls, a->read_only);
    size_t n = ls.n;
    lines_free(&ls);
    return n;
}

static int help_rows(const tui_app *a)
{
    return a->rows - 2 > 1 ? a->rows - 2 : 1;   /* title and footer */
}

static void help_settle(tui_app *a)
{
    size_t n = help_count(a), h = (size_t)help_rows(a);
    if (n <= h)
        help_scroll = 0;
    else if (help_scroll > n - h)
        help_scroll = n - h;
}

static void help_move(tui_app *a, long delta)
{
    long v = (long)help_scroll + delta;
    help_scroll = v < 0 ? 0 : (size_t)v;
    help_settle(a);
}

static int help_page(const tui_app *a)
{
    return a->rows - 3;
}

static void help_draw(const tui_app *a)
{
    tui_line l;
    line_init(&l, a->utf8);
    tui_lines ls;
    lines_init(&ls, a->utf8);
    tui_help_lines(&ls, a->read_only);
    int h = a->rows - 1;
    line_add(&l, ROLE_TITLE, "skdash keys", -1, false);
    line_add(&l, ROLE_DIM, "  (Esc, q or ? closes; j/k scroll)", -1, false);
    screen_put(0, 0, &l, a->cols, 0, ROLE_NORMAL);
    line_reset(&l);
    for (int r = 1; r < h; r++) {
        size_t i = help_scroll + (size_t)(r - 1);
        if (i < ls.n)
            screen_put(r, 0, &ls.v[i], a->cols, 0, ROLE_NORMAL);
        else
            screen_blank(r, 0, a->cols, ROLE_NORMAL);
    }
    lines_free(&ls);
    line_free(&l);
    draw_status(a, a->rows - 1);
}

void act_help(tui_app *a, int arg)
{
    (void)arg;
    help_scroll = 0;
    tui_screen_push(a, &tui_help_screen);
}

const tui_screen tui_help_screen = {
    .name = "help",
    .ctx = CTX_HELP,
    .settle = help_settle,
    .draw = help_draw,
    .step = help_move,
    .page = help_page,
};
