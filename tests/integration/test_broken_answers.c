/* test_broken_answers.c: issue #12's hostile or broken answers through the real skdash binary:
 * page-token cycles and endless pages (of a listing and of list -q's search), answers about
 * another account, links that are not links or have expired, a listing through 10% damaged answers, and the dashboard's auth failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "../support/damaged_fx.h"
#include "../support/fake_http.h"
#include "../support/run_skdash.h"
#include "../support/skemu_proc.h"

static char tmp_dir[64];

/* ------------------------------------------------------------------ the scripted server */

typedef enum {
    M_CYCLE,        /* account page tokens A, B, A, B... */
    M_ENDLESS,      /* total_size 3, yet a new token on every page */
    M_WRONG_ID,     /* details answer about ca_other whatever was asked */
    M_WRONG_IDENT,  /* details answer about another identifier of the same connection */
    M_LINK,         /* details right; the magic link answer is `link_body` */
    M_TIMES,        /* details with times written as servers do, and one unreadable */
} mode;

typedef struct fake {
    fake_http srv;
    mode m;
    const char *link_body;
    int pages, deletes, links, details;   /* requests seen (read after fake_stop) */
} fake;

#define ACC(id, ident) "{\"id\":\"" id "\",\"identifier\":\"" ident "\",\"connector\":\"gmail\"," \
    "\"connection_id\":\"conn_gmail\",\"provider\":\"GMAIL\",\"status\":\"ACTIVE\"," \
    "\"authorization_type\":\"OAUTH\",\"updated_at\":\"2025-04-16T06:56:05Z\"}"

static const char connections[] =
    "{\"connections\":[{\"id\":\"conn_gmail\",\"key_id\":\"gmail\",\"provider_key\":\"GMAIL\","
    "\"type\":\"OAUTH\",\"status\":\"COMPLETED\",\"enabled\":true}],\"total_size\":1}";

static bool answer_page(fake *f, int fd, const char *line)
{
    f->pages++;
    char body[512];
    const char *tok = strstr(line, "page_token=");
    if (f->m != M_CYCLE && f->m != M_ENDLESS)   /* one good page with the account ca_1 */
        return fake_http_reply(fd, 200, "{\"connected_accounts\":[" ACC("ca_1", "ana@x.com")
                               "],\"total_size\":1}");
    if (f->m == M_CYCLE) {
        /* first page -> A, A -> B, B -> A: never the same token twice in a row */
        const char *next = !tok ? "A" : tok[11] == 'A' ? "B" : "A";
        snprintf(body, sizeof body, "{\"connected_accounts\":[" ACC("ca_%d", "u%d@x.com") "],"
                 "\"total_size\":1000,\"next_page_token\":\"%s\"}", f->pages, f->pages, next);
    } else {
        snprintf(body, sizeof body, "{\"connected_accounts\":[" ACC("ca_%d", "u%d@x.com") "],"
                 "\"total_size\":3,\"next_page_token\":\"t%d\"}", f->pages, f->pages, f->pages);
    }
    return fake_http_reply(fd, 200, body);
}

static bool answer(void *ud, int fd, const char *line)
{
    fake *f = ud;
    if (strstr(line, "/oauth/token"))
        return fake_http_reply(fd, 200, "{\"access_token\":\"fake-token\",\"expires_in\":3600}");
    if (strstr(line, "/connections/app"))
        return fake_http_reply(fd, 200, connections);
    if (strstr(line, ":delete")) {
        f->deletes++;
        return fake_http_reply(fd, 200, "{}");
    }
    if (strstr(line, "/magic_link")) {
        f->links++;
        return fake_http_reply(fd, 200, f->link_body ? f->link_body : "{}");
    }
    if (strstr(line, "/details")) {
        f->details++;
        if (f->m == M_WRONG_ID)
            return fake_http_reply(fd, 200, "{\"connected_account\":" ACC("ca_other", "ana@x.com") "}");
        if (f->m == M_TIMES)
            return fake_http_reply(fd, 200, "{\"connected_account\":{\"id\":\"ca_1\","
                                   "\"identifier\":\"ana@x.com\",\"connector\":\"gmail\","
                                   "\"status\":\"ACTIVE\",\"updated_at\":\"yesterday\","
                                   "\"last_used_at\":\"2025-12-02 05:59:59.250126+00:00\","
                                   "\"token_expires_at\":\"2025-12-02T06:59:59+0000\"}}");
        if (f->m == M_WRONG_IDENT)
            return fake_http_reply(fd, 200, "{\"connected_account\":" ACC("ca_1", "bo@x.com") "}");
        return fake_http_reply(fd, 200, "{\"connected_account\":" ACC("ca_1", "ana@x.com") "}");
    }
    if (strstr(line, "/connected_accounts?") || strstr(line, "/connected_accounts:search?"))
        return answer_page(f, fd, line);
    return fake_http_reply(fd, 404, "{\"code\":5,\"message\":\"not found\"}");
}

