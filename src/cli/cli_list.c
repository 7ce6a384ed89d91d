/* cli_list.c: `skdash list` and `skdash connections`: every account listed into a store, then
 * filtered and sorted with the dashboard's own view, written as a table, JSON or CSV. */
#include "cli_cmd.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli_fetch.h"
#include "cli_out.h"
#include "cli_select.h"
#include "cli_table.h"
#include "store.h"
#include "buf.h"
#include "csv.h"
#include "sk_time.h"
#include "text.h"
#include "view.h"

#define MAX_ONLY CLI_MAX_CONNECTIONS   /* the -c flag refuses more */

typedef struct list_args {
    const char *only[MAX_ONLY];
    size_t n_only;
    unsigned state_mask;
    const char *query;
    cli_format fmt;
    cli_selection sel;   /* --expiring-within, --unused-for, --view (cli_select.h) */
} list_args;

/* ---- arguments ---- */

/* The parser has checked every value against the flags of `list` (cli_commands.c). */
static int list_args_of(const cli_parsed *p, list_args *la)
{
    memset(la, 0, sizeof *la);
    la->fmt = cli_format_of(p, CLI_FMT_TABLE);
    la->n_only = cli_flag_values(p, CLI_F_CONNECTION, la->only, MAX_ONLY);
    for (int k = 0; k < p->n_hits; k++) {
        sk_state st;
        if (p->hits[k].flag->id == CLI_F_STATE && state_parse(p->hits[k].value, &st))
            la->state_mask |= 1u << st;
    }
    la->query = cli_flag_value(p, CLI_F_QUERY, NULL);
    if (la->query && strlen(la->query) >= SK_FILTER_MAX)
        return cli_usage("-q text is too long");
    if (!la->state_mask)
        la->state_mask = SK_ALL_STATES;
    return cli_selection_of(p, &la->sel);
}

/* ---- fetching ---- */

static int fetch(const cli_globals *g, const list_args *la, cli_session *s, sk_store **out)
{
    int rc = cli_connect(g, s);
    if (rc)
        return rc;
    sk_store *store = store_new();
    if (!store) {
        cli_error("out of memory");
        return SK_EXIT_API;
    }
    listing_opts o = { .concurrency = g->concurrency, .page_size = 99 };
    if (la && la->n_only) {
        o.only_connections = la->only;
        o.n_only = la->n_only;
    }
    /* -q narrows on the server when it can; the view's filter then keeps exactly what it would
     * keep of the whole listing (listing.h says which texts the server can find). */
    char note[SK_FILTER_MAX + 160];
    const char *slow = NULL;
    if (la && la->query) {
        o.query = la->query;
        listing_query_kind k = listing_query_plan(la->query);
        if (k != LISTING_QUERY_SEARCH && k != LISTING_QUERY_NONE) {
            text_safe_format(note, sizeof note, "-q '%s' %s: listing every account%s",
                             la->query, listing_query_why(k),
                             la->n_only ? " of the -c connections" : "");
            slow = note;
        }
    }
    sk_error err;
    if (cli_fetch_noting(s->client, &o, store, slow, &err) != SK_OK) {
        store_free(store);
        return cli_fail(&err);
    }
    *out = store;
    return SK_EXIT_OK;
}

/* ---- the rows of `list`, in order ---- */

typedef struct ordered { sk_row row; size_t conn, pos; } ordered;

