/* test_bulk_cli.c: selections and the commands over them, the real skdash against a real skemu:
 * every selection flag alone and combined (the expected accounts computed here from skemu's own
 * API, read with libcurl, with this file's own state table, clock and durations); link
 * SELECTION in table, CSV and JSON with one token for the run and one journal line per link;
 * delete and disconnect over a selection with --dry-run (no write sent), --yes, a typed count
 * on a terminal, partial failures (skemu --fail-rate 1 --fault-after N), read-only; disconnect
 * answered 404 and 501 (skemu --no-disconnect). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "../support/direct_http.h"
#include "../support/fake_http.h"
#include "../support/run_skdash.h"
#include "../support/skemu_proc.h"

/* skemu's generated times hang off --epoch; skdash's clock is set to the same instant. */
#define EPOCH 1767225600LL                 /* 2026-01-01T00:00:00Z */
#define EPOCH_S "1767225600"
#define DAY 86400LL

static char tmp_dir[64];
static skemu_proc emu;          /* the read-only skemu of the selection tests */

/* ------------------------------------------------------------------ helpers */

static const char *jstr(json_object *o, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    const char *s = json_object_get_string(v);
    return s && *s ? s : NULL;
}

/* The state table of SCALEKIT-API.md, written out again here. */
static const char *state_of_status(const char *status)
{
    static const char *const map[][2] = {
        { "PENDING_AUTH", "PENDING" }, { "PENDING_VERIFICATION", "PENDING" },
        { "PENDING", "PENDING" }, { "ACTIVE", "ACTIVE" }, { "EXPIRED", "EXPIRED" },
        { "DISCONNECTED", "REVOKED" }, { "REVOKED", "REVOKED" },
    };
    for (size_t i = 0; status && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(status, map[i][0]) == 0)
            return map[i][1];
    return "ERROR";
}

/* "2026-01-01T00:00:00.123Z" -> Unix seconds; INT64_MIN when absent. skemu writes Z times. */
static int64_t secs_of(const char *t)
{
    if (!t)
        return INT64_MIN;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    int y, mo, d, h, mi, s;
    if (sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6)
        fail_msg("unreadable time from skemu: %s", t);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return (int64_t)timegm(&tm);
}

/* What a selection keeps, as the test reads the issue: every given condition must hold. */
typedef struct want_spec {
    const char *conns[4];
    const char *states[5];       /* shown states, upper case */
    const char *query;           /* case-insensitive substring of identifier, id, connector */
    int64_t expiring_within;     /* 0: not given */
    int64_t unused_for;
    const char *view;            /* "attention", "expiring" (3d), "unused" (30d) */
} want_spec;

/* ASCII case-insensitive substring (the queries here are ASCII). */
static bool ci_contains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; hay && *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return false;
}

static bool keeps(const want_spec *w, json_object *a, int64_t now)
{
    const char *conn = jstr(a, "connector"), *state = state_of_status(jstr(a, "status"));
    if (w->conns[0]) {
        bool any = false;
        for (int i = 0; i < 4 && w->conns[i]; i++)
            any = any || (conn && strcmp(conn, w->conns[i]) == 0);
        if (!any)
            return false;
    }
    if (w->states[0]) {
        bool any = false;
        for (int i = 0; i < 5 && w->states[i]; i++)
            any = any || strcmp(state, w->states[i]) == 0;
        if (!any)
            return false;
    }
    if (w->query && !ci_contains(jstr(a, "identifier"), w->query) &&
        !ci_contains(jstr(a, "id"), w->query) && !ci_contains(conn, w->query))
        return false;
    int64_t exp = secs_of(jstr(a, "token_expires_at")), used = secs_of(jstr(a, "last_used_at"));
    int64_t within = w->expiring_within, unused = w->unused_for;
    if (w->view && strcmp(w->view, "attention") == 0 && strcmp(state, "ACTIVE") == 0)
        return false;
    if (w->view && strcmp(w->view, "expiring") == 0 &&
        !(exp != INT64_MIN && exp > now && exp - now <= 3 * DAY))
        return false;
    if (w->view && strcmp(w->view, "unused") == 0 &&
        !(used == INT64_MIN || now - used > 30 * DAY))
        return false;
    if (within && !(exp != INT64_MIN && exp > now && exp - now <= within))
        return false;
    if (unused && !(used == INT64_MIN || now - used > unused))
        return false;
    return true;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct idset {
    char **v;
    size_t n;
} idset;

static void ids_add(idset *s, const char *id)
{
    s->v = realloc(s->v, (s->n + 1) * sizeof *s->v);
    s->v[s->n++] = strdup(id ? id : "(none)");
}

static void ids_sort(idset *s)
{
    if (s->n)
        qsort(s->v, s->n, sizeof *s->v, cmp_str);
}

static void ids_free(idset *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

static bool ids_has(const idset *s, const char *id)
{
    for (size_t i = 0; id && i < s->n; i++)
        if (strcmp(s->v[i], id) == 0)
            return true;
    return false;
}

static idset expected(json_object *raw, const want_spec *w)
{
    idset s = { 0 };
    for (size_t i = 0; i < json_object_array_length(raw); i++) {
        json_object *a = json_object_array_get_idx(raw, i);
        if (keeps(w, a, EPOCH))
            ids_add(&s, jstr(a, "id"));
    }
    ids_sort(&s);
    return s;
}

/* The ids in a JSON array of skdash's output, under `key`. */
static idset ids_of_json(const char *text, const char *key)
{
    json_object *arr = json_tokener_parse(text);
    if (!arr || !json_object_is_type(arr, json_type_array))
        fail_msg("not a JSON array: %.300s", text);
    idset s = { 0 };
    for (size_t i = 0; i < json_object_array_length(arr); i++)
        ids_add(&s, jstr(json_object_array_get_idx(arr, i), key));
    json_object_put(arr);
    ids_sort(&s);
    return s;
}

static void assert_same(const idset *got, const idset *want, const char *what)
{
    if (got->n != want->n)
        fail_msg("%s: %zu accounts, expected %zu", what, got->n, want->n);
    for (size_t i = 0; i < got->n; i++)
        if (strcmp(got->v[i], want->v[i]) != 0)
            fail_msg("%s: %s where %s was expected", what, got->v[i], want->v[i]);
}

/* skdash with args (at most 20) after `cmd`; stdin /dev/null. */
static void run_args(run_result *r, const char *const *args)
{
    run_full(r, NULL, -1, args);
}

static int count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    int n = 0, ch;
    while ((ch = fgetc(f)) != EOF)
        n += ch == '\n';
    fclose(f);
    return n;
}

static char journal_path[200];

/* A fresh journal (and state) for each test. */
static void fresh_state(const char *name)
{
    char dir[160];
    snprintf(dir, sizeof dir, "%s/%s", tmp_dir, name);
    mkdir(dir, 0700);
    setenv("XDG_STATE_HOME", dir, 1);
    snprintf(journal_path, sizeof journal_path, "%s/skdash/journal.jsonl", dir);
}

/* Every journal line with this action, and how many of them have a result starting so. */
static int journal_count(const char *action, const char *result_prefix)
{
    FILE *f = fopen(journal_path, "r");
    if (!f)
        return 0;
    char line[4096];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        json_object *o = json_tokener_parse(line);
        if (!o)
            fail_msg("journal line is not JSON: %s", line);
        const char *a = jstr(o, "action"), *res = jstr(o, "result");
        if (a && strcmp(a, action) == 0 &&
            (!result_prefix || (res && strncmp(res, result_prefix, strlen(result_prefix)) == 0)))
            n++;
        json_object_put(o);
    }
    fclose(f);
    return n;
}

