/* tui_bulk.c: work on many accounts at once in the dashboard: the dialogs' count per
 * connection and state ("33 accounts: 33 REVOKED in zendesk", worded by the core's bulk.h), one
 * result line for a batch of deletes or disconnects ("deleted 31 of 33; not deleted: ...") once
 * all have answered, and disconnect itself. */
#include "tui_app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "bulk.h"
#include "buf.h"
#include "text.h"
#include "verify.h"

/* The words are the core's (bulk.h), so `skdash delete` asks the same way. */
char *bulk_summary(const tui_target *t, size_t n)
{
    sk_tally *tl = tally_new();
    bool ok = tl != NULL;
    for (size_t i = 0; ok && i < n; i++)
        ok = tally_add(tl, t[i].connector, t[i].state);
    sk_buf b;
    buf_init(&b);
    ok = ok && tally_words(tl, &b);
    tally_free(tl);
    if (!ok) {
        buf_free(&b);
        return NULL;
    }
    return b.s;
}

/* ---------------------------------------------------------------- a batch's result line */

tui_batch *batch_new(tui_app *a, const char *verb, const char *failed_word, size_t n)
{
    tui_batch *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->app = a;
    b->verb = verb;
    b->failed_word = failed_word;
    b->n = n;
    return b;
}

static void batch_free(tui_batch *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n_failures; i++)
        free(b->failures[i]);
    free(b->failures);
    free(b);
}

