/* test_search_cli.c: finding one user without the whole listing, through the real skdash
 * against a real skemu: `list -q` narrowed on the server gives exactly what the full listing
 * filtered gives (computed here, from `skdash list` and a predicate of this file's own), with
 * no full listing sent (skemu's request log); show/link IDENTIFIER alone with zero, one and
 * several matches; link --wait reaching ACTIVE (also under 429s), reaching the link's expiry
 * (with its countdown on a terminal), and Ctrl-C. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "../support/direct_http.h"
#include "../support/fake_http.h"
#include "../support/run_skdash.h"
#include "../support/skemu_proc.h"

static skemu_proc emu;
static char conn_a[64], conn_b[64];   /* two connection names of this skemu */

#define RUN(r, ...) run_full((r), NULL, -1, ARGS(__VA_ARGS__))

/* ------------------------------------------------------------------ accounts made here */

/* Accounts with the identifiers the issue names: '+', '@', non-ASCII; one identifier in two
 * connections. */
#define PLUS_IDENT "mañana+ops@dæmi.is"
#define TWICE_IDENT "twice+both@example.org"

static void create(const char *connector, const char *identifier)
{
    char *tok = direct_token(emu.url);
    json_object *b = json_object_new_object();
    json_object_object_add(b, "connector", json_object_new_string(connector));
    json_object_object_add(b, "identifier", json_object_new_string(identifier));
    json_object_object_add(b, "connected_account", json_object_new_object());
    char url[256];
    snprintf(url, sizeof url, "%s/api/v1/connected_accounts", emu.url);
    char *out;
    long st = direct_http("POST", url, tok, json_object_to_json_string(b), 0, &out);
    if (st != 200 && st != 201)
        fail_msg("create %s/%s: HTTP %ld %s", connector, identifier, st, out);
    free(out);
    json_object_put(b);
    free(tok);
}

static const char *jstr(json_object *o, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || json_object_get_type(v) != json_type_string)
        return NULL;
    return json_object_get_string(v);
}

/* The id of the account identifier has in connector, from skemu directly. */
static bool id_of(const char *connector, const char *identifier, char *id, size_t n)
{
    json_object *all = direct_accounts(emu.url);
    bool found = false;
    for (size_t i = 0; i < json_object_array_length(all) && !found; i++) {
        json_object *a = json_object_array_get_idx(all, i);
        if (jstr(a, "connector") && strcmp(jstr(a, "connector"), connector) == 0 &&
            jstr(a, "identifier") && strcmp(jstr(a, "identifier"), identifier) == 0) {
            snprintf(id, n, "%s", jstr(a, "id"));
            found = true;
        }
    }
    json_object_put(all);
    return found;
}

static int group_setup(void **state)
{
    (void)state;
    setlocale(LC_ALL, "C.UTF-8");
    curl_global_init(CURL_GLOBAL_DEFAULT);
    /* 1,500 accounts: a full listing takes more than 10 pages (the slow note's threshold). */
    const char *args[] = { "--generate", "1500", "--connections", "4", "--seed", "11", NULL };
    if (skemu_start(&emu, args) != 0)
        return -1;
    skemu_env(&emu);
    unsetenv("NO_COLOR");
    unsetenv("COLUMNS");
    unsetenv("SKDASH_PROFILE");
    unsetenv("SKDASH_NOW");
    json_object *all = direct_accounts(emu.url);
    for (size_t i = 0; i < json_object_array_length(all); i++) {
        const char *c = jstr(json_object_array_get_idx(all, i), "connector");
        if (!c)
            continue;
        if (!*conn_a)
            snprintf(conn_a, sizeof conn_a, "%s", c);
        else if (!*conn_b && strcmp(c, conn_a) != 0)
            snprintf(conn_b, sizeof conn_b, "%s", c);
    }
    json_object_put(all);
    if (!*conn_a || !*conn_b)
        return -1;
    create(conn_b, PLUS_IDENT);
    create(conn_a, TWICE_IDENT);
    create(conn_b, TWICE_IDENT);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    skemu_stop(&emu);
    curl_global_cleanup();
    return 0;
}

/* ------------------------------------------------------------------ the predicate, again */

/* list -q's documented predicate, written out here on purpose: an ASCII case-insensitive
 * substring of the identifier, the id or the connection name. */