static void emu_up(skemu_proc *p, const char *const *extra)
{
    const char *args[24] = { "--generate", "60", "--connections", "4", "--seed", "3", "--epoch",
                             EPOCH_S };
    int n = 8;
    for (int i = 0; extra && extra[i] && n < 23; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    if (skemu_start(p, args) != 0)
        fail_msg("cannot start skemu (SKEMU_BIN=%s)", getenv("SKEMU_BIN"));
    setenv("SCALEKIT_ENVIRONMENT_URL", p->url, 1);
}

static void emu_down(skemu_proc *p)
{
    assert_int_equal(skemu_stop(p), 0);
    setenv("SCALEKIT_ENVIRONMENT_URL", emu.url, 1);
}

/* ------------------------------------------------------------------ setup */

static int group_setup(void **st)
{
    (void)st;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/skdash-bulk-XXXXXX");
    if (!run_cli_env(tmp_dir))
        return -1;
    setenv("SKDASH_NOW", EPOCH_S, 1);
    setenv("TZ", "UTC", 1);
    const char *args[] = { "--generate", "60", "--connections", "4", "--seed", "3", "--epoch",
                           EPOCH_S, NULL };
    if (skemu_start(&emu, args) != 0) {
        fprintf(stderr, "cannot start skemu (SKEMU_BIN=%s)\n", getenv("SKEMU_BIN"));
        return -1;
    }
    setenv("SCALEKIT_ENVIRONMENT_URL", emu.url, 1);
    return 0;
}

static int group_teardown(void **st)
{
    (void)st;
    skemu_stop(&emu);
    curl_global_cleanup();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------ selections */

typedef struct sel_case {
    const char *args[12];
    want_spec want;
    bool may_be_empty;
} sel_case;

/* Every flag alone, then combined; each through `list` and through `link --dry-run` (the path
 * every write takes), both against the accounts computed here. */
static void test_selection_flags(void **st)
{
    (void)st;
    fresh_state("selection");
    json_object *raw = direct_accounts(emu.url);
    assert_true(json_object_array_length(raw) >= 60);
    /* a connection that exists, from the data itself */
    const char *conn = jstr(json_object_array_get_idx(raw, 0), "connector");
    assert_non_null(conn);
    static char conn_copy[64], id_part[16];
    snprintf(conn_copy, sizeof conn_copy, "%s", conn);
    const char *id5 = jstr(json_object_array_get_idx(raw, 7), "id");
    snprintf(id_part, sizeof id_part, "%s", id5 + strlen(id5) - 5);
    const sel_case cases[] = {
        { { "-c", conn_copy }, { .conns = { conn_copy } }, false },
        { { "-s", "expired" }, { .states = { "EXPIRED" } }, false },
        { { "-s", "Pending", "--state", "ERROR" }, { .states = { "PENDING", "ERROR" } }, false },
        { { "-q", "example" }, { .query = "example" }, false },
        { { "-q", id_part }, { .query = id_part }, false },
        { { "--expiring-within", "3d" }, { .expiring_within = 3 * DAY }, false },
        { { "--expiring-within", "36h" }, { .expiring_within = 36 * 3600 }, false },
        { { "--expiring-within", "2w" }, { .expiring_within = 14 * DAY }, false },
        { { "--unused-for", "10d" }, { .unused_for = 10 * DAY }, false },
        { { "--unused-for", "20d" }, { .unused_for = 20 * DAY }, false },
        { { "--expiring-within", "1500m" }, { .expiring_within = 1500 * 60 }, false },
        { { "--view", "attention" }, { .view = "attention" }, false },
        { { "--view", "expiring" }, { .view = "expiring" }, false },
        { { "--view", "unused" }, { .view = "unused" }, false },
        { { "-c", conn_copy, "-s", "active", "--expiring-within", "1w" },
          { .conns = { conn_copy }, .states = { "ACTIVE" }, .expiring_within = 7 * DAY },
          true },
        { { "-s", "active", "-s", "expired", "--unused-for", "5d", "-q", "e" },
          { .states = { "ACTIVE", "EXPIRED" }, .unused_for = 5 * DAY, .query = "e" }, false },
        { { "--view", "attention", "--unused-for", "2w", "-c", conn_copy },
          { .view = "attention", .unused_for = 14 * DAY, .conns = { conn_copy } }, true },
        { { "--expiring-within", "2w", "--unused-for", "1d" },
          { .expiring_within = 14 * DAY, .unused_for = DAY }, false },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const sel_case *c = &cases[k];
        idset want = expected(raw, &c->want);
        char what[200];
        int n = snprintf(what, sizeof what, "case %zu:", k);
        for (int i = 0; c->args[i]; i++)
            n += snprintf(what + n, sizeof what - (size_t)n, " %s", c->args[i]);
        if (!c->may_be_empty && want.n == 0)
            fail_msg("%s: the data gives no account; the case tests nothing", what);
        if (want.n == json_object_array_length(raw))
            fail_msg("%s: the data keeps every account; the case tests nothing", what);
        for (int form = 0; form < 2; form++) {
            const char *args[20] = { form ? "link" : "list", "--format", "json" };
            int a = 3;
            if (form)
                args[a++] = "--dry-run";
            for (int i = 0; c->args[i]; i++)
                args[a++] = c->args[i];
            args[a] = NULL;
            run_result r;
            run_args(&r, args);
            if (r.code != 0)
                fail_msg("%s (%s): exit %d: %s", what, args[0], r.code, r.err);
            idset got = ids_of_json(r.out, form ? "account_id" : "id");
            assert_same(&got, &want, what);
            ids_free(&got);
            run_free(&r);
        }
        ids_free(&want);
    }
    /* A dry run asks for no link and journals nothing. */
    assert_int_equal(skemu_log_count(&emu, "magic_link"), 0);
    assert_int_equal(count_lines(journal_path), 0);
    json_object_put(raw);
}

static void test_selection_usage(void **st)
{
    (void)st;
    fresh_state("usage");
    static const struct { const char *args[8]; const char *says; } bad[] = {
        { { "list", "--expiring-within", "3" }, "has no unit" },
        { { "list", "--unused-for", "3y" }, "unknown unit 'y'" },
        { { "list", "--view", "nope" }, NULL },
        { { "delete", "--yes" }, "name the account" },
        { { "delete", "--all", "-s", "expired", "--yes" }, "--all cannot be combined" },
        { { "link", "-s", "expired", "--id", "ca_1" }, "not both" },
        { { "link", "-s", "expired", "gmail", "x" }, "not both" },
        { { "link", "-s", "expired", "--format", "text" }, "table, csv or json" },
        { { "link", "-s", "expired", "--qr" }, "--qr" },
        { { "disconnect", "-s", "expired", "--yes", "--dry-run" }, "exclude each other" },
        { { "disconnect", "--yes" }, "name the account" },
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        run_result r;
        run_args(&r, bad[k].args);
        if (r.code != 2)
            fail_msg("case %zu (%s): exit %d, wanted 2: %s", k, bad[k].args[0], r.code, r.err);
        if (bad[k].says && !strstr(r.err, bad[k].says))
            fail_msg("case %zu: \"%s\" lacks \"%s\"", k, r.err, bad[k].says);
        run_free(&r);
    }
    /* A write over everything must say --all: with it, a dry run lists them all. */
    json_object *raw = direct_accounts(emu.url);
    run_result r;
    run_args(&r, ARGS("delete", "--all", "--dry-run"));
    assert_int_equal(r.code, 0);
    char want[64];
    snprintf(want, sizeof want, "%zu accounts:", json_object_array_length(raw));
    assert_non_null(strstr(r.out, want));
    assert_non_null(strstr(r.out, "dry run: nothing deleted"));
    run_free(&r);
    json_object_put(raw);
    assert_int_equal(skemu_log_count(&emu, ":delete"), 0);
}

/* ------------------------------------------------------------------ link SELECTION */

static int count_char(const char *s, char c)
{
    int n = 0;
    for (; *s; s++)
        n += *s == c;
    return n;
}

static void test_bulk_link_formats(void **st)
{
    (void)st;
    skemu_proc p;
    emu_up(&p, NULL);
    json_object *raw = direct_accounts(p.url);
    want_spec w = { .states = { "EXPIRED", "PENDING" } };
    idset want = expected(raw, &w);
    assert_true(want.n >= 5);
    char prefix[160];
    snprintf(prefix, sizeof prefix, "%s/magic/", p.url);
    static const char *const fmts[] = { "json", "csv", "table" };
    for (int f = 0; f < 3; f++) {
        char name[32];
        snprintf(name, sizeof name, "link-%s", fmts[f]);
        fresh_state(name);
        int tokens0 = skemu_log_count(&p, "POST /oauth/token");
        int links0 = skemu_log_count(&p, "POST /api/v1/connected_accounts/magic_link");
        run_result r;
        run_args(&r, ARGS("link", "-s", "expired", "-s", "pending", "--format", fmts[f],
                          "--concurrency", "3"));
        if (r.code != 0)
            fail_msg("link --format %s: exit %d: %s", fmts[f], r.code, r.err);
        /* One token for the whole run (the listing and every link), one link per account. */
        assert_int_equal(skemu_log_count(&p, "POST /oauth/token") - tokens0, 1);
        assert_int_equal(skemu_log_count(&p, "POST /api/v1/connected_accounts/magic_link") -
                             links0, (int)want.n);
        assert_int_equal(count_lines(journal_path), (int)want.n);
        assert_int_equal(journal_count("link", "ok"), (int)want.n);
        if (f == 0) {
            idset got = ids_of_json(r.out, "account_id");
            assert_same(&got, &want, "link --format json");
            ids_free(&got);
            json_object *arr = json_tokener_parse(r.out);
            for (size_t i = 0; i < json_object_array_length(arr); i++) {
                json_object *o = json_object_array_get_idx(arr, i);
                static const char *const keys[] = { "connection", "identifier", "account_id",
                                                    "state", "link", "expiry", "message" };
                for (int k = 0; k < 7; k++)
                    if (!jstr(o, keys[k]))
                        fail_msg("row %zu has no %s", i, keys[k]);
                assert_null(jstr(o, "error"));
                assert_int_equal(strncmp(jstr(o, "link"), prefix, strlen(prefix)), 0);
                /* The message is the default template's, naming the account and the link. */
                assert_non_null(strstr(jstr(o, "message"), jstr(o, "link")));
                assert_non_null(strstr(jstr(o, "message"), jstr(o, "identifier")));
                assert_true(strcmp(jstr(o, "state"), "EXPIRED") == 0 ||
                            strcmp(jstr(o, "state"), "PENDING") == 0);
            }
            json_object_put(arr);
        } else if (f == 1) {
            const char *head =
                "connection,identifier,account_id,state,link,expiry,message,error\n";
            assert_int_equal(strncmp(r.out, head, strlen(head)), 0);
            assert_int_equal(count_char(r.out, '\n'), (int)want.n + 1);
            for (size_t i = 0; i < want.n; i++)
                assert_non_null(strstr(r.out, want.v[i]));
            /* every row a link, ending in its empty error field */
            int links = 0;
            for (const char *q = r.out; (q = strstr(q, prefix)); q++)
                links++;
            assert_int_equal(links, 2 * (int)want.n);   /* the link, and in the message */
        } else {
            assert_int_equal(strncmp(r.out, "CONNECTION", 10), 0);
            assert_int_equal(count_char(r.out, '\n'), (int)want.n + 1);
            for (size_t i = 0; i < want.n; i++)
                assert_non_null(strstr(r.out, want.v[i]));
            assert_null(strchr(r.out, '\033'));   /* not a terminal: no colour */
        }
        /* Not a terminal: no progress line. */
        assert_null(strchr(r.err, '\r'));
        run_free(&r);
    }
    ids_free(&want);
    json_object_put(raw);
    emu_down(&p);
}

/* The profile's message template. */
static void test_bulk_link_template(void **st)
{
    (void)st;
    fresh_state("template");
    char cfg[200];
    snprintf(cfg, sizeof cfg, "%s/template.conf", tmp_dir);
    FILE *f = fopen(cfg, "w");
    assert_non_null(f);
    fputs("[camp]\nmessage = \"Hi {identifier}, please reconnect {connection}: {link}\"\n", f);
    fclose(f);
    chmod(cfg, 0600);
    run_result r;
    run_args(&r, ARGS("--config", cfg, "--profile", "camp", "link", "-s", "expired",
                      "--format", "json"));
    assert_int_equal(r.code, 0);
    json_object *arr = json_tokener_parse(r.out);
    assert_true(json_object_array_length(arr) > 0);
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        json_object *o = json_object_array_get_idx(arr, i);
        char want[600];
        snprintf(want, sizeof want, "Hi %s, please reconnect %s: %s", jstr(o, "identifier"),
                 jstr(o, "connection"), jstr(o, "link"));
        assert_string_equal(jstr(o, "message"), want);
    }
    json_object_put(arr);
    run_free(&r);
}

/* How many requests a dry run of args takes on a twin of skemu (the token and the listing):
 * --fault-after that many lets the listing through and fails what follows. */
static int listing_requests(const char *const *sel, size_t *accounts)
{
    skemu_proc twin;
    emu_up(&twin, NULL);
    const char *args[16] = { "link", "--dry-run", "--format", "json" };
    int a = 4;
    for (int i = 0; sel[i]; i++)
        args[a++] = sel[i];
    args[a] = NULL;
    run_result r;
    run_args(&r, args);
    assert_int_equal(r.code, 0);
    json_object *arr = json_tokener_parse(r.out);
    assert_non_null(arr);
    *accounts = json_object_array_length(arr);
    json_object_put(arr);
    run_free(&r);
    /* every request is one log line: "METHOD PATH STATUS Nms" */
    FILE *f = fopen(twin.log_path, "r");
    assert_non_null(f);
    int n = 0;
    char line[2048];
    while (fgets(line, sizeof line, f))
        n += strncmp(line, "GET ", 4) == 0 || strncmp(line, "POST ", 5) == 0;
    fclose(f);
    emu_down(&twin);
    return n;
}

/* The first `ok` writes pass, every request after fails (500/503, retried, then given up):
 * with --concurrency 1 exactly the accounts after the first `ok` fail. */
static size_t faulty_emu(skemu_proc *p, const char *const *sel, int ok)
{
    char after[16];
    size_t n = 0;
    snprintf(after, sizeof after, "%d", listing_requests(sel, &n) + ok);
    if (n < 2)
        fail_msg("the selection keeps %zu accounts: too few for a partial failure", n);
    const char *extra[] = { "--fail-rate", "1", "--fault-after", after, NULL };
    emu_up(p, extra);
    return n;
}

static void test_bulk_link_partial_failure(void **st)
{
    (void)st;
    fresh_state("link-partial");
    const char *sel[] = { "-s", "expired", "-c", "slack", NULL };
    skemu_proc p;
    size_t n = faulty_emu(&p, sel, 1);
    run_result r;
    run_args(&r, ARGS("link", "-s", "expired", "-c", "slack", "--format", "csv",
                      "--concurrency", "1"));
    assert_int_equal(r.code, 1);
    /* the header, the good row, then the failed rows (no link, their error) */
    assert_int_equal(count_char(r.out, '\n'), (int)n + 1);
    const char *second = strchr(strchr(r.out, '\n') + 1, '\n') + 1;
    assert_non_null(strstr(strchr(r.out, '\n'), "/magic/"));
    assert_null(strstr(second, "/magic/"));
    assert_non_null(strstr(second, ",EXPIRED,,,,"));
    char says[64];
    snprintf(says, sizeof says, "%zu of %zu links failed", n - 1, n);
    assert_non_null(strstr(r.err, says));
    assert_int_equal(journal_count("link", "ok"), 1);
    assert_int_equal(journal_count("link", NULL), (int)n);
    run_free(&r);
    emu_down(&p);
}

/* A per-second rate limit (skemu --rate-limit, 429 with Retry-After): the campaign waits as
 * told and every account still gets its link, on the one token. */
static void test_bulk_link_rate_limited(void **st)
{
    (void)st;
    fresh_state("link-429");
    skemu_proc p;
    const char *extra[] = { "--rate-limit", "6", "--retry-after", "1", NULL };
    emu_up(&p, extra);
    json_object *raw = direct_accounts(p.url);
    want_spec w = { .states = { "EXPIRED", "PENDING" } };
    idset want = expected(raw, &w);
    json_object_put(raw);
    assert_true(want.n >= 8);
    int tokens0 = skemu_log_count(&p, "POST /oauth/token 200");
    run_result r;
    run_args(&r, ARGS("link", "-s", "expired", "-s", "pending", "--format", "json",
                      "--concurrency", "8"));
    if (r.code != 0)
        fail_msg("exit %d: %s", r.code, r.err);
    idset got = ids_of_json(r.out, "account_id");
    assert_same(&got, &want, "link under a rate limit");
    json_object *arr = json_tokener_parse(r.out);
    for (size_t i = 0; i < json_object_array_length(arr); i++)
        assert_non_null(jstr(json_object_array_get_idx(arr, i), "link"));
    json_object_put(arr);
    assert_true(skemu_log_count(&p, " 429 ") > 0);
    assert_int_equal(skemu_log_count(&p, "POST /oauth/token 200") - tokens0, 1);
    assert_int_equal(journal_count("link", "ok"), (int)want.n);
    run_free(&r);
    ids_free(&got);
    ids_free(&want);
    emu_down(&p);
}

/* ------------------------------------------------------------------ delete SELECTION */

static void test_bulk_delete(void **st)
{
    (void)st;
    fresh_state("delete");
    skemu_proc p;
    emu_up(&p, NULL);
    json_object *raw = direct_accounts(p.url);
    want_spec w = { .states = { "REVOKED" } };
    idset want = expected(raw, &w);
    assert_true(want.n >= 2);
    size_t total = json_object_array_length(raw);
    json_object_put(raw);

    /* --dry-run: the count per connection and state, nothing sent. */
    run_result r;
    run_args(&r, ARGS("delete", "-s", "revoked", "--dry-run"));
    assert_int_equal(r.code, 0);
    char words[64];
    snprintf(words, sizeof words, "%zu accounts: ", want.n);
    assert_non_null(strstr(r.out, words));
    assert_non_null(strstr(r.out, " REVOKED in "));
    for (size_t i = 0; i < want.n; i++)
        assert_non_null(strstr(r.out, want.v[i]));
    run_free(&r);
    assert_int_equal(skemu_log_count(&p, ":delete"), 0);

    /* No terminal, no --yes: refused, nothing sent. */
    run_args(&r, ARGS("delete", "-s", "revoked"));
    assert_int_equal(r.code, 2);
    assert_non_null(strstr(r.err, "pass --yes"));
    run_free(&r);
    assert_int_equal(skemu_log_count(&p, ":delete"), 0);

    /* Read-only, by flag and by profile: refused before anything is sent. */
    run_args(&r, ARGS("--read-only", "delete", "-s", "revoked", "--yes"));
    assert_int_equal(r.code, 2);
    assert_non_null(strstr(r.err, "read-only"));
    run_free(&r);
    char cfg[200];
    snprintf(cfg, sizeof cfg, "%s/ro.conf", tmp_dir);
    FILE *f = fopen(cfg, "w");
    fputs("[ro]\nread_only = true\n", f);
    fclose(f);
    run_args(&r, ARGS("--config", cfg, "--profile", "ro", "delete", "-s", "revoked", "--yes"));
    assert_int_equal(r.code, 2);
    assert_non_null(strstr(r.err, "read-only"));
    run_free(&r);
    assert_int_equal(skemu_log_count(&p, ":delete"), 0);
    assert_int_equal(journal_count("delete", NULL), 0);

    /* --yes: every one deleted, each journaled, the rest untouched. */
    run_args(&r, ARGS("delete", "-s", "revoked", "--yes"));
    assert_int_equal(r.code, 0);
    char done[64];
    snprintf(done, sizeof done, "deleted %zu of %zu\n", want.n, want.n);
    assert_non_null(strstr(r.out, done));
    run_free(&r);
    assert_int_equal(skemu_log_count(&p, ":delete"), (int)want.n);
    assert_int_equal(journal_count("delete", "ok"), (int)want.n);
    json_object *after = direct_accounts(p.url);
    assert_int_equal(json_object_array_length(after), total - want.n);
    for (size_t i = 0; i < json_object_array_length(after); i++)
        assert_false(ids_has(&want, jstr(json_object_array_get_idx(after, i), "id")));
    json_object_put(after);
    /* Nothing left to select: nothing to do. */
    run_args(&r, ARGS("delete", "-s", "revoked", "--yes"));
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "no account matches"));
    run_free(&r);
    ids_free(&want);
    emu_down(&p);
}

