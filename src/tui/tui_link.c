/* tui_link.c: the link view: a fresh authorization link for each chosen account, as text, a
 * live expiry countdown, the QR code fitted to the window, and the account's state watched
 * (details polled every ~2 s) until it turns ACTIVE. */
#include "tui_app.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "link_message.h"
#include "sk_time.h"
#include "text.h"
#include "verify.h"
#include "tui_linkfit.h"
#include "tui_rows.h"
#include "tui_screen.h"

/* The view's own state: the accounts it goes through, and the current one's link. */
typedef struct tui_linkview {
    tui_target *t;
    size_t n, i;
    unsigned gen;             /* bumped per account/link so late answers are dropped */
    char *link;
    int64_t expiry;
    bool loading;             /* a link asked for (verify_link), no answer yet */
    sk_request *watch_req;
    long long next_watch_ms;  /* monotonic ms; 0 = not watching */
    char *status;             /* raw wire status last seen */
    bool active;
    char *error;
    char *manual;             /* the message, shown to select by hand when it cannot be copied */
    sk_qr qr;                 /* fitted code (width 0 when none) */
    linkfit fit;              /* where the code and the text go */
    bool fit_done;
    int fit_cols, fit_rows;   /* the window the fit was made for */
} tui_linkview;

static tui_linkview lv = { .gen = 1 };

typedef struct link_ticket {
    tui_app *app;
    unsigned gen;
    char id[64];
    char *ident, *conn;       /* for the journal */
} link_ticket;

static void lticket_free(link_ticket *t)
{
    free(t->ident);
    free(t->conn);
    free(t);
}

static link_ticket *lticket(tui_app *a)
{
    link_ticket *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->app = a;
    t->gen = lv.gen;
    snprintf(t->id, sizeof t->id, "%s", lv.t[lv.i].id);
    t->ident = strdup(lv.t[lv.i].identifier);
    t->conn = strdup(lv.t[lv.i].connector);
    return t;
}

static bool ticket_current(const link_ticket *t)
{
    return !t->app->closing && tui_screen_is_open(t->app, &tui_link_screen) && t->gen == lv.gen;
}

static void lv_reset_account(tui_linkview *v)
{
    free(v->link);
    free(v->status);
    free(v->error);
    free(v->manual);
    v->link = v->status = v->error = v->manual = NULL;
    v->expiry = SK_TIME_ABSENT;
    v->active = false;
    qr_free(&v->qr);
    memset(&v->qr, 0, sizeof v->qr);
    v->fit_done = false;
    memset(&v->fit, 0, sizeof v->fit);
}

static void cancel_requests(tui_app *a)
{
    /* Answers still on their way are dropped by the generation check. */
    lv.gen++;
    if (lv.watch_req)
        client_cancel(a->client, lv.watch_req);
    lv.watch_req = NULL;
    lv.loading = false;
}

/* ---------------------------------------------------------------- answers */

/* Why no link came, in the link view's words. A lost answer is never taken for a refusal:
 * what reading the account back showed is said. */
static char *link_failure_text(const tui_app *a, const sk_link_outcome *o)
{
    const char *why = verify_reason(&o->err);
    sk_buf b;
    buf_init(&b);
    if (o->outcome == SK_OUTCOME_NOT_DONE || !o->checked) {
        buf_printf(&b, "no link: %s", why);
    } else {
        buf_printf(&b, "no link was received (the answer was lost: %s); ", why);
        if (o->account_found) {
            char label[128];
            rows_state_label(o->state, o->status, a->utf8, label, sizeof label);
            buf_printf(&b, "the account %s is %s", o->account, label);
        } else if (o->account_gone) {
            buf_printf(&b, "the account %s no longer exists", o->account);
        } else {
            buf_printf(&b, "the state of the account %s is unknown too (%s)", o->account,
                       verify_reason(&o->check_err));
        }
    }
    return b.s;
}

/* verify_link: a lost answer is never taken for a link or for a refusal; the account is read
 * back and the view says no link was received and what state the account is in. */
