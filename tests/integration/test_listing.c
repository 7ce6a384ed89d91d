/* test_listing.c: listing a whole environment into a sink against a real skemu: every account
 * exactly once, bounded concurrency, the fallback without /connections/app, a listing narrowed
 * by a query (whole connections and the search), token renewal during a long listing, faults,
 * errors and cancellation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "client.h"
#include "config.h"
#include "listing.h"
#include "../support/skemu_fx.h"
#include "../support/skemu_proc.h"

/* ---------------------------------------------------------------- fixture */

/* skemu and a client on it that tries each request max_tries times. */
static void fx_start(skemu_fx *f, const char *const *args, int max_tries)
{
    sk_client_opts o;
    skemu_fx_fast_opts(&o, max_tries);
    skemu_fx_start(f, args, &o, NULL);
}

/* ---------------------------------------------------------------- a recording sink */

#define MAX_CONN 64

typedef struct rec {
    int connections_calls;
    bool from_api;
    size_t n_conns;
    char conn_names[MAX_CONN][64];
    int pages_before_connections;
    int pages;
    char **ids;
    size_t n_ids, cap_ids;
    int wrong_connector;         /* rows whose connector is not the page's connection */
    int page_for_done_conn;      /* pages that arrived after their connection_done */
    int done_calls[MAX_CONN];
    bool started[MAX_CONN];
    int open, max_open;          /* connections with pages seen but not done */
    size_t n_started;            /* connections with a page seen */
    int pages_all_started;       /* pages seen when the last connection's first one came */
    const char *follow;          /* a connection whose pages are watched: */
    int follow_pages, follow_gap, follow_last;   /* its pages, the most pages of others
                                                    between two of its own, where its last was */
    int done;
    int fallback_pages;
    sk_error err;
    char progress[256];
    bool free_in_done;
    sk_listing *l;
    size_t expected;             /* the last sink.expect hint */
    int expect_calls;
    const char *needle;          /* when set: rows holding it (identifier, id, connection) */
    size_t holding, not_holding;
} rec;

/* The view's text test, written out again: an ASCII case-insensitive substring. */
static bool ci_holds(const char *hay, const char *needle)
{
    size_t nl = strlen(needle);
    for (; hay && *hay; hay++) {
        size_t i = 0;
        while (i < nl && hay[i] &&
               (hay[i] | (hay[i] >= 'A' && hay[i] <= 'Z' ? 32 : 0)) ==
                   (needle[i] | (needle[i] >= 'A' && needle[i] <= 'Z' ? 32 : 0)))
            i++;
        if (i == nl)
            return true;
    }
    return false;
}

static int conn_index(rec *r, const char *name)
{
    for (size_t i = 0; i < r->n_conns; i++)
        if (strcmp(r->conn_names[i], name) == 0)
            return (int)i;
    if (r->n_conns < MAX_CONN) {   /* only_connections may name ones the API did not */
        snprintf(r->conn_names[r->n_conns], 64, "%s", name);
        return (int)r->n_conns++;
    }
    fail_msg("too many connections");
    return -1;
}

static void s_connections(void *ud, const sk_connection *rows, size_t n, bool from_api)
{
    rec *r = ud;
    r->connections_calls++;
    r->from_api = from_api;
    if (r->pages)
        r->pages_before_connections++;
    for (size_t i = 0; i < n && r->n_conns < MAX_CONN; i++)
        snprintf(r->conn_names[r->n_conns++], 64, "%s", rows[i].name ? rows[i].name : "");
}