static int open_pty(int *slave)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0)
        return -1;
    *slave = open(ptsname(m), O_RDWR | O_NOCTTY);
    return *slave < 0 ? -1 : m;
}

static int run_on_pty_stdin(run_result *r, const char *answer, const char *const *args)
{
    int slave, master = open_pty(&slave);
    if (master < 0)
        return -1;
    assert_true(write(master, answer, strlen(answer)) == (ssize_t)strlen(answer));
    run_full(r, NULL, slave, args);
    close(slave);
    close(master);
    return 0;
}

/* On a terminal the count must be typed: anything else declines (exit 5, nothing sent). */
static void test_bulk_delete_typed_count(void **st)
{
    (void)st;
    fresh_state("typed");
    skemu_proc p;
    emu_up(&p, NULL);
    json_object *raw = direct_accounts(p.url);
    want_spec w = { .states = { "EXPIRED" }, .conns = { "gmail" } };
    idset want = expected(raw, &w);
    json_object_put(raw);
    assert_true(want.n >= 2);
    run_result r;
    if (run_on_pty_stdin(&r, "y\n", ARGS("delete", "-s", "expired", "-c", "gmail")) != 0)
        skip();
    char ask[64];
    snprintf(ask, sizeof ask, "Type %zu to delete them", want.n);
    assert_non_null(strstr(r.err, ask));
    assert_int_equal(r.code, 5);
    run_free(&r);
    assert_int_equal(skemu_log_count(&p, ":delete"), 0);
    char typed[16];
    snprintf(typed, sizeof typed, "%zu\n", want.n);
    assert_int_equal(run_on_pty_stdin(&r, typed, ARGS("delete", "-s", "expired", "-c", "gmail")),
                     0);
    assert_int_equal(r.code, 0);
    assert_int_equal(skemu_log_count(&p, ":delete"), (int)want.n);
    run_free(&r);
    ids_free(&want);
    emu_down(&p);
}

