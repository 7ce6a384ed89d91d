/* core_alone.c: the core used on its own (tests/e2e/core_alone.sh runs it): linked with
 * libskdash.a and the core's libraries only (no curses, no front end), it parses, formats,
 * sanitizes, stores, journals, caches and lists against skemu, with faults and errors.
 *
 * usage: core_alone RESULTS DIR   (skemu from $SKEMU_BIN, as tests/support/skemu_proc.c says)
 *   RESULTS  where the TAP lines go: stdout and stderr must stay empty, the script checks
 *   DIR      an empty directory for HOME and the XDG directories (journal, cache)
 * Exit 0 when every check passed. */
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cache.h"
#include "client.h"
#include "config.h"
#include "journal.h"
#include "listing.h"
#include "parse.h"
#include "parse_error.h"
#include "qr.h"
#include "sk_time.h"
#include "store.h"
#include "text.h"
#include "view.h"
#include "../support/skemu_proc.h"

/* ---------------------------------------------------------------- results */

/* Kept in memory and written to RESULTS at the end: this program writes nothing to fd 1 or 2,
 * so whatever appears there came from the core. */
static char results[16384];
static size_t results_len;
static int failures;

static void check(bool ok, const char *what)
{
    int n = snprintf(results + results_len, sizeof results - results_len, "%sok - %s\n",
                     ok ? "" : "not ", what);
    if (n > 0 && (size_t)n < sizeof results - results_len)
        results_len += (size_t)n;
    failures += !ok;
}

/* ---------------------------------------------------------------- pure parts */

static const char page_json[] =
    "{\"connected_accounts\":["
    "{\"id\":\"ca_1\",\"identifier\":\"ana@example.com\",\"connector\":\"gmail\","
    "\"status\":\"ACTIVE\",\"token_expires_at\":\"2025-04-16T06:56:05.367190455Z\"},"
    "{\"id\":\"ca_2\",\"identifier\":\"\\u001b]52;c;ZXZpbA==\\u0007\\u202eevil\","
    "\"connector\":\"gmail\",\"status\":\"EXPIRED\",\"updated_at\":\"2025-04-15T06:56:05Z\"},"
    "{\"id\":\"ca_3\",\"identifier\":7,\"connector\":\"slack\",\"status\":null}"
    "],\"total_size\":\"3\",\"next_page_token\":\"\"}";

static bool no_control_bytes(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
            return false;
    return true;
}

static void check_parsers(sk_store *st)
{
    sk_error err;
    sk_account_page page;
    check(parse_account_page(page_json, strlen(page_json), &page, &err) == SK_OK &&
              page.n == 3 && page.total_size == 3 && !page.next_page_token,
          "parse_account_page reads a page with hostile strings");
    check(page.n == 3 && page.rows[0].token_expires_at == 1744786565 &&
              page.rows[2].identifier == NULL,
          "times read, wrong types absent");
    check(store_upsert(st, page.rows, page.n) == SK_OK && store_count(st) == 3,
          "the store keeps the page");
    char *safe = page.n == 3 ? text_sanitize_dup(page.rows[1].identifier) : NULL;
    check(safe && no_control_bytes(safe) && strstr(safe, "\\x1b") && strstr(safe, "\\u202e"),
          "text_sanitize_dup escapes ESC, BEL and bidi");
    free(safe);
    parse_account_page_free(&page);

    static const char *const damaged[] = {
        "{\"connected_accounts\":[{\"id\":\"ca_1\"", "[1,2]", "", "{\"connected_accounts\":7}",
        "{\"connected_accounts\":[]} trailing", "\xff\xfe{}",
    };
    bool all_refused = true;
    for (size_t i = 0; i < sizeof damaged / sizeof *damaged; i++) {
        sk_account_page p;
        if (parse_account_page(damaged[i], strlen(damaged[i]), &p, &err) != SK_ERR_PARSE ||
            !no_control_bytes(err.message))
            all_refused = false;
        parse_account_page_free(&p);
    }
    check(all_refused, "damaged pages are refused with a printable message");

    static const char tok[] = "{\"access_token\":\"t0k\",\"expires_in\":3600}";
    sk_token t;
    check(parse_token(tok, strlen(tok), &t, &err) == SK_OK && t.expires_in == 3600,
          "parse_token");
    parse_token_free(&t);

    static const char det[] = "{\"connected_account\":{\"id\":\"ca_9\",\"authorization_details\":"
                              "{\"oauth_token\":{\"scopes\":[\"a\",\"b\"],\"access_token\":\"x\"}},"
                              "\"api_config\":{\"k\":[1,{}]}}}";
    sk_detail_result d;
    check(parse_account_detail(det, strlen(det), &d, &err) == SK_OK && d.d.n_scopes == 2 &&
              d.d.api_config_json,
          "parse_account_detail");
    parse_account_detail_free(&d);

    static const char conns[] = "{\"connections\":[{\"id\":\"conn_1\",\"key_id\":\"gmail\"}]}";
    sk_connection_page cp;
    check(parse_connection_page(conns, strlen(conns), &cp, &err) == SK_OK && cp.n == 1,
          "parse_connection_page");
    parse_connection_page_free(&cp);

    static const char link[] = "{\"link\":\"https://x.test/l\",\"expiry\":\"2025-04-16T07:00:00Z\"}";
    sk_link_result lr;
    check(parse_link(link, strlen(link), &lr, &err) == SK_OK && lr.l.expiry == 1744786800,
          "parse_link");
    parse_link_free(&lr);

    static const char ebody[] = "{\"code\":5,\"message\":\"not \\u001b[2J found\"}";
    parse_error_body(ebody, strlen(ebody), 404, &err);
    check(err.status == SK_ERR_NOT_FOUND && no_control_bytes(err.message),
          "parse_error_body on a JSON error");
    parse_error_body("<html>\r\n\x1b[31mBad gateway", 27, 502, &err);
    check(err.status == SK_ERR_API && no_control_bytes(err.message),
          "parse_error_body on a non-JSON error");
}