static int cmp_ordered(const void *x, const void *y)
{
    const ordered *a = x, *b = y;
    if (a->conn != b->conn)
        return a->conn < b->conn ? -1 : 1;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* The view sorts by identifier; rows are then grouped by connection in the store's order
 * (the order the API gave), keeping that sort within each connection. */
static ordered *select_rows(const sk_store *st, const list_args *la, size_t *n)
{
    sk_view_spec spec;
    view_spec_init(&spec);
    spec.state_mask = la->state_mask;
    spec.sort = SK_SORT_IDENTIFIER;
    if (la->query)
        snprintf(spec.text, sizeof spec.text, "%s", la->query);
    if (la->n_only <= SK_VIEW_MAX_CONNS) {
        for (size_t i = 0; i < la->n_only; i++)
            snprintf(spec.connections[i], sizeof spec.connections[i], "%s", la->only[i]);
        spec.n_connections = la->n_only;
    }
    sk_view v;
    view_init(&v);
    ordered *o = NULL;
    int64_t now = time_now();
    if (view_update(&v, st, &spec) == SK_OK && (o = calloc(v.n + 1, sizeof *o))) {
        size_t kept = 0;
        for (size_t i = 0; i < v.n; i++) {
            sk_account acc;
            store_get(st, v.rows[i], &acc);
            if (!cli_selection_keeps(&la->sel, &acc, now))
                continue;
            size_t c = acc.connector ? store_connection_find(st, acc.connector) : (size_t)-1;
            o[kept++] = (ordered){ v.rows[i], c, i };
        }
        qsort(o, kept, sizeof *o, cmp_ordered);
        *n = kept;
    }
    view_free(&v);
    return o;
}

/* ---- writers ---- */

static void write_json(const sk_store *st, const ordered *o, size_t n)
{
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        sk_account a;
        store_get(st, o[i].row, &a);
        json_object_array_add(arr, out_account_json(&a));
    }
    out_json_print(stdout, arr);
    json_object_put(arr);
}

/* One CSV line on stdout, written by the core's CSV writer (csv.h), which `:export` in the
 * dashboard shares. */
static void csv_print(const sk_buf *b)
{
    if (b->s)
        fputs(b->s, stdout);
}

static void csv_line_out(const char *const *fields, int n)
{
    sk_buf b;
    buf_init(&b);
    csv_line(&b, fields, n);
    csv_print(&b);
    buf_free(&b);
}

static void write_csv(const sk_store *st, const ordered *o, size_t n)
{
    sk_buf b;
    buf_init(&b);
    csv_account_header(&b);
    csv_print(&b);
    for (size_t i = 0; i < n; i++) {
        sk_account a;
        store_get(st, o[i].row, &a);
        buf_reset(&b);
        csv_account_row(&b, &a);
        csv_print(&b);
    }
    buf_free(&b);
}

enum { COL_CONN, COL_IDENT, COL_STATE, COL_AUTH, COL_TOKEN, COL_USED, COL_UPDATED, COL_ID, NCOLS };

static cli_table *list_table(void)
{
    static const char *const head[NCOLS] = { "CONNECTION", "IDENTIFIER", "STATE", "AUTH",
        "TOKEN EXPIRES", "LAST USED", "UPDATED", "ID" };
    cli_table *t = table_new(NCOLS, head);
    if (!t)
        return NULL;
    /* The identifier gives way first, then the id goes (a cut id is of no use), the long
     * headers of the time columns are cut, the state keeps only its name, and so on. */
    table_shrink(t, COL_IDENT, 0, 24);
    table_shrink(t, COL_ID, 1, 0);
    table_shrink(t, COL_TOKEN, 2, TABLE_MIN_CONTENT);
    table_shrink(t, COL_USED, 2, TABLE_MIN_CONTENT);
    table_shrink(t, COL_UPDATED, 2, TABLE_MIN_CONTENT);
    table_shrink(t, COL_STATE, 3, 7);
    table_shrink(t, COL_AUTH, 4, 5);
    table_shrink(t, COL_IDENT, 5, 12);
    table_shrink(t, COL_CONN, 6, 8);
    /* Narrow terminals: the times go, then the auth, before the identifier is cut short. */
    table_shrink(t, COL_USED, 7, 0);
    table_shrink(t, COL_UPDATED, 8, 0);
    table_shrink(t, COL_TOKEN, 9, 0);
    table_shrink(t, COL_AUTH, 10, 0);
    table_shrink(t, COL_IDENT, 11, 4);
    table_header_short(t, COL_TOKEN, "TOKEN");
    table_header_short(t, COL_USED, "USED");
    return t;
}