static void fake_start(fake *f, mode m, const char *link_body)
{
    memset(f, 0, sizeof *f);
    f->m = m;
    f->link_body = link_body;
    fake_http_start(&f->srv, answer, f);
    setenv("SCALEKIT_ENVIRONMENT_URL", f->srv.url, 1);
}

static void fake_stop(fake *f)
{
    fake_http_stop(&f->srv);
}

/* ------------------------------------------------------------------ helpers */

static void run_cli(run_result *r, double limit, const char *const *args)
{
    run_start(r, NULL, -1, args);
    run_finish(r, limit);
    if (r->killed)
        fail_msg("skdash ran past %.0f s: [%s]", limit, r->err);
}

/* The journal's whole text ("" when there is none). */
static char *journal_text(void)
{
    char path[160];
    snprintf(path, sizeof path, "%s/skdash/journal.jsonl", tmp_dir);
    FILE *f = fopen(path, "r");
    char *s = calloc(1, 65536);
    assert_non_null(s);
    if (f) {
        size_t n = fread(s, 1, 65535, f);
        s[n] = '\0';
        fclose(f);
    }
    return s;
}

static void journal_clear(void)
{
    char path[160];
    snprintf(path, sizeof path, "%s/skdash/journal.jsonl", tmp_dir);
    unlink(path);
}

static void assert_no_ok_journaled(void)
{
    char *j = journal_text();
    if (strstr(j, "\"result\":\"ok"))
        fail_msg("journaled as ok: %s", j);
    free(j);
}

/* ------------------------------------------------------------------ page tokens */

/* A, B, A...: only a token equal to the previous one was caught; any repeat is now. */
static void test_token_cycle_stops(void **st)
{
    (void)st;
    fake f;
    fake_start(&f, M_CYCLE, NULL);
    run_result r;
    run_cli(&r, 20, ARGS("list", "--format", "json"));
    fake_stop(&f);
    assert_int_equal(r.code, 1);
    if (!strstr(r.err, "a page token it had sent before"))
        fail_msg("no cycle named: [%s]", r.err);
    /* first page, A, B, then A again is refused before it is asked for */
    assert_int_equal(f.pages, 3);
    run_free(&r);
}

/* A total of 3 accounts, yet a fresh token on every page: stopped within the bound. */
static void test_endless_pages_stop(void **st)
{
    (void)st;
    fake f;
    fake_start(&f, M_ENDLESS, NULL);
    run_result r;
    run_cli(&r, 20, ARGS("list", "--format", "json"));
    fake_stop(&f);
    assert_int_equal(r.code, 1);
    if (!strstr(r.err, "pages for a total of 3 accounts"))
        fail_msg("no bound named: [%s]", r.err);
    assert_true(f.pages >= 3 && f.pages <= 12);
    run_free(&r);
}

