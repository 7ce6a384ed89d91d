/* tui_confirm.c: the delete and disconnect dialogs, drawn over the overview: they name every
 * account and its connection (for several, first how many per connection and state), default
 * to No, take only `y` for one account and the typed count for several. */
#include "tui_app.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_screen.h"

/* The dialog's own state: what it would delete, and the digits typed so far. */
static struct {
    tui_confirm_kind kind;
    tui_target *t;
    size_t n;
    char *summary;     /* several: how many per connection and state (safe text) */
    char typed[16];
} cf;

/* The words of each kind of dialog. */
static const struct {
    const char *title, *verb, *nothing, *one_after, *several_after;
} words[] = {
    [TUI_CONFIRM_DELETE] = { "Delete", "delete", "nothing deleted", "This cannot be undone.",
                             "This cannot be undone." },
    [TUI_CONFIRM_DISCONNECT] = { "Disconnect", "disconnect", "nothing disconnected",
                                 "It stays, DISCONNECTED, until its user authorizes again.",
                                 "They stay, DISCONNECTED, until their users authorize again." },
};

void tui_confirm_open(tui_app *a, tui_confirm_kind kind, tui_target *t, size_t n)
{
    data_targets_free(cf.t, cf.n);
    free(cf.summary);
    cf.kind = kind;
    cf.t = t;
    cf.n = n;
    cf.summary = n > 1 ? bulk_summary(t, n) : NULL;
    cf.typed[0] = '\0';
    tui_screen_push(a, &tui_confirm_screen);
}

static void confirm_close(tui_app *a)
{
    (void)a;
    data_targets_free(cf.t, cf.n);
    free(cf.summary);
    cf.summary = NULL;
    cf.t = NULL;
    cf.n = 0;
    cf.typed[0] = '\0';
}

static void confirm_done(tui_app *a, bool go)
{
    if (go && cf.kind == TUI_CONFIRM_DISCONNECT)
        data_disconnect(a, cf.t, cf.n);
    else if (go)
        data_delete(a, cf.t, cf.n);
    else
        data_set_notice(a, "%s", words[cf.kind].nothing);
    tui_screen_close(a, &tui_confirm_screen);
}

void act_confirm_yes(tui_app *a, int arg)
{
    (void)arg;
    confirm_done(a, true);
}

void act_confirm_no(tui_app *a, int arg)
{
    (void)arg;
    confirm_done(a, false);
}

void act_confirm_count(tui_app *a, int arg)
{
    (void)arg;
    char want[16];
    snprintf(want, sizeof want, "%zu", cf.n);
    if (strcmp(cf.typed, want) == 0)
        confirm_done(a, true);
    else
        data_set_error(a, "type %s to %s %s accounts (Esc keeps them)", want,
                       words[cf.kind].verb, want);
}

void act_confirm_erase(tui_app *a, int arg)
{
    (void)a;
    (void)arg;
    size_t n = strlen(cf.typed);
    if (n)
        cf.typed[n - 1] = '\0';
}

/* Digits are the count being typed. */
static bool confirm_text(tui_app *a, int rc, wint_t wc)
{
    (void)a;
    if (cf.n < 2 || rc != OK || wc < '0' || wc > '9' || strlen(cf.typed) + 1 >= sizeof cf.typed)
        return false;
    size_t n = strlen(cf.typed);
    cf.typed[n] = (char)wc;
    cf.typed[n + 1] = '\0';
    return true;
}

static tui_ctx confirm_ctx(const tui_app *a)
{
    (void)a;
    return cf.n > 1 ? CTX_CONFIRM_COUNT : CTX_CONFIRM;
}

static void dialog_blank(int y, int x, int w)
{
    tui_line empty;
    line_init(&empty, true);
    screen_put(y, x, &empty, w, A_REVERSE, ROLE_DIALOG);
    line_free(&empty);
}

