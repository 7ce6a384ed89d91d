/* search.h: a server search kept in step with what the user types, for a listing that is not
 * complete yet: one request in flight, the latest text wins, a few pages followed, and the
 * accounts found poured into the store as "found" rows (store_upsert_found), where the
 * listing's own rows replace them when it reaches them. The store stays the one source of
 * truth: a view shows found rows like any other, once each (the store holds an id once). */
#ifndef SEARCH_H
#define SEARCH_H

#include <stdbool.h>
#include <stddef.h>

#include "api.h"
#include "store.h"

#define SK_SEARCH_MIN 3          /* the API's bounds on `query` (characters) */
#define SK_SEARCH_MAX 200
#define SK_SEARCH_PAGE 30        /* the API's largest search page */
#define SK_SEARCH_PAGES 4        /* pages followed for one text: at most 120 accounts */

typedef struct sk_search sk_search;

/* How a search reaches the server: api_search_accounts by default; tests put their own. */
typedef sk_request *(*sk_search_send_fn)(void *send_ud, const char *query,
                                         const char *connection_id, int page_size,
                                         const char *page_token, api_accounts_fn cb, void *ud);

/* Whether a request has not left yet (client_request_unsent), and cancelling it. */
typedef bool (*sk_search_unsent_fn)(void *send_ud, sk_request *r);
typedef void (*sk_search_cancel_fn)(void *send_ud, sk_request *r);

/* changed(ud) runs when found rows landed in the store or the search's state changed. */
sk_search *search_new(sk_client *c, sk_store *store, void (*changed)(void *ud), void *ud);
void search_set_sender(sk_search *s, sk_search_send_fn fn, sk_search_unsent_fn unsent,
                       sk_search_cancel_fn cancel, void *send_ud);
/* Cancels what is in flight (its answer is dropped) and frees. */
void search_free(sk_search *s);

/* What the user wants searched now: text of SK_SEARCH_MIN..SK_SEARCH_MAX characters (else, or
 * NULL: nothing), optionally within one connection (its conn_ id, NULL: all). When a search
 * is in flight the new text waits; the old answer, when it lands, is dropped and the newest
 * text is sent. A request that has not left yet (it waits for the token) is replaced at once
 * instead. The same text again changes nothing. Once the server has answered 404 or 501 (no
 * search there) nothing more is sent; the state keeps that error. */
void search_want(sk_search *s, const char *text, const char *connection_id);

typedef struct sk_search_state {
    const char *text;     /* the text whose results are in the store ("" none yet) */
    bool running;         /* a request is in flight (for that text or a newer one) */
    bool complete;        /* every page for `text` came (or the page bound was reached) */
    size_t found;         /* accounts the answers for `text` held */
    unsigned long sent;   /* requests sent in all (tests: no storm) */
    sk_error err;         /* the last failure for the wanted text (SK_OK none) */
} sk_search_state;
void search_state(const sk_search *s, sk_search_state *out);

#endif