static void s_page(void *ud, const char *connection, const sk_account *rows, size_t n)
{
    rec *r = ud;
    r->pages++;
    char text[256];
    if (r->l) {
        listing_progress(r->l, text, sizeof text);
        if (!r->progress[0] && text[0])
            snprintf(r->progress, sizeof r->progress, "%s", text);
    }
    if (connection) {
        int i = conn_index(r, connection);
        if (r->done_calls[i])
            r->page_for_done_conn++;
        if (!r->started[i]) {
            r->started[i] = true;
            r->open++;
            if (r->open > r->max_open)
                r->max_open = r->open;
            if (++r->n_started == r->n_conns) {
                r->pages_all_started = r->pages;
            }
        }
        if (r->follow && strcmp(connection, r->follow) == 0) {
            int gap = r->pages - r->follow_last - 1;
            if (r->follow_pages++ && gap > r->follow_gap)
                r->follow_gap = gap;
            r->follow_last = r->pages;
        }
    } else {
        r->fallback_pages++;
    }
    for (size_t k = 0; k < n; k++) {
        if (connection && (!rows[k].connector || strcmp(rows[k].connector, connection) != 0))
            r->wrong_connector++;
        if (r->n_ids == r->cap_ids) {
            r->cap_ids = r->cap_ids ? r->cap_ids * 2 : 1024;
            r->ids = realloc(r->ids, r->cap_ids * sizeof *r->ids);
            assert_non_null(r->ids);
        }
        if (r->needle) {
            /* Only the rows holding the needle are kept (the view's rows). */
            bool h = ci_holds(rows[k].identifier, r->needle) || ci_holds(rows[k].id, r->needle) ||
                     ci_holds(rows[k].connector, r->needle);
            r->holding += h;
            r->not_holding += !h;
            if (!h)
                continue;
        }
        r->ids[r->n_ids++] = strdup(rows[k].id ? rows[k].id : "");
    }
}

static void s_connection_done(void *ud, const char *connection)
{
    rec *r = ud;
    int i = conn_index(r, connection);
    r->done_calls[i]++;
    if (r->started[i])
        r->open--;
}

static void s_done(void *ud, const sk_error *err)
{
    rec *r = ud;
    r->done++;
    r->err = *err;
    if (r->free_in_done) {
        listing_free(r->l);
        r->l = NULL;
    }
}

static void s_expect(void *ud, size_t accounts)
{
    rec *r = ud;
    assert_true(accounts > r->expected);   /* it only grows */
    r->expected = accounts;
    r->expect_calls++;
}

static const sk_sink SINK = { s_connections, s_page, s_connection_done, s_done, s_expect };

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t rec_dups(rec *r)
{
    qsort(r->ids, r->n_ids, sizeof *r->ids, cmp_str);
    size_t d = 0;
    for (size_t i = 1; i < r->n_ids; i++)
        if (strcmp(r->ids[i], r->ids[i - 1]) == 0)
            d++;
    return d;
}

static void rec_free(rec *r)
{
    for (size_t i = 0; i < r->n_ids; i++)
        free(r->ids[i]);
    free(r->ids);
}

/* Runs the loop until the listing reports done (bounded). */
static void run_listing(sk_client *c, rec *r)
{
    for (int i = 0; !r->done && i < 200000; i++) {
        client_step(c);
        if (r->done)
            break;
        if (listing_step(r->l))   /* a damaged page asked again after its backoff */
            continue;
        long due = listing_next_timer_ms(r->l);
        client_wait(c, NULL, 0, due >= 0 && due < 1000 ? (int)due : 1000);
    }
    assert_int_equal(r->done, 1);
}

/* Accounts per connection, counted by the API itself (connector filter, total_size). */
typedef struct total_rx { bool done; long long total; sk_error err; } total_rx;

static void on_total(void *ud, const sk_account_page *p, const sk_error *err)
{
    total_rx *t = ud;
    t->done = true;
    t->err = *err;
    t->total = p ? p->total_size : -1;
}

static long long api_total(sk_client *c, const char *connector)
{
    total_rx t = { 0 };
    api_list_accounts(c, &(api_list_query){ .connector = connector, .page_size = 1 }, on_total, &t);
    while (!t.done) {
        client_step(c);
        if (!t.done)
            client_wait(c, NULL, 0, 1000);
    }
    assert_int_equal(t.err.status, SK_OK);
    return t.total;
}

/* ---------------------------------------------------------------- tests */