static void check_text_and_time(void)
{
    char buf[64];
    int64_t t = time_parse_rfc3339("2025-04-16T08:56:05+02:00");
    time_rfc3339(t, buf, sizeof buf);
    check(strcmp(buf, "2025-04-16T06:56:05Z") == 0, "RFC 3339 in and out");
    check(time_parse_rfc3339("2025-13-01T00:00:00Z") == SK_TIME_ABSENT, "a bad date is absent");
    time_relative(t - 2 * 86400, t, buf, sizeof buf);
    check(strcmp(buf, "2d ago") == 0, "time_relative");
    time_countdown(t + 245, t, buf, sizeof buf);
    check(strcmp(buf, "4m 05s") == 0, "time_countdown");

    text_safe_format(buf, sizeof buf, "hello %s", "\x1b]0;title\x07");
    check(no_control_bytes(buf) && strncmp(buf, "hello \\x1b", 10) == 0, "text_safe_format");
    sk_buf b;
    buf_init(&b);
    text_fit(&b, "\xe6\xbc\xa2\xe5\xad\x97" "abc", 5, true, true);   /* 漢字abc */
    check(b.s && text_width(b.s) == 5, "text_fit cuts wide characters to the width");
    buf_free(&b);
}

static void check_qr(void)
{
    sk_qr q;
    sk_error err;
    bool ok = qr_encode("https://x.test/link", SK_QR_ECC_M, &q, &err) == SK_OK;
    char *text = ok ? qr_render(&q, 2, SK_QR_HALF_BLOCKS) : NULL;
    check(ok && text && q.width >= 21, "qr_encode and qr_render");
    free(text);
    if (ok)
        qr_free(&q);
}

/* ---------------------------------------------------------------- files */

static void check_files(const sk_store *st)
{
    sk_error err;
    sk_journal_entry e = { 0, NULL, NULL, "http://127.0.0.1:1", "gmail",
                           "\x1b[2Jana", "ca_1", "delete", "ok" };
    sk_journal_rows rows;
    check(journal_append(NULL, &e, &err) == SK_OK && journal_read(NULL, &rows, &err) == SK_OK &&
              rows.n == 1,
          "journal_append and journal_read at the XDG path");
    journal_rows_free(&rows);

    sk_store *back = store_new();
    int64_t saved = 0;
    check(back && cache_save(st, "http://127.0.0.1:1", "skc_demo", &err) == SK_OK &&
              cache_load(back, "http://127.0.0.1:1", "skc_demo", &saved, &err) == SK_OK &&
              store_count(back) == store_count(st),
          "cache_save and cache_load");
    check(cache_load(back, "http://127.0.0.1:2", "skc_demo", NULL, &err) != SK_OK,
          "a cache of another environment is refused");
    store_free(back);

    sk_config cfg;
    sk_config_flags f;
    config_flags_init(&f);
    unsetenv("SCALEKIT_CLIENT_SECRET");
    check(config_load(&cfg, &f, &err) != SK_OK && no_control_bytes(err.message),
          "config_load without credentials fails with a message, not a print");
    config_free(&cfg);
}

/* ---------------------------------------------------------------- listing against skemu */

typedef struct run {
    sk_store *store;
    int done;
    sk_status status;
    size_t debug_lines;
} run;

static void on_connections(void *ud, const sk_connection *rows, size_t n, bool from_api)
{
    (void)from_api;
    store_set_connections(((run *)ud)->store, rows, n);
}