static void link_done(void *ud, const sk_link_outcome *o)
{
    link_ticket *t = ud;
    tui_app *a = t->app;
    /* Every link issued is journalled, also one whose view was left before it came. */
    char result[640];
    verify_link_journal(o, result, sizeof result);
    data_journal(a, "link", t->id, t->ident, t->conn, result);
    if (ticket_current(t)) {
        lv.loading = false;
        free(lv.error);
        lv.error = NULL;
        if (o->outcome == SK_OUTCOME_DONE && o->link) {
            free(lv.link);
            lv.link = strdup(o->link);
            lv.expiry = o->expiry;
            lv.fit_done = false;
            a->error[0] = '\0';
        } else if (o->err.status != SK_ERR_CANCELLED) {
            lv.error = link_failure_text(a, o);
            if (o->checked && o->account_found && o->status[0]) {
                free(lv.status);
                lv.status = strdup(o->status);
            }
            data_set_error(a, "link for %s: %s", lv.t[lv.i].identifier,
                           lv.error ? lv.error : verify_reason(&o->err));
        }
        if (a->print_pending && lv.link) {
            free(a->print_link);
            a->print_link = strdup(lv.link);
            a->print_expiry = lv.expiry;
            a->quit = true;
        }
        tui_draw_now(a);   /* the link asked for */
    }
    lticket_free(t);
}

static void watch_done(void *ud, const sk_account_detail *d, const sk_error *err)
{
    link_ticket *t = ud;
    tui_app *a = t->app;
    if (ticket_current(t)) {
        lv.watch_req = NULL;
        if (err->status == SK_OK && d) {
            const char *st = d->a.status ? d->a.status : "";
            if (!lv.status || strcmp(lv.status, st) != 0) {
                free(lv.status);
                lv.status = strdup(st);
            }
            /* The whole row as the server has it now (state, token expiry, last use...),
             * shown in the list without a refresh. */
            sk_account fresh = d->a;
            fresh.id = t->id;   /* the account asked for, whatever the answer leaves out */
            if (store_refresh_row(a->store, &fresh))
                a->view_dirty = true;
            lv.active = d->a.state == SK_STATE_ACTIVE;
            if (lv.active)
                data_set_notice(a, "%s is ACTIVE: authorization complete", lv.t[lv.i].identifier);
        } else if (err->status != SK_ERR_CANCELLED) {
            data_set_error(a, "watching %s: %s", lv.t[lv.i].identifier, err->message);
        }
        lv.next_watch_ms = lv.active ? 0 : tui_now_ms() + TUI_WATCH_MS;
        tui_draw_now(a);   /* the state watched: ACTIVE shows at once */
    }
    lticket_free(t);
}

/* ---------------------------------------------------------------- requests */

static void link_request(tui_app *a)
{
    if (!tui_screen_is_open(a, &tui_link_screen) || lv.n == 0)
        return;
    cancel_requests(a);
    lv_reset_account(&lv);
    sk_row r = store_find(a->store, lv.t[lv.i].id);
    if (r != SK_ROW_NONE) {
        sk_account acc;
        store_get(a->store, r, &acc);
        lv.status = acc.status ? strdup(acc.status) : NULL;
        lv.active = acc.state == SK_STATE_ACTIVE;
    }
    link_ticket *t = lticket(a);
    if (!t)
        return;
    lv.loading = true;
    sk_selector sel = { .id = lv.t[lv.i].id };
    /* No handle to cancel: an answer for an account no longer shown is dropped by the
     * generation check. */
    verify_link(a->client, &sel, link_done, t);
    /* Watch even an ACTIVE account: a new link may be used again. */
    lv.next_watch_ms = tui_now_ms() + TUI_WATCH_MS;
    a->dirty = true;
}

static void link_watch_tick(tui_app *a, long long now_ms)
{
    if (!lv.next_watch_ms || now_ms < lv.next_watch_ms ||
        lv.watch_req || lv.n == 0)
        return;
    link_ticket *t = lticket(a);
    if (!t)
        return;
    lv.next_watch_ms = 0;   /* re-armed by the answer */
    sk_selector sel = { .id = lv.t[lv.i].id };
    lv.watch_req = api_get_account(a->client, &sel, watch_done, t);
}

/* The seconds of the countdown, then the next look at the account's state. */
static long long link_due(const tui_app *a, long long now)
{
    (void)a;
    long long due = (now / 1000 + 1) * 1000;
    if (lv.next_watch_ms && lv.next_watch_ms < due)
        due = lv.next_watch_ms;
    return due;
}

static void link_tick(tui_app *a, long long now)
{
    static int64_t last_sec;
    int64_t sec = time_now();
    if (sec != last_sec) {
        last_sec = sec;
        a->dirty = true;
    }
    link_watch_tick(a, now);
}

void tui_link_open(tui_app *a, tui_target *t, size_t n)
{
    tui_screen_close(a, &tui_link_screen);
    lv.t = t;
    lv.n = n;
    lv.i = 0;
    tui_screen_push(a, &tui_link_screen);
    link_request(a);
}

