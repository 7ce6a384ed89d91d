/* verify.c: delete and link with their outcome checked: when an answer is lost, the account is
 * read back by id before anything is reported, so no outcome is ever a guess. */
#include "verify.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "buf.h"
#include "sk_time.h"
#include "text.h"

/* One operation in flight: its selector (copied), whom to tell, and the first answer. */
typedef struct vop {
    sk_client *c;
    char *id, *connector, *identifier;
    char shown[160];          /* the account named safely for messages */
    verify_delete_fn dcb;
    verify_link_fn lcb;
    void *ud;
    sk_error err;
    bool *check_ran;          /* set while the read-back is being queued (see vop_check) */
} vop;

bool verify_answer_uncertain(const sk_error *err)
{
    switch (err->status) {
    case SK_OK:
    case SK_ERR_USAGE:
    case SK_ERR_CONFIG:
    case SK_ERR_NOMEM:
        return false;
    case SK_ERR_NETWORK:
    case SK_ERR_PARSE:
    case SK_ERR_CANCELLED:
        return true;
    default:
        /* A definite 4xx answer means the request was refused as a whole. */
        return !(err->http_status >= 400 && err->http_status < 500 &&
                 err->http_status != 408 && err->http_status != 429);
    }
}


const char *verify_reason(const sk_error *e)
{
    return e->message[0] ? e->message : sk_status_name(e->status);
}

static vop *vop_new(sk_client *c, const sk_selector *sel)
{
    vop *op = calloc(1, sizeof *op);
    if (!op)
        return NULL;
    op->c = c;
    if (sel->id && *sel->id)
        op->id = strdup(sel->id);
    if (sel->connector)
        op->connector = strdup(sel->connector);
    if (sel->identifier)
        op->identifier = strdup(sel->identifier);
    char raw[sizeof op->shown];
    if (op->id)
        snprintf(raw, sizeof raw, "%s", op->id);
    else
        snprintf(raw, sizeof raw, "%s %s", sel->connector ? sel->connector : "",
                 sel->identifier ? sel->identifier : "");
    text_safe_format(op->shown, sizeof op->shown, "%s", raw);
    sk_error_clear(&op->err);
    return op;
}

static void vop_free(vop *op)
{
    free(op->id);
    free(op->connector);
    free(op->identifier);
    free(op);
}

static sk_selector vop_selector(const vop *op)
{
    sk_selector s = { .id = op->id, .connector = op->connector, .identifier = op->identifier };
    return s;
}

/* Reads the account back, then `checked` runs exactly once. api_get_account returns NULL when
 * the read cannot be queued (the client closing or cancelling, no memory); in most such cases
 * it has run the callback already, but not in all (no memory for the call itself), so whether
 * it ran is tracked here: if not, the check counts as failed and the outcome is UNKNOWN. */
static void vop_check(vop *op, api_detail_fn checked)
{
    bool ran = false;
    op->check_ran = &ran;
    sk_selector sel = vop_selector(op);
    sk_request *rq = api_get_account(op->c, &sel, checked, op);
    if (ran)
        return;                   /* op is gone: the callback finished it */
    op->check_ran = NULL;
    if (rq)
        return;                   /* queued: runs from client_step */
    sk_error cerr;
    sk_error_clear(&cerr);
    sk_error_set(&cerr, SK_ERR_CANCELLED, "the check could not be sent");
    checked(op, NULL, &cerr);
}

/* ---------------------------------------------------------------- delete */

static void delete_outcome_init(sk_delete_outcome *o, const vop *op)
{
    memset(o, 0, sizeof *o);
    sk_error_clear(&o->err);
    sk_error_clear(&o->check_err);
    if (op)
        snprintf(o->account, sizeof o->account, "%s", op->shown);
}

static void delete_finish(vop *op, sk_delete_outcome *o)
{
    o->err = op->err;
    op->dcb(op->ud, o);
    vop_free(op);
}

