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

/* ---- writers ---- */

static void write_json(const sk_store *st, const sk_row *rows, size_t n)
{
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        sk_account a;
        store_get(st, rows[i], &a);
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

static void write_csv(const sk_store *st, const sk_row *rows, size_t n)
{
    sk_buf b;
    buf_init(&b);
    csv_account_header(&b);
    csv_print(&b);
    for (size_t i = 0; i < n; i++) {
        sk_account a;
        store_get(st, rows[i], &a);
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

static int write_table(const cli_globals *g, const sk_store *st, const sk_row *rows, size_t n)
{
    cli_table *t = list_table();
    bool ok = t != NULL;
    int64_t now = time_now();
    for (size_t i = 0; i < n && ok; i++) {
        sk_account a;
        store_get(st, rows[i], &a);
        ok = table_account(t, &a, now);
    }
    return table_finish(g, t, ok);
}

int cmd_list(const cli_globals *g, const cli_parsed *p)
{
    /* The selection flags, the listing (narrowed on the server by -c and -q when it can) and
     * the rows kept, in order, are those of every command over a selection (cli_select.h). */
    cli_selection sel;
    int rc = cli_selection_of(p, &sel);
    if (rc)
        return rc;
    cli_format fmt = cli_format_of(p, CLI_FMT_TABLE);
    cli_session s;
    if ((rc = cli_connect(g, &s)) != 0)
        return rc;
    cli_picked pk;
    rc = cli_select_accounts(g, &s, &sel, &pk);
    if (rc == SK_EXIT_OK) {
        if (fmt == CLI_FMT_JSON)
            write_json(pk.store, pk.rows, pk.n);
        else if (fmt == CLI_FMT_CSV)
            write_csv(pk.store, pk.rows, pk.n);
        else
            rc = write_table(g, pk.store, pk.rows, pk.n);
        cli_picked_free(&pk);
    }
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
    int rc = cli_connect(g, &s);
    if (rc)
        return rc;
    /* Every account, listed as any selection is (counted per connection and state). */
    cli_selection all;
    memset(&all, 0, sizeof all);
    all.state_mask = SK_ALL_STATES;
    cli_picked pk;
    rc = cli_select_accounts(g, &s, &all, &pk);
    sk_store *st = pk.store;
    if (rc == SK_EXIT_OK) {
        if (fmt == CLI_FMT_JSON)
            connections_json(st);
        else if (fmt == CLI_FMT_CSV)
            connections_csv(st);
        else
            rc = connections_table(g, st);
        cli_picked_free(&pk);
    }
    cli_disconnect(&s);
    return rc;
}