static void test_bulk_delete_partial_failure(void **st)
{
    (void)st;
    fresh_state("delete-partial");
    const char *sel[] = { "-s", "expired", "-c", "slack", NULL };
    skemu_proc p;
    size_t n = faulty_emu(&p, sel, 1);
    run_result r;
    run_args(&r, ARGS("delete", "-s", "expired", "-c", "slack", "--yes", "--concurrency", "1"));
    assert_int_equal(r.code, 1);
    char says[64];
    snprintf(says, sizeof says, "deleted 1 of %zu\n", n);
    assert_non_null(strstr(r.out, says));
    assert_non_null(strstr(r.err, "delete failed for slack "));
    assert_int_equal(journal_count("delete", "ok"), 1);
    assert_int_equal(journal_count("delete", NULL), (int)n);
    run_free(&r);
    emu_down(&p);
}

/* ------------------------------------------------------------------ disconnect */

static const char *status_of(const char *base, const char *id)
{
    static char st[64];
    json_object *all = direct_accounts(base);
    st[0] = '\0';
    for (size_t i = 0; i < json_object_array_length(all); i++) {
        json_object *a = json_object_array_get_idx(all, i);
        if (strcmp(jstr(a, "id"), id) == 0)
            snprintf(st, sizeof st, "%s", jstr(a, "status") ? jstr(a, "status") : "");
    }
    json_object_put(all);
    return st;
}

