/* tui_confirm.c: the delete dialog, drawn over the overview: it names every account and its
 * connection, defaults to No, takes only `y` for one account and the typed count for several. */
#include "tui_app.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tui_screen.h"

/* The dialog's own state: what it would delete, and the digits typed so far. */
static struct {
    tui_target *t;
    size_t n;
    char typed[16];
} cf;

void tui_confirm_open(tui_app *a, tui_target *t, size_t n)
{
    data_targets_free(cf.t, cf.n);
    cf.t = t;
    cf.n = n;
    cf.typed[0] = '\0';
    tui_screen_push(a, &tui_confirm_screen);
}

static void confirm_close(tui_app *a)
{
    (void)a;
    data_targets_free(cf.t, cf.n);
    cf.t = NULL;
    cf.n = 0;
    cf.typed[0] = '\0';
}

static void confirm_done(tui_app *a, bool go)
{
    if (go)
        data_delete(a, cf.t, cf.n);
    else
        data_set_notice(a, "nothing deleted");
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
        data_set_error(a, "type %s to delete %s accounts (Esc keeps them)", want, want);
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
    size_t list_max = (size_t)(a->rows - 12);
    size_t shown = cf.n < list_max ? cf.n : list_max;
    int h = (int)shown + 6 + (cf.n > shown ? 1 : 0);
    int x = (a->cols - w) / 2, y = (a->rows - h) / 2;
    int row = y;
    dialog_blank(row++, x, w);
    line_addf(l, ROLE_TITLE, "  Delete %zu connected account%s?", cf.n, cf.n == 1 ? "" : "s");
    screen_put(row++, x, l, w, A_REVERSE, ROLE_DIALOG);
    line_reset(l);
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
    line_add(l, ROLE_DIALOG, "  This cannot be undone.", -1, false);
    screen_put(row++, x, l, w, A_REVERSE, ROLE_DIALOG);
    line_reset(l);
    if (cf.n == 1)
        line_add(l, ROLE_DIALOG, "  y delete   n/Esc keep it (default: No)", -1, false);
    else
        line_addf(l, ROLE_DIALOG, "  Type %zu and press Enter to delete them; Esc keeps them: [%s]",
                  cf.n, cf.typed);
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
