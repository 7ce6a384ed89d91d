/* tui_journal.c: the J screen: the action journal's latest entries (journal.h), newest first, one
 * line each, cut to the window. Every field may hold what a server sent: escaped on the way in. */
#include "tui_app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
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

/* Columns: what was done and to whom first; who did it and from where last (they give way).
 * Widths come from the entries shown and the window (tui_journal_fit), not fixed ones. */
static const char *const jcol_title[JCOL_COUNT] = {
    "Time", "Action", "Result", "Connection", "Identifier", "Account ID", "User@from"
};
/* Below these a column says too little to be worth its room; 0: it may go entirely. */
static const int jcol_min[JCOL_COUNT] = { 20, 6, 10, 8, 12, 0, 0 };
/* Above these a value is cut anyway (a long failure reason must not push everything off). */
static const int jcol_cap[JCOL_COUNT] = { 20, 8, 48, 24, 48, 40, 48 };

static int raw_width(const char *raw)
{
    if (!raw || !*raw)
        return 0;
    char *safe = text_sanitize_dup(raw);
    int w = safe ? text_width(safe) : (int)strlen(raw);
    free(safe);
    return w;
}

static int user_width(const sk_journal_row *r)
{
    int w = raw_width(r->user);
    if (r->ssh_client)
        w += 1 + raw_width(r->ssh_client);
    return w;
}

static int cols_total(const tui_journal_cols *c)
{
    int sum = 0, shown = 0;
    for (int k = 0; k < JCOL_COUNT; k++)
        if (c->w[k] > 0) {
            sum += c->w[k];
            shown++;
        }
    return sum + (shown > 1 ? 2 * (shown - 1) : 0);
}

void tui_journal_fit(const sk_journal_row *v, size_t n, int width, tui_journal_cols *out)
{
    for (int k = 0; k < JCOL_COUNT; k++)
        out->w[k] = text_width(jcol_title[k]);
    for (size_t i = 0; i < n; i++) {
        int w[JCOL_COUNT] = { raw_width(v[i].time), raw_width(v[i].action), raw_width(v[i].result),
                              raw_width(v[i].connection), raw_width(v[i].identifier),
                              raw_width(v[i].account_id), user_width(&v[i]) };
        for (int k = 0; k < JCOL_COUNT; k++)
            if (w[k] > out->w[k])
                out->w[k] = w[k];
    }
    for (int k = 0; k < JCOL_COUNT; k++)
        if (out->w[k] > jcol_cap[k])
            out->w[k] = jcol_cap[k];
    /* Too wide: who and from where go first, then the account id; then the result, the
     * identifier and the connection narrow (cut with an ellipsis) down to their minimum. */
    static const int drop[] = { JCOL_USER, JCOL_ID };
    for (size_t i = 0; i < sizeof drop / sizeof drop[0] && cols_total(out) > width; i++)
        out->w[drop[i]] = 0;
    /* The widest of them gives a column at a time, so none is cut far while another has room. */
    static const int narrow[] = { JCOL_RESULT, JCOL_IDENT, JCOL_CONN };
    while (cols_total(out) > width) {
        int best = -1;
        for (size_t i = 0; i < sizeof narrow / sizeof narrow[0]; i++) {
            int k = narrow[i];
            if (out->w[k] > jcol_min[k] && (best < 0 || out->w[k] > out->w[best]))
                best = k;
        }
        if (best < 0)
            break;
        out->w[best]--;
    }
    out->total = cols_total(out);
}

static void cell(tui_line *l, const tui_journal_cols *c, int k, tui_role role, const char *raw)
{
    if (c->w[k] <= 0)
        return;
    if (l->cols > 0)
        line_add(l, ROLE_NORMAL, "  ", -1, false);
    line_add_raw(l, role, raw, c->w[k], true);
}

void tui_journal_row_line(tui_line *l, const sk_journal_row *r, const tui_journal_cols *c)
{
    cell(l, c, JCOL_TIME, ROLE_DIM, nz(r->time));
    cell(l, c, JCOL_ACTION, ROLE_KEY, nz(r->action));
    cell(l, c, JCOL_RESULT, result_role(r->result), nz(r->result));
    cell(l, c, JCOL_CONN, ROLE_NORMAL, nz(r->connection));
    cell(l, c, JCOL_IDENT, ROLE_NORMAL, nz(r->identifier));
    cell(l, c, JCOL_ID, ROLE_DIM, nz(r->account_id));
    if (c->w[JCOL_USER] > 0) {
        char who[512];
        snprintf(who, sizeof who, "%s%s%s", nz(r->user), r->ssh_client ? "@" : "", nz(r->ssh_client));
        cell(l, c, JCOL_USER, ROLE_DIM, who);
    }
}

static void header_line(tui_line *l, const tui_journal_cols *c)
{
    for (int k = 0; k < JCOL_COUNT; k++)
        cell(l, c, k, ROLE_COLHEAD, jcol_title[k]);
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
    jv.scroll = tui_scroll_clamp(jv.scroll, jv.rows.n, (size_t)journal_rows_shown(a));
}

static void journal_move(tui_app *a, long delta)
{
    jv.scroll = tui_scroll_by(jv.scroll, delta);
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
    int h = journal_rows_shown(a);
    /* The entries on screen are v[lo..hi) (newest first from hi - 1): the columns fit them. */
    size_t hi = jv.scroll < n ? n - jv.scroll : 0;
    size_t lo = hi > (size_t)h ? hi - (size_t)h : 0;
    tui_journal_cols cols;
    tui_journal_fit(jv.rows.v ? jv.rows.v + lo : NULL, hi - lo, a->cols, &cols);
    header_line(&l, &cols);
    put(1, &l, a->cols);
    for (int r = 0; r < h; r++) {
        size_t k = jv.scroll + (size_t)r;
        if (k < n) {
            tui_journal_row_line(&l, &jv.rows.v[n - 1 - k], &cols);
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