static void confirm_draw(const tui_app *a)
{
    tui_line line, *l = &line;
    line_init(l, a->utf8);
    int w = a->cols - 8 < 72 ? a->cols - 8 : 72;
    /* Several: the count per connection and state first, wrapped, at most a quarter of the
     * window (the last line says when groups were left out); then as many accounts as fit. */
    tui_lines sum;
    lines_init(&sum, a->utf8);
    if (cf.summary)
        lines_wrap(&sum, ROLE_DIALOG, cf.summary, w - 4, 2);
    size_t sum_max = (size_t)(a->rows / 4), sum_shown = sum.n < sum_max ? sum.n : sum_max;
    size_t list_max = (size_t)(a->rows - 12) > sum_shown ? (size_t)(a->rows - 12) - sum_shown : 1;
    size_t shown = cf.n < list_max ? cf.n : list_max;
    int h = (int)(shown + sum_shown) + 6 + (cf.n > shown ? 1 : 0);
    int x = (a->cols - w) / 2, y = (a->rows - h) / 2;
    int row = y;
    dialog_blank(row++, x, w);
    line_addf(l, ROLE_TITLE, "  %s %zu connected account%s?", words[cf.kind].title, cf.n,
              cf.n == 1 ? "" : "s");
    screen_put(row++, x, l, w, A_REVERSE, ROLE_DIALOG);
    line_reset(l);
    for (size_t i = 0; i < sum_shown; i++) {
        line_add(l, ROLE_DIALOG, "  ", -1, false);
        line_add(l, ROLE_DIALOG, line_text(&sum.v[i]), w - 4, false);
        if (i + 1 == sum_shown && sum.n > sum_shown)
            line_add(l, ROLE_DIALOG, " ...", -1, false);
        screen_put(row++, x, l, w, A_REVERSE, ROLE_DIALOG);
        line_reset(l);
    }
    lines_free(&sum);
    for (size_t i = 0; i < shown; i++) {
        line_add(l, ROLE_DIALOG, "    ", -1, false);
        line_add_raw(l, ROLE_DIALOG, cf.t[i].identifier, -1, false);
        line_add(l, ROLE_DIALOG, "  (connection ", -1, false);
        line_add_raw(l, ROLE_DIALOG, cf.t[i].connector, -1, false);
        line_add(l, ROLE_DIALOG, ")", -1, false);
        screen_put(row++, x, l, w, A_REVERSE, ROLE_DIALOG);
        line_reset(l);
    }
    if (cf.n > shown) {
        line_addf(l, ROLE_DIALOG, "    ... and %zu more", cf.n - shown);
        screen_put(row++, x, l, w, A_REVERSE, ROLE_DIALOG);
        line_reset(l);
    }
    dialog_blank(row++, x, w);
    line_add(l, ROLE_DIALOG, "  ", -1, false);
    line_add(l, ROLE_DIALOG, cf.n == 1 ? words[cf.kind].one_after : words[cf.kind].several_after,
             -1, false);
    screen_put(row++, x, l, w, A_REVERSE, ROLE_DIALOG);
    line_reset(l);
    if (cf.n == 1)
        line_addf(l, ROLE_DIALOG, "  y %s   n/Esc keep it (default: No)", words[cf.kind].verb);
    else
        line_addf(l, ROLE_DIALOG, "  Type %zu and press Enter to %s them; Esc keeps them: [%s]",
                  cf.n, words[cf.kind].verb, cf.typed);
    screen_put(row++, x, l, w, A_REVERSE, ROLE_DIALOG);
    line_reset(l);
    dialog_blank(row, x, w);
    line_free(l);
}

const tui_screen tui_confirm_screen = {
    .name = "confirm",
    .ctx = CTX_CONFIRM,
    .ctx_now = confirm_ctx,
    .draw = confirm_draw,
    .text = confirm_text,
    .close = confirm_close,
    .overlay = true,
};
