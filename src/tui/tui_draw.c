/* tui_draw.c: composing the dashboard from rendered lines: header, connections pane, accounts
 * table, detail pane, footer, and what is drawn over them (help, the delete dialog). */
#include "tui_app.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sk_time.h"
#include "text.h"
#include "tui_rows.h"
#include "tui_screen.h"
#include "tui_theme.h"

static const char *const spin_utf8[] = { "\xe2\xa0\x8b", "\xe2\xa0\x99", "\xe2\xa0\xb9",
    "\xe2\xa0\xb8", "\xe2\xa0\xbc", "\xe2\xa0\xb4", "\xe2\xa0\xa6", "\xe2\xa0\xa7",
    "\xe2\xa0\x87", "\xe2\xa0\x8f" };
static const char *const spin_ascii[] = { "|", "/", "-", "\\" };

/* Body geometry for the current window. */
typedef struct geom {
    int body_y, body_h;
    int conn_w;
    int table_x, table_y, table_w, table_h;
    int det_x, det_y, det_w, det_h;   /* det_w 0: no detail pane */
} geom;

static void geometry(const tui_app *a, geom *g)
{
    memset(g, 0, sizeof *g);
    g->body_y = 2;
    g->body_h = a->rows - 4;
    g->conn_w = a->cols >= 120 ? 28 : 22;
    g->table_x = g->conn_w + 1;
    g->table_y = g->body_y;
    g->table_w = a->cols - g->table_x;
    g->table_h = g->body_h;
    if (!a->detail_open)
        return;
    if (a->cols >= 140) {
        g->det_w = g->table_w * 2 / 5;
        g->table_w -= g->det_w + 1;
        g->det_x = g->table_x + g->table_w + 1;
        g->det_y = g->body_y;
        g->det_h = g->body_h;
    } else {
        g->table_h = g->body_h / 2;
        g->det_x = g->table_x;
        g->det_y = g->body_y + g->table_h;
        g->det_w = g->table_w;
        g->det_h = g->body_h - g->table_h;
    }
}

/* Rows of the accounts table shown at once (title and column header excluded). */
static int table_rows(const tui_app *a)
{
    geom g;
    geometry(a, &g);
    return g.table_h - 2 > 1 ? g.table_h - 2 : 1;
}

int draw_table_rows(const tui_app *a)
{
    return table_rows(a);
}

/* ---------------------------------------------------------------- header and footer */

/* How old the cached listing is: "12s", "3m", "5h", "2d". */
static void cache_age(int64_t secs, char *buf, size_t n)
{
    if (secs < 0)
        secs = 0;
    if (secs < 60)
        snprintf(buf, n, "%llds", (long long)secs);
    else if (secs < 3600)
        snprintf(buf, n, "%lldm", (long long)(secs / 60));
    else if (secs < 86400)
        snprintf(buf, n, "%lldh", (long long)(secs / 3600));
    else
        snprintf(buf, n, "%lldd", (long long)(secs / 86400));
}

static void draw_header(tui_app *a, tui_line *l)
{
    line_add(l, ROLE_TITLE, " skdash ", -1, false);
    line_add(l, ROLE_NORMAL, " ", -1, false);
    line_add_raw(l, ROLE_NORMAL, a->host, -1, false);
    line_add(l, ROLE_DIM, "  profile ", -1, false);
    line_add_raw(l, ROLE_NORMAL, a->cfg->profile, -1, false);
    if (a->read_only) {
        line_add(l, ROLE_NORMAL, "  ", -1, false);
        line_add(l, ROLE_BADGE, " READ-ONLY ", -1, false);
    }
    if (a->from_cache) {
        char age[32], badge[64];
        cache_age(time_now() - a->cache_saved_at, age, sizeof age);
        snprintf(badge, sizeof badge, " cached %s %s old ", a->utf8 ? "\xc2\xb7" : "-", age);
        line_add(l, ROLE_NORMAL, "  ", -1, false);
        line_add(l, ROLE_BADGE, badge, -1, false);
    }
    line_add(l, ROLE_NORMAL, "  ", -1, false);
    const char *sp = a->utf8 ? spin_utf8[a->spin % 10] : spin_ascii[a->spin % 4];
    char what[256] = "";
    if (a->listing && !a->listing_over) {
        char prog[200];
        listing_progress(a->listing, prog, sizeof prog);
        snprintf(what, sizeof what, "loading %s", prog);
    } else if (a->deletes_in_flight > 0) {
        snprintf(what, sizeof what, "deleting %d...", a->deletes_in_flight);
    } else if (a->det.loading) {
        snprintf(what, sizeof what, "fetching details...");
    } else if (client_pending(a->client) > 0) {
        snprintf(what, sizeof what, "working...");
    }
    if (*what) {
        line_add(l, ROLE_KEY, sp, -1, false);
        line_add(l, ROLE_NORMAL, " ", -1, false);
        line_add_raw(l, ROLE_DIM, what, -1, false);
    }
    screen_put(0, 0, l, a->cols, 0, ROLE_NORMAL);
    line_reset(l);

    size_t counts[SK_STATE_COUNT];
    for (int s = 0; s < SK_STATE_COUNT; s++)
        counts[s] = store_total(a->store, (sk_state)s);
    line_add(l, ROLE_NORMAL, " ", -1, false);
    rows_totals(l, counts);
    line_addf(l, ROLE_DIM, "total %zu", store_count(a->store));
    screen_put(1, 0, l, a->cols, 0, ROLE_NORMAL);
    line_reset(l);
}