static void test_lists_10000_exactly_once(void **st)
{
    (void)st;
    const char *args[] = { "--generate", "10000", "--connections", "8", "--seed", "42", "--quiet",
                           NULL };
    skemu_fx f;
    fx_start(&f, args, 5);
    rec r = { 0 };
    listing_opts o = { .concurrency = 3 };
    r.l = listing_start(f.c, &o, &SINK, &r);
    assert_non_null(r.l);
    assert_true(listing_running(r.l));
    run_listing(f.c, &r);
    assert_int_equal(r.err.status, SK_OK);
    assert_false(listing_running(r.l));
    assert_int_equal(r.connections_calls, 1);
    assert_true(r.from_api);
    assert_int_equal(r.pages_before_connections, 0);
    assert_int_equal(r.n_conns, 8);
    assert_int_equal(r.n_ids, 10000);
    assert_int_equal(rec_dups(&r), 0);
    assert_int_equal(r.wrong_connector, 0);
    assert_int_equal(r.page_for_done_conn, 0);
    assert_true(r.max_open >= 2);   /* really side by side */
    assert_int_equal(r.fallback_pages, 0);
    long long sum = 0;
    for (size_t i = 0; i < r.n_conns; i++) {
        assert_int_equal(r.done_calls[i], 1);
        sum += api_total(f.c, r.conn_names[i]);
    }
    assert_int_equal(sum, 10000);
    assert_int_equal(r.expected, 10000);      /* the hint adds up the connections' totals */
    assert_int_equal(r.expect_calls, (int)r.n_conns);
    /* Pages: the connections page plus, per connection, ceil(total / 99) (>= 1). */
    assert_true(listing_pages(r.l) >= 10000 / 99 + 1);
    print_message("progress sample: %s\n", r.progress);
    assert_non_null(strstr(r.progress, " pages"));   /* e.g. "gmail 1/13 pages, ..." */
    char done_text[256];
    listing_progress(r.l, done_text, sizeof done_text);
    assert_non_null(strstr(done_text, "listed"));
    assert_int_equal(client_pending(f.c), 0);
    listing_free(r.l);
    rec_free(&r);
    skemu_fx_stop(&f);
}

/* A bounded step (the dashboard's): with a budget of 1 µs, or a key waiting on the break fd,
 * each client_step() delivers at most one page (unbounded, at 0 ms, one step takes dozens), and
 * the listing still delivers every account exactly once. */
static void test_step_budget(void **st)
{
    (void)st;
    const char *args[] = { "--generate", "3000", "--connections", "5", "--seed", "7", "--quiet",
                           NULL };
    skemu_fx f;
    fx_start(&f, args, 5);
    int key[2];
    assert_int_equal(pipe(key), 0);
    assert_int_equal(write(key[1], "j", 1), 1);   /* a key that nobody reads */
    for (int round = 0; round < 2; round++) {
        client_set_step_budget(f.c, round == 0 ? 1 : 1000000, round == 0 ? -1 : key[0]);
        rec r = { 0 };
        r.l = listing_start(f.c, &(listing_opts){ .concurrency = 4, .page_size = 25 }, &SINK, &r);
        assert_non_null(r.l);
        int most = 0;
        for (int i = 0; !r.done && i < 200000; i++) {
            int before = r.pages;
            client_step(f.c);
            if (r.pages - before > most)
                most = r.pages - before;
            if (r.done)
                break;
            if (listing_step(r.l))
                continue;
            client_wait(f.c, NULL, 0, 1000);
        }
        assert_int_equal(r.done, 1);
        assert_int_equal(r.err.status, SK_OK);
        assert_int_equal(most, 1);
        assert_int_equal(r.n_ids, 3000);
        assert_int_equal(rec_dups(&r), 0);
        listing_free(r.l);
        rec_free(&r);
    }
    client_set_step_budget(f.c, 0, -1);
    close(key[0]);
    close(key[1]);
    skemu_fx_stop(&f);
}