static int str_cmp(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* One account has answered. `failure` (NULL: it went through) names it and why; it is made
 * safe with the rest of the line. The last answer words the whole batch (the failures in
 * order of their names, whatever order they answered in) and frees it. */
void batch_answered(tui_batch *b, const char *failure)
{
    if (!b)
        return;
    b->answered++;
    if (!failure) {
        b->ok++;
    } else {
        b->failed++;
        char **v = realloc(b->failures, b->failed * sizeof *v);
        if (v) {
            b->failures = v;
            v[b->n_failures] = strdup(failure);
            b->n_failures += v[b->n_failures] != NULL;
        }
    }
    tui_app *a = b->app;
    if (b->answered < b->n) {
        if (!a->closing && b->failed)
            data_set_notice(a, "%s %zu of %zu so far, %zu failed", b->verb, b->ok, b->n,
                            b->failed);
        else if (!a->closing)
            data_set_notice(a, "%s %zu of %zu so far", b->verb, b->ok, b->n);
        return;
    }
    if (!a->closing && !b->failed) {
        data_set_notice(a, "%s %zu of %zu", b->verb, b->ok, b->n);
    } else if (!a->closing) {
        qsort(b->failures, b->n_failures, sizeof *b->failures, str_cmp);
        sk_buf t;
        buf_init(&t);
        for (size_t i = 0; i < b->n_failures && i < 3; i++)
            buf_printf(&t, "%s%s", i ? "; " : "", b->failures[i]);
        if (b->failed > 3)
            buf_printf(&t, "; and %zu more (J shows them)", b->failed - 3);
        data_set_error(a, "%s %zu of %zu; %s: %s", b->verb, b->ok, b->n, b->failed_word,
                       t.s ? t.s : "");
        buf_free(&t);
    }
    batch_free(b);
}

/* ---------------------------------------------------------------- disconnect */

/* A disconnect run: the first account alone (an environment that does not offer disconnect
 * answers 404 or 501, and then nothing else is sent), then the rest side by side (the client
 * bounds how many are on the wire). */
typedef struct dc_ticket {
    struct dc_run *run;
    size_t i;
} dc_ticket;

typedef struct dc_run {
    tui_app *app;
    tui_target *t;
    dc_ticket *k;        /* one per account */
    size_t n;
    tui_batch *batch;    /* several: one result line */
    bool rest_sent;
} dc_run;

static void dc_send(dc_run *r, size_t i);

static void dc_run_free(dc_run *r)
{
    data_targets_free(r->t, r->n);
    free(r->k);
    free(r);
}

static void dc_done(void *ud, const sk_account_detail *d, const sk_error *err)
{
    dc_ticket *k = ud;
    dc_run *r = k->run;
    tui_app *a = r->app;
    const tui_target *t = &r->t[k->i];
    size_t i = k->i;
    char label[400], result[640];
    snprintf(label, sizeof label, "%s (%s)", t->identifier, t->connector);
    bool ok = err->status == SK_OK;
    bool not_offered = !ok && api_not_offered(err);
    if (ok)
        snprintf(result, sizeof result, "ok");
    else if (not_offered)
        snprintf(result, sizeof result, "failed: this environment does not offer disconnect "
                 "(HTTP %ld)", err->http_status);
    else
        snprintf(result, sizeof result, "%s: %s",
                 verify_answer_uncertain(err) ? "unknown" : "failed", verify_reason(err));
    /* Every disconnect sent is journaled, even one still going when the dashboard closes. */
    data_journal(a, "disconnect", t->id, t->identifier, t->connector, result);
    if (ok && !a->closing) {
        /* The record stays: the row shows what the server now says (DISCONNECTED). */
        data_cache_settle(a);   /* the rest of the cache cannot undo it */
        store_set_status(a->store, t->id, d && d->a.status ? d->a.status : "DISCONNECTED");
        a->view_dirty = a->dirty = true;
        data_cache_touched(a);
    }
    if (not_offered && !r->rest_sent) {
        /* Nothing was changed, and nothing more is sent. */
        if (!a->closing)
            data_set_error(a, "this environment does not offer disconnect");   /* (HTTP 404 or
                                                          501: the journal says which) */
        batch_free(r->batch);
        dc_run_free(r);
        return;
    }
    if (!r->batch) {   /* one account */
        if (a->closing)
            ;
        else if (ok)
            data_set_notice(a, "disconnected %s", label);
        else
            data_set_error(a, "not disconnected: %s: %s", label, err->message);
        dc_run_free(r);
        return;
    }
    char why[700];
    snprintf(why, sizeof why, "%s: %s", label, not_offered ? "disconnect not offered"
             : err->message);
    bool last = r->batch->answered + 1 == r->n;
    batch_answered(r->batch, ok ? NULL : why);   /* frees the batch after the last answer */
    if (i == 0 && !r->rest_sent && a->closing) {
        batch_free(r->batch);   /* the rest is never sent */
        dc_run_free(r);
    } else if (i == 0 && !r->rest_sent) {
        r->rest_sent = true;
        for (size_t j = 1; j < r->n; j++)
            dc_send(r, j);
    } else if (last) {
        dc_run_free(r);
    }
}

static void dc_send(dc_run *r, size_t i)
{
    r->k[i].run = r;
    r->k[i].i = i;
    api_disconnect_account(r->app->client, r->t[i].id, dc_done, &r->k[i]);
}

void data_disconnect(tui_app *a, const tui_target *t, size_t n)
{
    if (!n)
        return;
    dc_run *r = calloc(1, sizeof *r);
    tui_target *copy = r ? calloc(n, sizeof *copy) : NULL;
    dc_ticket *k = copy ? calloc(n, sizeof *k) : NULL;
    if (!k) {
        free(copy);
        free(r);
        data_set_error(a, "out of memory");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        copy[i].id = strdup(t[i].id ? t[i].id : "");
        copy[i].identifier = strdup(t[i].identifier ? t[i].identifier : "");
        copy[i].connector = strdup(t[i].connector ? t[i].connector : "");
        copy[i].state = t[i].state;
    }
    r->app = a;
    r->t = copy;
    r->k = k;
    r->n = n;
    r->batch = n > 1 ? batch_new(a, "disconnected", "not disconnected", n) : NULL;
    if (n > 1 && !r->batch) {   /* without it only the first would be sent */
        dc_run_free(r);
        data_set_error(a, "out of memory");
        return;
    }
    if (n > 1)
        data_set_notice(a, "disconnecting %zu accounts", n);
    dc_send(r, 0);
    a->dirty = true;
}
