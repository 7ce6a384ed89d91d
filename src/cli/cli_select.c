/* cli_select.c: reading a selection off the command line and listing the accounts it keeps
 * (the same view and predicates as `list` and the dashboard's saved views). */
#include "cli_select.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli_fetch.h"
#include "duration.h"
#include "sk_time.h"
#include "text.h"
#include "view.h"

static const cli_flag_id narrowing[] = { CLI_F_CONNECTION, CLI_F_STATE, CLI_F_QUERY,
                                         CLI_F_EXPIRING, CLI_F_UNUSED, CLI_F_VIEW };

bool cli_selection_given(const cli_parsed *p)
{
    for (size_t k = 0; k < sizeof narrowing / sizeof narrowing[0]; k++)
        if (cli_flag_given(p, narrowing[k]))
            return true;
    return cli_flag_given(p, CLI_F_ALL);
}

static int duration_flag(const cli_parsed *p, cli_flag_id id, const char *name, int64_t *out)
{
    const char *v = cli_flag_value(p, id, NULL);
    if (!v)
        return SK_EXIT_OK;
    sk_error err;
    sk_error_clear(&err);
    if (duration_parse(v, out, &err) != SK_OK)
        return cli_usage("--%s: %s", name, err.message);
    return SK_EXIT_OK;
}

int cli_selection_of(const cli_parsed *p, cli_selection *sel)
{
    memset(sel, 0, sizeof *sel);
    sel->n_only = cli_flag_values(p, CLI_F_CONNECTION, sel->only, CLI_MAX_CONNECTIONS);
    for (int k = 0; k < p->n_hits; k++) {
        sk_state st;
        if (p->hits[k].flag->id == CLI_F_STATE && state_parse(p->hits[k].value, &st))
            sel->state_mask |= 1u << st;
    }
    if (!sel->state_mask)
        sel->state_mask = SK_ALL_STATES;
    sel->query = cli_flag_value(p, CLI_F_QUERY, NULL);
    if (sel->query && strlen(sel->query) >= SK_FILTER_MAX)
        return cli_usage("-q text is too long");
    int rc = duration_flag(p, CLI_F_EXPIRING, "expiring-within", &sel->expiring_within);
    if (!rc)
        rc = duration_flag(p, CLI_F_UNUSED, "unused-for", &sel->unused_for);
    if (rc)
        return rc;
    const char *view = cli_flag_value(p, CLI_F_VIEW, NULL);
    if (view && !(sel->view = saved_view_find(view)))
        return cli_usage("--view: no view named '%s' (all, attention, expiring, unused)", view);
    for (size_t k = 0; k < sizeof narrowing / sizeof narrowing[0]; k++)
        sel->narrows = sel->narrows || cli_flag_given(p, narrowing[k]);
    sel->all = cli_flag_given(p, CLI_F_ALL);
    return SK_EXIT_OK;
}

bool cli_selection_keeps(const cli_selection *sel, const sk_account *a, int64_t now)
{
    if (sel->expiring_within && !account_expiring_within(a, now, sel->expiring_within))
        return false;
    if (sel->unused_for && !account_unused_for(a, now, sel->unused_for))
        return false;
    return !sel->view || saved_view_keeps(sel->view, a, now);
}

/* A -c name the API does not know is most likely a typo (as `list` says it). Without
 * /connections/app the connections are only known from accounts: no check then. */
static int check_connections(const sk_store *st, const cli_selection *sel)
{
    bool api_known = false;
    for (size_t i = 0; i < store_connection_count(st) && !api_known; i++) {
        sk_conn_summary c;
        store_connection(st, i, &c);
        api_known = c.from_api;
    }
    for (size_t i = 0; api_known && i < sel->n_only; i++) {
        if (store_connection_find(st, sel->only[i]) != (size_t)-1)
            continue;
        const char *near = NULL;
        for (size_t k = 0; k < store_connection_count(st) && !near; k++) {
            sk_conn_summary c;
            store_connection(st, k, &c);
            if (c.name && strcasecmp(c.name, sel->only[i]) == 0)
                near = c.name;
        }
        if (near)
            cli_error("no connection named '%s' (see skdash connections): did you mean '%s'?",
                      sel->only[i], near);
        else
            cli_error("no connection named '%s' (see skdash connections)", sel->only[i]);
        return SK_EXIT_NOT_FOUND;
    }
    return SK_EXIT_OK;
}

