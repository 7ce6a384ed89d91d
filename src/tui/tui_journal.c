/* tui_journal.c: the J view: the action journal's latest entries (journal.h), newest first, one
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

void journal_row_line(tui_line *l, const sk_journal_row *r)
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

void journal_open(tui_app *a)
{
    journal_rows_free(&a->journal);
    memset(&a->journal, 0, sizeof a->journal);
    a->journal_err[0] = '\0';
    sk_error err;
    sk_error_clear(&err);
    /* Read when opened: the file is small per line and the view shows what is there now. */
    if (journal_read(NULL, &a->journal, &err) != SK_OK) {
        journal_rows_free(&a->journal);
        memset(&a->journal, 0, sizeof a->journal);
        snprintf(a->journal_err, sizeof a->journal_err, "%s", err.message);
    }
    a->journal_scroll = 0;
    a->modal = MODAL_JOURNAL;
    a->dirty = true;
}

void journal_close(tui_app *a)
{
    journal_rows_free(&a->journal);
    memset(&a->journal, 0, sizeof a->journal);
    if (a->modal == MODAL_JOURNAL)
        a->modal = MODAL_NONE;
    a->dirty = true;
}

static void put(int y, tui_line *l, int cols)
{
    screen_put(y, 0, l, cols, 0, ROLE_NORMAL);
    line_reset(l);
}

void journal_draw(tui_app *a)
{
    tui_line l;
    line_init(&l, a->utf8);
    size_t n = a->journal.n;
    line_add(&l, ROLE_TITLE, "Action journal", -1, false);
    line_addf(&l, ROLE_DIM, "  %zu entr%s, newest first", n, n == 1 ? "y" : "ies");
    if (a->journal.skipped)
        line_addf(&l, ROLE_ERROR_MSG, "  (%zu damaged line%s skipped)", a->journal.skipped,
                  a->journal.skipped == 1 ? "" : "s");
    line_add(&l, ROLE_DIM, "  (Esc, q or J closes; j/k scroll)", -1, false);
    put(0, &l, a->cols);
    header_line(&l);
    put(1, &l, a->cols);
    int h = a->rows - 3;   /* title, column header, footer */
    if (h < 1)
        h = 1;
    if (n <= (size_t)h)
        a->journal_scroll = 0;
    else if (a->journal_scroll > n - (size_t)h)
        a->journal_scroll = n - (size_t)h;
    for (int r = 0; r < h; r++) {
        size_t k = a->journal_scroll + (size_t)r;
        if (k < n) {
            journal_row_line(&l, &a->journal.v[n - 1 - k]);
        } else if (k == 0 && *a->journal_err) {
            line_add(&l, ROLE_ERROR_MSG, "the journal cannot be read: ", -1, false);
            line_add_raw(&l, ROLE_ERROR_MSG, a->journal_err, -1, false);
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
}