static void test_disconnect(void **st)
{
    (void)st;
    fresh_state("disconnect");
    skemu_proc p;
    emu_up(&p, NULL);
    json_object *raw = direct_accounts(p.url);
    want_spec w = { .states = { "EXPIRED" } };
    idset want = expected(raw, &w);
    size_t total = json_object_array_length(raw);
    json_object_put(raw);
    assert_true(want.n >= 2);

    run_result r;
    run_args(&r, ARGS("disconnect", "-s", "expired", "--dry-run"));
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "dry run: nothing disconnected"));
    run_free(&r);
    run_args(&r, ARGS("--read-only", "disconnect", "-s", "expired", "--yes"));
    assert_int_equal(r.code, 2);
    run_free(&r);
    char cfg[200];
    snprintf(cfg, sizeof cfg, "%s/ro-disconnect.conf", tmp_dir);
    FILE *f = fopen(cfg, "w");
    fputs("[ro]\nread_only = true\n", f);
    fclose(f);
    run_args(&r, ARGS("--config", cfg, "--profile", "ro", "disconnect", "--id", want.v[0],
                      "--yes"));
    assert_int_equal(r.code, 2);
    assert_non_null(strstr(r.err, "read-only: disconnect is disabled"));
    run_free(&r);
    run_args(&r, ARGS("disconnect", "--id", want.v[0]));   /* no terminal, no --yes */
    assert_int_equal(r.code, 2);
    run_free(&r);
    assert_int_equal(skemu_log_count(&p, ":disconnect"), 0);

    /* One account by id. */
    run_args(&r, ARGS("disconnect", "--id", want.v[0], "--yes"));
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "Disconnected "));
    run_free(&r);
    assert_string_equal(status_of(p.url, want.v[0]), "DISCONNECTED");
    /* The selection: every EXPIRED one left, the record kept. */
    run_args(&r, ARGS("disconnect", "-s", "expired", "--yes"));
    assert_int_equal(r.code, 0);
    char done[64];
    snprintf(done, sizeof done, "disconnected %zu of %zu\n", want.n - 1, want.n - 1);
    assert_non_null(strstr(r.out, done));
    run_free(&r);
    for (size_t i = 0; i < want.n; i++)
        assert_string_equal(status_of(p.url, want.v[i]), "DISCONNECTED");
    json_object *after = direct_accounts(p.url);
    assert_int_equal(json_object_array_length(after), total);
    json_object_put(after);
    assert_int_equal(journal_count("disconnect", "ok"), (int)want.n);
    ids_free(&want);
    emu_down(&p);
}

