/* cli_fetch.c: the whole environment (or some connections) listed into a store, for `list`
 * and `connections`, through the core's store sink: damaged pages fail it as in the dashboard. */
#include "cli_fetch.h"

#include <limits.h>
#include <stdio.h>

#include "listing.h"
#include "store_sink.h"

sk_status cli_fetch_all(sk_client *c, const listing_opts *o, sk_store *store, sk_error *err)
{
    return cli_fetch_noting(c, o, store, NULL, err);
}

sk_status cli_fetch_noting(sk_client *c, const listing_opts *o, sk_store *store,
                           const char *slow_note, sk_error *err)
{
    sk_store_sink sink;
    store_sink_begin(&sink, store, NULL, NULL);
    sk_listing *l = listing_start(c, o, store_sink_callbacks(), &sink);
    if (!l) {
        if (sink.err.status == SK_OK)
            sk_error_set(&sink.err, SK_ERR_NOMEM, "cannot start the listing");
        *err = sink.err;
        return err->status;
    }
    /* A listing queues its next pages from the callbacks; a damaged page waits for its retry
     * in the listing (listing_next_timer_ms), not in the client. */
    bool noted = false;
    for (;;) {
        client_step(c);
        if (!slow_note && o && o->query && !noted && !listing_narrowed(l) &&
            listing_query_plan(o->query) == LISTING_QUERY_SEARCH)
            slow_note = "-q: this server lists no connections (/connections/app), so the text "
                        "cannot be looked up: listing every account";
        if (slow_note && listing_pages(l) > CLI_SLOW_PAGES) {
            fprintf(stderr, "skdash: note: %s (over %d pages so far)\n", slow_note, CLI_SLOW_PAGES);
            slow_note = NULL;
            noted = true;
        }
        if (listing_step(l))
            continue;   /* a retry was queued: on the wire before any wait */
        long due = listing_next_timer_ms(l);
        if (sink.over || (client_pending(c) == 0 && due < 0))
            break;
        client_wait(c, NULL, 0, due < 0 ? -1 : due > INT_MAX ? INT_MAX : (int)due);
    }
    if (!sink.over) {
        listing_cancel(l);
        if (sink.err.status == SK_OK)
            sk_error_set(&sink.err, SK_ERR_API, "the listing stopped before it was complete");
    }
    listing_free(l);
    *err = sink.err;
    return err->status;
}
