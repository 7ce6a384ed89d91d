/* listing.h: the whole environment listed into a sink, as fast as the API allows.
 * A chain of pages that sends a token twice (a cycle) or far more pages than its total_size
 * allows is stopped with SK_ERR_PARSE (the sink keeps what it had).
 * Connections first (all pages), then every connection paged side by side with bounded
 * concurrency, each page delivered as it lands. If /connections/app answers 404 or 501, one
 * unfiltered listing is paged instead and accounts are grouped by their `connector`. */
#ifndef LISTING_H
#define LISTING_H

#include "account.h"
#include "client.h"

/* Where fetched data goes (the store is one sink, the CLI's printers are others). */
typedef struct sk_sink {
    /* All connections known (once, before any page). from_api false = derived later from
     * accounts' connector values (fallback mode: n == 0 here). */
    void (*connections)(void *ud, const sk_connection *rows, size_t n, bool from_api);
    /* One page of accounts of `connection` (NULL in fallback mode). */
    void (*page)(void *ud, const char *connection, const sk_account *rows, size_t n);
    /* One connection listed completely (every page). Not called in fallback mode. */
    void (*connection_done)(void *ud, const char *connection);
    /* The listing ended: err->status == SK_OK when every page of every connection arrived. */
    void (*done)(void *ud, const sk_error *err);
    /* Optional: the server's count of the accounts listed grew to `accounts` (the sum of
     * total_size over the connections begun so far): a store can make room at once instead
     * of growing row by row. A hint only; rows may differ from it. */
    void (*expect)(void *ud, size_t accounts);
} sk_sink;

typedef struct listing_opts {
    int concurrency;                     /* connections listed side by side; default 4 */
    int page_size;                       /* default 99 */
    const char *const *only_connections; /* list just these (NULL: all) */
    size_t n_only;
    /* Narrowed to the accounts the view's text filter (view.h: a case-insensitive substring of
     * identifier, id or connection) can keep for this text, when listing_query_plan says the
     * server can find them all (NULL or anything else: everything is listed). Then, after the
     * connections: each connection whose name holds the text is listed whole, and the others'
     * accounts come from GET /connected_accounts:search (pages of 30; one search per connection,
     * by connection_id, when some are left out and at most 8 remain, else one over all), with
     * the same loop guards as a listing. Search rows reach
     * sink.page with connection NULL, and no connection_done: a narrowed listing is not
     * a connection's whole content. */
    const char *query;
} listing_opts;

/* What a narrowed listing can do with a text (the view's predicate, the API's search). */
typedef enum {
    LISTING_QUERY_SEARCH,   /* 3..200 characters, found by the search: narrowed */
    LISTING_QUERY_NONE,     /* no text (NULL or "") */
    LISTING_QUERY_SHORT,    /* under 3 characters: the search refuses it */
    LISTING_QUERY_LONG,     /* over 200 characters: the search refuses it */
    /* Could be part of an account id (ids are "ca_" and digits: "1234", "_12", "ca_") but is
     * not a whole one: the search matches whole ids only, so everything must be listed. A
     * whole id ("ca_123", lower case) is searched: it finds that account, but not another id
     * that merely begins with it (ca_1234), which a full listing would also keep: rare with
     * ids of 17 to 20 digits, possible in principle. */
    LISTING_QUERY_ID_PART,
} listing_query_kind;
listing_query_kind listing_query_plan(const char *text);
/* Why a text cannot narrow a listing, to follow the text ("is under 3 characters, ..."); ""
 * for SEARCH. */
const char *listing_query_why(listing_query_kind k);

typedef struct sk_listing sk_listing;

/* NULL only when out of memory. done() runs exactly once; it may run before listing_start
 * returns if the first request cannot even be queued. The sink may call listing_free from
 * done() (and from nowhere else inside its callbacks). */
sk_listing *listing_start(sk_client *c, const listing_opts *o, const sk_sink *sink, void *ud);
bool listing_running(const sk_listing *l);
/* True while a listing with a query is narrowed by it: false without one, for a text the
 * search cannot answer for, and once /connections/app turned out missing (then everything is
 * listed: the connections' names, which the text may match, are not known). */
bool listing_narrowed(const sk_listing *l);
/* Human summary of what is in flight, e.g. "gmail 3/12 pages, 4 connections left". */
void listing_progress(const sk_listing *l, char *buf, size_t n);
/* Cancels what is in flight; done() is called with SK_ERR_CANCELLED. */
void listing_cancel(sk_listing *l);
/* Cancels first if still running (done() then runs with SK_ERR_CANCELLED). */
void listing_free(sk_listing *l);

/* A damaged answer (a body that does not parse, or rows with fields missing or of the wrong
 * type) is asked for again after a backoff (100 ms, doubling; at most 4 times): the event loop
 * calls listing_step after client_step, and waits no longer than listing_next_timer_ms. */
bool listing_step(sk_listing *l);   /* true: it queued requests (client_step before waiting) */
/* Milliseconds until a retry is due (0: now), -1 when none is waiting. */
long listing_next_timer_ms(const sk_listing *l);

/* Pages requested so far (benchmarks), and damaged answers asked for again. */
unsigned long listing_pages(const sk_listing *l);
unsigned long listing_damaged_retries(const sk_listing *l);

#endif
