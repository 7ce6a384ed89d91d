/* tui_help.c: the `?` screen: every context's bindings and the states, generated from the
 * action table and the core's state table, the current screen's keys first; it scrolls, wraps
 * long lines to the window, and `/` searches it (n/N next/previous, matches highlighted). */
#include "tui_app.h"

#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "text.h"
#include "tui_rows.h"
#include "tui_screen.h"

#define KEY_COL 22          /* the keys' column */
#define TEXT_COL (2 + KEY_COL)

/* The screen's own state: it is opened one at a time. */
static struct {
    size_t scroll;
    tui_ctx first;          /* the context it was opened from: its keys come first */
    bool searching;         /* typing after '/' */
    char pattern[64];
    size_t match;           /* the line of the current match */
    bool have_match;
} hv;

typedef struct help_ctx {
    tui_lines *out;
    int width;
} help_ctx;

/* Text (one role) as lines: the first after `lead`, the others after as many blanks; long
 * text wraps at spaces to the window instead of being cut. */
static void wrapped(tui_lines *out, tui_line *lead, int lead_w, tui_role role, const char *safe,
                    int width)
{
    int tw = width - lead_w;
    if (tw < 12)
        tw = 12;
    tui_lines tmp;
    lines_init(&tmp, out->utf8);
    lines_wrap(&tmp, role, safe, tw, 0);
    for (size_t i = 0; i < tmp.n || i == 0; i++) {
        tui_line *l = i == 0 ? lead : lines_add(out);
        if (!l)
            break;
        if (i > 0)
            line_add(l, ROLE_NORMAL, "", lead_w, true);
        if (i < tmp.n)
            line_add(l, role, line_text(&tmp.v[i]), -1, false);
    }
    lines_free(&tmp);
}

static void help_emit(void *ud, const char *keys, const char *help)
{
    help_ctx *h = ud;
    tui_line *l = lines_add(h->out);
    if (!l)
        return;
    line_add(l, ROLE_NORMAL, "  ", -1, false);
    line_add(l, ROLE_KEY, keys, KEY_COL, true);
    wrapped(h->out, l, TEXT_COL, ROLE_NORMAL, help, h->width);
}

/* "Read-only: delete is disabled.": every action that writes, named once. */
static void read_only_line(tui_lines *out, int width)
{
    size_t n;
    const tui_action_def *t = actions_table(&n);
    for (size_t i = 0; i < n; i++) {
        if (!(t[i].flags & ACT_F_WRITE) || !t[i].hint)
            continue;
        char msg[96], sentence[100];
        action_refusal(&t[i], msg, sizeof msg);
        /* "read-only: delete is disabled" as a sentence */
        snprintf(sentence, sizeof sentence, "R%s.", msg + 1);
        lines_wrap(out, ROLE_BADGE, sentence, width, 0);
    }
}

static void context_lines(tui_lines *out, tui_ctx c, bool here, bool read_only, int width)
{
    tui_line *l = lines_add(out);
    if (!l)
        return;
    line_add(l, ROLE_TITLE, ctx_name(c), -1, false);
    if (here)
        line_add(l, ROLE_DIM, "  (this screen)", -1, false);
    help_ctx h = { out, width };
    if (c == CTX_CMDBAR)
        cmdbar_help(help_emit, &h);   /* the bar's commands first, from its command table */
    actions_help(c, read_only, help_emit, &h);
    lines_add(out);
}

void tui_help_lines(tui_lines *out, bool read_only, tui_ctx first, int width)
{
    if ((unsigned)first >= CTX_COUNT)
        first = CTX_LIST;
    context_lines(out, first, true, read_only, width);
    for (int c = 0; c < CTX_COUNT; c++)
        if ((tui_ctx)c != first)
            context_lines(out, (tui_ctx)c, false, read_only, width);
    tui_line *l = lines_add(out);
    if (l) {
        line_add(l, ROLE_TITLE, "States", -1, false);
        for (int s = 0; s < SK_STATE_COUNT; s++) {
            l = lines_add(out);
            if (!l)
                return;
            line_addf(l, ROLE_NORMAL, "  %c  ", rows_state_letter((sk_state)s));
            line_add(l, rows_state_role((sk_state)s), state_name((sk_state)s), 10, true);
            wrapped(out, l, 15, ROLE_DIM, rows_state_advice((sk_state)s, NULL), width);
        }
    }
    if (read_only)
        read_only_line(out, width);
}