static void hint(tui_line *l, tui_action act, const char *word, bool read_only)
{
    if (!action_available(act, read_only))
        return;
    char keys[64];
    const tui_action_def *d = action_def(act);
    key_label(d->keys[0], keys, sizeof keys);
    line_add(l, ROLE_KEY, keys, -1, false);
    line_addf(l, ROLE_DIM, " %s  ", word);
}

/* The end of an error says what went wrong ("... page: answer is not valid JSON (truncated)"):
 * when it does not fit, the leading "where: " parts give way first (never "HTTP 503: ..."). */
static const char *fit_cause(const char *msg, int room)
{
    const char *p = msg, *q;
    while (text_width(p) > room && strncmp(p, "HTTP ", 5) != 0 && (q = strstr(p, ": ")) != NULL &&
           q[2])
        p = q + 2;
    return p;
}

/* Trouble with requests still going on, or a long wait: said while it lasts. */
static bool live_line(const tui_app *a, char *buf, size_t n, bool *is_error)
{
    trace_footer(a, tui_now_ms(), buf, n, is_error);
    return buf[0] != '\0';
}

static void draw_status(tui_app *a, tui_line *l, int y)
{
    char live[160];
    bool live_err = false;
    if (a->filtering) {
        line_add(l, ROLE_KEY, "/", -1, false);
        line_add_raw(l, a->filter_bad ? ROLE_ERROR_MSG : ROLE_NORMAL, a->filter, -1, false);
        line_add(l, ROLE_CURSOR, " ", -1, false);
        if (a->filter_bad) {
            line_add(l, ROLE_NORMAL, "  ", -1, false);
            line_add_raw(l, ROLE_ERROR_MSG, a->filter_msg, -1, false);
        }
        else
            line_add(l, ROLE_DIM, "  Enter keep  Esc clear  state:expired conn:gmail", -1, false);
    } else if (*a->error) {
        line_add(l, ROLE_ERROR_MSG, "error: ", -1, false);
        line_add(l, ROLE_ERROR_MSG, a->error, -1, false);
        line_add(l, ROLE_DIM, "  (Esc)", -1, false);
    } else if (*a->refresh_error) {
        char retry[64];
        long long left = a->next_refresh_ms - tui_now_ms();
        if (a->listing && !a->listing_over)
            snprintf(retry, sizeof retry, "refresh failed, trying again now: ");
        else if (a->next_refresh_ms && left > 0)
            snprintf(retry, sizeof retry, "refresh failed, trying again in %lld s: ",
                     (left + 999) / 1000);
        else
            snprintf(retry, sizeof retry, "refresh failed: ");
        line_add(l, ROLE_ERROR_MSG, "error: ", -1, false);
        line_add(l, ROLE_ERROR_MSG, retry, -1, false);
        int room = a->cols - 22 - l->cols;
        line_add(l, ROLE_ERROR_MSG, fit_cause(a->refresh_error, room), -1, false);
    } else if (*a->warning) {
        line_add(l, ROLE_ERROR_MSG, "warning: ", -1, false);
        line_add(l, ROLE_ERROR_MSG, a->warning, -1, false);
        line_add(l, ROLE_DIM, "  (Esc)", -1, false);
    } else if (live_line(a, live, sizeof live, &live_err)) {
        line_add(l, live_err ? ROLE_ERROR_MSG : ROLE_DIM, live, -1, false);
    } else if (*a->notice) {
        line_add(l, ROLE_OK_MSG, a->notice, -1, false);
    } else if (*a->filter) {
        line_add(l, ROLE_DIM, "filter: ", -1, false);
        line_add_raw(l, ROLE_NORMAL, a->filter, -1, false);
    }
    /* The time of the last refresh, right-aligned. */
    char right[64] = "";
    if (a->last_refresh != SK_TIME_ABSENT) {
        time_t t = (time_t)a->last_refresh;
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(right, sizeof right, "refreshed %H:%M:%S", &tm);
    } else {
        snprintf(right, sizeof right, "not refreshed yet");
    }
    int rw = (int)strlen(right);
    line_truncate(l, a->cols - rw - 2);
    line_pad_to(l, ROLE_NORMAL, a->cols - rw - 1);
    line_add(l, ROLE_DIM, right, -1, false);
    screen_put(y, 0, l, a->cols, 0, ROLE_NORMAL);
    line_reset(l);
}

