/* tui_overview.c: the overview screen (connections pane, accounts table, detail pane, filter
 * line): its handlers from the action table, and its scroll positions kept in step with it. */
#include "tui_app.h"

#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "sk_time.h"
#include "text.h"

/* ---------------------------------------------------------------- scrolling */

static size_t clamp_top(size_t top, size_t cur, size_t n, size_t h)
{
    if (cur < top)
        top = cur;
    if (cur >= top + h)
        top = cur - h + 1;
    if (top + h > n)
        top = n > h ? n - h : 0;
    return top;
}

/* Scroll positions follow the cursors and the window: done when they change, never while
 * drawing. */
void overview_settle(tui_app *a)
{
    if (a->view_dirty)
        data_view_update(a);
    a->top = clamp_top(a->top, a->cur, a->view.n, (size_t)draw_table_rows(a));
    size_t room = (size_t)draw_conn_rows(a);
    if (a->conn_cur < a->conn_top)
        a->conn_top = a->conn_cur;
    if (a->conn_cur >= a->conn_top + room)
        a->conn_top = a->conn_cur - room + 1;
    data_detail_want(a);
    if (a->detail_open) {
        size_t n = draw_detail_lines(a);
        if (a->detail_scroll + 1 > n)
            a->detail_scroll = n ? n - 1 : 0;
    }
}

static void follow_cursor(tui_app *a)
{
    sk_account acc;
    if (data_current(a, &acc, NULL))
        snprintf(a->sel_id, sizeof a->sel_id, "%s", acc.id ? acc.id : "");
    data_detail_want(a);
    a->dirty = true;
}

static size_t clamp_move(size_t cur, size_t n, long delta)
{
    if (n == 0)
        return 0;
    long v = (long)cur + delta;
    if (v < 0)
        v = 0;
    if (v >= (long)n)
        v = (long)n - 1;
    return (size_t)v;
}

static void pane_move(tui_app *a, tui_pane pane, long delta)
{
    if (pane == PANE_CONNS) {
        size_t c = clamp_move(a->conn_cur, data_conn_items(a), delta);
        if (c != a->conn_cur) {
            a->conn_cur = c;
            data_spec_rebuild(a);
        }
    } else if (pane == PANE_DETAIL) {
        a->detail_scroll = tui_scroll_by(a->detail_scroll, delta);
    } else {
        if (a->view_dirty)
            data_view_update(a);
        a->cur = clamp_move(a->cur, a->view.n, delta);
        follow_cursor(a);
    }
    a->dirty = true;
}

static void overview_move(tui_app *a, long delta)
{
    pane_move(a, a->focus, delta);
}

static int overview_page(const tui_app *a)
{
    return a->focus == PANE_DETAIL ? draw_detail_rows(a) : draw_table_rows(a);
}

/* A mouse click: the pane and row under the pointer. */
static void overview_click(tui_app *a, int y, int x)
{
    tui_pane pane;
    size_t idx;
    if (!draw_hit(a, y, x, &pane, &idx))
        return;
    a->focus = pane;
    if (pane == PANE_CONNS) {
        a->conn_cur = idx;
        data_spec_rebuild(a);
    } else {
        a->cur = idx;
        follow_cursor(a);
    }
    a->dirty = true;
}

/* ---------------------------------------------------------------- the filter line */

static void filter_changed(tui_app *a)
{
    a->error[0] = '\0';
    data_spec_rebuild(a);
}

/* The cursor, never past the end (the filter is also set by :filter, Esc, a profile switch). */
static size_t filter_cursor(tui_app *a)
{
    size_t len = strlen(a->filter);
    if (a->filter_cur > len)
        a->filter_cur = len;
    return a->filter_cur;
}

static void filter_type(tui_app *a, wint_t wc)
{
    if (wc < 32 || wc == 127 || !iswprint(wc))
        return;
    char mb[MB_LEN_MAX + 1];
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t n = wcrtomb(mb, (wchar_t)wc, &st);
    size_t len = strlen(a->filter), at = filter_cursor(a);
    if (n == (size_t)-1 || len + n + 1 > sizeof a->filter)
        return;
    memmove(a->filter + at + n, a->filter + at, len - at + 1);   /* typed at the cursor */
    memcpy(a->filter + at, mb, n);
    a->filter_cur = at + n;
    filter_changed(a);
}