static void help_build(const tui_app *a, tui_lines *ls)
{
    lines_init(ls, a->utf8);
    tui_help_lines(ls, a->read_only, hv.first, a->cols);
}

/* ---------------------------------------------------------------- search */

static unsigned char fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Byte offset of the first case-insensitive (ASCII) occurrence of hv.pattern in s at or after
 * `from`, or -1. */
static long find_from(const char *s, size_t from)
{
    size_t pl = strlen(hv.pattern), sl = strlen(s);
    if (!pl)
        return -1;
    for (size_t i = from; i + pl <= sl; i++) {
        size_t k = 0;
        while (k < pl && fold((unsigned char)s[i + k]) == fold((unsigned char)hv.pattern[k]))
            k++;
        if (k == pl)
            return (long)i;
    }
    return -1;
}

static size_t match_count(const tui_lines *ls, size_t upto, size_t *index)
{
    size_t n = 0;
    for (size_t i = 0; i < ls->n; i++)
        if (find_from(line_text(&ls->v[i]), 0) >= 0) {
            if (i == upto && index)
                *index = n + 1;
            n++;
        }
    return n;
}

static int help_rows(const tui_app *a)
{
    return a->rows - 2 > 1 ? a->rows - 2 : 1;   /* title and footer */
}

/* The match after (dir 1) or before (dir -1) line `from` (from itself when inclusive),
 * wrapping around the end; scrolled into view. */
static void help_seek(tui_app *a, long dir, bool inclusive)
{
    tui_lines ls;
    help_build(a, &ls);
    hv.have_match = false;
    size_t n = ls.n;
    for (size_t step = inclusive ? 0 : 1; n && step <= n; step++) {
        size_t i = (size_t)(((long)hv.match + dir * (long)step) % (long)n + (long)n) % n;
        if (find_from(line_text(&ls.v[i]), 0) >= 0) {
            hv.match = i;
            hv.have_match = true;
            break;
        }
    }
    lines_free(&ls);
    if (!hv.have_match)
        return;
    size_t h = (size_t)help_rows(a);
    if (hv.match < hv.scroll || hv.match >= hv.scroll + h)
        hv.scroll = hv.match > 2 ? hv.match - 2 : 0;   /* a little context above it */
    a->dirty = true;
}

void act_help_search(tui_app *a, int arg)
{
    (void)arg;
    hv.searching = true;
    hv.pattern[0] = '\0';
    hv.have_match = false;
    a->dirty = true;
}

/* Enter (arg 1): to the first match from the top of the window; Esc (arg 0): stop typing
 * and forget the search. */
void act_help_search_end(tui_app *a, int arg)
{
    hv.searching = false;
    if (arg) {
        hv.match = hv.scroll;
        help_seek(a, 1, true);
    } else {
        hv.pattern[0] = '\0';
        hv.have_match = false;
    }
    a->dirty = true;
}

void act_help_search_erase(tui_app *a, int arg)
{
    (void)arg;
    size_t n = strlen(hv.pattern);
    while (n > 0 && ((unsigned char)hv.pattern[n - 1] & 0xC0) == 0x80)
        n--;
    if (n > 0)
        n--;
    hv.pattern[n] = '\0';
    a->dirty = true;
}

void act_help_next(tui_app *a, int arg)
{
    if (!hv.pattern[0])
        return;
    help_seek(a, arg < 0 ? -1 : 1, false);
}

static bool help_text(tui_app *a, int rc, wint_t wc)
{
    if (!hv.searching || rc != OK || wc < 32 || wc == 127 || !iswprint(wc))
        return false;
    char mb[MB_LEN_MAX + 1];
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t n = wcrtomb(mb, (wchar_t)wc, &st);
    size_t len = strlen(hv.pattern);
    if (n == (size_t)-1 || len + n + 1 > sizeof hv.pattern)
        return true;
    memcpy(hv.pattern + len, mb, n);
    hv.pattern[len + n] = '\0';
    /* Where it is found as it is typed, like less's incremental search. */
    hv.match = hv.scroll;
    help_seek(a, 1, true);
    a->dirty = true;
    return true;
}