/* The same guards hold for the search behind list -q: a cycle and endless pages stop it. */
static void test_search_pages_guarded(void **st)
{
    (void)st;
    fake f;
    fake_start(&f, M_CYCLE, NULL);
    run_result r;
    run_cli(&r, 20, ARGS("list", "-q", "x.com", "--format", "json"));
    fake_stop(&f);
    assert_int_equal(r.code, 1);
    if (!strstr(r.err, "search: the server sent a page token it had sent before"))
        fail_msg("no cycle named: [%s]", r.err);
    assert_int_equal(f.pages, 3);
    run_free(&r);
    fake_start(&f, M_ENDLESS, NULL);
    run_cli(&r, 20, ARGS("list", "-q", "x.com", "--format", "json"));
    fake_stop(&f);
    assert_int_equal(r.code, 1);
    if (!strstr(r.err, "search: the server sent") || !strstr(r.err, "for a total of 3"))
        fail_msg("no bound named: [%s]", r.err);
    assert_true(f.pages >= 3 && f.pages <= 12);
    run_free(&r);
}

/* show IDENTIFIER alone pages the identifier filter under its own guard. */
static void test_identifier_lookup_guarded(void **st)
{
    (void)st;
    fake f;
    fake_start(&f, M_CYCLE, NULL);
    run_result r;
    run_cli(&r, 20, ARGS("show", "u1@x.com"));
    fake_stop(&f);
    assert_int_equal(r.code, 1);
    if (!strstr(r.err, "a page token it had sent before (a cycle) while looking the identifier"))
        fail_msg("no cycle named: [%s]", r.err);
    assert_int_equal(f.pages, 3);
    assert_int_equal(f.details, 0);
    run_free(&r);
}

/* ------------------------------------------------------------------ the wrong account */

static void assert_wrong_account(const run_result *r)
{
    assert_int_equal(r->code, 1);
    if (!strstr(r->err, "answered about another account"))
        fail_msg("not refused as another account: [%s]", r->err);
}

static void test_wrong_account_show(void **st)
{
    (void)st;
    fake f;
    fake_start(&f, M_WRONG_ID, NULL);
    run_result r;
    run_cli(&r, 20, ARGS("show", "--id", "ca_1"));
    fake_stop(&f);
    assert_wrong_account(&r);
    assert_null(strstr(r.out, "ca_other"));
    run_free(&r);

    fake_start(&f, M_WRONG_IDENT, NULL);
    run_cli(&r, 20, ARGS("show", "gmail", "ana@x.com"));
    fake_stop(&f);
    assert_wrong_account(&r);
    assert_null(strstr(r.out, "bo@x.com"));
    run_free(&r);
    /* The identifier's case is not held against an answer (providers fold e-mail case). */
    fake_start(&f, M_WRONG_IDENT, NULL);
    run_cli(&r, 20, ARGS("show", "gmail", "BO@x.com"));
    fake_stop(&f);
    assert_int_equal(r.code, 0);
    run_free(&r);
}

/* Asked to delete ca_1, the answer names ca_other: nothing is deleted, nothing journaled. */
static void test_wrong_account_delete(void **st)
{
    (void)st;
    journal_clear();
    fake f;
    fake_start(&f, M_WRONG_ID, NULL);
    run_result r;
    run_cli(&r, 20, ARGS("delete", "--id", "ca_1", "--yes"));
    fake_stop(&f);
    assert_wrong_account(&r);
    assert_int_equal(f.deletes, 0);
    assert_null(strstr(r.out, "Deleted"));
    assert_no_ok_journaled();
    run_free(&r);

    fake_start(&f, M_WRONG_IDENT, NULL);
    run_cli(&r, 20, ARGS("delete", "gmail", "ana@x.com", "--yes"));
    fake_stop(&f);
    assert_wrong_account(&r);
    assert_int_equal(f.deletes, 0);
    assert_no_ok_journaled();
    run_free(&r);
}

static void test_wrong_account_link(void **st)
{
    (void)st;
    journal_clear();
    fake f;
    fake_start(&f, M_WRONG_ID, "{\"link\":\"https://x.example/l\",\"expiry\":\"2099-01-01T00:00:00Z\"}");
    run_result r;
    run_cli(&r, 20, ARGS("link", "--id", "ca_1", "--qr"));
    fake_stop(&f);
    assert_wrong_account(&r);
    assert_int_equal(f.links, 0);
    assert_null(strstr(r.out, "https://"));
    assert_no_ok_journaled();
    run_free(&r);
}