static bool ci_has(const char *hay, const char *needle)
{
    size_t nl = strlen(needle);
    for (; hay && *hay; hay++) {
        size_t i = 0;
        while (i < nl && hay[i]) {
            unsigned char a = (unsigned char)hay[i], b = (unsigned char)needle[i];
            if (a >= 'A' && a <= 'Z') a += 32;
            if (b >= 'A' && b <= 'Z') b += 32;
            if (a != b)
                break;
            i++;
        }
        if (i == nl)
            return true;
    }
    return false;
}

/* One CSV record of `skdash list --format csv` (RFC 4180 quoting): fields 0 (connector),
 * 1 (identifier) and 8 (id) as "connector\tidentifier\tid". */
static char *csv_key(const char **p)
{
    char *f[11] = { 0 };
    int k = 0;
    const char *s = *p;
    while (k < 11) {
        size_t cap = 64, n = 0;
        char *v = malloc(cap);
        bool q = *s == '"';
        if (q)
            s++;
        for (;;) {
            if (q && s[0] == '"' && s[1] == '"') {
                s++;
            } else if (q && *s == '"') {
                s++;
                q = false;
                continue;
            } else if (!q && (*s == ',' || *s == '\n' || !*s)) {
                break;
            }
            if (n + 2 > cap)
                v = realloc(v, cap *= 2);
            v[n++] = *s++;
        }
        v[n] = '\0';
        f[k++] = v;
        if (*s == ',') {
            s++;
            continue;
        }
        break;
    }
    if (*s == '\n')
        s++;
    *p = s;
    char *key = NULL;
    if (k == 11) {
        size_t n = strlen(f[0]) + strlen(f[1]) + strlen(f[8]) + 3;
        key = malloc(n);
        snprintf(key, n, "%s\t%s\t%s", f[0], f[1], f[8]);
    }
    for (int i = 0; i < k; i++)
        free(f[i]);
    return key;
}

typedef struct rows { char **v; size_t n; } rows;

static rows csv_rows(const char *out)
{
    rows r = { 0 };
    const char *p = strchr(out, '\n');   /* the header */
    assert_non_null(p);
    p++;
    while (*p) {
        char *k = csv_key(&p);
        assert_non_null(k);
        r.v = realloc(r.v, (r.n + 1) * sizeof *r.v);
        r.v[r.n++] = k;
    }
    return r;
}

static void rows_free(rows *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->v[i]);
    free(r->v);
}

/* The full listing's rows (every connection, or only conn), read once per call. */
static rows full_listing(const char *conn)
{
    run_result r;
    if (conn)
        RUN(&r, "list", "-c", conn, "--format", "csv");
    else
        RUN(&r, "list", "--format", "csv");
    assert_int_equal(r.code, 0);
    rows out = csv_rows(r.out);
    run_free(&r);
    return out;
}

/* The rows of full that the predicate keeps, in full's order. */
static rows filtered(const rows *full, const char *q)
{
    rows out = { 0 };
    for (size_t i = 0; i < full->n; i++) {
        char *k = strdup(full->v[i]);
        char *conn = k, *ident = strchr(k, '\t'), *id;
        *ident++ = '\0';
        id = strchr(ident, '\t');
        *id++ = '\0';
        bool keep = ci_has(ident, q) || ci_has(id, q) || ci_has(conn, q);
        free(k);
        if (keep) {
            out.v = realloc(out.v, (out.n + 1) * sizeof *out.v);
            out.v[out.n++] = strdup(full->v[i]);
        }
    }
    return out;
}

static void assert_same_rows(const rows *want, const rows *got, const char *q)
{
    if (want->n != got->n)
        fail_msg("-q '%s': %zu rows, the full listing filtered has %zu", q, got->n, want->n);
    for (size_t i = 0; i < want->n; i++)
        if (strcmp(want->v[i], got->v[i]) != 0)
            fail_msg("-q '%s': row %zu is '%s', the full listing filtered has '%s'", q, i,
                     got->v[i], want->v[i]);
}

/* Requests of the list endpoint (GET /api/v1/connected_accounts?...) and of the search. */
#define LIST_REQ "GET /api/v1/connected_accounts?"
#define SEARCH_REQ "GET /api/v1/connected_accounts:search?"

typedef struct req_counts { int list, search, list_conn_a; } req_counts;

static req_counts counts(void)
{
    char want_a[96];
    snprintf(want_a, sizeof want_a, "connector=%s&", conn_a);
    req_counts c = { skemu_log_count(&emu, LIST_REQ), skemu_log_count(&emu, SEARCH_REQ),
                     skemu_log_count(&emu, want_a) };
    return c;
}