static void delete_checked(void *ud, const sk_account_detail *d, const sk_error *cerr)
{
    vop *op = ud;
    if (op->check_ran)
        *op->check_ran = true;
    sk_delete_outcome o;
    delete_outcome_init(&o, op);
    o.checked = true;
    bool was_404 = op->err.status == SK_ERR_NOT_FOUND;
    if (cerr->status == SK_ERR_NOT_FOUND) {
        o.outcome = SK_OUTCOME_DONE;
        o.how = was_404 ? SK_CONFIRM_READ_BACK_404 : SK_CONFIRM_READ_BACK;
    } else if (cerr->status == SK_OK && d) {
        o.outcome = SK_OUTCOME_NOT_DONE;
        o.how = was_404 ? SK_CONFIRM_READ_BACK_404 : SK_CONFIRM_READ_BACK;
    } else {
        o.outcome = SK_OUTCOME_UNKNOWN;
        o.how = SK_CONFIRM_CHECK_FAILED;
        o.check_err = *cerr;
    }
    delete_finish(op, &o);
}

static void delete_answered(void *ud, const sk_error *err)
{
    vop *op = ud;
    op->err = *err;
    if (err->status != SK_OK &&
        (err->status == SK_ERR_NOT_FOUND || verify_answer_uncertain(err)) && op->id) {
        vop_check(op, delete_checked);   /* runs delete_checked once */
        return;
    }
    sk_delete_outcome o;
    delete_outcome_init(&o, op);
    o.how = SK_CONFIRM_ANSWER;
    o.outcome = err->status == SK_OK ? SK_OUTCOME_DONE : SK_OUTCOME_NOT_DONE;
    delete_finish(op, &o);
}

static void delete_refused(const char *id, const char *msg, verify_delete_fn cb, void *ud)
{
    sk_delete_outcome o;
    delete_outcome_init(&o, NULL);
    if (id)
        text_safe_format(o.account, sizeof o.account, "%s", id);
    o.outcome = SK_OUTCOME_NOT_DONE;
    o.how = SK_CONFIRM_NOT_SENT;
    sk_error_set(&o.err, id ? SK_ERR_NOMEM : SK_ERR_USAGE, "%s", msg);
    cb(ud, &o);
}

void verify_delete_journal(const sk_delete_outcome *o, char *buf, size_t n)
{
    const char *why = verify_reason(&o->err);
    bool read_back = o->how == SK_CONFIRM_READ_BACK || o->how == SK_CONFIRM_READ_BACK_404;
    switch (o->outcome) {
    case SK_OUTCOME_DONE:
        if (o->how == SK_CONFIRM_READ_BACK_404)
            snprintf(buf, n, "ok: answered not found, confirmed gone");
        else if (o->how == SK_CONFIRM_READ_BACK)
            text_safe_format(buf, n, "ok: confirmed gone after the answer was lost: %s", why);
        else
            snprintf(buf, n, "ok");
        break;
    case SK_OUTCOME_NOT_DONE:
        text_safe_format(buf, n, "failed: %s%s", why, read_back ? " (still there)" : "");
        break;
    default:
        text_safe_format(buf, n, "unknown: answer lost (%s); check failed (%s)", why,
                    verify_reason(&o->check_err));
        break;
    }
}

void verify_delete(sk_client *c, const char *account_id, verify_delete_fn cb, void *ud)
{
    if (!account_id || !*account_id) {
        delete_refused(NULL, "a delete needs the account's id", cb, ud);
        return;
    }
    sk_selector sel = { .id = account_id };
    vop *op = vop_new(c, &sel);
    if (!op || !op->id) {
        if (op)
            vop_free(op);
        delete_refused(account_id, "out of memory", cb, ud);
        return;
    }
    op->dcb = cb;
    op->ud = ud;
    api_delete_account(c, &sel, delete_answered, op);   /* runs delete_answered once */
}

/* ---------------------------------------------------------------- link */

static void link_finish(vop *op, sk_link_outcome *o)
{
    o->err = op->err;
    op->lcb(op->ud, o);
    free(o->link);
    vop_free(op);
}

static void link_outcome_init(sk_link_outcome *o, const vop *op)
{
    memset(o, 0, sizeof *o);
    o->expiry = SK_TIME_ABSENT;
    o->state = SK_STATE_ERROR;
    sk_error_clear(&o->err);
    sk_error_clear(&o->check_err);
    if (op)
        snprintf(o->account, sizeof o->account, "%s", op->shown);
}