static tui_ctx help_ctx_now(const tui_app *a)
{
    (void)a;
    return hv.searching ? CTX_HELP_SEARCH : CTX_HELP;
}

/* ---------------------------------------------------------------- screen */

static void help_settle(tui_app *a)
{
    tui_lines ls;
    help_build(a, &ls);
    size_t n = ls.n;
    lines_free(&ls);
    hv.scroll = tui_scroll_clamp(hv.scroll, n, (size_t)help_rows(a));
}

static void help_move(tui_app *a, long delta)
{
    hv.scroll = tui_scroll_by(hv.scroll, delta);
    help_settle(a);
}

static int help_page(const tui_app *a)
{
    return a->rows - 3;
}

/* Every occurrence of the pattern on line l (drawn at row y) painted over in the cursor role. */
static void highlight(int y, const tui_line *l, int cols)
{
    const char *t = line_text(l);
    size_t pl = strlen(hv.pattern);
    for (long at = find_from(t, 0); at >= 0; at = find_from(t, (size_t)at + pl)) {
        char *pre = strndup(t, (size_t)at), *hit = strndup(t + at, pl);
        if (pre && hit) {
            int x = text_width(pre);
            if (x < cols)
                screen_text(y, x, ROLE_CURSOR, hit, cols - x);
        }
        free(pre);
        free(hit);
    }
}

static void help_draw(const tui_app *a)
{
    tui_line l;
    line_init(&l, a->utf8);
    tui_lines ls;
    help_build(a, &ls);
    int h = a->rows - 1;
    line_add(&l, ROLE_TITLE, "skdash keys", -1, false);
    if (hv.pattern[0] && !hv.searching) {
        size_t idx = 0, n = match_count(&ls, hv.match, &idx);
        if (n && hv.have_match)
            line_addf(&l, ROLE_DIM, "  match %zu/%zu (n/N)", idx, n);
        else {
            line_add(&l, ROLE_ERROR_MSG, "  no match for ", -1, false);
            line_add_raw(&l, ROLE_ERROR_MSG, hv.pattern, -1, false);
        }
    }
    line_add(&l, ROLE_DIM, "  (Esc, q or ? closes; j/k scroll; / search)", -1, false);
    screen_put(0, 0, &l, a->cols, 0, ROLE_NORMAL);
    line_reset(&l);
    for (int r = 1; r < h; r++) {
        size_t i = hv.scroll + (size_t)(r - 1);
        if (i < ls.n) {
            screen_put(r, 0, &ls.v[i], a->cols, 0, ROLE_NORMAL);
            if (hv.pattern[0])
                highlight(r, &ls.v[i], a->cols);
        } else {
            screen_blank(r, 0, a->cols, ROLE_NORMAL);
        }
    }
    lines_free(&ls);
    if (hv.searching) {
        line_add(&l, ROLE_KEY, "/", -1, false);
        line_add_raw(&l, ROLE_NORMAL, hv.pattern, -1, false);
        line_add(&l, ROLE_CURSOR, " ", -1, false);
        line_add(&l, ROLE_DIM, "  Enter find  Esc cancel", -1, false);
        screen_put(a->rows - 1, 0, &l, a->cols, 0, ROLE_NORMAL);
    } else {
        draw_status(a, a->rows - 1);
    }
    line_free(&l);
}

void tui_help_open(tui_app *a, tui_ctx first)
{
    memset(&hv, 0, sizeof hv);
    hv.first = first;
    tui_screen_push(a, &tui_help_screen);
}

void act_help(tui_app *a, int arg)
{
    (void)arg;
    /* Opened on the keys of the screen it is called from: the link view's, the dialog's... */
    const tui_screen *s = tui_screen_top(a);
    tui_help_open(a, s ? (s->ctx_now ? s->ctx_now(a) : s->ctx) : CTX_LIST);
}

const tui_screen tui_help_screen = {
    .name = "help",
    .ctx = CTX_HELP,
    .ctx_now = help_ctx_now,
    .settle = help_settle,
    .draw = help_draw,
    .step = help_move,
    .page = help_page,
    .text = help_text,
};