/* The first disconnect passes, every request after it fails (500/503 after retries, and the
 * read-back too): one done, the others failed and named, each journaled. */
static void test_disconnect_partial_failure(void **st)
{
    (void)st;
    fresh_state("disconnect-partial");
    const char *sel[] = { "-s", "expired", "-c", "slack", NULL };
    skemu_proc p;
    size_t n = faulty_emu(&p, sel, 1);
    run_result r;
    run_args(&r, ARGS("disconnect", "-s", "expired", "-c", "slack", "--yes", "--concurrency",
                      "1"));
    assert_int_equal(r.code, 1);
    char says[64];
    snprintf(says, sizeof says, "disconnected 1 of %zu\n", n);
    assert_non_null(strstr(r.out, says));
    assert_non_null(strstr(r.err, "disconnect failed for slack "));
    assert_int_equal(journal_count("disconnect", "ok"), 1);
    assert_int_equal(journal_count("disconnect", NULL), (int)n);
    run_free(&r);
    emu_down(&p);
}

/* An environment without disconnect: said so, nothing changed, exit 1. */
static void test_disconnect_not_offered(void **st)
{
    (void)st;
    static const char *const modes[] = { "--no-disconnect", "--no-disconnect=501" };
    for (int m = 0; m < 2; m++) {
        fresh_state(m ? "no-disconnect-501" : "no-disconnect-404");
        skemu_proc p;
        const char *extra[] = { modes[m], NULL };
        emu_up(&p, extra);
        json_object *raw = direct_accounts(p.url);
        want_spec w = { .states = { "EXPIRED" } };
        idset want = expected(raw, &w);
        json_object_put(raw);
        run_result r;
        run_args(&r, ARGS("disconnect", "-s", "expired", "--yes"));
        assert_int_equal(r.code, 1);
        assert_non_null(strstr(r.err, "this environment does not offer disconnect"));
        run_free(&r);
        run_args(&r, ARGS("disconnect", "--id", want.v[0], "--yes"));
        assert_int_equal(r.code, 1);
        assert_non_null(strstr(r.err, "this environment does not offer disconnect"));
        run_free(&r);
        for (size_t i = 0; i < want.n; i++)
            assert_string_equal(status_of(p.url, want.v[i]), "EXPIRED");
        assert_int_equal(journal_count("disconnect", "ok"), 0);
        assert_true(journal_count("disconnect", "failed: this environment") >= 1);
        ids_free(&want);
        emu_down(&p);
    }
}