/* `skdash list -q q [-c conn]` against the full listing filtered; the requests it sent. */
static req_counts check_query(const rows *full, const char *conn, const char *q, char **err)
{
    rows want = filtered(full, q);
    req_counts before = counts();
    run_result r;
    if (conn)
        RUN(&r, "list", "-c", conn, "-q", q, "--format", "csv");
    else
        RUN(&r, "list", "-q", q, "--format", "csv");
    if (r.code != 0)
        fail_msg("list -q '%s': exit %d: %s", q, r.code, r.err);
    req_counts after = counts();
    rows got = csv_rows(r.out);
    assert_same_rows(&want, &got, q);
    rows_free(&got);
    rows_free(&want);
    if (err)
        *err = strdup(r.err);
    run_free(&r);
    req_counts d = { after.list - before.list, after.search - before.search,
                     after.list_conn_a - before.list_conn_a };
    return d;
}

/* ------------------------------------------------------------------ list -q */

static void test_list_q_narrowed_same_rows(void **state)
{
    (void)state;
    rows full = full_listing(NULL);
    assert_true(full.n > 1500);
    char id[64];
    assert_true(id_of(conn_b, PLUS_IDENT, id, sizeof id));
    /* Texts no connection name holds: the search alone, no list request at all. */
    const char *queries[] = { "+ops@", "ñana+", "@dæmi.is", "dÆmi", PLUS_IDENT, "twice+",
                              "@example.org", "no-such-user-anywhere", id };
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        char *err = NULL;
        req_counts d = check_query(&full, NULL, queries[i], &err);
        if (d.list != 0)
            fail_msg("list -q '%s' sent %d list requests (a full listing)", queries[i], d.list);
        assert_true(d.search >= 1);
        assert_null(strstr(err, "listing every account"));
        free(err);
    }
    /* The whole id finds its account (not only one that happens to contain it). */
    rows one = filtered(&full, id);
    assert_int_equal(one.n, 1);
    rows_free(&one);
    rows_free(&full);
}

static void test_list_q_connection_name(void **state)
{
    (void)state;
    rows full = full_listing(NULL);
    /* Part of a connection's name: that connection is listed whole (it all matches), the
     * others are searched; nothing else is listed. */
    char part[8];
    snprintf(part, sizeof part, "%.3s", conn_a + 1);
    char upper[8];
    for (size_t i = 0; i <= strlen(part); i++)
        upper[i] = (char)(part[i] >= 'a' && part[i] <= 'z' ? part[i] - 32 : part[i]);
    const char *queries[] = { part, upper };
    for (size_t i = 0; i < 2; i++) {
        req_counts d = check_query(&full, NULL, queries[i], NULL);
        assert_true(d.list_conn_a >= 1);
        int whole_other = d.list - d.list_conn_a;   /* list requests for other connections */
        bool other_matches = false;
        json_object *all = direct_accounts(emu.url);
        for (size_t k = 0; k < json_object_array_length(all); k++) {
            const char *c = jstr(json_object_array_get_idx(all, k), "connector");
            other_matches = other_matches || (c && strcmp(c, conn_a) != 0 && ci_has(c, part));
        }
        json_object_put(all);
        if (!other_matches)
            assert_int_equal(whole_other, 0);
    }
    rows_free(&full);
}

static void test_list_q_with_connection(void **state)
{
    (void)state;
    rows full_b = full_listing(conn_b);
    int before = skemu_log_count(&emu, "connection_id=conn_");
    req_counts d = check_query(&full_b, conn_b, "+ops@", NULL);
    assert_int_equal(d.list, 0);
    assert_true(skemu_log_count(&emu, "connection_id=conn_") > before);
    d = check_query(&full_b, conn_b, TWICE_IDENT, NULL);
    assert_int_equal(d.list, 0);
    rows_free(&full_b);
    /* Two connections: the same rows as their full listing filtered. */
    run_result r;
    RUN(&r, "list", "-c", conn_a, "-c", conn_b, "--format", "csv");
    assert_int_equal(r.code, 0);
    rows full_ab = csv_rows(r.out);
    run_free(&r);
    rows want = filtered(&full_ab, "twice");
    assert_int_equal(want.n, 2);
    RUN(&r, "list", "-c", conn_a, "-c", conn_b, "-q", "twice", "--format", "csv");
    assert_int_equal(r.code, 0);
    rows got = csv_rows(r.out);
    assert_same_rows(&want, &got, "twice");
    rows_free(&got);
    rows_free(&want);
    rows_free(&full_ab);
    run_free(&r);
    /* -s still narrows what comes back, as it does the full listing. */
    RUN(&r, "list", "-q", TWICE_IDENT, "-s", "active", "--format", "csv");
    assert_int_equal(r.code, 0);
    assert_null(strstr(r.out, TWICE_IDENT));   /* both were created PENDING */
    run_free(&r);
}

