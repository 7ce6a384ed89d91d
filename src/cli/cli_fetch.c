/* cli_fetch.c: the whole environment (or some connections) listed into a store, for `list`
 * and `connections`: the store is the sink, the client runs until the listing is done. */
#include "cli_fetch.h"

#include "listing.h"

typedef struct fetch_state {
    sk_store *store;
    bool done;
    sk_error err;
} fetch_state;

static void on_connections(void *ud, const sk_connection *rows, size_t n, bool from_api)
{
    fetch_state *f = ud;
    (void)from_api;
    if (n > 0)
        store_set_connections(f->store, rows, n);
}

static void on_page(void *ud, const char *connection, const sk_account *rows, size_t n)
{
    fetch_state *f = ud;
    (void)connection;
    if (store_upsert(f->store, rows, n) != SK_OK && f->err.status == SK_OK)
        sk_error_set(&f->err, SK_ERR_NOMEM, "out of memory while listing accounts");
}

static void on_connection_done(void *ud, const char *connection)
{
    (void)ud;
    (void)connection;
}

static void on_done(void *ud, const sk_error *err)
{
    fetch_state *f = ud;
    f->done = true;
    if (err && err->status != SK_OK && f->err.status == SK_OK)
        f->err = *err;
}

static void on_expect(void *ud, size_t accounts)
{
    fetch_state *f = ud;
    store_reserve(f->store, accounts);   /* a hint: on failure rows simply grow later */
}

sk_status cli_fetch_all(sk_client *c, const listing_opts *o, sk_store *store, sk_error *err)
{
    static const sk_sink sink = { on_connections, on_page, on_connection_done, on_done,
                                  on_expect };
    fetch_state f = { .store = store };
    sk_error_clear(&f.err);
    sk_listing *l = listing_start(c, o, &sink, &f);
    if (!l) {
        if (f.err.status == SK_OK)
            sk_error_set(&f.err, SK_ERR_NOMEM, "cannot start the listing");
        *err = f.err;
        return err->status;
    }
    /* client_run returns when nothing is pending; a listing queues its next pages from the
     * callbacks, so one call normally suffices; loop in case it paused between two. */
    while (!f.done && client_pending(c) > 0)
        client_run(c);
    if (!f.done) {
        listing_cancel(l);
        if (f.err.status == SK_OK)
            sk_error_set(&f.err, SK_ERR_API, "the listing stopped before it was complete");
    }
    listing_free(l);
    *err = f.err;
    return err->status;
}