/* ------------------------------------------------------------------ links */

static void link_case(const char *body, int want_code, const char *want_err, const char *want_out,
                      const char *want_journal)
{
    journal_clear();
    fake f;
    fake_start(&f, M_LINK, body);
    run_result r;
    run_cli(&r, 20, ARGS("link", "--id", "ca_1", "--qr"));
    fake_stop(&f);
    if (r.code != want_code)
        fail_msg("%s: exit %d, wanted %d [%s]", body, r.code, want_code, r.err);
    if (want_err && !strstr(r.err, want_err))
        fail_msg("%s: stderr [%s], wanted [%s]", body, r.err, want_err);
    if (want_out && !strstr(r.out, want_out))
        fail_msg("%s: stdout [%s], wanted [%s]", body, r.out, want_out);
    bool qr = strstr(r.out, "\xe2\x96\x88") || strstr(r.out, "##");   /* modules drawn */
    if (want_code != 0 && qr)
        fail_msg("%s: a QR code was drawn: [%s]", body, r.out);
    char *j = journal_text();
    char want[160];
    snprintf(want, sizeof want, "\"result\":\"%s", want_journal);
    if (!strstr(j, want))
        fail_msg("%s: journal [%s], wanted [%s]", body, j, want_journal);
    free(j);
    run_free(&r);
}