/* Every disconnect carried out and its answer lost (skemu --lose-rate 1): retried, then the
 * account read back: DISCONNECTED is done, said so, and journaled as confirmed. */
static void test_disconnect_lost_answer(void **st)
{
    (void)st;
    fresh_state("disconnect-lost");
    skemu_proc p;
    const char *extra[] = { "--lose-rate", "1", NULL };
    emu_up(&p, extra);
    json_object *raw = direct_accounts(p.url);
    want_spec w = { .states = { "EXPIRED" }, .conns = { "gmail" } };
    idset want = expected(raw, &w);
    json_object_put(raw);
    assert_true(want.n >= 2);
    run_result r;
    run_args(&r, ARGS("disconnect", "-c", "gmail", "-s", "expired", "--yes", "--concurrency",
                      "8"));
    if (r.code != 0)
        fail_msg("exit %d: %s", r.code, r.err);
    char done[64];
    snprintf(done, sizeof done, "disconnected %zu of %zu\n", want.n, want.n);
    assert_non_null(strstr(r.out, done));
    run_free(&r);
    for (size_t i = 0; i < want.n; i++)
        assert_string_equal(status_of(p.url, want.v[i]), "DISCONNECTED");
    assert_int_equal(journal_count("disconnect", "ok: confirmed disconnected after the answer "
                                                 "was lost"), (int)want.n);
    assert_int_equal(journal_count("disconnect", NULL), (int)want.n);
    ids_free(&want);
    emu_down(&p);
}