static void draw_hints(tui_app *a, tui_line *l, int y)
{
    line_add(l, ROLE_NORMAL, " ", -1, false);
    if (a->modal == MODAL_LINK) {
        hint(l, ACT_LINK_NEW, "new link", a->read_only);
        hint(l, ACT_LINK_COPY, "copy link", a->read_only);
        hint(l, ACT_LINK_MESSAGE, "copy message", a->read_only);
        if (a->lv.n > 1)
            hint(l, ACT_LINK_NEXT, "next", a->read_only);
        hint(l, ACT_PRINT_LINK, "print & quit", a->read_only);
        hint(l, ACT_LINK_CLOSE, "back", a->read_only);
    } else {
        hint(l, ACT_QUIT, "quit", a->read_only);
        hint(l, ACT_HELP, "help", a->read_only);
        hint(l, ACT_FILTER, "filter", a->read_only);
        hint(l, ACT_SORT, "sort", a->read_only);
        hint(l, ACT_DETAIL, "detail", a->read_only);
        hint(l, ACT_MARK, "mark", a->read_only);
        hint(l, ACT_LINK, "link", a->read_only);
        hint(l, ACT_DELETE, "delete", a->read_only);
        hint(l, ACT_REFRESH, "refresh", a->read_only);
        hint(l, ACT_COPY_ID, "copy id", a->read_only);
        hint(l, ACT_JOURNAL, "journal", a->read_only);
    }
    screen_put(y, 0, l, a->cols, 0, ROLE_NORMAL);
    line_reset(l);
}

/* ---------------------------------------------------------------- connections pane */

static void conn_item(tui_app *a, size_t i, const char **name, size_t *total, size_t count[SK_STATE_COUNT])
{
    memset(count, 0, sizeof(size_t) * SK_STATE_COUNT);
    if (i < 2) {
        *name = i == 0 ? "All accounts" : "Needs attention";
        *total = 0;
        for (int s = 0; s < SK_STATE_COUNT; s++) {
            size_t n = store_total(a->store, (sk_state)s);
            if (i == 1 && s == SK_STATE_ACTIVE)
                continue;
            count[s] = n;
            *total += n;
        }
        return;
    }
    sk_conn_summary cs;
    store_connection(a->store, i - 2, &cs);
    *name = cs.name ? cs.name : "?";
    *total = cs.total;
    memcpy(count, cs.count, sizeof cs.count);
}