static void test_fallback_without_connections_endpoint(void **st)
{
    (void)st;
    const char *args[] = { "--generate", "500", "--connections", "5", "--no-connections-endpoint",
                           NULL };
    skemu_fx f;
    fx_start(&f, args, 5);
    rec r = { 0 };
    listing_opts o = { .concurrency = 4, .page_size = 50 };
    r.l = listing_start(f.c, &o, &SINK, &r);
    run_listing(f.c, &r);
    assert_int_equal(r.err.status, SK_OK);
    assert_int_equal(r.connections_calls, 1);
    assert_false(r.from_api);
    assert_int_equal(r.pages_before_connections, 0);
    assert_int_equal(r.n_ids, 500);
    assert_int_equal(rec_dups(&r), 0);
    assert_int_equal(r.fallback_pages, 10);
    assert_int_equal(r.pages, 10);
    for (int i = 0; i < MAX_CONN; i++)
        assert_int_equal(r.done_calls[i], 0);
    assert_true(skemu_log_count(&f.p, "/api/v1/connections/app") == 1);
    listing_free(r.l);
    rec_free(&r);
    skemu_fx_stop(&f);
}

/* One whole listing into r (its connections' names, in the API's order), the listing freed. */
static void list_everything(sk_client *c, rec *r)
{
    memset(r, 0, sizeof *r);
    r->l = listing_start(c, &(listing_opts){ 0 }, &SINK, r);
    run_listing(c, r);
    assert_int_equal(r->err.status, SK_OK);
    listing_free(r->l);
    r->l = NULL;
}

static void test_only_some_connections(void **st)
{
    (void)st;
    const char *args[] = { "--generate", "300", "--connections", "4", NULL };
    skemu_fx f;
    fx_start(&f, args, 5);
    rec first;
    list_everything(f.c, &first);
    const char *only[] = { first.conn_names[2] };
    long long want = api_total(f.c, only[0]);
    rec r = { 0 };
    r.l = listing_start(f.c, &(listing_opts){ .only_connections = only, .n_only = 1, .page_size = 7 },
                        &SINK, &r);
    run_listing(f.c, &r);
    assert_int_equal(r.err.status, SK_OK);
    assert_int_equal((long long)r.n_ids, want);
    assert_int_equal(r.wrong_connector, 0);
    assert_int_equal(r.done_calls[conn_index(&r, only[0])], 1);
    listing_free(r.l);
    rec_free(&first);
    rec_free(&r);
    skemu_fx_stop(&f);
}

/* A listing of `conns` connections (10,000 accounts, half of them in the largest) at 10 ms a
 * round trip, so that the network, not skemu's cost of a first page, sets the pace, with the
 * largest named at place `at` (the others in the API's order); r follows the largest. */
static void ordered_listing(const char *conns, size_t at, rec *r)
{
    const char *args[] = { "--generate", "10000", "--connections", conns, "--seed", "42",
                           "--quiet", "--latency-ms", "10", NULL };
    skemu_fx f;
    fx_start(&f, args, 5);
    rec all;
    list_everything(f.c, &all);
    size_t big = 0;
    for (size_t i = 1; i < all.n_conns; i++)
        if (api_total(f.c, all.conn_names[i]) > api_total(f.c, all.conn_names[big]))
            big = i;
    assert_true(api_total(f.c, all.conn_names[big]) >= 4000);   /* the generator's largest */
    const char *only[MAX_CONN];
    size_t n = 0;
    for (size_t i = 0; i < all.n_conns; i++)
        if (i != big)
            only[n++] = all.conn_names[i];
    assert_true(at <= n);
    memmove(&only[at + 1], &only[at], (n - at) * sizeof *only);
    only[at] = all.conn_names[big];
    n++;
    memset(r, 0, sizeof *r);
    static char big_name[64];   /* r->follow outlives `all` */
    snprintf(big_name, sizeof big_name, "%s", all.conn_names[big]);
    r->follow = big_name;
    r->l = listing_start(f.c, &(listing_opts){ .concurrency = 4, .only_connections = only,
                                               .n_only = n }, &SINK, r);
    run_listing(f.c, r);
    assert_int_equal(r->err.status, SK_OK);
    assert_int_equal(r->n_ids, 10000);
    assert_int_equal(rec_dups(r), 0);
    assert_int_equal(r->follow_pages, (api_total(f.c, r->follow) + 98) / 99);
    print_message("%s connections, the largest at %zu: %d pages before the last first page, "
                  "at most %d of others between two of the largest's\n", conns, at,
                  r->pages_all_started, r->follow_gap);
    listing_free(r->l);
    r->l = NULL;
    rec_free(&all);
    skemu_fx_stop(&f);
}

