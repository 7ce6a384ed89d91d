/* search.c: the server search that follows the typed filter: one request in flight, the newest
 * text wins (an answer for an older one is dropped and the newest sent), a bounded number of
 * pages, rows poured into the store as found rows (store_upsert_found). */
#include "search.h"

#include <stdlib.h>
#include <string.h>

#include "store_sink.h"

#define TEXT_BYTES (SK_SEARCH_MAX * 4 + 1)
#define CONN_BYTES 128

struct sk_search {
    sk_client *c;
    sk_store *store;
    void (*changed)(void *ud);
    void *ud;
    sk_search_send_fn send;
    sk_search_unsent_fn unsent;
    sk_search_cancel_fn cancel;
    void *send_ud;
    bool dropping;            /* cancelling a request that never left: its answer is dropped */
    bool offered;             /* false once the server answered 404/501: no more searches */

    char want[TEXT_BYTES], want_conn[CONN_BYTES];   /* what the user wants now */
    char have[TEXT_BYTES], have_conn[CONN_BYTES];   /* whose answers are in the store */
    bool busy;                /* a request is out (for have, or a text since replaced) */
    sk_request *req;
    bool freeing;
    int pages;
    bool complete;
    size_t found;
    unsigned long sent;
    sk_error err;
};

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static sk_request *send_api(void *send_ud, const char *query, const char *connection_id,
                            int page_size, const char *page_token, api_accounts_fn cb, void *ud)
{
    /* The user waits for it: it does not queue behind a listing that takes every slot. */
    sk_request *r = api_search_accounts(send_ud, query, connection_id, page_size, page_token, cb, ud);
    client_urgent(send_ud, r);
    return r;
}

static bool unsent_api(void *send_ud, sk_request *r)
{
    (void)send_ud;
    return client_request_unsent(r);
}

static void cancel_api(void *send_ud, sk_request *r)
{
    client_cancel(send_ud, r);
}

sk_search *search_new(sk_client *c, sk_store *store, void (*changed)(void *ud), void *ud)
{
    sk_search *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->c = c;
    s->store = store;
    s->changed = changed;
    s->ud = ud;
    s->send = send_api;
    s->unsent = unsent_api;
    s->cancel = cancel_api;
    s->send_ud = c;
    s->offered = true;
    sk_error_clear(&s->err);
    return s;
}

void search_set_sender(sk_search *s, sk_search_send_fn fn, sk_search_unsent_fn unsent,
                       sk_search_cancel_fn cancel, void *send_ud)
{
    if (!s)
        return;
    s->send = fn ? fn : send_api;
    s->unsent = fn ? unsent : unsent_api;
    s->cancel = fn ? cancel : cancel_api;
    s->send_ud = fn ? send_ud : s->c;
}

void search_free(sk_search *s)
{
    if (!s)
        return;
    s->freeing = true;
    if (s->req && s->c)
        client_cancel(s->c, s->req);
    free(s);
}

static void tell(sk_search *s)
{
    if (s->changed)
        s->changed(s->ud);
}

static void on_page(void *ud, const sk_account_page *page, const sk_error *err);

static void send_page(sk_search *s, const char *token)
{
    s->busy = true;
    s->sent++;
    sk_request *r = s->send(s->send_ud, s->have, *s->have_conn ? s->have_conn : NULL,
                            SK_SEARCH_PAGE, token, on_page, s);
    if (s->busy)          /* else the answer (a refusal) already ran */
        s->req = r;
}

/* A new text: its results start from nothing (the rows the older ones found stay in the store
 * as found rows: they are real accounts, and the view's filter decides what is shown). */
static void start(sk_search *s)
{
    memcpy(s->have, s->want, sizeof s->have);
    memcpy(s->have_conn, s->want_conn, sizeof s->have_conn);
    s->pages = 0;
    s->found = 0;
    s->complete = false;
    sk_error_clear(&s->err);
    if (*s->have)
        send_page(s, NULL);
}

static bool wanted(const sk_search *s)
{
    return strcmp(s->have, s->want) == 0 && strcmp(s->have_conn, s->want_conn) == 0;
}

static void on_page(void *ud, const sk_account_page *page, const sk_error *err)
{
    sk_search *s = ud;
    if (s->dropping)
        return;       /* a request replaced before it left (search_want) */
    s->req = NULL;
    s->busy = false;
    if (s->freeing)
        return;
    if (!wanted(s)) {
        /* The text changed while this was out: its answer is stale, the newest goes now. */
        start(s);
        tell(s);
        return;
    }
    if (err->status != SK_OK || !page) {
        s->err = *err;
        s->complete = true;
        /* A server without the endpoint: asking again for every key would only fail again. */
        if (err->http_status == 404 || err->http_status == 501)
            s->offered = false;
        tell(s);
        return;
    }
    size_t kept = 0;
    for (size_t i = 0; i < page->n; i++) {
        /* What the listing's sink would refuse is not stored from a search either. */
        if (store_sink_row_damaged(&page->rows[i], NULL))
            continue;
        if (store_upsert_found(s->store, &page->rows[i], 1) != SK_OK) {
            sk_error_set(&s->err, SK_ERR_NOMEM, "out of memory storing search results");
            break;
        }
        kept++;
    }
    s->found += kept;
    s->pages++;
    if (page->next_page_token && *page->next_page_token && s->pages < SK_SEARCH_PAGES &&
        s->err.status == SK_OK)
        send_page(s, page->next_page_token);
    else
        s->complete = true;
    tell(s);
}

void search_want(sk_search *s, const char *text, const char *connection_id)
{
    if (!s || !s->offered)
        return;
    size_t n = text ? utf8_chars(text) : 0;
    char next[TEXT_BYTES] = "", next_conn[CONN_BYTES] = "";
    if (n >= SK_SEARCH_MIN && n <= SK_SEARCH_MAX && strlen(text) < sizeof next) {
        memcpy(next, text, strlen(text) + 1);
        if (connection_id && strlen(connection_id) < sizeof next_conn)
            memcpy(next_conn, connection_id, strlen(connection_id) + 1);
    }
    if (strcmp(next, s->want) == 0 && strcmp(next_conn, s->want_conn) == 0)
        return;
    memcpy(s->want, next, sizeof s->want);
    memcpy(s->want_conn, next_conn, sizeof s->want_conn);
    if (s->busy) {
        /* One in flight: the newest text goes when its answer lands, unless the request out
         * has not left yet (typing before the token came): then the newest takes its place. */
        if (!s->unsent || !s->unsent(s->send_ud, s->req))
            return;
        sk_request *old = s->req;
        s->req = NULL;
        s->dropping = true;
        s->cancel(s->send_ud, old);   /* its answer (cancelled) is dropped */
        s->dropping = false;
        s->busy = false;
    }
    start(s);
    tell(s);
}

void search_state(const sk_search *s, sk_search_state *out)
{
    memset(out, 0, sizeof *out);
    sk_error_clear(&out->err);
    if (!s) {
        out->text = "";
        return;
    }
    out->text = s->have;
    out->running = s->busy;
    out->complete = s->complete;
    out->found = s->found;
    out->sent = s->sent;
    out->err = s->err;
}