static void draw_conns(tui_app *a, const geom *g, tui_line *l)
{
    int y = g->body_y, w = g->conn_w;
    line_add(l, ROLE_TITLE, "Connections", -1, false);
    screen_put(y, 0, l, w, a->focus == PANE_CONNS ? A_UNDERLINE : 0, ROLE_NORMAL);
    line_reset(l);
    size_t items = data_conn_items(a);
    int per = 2, room = (g->body_h - 1) / per;
    if (room < 1)
        room = 1;
    if (a->conn_cur < a->conn_top)
        a->conn_top = a->conn_cur;
    if (a->conn_cur >= a->conn_top + (size_t)room)
        a->conn_top = a->conn_cur - (size_t)room + 1;
    int row = y + 1;
    for (size_t i = a->conn_top; i < items && row + 1 < y + g->body_h + 1; i++) {
        const char *name;
        size_t total, count[SK_STATE_COUNT];
        conn_item(a, i, &name, &total, count);
        unsigned long extra = 0;
        if (i == a->conn_cur)
            extra = theme_attr(a->focus == PANE_CONNS ? ROLE_CURSOR : ROLE_CURSOR_IDLE) & ~A_COLOR;
        rows_conn_title(l, name, total, w);
        screen_put(row++, 0, l, w, extra, ROLE_NORMAL);
        line_reset(l);
        rows_conn_counts(l, count, w);
        screen_put(row++, 0, l, w, 0, ROLE_NORMAL);
        line_reset(l);
    }
    for (; row < y + g->body_h; row++)
        screen_blank(row, 0, w, ROLE_NORMAL);
    for (int r = y; r < y + g->body_h; r++)
        mvaddstr(r, w, a->utf8 ? "\xe2\x94\x82" : "|");
}

/* ---------------------------------------------------------------- accounts table */

static const char *view_name(tui_app *a, char *buf, size_t n)
{
    if (a->conn_cur == 0)
        return "All accounts";
    if (a->conn_cur == 1)
        return "Needs attention";
    sk_conn_summary cs;
    store_connection(a->store, a->conn_cur - 2, &cs);
    snprintf(buf, n, "%s", cs.name ? cs.name : "?");
    return buf;
}

static void draw_table(tui_app *a, const geom *g, tui_line *l)
{
    char vn[128];
    line_add(l, ROLE_TITLE, "Accounts", -1, false);
    line_add(l, ROLE_DIM, " \xc2\xb7 ", -1, false);
    line_add_raw(l, ROLE_NORMAL, view_name(a, vn, sizeof vn), -1, false);
    line_addf(l, ROLE_DIM, "  %zu shown", a->view.n);
    size_t marks = store_mark_count(a->store);
    if (marks)
        line_addf(l, ROLE_MARK, "  %zu marked", marks);
    if (a->base_mask != SK_ALL_STATES) {
        line_add(l, ROLE_DIM, "  states:", -1, false);
        for (int s = 0; s < SK_STATE_COUNT; s++)
            if (a->base_mask & (1u << s)) {
                char c[3] = { ' ', rows_state_letter((sk_state)s), 0 };
                line_add(l, rows_state_role((sk_state)s), c, -1, false);
            }
    }
    screen_put(g->table_y, g->table_x, l, g->table_w, a->focus == PANE_TABLE ? A_UNDERLINE : 0, ROLE_NORMAL);
    line_reset(l);

    rows_layout lay;
    rows_layout_for(g->table_w, a->conn_cur < 2, &lay);
    rows_table_header(l, &lay, a->spec.sort, a->spec.reverse);
    screen_put(g->table_y + 1, g->table_x, l, g->table_w, 0, ROLE_NORMAL);
    line_reset(l);

    int h = table_rows(a);
    if (a->cur < a->top)
        a->top = a->cur;
    if (a->cur >= a->top + (size_t)h)
        a->top = a->cur - (size_t)h + 1;
    if (a->top + (size_t)h > a->view.n)
        a->top = a->view.n > (size_t)h ? a->view.n - (size_t)h : 0;
    int64_t now = time_now();
    for (int r = 0; r < h; r++) {
        size_t i = a->top + (size_t)r;
        int y = g->table_y + 2 + r;
        if (i >= a->view.n) {
            if (i == 0 && r == 0) {
                bool loading = a->listing && !a->listing_over;
                line_add(l, ROLE_DIM, loading ? "  loading..." : "  no accounts match", -1, false);
                screen_put(y, g->table_x, l, g->table_w, 0, ROLE_NORMAL);
                line_reset(l);
            } else {
                screen_blank(y, g->table_x, g->table_w, ROLE_NORMAL);
            }
            continue;
        }
        sk_row row = a->view.rows[i];
        sk_account acc;
        store_get(a->store, row, &acc);
        rows_account(l, &acc, &lay, now, store_marked(a->store, row));
        unsigned long extra = 0;
        if (i == a->cur)
            extra = theme_attr(a->focus == PANE_TABLE ? ROLE_CURSOR : ROLE_CURSOR_IDLE) & ~A_COLOR;
        screen_put(y, g->table_x, l, g->table_w, extra, ROLE_NORMAL);
        line_reset(l);
    }
}

/* ---------------------------------------------------------------- detail pane */

