/* tui_draw.c: drawing the overview from rendered lines (header, connections pane, accounts
 * table, detail pane) and the footer lines every screen shares. Drawing only reads state. */
#include "tui_app.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accent.h"
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
    /* Wide terminals: the pane grows to the longest name and its counts, up to a quarter. */
    if (a->cols >= 120) {
        size_t items = data_conn_items(a);
        for (size_t i = 0; i < items; i++) {
            tui_item it;
            if (!data_item(a, i, &it))
                continue;
            int need = it.counting ? rows_conn_title_width(it.name, 0, 0) + 1
                                   : rows_conn_title_width(it.name, it.total, it.total - it.count[SK_STATE_ACTIVE]);
            if (need > g->conn_w)
                g->conn_w = need;
        }
        if (g->conn_w > a->cols / 4)
            g->conn_w = a->cols / 4;
    }
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

int draw_conn_rows(const tui_app *a)
{
    geom g;
    geometry(a, &g);
    int room = (g.body_h - 1) / 2;   /* two lines per connection */
    return room < 1 ? 1 : room;
}

int draw_detail_rows(const tui_app *a)
{
    geom g;
    geometry(a, &g);
    return g.det_h - 1 > 1 ? g.det_h - 1 : 1;
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

/* The profile name's look: its accent, or production standing out (accent.h decides). */
static tui_role profile_role(const sk_config *cfg)
{
    sk_accent_look look = accent_look(cfg->accent, cfg->profile, cfg->environment_url);
    if (look.loud)
        return ROLE_ACCENT_PROD;
    if (look.colour >= SK_ACCENT_RED && look.colour < SK_ACCENT_COUNT)
        return (tui_role)(ROLE_ACCENT_RED + (look.colour - SK_ACCENT_RED));
    return ROLE_NORMAL;
}

static void draw_header(const tui_app *a, tui_line *l)
{
    line_add(l, ROLE_TITLE, " skdash ", -1, false);
    line_add(l, ROLE_NORMAL, " ", -1, false);
    line_add_raw(l, ROLE_NORMAL, a->host, -1, false);
    line_add(l, ROLE_DIM, "  profile ", -1, false);
    tui_role pr = profile_role(a->cfg);
    if (pr == ROLE_ACCENT_PROD) {   /* padded, so the reverse video reads as a badge */
        line_add(l, pr, " ", -1, false);
        line_add_raw(l, pr, a->cfg->profile, -1, false);
        line_add(l, pr, " ", -1, false);
    } else {
        line_add_raw(l, pr, a->cfg->profile, -1, false);
    }
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
    size_t cached_all = 0, cached_left = data_cache_loading(a, &cached_all);
    if (cached_left) {
        snprintf(what, sizeof what, "reading the cache %zu%%",
                 cached_all ? (cached_all - cached_left) * 100 / cached_all : 0);
    } else if (a->listing && !a->listing_over) {
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
    /* Counts from a listing that failed, or that is still under way with nothing complete
     * behind it, are not the environment's: said so, never shown as if they were. */
    bool running = a->listing && !a->listing_over;
    if (cached_left)
        line_add(l, ROLE_DIM, "  partial: reading the cache", -1, false);
    else if (*a->refresh_error && !running)
        line_add(l, ROLE_ERROR_MSG, "  partial: the last refresh failed", -1, false);
    else if (running && a->last_refresh == SK_TIME_ABSENT && !a->from_cache)
        line_add(l, ROLE_DIM, "  partial: still loading", -1, false);
    screen_put(1, 0, l, a->cols, 0, ROLE_NORMAL);
    line_reset(l);
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

/* Rows a server search found, until the listing completes (tui_search.c says it). */
static bool search_said(const tui_app *a, tui_line *l, const char *lead)
{
    char said[192];
    bool err;
    if (!search_footer(a, said, sizeof said, &err))
        return false;
    line_add(l, ROLE_DIM, lead, -1, false);
    line_add_raw(l, err ? ROLE_ERROR_MSG : ROLE_NORMAL, said, -1, false);
    return true;
}

static void status_line(const tui_app *a, tui_line *l, int y, bool with_pos)
{
    char live[160];
    bool live_err = false;
    if (a->filtering) {
        line_add(l, ROLE_KEY, "/", -1, false);
        /* Before the cursor, the character under it (a blank at the end), the rest. */
        tui_role r = a->filter_bad ? ROLE_ERROR_MSG : ROLE_NORMAL;
        size_t len = strlen(a->filter), at = a->filter_cur < len ? a->filter_cur : len;
        size_t after = text_char_next(a->filter, at);
        char part[SK_FILTER_MAX];
        snprintf(part, sizeof part, "%.*s", (int)at, a->filter);
        line_add_raw(l, r, part, -1, false);
        if (after > at) {
            snprintf(part, sizeof part, "%.*s", (int)(after - at), a->filter + at);
            line_add_raw(l, ROLE_CURSOR, part, -1, false);
            line_add_raw(l, r, a->filter + after, -1, false);
        } else {
            line_add(l, ROLE_CURSOR, " ", -1, false);
        }
        if (a->filter_bad) {
            line_add(l, ROLE_NORMAL, "  ", -1, false);
            line_add_raw(l, ROLE_ERROR_MSG, a->filter_msg, -1, false);
        }
        else if (*a->filter) {
            /* What the server search adds first: on 80 columns "keeps" gives way. */
            if (search_said(a, l, "  "))
                line_add(l, ROLE_DIM, " \xc2\xb7", -1, false);
            line_add(l, ROLE_DIM, "  keeps ", -1, false);
            line_add_raw(l, ROLE_NORMAL, a->filter_said, -1, false);
        } else
            line_add(l, ROLE_DIM, "  Enter keep  Esc clear  state:expired,revoked conn:gmail", -1, false);
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
        if (search_said(a, l, ""))
            line_add(l, ROLE_DIM, " \xc2\xb7 ", -1, false);
        line_add(l, ROLE_DIM, "filter: ", -1, false);
        line_add_raw(l, ROLE_NORMAL, a->filter_said, -1, false);
    }
    /* Where the cursor is, as lazygit says it ("row 12/19,967": how far through a long list),
     * then the time of the last refresh, right-aligned. */
    char right[160] = "", when[64];
    if (a->last_refresh != SK_TIME_ABSENT) {
        time_t t = (time_t)a->last_refresh;
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(when, sizeof when, "refreshed %H:%M:%S", &tm);
    } else {
        snprintf(when, sizeof when, "not refreshed yet");
    }
    /* The message comes first: the position gives way when both do not fit. */
    if (with_pos && a->view.n) {
        char pos[32], all[32];
        rows_thousands(a->cur < a->view.n ? a->cur + 1 : a->view.n, pos, sizeof pos);
        rows_thousands(a->view.n, all, sizeof all);
        snprintf(right, sizeof right, "row %s/%s  %s", pos, all, when);
        if (l->cols + (int)strlen(right) + 2 > a->cols)
            snprintf(right, sizeof right, "%s", when);
    } else {
        snprintf(right, sizeof right, "%s", when);
    }
    /* Then the time of the refresh: a message such as "wrote 33 links: PATH" is worth more
     * whole than the clock beside it cut. */
    if (l->cols + (int)strlen(right) + 2 > a->cols)
        right[0] = '\0';
    int rw = (int)strlen(right);
    line_truncate(l, a->cols - rw - (rw ? 2 : 1));
    if (rw) {
        line_pad_to(l, ROLE_NORMAL, a->cols - rw - 1);
        line_add(l, ROLE_DIM, right, -1, false);
    }
    screen_put(y, 0, l, a->cols, 0, ROLE_NORMAL);
    line_reset(l);
}

void draw_status(const tui_app *a, int y)
{
    tui_line l;
    line_init(&l, a->utf8);
    status_line(a, &l, y, false);
    line_free(&l);
}

bool draw_status_busy(const tui_app *a)
{
    char live[160];
    bool live_err;
    return *a->error || *a->warning || *a->notice || *a->refresh_error ||
           live_line(a, live, sizeof live, &live_err);
}

static void hint_emit(void *ud, const char *key, const char *word)
{
    tui_line *l = ud;
    line_add(l, ROLE_KEY, key, -1, false);
    line_addf(l, ROLE_DIM, " %s  ", word);
}

void draw_hints(const tui_app *a, tui_ctx ctx, int y)
{
    tui_line l;
    line_init(&l, a->utf8);
    line_add(&l, ROLE_NORMAL, " ", -1, false);
    actions_hints(ctx, a, a->read_only, a->cols - 1, hint_emit, &l);
    screen_put(y, 0, &l, a->cols, 0, ROLE_NORMAL);
    line_free(&l);
}

/* ---------------------------------------------------------------- connections pane */

static void draw_conns(const tui_app *a, const geom *g, tui_line *l)
{
    int y = g->body_y, w = g->conn_w;
    line_add(l, ROLE_TITLE, "Connections", -1, false);
    screen_put(y, 0, l, w, a->focus == PANE_CONNS ? A_UNDERLINE : 0, ROLE_NORMAL);
    line_reset(l);
    size_t items = data_conn_items(a);
    int row = y + 1;
    for (size_t i = a->conn_top; i < items && row + 1 < y + g->body_h + 1; i++) {
        tui_item it;
        data_item(a, i, &it);
        unsigned long extra = 0;
        if (i == a->conn_cur)
            extra = theme_attr(a->focus == PANE_CONNS ? ROLE_CURSOR : ROLE_CURSOR_IDLE) & ~A_COLOR;
        if (it.counting)   /* a saved view's rows still being counted: no figures yet */
            rows_conn_counting(l, it.name, w);
        else
            rows_conn_title(l, it.name, it.total, it.total - it.count[SK_STATE_ACTIVE], w);
        screen_put(row++, 0, l, w, extra, ROLE_NORMAL);
        line_reset(l);
        if (it.counting)
            line_add(l, ROLE_DIM, "  counting", -1, false);
        else
            rows_conn_counts(l, it.count, w);
        screen_put(row++, 0, l, w, 0, ROLE_NORMAL);
        line_reset(l);
    }
    for (; row < y + g->body_h; row++)
        screen_blank(row, 0, w, ROLE_NORMAL);
    for (int r = y; r < y + g->body_h; r++)
        mvaddstr(r, w, a->utf8 ? "\xe2\x94\x82" : "|");
}

/* ---------------------------------------------------------------- accounts table */

static void draw_table(const tui_app *a, const geom *g, tui_line *l)
{
    tui_item it;
    if (!data_item(a, a->conn_cur, &it))
        data_item(a, 0, &it);
    line_add(l, ROLE_TITLE, "Accounts", -1, false);
    line_add(l, ROLE_DIM, " \xc2\xb7 ", -1, false);
    line_add_raw(l, ROLE_NORMAL, it.name, -1, false);
    line_addf(l, ROLE_DIM, "  %zu shown", a->view.n);
    size_t marks = store_mark_count(a->store);
    size_t here = marks ? data_marks_here(a) : 0;
    if (marks && here == marks)
        line_addf(l, ROLE_MARK, "  %zu marked", marks);
    else if (marks)   /* marks belong to accounts: some are in other views */
        line_addf(l, ROLE_MARK, "  %zu marked here, %zu in all", here, marks);
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
    rows_layout_for(g->table_w, it.saved && it.saved->mixes_connections, &lay);
    rows_table_header(l, &lay, a->spec.sort, a->spec.reverse);
    screen_put(g->table_y + 1, g->table_x, l, g->table_w, 0, ROLE_NORMAL);
    line_reset(l);

    int h = table_rows(a);
    int64_t now = time_now();
    for (int r = 0; r < h; r++) {
        size_t i = a->top + (size_t)r;
        int y = g->table_y + 2 + r;
        if (i >= a->view.n) {
            if (i == 0 && r == 0) {
                bool loading = a->listing && !a->listing_over;
                /* An empty table says why: no account matches, or none could be listed. */
                const char *why = loading ? "  loading..."
                                : a->refresh_stopped && store_count(a->store) == 0
                                    ? "  no accounts: the credentials were refused (see below)"
                                : *a->refresh_error && store_count(a->store) == 0
                                    ? "  no accounts: the refresh failed (see below)"
                                    : "  no accounts match";
                line_add(l, *a->refresh_error && !loading ? ROLE_ERROR_MSG : ROLE_DIM, why, -1,
                         false);
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

/* The detail's lines for the current account at width w (what /details brought included). */
static void detail_build(const tui_app *a, int w, tui_lines *ls)
{
    lines_init(ls, a->utf8);
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
        rows_detail(ls, &acc, &ex, w - 1, time_now());
    } else {
        tui_line *one = lines_add(ls);
        if (one)
            line_add(one, ROLE_DIM, "no account selected", -1, false);
    }
}

size_t draw_detail_lines(const tui_app *a)
{
    geom g;
    geometry(a, &g);
    if (!g.det_w)
        return 0;
    tui_lines ls;
    detail_build(a, g.det_w, &ls);
    size_t n = ls.n;
    lines_free(&ls);
    return n;
}

static void draw_detail(const tui_app *a, const geom *g, tui_line *l)
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
    detail_build(a, w, &ls);
    for (int r = 1; r < h; r++) {
        size_t i = a->detail_scroll + (size_t)(r - 1);
        if (i < ls.n)
            screen_put(y + r, x, &ls.v[i], w, 0, ROLE_NORMAL);
        else
            screen_blank(y + r, x, w, ROLE_NORMAL);
    }
    lines_free(&ls);
}

/* ---------------------------------------------------------------- the whole screen */

void draw_small(const tui_app *a)
{
    erase();
    char msg[160];
    snprintf(msg, sizeof msg, "skdash needs a window of at least %dx%d (this one is %dx%d).",
             TUI_MIN_COLS, TUI_MIN_ROWS, a->cols, a->rows);
    int y = a->rows / 2 - 1;
    screen_text(y > 0 ? y : 0, 0, ROLE_ERROR_MSG, msg, a->cols);
    screen_text(y + 1 > 0 ? y + 1 : 1, 0, ROLE_NORMAL, "Enlarge it to continue; q quits.", a->cols);
}

void draw_overview(const tui_app *a)
{
    tui_line l;
    line_init(&l, a->utf8);
    geom g;
    geometry(a, &g);
    draw_header(a, &l);
    draw_conns(a, &g, &l);
    draw_table(a, &g, &l);
    draw_detail(a, &g, &l);
    /* The position is the accounts table's: said under the overview only. */
    status_line(a, &l, a->rows - 2, true);
    line_free(&l);
    /* The list's keys, also while the filter is typed or a dialog is over it. */
    draw_hints(a, CTX_LIST, a->rows - 1);
}

bool draw_pane_at(const tui_app *a, int y, int x, tui_pane *pane)
{
    geom g;
    geometry(a, &g);
    if (y < g.body_y || y >= g.body_y + g.body_h || x < 0 || x >= a->cols)
        return false;
    if (x < g.conn_w)
        *pane = PANE_CONNS;
    else if (g.det_w > 0 && x >= g.det_x && x < g.det_x + g.det_w && y >= g.det_y &&
             y < g.det_y + g.det_h)
        *pane = PANE_DETAIL;
    else if (x >= g.table_x && x < g.table_x + g.table_w && y >= g.table_y &&
             y < g.table_y + g.table_h)
        *pane = PANE_TABLE;
    else
        return false;
    return true;
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