static void test_list_q_must_list_all(void **state)
{
    (void)state;
    rows full = full_listing(NULL);
    char id[64], digits[8];
    assert_true(id_of(conn_b, PLUS_IDENT, id, sizeof id));
    snprintf(digits, sizeof digits, "%.5s", id + 5);
    /* Under 3 characters, or part of an id: everything is listed, and said so (over 10
     * pages here); the rows are still exactly the filtered listing's. */
    const char *queries[] = { "ñ", "ab", digits, "ca_", "_1" };
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        char *err = NULL;
        req_counts d = check_query(&full, NULL, queries[i], &err);
        assert_true(d.list > 10);
        assert_int_equal(d.search, 0);
        if (!strstr(err, "skdash: note: -q '") || !strstr(err, "listing every account"))
            fail_msg("list -q '%s': no note on stderr: %s", queries[i], err);
        free(err);
    }
    /* A small listing is not worth a note. */
    rows small = full_listing(conn_b);
    char *err = NULL;
    check_query(&small, conn_b, "ab", &err);
    if (small.n < 990)
        assert_string_equal(err, "");
    free(err);
    rows_free(&small);
    rows_free(&full);
}

static void test_list_q_no_connections_endpoint(void **state)
{
    (void)state;
    /* Without /connections/app the connections' names are unknown: everything is listed
     * (one unfiltered listing), said on stderr, and the rows are still the filtered ones. */
    skemu_proc bare;
    const char *args[] = { "--generate", "1200", "--connections", "3", "--seed", "5",
                           "--no-connections-endpoint", NULL };
    assert_int_equal(skemu_start(&bare, args), 0);
    char url[200];
    snprintf(url, sizeof url, "SCALEKIT_ENVIRONMENT_URL=%s", bare.url);
    char **env = run_env(NULL, (const char *const[]){ url, NULL });
    run_result r;
    run_full(&r, env, -1, ARGS("list", "--format", "csv"));
    assert_int_equal(r.code, 0);
    rows full = csv_rows(r.out);
    run_free(&r);
    rows want = filtered(&full, "alex");
    assert_true(want.n > 0);
    run_full(&r, env, -1, ARGS("list", "-q", "alex", "--format", "csv"));
    assert_int_equal(r.code, 0);
    rows got = csv_rows(r.out);
    assert_same_rows(&want, &got, "alex");
    assert_non_null(strstr(r.err, "skdash: note: -q: this server lists no connections"));
    run_free(&r);
    rows_free(&got);
    rows_free(&want);
    rows_free(&full);
    free(env);
    skemu_stop(&bare);
}

/* ------------------------------------------------------------------ IDENTIFIER alone */