static bool table_account(cli_table *t, const sk_account *a, int64_t now)
{
    char tok[32], used[32], upd[32];
    time_relative(a->token_expires_at, now, tok, sizeof tok);
    time_relative(a->last_used_at, now, used, sizeof used);
    if (a->last_used_at == SK_TIME_ABSENT)
        snprintf(used, sizeof used, "never");   /* as the dashboard says, and the Unused view keeps */
    time_relative(a->updated_at, now, upd, sizeof upd);
    sk_buf st;
    buf_init(&st);
    out_state_label(&st, a);
    const char *cells[NCOLS] = { a->connector, a->identifier, st.s, a->authorization_type,
                                 tok, used, upd, a->id };
    const char *shorts[NCOLS] = { 0 };
    shorts[COL_STATE] = state_name(a->state);
    const char *sgr[NCOLS] = { 0 };
    sgr[COL_STATE] = out_state_sgr(a->state);
    bool ok = table_add_row(t, cells, shorts, sgr);
    buf_free(&st);
    return ok;
}

/* Prints and frees a table built whole (ok); one that ran out of memory (t NULL or !ok)
 * prints nothing but the error: half a table would pass for the whole list. */
static int table_finish(const cli_globals *g, cli_table *t, bool ok)
{
    ok = ok && t;
    if (ok)
        table_print(t, stdout, cli_term_width(), cli_color_enabled(g), text_locale_utf8());
    table_free(t);
    if (ok)
        return SK_EXIT_OK;
    cli_error("out of memory");
    return SK_EXIT_API;
}

static int write_table(const cli_globals *g, const sk_store *st, const ordered *o, size_t n)
{
    cli_table *t = list_table();
    bool ok = t != NULL;
    int64_t now = time_now();
    for (size_t i = 0; i < n && ok; i++) {
        sk_account a;
        store_get(st, o[i].row, &a);
        ok = table_account(t, &a, now);
    }
    return table_finish(g, t, ok);
}

/* A -c name the API does not know is most likely a typo: say so rather than print nothing.
 * (Without /connections/app, connections are only known from accounts: no check then.) */
static int check_connections(const sk_store *st, const list_args *la)
{
    bool api_known = false;
    for (size_t i = 0; i < store_connection_count(st) && !api_known; i++) {
        sk_conn_summary c;
        store_connection(st, i, &c);
        api_known = c.from_api;
    }
    for (size_t i = 0; api_known && i < la->n_only; i++) {
        if (store_connection_find(st, la->only[i]) == (size_t)-1) {
            /* The same name in another case is most likely what was meant: say which. */
            const char *near = NULL;
            for (size_t k = 0; k < store_connection_count(st) && !near; k++) {
                sk_conn_summary c;
                store_connection(st, k, &c);
                if (c.name && strcasecmp(c.name, la->only[i]) == 0)
                    near = c.name;
            }
            if (near)
                cli_error("no connection named '%s' (see skdash connections): did you mean "
                          "'%s'?", la->only[i], near);
            else
                cli_error("no connection named '%s' (see skdash connections)", la->only[i]);
            return SK_EXIT_NOT_FOUND;
        }
    }
    return SK_EXIT_OK;
}

int cmd_list(const cli_globals *g, const cli_parsed *p)
{
    list_args la;
    int rc = list_args_of(p, &la);
    if (rc)
        return rc;
    cli_session s;
    sk_store *st = NULL;
    rc = fetch(g, &la, &s, &st);
    if (rc == SK_EXIT_OK)
        rc = check_connections(st, &la);
    if (rc == SK_EXIT_OK) {
        size_t n = 0;
        ordered *o = select_rows(st, &la, &n);
        if (!o) {
            cli_error("out of memory");
            rc = SK_EXIT_API;
        } else if (la.fmt == CLI_FMT_JSON) {
            write_json(st, o, n);
        } else if (la.fmt == CLI_FMT_CSV) {
            write_csv(st, o, n);
        } else {
            rc = write_table(g, st, o, n);
        }
        free(o);
    }
    if (st)
        store_free(st);
    cli_disconnect(&s);
    return rc;
}

/* ---- connections ---- */