/* Every connection's first page is asked before the second pages of all chains but one, the
 * lead (the longest known), so the listing's whole size is known early. Before, chains went one
 * after another in the connections' order, four at a time: with the largest of 8 named second
 * to last, the last first page came after some 40 pages, and the largest started once four of
 * the others were done. */
static void test_first_pages_first(void **st)
{
    (void)st;
    rec r;
    ordered_listing("8", 6, &r);
    /* Four requests at a time, the lead's page and the one it asked ahead on two of them: about
     * a page of the lead's for each first page. */
    if (r.pages_all_started > 3 * (int)r.n_conns)
        fail_msg("%d pages before the last connection's first", r.pages_all_started);
    /* The largest, once its first page came, never waited for its turn again. */
    if (r.follow_gap > 10)
        fail_msg("%d pages of others between two of %s's", r.follow_gap, r.follow);
    rec_free(&r);
}

/* Then the longest chain goes first: the largest of 20 connections, named sixth, tells its total
 * while first pages are still being asked and takes over from the lead at once, and keeps going
 * (the listing's critical path, whatever the order the API names the connections in). Resumed
 * in the connections' order, it would wait behind the chains parked before it. */
static void test_longest_chain_first(void **st)
{
    (void)st;
    rec r;
    ordered_listing("20", 5, &r);
    /* Between two of its pages, what the others bring in on the two other requests at a time
     * while it waits for one; waiting for its turn would leave dozens. */
    if (r.follow_gap > 10)
        fail_msg("%d pages of others between two of %s's", r.follow_gap, r.follow);
    rec_free(&r);
}

static void test_retries_during_listing(void **st)
{
    (void)st;
    const char *args[] = { "--generate", "2000", "--connections", "6", "--fail-rate", "0.2",
                           "--seed", "9", "--quiet", NULL };
    skemu_fx f;
    fx_start(&f, args, 10);
    rec r = { 0 };
    r.l = listing_start(f.c, &(listing_opts){ .concurrency = 4, .page_size = 40 }, &SINK, &r);
    run_listing(f.c, &r);
    assert_int_equal(r.err.status, SK_OK);
    assert_int_equal(r.n_ids, 2000);
    assert_int_equal(rec_dups(&r), 0);
    sk_client_stats s;
    client_stats(f.c, &s);
    assert_true(s.retries > 0);
    listing_free(r.l);
    rec_free(&r);
    skemu_fx_stop(&f);
}

/* A listing that outlives its token (ttl 2 s, ~3 s of listing) renews it with no failure. */
static void test_token_renewed_during_listing(void **st)
{
    (void)st;
    const char *args[] = { "--generate", "600", "--connections", "3", "--token-ttl", "2",
                           "--latency-ms", "100", NULL };
    skemu_fx f;
    fx_start(&f, args, 5);
    rec r = { 0 };
    r.l = listing_start(f.c, &(listing_opts){ .concurrency = 2, .page_size = 10 }, &SINK, &r);
    run_listing(f.c, &r);
    assert_int_equal(r.err.status, SK_OK);
    assert_int_equal(r.n_ids, 600);
    assert_int_equal(rec_dups(&r), 0);
    sk_client_stats s;
    client_stats(f.c, &s);
    assert_true(s.token_fetches >= 2);
    listing_free(r.l);
    rec_free(&r);
    skemu_fx_stop(&f);
}

