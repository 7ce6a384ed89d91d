/* listing.c: the whole environment into a sink: connections first, then every connection paged
 * side by side (each one's pages strictly in order), or one unfiltered listing as a fallback. */
#include "listing.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api.h"
#include "arena.h"
#include "buf.h"
#include "store_sink.h"

#define CONNECTIONS_PAGE 30
#define SEARCH_PAGE 30        /* the most the search endpoint takes */
#define SEARCH_PER_CONNECTION 8   /* connections searched one by one, at most */
#define QUERY_MIN 3           /* the search's bounds, in characters */
#define QUERY_MAX 200

/* A damaged answer (a body that does not parse, or rows with fields missing or of the wrong
 * type) says nothing about the data: the same request is sent again, like a 5xx, after
 * DAMAGED_BACKOFF_MS, then twice that..., at most DAMAGED_RETRIES times. What is still damaged
 * then goes to the sink as it is (store_sink drops a damaged page and fails the listing). */
#define DAMAGED_RETRIES 4
#define DAMAGED_BACKOFF_MS 100

/* A server may not send more pages than its total_size allows (new accounts can arrive during a
 * listing: twice the pages, plus a margin); without any total, this many pages at most. */
#define PAGES_MARGIN 10
#define PAGES_NO_TOTAL 200000

/* The page tokens a chain of pages has been sent: any repeat is a cycle (A, B, A...). */
typedef struct token_set {
    char **slot;              /* open addressing, NULL = empty */
    size_t cap, n;
} token_set;

struct conn_work;

/* What a page request's callback is given: its chain, and whether it is the request sent ahead
 * and not kept yet. A chain has two, used in turn: the page in flight and the one ahead. */
typedef struct page_slot {
    struct conn_work *w;
    bool ahead;
} page_slot;

/* One connection's listing (name NULL: the unfiltered fallback listing, or the search). */
typedef struct conn_work {
    struct sk_listing *l;
    const char *name;
    bool search;              /* pages of GET /connected_accounts:search */
    const char *conn_id;      /* the search's connection_id (NULL: every connection) */
    int page_size;
    sk_request *req;          /* the page in flight, if any */
    /* The page after the one in flight, asked for on the token a peek at the answer found
     * before the parse (api_peek): kept as `req` once the parsed page names the same token and
     * passes the guards, cancelled otherwise (a damaged page, another token, an error), before
     * any answer to it can be seen: no row comes twice or goes missing. */
    sk_request *ahead;
    char *ahead_token;
    page_slot slot[2];        /* slot[cur]: the page in flight; the other: the one ahead */
    int cur;
    unsigned pages;           /* pages received */
    long long total;          /* total_size from the server, -1 unknown */
    char *last_token;         /* token of the page requested last (sent again on a retry) */
    token_set seen;           /* every token this chain has been sent (loop guard) */
    unsigned damaged_tries;   /* retries of the current page for damage */
    long long retry_at_ms;    /* > 0: the current page is to be asked again then */
    bool parked;              /* its next page (last_token) waits for a slot (start_more) */
    bool done;
} conn_work;

typedef enum { PH_CONNECTIONS, PH_ACCOUNTS, PH_DONE } phase;

