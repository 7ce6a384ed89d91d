/* store_sink.c: the listing sink both front ends use to fill a store: pages stored as they
 * land, damaged ones dropped whole and counted, the store swept only after a clean listing. */
#include "store_sink.h"

#include <string.h>

/* Damaged rows come from a damaged answer (fields of the wrong type parse as absent): taking
 * them would overwrite good rows with holes. */
bool store_sink_row_damaged(const sk_account *r, const char *connection)
{
    if (!r->id || !r->identifier)
        return true;
    return connection && (!r->connector || strcmp(r->connector, connection) != 0);
}

static void changed(sk_store_sink *s)
{
    if (s->hooks && s->hooks->changed)
        s->hooks->changed(s->ud);
}

static void on_connections(void *ud, const sk_connection *rows, size_t n, bool from_api)
{
    sk_store_sink *s = ud;
    (void)from_api;
    for (size_t i = 0; i < n; i++)
        if (!rows[i].name) {
            s->damaged += n;
            s->held = true;
            return;
        }
    if (n)
        store_set_connections(s->store, rows, n);
    changed(s);
}

static void on_page(void *ud, const char *connection, const sk_account *rows, size_t n)
{
    sk_store_sink *s = ud;
    size_t bad = 0;
    for (size_t i = 0; i < n; i++)
        bad += store_sink_row_damaged(&rows[i], connection);
    if (bad) {
        /* The whole page is suspect: keep what was there, and sweep nothing this time. */
        s->damaged += bad;
        s->held = true;
        return;
    }
    if (store_upsert(s->store, rows, n) != SK_OK) {
        s->held = true;
        if (s->err.status == SK_OK)
            sk_error_set(&s->err, SK_ERR_NOMEM, "out of memory while loading accounts");
    }
    changed(s);
}

static void on_connection_done(void *ud, const char *connection)
{
    sk_store_sink *s = ud;
    /* This connection is complete: accounts no longer on the server go (unless a page was
     * dropped: then absent is not the same as deleted). */
    if (!s->held)
        store_sweep(s->store, connection);
    changed(s);
}

static void on_done(void *ud, const sk_error *err)
{
    sk_store_sink *s = ud;
    s->over = true;
    if (err->status != SK_OK)
        s->err = *err;
    else if (s->err.status == SK_OK && s->damaged)
        sk_error_set(&s->err, SK_ERR_PARSE, "the server sent %zu damaged rows (fields missing "
                     "or of the wrong type)", s->damaged);
    if (s->err.status == SK_OK)
        store_sweep(s->store, NULL);
    if (s->hooks && s->hooks->done)
        s->hooks->done(s->ud, &s->err);
}

static void on_expect(void *ud, size_t accounts)
{
    sk_store_sink *s = ud;
    store_reserve(s->store, accounts);   /* a hint: on failure rows simply grow later */
}

static const sk_sink callbacks = {
    on_connections, on_page, on_connection_done, on_done, on_expect
};

const sk_sink *store_sink_callbacks(void)
{
    return &callbacks;
}

void store_sink_begin(sk_store_sink *s, sk_store *store, const sk_store_sink_hooks *hooks,
                      void *ud)
{
    memset(s, 0, sizeof *s);
    s->store = store;
    s->hooks = hooks;
    s->ud = ud;
    sk_error_clear(&s->err);
    store_begin_refresh(store);
}