static void test_identifier_alone(void **state)
{
    (void)state;
    char id[64];
    assert_true(id_of(conn_b, PLUS_IDENT, id, sizeof id));
    int list_before = skemu_log_count(&emu, "connector=");
    /* One match: acted on. */
    run_result r;
    RUN(&r, "show", PLUS_IDENT, "--format", "json");
    assert_int_equal(r.code, 0);
    json_object *o = json_tokener_parse(r.out);
    assert_non_null(o);
    assert_string_equal(jstr(o, "id"), id);
    assert_string_equal(jstr(o, "connector"), conn_b);
    json_object_put(o);
    run_free(&r);
    RUN(&r, "link", PLUS_IDENT);
    assert_int_equal(r.code, 0);
    assert_true(strncmp(r.out, "http", 4) == 0);
    char want[256];
    snprintf(want, sizeof want, "skdash: link for %s on %s: send it to that person only\n",
             PLUS_IDENT, conn_b);
    assert_non_null(strstr(r.err, want));
    run_free(&r);
    RUN(&r, "link", PLUS_IDENT, "--format", "json");
    assert_int_equal(r.code, 0);
    o = json_tokener_parse(r.out);
    assert_non_null(o);
    char rcpt[256];
    snprintf(rcpt, sizeof rcpt, "for %s on %s: send it to that person only", PLUS_IDENT, conn_b);
    assert_string_equal(jstr(o, "recipient"), rcpt);
    char msg_head[256];
    snprintf(msg_head, sizeof msg_head, "Your %s connection for %s needs re-authorization: "
             "open %s before ", conn_b, PLUS_IDENT, jstr(o, "link"));
    assert_true(strncmp(jstr(o, "message"), msg_head, strlen(msg_head)) == 0);
    assert_non_null(strstr(jstr(o, "message"), ", in 10 minutes"));
    json_object_put(o);
    run_free(&r);
    /* Looked up with the identifier filter, never by listing connections. */
    assert_int_equal(skemu_log_count(&emu, "connector="), list_before);

    /* Several: listed (connection, state, id) on stderr, exit 2, nothing issued. */
    char id_a[64], id_b[64];
    assert_true(id_of(conn_a, TWICE_IDENT, id_a, sizeof id_a));
    assert_true(id_of(conn_b, TWICE_IDENT, id_b, sizeof id_b));
    int links_before = skemu_log_count(&emu, "POST /api/v1/connected_accounts/magic_link");
    const char *cmds[] = { "show", "link" };
    for (size_t i = 0; i < 2; i++) {
        RUN(&r, cmds[i], TWICE_IDENT);
        assert_int_equal(r.code, 2);
        assert_string_equal(r.out, "");
        assert_non_null(strstr(r.err, "is in 2 connections: name the connection"));
        char line[200];
        snprintf(line, sizeof line, "  %s", conn_a);
        assert_non_null(strstr(r.err, line));
        assert_non_null(strstr(r.err, id_a));
        assert_non_null(strstr(r.err, id_b));
        assert_non_null(strstr(r.err, "PENDING"));
        run_free(&r);
    }
    assert_int_equal(skemu_log_count(&emu, "POST /api/v1/connected_accounts/magic_link"),
                     links_before);
    /* Naming the connection still works, and picks that one. */
    RUN(&r, "show", conn_b, TWICE_IDENT, "--format", "json");
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, id_b));
    run_free(&r);

    /* None: exit 4. An identifier is matched exactly, not as a part. */
    const char *none[] = { "nobody-here@example.org", "twice+both@example.or" };
    for (size_t i = 0; i < 2; i++) {
        RUN(&r, "show", none[i]);
        assert_int_equal(r.code, 4);
        assert_non_null(strstr(r.err, "no account with the identifier"));
        run_free(&r);
        RUN(&r, "link", none[i]);
        assert_int_equal(r.code, 4);
        run_free(&r);
    }
    /* delete still needs the connection (or --id). */
    RUN(&r, "delete", PLUS_IDENT, "--dry-run");
    assert_int_equal(r.code, 2);
    run_free(&r);
}

/* A server that refuses the identifier filter without a connection (400): the search is asked
 * instead, and only the exact identifier is kept of what it finds. */
typedef struct refusing { int list, search; } refusing;

static bool refusing_answer(void *ud, int fd, const char *line)
{
    refusing *r = ud;
    if (strncmp(line, "POST /oauth/token", 17) == 0)
        return fake_http_reply(fd, 200, "{\"access_token\":\"t\",\"expires_in\":3600}");
    if (strstr(line, "/api/v1/connected_accounts:search?")) {
        r->search++;
        return fake_http_reply(fd, 200, "{\"connected_accounts\":["
            "{\"id\":\"ca_2\",\"identifier\":\"ana@x.io.uk\",\"connector\":\"gmail\","
            "\"status\":\"ACTIVE\"},"
            "{\"id\":\"ca_1\",\"identifier\":\"ana@x.io\",\"connector\":\"slack\","
            "\"status\":\"EXPIRED\"}],\"total_size\":2,\"next_page_token\":\"\"}");
    }
    if (strstr(line, "/api/v1/connected_accounts?")) {
        r->list++;
        return fake_http_reply(fd, 400, "{\"code\":3,\"message\":\"connector is required\"}");
    }
    if (strstr(line, "/details?id=ca_1"))
        return fake_http_reply(fd, 200, "{\"connected_account\":{\"id\":\"ca_1\","
                               "\"identifier\":\"ana@x.io\",\"connector\":\"slack\","
                               "\"status\":\"EXPIRED\"}}");
    return fake_http_reply(fd, 404, "{\"code\":5,\"message\":\"not found\"}");
}