static bool overview_text(tui_app *a, int rc, wint_t wc)
{
    if (rc == KEY_CODE_YES && wc == KEY_MOUSE) {
        MEVENT ev;
        if (getmouse(&ev) != OK)
            return true;
        /* The wheel scrolls the pane under the pointer, whichever has the focus (as in other
         * terminal tools); the focus stays where the keyboard left it. */
        tui_pane under;
        bool wheel = ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED);
        if (wheel && draw_pane_at(a, ev.y, ev.x, &under))
            pane_move(a, under, ev.bstate & BUTTON4_PRESSED ? -3 : 3);
        else if (wheel)
            ;   /* over the header or the footer: nothing to scroll */
        else
            overview_click(a, ev.y, ev.x);
        return true;
    }
    if (a->filtering && rc == OK) {
        filter_type(a, wc);
        return true;
    }
    return false;
}

void act_filter(tui_app *a, int arg)
{
    (void)arg;
    a->filtering = true;
    a->filter_cur = strlen(a->filter);   /* typing goes on at the end */
}

/* The cursor: -1 a character left, 1 right, -2 the start, 2 the end. */
void act_filter_move(tui_app *a, int how)
{
    size_t at = filter_cursor(a);
    switch (how) {
    case -1: a->filter_cur = text_char_prev(a->filter, at); break;
    case 1: a->filter_cur = text_char_next(a->filter, at); break;
    case -2: a->filter_cur = 0; break;
    default: a->filter_cur = strlen(a->filter); break;
    }
    a->dirty = true;
}

/* Delete / Ctrl-D: the character under the cursor. */
void act_filter_delete(tui_app *a, int arg)
{
    (void)arg;
    size_t at = filter_cursor(a), next = text_char_next(a->filter, at);
    memmove(a->filter + at, a->filter + next, strlen(a->filter + next) + 1);
    filter_changed(a);
}

void act_filter_accept(tui_app *a, int arg)
{
    (void)arg;
    /* A filter that cannot be read is not kept as if it were: the line stays open, flagged,
     * until it is mended or cleared (Esc). */
    if (a->filter_bad) {
        a->dirty = true;
        return;
    }
    a->filtering = false;
}

void act_filter_cancel(tui_app *a, int arg)
{
    (void)arg;
    a->filtering = false;
    a->filter[0] = '\0';
    filter_changed(a);
}

/* Before the cursor, as readline does: arg 0 one character, 1 the word (Ctrl-W: the blanks
 * before it, then up to the blank before it), so "state:expired jane" loses "jane" at one
 * stroke. */
void act_filter_erase(tui_app *a, int arg)
{
    size_t at = filter_cursor(a), n = at;
    if (arg == 1) {
        while (n > 0 && a->filter[n - 1] == ' ')
            n--;
        while (n > 0 && a->filter[n - 1] != ' ')
            n--;
    } else {
        n = text_char_prev(a->filter, n);
    }
    memmove(a->filter + n, a->filter + at, strlen(a->filter + at) + 1);
    a->filter_cur = n;
    filter_changed(a);
}

/* Ctrl-U: everything before the cursor. */
void act_filter_kill(tui_app *a, int arg)
{
    (void)arg;
    size_t at = filter_cursor(a);
    memmove(a->filter, a->filter + at, strlen(a->filter + at) + 1);
    a->filter_cur = 0;
    filter_changed(a);
}

/* ---------------------------------------------------------------- the overview's actions */

void act_pane(tui_app *a, int dir)
{
    int n = a->detail_open ? 3 : 2;
    a->focus = (tui_pane)(((int)a->focus + n + dir) % n);
}

void act_detail(tui_app *a, int arg)
{
    (void)arg;
    if (a->focus == PANE_CONNS) {
        a->focus = PANE_TABLE;
        return;
    }
    a->detail_open = !a->detail_open;
    if (!a->detail_open && a->focus == PANE_DETAIL)
        a->focus = PANE_TABLE;
    data_detail_want(a);
}

void act_escape(tui_app *a, int arg)
{
    (void)arg;
    if (*a->error)
        a->error[0] = '\0';
    else if (*a->warning)
        a->warning[0] = '\0';
    else if (*a->filter) {
        a->filter[0] = '\0';
        data_spec_rebuild(a);
    } else if (a->detail_open) {
        a->detail_open = false;
        if (a->focus == PANE_DETAIL)
            a->focus = PANE_TABLE;
    } else if (store_mark_count(a->store)) {
        store_clear_marks(a->store);
        data_marks_changed(a, 0);
    }
    a->notice[0] = '\0';
}

