/* tui_search.c: the dashboard's side of the server search (search.h): what the filter asks
 * for while no complete listing is behind the rows, and the footer's words for it. The rows
 * themselves are the store's (found rows), shown by the view like any other. */
#include "tui_app.h"

#include <stdio.h>
#include <string.h>

#include "search.h"

static void search_changed(void *ud)
{
    tui_app *a = ud;
    a->view_dirty = true;
    tui_draw_now(a);
}

/* A search helps only while what is shown is not a complete listing: the first listing is
 * still running, or the rows are the cache's. */
static bool search_useful(const tui_app *a)
{
    return !a->closing && (a->from_cache || a->last_refresh == SK_TIME_ABSENT);
}

/* One connection named by the filter or the pane: the search can ask within it. */
static const char *search_conn_id(const tui_app *a)
{
    if (a->spec.n_connections != 1)
        return NULL;
    size_t i = store_connection_find(a->store, a->spec.connections[0]);
    if (i == (size_t)-1)
        return NULL;
    sk_conn_summary cs;
    store_connection(a->store, i, &cs);
    return cs.id;
}

void search_follow(tui_app *a)
{
    bool useful = search_useful(a);
    if (!a->search) {
        if (!useful || !*a->spec.text)
            return;
        a->search = search_new(a->client, a->store, search_changed, a);
        if (!a->search)
            return;
    }
    /* The text part of the filter (state: and conn: tokens removed); they narrow the rows
     * found as they narrow every row, in the view. */
    search_want(a->search, useful ? a->spec.text : NULL, useful ? search_conn_id(a) : NULL);
}

void search_stop(tui_app *a)
{
    search_free(a->search);
    a->search = NULL;
}

/* Rows on screen that only a search has given so far (counted when the view changes). */
void search_count_shown(tui_app *a)
{
    a->view_found = 0;
    if (!store_found_count(a->store))
        return;
    for (size_t i = 0; i < a->view.n; i++)
        a->view_found += store_row_found(a->store, a->view.rows[i]);
}

bool search_footer(const tui_app *a, char *buf, size_t n, bool *is_error)
{
    *is_error = false;
    buf[0] = '\0';
    if (!a->search || !search_useful(a))
        return false;
    sk_search_state st;
    search_state(a->search, &st);
    if (!*st.text)
        return false;
    const char *behind = a->from_cache ? "cached rows, listing runs" : "listing runs";
    if (st.err.http_status == 404 || st.err.http_status == 501) {
        snprintf(buf, n, "the server offers no search (HTTP %ld); %s", st.err.http_status, behind);
    } else if (st.err.status != SK_OK && !a->view_found) {
        *is_error = true;
        snprintf(buf, n, "server search failed (%s); %s", st.err.message, behind);
    } else if (st.running && !st.found && !a->view_found) {
        snprintf(buf, n, "searching the server...; %s", behind);
    } else {
        snprintf(buf, n, "%zu from a server search%s; %s", a->view_found,
                 st.running ? "..." : "", behind);
    }
    return true;
}