static void link_close(tui_app *a)
{
    cancel_requests(a);
    lv_reset_account(&lv);
    data_targets_free(lv.t, lv.n);
    lv.t = NULL;
    lv.n = lv.i = 0;
    lv.next_watch_ms = 0;
}

const char *tui_link_current(int64_t *expiry)
{
    if (expiry)
        *expiry = lv.expiry;
    return lv.link;
}

void act_link_close(tui_app *a, int arg)
{
    (void)arg;
    tui_screen_close(a, &tui_link_screen);
    a->print_pending = false;
}

void act_link_new(tui_app *a, int arg)
{
    (void)arg;
    link_request(a);
}

void act_link_move(tui_app *a, int delta)
{
    if (lv.n < 2)
        return;
    lv.i = (size_t)((long)lv.i + (long)lv.n + delta) % lv.n;
    link_request(a);
}

void act_link_copy(tui_app *a, int arg)
{
    (void)arg;
    if (lv.link)
        tui_clipboard(a, lv.link, "the link");
}

void act_link_message(tui_app *a, int arg)
{
    (void)arg;
    if (!lv.link)
        return;
    /* The profile's `message = ...` template, or the built-in text when it gives none. */
    char *msg = link_message(lv.t[lv.i].identifier, lv.t[lv.i].connector, lv.link, lv.expiry,
                             time_now(), a->cfg->message);
    if (!msg) {
        data_set_error(a, "out of memory");
        return;
    }
    if (!tui_clipboard(a, msg, "the message")) {
        free(lv.manual);   /* shown under the link instead, to select by hand */
        lv.manual = msg;
        msg = NULL;
        a->dirty = true;
    }
    free(msg);
}

bool link_has_several(const tui_app *a, int ctx)
{
    (void)a;
    (void)ctx;
    return lv.n > 1;
}

/* ---------------------------------------------------------------- drawing */

static void put_line(int y, int x, int w, tui_line *l)
{
    screen_put(y, x, l, w, 0, ROLE_NORMAL);
    line_reset(l);
}

/* The text block: title, account row, state, countdown, the link wrapped. Returns rows used. */
static int draw_text(const tui_app *a, int x, int y, int w, int max_rows)
{
    const tui_target *tg = &lv.t[lv.i];
    tui_line l;
    line_init(&l, a->utf8);
    int row = 0;
    line_add(&l, ROLE_TITLE, "Authorization link", -1, false);
    if (lv.n > 1)
        line_addf(&l, ROLE_DIM, "  %zu/%zu (n/N)", lv.i + 1, lv.n);
    put_line(y + row++, x, w, &l);

    /* A link attaches whoever opens it and consents: whom it is for, in the core's words. */
    char *who = link_recipient(tg->identifier, tg->connector);   /* made safe there */
    /* Wrapped rather than cut ("send it to that person only" matters most) when the rows
     * left beside the code allow; else cut like any line. */
    int spare = max_rows - linkfit_text_rows(lv.link ? lv.link : "", w);
    if (who && text_width(who) > w && spare > 0) {
        tui_lines ls;
        lines_init(&ls, a->utf8);
        lines_wrap(&ls, ROLE_NORMAL, who, w, 2);
        for (size_t i = 0; i < ls.n && (int)i <= spare; i++)
            screen_put(y + row++, x, &ls.v[i], w, 0, ROLE_NORMAL);
        lines_free(&ls);
    } else {
        line_add(&l, ROLE_NORMAL, who ? who : "", -1, false);
        put_line(y + row++, x, w, &l);
    }
    free(who);

    char label[96];
    sk_state st = state_from_wire(lv.status);
    rows_state_label(st, lv.status, a->utf8, label, sizeof label);
    line_add(&l, ROLE_DIM, "State: ", -1, false);
    line_add_raw(&l, rows_state_role(st), label, -1, false);
    line_add(&l, ROLE_DIM, lv.active ? "  authorized" : "  watching...", -1, false);
    put_line(y + row++, x, w, &l);

    char cd[32], abs[40];
    time_countdown(lv.expiry, time_now(), cd, sizeof cd);
    time_rfc3339(lv.expiry, abs, sizeof abs);
    if (lv.loading)
        line_add(&l, ROLE_DIM, "Requesting a link...", -1, false);
    else if (!lv.link)
        line_add(&l, ROLE_ERROR_MSG, "No link", -1, false);
    else if (*abs && lv.expiry <= time_now())   /* as `skdash link` says it (verify.h) */
        line_addf(&l, ROLE_ERROR_MSG, "Expired (%s): no code drawn", abs);
    else if (*abs)
        line_addf(&l, ROLE_NORMAL, "Expires in %s (%s)", cd, abs);
    else
        line_add(&l, ROLE_DIM, "No expiry given", -1, false);
    put_line(y + row++, x, w, &l);
    if (!lv.link && !lv.loading && lv.error) {
        /* Why there is none (already made safe by verify): wrapped, never cut off. */
        tui_lines ls;
        lines_init(&ls, a->utf8);
        lines_wrap(&ls, ROLE_ERROR_MSG, lv.error, w, 2);
        for (size_t i = 0; i < ls.n && row < max_rows; i++)
            screen_put(y + row++, x, &ls.v[i], w, 0, ROLE_NORMAL);
        lines_free(&ls);
    }
    row++;
    line_add(&l, ROLE_DIM, "Link:", -1, false);
    put_line(y + row++, x, w, &l);
    if (lv.link) {
        /* Wrapped by columns, not at spaces, so it pastes back whole. */
        char *safe = text_sanitize_dup(lv.link);
        const char *p = safe ? safe : "";
        while (*p && row < max_rows) {
            size_t n = text_take(p, w, false);
            char *piece = strndup(p, n);
            line_add(&l, ROLE_KEY, piece ? piece : "", -1, false);
            free(piece);
            put_line(y + row++, x, w, &l);
            p += n;
        }
        free(safe);
    }
    if (lv.manual && row + 2 < max_rows) {
        row++;
        line_add(&l, ROLE_DIM, "Message (copying is not possible here: select it by hand):", -1, false);
        put_line(y + row++, x, w, &l);
        tui_lines ls;
        lines_init(&ls, a->utf8);
        lines_wrap(&ls, ROLE_NORMAL, lv.manual, w, 0);
        for (size_t i = 0; i < ls.n && row < max_rows; i++)
            screen_put(y + row++, x, &ls.v[i], w, 0, ROLE_NORMAL);
        lines_free(&ls);
    }
    line_free(&l);
    return row;
}

