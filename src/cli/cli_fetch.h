/* cli_fetch.h: list every account (or those of some connections) into a store, synchronously,
 * for the CLI's `list` and `connections`. */
#ifndef CLI_FETCH_H
#define CLI_FETCH_H

#include "client.h"
#include "listing.h"
#include "store.h"

/* Runs the client until the listing ends. SK_OK only when every page of every connection
 * arrived whole; otherwise err says what failed (the store may hold part of the data), e.g.
 * "the server sent N damaged rows (fields missing or of the wrong type)" (store_sink.h). */
sk_status cli_fetch_all(sk_client *c, const listing_opts *o, sk_store *store, sk_error *err);
/* The same; once the listing has asked for more than CLI_SLOW_PAGES pages, slow_note (when not
 * NULL) goes to stderr as "skdash: note: <slow_note> (over N pages so far)": why a listing
 * that could have been narrowed is not. */
#define CLI_SLOW_PAGES 10
sk_status cli_fetch_noting(sk_client *c, const listing_opts *o, sk_store *store,
                           const char *slow_note, sk_error *err);

#endif