static void draw_detail(tui_app *a, const geom *g, tui_line *l)
{
    if (!g->det_w)
        return;
    int x = g->det_x, y = g->det_y, w = g->det_w, h = g->det_h;
    if (g->det_x > g->table_x) {
        for (int r = y; r < y + h; r++)
            mvaddstr(r, x - 1, a->utf8 ? "\xe2\x94\x82" : "|");
    }
    line_add(l, ROLE_TITLE, "Detail", -1, false);
    if (a->focus == PANE_DETAIL)
        line_add(l, ROLE_DIM, "  (j/k scroll)", -1, false);
    screen_put(y, x, l, w, a->focus == PANE_DETAIL ? A_UNDERLINE : 0, ROLE_NORMAL);
    line_reset(l);
    tui_lines ls;
    lines_init(&ls, a->utf8);
    sk_account acc;
    if (data_current(a, &acc, NULL)) {
        bool mine = a->det.id && acc.id && strcmp(a->det.id, acc.id) == 0;
        rows_detail_extra ex = { 0 };
        if (mine) {
            ex.scopes = (const char *const *)a->det.scopes;
            ex.n_scopes = a->det.n_scopes;
            ex.domain = a->det.domain;
            ex.api_config = a->det.api_config;
            ex.loading = a->det.loading;
            ex.error = a->det.error;
        } else {
            ex.loading = true;
        }
        rows_detail(&ls, &acc, &ex, w - 1, time_now());
    } else {
        tui_line *one = lines_add(&ls);
        if (one)
            line_add(one, ROLE_DIM, "no account selected", -1, false);
    }
    if (a->detail_scroll + 1 > ls.n)
        a->detail_scroll = ls.n ? ls.n - 1 : 0;
    for (int r = 1; r < h; r++) {
        size_t i = a->detail_scroll + (size_t)(r - 1);
        if (i < ls.n)
            screen_put(y + r, x, &ls.v[i], w, 0, ROLE_NORMAL);
        else
            screen_blank(y + r, x, w, ROLE_NORMAL);
    }
    lines_free(&ls);
}

/* ---------------------------------------------------------------- help */

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

void draw_help_lines(tui_lines *out, bool read_only)
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
    if (read_only && (l = lines_add(out)) != NULL)
        line_add(l, ROLE_BADGE, "Read-only: delete is disabled.", -1, false);
}

static void draw_help(tui_app *a, tui_line *l)
{
    tui_lines ls;
    lines_init(&ls, a->utf8);
    draw_help_lines(&ls, a->read_only);
    int h = a->rows - 1;
    line_add(l, ROLE_TITLE, "skdash keys", -1, false);
    line_add(l, ROLE_DIM, "  (Esc, q or ? closes; j/k scroll)", -1, false);
    screen_put(0, 0, l, a->cols, 0, ROLE_NORMAL);
    line_reset(l);
    if (ls.n > (size_t)(h - 1) && a->help_scroll > ls.n - (size_t)(h - 1))
        a->help_scroll = ls.n - (size_t)(h - 1);
    if (ls.n <= (size_t)(h - 1))
        a->help_scroll = 0;
    for (int r = 1; r < h; r++) {
        size_t i = a->help_scroll + (size_t)(r - 1);
        if (i < ls.n)
            screen_put(r, 0, &ls.v[i], a->cols, 0, ROLE_NORMAL);
        else
            screen_blank(r, 0, a->cols, ROLE_NORMAL);
    }
    lines_free(&ls);
}

/* ---------------------------------------------------------------- delete dialog */

static void dialog_blank(int y, int x, int w)
{
    tui_line empty;
    line_init(&empty, true);
    screen_put(y, x, &empty, w, A_REVERSE, ROLE_DIALOG);
    line_free(&empty);
}