void act_toggle_state(tui_app *a, int state)
{
    sk_state s = (sk_state)state;
    a->base_mask ^= 1u << s;
    data_spec_rebuild(a);
    data_set_notice(a, "%s %s", state_name(s), a->base_mask & (1u << s) ? "shown" : "hidden");
}

void act_sort(tui_app *a, int arg)
{
    (void)arg;
    a->spec.sort = (sk_sort_key)((a->spec.sort + 1) % SK_SORT_COUNT);
    a->view_dirty = true;
    data_set_notice(a, "sorted by %s", sort_key_name(a->spec.sort));
}

void act_sort_reverse(tui_app *a, int arg)
{
    (void)arg;
    a->spec.reverse = !a->spec.reverse;
    a->view_dirty = true;
}

void act_mark(tui_app *a, int arg)
{
    (void)arg;
    sk_row r;
    sk_account acc;
    if (!data_current(a, &acc, &r))
        return;
    bool on = !store_marked(a->store, r);
    size_t here = data_marks_here(a);
    store_mark(a->store, r, on);
    data_marks_changed(a, on ? here + 1 : here - 1);   /* the row is the cursor's: in view */
    overview_move(a, 1);
}

void act_mark_all(tui_app *a, int arg)
{
    (void)arg;
    bool all = a->view.n > 0;
    for (size_t i = 0; i < a->view.n && all; i++)
        all = store_marked(a->store, a->view.rows[i]);
    for (size_t i = 0; i < a->view.n; i++)
        store_mark(a->store, a->view.rows[i], !all);
    data_marks_changed(a, all ? 0 : a->view.n);
}

void act_delete(tui_app *a, int arg)
{
    (void)arg;
    size_t n;
    tui_target *t = data_targets(a, &n);
    if (!n) {
        data_set_notice(a, "nothing to delete");
        return;
    }
    tui_confirm_open(a, TUI_CONFIRM_DELETE, t, n);
}

/* x: the same dialog rules as delete (typed count for several; refused in read-only by the
 * dispatcher, ACT_F_WRITE). */
void act_disconnect(tui_app *a, int arg)
{
    (void)arg;
    size_t n;
    tui_target *t = data_targets(a, &n);
    if (!n) {
        data_set_notice(a, "nothing to disconnect");
        return;
    }
    tui_confirm_open(a, TUI_CONFIRM_DISCONNECT, t, n);
}

static void open_links(tui_app *a, bool print)
{
    size_t n;
    tui_target *t = data_targets(a, &n);
    if (!n) {
        data_set_notice(a, "no account selected");
        return;
    }
    tui_link_open(a, t, n);
    a->print_pending = print;
}

void act_link(tui_app *a, int arg)
{
    (void)arg;
    open_links(a, false);
}

/* 'p': from the overview, open the link view and quit once the link is there; in the link
 * view, quit with the link shown (or as soon as it arrives). */
void act_print_link(tui_app *a, int arg)
{
    (void)arg;
    if (tui_screen_top(a) != &tui_link_screen) {
        open_links(a, true);
        return;
    }
    int64_t expiry;
    const char *link = tui_link_current(&expiry);
    if (link) {
        free(a->print_link);
        a->print_link = strdup(link);
        a->print_expiry = expiry;
        a->quit = true;
    } else {
        a->print_pending = true;
    }
}

void act_copy(tui_app *a, int identifier)
{
    sk_account acc;
    if (!data_current(a, &acc, NULL)) {
        data_set_notice(a, "no account selected");
        return;
    }
    tui_clipboard(a, identifier ? acc.identifier : acc.id, identifier ? "the identifier" : "the id");
}

void act_refresh(tui_app *a, int arg)
{
    (void)arg;
    data_start_refresh(a);
}

void act_quit(tui_app *a, int arg)
{
    (void)arg;
    a->quit = true;
}

static tui_ctx overview_ctx(const tui_app *a)
{
    return a->filtering ? CTX_FILTER : CTX_LIST;
}

static void overview_draw(const tui_app *a)
{
    draw_overview(a);
}

const tui_screen tui_overview_screen = {
    .name = "overview",
    .ctx = CTX_LIST,
    .ctx_now = overview_ctx,
    .settle = overview_settle,
    .draw = overview_draw,
    .step = overview_move,
    .page = overview_page,
    .text = overview_text,
};