static void test_identifier_alone_search_fallback(void **state)
{
    (void)state;
    refusing counts = { 0 };
    fake_http srv;
    fake_http_start(&srv, refusing_answer, &counts);
    char url[200];
    snprintf(url, sizeof url, "SCALEKIT_ENVIRONMENT_URL=%s", srv.url);
    char **env = run_env(NULL, (const char *const[]){ url, NULL });
    run_result r;
    run_full(&r, env, -1, ARGS("show", "ana@x.io", "--format", "json"));
    if (r.code != 0)
        fail_msg("show: exit %d: %s", r.code, r.err);
    json_object *o = json_tokener_parse(r.out);
    assert_non_null(o);
    assert_string_equal(jstr(o, "id"), "ca_1");
    json_object_put(o);
    run_free(&r);
    assert_int_equal(counts.list, 1);
    assert_int_equal(counts.search, 1);
    free(env);
    fake_http_stop(&srv);
}

/* ------------------------------------------------------------------ link --wait */

/* The first line skdash writes on stdout (the link), read while it runs. */
static char *first_line(run_result *r, double limit_s)
{
    char buf[4096];
    size_t n = 0;
    double t0 = run_now();
    while (n + 1 < sizeof buf && run_now() - t0 < limit_s) {
        struct pollfd p = { .fd = r->ofd, .events = POLLIN };
        if (poll(&p, 1, 100) <= 0)
            continue;
        if (read(r->ofd, buf + n, 1) != 1)
            break;
        if (buf[n] == '\n') {
            buf[n] = '\0';
            return strdup(buf);
        }
        n++;
    }
    fail_msg("no link line from skdash link --wait");
    return NULL;
}

/* The newest journal entry's action and result. */
static void assert_last_journal(const char *action, const char *result_prefix)
{
    char path[512];
    snprintf(path, sizeof path, "%s/skdash/journal.jsonl", getenv("XDG_STATE_HOME"));
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[4096], last[4096] = "";
    while (fgets(line, sizeof line, f))
        snprintf(last, sizeof last, "%s", line);
    fclose(f);
    json_object *o = json_tokener_parse(last);
    assert_non_null(o);
    assert_string_equal(jstr(o, "action"), action);
    if (strncmp(jstr(o, "result"), result_prefix, strlen(result_prefix)) != 0)
        fail_msg("journal result '%s', wanted '%s...'", jstr(o, "result"), result_prefix);
    json_object_put(o);
}

static void test_wait_active(void **state)
{
    (void)state;
    char id[64];
    assert_true(id_of(conn_a, TWICE_IDENT, id, sizeof id));
    run_result r;
    run_start(&r, NULL, -1, ARGS("link", "--id", id, "--wait"));
    char *link = first_line(&r, 20);
    assert_true(strncmp(link, emu.url, strlen(emu.url)) == 0);
    char *body;
    long st = direct_http("GET", link, NULL, NULL, DIRECT_FOLLOW, &body);
    assert_true(st >= 200 && st < 400);
    free(body);
    free(link);
    run_finish(&r, 30);
    assert_false(r.killed);
    if (r.code != 0)
        fail_msg("link --wait: exit %d: %s", r.code, r.err);
    assert_non_null(strstr(r.err, "is ACTIVE: authorized"));
    assert_null(strchr(r.err, '\033'));   /* no countdown when stderr is not a terminal */
    run_free(&r);
    assert_last_journal("link-wait", "ok: ACTIVE");
}