struct sk_listing {
    sk_client *c;
    sk_sink sink;
    void *ud;
    int concurrency, page_size;
    const char **only;
    size_t n_only;
    const char *query;        /* narrowed (listing_opts.query), NULL: everything */
    phase ph;
    bool fallback;
    sk_arena *arena;          /* connection strings and names */
    sk_connection *conns;
    size_t n_conns, cap_conns;
    char *conn_token;
    token_set conn_seen;
    unsigned conn_pages;
    unsigned conn_damaged_tries;
    long long conn_retry_at_ms;   /* > 0: the connections page is to be asked again then */
    sk_request *conn_req;
    conn_work *work;          /* never reallocated once started: each is a callback's ud */
    size_t n_work, next_work;
    int in_flight;            /* requests outstanding (a chain's page, and the one it asked
                                 ahead while the first is parsed) */
    size_t n_parked;          /* chains whose next page waits for a slot */
    conn_work *lead;          /* while first pages are still to be asked: the one chain that
                                 goes on meanwhile (the longest known) */
    int waiting;              /* pages waiting for their retry after a damaged answer */
    int depth;                /* > 0 while inside our own callbacks: done() waits */
    bool stopping, done_called, freeing;
    sk_error err;             /* the first error */
    unsigned long pages_requested;
    unsigned long damaged_retries;
    size_t expected;          /* sum of the total_size values seen (sink.expect) */
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---------------------------------------------------------------- token sets */

static uint64_t token_hash(const char *t)
{
    uint64_t h = 1469598103934665603ULL;   /* FNV-1a */
    for (; *t; t++)
        h = (h ^ (unsigned char)*t) * 1099511628211ULL;
    return h;
}

static bool token_seen(const token_set *ts, const char *t)
{
    if (!ts->cap)
        return false;
    for (size_t i = token_hash(t) & (ts->cap - 1); ts->slot[i]; i = (i + 1) & (ts->cap - 1))
        if (strcmp(ts->slot[i], t) == 0)
            return true;
    return false;
}

static void token_put(token_set *ts, char *t)
{
    size_t i = token_hash(t) & (ts->cap - 1);
    while (ts->slot[i])
        i = (i + 1) & (ts->cap - 1);
    ts->slot[i] = t;
    ts->n++;
}

/* Adds a copy of t (not already in the set); false when out of memory. */
static bool token_add(token_set *ts, const char *t)
{
    if ((ts->n + 1) * 2 > ts->cap) {
        token_set bigger = { calloc(ts->cap ? ts->cap * 2 : 16, sizeof(char *)),
                             ts->cap ? ts->cap * 2 : 16, 0 };
        if (!bigger.slot)
            return false;
        for (size_t i = 0; i < ts->cap; i++)
            if (ts->slot[i])
                token_put(&bigger, ts->slot[i]);
        free(ts->slot);
        *ts = bigger;
    }
    char *copy = strdup(t);
    if (!copy)
        return false;
    token_put(ts, copy);
    return true;
}

static void token_set_free(token_set *ts)
{
    for (size_t i = 0; i < ts->cap; i++)
        free(ts->slot[i]);
    free(ts->slot);
    memset(ts, 0, sizeof *ts);
}

static void record_error(sk_listing *l, const sk_error *err)
{
    if (l->err.status == SK_OK)
        l->err = *err;
    l->stopping = true;
}

static void record_new_error(sk_listing *l, sk_status st, const char *msg)
{
    sk_error e;
    sk_error_clear(&e);
    sk_error_set(&e, st, "%s", msg);
    record_error(l, &e);
}

/* Calls done() once nothing is outstanding. Must be the caller's last touch of l: the sink may
 * free the listing from done(). */
static void maybe_finish(sk_listing *l)
{
    if (l->depth > 0 || l->done_called || l->in_flight > 0 || l->waiting > 0)
        return;
    if (!l->stopping && (l->ph == PH_CONNECTIONS || l->next_work < l->n_work || l->n_parked))
        return;
    l->done_called = true;
    l->ph = PH_DONE;
    sk_error e = l->err;
    if (l->sink.done)
        l->sink.done(l->ud, &e);
}

/* ---------------------------------------------------------------- account pages */

static void on_page(conn_work *w, const sk_account_page *p, const sk_error *err);
static void on_slot(void *ud, const sk_account_page *p, const sk_error *err);
static void on_peek(void *ud, const char *token);

/* Sends the page request of w for token; ahead: as w's request ahead (on_peek). */
static sk_request *send_page(sk_listing *l, conn_work *w, const char *token, bool ahead)
{
    page_slot *slot = &w->slot[ahead ? !w->cur : w->cur];
    slot->ahead = ahead;
    api_peek peek = { on_peek, w };
    sk_request *r;
    if (w->search) {
        r = api_search_accounts_peek(l->c, l->query, w->conn_id, w->page_size, token, &peek,
                                     on_slot, slot);
    } else {
        api_list_query q = { 0 };
        q.connector = w->name;
        q.page_size = l->page_size;
        q.page_token = token;
        q.peek = &peek;
        r = api_list_accounts(l->c, &q, on_slot, slot);
    }
    client_request_no_secret(r);   /* a page of the list view: no token, no credentials */
    return r;
}

static void request_page(sk_listing *l, conn_work *w, const char *token)
{
    l->in_flight++;
    l->pages_requested++;
    /* On an immediate failure on_page has already run (and cleared w->req). */
    w->req = send_page(l, w, token, false);
}

/* Cancels w's request ahead, if any (on_slot drops it). */
static void drop_ahead(sk_listing *l, conn_work *w)
{
    sk_request *r = w->ahead;
    w->ahead = NULL;
    if (r)
        client_cancel(l->c, r);
    free(w->ahead_token);
    w->ahead_token = NULL;
}

/* The order chains are paged in. Every connection's first page is asked before the second
 * pages of all but one chain, the lead, the longest known: the first pages bring each
 * connection's total, so the whole listing's size is known within its first pages (the store
 * sizes itself once; the header shows the right total) and the chains can then go longest
 * first, the longest being the listing's critical path whatever order the API names the
 * connections in. A chain keeps its slot from page to page, unless one waiting has clearly
 * more pages left (clearly_more: chains alike do not trade places at every page). */
static long long pages_left(const conn_work *w)
{
    if (w->total <= 0)
        return 0;   /* unknown: no claim to go first */
    long long all = (w->total + w->page_size - 1) / w->page_size;
    return all > (long long)w->pages ? all - (long long)w->pages : 0;
}

static bool clearly_more(long long waiting, long long going)
{
    long long margin = going / 8 > 2 ? going / 8 : 2;
    return waiting > going + margin;
}

/* The parked chain with the most pages left (the first of equals, in the work's order). */
static conn_work *best_parked(const sk_listing *l)
{
    conn_work *best = NULL;
    for (size_t i = 0; l->n_parked && i < l->next_work; i++) {
        conn_work *w = &l->work[i];
        if (w->parked && (!best || pages_left(w) > pages_left(best)))
            best = w;
    }
    return best;
}

/* Whether w, with `left` pages after the one just in, is to park its next page: first pages
 * are still being asked and another chain leads, or one parked has clearly more to go. */
static bool waits_its_turn(const sk_listing *l, const conn_work *w, long long left)
{
    if (l->next_work < l->n_work && l->lead && l->lead != w)
        return true;
    const conn_work *b = best_parked(l);
    return b && clearly_more(pages_left(b), left);
}

/* Whether w, whose page just came in (counted in w->pages), asks its next page now (leading,
 * while first pages are still being asked) rather than parking it. */
static bool chain_goes_on(sk_listing *l, conn_work *w)
{
    if (waits_its_turn(l, w, pages_left(w)))
        return false;
    if (l->next_work < l->n_work)
        l->lead = w;
    return true;
}

static void resume(sk_listing *l, conn_work *w)
{
    w->parked = false;
    l->n_parked--;
    if (l->next_work < l->n_work)
        l->lead = w;
    request_page(l, w, w->last_token);
}

static void start_more(sk_listing *l)
{
    while (!l->stopping && l->in_flight < l->concurrency) {
        bool first_pages = l->next_work < l->n_work;
        if (l->n_parked && (!first_pages || !l->lead))
            resume(l, best_parked(l));
        else if (first_pages)
            request_page(l, &l->work[l->next_work++], NULL);
        else
            break;
    }
}

/* The most pages a chain whose first page said total_size `total` may take. */
static unsigned long long pages_allowed(long long total, int page_size)
{
    if (total < 0)
        return PAGES_NO_TOTAL;
    unsigned long long pages = (unsigned long long)total / (unsigned)page_size + 1;
    return pages * 2 + PAGES_MARGIN;
}

/* Asks for the page after p, unless the server sends us round in a circle (a token it sent
 * before in this chain) or sends far more pages than its own total allows. The request sent
 * ahead on the same token becomes that request; any other is dropped. */
static void next_page(sk_listing *l, conn_work *w, const char *token)
{
    const char *name = w->search ? "search" : w->name ? w->name : "all accounts";
    bool same = w->ahead && w->ahead_token && strcmp(w->ahead_token, token) == 0;
    /* A page already on the wire goes on; else the chain may wait for its turn. */
    bool park = !same && !chain_goes_on(l, w);
    if (!same)
        drop_ahead(l, w);
    if (token_seen(&w->seen, token)) {
        drop_ahead(l, w);
        sk_error e;
        sk_error_clear(&e);
        sk_error_set(&e, SK_ERR_PARSE, "%s: the server sent a page token it had sent before "
                     "(a cycle, after %u pages): listing stopped", name, w->pages);
        record_error(l, &e);
        return;
    }
    if (w->pages >= pages_allowed(w->total, w->page_size)) {
        drop_ahead(l, w);
        sk_error e;
        sk_error_clear(&e);
        sk_error_set(&e, SK_ERR_PARSE, "%s: the server sent %u pages for a total of %lld "
                     "accounts: listing stopped", name, w->pages, w->total);
        record_error(l, &e);
        return;
    }
    free(w->last_token);
    w->last_token = strdup(token);
    if (!w->last_token || !token_add(&w->seen, token)) {
        drop_ahead(l, w);
        record_new_error(l, SK_ERR_NOMEM, "out of memory");
        return;
    }
    if (park) {
        if (l->lead == w)
            l->lead = NULL;
        w->parked = true;
        l->n_parked++;
        start_more(l);   /* its slot: a first page, or a chain with more to go */
        client_flush(l->c);
        return;   /* start_more asks it, for last_token, when its turn comes */
    }
    if (same) {
        w->req = w->ahead;   /* already on the wire: it is the page in flight now */
        w->ahead = NULL;
        w->cur = !w->cur;
        w->slot[w->cur].ahead = false;
        free(w->ahead_token);
        w->ahead_token = NULL;
        return;
    }
    request_page(l, w, token);
    client_flush(l->c);
}

/* The token of the page being answered, before its parse: the next page goes on the wire now,
 * so that the server builds it while this one is parsed and stored (at a short round trip the
 * chain of the largest connection decides the whole listing's time). Only on a token the
 * guards of next_page would let through. */
static void on_peek(void *ud, const char *token)
{
    conn_work *w = ud;
    sk_listing *l = w->l;
    if (l->stopping || w->ahead || w->slot[!w->cur].ahead || token_seen(&w->seen, token) ||
        w->pages + 1 >= pages_allowed(w->total, w->page_size))
        return;
    /* Only for the lead while first pages are still being asked (a page ahead goes on without
     * chain_goes_on, so it could not take the lead), and not for a chain that is to wait its
     * turn once this page is counted: its page ahead would be cancelled, and its connection
     * with it. */
    long long left = pages_left(w);
    if ((l->next_work < l->n_work && l->lead != w) || waits_its_turn(l, w, left > 0 ? left - 1 : 0))
        return;
    if (!(w->ahead_token = strdup(token)))
        return;
    l->in_flight++;
    l->pages_requested++;
    w->ahead = send_page(l, w, token, true);   /* NULL: on_slot has already dropped it */
    if (w->ahead)
        client_flush(l->c);
}

/* Every page answer: the page in flight goes to on_page; a request ahead that was dropped
 * (cancelled, or failed at once) only leaves the count of requests in flight. */
static void on_slot(void *ud, const sk_account_page *p, const sk_error *err)
{
    page_slot *slot = ud;
    conn_work *w = slot->w;
    if (!slot->ahead) {
        on_page(w, p, err);
        return;
    }
    slot->ahead = false;
    w->ahead = NULL;
    free(w->ahead_token);
    w->ahead_token = NULL;
    w->l->in_flight--;
}

static long long backoff_ms(unsigned tries)
{
    return (long long)DAMAGED_BACKOFF_MS << (tries > 6 ? 6 : tries);
}

/* A damaged answer to w's current page: true when it will be asked again (after a backoff). */
static bool retry_damaged(sk_listing *l, conn_work *w)
{
    if (l->stopping || w->damaged_tries >= DAMAGED_RETRIES)
        return false;
    w->retry_at_ms = now_ms() + backoff_ms(w->damaged_tries);
    w->damaged_tries++;
    l->waiting++;
    l->damaged_retries++;
    return true;
}

static bool rows_damaged(const sk_account_page *p, const char *connection)
{
    /* The rows of a page share one copy of their connector (jscan): once it was found to be
     * `connection`, the same pointer needs no compare. */
    const char *same = NULL;
    for (size_t i = 0; i < p->n; i++) {
        const sk_account *r = &p->rows[i];
        if (same && r->connector == same && r->id && r->identifier)
            continue;
        if (store_sink_row_damaged(r, connection))
            return true;
        same = r->connector;
    }
    return false;
}

static bool listed_whole_would_hold(const sk_listing *l, const char *connector);

/* A search page goes to the sink with only the rows the full listing would have held: those
 * of the connections it lists (the search may know accounts of others: -c left them out, or
 * /connections/app does not name them). */
static void search_rows(sk_listing *l, const sk_account *rows, size_t n)
{
    sk_account *keep = malloc((n ? n : 1) * sizeof *keep);
    if (!keep) {
        record_new_error(l, SK_ERR_NOMEM, "out of memory");
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (listed_whole_would_hold(l, rows[i].connector))
            keep[k++] = rows[i];
    if (k)
        l->sink.page(l->ud, NULL, keep, k);
    free(keep);
}

static void on_page(conn_work *w, const sk_account_page *p, const sk_error *err)
{
    sk_listing *l = w->l;
    w->req = NULL;
    l->in_flight--;
    l->depth++;
    if (err->status == SK_ERR_PARSE && retry_damaged(l, w)) {
        /* a body that does not parse (malformed, cut short): asked again from listing_step */
        drop_ahead(l, w);
    } else if (err->status != SK_OK) {
        drop_ahead(l, w);
        record_error(l, err);
    } else if (rows_damaged(p, w->name) && retry_damaged(l, w)) {
        /* rows with fields missing or of the wrong type: neither they nor the page's token
         * and total are to be trusted, so the whole page is asked again (and not the one
         * after it, asked for ahead on this page's token) */
        drop_ahead(l, w);
    } else {
        w->damaged_tries = 0;
        w->pages++;
        if (w->total < 0) {
            w->total = p->total_size;
            if (p->total_size > 0 && l->sink.expect) {
                l->expected += (size_t)p->total_size;
                l->sink.expect(l->ud, l->expected);
            }
        }
        /* The next page is on the wire before this one is stored (on_peek sent it before the
         * parse; next_page keeps it or asks now). */
        if (p->next_page_token && !l->stopping)
            next_page(l, w, p->next_page_token);
        else
            drop_ahead(l, w);
        if (l->sink.page && w->search)
            search_rows(l, p->rows, p->n);
        else if (l->sink.page)
            l->sink.page(l->ud, w->name, p->rows, p->n);
        if (!p->next_page_token) {
            w->done = true;
            if (l->lead == w)
                l->lead = NULL;
            if (w->name && !w->search && l->sink.connection_done)
                l->sink.connection_done(l->ud, w->name);
        }
    }
    start_more(l);
    l->depth--;
    maybe_finish(l);
}

/* ---------------------------------------------------------------- connections */

static bool name_listed(const sk_listing *l, const char *name)
{
    for (size_t i = 0; i < l->n_work; i++)
        if (l->work[i].name && strcmp(l->work[i].name, name) == 0)
            return true;
    return false;
}

static conn_work *work_add(sk_listing *l, const char *name)
{
    if (name && name_listed(l, name))
        return NULL;
    conn_work *w = &l->work[l->n_work++];
    memset(w, 0, sizeof *w);
    w->l = l;
    w->slot[0].w = w->slot[1].w = w;
    w->name = name;
    w->total = -1;
    w->page_size = l->page_size;
    return w;
}

static unsigned char fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* The view's text test: an ASCII case-insensitive substring (view.c). */
static bool ci_contains(const char *hay, const char *needle)
{
    size_t nl = strlen(needle);
    for (const char *h = hay ? hay : ""; *h; h++) {
        size_t i = 0;
        while (i < nl && h[i] && fold((unsigned char)h[i]) == fold((unsigned char)needle[i]))
            i++;
        if (i == nl)
            return true;
    }
    return nl == 0;
}

static bool listed_whole_would_hold(const sk_listing *l, const char *connector)
{
    if (!connector)
        return false;
    if (l->n_only) {
        for (size_t i = 0; i < l->n_only; i++)
            if (strcmp(l->only[i], connector) == 0)
                return true;
        return false;
    }
    for (size_t i = 0; i < l->n_conns; i++)
        if (l->conns[i].name && strcmp(l->conns[i].name, connector) == 0)
            return true;
    return false;
}

static const char *conn_id_of(const sk_listing *l, const char *name)
{
    for (size_t i = 0; i < l->n_conns; i++)
        if (l->conns[i].name && strcmp(l->conns[i].name, name) == 0)
            return l->conns[i].id && *l->conns[i].id ? l->conns[i].id : NULL;
    return NULL;
}

static void search_add(sk_listing *l, const char *conn_id)
{
    conn_work *w = work_add(l, NULL);
    w->search = true;
    w->conn_id = conn_id;
    w->page_size = SEARCH_PAGE;
}

/* A narrowed listing: a connection whose name holds the text has every account kept by the
 * view, so it is listed whole; the search finds the rest (identifiers, whole ids). The search
 * is told each remaining connection's id when they are few and some are left out (asked for
 * with -c, or listed whole): else its pages would bring the accounts of those too. */
static void build_narrowed(sk_listing *l)
{
    size_t n = l->n_only ? l->n_only : l->n_conns, searched = 0, whole = 0;
    bool all_ids = true;
    for (size_t i = 0; i < n; i++) {
        const char *name = l->n_only ? l->only[i] : l->conns[i].name;
        if (!name)
            continue;
        if (ci_contains(name, l->query)) {
            work_add(l, name);
            whole++;
        } else {
            searched++;
            all_ids = all_ids && conn_id_of(l, name);
        }
    }
    if (!searched && n)
        return;
    if ((l->n_only || whole) && all_ids && searched <= SEARCH_PER_CONNECTION) {
        for (size_t i = 0; i < n; i++) {
            const char *name = l->n_only ? l->only[i] : l->conns[i].name;
            if (name && !ci_contains(name, l->query))
                search_add(l, conn_id_of(l, name));
        }
        return;
    }
    search_add(l, NULL);
}

/* The work queue: the connections asked for, else every connection the API named. */
static bool build_work(sk_listing *l, bool unfiltered)
{
    size_t cap = l->n_only ? l->n_only : unfiltered ? 1 : l->n_conns;
    l->work = calloc(cap + 1, sizeof *l->work);   /* + the search */
    if (!l->work)
        return false;
    if (l->query && !unfiltered) {
        build_narrowed(l);
    } else if (l->n_only) {
        for (size_t i = 0; i < l->n_only; i++)
            work_add(l, l->only[i]);
    } else if (unfiltered) {
        work_add(l, NULL);
    } else {
        for (size_t i = 0; i < l->n_conns; i++)
            if (l->conns[i].name)
                work_add(l, l->conns[i].name);
    }
    return true;
}

static void accounts_begin(sk_listing *l, bool unfiltered)
{
    l->ph = PH_ACCOUNTS;
    if (!build_work(l, unfiltered)) {
        record_new_error(l, SK_ERR_NOMEM, "out of memory");
        return;
    }
    start_more(l);
}

/* /connections/app is missing here: one unfiltered listing, grouped later by connector. */
static void fallback_begin(sk_listing *l)
{
    l->fallback = true;
    if (l->sink.connections)
        l->sink.connections(l->ud, NULL, 0, false);
    accounts_begin(l, true);
}

static bool keep_connection(sk_listing *l, const sk_connection *src)
{
    if (l->n_conns == l->cap_conns) {
        size_t cap = l->cap_conns ? l->cap_conns * 2 : 32;
        sk_connection *n = realloc(l->conns, cap * sizeof *n);
        if (!n)
            return false;
        l->conns = n;
        l->cap_conns = cap;
    }
    sk_connection *d = &l->conns[l->n_conns];
    *d = *src;
    d->id = arena_strdup(l->arena, src->id);
    d->name = arena_strdup(l->arena, src->name);
    d->provider = arena_strdup(l->arena, src->provider);
    d->type = arena_strdup(l->arena, src->type);
    d->status = arena_strdup(l->arena, src->status);
    if ((src->id && !d->id) || (src->name && !d->name) || (src->provider && !d->provider) ||
        (src->type && !d->type) || (src->status && !d->status))
        return false;
    l->n_conns++;
    return true;
}

static void on_connections(void *ud, const sk_connection_page *p, const sk_error *err);

static void request_connections(sk_listing *l, const char *token)
{
    l->in_flight++;
    l->pages_requested++;
    l->conn_req = api_list_connections(l->c, CONNECTIONS_PAGE, token, on_connections, l);
    client_request_no_secret(l->conn_req);
}

static void connections_page(sk_listing *l, const sk_connection_page *p)
{
    l->conn_pages++;
    for (size_t i = 0; i < p->n; i++) {
        if (!keep_connection(l, &p->rows[i])) {
            record_new_error(l, SK_ERR_NOMEM, "out of memory");
            return;
        }
    }
    const char *next = p->next_page_token;
    if (next && !l->stopping) {
        if (token_seen(&l->conn_seen, next)) {
            record_new_error(l, SK_ERR_PARSE, "connections: the server sent a page token it had "
                             "sent before (a cycle): listing stopped");
            return;
        }
        if (l->conn_pages >= pages_allowed(p->total_size, CONNECTIONS_PAGE)) {
            record_new_error(l, SK_ERR_PARSE, "connections: the server sent far more pages than "
                             "its total allows: listing stopped");
            return;
        }
        free(l->conn_token);
        if (!(l->conn_token = strdup(next)) || !token_add(&l->conn_seen, next)) {
            record_new_error(l, SK_ERR_NOMEM, "out of memory");
            return;
        }
        request_connections(l, l->conn_token);
        return;
    }
    if (l->stopping)
        return;
    if (l->sink.connections)
        l->sink.connections(l->ud, l->conns, l->n_conns, true);
    accounts_begin(l, false);
}

static void on_connections(void *ud, const sk_connection_page *p, const sk_error *err)
{
    sk_listing *l = ud;
    l->conn_req = NULL;
    l->in_flight--;
    l->depth++;
    if (err->status == SK_ERR_PARSE && !l->stopping && l->conn_damaged_tries < DAMAGED_RETRIES) {
        /* a damaged connections page: asked again from listing_step, as an accounts page */
        l->conn_retry_at_ms = now_ms() + backoff_ms(l->conn_damaged_tries);
        l->conn_damaged_tries++;
        l->waiting++;
        l->damaged_retries++;
    } else if (err->status == SK_OK) {
        l->conn_damaged_tries = 0;
        connections_page(l, p);
    } else if (!l->stopping && l->n_conns == 0 &&
             (err->http_status == 404 || err->http_status == 501))
        fallback_begin(l);
    else
        record_error(l, err);
    l->depth--;
    maybe_finish(l);
}

/* ---------------------------------------------------------------- public */

static bool copy_only(sk_listing *l, const listing_opts *o)
{
    if (!o || !o->only_connections || !o->n_only)
        return true;
    l->only = arena_alloc(l->arena, o->n_only * sizeof *l->only);
    if (!l->only)
        return false;
    for (size_t i = 0; i < o->n_only; i++) {
        if (!o->only_connections[i] || !*o->only_connections[i])
            continue;
        if (!(l->only[l->n_only] = arena_strdup(l->arena, o->only_connections[i])))
            return false;
        l->n_only++;
    }
    return true;
}

sk_listing *listing_start(sk_client *c, const listing_opts *o, const sk_sink *sink, void *ud)
{
    sk_listing *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->c = c;
    if (sink)
        l->sink = *sink;
    l->ud = ud;
    l->concurrency = o && o->concurrency > 0 ? o->concurrency : 4;
    l->page_size = o && o->page_size > 0 && o->page_size < 100 ? o->page_size : 99;
    sk_error_clear(&l->err);
    l->arena = arena_new(4096);
    if (l->arena && o && o->query && listing_query_plan(o->query) == LISTING_QUERY_SEARCH &&
        !(l->query = arena_strdup(l->arena, o->query))) {
        arena_free(l->arena);
        l->arena = NULL;
    }
    if (!l->arena || !copy_only(l, o)) {
        arena_free(l->arena);
        free(l);
        return NULL;
    }
    l->ph = PH_CONNECTIONS;
    l->depth++;   /* an immediate failure reports done() after we return to this frame */
    request_connections(l, NULL);
    l->depth--;
    maybe_finish(l);
    return l;
}

bool listing_running(const sk_listing *l)
{
    return l && !l->done_called;
}

bool listing_narrowed(const sk_listing *l)
{
    return l && l->query && !l->fallback;
}

unsigned long listing_pages(const sk_listing *l)
{
    return l ? l->pages_requested : 0;
}

static void work_progress(const conn_work *w, int page_size, char *buf, size_t n)
{
    const char *name = w->search ? "search" : w->name ? w->name : "all accounts";
    if (w->total >= 0) {
        long long total_pages = w->total / page_size + (w->total % page_size != 0);
        if (total_pages < 1)
            total_pages = 1;
        snprintf(buf, n, "%s %u/%lld pages", name, w->pages, total_pages);
    } else {
        snprintf(buf, n, "%s %u pages", name, w->pages);
    }
}

void listing_progress(const sk_listing *l, char *buf, size_t n)
{
    if (!n)
        return;
    buf[0] = '\0';
    if (!l)
        return;
    if (l->ph == PH_CONNECTIONS) {
        snprintf(buf, n, "connections: page %u", l->conn_pages + 1);
        return;
    }
    if (l->ph == PH_DONE) {
        if (l->err.status == SK_OK)
            snprintf(buf, n, "listed %lu pages", l->pages_requested);
        else
            snprintf(buf, n, "stopped: %s", l->err.message);
        return;
    }
    sk_buf b;
    buf_init(&b);
    int shown = 0, more = 0;
    for (size_t i = 0; i < l->next_work; i++) {
        const conn_work *w = &l->work[i];
        if (w->done)
            continue;   /* started and not finished: in flight, about to ask again or
                           waiting its turn */
        if (shown == 2) {
            more++;
            continue;
        }
        char one[160];
        work_progress(w, w->page_size, one, sizeof one);
        buf_printf(&b, "%s%s", shown ? ", " : "", one);
        shown++;
    }
    if (more)
        buf_printf(&b, " (+%d more)", more);
    size_t left = l->n_work - l->next_work;
    if (left)
        buf_printf(&b, "%s%zu connection%s left", b.len ? ", " : "", left, left == 1 ? "" : "s");
    snprintf(buf, n, "%s", b.s ? b.s : "");
    buf_free(&b);
}

bool listing_step(sk_listing *l)
{
    if (!l || l->done_called || !l->waiting)
        return false;
    long long now = now_ms();
    bool sent = false;
    l->depth++;
    if (l->conn_retry_at_ms && now >= l->conn_retry_at_ms) {
        l->conn_retry_at_ms = 0;
        l->waiting--;
        if (!l->stopping) {
            request_connections(l, l->conn_token);
            sent = true;
        }
    }
    for (size_t i = 0; i < l->n_work; i++) {
        conn_work *w = &l->work[i];
        if (!w->retry_at_ms || now < w->retry_at_ms)
            continue;
        w->retry_at_ms = 0;
        l->waiting--;
        if (!l->stopping) {
            request_page(l, w, w->last_token);
            sent = true;
        }
    }
    /* No client_flush here: an answer completed inside it would wait, unseen, for a
     * client_step that the caller's client_wait might not know to wake for. */
    l->depth--;
    maybe_finish(l);
    return sent;
}

long listing_next_timer_ms(const sk_listing *l)
{
    if (!l || l->done_called || !l->waiting)
        return -1;
    long long due = l->conn_retry_at_ms;
    for (size_t i = 0; i < l->n_work; i++)
        if (l->work[i].retry_at_ms && (!due || l->work[i].retry_at_ms < due))
            due = l->work[i].retry_at_ms;
    if (!due)
        return -1;
    long long left = due - now_ms();
    return left > 0 ? (long)left : 0;
}

unsigned long listing_damaged_retries(const sk_listing *l)
{
    return l ? l->damaged_retries : 0;
}

void listing_cancel(sk_listing *l)
{
    if (!l || l->done_called)
        return;
    if (l->err.status == SK_OK)
        record_new_error(l, SK_ERR_CANCELLED, "listing cancelled");
    l->stopping = true;
    /* Retries waiting for their time are simply not sent. */
    l->conn_retry_at_ms = 0;
    for (size_t i = 0; i < l->n_work; i++)
        l->work[i].retry_at_ms = 0;
    l->waiting = 0;
    l->depth++;
    if (l->conn_req)
        client_cancel(l->c, l->conn_req);   /* runs on_connections, which clears conn_req */
    for (size_t i = 0; i < l->n_work; i++) {
        drop_ahead(l, &l->work[i]);
        if (l->work[i].req)
            client_cancel(l->c, l->work[i].req);
    }
    l->depth--;
    maybe_finish(l);
}

void listing_free(sk_listing *l)
{
    if (!l || l->freeing)
        return;
    l->freeing = true;
    listing_cancel(l);
    for (size_t i = 0; i < l->n_work; i++) {
        free(l->work[i].last_token);
        free(l->work[i].ahead_token);
        token_set_free(&l->work[i].seen);
    }
    free(l->work);
    free(l->conns);
    free(l->conn_token);
    token_set_free(&l->conn_seen);
    arena_free(l->arena);
    free(l);
}

/* ---------------------------------------------------------------- narrowing by text */

/* A substring of some "ca_" + digits: a digit run, after "ca_", "a_" or "_" or alone, or a
 * piece of "ca_" itself. */
static bool id_part(const char *t)
{
    static const char *const heads[] = { "ca_", "a_", "_", "" };
    for (size_t h = 0; h < sizeof heads / sizeof heads[0]; h++) {
        size_t n = strlen(heads[h]);
        if (strncasecmp(t, heads[h], n) != 0)
            continue;
        const char *p = t + n;
        while (*p >= '0' && *p <= '9')
            p++;
        if (*p == '\0')
            return true;
    }
    return false;
}

static bool whole_id(const char *t)
{
    if (strncmp(t, "ca_", 3) != 0 || !t[3])
        return false;
    for (const char *p = t + 3; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    return true;
}

listing_query_kind listing_query_plan(const char *text)
{
    if (!text || !*text)
        return LISTING_QUERY_NONE;
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        chars += (*p & 0xC0) != 0x80;
    if (chars < QUERY_MIN)
        return LISTING_QUERY_SHORT;
    if (chars > QUERY_MAX)
        return LISTING_QUERY_LONG;
    if (id_part(text) && !whole_id(text))
        return LISTING_QUERY_ID_PART;
    return LISTING_QUERY_SEARCH;
}

const char *listing_query_why(listing_query_kind k)
{
    switch (k) {
    case LISTING_QUERY_NONE: return "is empty";
    case LISTING_QUERY_SHORT: return "is under 3 characters, too short for the server's search";
    case LISTING_QUERY_LONG: return "is over 200 characters, too long for the server's search";
    case LISTING_QUERY_ID_PART:
        return "could be part of an account id (the server's search finds whole ids only)";
    default: return "";
    }
}