static void test_links_that_are_not_links(void **st)
{
    (void)st;
    static const char *const bad[] = {
        "{\"link\":\"javascript:alert(1)\",\"expiry\":\"2099-01-01T00:00:00Z\"}",
        "{\"link\":\"not a link\",\"expiry\":\"2099-01-01T00:00:00Z\"}",
        "{\"link\":\"https://x.example/a b\",\"expiry\":\"2099-01-01T00:00:00Z\"}",
        "{\"link\":\"https://x.example/\\u001b]52;c;eA==\\u0007\",\"expiry\":\"2099-01-01T00:00:00Z\"}",
        "{\"link\":\"http://x.example/l\",\"expiry\":\"2099-01-01T00:00:00Z\"}",
        "{\"link\":\"http://127.0.0.1.evil.example/l\",\"expiry\":\"2099-01-01T00:00:00Z\"}",
        "{\"link\":\"https://user:pw@x.example/l\",\"expiry\":\"2099-01-01T00:00:00Z\"}",
        "{\"link\":\"https://\",\"expiry\":\"2099-01-01T00:00:00Z\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        link_case(bad[i], 1, "the server sent", NULL, "failed: the server sent");
    /* http is for loopback (skemu) only; https anywhere. */
    link_case("{\"link\":\"http://127.0.0.1:8484/magic/x\",\"expiry\":\"2099-01-01T00:00:00Z\"}",
              0, NULL, "http://127.0.0.1:8484/magic/x", "ok");
    link_case("{\"link\":\"https://x.example/l?a=1\",\"expiry\":\"2099-01-01T00:00:00Z\"}",
              0, NULL, "Expires: 2099-01-01T00:00:00Z (in ", "ok");
}

static void test_link_expiry_past_or_absent(void **st)
{
    (void)st;
    link_case("{\"link\":\"https://x.example/l\",\"expiry\":\"2020-01-01T00:00:00Z\"}", 1,
              "already expired", "Expires: 2020-01-01T00:00:00Z (expired ",
              "failed: the link had already expired");
    link_case("{\"link\":\"https://x.example/l\"}", 0, NULL, "Expires: no expiry given",
              "unknown: a link came with no expiry given");
}

/* ------------------------------------------------------------------ timestamps */

/* Scalekit's webhook form (a space) and +0000 are read; what is not is counted in --debug. */
static void test_times_read_and_counted(void **st)
{
    (void)st;
    fake f;
    fake_start(&f, M_TIMES, NULL);
    run_result r;
    run_cli(&r, 20, ARGS("--debug", "show", "--id", "ca_1"));
    assert_int_equal(r.code, 0);
    if (!strstr(r.out, "Last used: 2025-12-02T05:59:59Z") ||
        !strstr(r.out, "Token expires: 2025-12-02T06:59:59Z") || !strstr(r.out, "Updated: -"))
        fail_msg("times not read: [%s]", r.out);
    if (!strstr(r.err, "debug: 1 timestamp could not be read (shown as -)"))
        fail_msg("--debug does not count the unreadable time: [%s]", r.err);
    run_free(&r);
    run_cli(&r, 20, ARGS("show", "--id", "ca_1"));
    fake_stop(&f);
    assert_int_equal(r.code, 0);
    assert_null(strstr(r.err, "could not be read"));
    run_free(&r);
}

/* ------------------------------------------------------------------ damaged answers */

/* 10% malformed, 5% cut short, 5% of the wrong types: every account once, exit 0. */
static void test_listing_through_damage(void **st)
{
    (void)st;
    /* One answer in ten damaged: a page stays damaged through its 4 retries with odds of
     * 1e-5 (at one in five they were 3e-4 a page, a failed run in 30 over 104 pages), while
     * the odds that no page at all needs asking again are 0.9^104, 2e-5. */
    skemu_proc e;
    assert_int_equal(skemu_start(&e, ARGS("--generate", "10000", "--connections", "4",
                                          "--malformed-rate", "0.05", "--truncate-rate", "0.025",
                                          "--wrong-types-rate", "0.025", "--seed", "7")), 0);
    skemu_env(&e);
    run_result r;
    run_cli(&r, 60, ARGS("list", "--format", "json"));
    int damaged_logged = skemu_log_count(&e, "GET /api/v1/connected_accounts");
    skemu_stop(&e);
    if (r.code != 0)
        fail_msg("the listing failed: [%s]", r.err);
    json_object *arr = json_tokener_parse(r.out);
    assert_non_null(arr);
    size_t n = json_object_array_length(arr);
    assert_int_equal(n, 10000);
    json_object *seen = json_object_new_object();
    for (size_t i = 0; i < n; i++) {
        json_object *id;
        assert_true(json_object_object_get_ex(json_object_array_get_idx(arr, i), "id", &id));
        const char *s = json_object_get_string(id);
        if (json_object_object_get_ex(seen, s, NULL))
            fail_msg("account %s listed twice", s);
        json_object_object_add(seen, s, NULL);
    }
    json_object_put(seen);
    json_object_put(arr);
    /* 10,000 accounts in pages of 99 over 4 connections is 104 pages: more went out. */
    if (damaged_logged <= 104)
        fail_msg("no page was asked for again (%d requests)", damaged_logged);
    run_free(&r);
}

/* ------------------------------------------------------------------ the dashboard */

/* The dashboard in script mode (tests/support/run_skdash.c), in this run's directory. */
static void dash_run(const char *script, const char *const *shots, char **screens)
{
    char dir[128];
    snprintf(dir, sizeof dir, "%s/dash-shots", tmp_dir);
    run_dashboard_script(dir, script, NULL, 30, shots, screens);
}

static int token_requests;

static bool refuse_credentials(void *ud, int fd, const char *line)
{
    (void)ud;
    if (strstr(line, "/oauth/token")) {
        token_requests++;
        return fake_http_reply(fd, 401, "{\"error\":\"invalid_client\"}");
    }
    return fake_http_reply(fd, 404, "{\"code\":5,\"message\":\"not found\"}");
}

/* A wrong secret: no automatic tries, the footer names the settings, the table says why it is
 * empty; `r` tries once more. */
static void test_dashboard_auth_failure(void **st)
{
    (void)st;
    fake_http srv;
    token_requests = 0;
    fake_http_start(&srv, refuse_credentials, NULL);
    setenv("SCALEKIT_ENVIRONMENT_URL", srv.url, 1);
    char *screens[2];
    dash_run(":size 200x50\n:wait\n:dump first\nr\n:wait\n:dump again\n:quit\n",
             (const char *const[]){ "first", "again", NULL }, screens);
    fake_http_stop(&srv);
    for (int i = 0; i < 2; i++) {
        const char *s = screens[i];
        if (!strstr(s, "refused the client credentials") ||
            !strstr(s, "check SCALEKIT_CLIENT_ID and SCALEKIT_CLIENT_SECRET, then press r"))
            fail_msg("the footer does not say what to check:\n%s", s);
        if (strstr(s, "trying again"))
            fail_msg("refused credentials are tried again by themselves:\n%s", s);
        if (strstr(s, "no accounts match") || !strstr(s, "the credentials were refused"))
            fail_msg("the table does not say why it is empty:\n%s", s);
        if (!strstr(s, "partial: the last refresh failed"))
            fail_msg("the header does not mark the totals partial:\n%s", s);
        free(screens[i]);
    }
    /* Once at start and once for `r` (the client may ask twice per try, never more). */
    assert_true(token_requests >= 2 && token_requests <= 4);
}

/* The detail pane asks /details for ca_1 and gets ca_other: refused, nothing of it shown. */
static void test_dashboard_detail_wrong_account(void **st)
{
    (void)st;
    fake f;
    fake_start(&f, M_WRONG_ID, NULL);
    char *screens[1];
    dash_run(":size 200x50\n:wait\nEnter\n:wait\n:dump shot\n:quit\n",
             (const char *const[]){ "shot", NULL }, screens);
    fake_stop(&f);
    assert_true(f.details >= 1);
    /* The pane keeps the row's own fields; the refusal names both ids, nothing else of it. */
    if (!strstr(screens[0], "answered about another account") ||
        !strstr(screens[0], "ID            ca_1") || strstr(screens[0], "ID            ca_other"))
        fail_msg("the detail pane took another account's answer:\n%s", screens[0]);
    free(screens[0]);
}

/* A listing that failed (a page still damaged after its retries): the header says partial. */
static void test_dashboard_partial_totals(void **st)
{
    (void)st;
    fake_http srv;
    damaged_fx_start(&srv);
    char *screens[1];
    dash_run(":size 200x50\n:wait\n:dump shot\n:quit\n", (const char *const[]){ "shot", NULL },
             screens);
    fake_http_stop(&srv);
    if (!strstr(screens[0], "total 2  partial: the last refresh failed") ||
        !strstr(screens[0], DAMAGED_FX_ERROR))
        fail_msg("the header shows partial totals as real:\n%s", screens[0]);
    free(screens[0]);
}

/* ------------------------------------------------------------------ setup */

static int group_setup(void **st)
{
    (void)st;
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/skdash-broken-XXXXXX");
    if (!mkdtemp(tmp_dir))
        return -1;
    setenv("XDG_CONFIG_HOME", tmp_dir, 1);
    setenv("XDG_STATE_HOME", tmp_dir, 1);
    setenv("XDG_CACHE_HOME", tmp_dir, 1);
    setenv("SKDASH_NO_CACHE", "1", 1);
    setenv("SCALEKIT_CLIENT_ID", "skc_demo", 1);
    setenv("SCALEKIT_CLIENT_SECRET", "skemu-demo-secret", 1);
    setenv("LC_ALL", "C.UTF-8", 1);
    setenv("SKDASH_TIMEOUT", "5", 1);
    unsetenv("SKDASH_PROFILE");
    unsetenv("SKDASH_NOW");
    unsetenv("NO_COLOR");
    unsetenv("COLUMNS");
    return 0;
}

static int group_teardown(void **st)
{
    (void)st;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_cycle_stops),
        cmocka_unit_test(test_endless_pages_stop),
        cmocka_unit_test(test_search_pages_guarded),
        cmocka_unit_test(test_identifier_lookup_guarded),
        cmocka_unit_test(test_wrong_account_show),
        cmocka_unit_test(test_wrong_account_delete),
        cmocka_unit_test(test_wrong_account_link),
        cmocka_unit_test(test_links_that_are_not_links),
        cmocka_unit_test(test_link_expiry_past_or_absent),
        cmocka_unit_test(test_times_read_and_counted),
        cmocka_unit_test(test_listing_through_damage),
        cmocka_unit_test(test_dashboard_auth_failure),
        cmocka_unit_test(test_dashboard_partial_totals),
        cmocka_unit_test(test_dashboard_detail_wrong_account),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