static void test_wait_rate_limited(void **state)
{
    (void)state;
    /* Two requests a second: the command's first second (token, details, link, the first
     * reads) meets 429s with Retry-After, retried by the client as every request is, and the
     * wait still sees the account turn ACTIVE. */
    skemu_proc slow;
    const char *args[] = { "--generate", "20", "--connections", "2", "--rate-limit", "2",
                           "--retry-after", "1", NULL };
    assert_int_equal(skemu_start(&slow, args), 0);
    char url[200];
    snprintf(url, sizeof url, "SCALEKIT_ENVIRONMENT_URL=%s", slow.url);
    char **env = run_env(NULL, (const char *const[]){ url, NULL });
    /* The account is taken from skdash's own listing, which retries 429s (a plain read of
     * skemu here would be refused). */
    run_result r;
    run_full(&r, env, -1, ARGS("list", "--format", "csv"));
    assert_int_equal(r.code, 0);
    rows listed = csv_rows(r.out);
    run_free(&r);
    assert_true(listed.n > 0);
    char id[64];
    snprintf(id, sizeof id, "%s", strrchr(listed.v[0], '\t') + 1);
    rows_free(&listed);
    run_start(&r, env, -1, ARGS("link", "--id", id, "--wait"));
    char *link = first_line(&r, 30);
    char *body;
    long st = direct_http("GET", link, NULL, NULL, DIRECT_FOLLOW, &body);
    assert_true(st >= 200 && st < 400);
    free(body);
    free(link);
    run_finish(&r, 60);
    assert_false(r.killed);
    if (r.code != 0)
        fail_msg("link --wait under 429s: exit %d: %s", r.code, r.err);
    assert_non_null(strstr(r.err, "is ACTIVE: authorized"));
    run_free(&r);
    assert_true(skemu_log_count(&slow, " 429 ") >= 1);
    free(env);
    skemu_stop(&slow);
}

static void test_wait_expiry(void **state)
{
    (void)state;
    skemu_proc short_links;
    const char *args[] = { "--generate", "20", "--connections", "2", "--link-ttl", "2", NULL };
    assert_int_equal(skemu_start(&short_links, args), 0);
    char url[200];
    snprintf(url, sizeof url, "SCALEKIT_ENVIRONMENT_URL=%s", short_links.url);
    char **env = run_env(NULL, (const char *const[]){ url, NULL });
    json_object *all = direct_accounts(short_links.url);
    char id[64];
    snprintf(id, sizeof id, "%s", jstr(json_object_array_get_idx(all, 0), "id"));
    json_object_put(all);
    run_result r;
    run_full(&r, env, -1, ARGS("link", "--id", id, "--wait"));
    assert_int_equal(r.code, 6);
    assert_non_null(strstr(r.err, "the link expired before"));
    run_free(&r);
    assert_last_journal("link-wait", "failed: the link expired");
    /* On a terminal: a countdown on stderr, redrawn in place, and the line cleared at the end
     * (the last thing before the outcome is the clearing sequence). */
    int code;
    char *tty = run_on_tty(env, 100, true, ARGS("link", "--id", id, "--wait"), &code, NULL);
    if (tty) {
        assert_int_equal(code, 6);
        assert_non_null(strstr(tty, "\r\033[Kwaiting for "));
        assert_non_null(strstr(tty, "to open the link: expires in 0m 0"));
        assert_non_null(strstr(tty, "(Ctrl-C stops)\r\033[Kskdash: the link expired before"));
        free(tty);
    }
    free(env);
    skemu_stop(&short_links);
}

static void test_wait_interrupted(void **state)
{
    (void)state;
    char id[64];
    assert_true(id_of(conn_b, PLUS_IDENT, id, sizeof id));
    const char *details = "GET /api/v1/connected_accounts/details";
    int before = skemu_log_count(&emu, details);
    run_result r;
    run_start(&r, NULL, -1, ARGS("link", "--id", id, "--wait"));
    free(first_line(&r, 20));
    /* Watching has begun once the account is read after the link (the first poll). */
    double t0 = run_now();
    while (skemu_log_count(&emu, details) < before + 2 && run_now() - t0 < 20)
        usleep(50 * 1000);
    assert_true(skemu_log_count(&emu, details) >= before + 2);
    kill(r.pid, SIGINT);
    run_finish(&r, 20);
    assert_false(r.killed);
    assert_int_equal(r.code, 130);
    assert_non_null(strstr(r.err, "stopped waiting (Ctrl-C)"));
    run_free(&r);
    assert_last_journal("link-wait", "failed: the wait was stopped");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_q_narrowed_same_rows),
        cmocka_unit_test(test_list_q_connection_name),
        cmocka_unit_test(test_list_q_with_connection),
        cmocka_unit_test(test_list_q_must_list_all),
        cmocka_unit_test(test_list_q_no_connections_endpoint),
        cmocka_unit_test(test_identifier_alone),
        cmocka_unit_test(test_identifier_alone_search_fallback),
        cmocka_unit_test(test_wait_active),
        cmocka_unit_test(test_wait_rate_limited),
        cmocka_unit_test(test_wait_expiry),
        cmocka_unit_test(test_wait_interrupted),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