/* Faults start after some pages: the listing stops with the first error, once. */
static void test_error_mid_listing(void **st)
{
    (void)st;
    const char *args[] = { "--generate", "1000", "--connections", "4", "--fail-rate", "1",
                           "--fault-after", "12", NULL };
    skemu_fx f;
    fx_start(&f, args, 2);
    rec r = { 0 };
    r.l = listing_start(f.c, &(listing_opts){ .concurrency = 3, .page_size = 10 }, &SINK, &r);
    run_listing(f.c, &r);
    assert_int_equal(r.err.status, SK_ERR_API);
    assert_true(r.err.http_status == 500 || r.err.http_status == 503);
    assert_true(r.pages > 0);
    assert_true(r.n_ids < 1000);
    assert_false(listing_running(r.l));
    assert_int_equal(client_pending(f.c), 0);
    char text[256];
    listing_progress(r.l, text, sizeof text);
    assert_non_null(strstr(text, "stopped"));
    /* cancelling a finished listing changes nothing */
    listing_cancel(r.l);
    assert_int_equal(r.done, 1);
    listing_free(r.l);
    rec_free(&r);
    skemu_fx_stop(&f);
}

static void test_connections_error(void **st)
{
    (void)st;
    const char *args[] = { "--generate", "50", "--fail-rate", "1", "--fault-after", "1", NULL };
    skemu_fx f;
    fx_start(&f, args, 2);
    rec r = { 0 };
    r.l = listing_start(f.c, NULL, &SINK, &r);
    run_listing(f.c, &r);
    assert_int_equal(r.err.status, SK_ERR_API);
    assert_int_equal(r.connections_calls, 0);
    assert_int_equal(r.pages, 0);
    listing_free(r.l);
    rec_free(&r);
    skemu_fx_stop(&f);
}

static void test_cancel(void **st)
{
    (void)st;
    const char *args[] = { "--generate", "1000", "--connections", "4", "--latency-ms", "50", NULL };
    skemu_fx f;
    fx_start(&f, args, 5);
    rec r = { 0 };
    r.l = listing_start(f.c, &(listing_opts){ .concurrency = 4, .page_size = 10 }, &SINK, &r);
    while (r.pages < 3) {
        client_wait(f.c, NULL, 0, 1000);
        client_step(f.c);
    }
    assert_int_equal(r.done, 0);
    listing_cancel(r.l);
    assert_int_equal(r.done, 1);
    assert_int_equal(r.err.status, SK_ERR_CANCELLED);
    assert_false(listing_running(r.l));
    assert_int_equal(client_pending(f.c), 0);
    int pages = r.pages;
    client_step(f.c);
    assert_int_equal(r.pages, pages);
    listing_cancel(r.l);
    assert_int_equal(r.done, 1);
    listing_free(r.l);
    rec_free(&r);
    skemu_fx_stop(&f);
}

/* The sink may free the listing from done(); freeing a running listing cancels it. */
static void test_free_from_done_and_while_running(void **st)
{
    (void)st;
    const char *args[] = { "--generate", "200", "--connections", "3", "--latency-ms", "20", NULL };
    skemu_fx f;
    fx_start(&f, args, 5);
    rec r = { 0 };
    r.free_in_done = true;
    r.l = listing_start(f.c, &(listing_opts){ .page_size = 20 }, &SINK, &r);
    run_listing(f.c, &r);
    assert_int_equal(r.err.status, SK_OK);
    assert_null(r.l);
    assert_int_equal(r.n_ids, 200);

    rec r2 = { 0 };
    r2.l = listing_start(f.c, &(listing_opts){ .page_size = 20 }, &SINK, &r2);
    client_wait(f.c, NULL, 0, 10);
    client_step(f.c);
    listing_free(r2.l);
    assert_int_equal(r2.done, 1);
    assert_int_equal(r2.err.status, SK_ERR_CANCELLED);
    assert_int_equal(client_pending(f.c), 0);
    rec_free(&r);
    rec_free(&r2);
    skemu_fx_stop(&f);
}

/* listing_opts.query: the connections whose name holds the text whole, the rest from the
 * search (pages with connection NULL, no connection_done); every row the view would keep of
 * the full listing arrives, once (the view drops what the search adds, e.g. by provider). */