/* On a terminal the campaign shows its progress on stderr, and clears it. */
static void test_bulk_link_progress(void **st)
{
    (void)st;
    fresh_state("progress");
    int code = -1;
    size_t len = 0;
    char *out = run_on_tty(NULL, 200, true, ARGS("link", "-s", "expired", "--format", "csv"),
                           &code, &len);
    if (!out)
        skip();
    assert_int_equal(code, 0);
    assert_non_null(strstr(out, "\r\033[Klinks "));
    assert_non_null(strstr(out, "connection,identifier,account_id,state,link,expiry,message,error"));
    free(out);
    /* Piped, none (test_bulk_link_formats checks stderr has no '\r'). */
}

/* A server whose disconnect answers about another account: refused like any such answer
 * (nothing reported as done, nothing journaled as ok). */
typedef struct wrong_fake {
    int disconnects;
} wrong_fake;

static bool wrong_answer(void *ud, int fd, const char *line)
{
    wrong_fake *w = ud;
    if (strstr(line, "/oauth/token"))
        return fake_http_reply(fd, 200, "{\"access_token\":\"fake-token\",\"expires_in\":3600}");
    if (strstr(line, "/details"))
        return fake_http_reply(fd, 200, "{\"connected_account\":{\"id\":\"ca_1\","
                               "\"identifier\":\"ana@x.com\",\"connector\":\"gmail\","
                               "\"status\":\"ACTIVE\"}}");
    if (strstr(line, "POST /api/v1/connected_accounts/ca_1:disconnect ")) {
        w->disconnects++;
        return fake_http_reply(fd, 200, "{\"connected_account\":{\"id\":\"ca_other\","
                               "\"identifier\":\"bo@x.com\",\"connector\":\"gmail\","
                               "\"status\":\"DISCONNECTED\"}}");
    }
    return fake_http_reply(fd, 404, "{\"code\":5,\"message\":\"not found\"}");
}

static void test_disconnect_wrong_account(void **st)
{
    (void)st;
    fresh_state("disconnect-wrong");
    wrong_fake w = { 0 };
    fake_http srv;
    fake_http_start(&srv, wrong_answer, &w);
    setenv("SCALEKIT_ENVIRONMENT_URL", srv.url, 1);
    run_result r;
    run_start(&r, NULL, -1, ARGS("disconnect", "--id", "ca_1", "--yes"));
    run_finish(&r, 30);
    fake_http_stop(&srv);
    setenv("SCALEKIT_ENVIRONMENT_URL", emu.url, 1);
    assert_int_equal(w.disconnects, 1);
    assert_int_equal(r.code, 1);
    if (!strstr(r.err, "answered about another account"))
        fail_msg("not refused: [%s]", r.err);
    assert_null(strstr(r.out, "Disconnected"));
    assert_int_equal(journal_count("disconnect", "ok"), 0);
    assert_int_equal(journal_count("disconnect", "failed: the server answered about another "
                                                 "account"), 1);
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_selection_flags),
        cmocka_unit_test(test_selection_usage),
        cmocka_unit_test(test_bulk_link_formats),
        cmocka_unit_test(test_bulk_link_template),
        cmocka_unit_test(test_bulk_link_partial_failure),
        cmocka_unit_test(test_bulk_link_rate_limited),
        cmocka_unit_test(test_bulk_delete),
        cmocka_unit_test(test_bulk_delete_typed_count),
        cmocka_unit_test(test_bulk_delete_partial_failure),
        cmocka_unit_test(test_disconnect),
        cmocka_unit_test(test_disconnect_partial_failure),
        cmocka_unit_test(test_disconnect_not_offered),
        cmocka_unit_test(test_disconnect_lost_answer),
        cmocka_unit_test(test_disconnect_wrong_account),
        cmocka_unit_test(test_bulk_link_progress),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