static void link_checked(void *ud, const sk_account_detail *d, const sk_error *cerr)
{
    vop *op = ud;
    if (op->check_ran)
        *op->check_ran = true;
    sk_link_outcome o;
    link_outcome_init(&o, op);
    o.outcome = SK_OUTCOME_UNKNOWN;
    o.checked = true;
    o.how = SK_CONFIRM_READ_BACK;
    if (cerr->status == SK_OK && d) {
        o.account_found = true;
        o.state = d->a.state;
        text_safe_format(o.status, sizeof o.status, "%s", d->a.status ? d->a.status : "");
    } else if (cerr->status == SK_ERR_NOT_FOUND) {
        o.account_gone = true;
    } else {
        o.how = SK_CONFIRM_CHECK_FAILED;
        o.check_err = *cerr;
    }
    link_finish(op, &o);
}

static bool host_is_loopback(const char *h, size_t n)
{
    static const char *const loop[] = { "127.0.0.1", "localhost", "[::1]" };
    for (size_t i = 0; i < sizeof loop / sizeof loop[0]; i++)
        if (strlen(loop[i]) == n && strncasecmp(h, loop[i], n) == 0)
            return true;
    return false;
}

bool verify_link_usable(const char *link, char *why, size_t n)
{
    const char *msg = NULL;
    size_t len = link ? strlen(link) : 0;
    for (size_t i = 0; i < len && !msg; i++) {
        unsigned char c = (unsigned char)link[i];
        if (c <= 0x20 || c >= 0x7f)   /* controls, spaces; a URL is ASCII (%-encoded) */
            msg = "the server sent a link with spaces, control or non-ASCII characters";
    }
    if (!msg) {
        bool https = len > 8 && strncasecmp(link, "https://", 8) == 0;
        bool http = !https && len > 7 && strncasecmp(link, "http://", 7) == 0;
        const char *host = link ? link + (https ? 8 : 7) : NULL;
        size_t hn = host ? strcspn(host, "/?#") : 0;
        const char *at = host ? memchr(host, '@', hn) : NULL;
        if (!https && !http)
            msg = "the server sent a link that is not an https:// URL";
        else if (at)
            msg = "the server sent a link with credentials in it";
        else if (hn == 0 || host[0] == ':')
            msg = "the server sent a link without a host";
        else if (http) {
            /* skemu serves http on 127.0.0.1: plain http is accepted there and only there */
            size_t name = host[0] == '[' ? strcspn(host, "]") + 1 : strcspn(host, ":/?#");
            if (name > hn || !host_is_loopback(host, name))
                msg = "the server sent an http:// link (only https:// is safe to open)";
        }
    }
    if (msg && why && n)
        snprintf(why, n, "%s", msg);
    return !msg;
}

static void link_answered(void *ud, const sk_link *l, const sk_error *err)
{
    vop *op = ud;
    op->err = *err;
    sk_link_outcome o;
    link_outcome_init(&o, op);
    o.how = SK_CONFIRM_ANSWER;
    char why[128];
    if (err->status == SK_OK && l && l->link && *l->link && !verify_link_usable(l->link, why,
                                                                               sizeof why)) {
        /* A definite answer, and not a link: nothing to show, to encode or to journal as ok. */
        sk_error_set(&op->err, SK_ERR_PARSE, "%s", why);
        o.outcome = SK_OUTCOME_NOT_DONE;
        link_finish(op, &o);
        return;
    }
    if (err->status == SK_OK && l && l->link && *l->link) {
        o.outcome = SK_OUTCOME_DONE;
        o.link = strdup(l->link);
        o.expiry = l->expiry;
        o.no_expiry = l->expiry == SK_TIME_ABSENT;
        o.expired = !o.no_expiry && l->expiry <= time_now();
        if (!o.link) {
            /* The link came but cannot be kept: it is lost all the same. */
            sk_error_set(&op->err, SK_ERR_NOMEM, "out of memory keeping the link");
            o.outcome = SK_OUTCOME_UNKNOWN;
        }
        link_finish(op, &o);
        return;
    }
    if (err->status == SK_OK) {   /* a 200 without a link: the link is lost all the same */
        sk_error_set(&op->err, SK_ERR_PARSE, "the answer held no link");
        err = &op->err;
    }
    if (verify_answer_uncertain(err)) {
        vop_check(op, link_checked);   /* runs link_checked once */
        return;
    }
    o.outcome = SK_OUTCOME_NOT_DONE;
    link_finish(op, &o);
}

