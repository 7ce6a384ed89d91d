/* tui_journal.c: the J screen: the action journal's latest entries (journal.h), newest first, one
 * line each, cut to the window. Every field may hold what a server sent: escaped on the way in. */
#include "tui_app.h"

#include <stdio.h>
#include <string.h>

#include "tui_screen.h"

static const char *nz(const char *s)
{
    return s ? s : "";
}

static tui_role result_role(const char *result)
{
    if (!result)
        return ROLE_NORMAL;
    if (strncmp(result, "ok", 2) == 0)
        return ROLE_OK_MSG;
    if (strncmp(result, "failed", 6) == 0 || strncmp(result, "unknown", 7) == 0)
        return ROLE_ERROR_MSG;
    return ROLE_DIM;
}

/* Columns: what was done and to whom first; who did it and from where last (they give way). */
#define W_TIME 20
#define W_ACTION 6
#define W_RESULT 24
#define W_CONN 12
#define W_IDENT 28

static void gap(tui_line *l)
{
    line_add(l, ROLE_NORMAL, "  ", -1, false);
}

void tui_journal_row_line(tui_line *l, const sk_journal_row *r)
{
    line_add_raw(l, ROLE_DIM, nz(r->time), W_TIME, true);
    gap(l);
    line_add_raw(l, ROLE_KEY, nz(r->action), W_ACTION, true);
    gap(l);
    line_add_raw(l, result_role(r->result), nz(r->result), W_RESULT, true);
    gap(l);
    line_add_raw(l, ROLE_NORMAL, nz(r->connection), W_CONN, true);
    gap(l);
    line_add_raw(l, ROLE_NORMAL, nz(r->identifier), W_IDENT, true);
    gap(l);
    line_add_raw(l, ROLE_DIM, nz(r->account_id), -1, false);
    gap(l);
    line_add_raw(l, ROLE_DIM, nz(r->user), -1, false);
    if (r->ssh_client) {
        line_add(l, ROLE_DIM, "@", -1, false);
        line_add_raw(l, ROLE_DIM, r->ssh_client, -1, false);
    }
}

static void header_line(tui_line *l)
{
    line_add(l, ROLE_COLHEAD, "Time", W_TIME, true);
    gap(l);
    line_add(l, ROLE_COLHEAD, "Action", W_ACTION, true);
    gap(l);
    line_add(l, ROLE_COLHEAD, "Result", W_RESULT, true);
    gap(l);
    line_add(l, ROLE_COLHEAD, "Connection", W_CONN, true);
    gap(l);
    line_add(l, ROLE_COLHEAD, "Identifier", W_IDENT, true);
    gap(l);
    line_add(l, ROLE_COLHEAD, "Account ID  User@from", -1, false);
}

/* The view's own state: the entries read when it opened, and how far it is scrolled. */
static struct {
    sk_journal_rows rows;
    char err[256];            /* why the journal could not be read ("" when it was) */
    size_t scroll;
} jv;

void act_journal(tui_app *a, int arg)
{
    (void)arg;
    journal_rows_free(&jv.rows);
    memset(&jv.rows, 0, sizeof jv.rows);
    jv.err[0] = '\0';
    sk_error err;
    sk_error_clear(&err);
    /* Read when opened: the file is small per line and the view shows what is there now. */
    if (journal_read(NULL, &jv.rows, &err) != SK_OK) {
        journal_rows_free(&jv.rows);
        memset(&jv.rows, 0, sizeof jv.rows);
        snprintf(jv.err, sizeof jv.err, "%s", err.message);
    }
    jv.scroll = 0;
    tui_screen_push(a, &tui_journal_screen);
}

static void journal_close(tui_app *a)
{
    (void)a;
    journal_rows_free(&jv.rows);
    memset(&jv.rows, 0, sizeof jv.rows);
}

static int journal_rows_shown(const tui_app *a)
{
    int h = a->rows - 3;   /* title, column header, footer */
    return h < 1 ? 1 : h;
}

static void journal_settle(tui_app *a)
{
    size_t n = jv.rows.n, h = (size_t)journal_rows_shown(a);
    if (n <= h)
        jv.scroll = 0;
    else if (jv.scroll > n - h)
        jv.scroll = n - h;
}

static void journal_move(tui_app *a, long delta)
{
    long v = (long)jv.scroll + delta;
    jv.scroll = v < 0 ? 0 : (size_t)v;
    journal_settle(a);
}

static int journal_page(const tui_app *a)
{
    return a->rows - 3;
}

static void put(int y, tui_line *l, int cols)
{
    screen_put(y, 0, l, cols, 0, ROLE_NORMAL);
    line_reset(l);
}

static void journal_draw(const tui_app *a)
{
    tui_line l;
    line_init(&l, a->utf8);
    size_t n = jv.rows.n;
    line_add(&l, ROLE_TITLE, "Action journal", -1, false);
    line_addf(&l, ROLE_DIM, "  %zu entr%s, newest first", n, n == 1 ? "y" : "ies");
    if (jv.rows.skipped)
        line_addf(&l, ROLE_ERROR_MSG, "  (%zu damaged line%s skipped)", jv.rows.skipped,
                  jv.rows.skipped == 1 ? "" : "s");
    line_add(&l, ROLE_DIM, "  (Esc, q or J closes; j/k scroll)", -1, false);
    put(0, &l, a->cols);
    header_line(&l);
    put(1, &l, a->cols);
    int h = journal_rows_shown(a);
    for (int r = 0; r < h; r++) {
        size_t k = jv.scroll + (size_t)r;
        if (k < n) {
            tui_journal_row_line(&l, &jv.rows.v[n - 1 - k]);
        } else if (k == 0 && *jv.err) {
            line_add(&l, ROLE_ERROR_MSG, "the journal cannot be read: ", -1, false);
            line_add_raw(&l, ROLE_ERROR_MSG, jv.err, -1, false);
        } else if (k == 0) {
            char path[512];
            line_add(&l, ROLE_DIM, "no delete or link journalled yet", -1, false);
            if (journal_default_path(path, sizeof path)) {
                line_add(&l, ROLE_DIM, " (", -1, false);
                line_add_raw(&l, ROLE_DIM, path, -1, false);
                line_add(&l, ROLE_DIM, ")", -1, false);
            }
        }
        put(2 + r, &l, a->cols);
    }
    line_free(&l);
    draw_status(a, a->rows - 1);
}

const tui_screen tui_journal_screen = {
    .name = "journal",
    .ctx = CTX_JOURNAL,
    .settle = journal_settle,
    .draw = journal_draw,
    .step = journal_move,
    .page = journal_page,
    .close = journal_close,
};
