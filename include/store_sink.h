/* store_sink.h: a listing poured into a store, with the one policy both front ends follow for
 * damaged answers: a damaged page is dropped whole, nothing is swept after one, the listing fails. */
#ifndef STORE_SINK_H
#define STORE_SINK_H

#include <stdbool.h>
#include <stddef.h>

#include "listing.h"
#include "store.h"

/* What the sink tells its owner. Both optional. */
typedef struct sk_store_sink_hooks {
    /* Rows or connections in the store changed (the dashboard marks itself for a redraw). */
    void (*changed)(void *ud);
    /* The listing is over. err: the listing's own error if it failed; else out of memory if
     * a page could not be stored; else SK_ERR_PARSE "the server sent N damaged rows (fields
     * missing or of the wrong type)"; else SK_OK, and the store was swept (accounts no longer
     * on the server are gone). The owner may free the listing from here. */
    void (*done)(void *ud, const sk_error *err);
} sk_store_sink_hooks;

typedef struct sk_store_sink {
    sk_store *store;
    const sk_store_sink_hooks *hooks;
    void *ud;
    size_t damaged;     /* rows dropped as damaged in this listing */
    bool held;          /* a page was not stored (damaged, out of memory): sweep nothing */
    bool over;          /* done() ran */
    sk_error err;       /* what done() was told (SK_OK until then) */
} sk_store_sink;

/* Prepares s for one listing into store: counters cleared, store_begin_refresh(store) (so a
 * complete listing can sweep what the server no longer has). hooks may be NULL. */
void store_sink_begin(sk_store_sink *s, sk_store *store, const sk_store_sink_hooks *hooks,
                      void *ud);
/* The callbacks to hand listing_start, with ud = the sk_store_sink. */
const sk_sink *store_sink_callbacks(void);

/* A row the API never sends: no id or identifier, or listed under another connection than the
 * one asked for (connection NULL: any). A missing status is legal (it shows as ERROR). */
bool store_sink_row_damaged(const sk_account *r, const char *connection);

#endif