static const char *const conn_keys[] = { "pending", "active", "expired", "revoked", "error" };

static void connections_json(const sk_store *st)
{
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; i < store_connection_count(st); i++) {
        sk_conn_summary c;
        store_connection(st, i, &c);
        struct json_object *o = json_object_new_object();
        out_json_str(o, "name", c.name);
        out_json_str(o, "id", c.id);
        out_json_str(o, "provider", c.provider);
        out_json_str(o, "type", c.type);
        for (int k = 0; k < SK_STATE_COUNT; k++)
            json_object_object_add(o, conn_keys[k], json_object_new_int64((int64_t)c.count[k]));
        json_object_object_add(o, "total", json_object_new_int64((int64_t)c.total));
        json_object_array_add(arr, o);
    }
    out_json_print(stdout, arr);
    json_object_put(arr);
}

/* A connection's counts per state, then its total, as text: the cells of CSV and table. */
typedef struct conn_counts {
    char v[SK_STATE_COUNT + 1][24];
} conn_counts;

static void conn_counts_of(const sk_conn_summary *c, conn_counts *n)
{
    for (int k = 0; k < SK_STATE_COUNT; k++)
        snprintf(n->v[k], sizeof n->v[k], "%zu", c->count[k]);
    snprintf(n->v[SK_STATE_COUNT], sizeof n->v[0], "%zu", c->total);
}

static void connections_csv(const sk_store *st)
{
    static const char *const head[] = { "name", "id", "provider", "type", "pending", "active",
                                        "expired", "revoked", "error", "total" };
    csv_line_out(head, 10);
    for (size_t i = 0; i < store_connection_count(st); i++) {
        sk_conn_summary c;
        store_connection(st, i, &c);
        conn_counts n;
        conn_counts_of(&c, &n);
        const char *f[] = { c.name, c.id, c.provider, c.type, n.v[0], n.v[1], n.v[2], n.v[3],
                            n.v[4], n.v[5] };
        csv_line_out(f, 10);
    }
}

static int connections_table(const cli_globals *g, const sk_store *st)
{
    static const char *const head[] = { "CONNECTION", "PROVIDER", "TYPE", "PENDING", "ACTIVE",
                                        "EXPIRED", "REVOKED", "ERROR", "TOTAL" };
    cli_table *t = table_new(9, head);
    if (!t)
        return table_finish(g, t, false);
    /* Whole connection names at 80 columns: a name is what the other commands take, so the
     * provider gives way first, then the type, then the counts' headers (PEND, ACT...); the
     * name is cut only when nothing else is left to give. */
    static const char *const shrt[] = { "PEND", "ACT", "EXP", "REV", "ERR", "TOT" };
    table_shrink(t, 1, 0, 0);
    table_shrink(t, 2, 1, 0);
    for (int k = 3; k < 9; k++) {
        table_align_right(t, k);
        table_header_short(t, k, shrt[k - 3]);
        table_shrink(t, k, 2, TABLE_MIN_CONTENT);
    }
    bool ok = true;
    for (size_t i = 0; i < store_connection_count(st) && ok; i++) {
        sk_conn_summary c;
        store_connection(st, i, &c);
        conn_counts n;
        conn_counts_of(&c, &n);
        const char *cells[] = { c.name, c.provider, c.type, n.v[0], n.v[1], n.v[2], n.v[3],
                                n.v[4], n.v[5] };
        ok = table_add_row(t, cells, NULL, NULL);
    }
    return table_finish(g, t, ok);
}

int cmd_connections(const cli_globals *g, const cli_parsed *p)
{
    cli_format fmt = cli_format_of(p, CLI_FMT_TABLE);
    cli_session s;
    sk_store *st = NULL;
    int rc = fetch(g, NULL, &s, &st);
    if (rc == SK_EXIT_OK) {
        if (fmt == CLI_FMT_JSON)
            connections_json(st);
        else if (fmt == CLI_FMT_CSV)
            connections_csv(st);
        else
            rc = connections_table(g, st);
    }
    if (st)
        store_free(st);
    cli_disconnect(&s);
    return rc;
}