typedef struct ordered { sk_row row; size_t conn, pos; } ordered;

static int cmp_ordered(const void *x, const void *y)
{
    const ordered *a = x, *b = y;
    if (a->conn != b->conn)
        return a->conn < b->conn ? -1 : 1;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* The view filters (states, text, connections) and sorts by identifier; the durations and the
 * saved view then narrow; rows are grouped by connection in the store's order, as list does. */
static bool pick_rows(const sk_store *st, const cli_selection *sel, cli_picked *out)
{
    sk_view_spec spec;
    view_spec_init(&spec);
    spec.state_mask = sel->state_mask;
    spec.sort = SK_SORT_IDENTIFIER;
    if (sel->query)
        snprintf(spec.text, sizeof spec.text, "%s", sel->query);
    if (sel->n_only <= SK_VIEW_MAX_CONNS) {
        for (size_t i = 0; i < sel->n_only; i++)
            snprintf(spec.connections[i], sizeof spec.connections[i], "%s", sel->only[i]);
        spec.n_connections = sel->n_only;
    }
    sk_view v;
    view_init(&v);
    ordered *o = NULL;
    size_t n = 0;
    int64_t now = time_now();
    bool ok = view_update(&v, st, &spec) == SK_OK && (o = calloc(v.n + 1, sizeof *o)) &&
              (out->rows = calloc(v.n + 1, sizeof *out->rows));
    for (size_t i = 0; ok && i < v.n; i++) {
        sk_account acc;
        store_get(st, v.rows[i], &acc);
        if (!cli_selection_keeps(sel, &acc, now))
            continue;
        size_t c = acc.connector ? store_connection_find(st, acc.connector) : (size_t)-1;
        o[n] = (ordered){ v.rows[i], c, i };
        n++;
    }
    if (ok) {
        qsort(o, n, sizeof *o, cmp_ordered);
        for (size_t i = 0; i < n; i++)
            out->rows[i] = o[i].row;
        out->n = n;
    }
    free(o);
    view_free(&v);
    return ok;
}

int cli_select_accounts(const cli_globals *g, cli_session *s, const cli_selection *sel,
                        cli_picked *out)
{
    memset(out, 0, sizeof *out);
    if (!(out->store = store_new())) {
        cli_error("out of memory");
        return SK_EXIT_API;
    }
    listing_opts o = { .concurrency = g->concurrency, .page_size = 99 };
    if (sel->n_only) {
        o.only_connections = sel->only;
        o.n_only = sel->n_only;
    }
    /* -q narrows on the server when it can (listing.h says which texts it can find); the view
     * then keeps exactly what it would keep of the whole listing. When it cannot, every
     * account is listed, and a listing that turns out long says why on stderr. */
    o.query = sel->query;
    char note[SK_FILTER_MAX + 160];
    const char *slow = NULL;
    if (sel->query) {
        listing_query_kind k = listing_query_plan(sel->query);
        if (k != LISTING_QUERY_SEARCH && k != LISTING_QUERY_NONE) {
            text_safe_format(note, sizeof note, "-q '%s' %s: listing every account%s",
                             sel->query, listing_query_why(k),
                             sel->n_only ? " of the -c connections" : "");
            slow = note;
        }
    }
    sk_error err;
    sk_error_clear(&err);
    if (cli_fetch_noting(s->client, &o, out->store, slow, &err) != SK_OK) {
        cli_picked_free(out);
        return cli_fail(&err);
    }
    int rc = check_connections(out->store, sel);
    if (rc) {
        cli_picked_free(out);
        return rc;
    }
    if (!pick_rows(out->store, sel, out)) {
        cli_picked_free(out);
        cli_error("out of memory");
        return SK_EXIT_API;
    }
    return SK_EXIT_OK;
}

void cli_picked_free(cli_picked *p)
{
    if (p->store)
        store_free(p->store);
    free(p->rows);
    memset(p, 0, sizeof *p);
}