static void draw_confirm(tui_app *a, tui_line *l)
{
    tui_confirm *c = &a->confirm;
    int w = a->cols - 8 < 72 ? a->cols - 8 : 72;
    size_t list_max = (size_t)(a->rows - 12);
    size_t shown = c->n < list_max ? c->n : list_max;
    int h = (int)shown + 6 + (c->n > shown ? 1 : 0);
    int x = (a->cols - w) / 2, y = (a->rows - h) / 2;
    int row = y;
    dialog_blank(row++, x, w);
    line_addf(l, ROLE_TITLE, "  Delete %zu connected account%s?", c->n, c->n == 1 ? "" : "s");
    screen_put(row++, x, l, w, A_REVERSE, ROLE_DIALOG);
    line_reset(l);
    for (size_t i = 0; i < shown; i++) {
        line_add(l, ROLE_DIALOG, "    ", -1, false);
        line_add_raw(l, ROLE_DIALOG, c->t[i].identifier, -1, false);
        line_add(l, ROLE_DIALOG, "  (connection ", -1, false);
        line_add_raw(l, ROLE_DIALOG, c->t[i].connector, -1, false);
        line_add(l, ROLE_DIALOG, ")", -1, false);
        screen_put(row++, x, l, w, A_REVERSE, ROLE_DIALOG);
        line_reset(l);
    }
    if (c->n > shown) {
        line_addf(l, ROLE_DIALOG, "    ... and %zu more", c->n - shown);
        screen_put(row++, x, l, w, A_REVERSE, ROLE_DIALOG);
        line_reset(l);
    }
    dialog_blank(row++, x, w);
    line_add(l, ROLE_DIALOG, "  This cannot be undone.", -1, false);
    screen_put(row++, x, l, w, A_REVERSE, ROLE_DIALOG);
    line_reset(l);
    if (c->n == 1)
        line_add(l, ROLE_DIALOG, "  y delete   n/Esc keep it (default: No)", -1, false);
    else
        line_addf(l, ROLE_DIALOG, "  Type %zu and press Enter to delete them; Esc keeps them: [%s]",
                  c->n, c->typed);
    screen_put(row++, x, l, w, A_REVERSE, ROLE_DIALOG);
    line_reset(l);
    dialog_blank(row, x, w);
}

/* ---------------------------------------------------------------- the whole screen */

static void draw_small(tui_app *a)
{
    erase();
    char msg[160];
    snprintf(msg, sizeof msg, "skdash needs a window of at least %dx%d (this one is %dx%d).",
             TUI_MIN_COLS, TUI_MIN_ROWS, a->cols, a->rows);
    int y = a->rows / 2 - 1;
    screen_text(y > 0 ? y : 0, 0, ROLE_ERROR_MSG, msg, a->cols);
    screen_text(y + 1 > 0 ? y + 1 : 1, 0, ROLE_NORMAL, "Enlarge it to continue; q quits.", a->cols);
}

void draw_all(tui_app *a)
{
    getmaxyx(stdscr, a->rows, a->cols);
    if (a->rows < TUI_MIN_ROWS || a->cols < TUI_MIN_COLS) {
        draw_small(a);
        return;
    }
    tui_line l;
    line_init(&l, a->utf8);
    if (a->modal == MODAL_HELP) {
        draw_help(a, &l);
        draw_status(a, &l, a->rows - 1);
    } else if (a->modal == MODAL_JOURNAL) {
        journal_draw(a);
        draw_status(a, &l, a->rows - 1);
    } else if (a->modal == MODAL_LINK) {
        link_draw(a);
        char live[160];
        bool live_err;
        if (*a->error || *a->warning || *a->notice || *a->refresh_error || live_line(a, live, sizeof live, &live_err))
            draw_status(a, &l, a->rows - 1);
        else
            draw_hints(a, &l, a->rows - 1);
    } else {
        geom g;
        geometry(a, &g);
        draw_header(a, &l);
        draw_conns(a, &g, &l);
        draw_table(a, &g, &l);
        draw_detail(a, &g, &l);
        draw_status(a, &l, a->rows - 2);
        draw_hints(a, &l, a->rows - 1);
        if (a->modal == MODAL_CONFIRM)
            draw_confirm(a, &l);
    }
    line_free(&l);
}

bool draw_hit(const tui_app *a, int y, int x, tui_pane *pane, size_t *index)
{
    geom g;
    geometry(a, &g);
    if (y < g.body_y + 1 || y >= g.body_y + g.body_h)
        return false;
    if (x < g.conn_w) {
        *pane = PANE_CONNS;
        *index = a->conn_top + (size_t)((y - g.body_y - 1) / 2);
        return *index < data_conn_items(a);
    }
    if (x >= g.table_x && x < g.table_x + g.table_w && y >= g.table_y + 2 &&
        y < g.table_y + g.table_h) {
        *pane = PANE_TABLE;
        *index = a->top + (size_t)(y - g.table_y - 2);
        return *index < a->view.n;
    }
    return false;
}