void verify_link(sk_client *c, const sk_selector *sel, verify_link_fn cb, void *ud)
{
    vop *op = sel ? vop_new(c, sel) : NULL;
    if (!op) {
        sk_link_outcome o;
        link_outcome_init(&o, NULL);
        o.outcome = SK_OUTCOME_NOT_DONE;
        o.how = SK_CONFIRM_NOT_SENT;
        sk_error_set(&o.err, sel ? SK_ERR_NOMEM : SK_ERR_USAGE, "%s",
                     sel ? "out of memory" : "no account named");
        cb(ud, &o);
        return;
    }
    op->lcb = cb;
    op->ud = ud;
    sk_selector s = vop_selector(op);
    api_magic_link(c, &s, link_answered, op);   /* runs link_answered once */
}

void verify_link_journal(const sk_link_outcome *o, char *buf, size_t n)
{
    const char *why = verify_reason(&o->err);
    if (o->outcome == SK_OUTCOME_DONE && o->expired) {
        char when[40];
        time_rfc3339(o->expiry, when, sizeof when);
        snprintf(buf, n, "failed: the link had already expired (%s)", when);
    } else if (o->outcome == SK_OUTCOME_DONE && o->no_expiry) {
        snprintf(buf, n, "unknown: a link came with no expiry given");
    } else if (o->outcome == SK_OUTCOME_DONE) {
        snprintf(buf, n, "ok");
    } else if (o->outcome == SK_OUTCOME_NOT_DONE) {
        text_safe_format(buf, n, "failed: %s", why);
    } else if (o->account_found) {
        /* The journal's own form of the state, kept as it always was (a file format). */
        text_safe_format(buf, n, "unknown: no link received (%s); account %s%s%s%s", why,
                    state_name(o->state), o->status[0] ? " (" : "", o->status,
                    o->status[0] ? ")" : "");
    } else if (o->account_gone) {
        text_safe_format(buf, n, "unknown: no link received (%s); account gone", why);
    } else if (o->how == SK_CONFIRM_CHECK_FAILED) {
        text_safe_format(buf, n, "unknown: no link received (%s); check failed (%s)", why,
                    verify_reason(&o->check_err));
    } else {
        text_safe_format(buf, n, "unknown: %s", why);
    }
}

void verify_link_outcome_free(sk_link_outcome *o)
{
    free(o->link);
    o->link = NULL;
}

/* ---------------------------------------------------------------- run to completion */

typedef struct vsync {
    bool done;
    sk_delete_outcome *d;
    sk_link_outcome *l;
} vsync;

static void sync_delete_cb(void *ud, const sk_delete_outcome *o)
{
    vsync *w = ud;
    *w->d = *o;
    w->done = true;
}

static void sync_link_cb(void *ud, const sk_link_outcome *o)
{
    vsync *w = ud;
    *w->l = *o;
    w->l->link = o->link ? strdup(o->link) : NULL;
    if (o->link && !w->l->link) {
        w->l->outcome = SK_OUTCOME_UNKNOWN;
        sk_error_set(&w->l->err, SK_ERR_NOMEM, "out of memory keeping the link");
    }
    w->done = true;
}

static void sync_run(sk_client *c, vsync *w)
{
    while (!w->done) {
        client_step(c);
        if (w->done)
            break;
        client_wait(c, NULL, 0, -1);
    }
}

void verify_delete_sync(sk_client *c, const char *account_id, sk_delete_outcome *out)
{
    vsync w = { .d = out };
    verify_delete(c, account_id, sync_delete_cb, &w);
    sync_run(c, &w);
}

void verify_link_sync(sk_client *c, const sk_selector *sel, sk_link_outcome *out)
{
    vsync w = { .l = out };
    verify_link(c, sel, sync_link_cb, &w);
    sync_run(c, &w);
}