static void draw_qr(const tui_app *a, const linkfit *f)
{
    char *txt = qr_render(&lv.qr, f->quiet, a->utf8 ? SK_QR_HALF_BLOCKS : SK_QR_TWO_CHAR);
    if (!txt)
        return;
    int y = f->qr_y;
    for (char *line = txt, *nl; line && *line; line = nl ? nl + 1 : NULL, y++) {
        nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        screen_text(y, f->qr_x, ROLE_QR, line, f->qr_cols);
    }
    free(txt);
}

/* The code is fitted to the window when the link or the window changed, not while drawing. */
static void link_settle(tui_app *a)
{
    int rows = a->rows - 1, cols = a->cols;
    if (!lv.n || (lv.fit_done && lv.fit_cols == cols && lv.fit_rows == rows))
        return;
    sk_qr_style style = a->utf8 ? SK_QR_HALF_BLOCKS : SK_QR_TWO_CHAR;
    qr_free(&lv.qr);
    linkfit_compute(lv.link, cols, rows, style, &lv.qr, &lv.fit);
    lv.fit_done = true;
    lv.fit_cols = cols;
    lv.fit_rows = rows;
}

static void link_body(const tui_app *a)
{
    int rows = a->rows - 1, cols = a->cols;
    for (int y = 0; y < rows; y++)
        screen_blank(y, 0, cols, ROLE_NORMAL);
    if (!lv.n)
        return;
    const linkfit *f = &lv.fit;
    /* A message to select by hand needs rows the text block stacked over the code lacks:
     * then the text takes the window (the link works as text). */
    if (f->fits && (f->side || !lv.manual)) {
        draw_text(a, f->text_x, f->text_y, f->text_w, f->text_rows);
        if (lv.expiry == SK_TIME_ABSENT || lv.expiry > time_now())
            draw_qr(a, f);   /* an expired link is never offered to scan */
        return;
    }
    int used = draw_text(a, 0, 0, cols, rows);
    if (lv.link && !f->fits && used + 2 < rows) {
        screen_text(used + 1, 0, ROLE_ERROR_MSG,
                    "The QR code does not fit: enlarge the window to see it (the link above works as text).",
                    cols);
    }
}

static void link_draw(const tui_app *a)
{
    link_body(a);
    if (draw_status_busy(a))
        draw_status(a, a->rows - 1);
    else
        draw_hints(a, CTX_LINK, a->rows - 1);
}

const tui_screen tui_link_screen = {
    .name = "link",
    .ctx = CTX_LINK,
    .settle = link_settle,
    .draw = link_draw,
    .close = link_close,
    .due = link_due,
    .tick = link_tick,
};