static void test_narrowed_by_query(void **st)
{
    (void)st;
    const char *args[] = { "--generate", "2000", "--connections", "4", "--seed", "42", NULL };
    skemu_fx f;
    fx_start(&f, args, 5);
    const char *queries[] = { "alex", "+billing", "GMA" };
    for (size_t q = 0; q < 3; q++) {
        rec full = { .needle = queries[q] };
        full.l = listing_start(f.c, &(listing_opts){ 0 }, &SINK, &full);
        run_listing(f.c, &full);
        assert_int_equal(full.err.status, SK_OK);
        listing_free(full.l);
        assert_true(full.holding > 0);
        int list_before = skemu_log_count(&f.p, "GET /api/v1/connected_accounts?");
        rec r = { .needle = queries[q] };
        r.l = listing_start(f.c, &(listing_opts){ .query = queries[q] }, &SINK, &r);
        assert_true(listing_narrowed(r.l));
        run_listing(f.c, &r);
        assert_int_equal(r.err.status, SK_OK);
        assert_true(listing_narrowed(r.l));
        assert_true(r.from_api);
        assert_int_equal(r.n_conns, 4);
        /* Every match of the full listing, and no other (a search row may repeat a row of a
         * connection listed whole: the store keeps one). */
        size_t distinct = r.n_ids - rec_dups(&r);
        assert_int_equal(distinct, full.holding);
        assert_int_equal(rec_dups(&full), 0);
        int whole = 0;
        for (size_t i = 0; i < r.n_conns; i++) {
            bool holds = ci_holds(r.conn_names[i], queries[q]);
            whole += holds;
            assert_int_equal(r.done_calls[i], holds ? 1 : 0);
        }
        int lists = skemu_log_count(&f.p, "GET /api/v1/connected_accounts?") - list_before;
        if (!whole)
            assert_int_equal(lists, 0);
        else
            assert_true(lists >= 1);
        assert_true(r.fallback_pages >= 1);   /* the search's pages: connection NULL */
        listing_free(r.l);
        rec_free(&r);
        rec_free(&full);
    }
    /* One connection asked for: its id goes to the search. */
    rec first = { 0 };
    first.l = listing_start(f.c, &(listing_opts){ 0 }, &SINK, &first);
    run_listing(f.c, &first);
    listing_free(first.l);
    const char *only[] = { first.conn_names[1] };
    int by_id = skemu_log_count(&f.p, "connection_id=conn_");
    rec r = { .needle = "alex" };
    r.l = listing_start(f.c, &(listing_opts){ .only_connections = only, .n_only = 1,
                                             .query = "alex" }, &SINK, &r);
    run_listing(f.c, &r);
    assert_int_equal(r.err.status, SK_OK);
    assert_int_equal(r.not_holding, 0);
    assert_true(skemu_log_count(&f.p, "connection_id=conn_") > by_id);
    listing_free(r.l);
    rec_free(&r);
    rec_free(&first);
    /* A text the search cannot answer for is not used: a full listing. */
    rec all = { 0 };
    all.l = listing_start(f.c, &(listing_opts){ .query = "12345" }, &SINK, &all);
    assert_false(listing_narrowed(all.l));
    run_listing(f.c, &all);
    assert_int_equal(all.n_ids, 2000);
    listing_free(all.l);
    rec_free(&all);
    skemu_fx_stop(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lists_10000_exactly_once),
        cmocka_unit_test(test_step_budget),
        cmocka_unit_test(test_fallback_without_connections_endpoint),
        cmocka_unit_test(test_only_some_connections),
        cmocka_unit_test(test_first_pages_first),
        cmocka_unit_test(test_longest_chain_first),
        cmocka_unit_test(test_narrowed_by_query),
        cmocka_unit_test(test_retries_during_listing),
        cmocka_unit_test(test_token_renewed_during_listing),
        cmocka_unit_test(test_error_mid_listing),
        cmocka_unit_test(test_connections_error),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_free_from_done_and_while_running),
    };
    return cmocka_run_group_tests(tests, NULL, skemu_fx_stop_leftovers);
}