static void on_page(void *ud, const char *connection, const sk_account *rows, size_t n)
{
    (void)connection;
    store_upsert(((run *)ud)->store, rows, n);
}

static void on_done(void *ud, const sk_error *err)
{
    run *r = ud;
    r->done++;
    r->status = err->status;
}

static void on_debug(void *ud, const char *line)
{
    (void)line;
    ((run *)ud)->debug_lines++;
}

/* One listing through a client with the HTTP trace on (it goes to on_debug, never to a
 * terminal). False unless done() ran exactly once; *st gets the listing's status, *accounts
 * the rows stored. */
static bool list_once(sk_status *st, size_t *accounts, size_t *debug_lines)
{
    sk_config cfg;
    sk_config_flags f;
    sk_error err;
    config_flags_init(&f);
    *st = config_load(&cfg, &f, &err);
    if (*st != SK_OK)
        return false;
    sk_client_opts o;
    client_opts_default(&o);
    o.max_tries = 2;
    o.backoff_base_ms = 5;
    o.backoff_cap_ms = 20;
    o.timeout_ms = 3000;
    o.debug = true;
    run r = { store_new(), 0, SK_OK, 0 };
    sk_client *c = client_new(&cfg, &o, &err);
    if (!c || !r.store) {
        store_free(r.store);
        config_free(&cfg);
        return false;
    }
    client_set_debug(c, on_debug, &r);
    listing_opts lo = { .concurrency = 2, .page_size = 25 };
    sk_sink sink = { on_connections, on_page, NULL, on_done, NULL };
    sk_listing *l = listing_start(c, &lo, &sink, &r);
    /* The loop a listing wants: client_step, then listing_step (damaged pages asked again
     * after their backoff), waiting no longer than the listing's own timer. */
    while (l && !r.done) {
        client_step(c);
        if (listing_step(l))
            continue;
        long due = listing_next_timer_ms(l);
        client_wait(c, NULL, 0, due >= 0 && due < 100 ? (int)due : 100);
    }
    listing_free(l);
    sk_view v;
    sk_view_spec spec;
    view_init(&v);
    view_spec_init(&spec);
    if (view_update(&v, r.store, &spec) != SK_OK)
        r.status = SK_ERR_NOMEM;
    view_free(&v);
    *accounts = store_count(r.store);
    *debug_lines = r.debug_lines;
    client_free(c);
    store_free(r.store);
    config_free(&cfg);
    *st = r.status;
    return r.done == 1;
}

static void check_listing(void)
{
    static const char *const clean[] = { "--generate", "120", "--connections", "4", "--quiet",
                                         NULL };
    static const char *const faulty[] = { "--generate", "120", "--connections", "4", "--quiet",
                                          "--fail-rate", "0.3", "--malformed-rate", "0.2",
                                          "--truncate-rate", "0.2", "--wrong-types-rate", "0.2",
                                          NULL };
    const char *const *sets[] = { clean, faulty };
    const char *names[] = { "a listing against skemu", "a listing against a faulty skemu" };
    for (int i = 0; i < 2; i++) {
        skemu_proc p;
        if (skemu_start(&p, sets[i]) != 0) {
            check(false, "skemu starts");
            return;
        }
        skemu_env(&p);
        size_t n = 0, lines = 0;
        sk_status st = SK_OK;
        bool done = list_once(&st, &n, &lines);
        char what[128];
        snprintf(what, sizeof what, "%s ends (%s, %zu accounts, HTTP trace to its sink)",
                 names[i], sk_status_name(st), n);
        check(done && lines > 0 && (i == 1 || (st == SK_OK && n == 120)), what);
        skemu_stop(&p);
    }
    /* A server that is gone: connection refused, retried, reported. */
    setenv("SCALEKIT_ENVIRONMENT_URL", "http://127.0.0.1:1", 1);
    size_t n = 0, lines = 0;
    sk_status st = SK_OK;
    check(list_once(&st, &n, &lines) && st == SK_ERR_NETWORK,
          "a listing against no server fails quietly");
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    setlocale(LC_ALL, "C.UTF-8");
    setenv("HOME", argv[2], 1);
    setenv("XDG_STATE_HOME", argv[2], 1);
    setenv("XDG_CACHE_HOME", argv[2], 1);
    setenv("XDG_CONFIG_HOME", argv[2], 1);
    setenv("SKDASH_NOW", "1744786565", 1);
    curl_global_init(CURL_GLOBAL_DEFAULT);

    sk_store *st = store_new();
    check_parsers(st);
    check_text_and_time();
    check_qr();
    check_files(st);
    store_free(st);
    check_listing();
    curl_global_cleanup();

    FILE *f = fopen(argv[1], "w");
    if (!f)
        return 2;
    fwrite(results, 1, results_len, f);
    fclose(f);
    return failures ? 1 : 0;
}
