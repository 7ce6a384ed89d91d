/* test_faults_cli.c: the real skdash binary against a misbehaving server: skemu's fault flags
 * (latency, 5xx, 429 with and without Retry-After, short-lived tokens, truncated, malformed and
 * mistyped bodies, hung connections, a server killed mid-listing and started again) and a
 * scripted fake server for deletes and links whose answers are lost. Every run must end within
 * a bound computed from the client's documented timeout, tries and backoff (a hang check, not a
 * speed test), either with the right data or with one clear line and the documented exit code;
 * a delete or link is never reported on a guess. Expected data is read from a fault-free skemu
 * directly with libcurl, never through skdash's own code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "../support/damaged_fx.h"
#include "../support/direct_http.h"
#include "../support/fake_http.h"
#include "../support/run_skdash.h"
#include "../support/skemu_proc.h"

/* The client's documented limits (client.h, skdash(1)): tries per request, the most the
 * backoff can add before retries 2..5 (200 ms doubling, full jitter), the default timeout. */
#define TRIES 5
#define BACKOFF_SUM_MS (200 + 400 + 800 + 1600)
#define DEFAULT_TIMEOUT_MS 15000
#define RATE_LIMIT_SUM_S (1 + 2 + 4 + 5)   /* 429 without Retry-After: 1 s doubling, 5 s cap */

/* ------------------------------------------------------------------ time */

/* The longest a command may take: `chain` requests one after another, each tried TRIES times
 * with the per-try timeout, the backoff between tries and `waits_s` more for all its retries
 * (Retry-After, 429 pacing), plus generous slack. Crossing it means a hang, however slow the
 * machine. */
static double bound_s(int chain, long timeout_ms, long waits_s)
{
    double per = TRIES * (double)timeout_ms / 1000.0 + BACKOFF_SUM_MS / 1000.0 + (double)waits_s;
    return chain * per + 15.0;
}

/* ------------------------------------------------------------------ skemu on a chosen port */

/* skemus still running, for the teardown: a failed assertion jumps past emu_down. */
static skemu_proc live[8];

static void live_track(const skemu_proc *e, bool add)
{
    for (int i = 0; i < 8; i++) {
        if (add && live[i].pid <= 0) {
            live[i] = *e;
            return;
        }
        if (!add && live[i].pid == e->pid)
            live[i].pid = 0;
    }
}

/* Starts skemu with args on `port` (0: any free one) and points skdash at it. */
static bool emu_up(skemu_proc *e, int port, const char *const *args)
{
    if (skemu_start_on(e, port, args) != 0)
        return false;
    live_track(e, true);
    setenv("SCALEKIT_ENVIRONMENT_URL", e->url, 1);
    return true;
}

static void emu_down(skemu_proc *e, int sig)
{
    if (e->pid <= 0)
        return;
    live_track(e, false);
    skemu_kill(e, sig);
}

/* ------------------------------------------------------------------ running skdash */

/* Runs skdash with our environment; a run past limit_s is a hang and fails the test. */
static void run_cli(run_result *r, double limit_s, const char *const *args)
{
    run_start(r, NULL, -1, args);
    run_finish(r, limit_s);
    if (r->killed)
        fail_msg("skdash %s hung: killed after %.0f s", args[0], limit_s);
}

/* Exactly one line on stderr, "skdash: <something>". */
static void assert_one_line_error(const run_result *r)
{
    if (strncmp(r->err, "skdash: ", 8) != 0 || r->err_len < 10)
        fail_msg("not a 'skdash: ' error line: [%s]", r->err);
    const char *nl = strchr(r->err, '\n');
    assert_non_null(nl);
    if (nl[1] != '\0')
        fail_msg("more than one line on stderr: [%s]", r->err);
}

/* A failed command: the documented code, one clear line, nothing half-printed. */
static void assert_clean_failure(const run_result *r, int code)
{
    if (r->code != code)
        fail_msg("exit %d, wanted %d; stderr: %s", r->code, code, r->err);
    assert_one_line_error(r);
    assert_int_equal(r->out_len, 0);
}

/* ------------------------------------------------------------------ the truth, read directly */

typedef struct idset {
    char **v;
    size_t n;
} idset;

static void ids_add(idset *s, const char *id)
{
    s->v = realloc(s->v, (s->n + 1) * sizeof *s->v);
    assert_non_null(s->v);
    s->v[s->n++] = strdup(id ? id : "(none)");
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void ids_free(idset *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* The ids of a JSON array of accounts, sorted. */
static idset ids_of(json_object *arr)
{
    idset s = { 0 };
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        json_object *id;
        json_object_object_get_ex(json_object_array_get_idx(arr, i), "id", &id);
        ids_add(&s, json_object_get_string(id));
    }
    qsort(s.v, s.n, sizeof *s.v, cmp_str);
    return s;
}

/* Every account id a fault-free skemu with these data flags holds, sorted. */
static idset truth(const char *const *data_args)
{
    skemu_proc e;
    assert_true(emu_up(&e, 0, data_args));
    json_object *all = direct_accounts(e.url);
    idset s = ids_of(all);
    json_object_put(all);
    emu_down(&e, SIGTERM);
    return s;
}

/* `skdash list --format json` printed exactly the accounts of `want`, each once. */
static void assert_listed(const run_result *r, const idset *want)
{
    json_object *arr = json_tokener_parse(r->out);
    if (!arr || !json_object_is_type(arr, json_type_array))
        fail_msg("list output is not a JSON array: %.200s", r->out);
    idset got = ids_of(arr);
    json_object_put(arr);
    assert_int_equal(got.n, want->n);
    for (size_t i = 0; i < got.n; i++)
        assert_string_equal(got.v[i], want->v[i]);
    ids_free(&got);
}

/* ------------------------------------------------------------------ setup */

static char tmp_dir[64];

static int group_setup(void **st)
{
    (void)st;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/skdash-faults-XXXXXX");
    return run_cli_env(tmp_dir) ? 0 : -1;
}

static int group_teardown(void **st)
{
    (void)st;
    for (int i = 0; i < 8; i++)
        if (live[i].pid > 0)
            emu_down(&live[i], SIGKILL);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_dir);
    if (system(cmd) != 0)
        return -1;
    curl_global_cleanup();
    return 0;
}

/* Each test stops its own skemus; one a failed assertion left behind goes here. */
static int test_teardown(void **st)
{
    (void)st;
    for (int i = 0; i < 8; i++)
        if (live[i].pid > 0)
            emu_down(&live[i], SIGKILL);
    unsetenv("SKDASH_TIMEOUT");
    return 0;
}

/* ------------------------------------------------------------------ skemu's faults */

#define DATA_SMALL "--generate", "30", "--connections", "2", "--seed", "11"

static void test_latency_2s(void **st)
{
    (void)st;
    idset want = truth(ARGS(DATA_SMALL));
    skemu_proc e;
    assert_true(emu_up(&e, 0, ARGS(DATA_SMALL, "--latency-ms", "2000", "--quiet")));
    run_result r;
    run_cli(&r, bound_s(4, DEFAULT_TIMEOUT_MS, 0), ARGS("list", "--format", "json"));
    if (r.code != 0)
        fail_msg("list under 2 s latency failed: %s", r.err);
    assert_listed(&r, &want);
    run_free(&r);
    emu_down(&e, SIGTERM);
    ids_free(&want);
}

static void test_5xx_20_percent(void **st)
{
    (void)st;
    const char *const data[] = { "--generate", "40", "--connections", "3", "--seed", "12", NULL };
    idset want = truth(data);
    skemu_proc e;
    assert_true(emu_up(&e, 0, ARGS("--generate", "40", "--connections", "3", "--seed", "12",
                                   "--fail-rate", "0.2")));
    for (int i = 0; i < 3; i++) {   /* several runs, so that faults surely hit some */
        run_result r;
        run_cli(&r, bound_s(4, DEFAULT_TIMEOUT_MS, 0), ARGS("list", "--format", "json"));
        if (r.code != 0)
            fail_msg("list under 20%% 5xx failed: %s", r.err);
        assert_listed(&r, &want);
        run_free(&r);
        run_cli(&r, bound_s(3, DEFAULT_TIMEOUT_MS, 0), ARGS("show", "--id", want.v[i]));
        assert_int_equal(r.code, 0);
        assert_non_null(strstr(r.out, want.v[i]));
        run_free(&r);
    }
    assert_true(skemu_log_count(&e, " 500 ") + skemu_log_count(&e, " 503 ") > 0);
    emu_down(&e, SIGTERM);
    ids_free(&want);
}

static void rate_limited(const char *retry_after)
{
    const char *const data[] = { "--generate", "60", "--connections", "5", "--seed", "13", NULL };
    idset want = truth(data);
    skemu_proc e;
    assert_true(emu_up(&e, 0, ARGS("--generate", "60", "--connections", "5", "--seed", "13",
                                   "--rate-limit", "2", "--retry-after", retry_after)));
    run_result r;
    long waits = atol(retry_after) > 0 ? (TRIES - 1) * atol(retry_after) : RATE_LIMIT_SUM_S;
    run_cli(&r, bound_s(4, DEFAULT_TIMEOUT_MS, waits), ARGS("list", "--format", "json"));
    if (r.code != 0)
        fail_msg("list under 429 (Retry-After %s) failed: %s", retry_after, r.err);
    assert_listed(&r, &want);
    run_free(&r);
    assert_true(skemu_log_count(&e, " 429 ") > 0);   /* the limit did bite */
    emu_down(&e, SIGTERM);
    ids_free(&want);
}

static void test_429_with_retry_after(void **st)
{
    (void)st;
    rate_limited("1");
}

static void test_429_without_retry_after(void **st)
{
    (void)st;
    rate_limited("0");
}

/* A token that lives 5 s, a command that runs longer: renewed, never an auth failure. */
static void test_token_expires_every_5s(void **st)
{
    (void)st;
    const char *const data[] = { "--generate", "25", "--connections", "5", "--seed", "14", NULL };
    idset want = truth(data);
    skemu_proc e;
    assert_true(emu_up(&e, 0, ARGS("--generate", "25", "--connections", "5", "--seed", "14",
                                   "--token-ttl", "5", "--latency-ms", "1200")));
    run_result r;
    run_cli(&r, bound_s(8, DEFAULT_TIMEOUT_MS, 0),
            ARGS("--concurrency", "1", "list", "--format", "json"));
    if (r.code != 0)
        fail_msg("list across token expiry failed: %s", r.err);
    assert_listed(&r, &want);
    run_free(&r);
    assert_true(skemu_log_count(&e, "POST /oauth/token 200") >= 2);
    emu_down(&e, SIGTERM);
    ids_free(&want);
}

/* Damaged 200 bodies: every one damaged fails cleanly; some damaged either works or fails
 * cleanly, never with half a listing or a crash. */
/* Every id in a `list --format json` output is one of want's (nothing invented). */
static void assert_listed_subset(const run_result *r, const idset *want)
{
    json_object *arr = json_tokener_parse(r->out);
    assert_true(arr && json_object_is_type(arr, json_type_array));
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        json_object *id;
        if (!json_object_object_get_ex(json_object_array_get_idx(arr, i), "id", &id))
            continue;
        const char *s = json_object_get_string(id);
        if (!bsearch(&s, want->v, want->n, sizeof *want->v, cmp_str))
            fail_msg("listed an id the server does not hold: %s", s);
    }
    json_object_put(arr);
}

/* One damaged run: a clean failure; or (when `tolerated`, for mistyped optional fields) a
 * success that shows only real accounts. */
static void damaged_outcome(const run_result *r, const idset *want, bool tolerated)
{
    if (r->code != 0 || !tolerated) {
        assert_clean_failure(r, 1);
        return;
    }
    assert_listed_subset(r, want);
}

/* Damaged 200 bodies: all damaged fails cleanly; some damaged either works (exactly) or fails
 * cleanly, never half a listing or a crash. Mistyped fields may be tolerated by the parser
 * when they are optional, but never turn into accounts the server does not hold. */
static void damaged(const char *flag, bool tolerated)
{
    const char *const data[] = { "--generate", "30", "--connections", "3", "--seed", "15", NULL };
    idset want = truth(data);
    skemu_proc e;
    assert_true(emu_up(&e, 0, ARGS("--generate", "30", "--connections", "3", "--seed", "15",
                                   flag, "1.0", "--fault-after", "1", "--quiet")));
    run_result r;
    run_cli(&r, bound_s(4, DEFAULT_TIMEOUT_MS, 0), ARGS("list", "--format", "json"));
    damaged_outcome(&r, &want, tolerated);
    run_free(&r);
    run_cli(&r, bound_s(3, DEFAULT_TIMEOUT_MS, 0), ARGS("show", "--id", want.v[0]));
    if (r.code != 0 || !tolerated)
        assert_clean_failure(&r, 1);
    run_free(&r);
    emu_down(&e, SIGTERM);
    ids_free(&want);

    static const char *const seeds[] = { "31", "32", "33" };
    for (size_t i = 0; i < 3; i++) {
        const char *const d2[] = { "--generate", "30", "--connections", "3", "--seed", seeds[i],
                                   NULL };
        want = truth(d2);
        assert_true(emu_up(&e, 0, ARGS("--generate", "30", "--connections", "3", "--seed",
                                       seeds[i], flag, "0.3", "--quiet")));
        run_cli(&r, bound_s(4, DEFAULT_TIMEOUT_MS, 0), ARGS("list", "--format", "json"));
        if (r.code == 0 && !tolerated)
            assert_listed(&r, &want);
        else
            damaged_outcome(&r, &want, tolerated);
        run_free(&r);
        emu_down(&e, SIGTERM);
        ids_free(&want);
    }
}

static void test_truncated_bodies(void **st)
{
    (void)st;
    damaged("--truncate-rate", false);
}

static void test_malformed_json(void **st)
{
    (void)st;
    damaged("--malformed-rate", false);
}

static void test_wrong_types(void **st)
{
    (void)st;
    damaged("--wrong-types-rate", true);
}

/* Accepted and never answered: each try ends at SKDASH_TIMEOUT, the command within its
 * bound, with one line naming the timeout. */
static void test_hung_connections(void **st)
{
    (void)st;
    setenv("SKDASH_TIMEOUT", "1", 1);
    const char *const data[] = { "--generate", "20", "--connections", "2", "--seed", "16", NULL };
    idset want = truth(data);
    skemu_proc e;
    /* Everything after the token hangs. */
    assert_true(emu_up(&e, 0, ARGS("--generate", "20", "--connections", "2", "--seed", "16",
                                   "--hang-rate", "1.0", "--fault-after", "1", "--quiet")));
    run_result r;
    run_cli(&r, bound_s(4, 1000, 0), ARGS("list", "--format", "json"));
    assert_clean_failure(&r, 1);
    assert_non_null(strstr(r.err, "timed out"));
    run_free(&r);
    run_cli(&r, bound_s(3, 1000, 0), ARGS("show", "--id", want.v[0]));
    assert_clean_failure(&r, 1);
    run_free(&r);
    /* A delete whose every answer is lost: read back, that hangs too: UNKNOWN, exit 1. */
    run_cli(&r, bound_s(3, 1000, 0), ARGS("delete", "--id", want.v[0], "--yes"));
    assert_int_equal(r.code, 1);   /* the first read (showing the account) already hangs */
    assert_one_line_error(&r);
    run_free(&r);
    emu_down(&e, SIGTERM);

    /* Even the token hangs. */
    assert_true(emu_up(&e, 0, ARGS("--generate", "20", "--connections", "2", "--seed", "16",
                                   "--hang-rate", "1.0", "--quiet")));
    run_cli(&r, bound_s(2, 1000, 0), ARGS("list"));
    assert_clean_failure(&r, 1);
    run_free(&r);
    emu_down(&e, SIGTERM);

    /* Some hang: retried past them, or a clean failure. */
    assert_true(emu_up(&e, 0, ARGS("--generate", "20", "--connections", "2", "--seed", "16",
                                   "--hang-rate", "0.25", "--quiet")));
    run_cli(&r, bound_s(4, 1000, 0), ARGS("list", "--format", "json"));
    if (r.code == 0)
        assert_listed(&r, &want);
    else
        assert_clean_failure(&r, 1);
    run_free(&r);
    emu_down(&e, SIGTERM);
    ids_free(&want);
}

/* The server dies in the middle of a listing and comes back on the same port with the same
 * seed: the listing completes, every account exactly once. */
static void test_killed_mid_listing(void **st)
{
    (void)st;
#define DATA_BIG "--generate", "600", "--connections", "2", "--seed", "17", "--epoch", "1744761600"
    idset want = truth(ARGS(DATA_BIG));
    skemu_proc e;
    assert_true(emu_up(&e, 0, ARGS(DATA_BIG, "--latency-ms", "250")));
    int port = e.port;
    run_result r;
    run_start(&r, NULL, -1, ARGS("--concurrency", "2", "list", "--format", "json"));
    /* token, connections, then 4 pages per connection at 250 ms each: kill in the middle. */
    usleep(1000 * 1000);
    assert_int_equal(waitpid(r.pid, NULL, WNOHANG), 0);   /* still listing */
    int pages_before = skemu_log_count(&e, "GET /api/v1/connected_accounts?");
    double down_at = run_now();
    emu_down(&e, SIGKILL);
    usleep(300 * 1000);
    bool up = false;
    for (int i = 0; i < 20 && !up; i++) {   /* the port may take a moment to be free */
        up = emu_up(&e, port, ARGS(DATA_BIG, "--latency-ms", "250"));
        if (!up)
            usleep(100 * 1000);
    }
    assert_true(up);
    double downtime = run_now() - down_at;
    run_finish(&r, bound_s(12, DEFAULT_TIMEOUT_MS, 0));
    if (r.killed)
        fail_msg("list across a restart hung");
    /* The tries of one request wait at least 0.1+0.2+0.4+0.8 s: a server back within that
     * must be found again. Slower (a loaded machine), a clean failure is also right. */
    if (r.code != 0 && downtime >= 1.4) {
        assert_clean_failure(&r, 1);
        assert_non_null(strstr(r.err, "connect"));
        run_free(&r);
        emu_down(&e, SIGTERM);
        ids_free(&want);
        return;
    }
    if (r.code != 0)
        fail_msg("list across a restart (down %.2f s) failed: %s", downtime, r.err);
    assert_listed(&r, &want);
    run_free(&r);
    assert_true(pages_before >= 1);
    assert_true(skemu_log_count(&e, "GET /api/v1/connected_accounts?") >= 1);   /* resumed here */
    emu_down(&e, SIGTERM);
    ids_free(&want);
}

/* A delete under heavy 5xx: whatever skdash says must be what the server holds. */
static void test_delete_outcome_matches_server(void **st)
{
    (void)st;
    const char *const data[] = { "--generate", "20", "--connections", "2", "--seed", "18", NULL };
    idset all = truth(data);
    skemu_proc e;
    assert_true(emu_up(&e, 0, ARGS("--generate", "20", "--connections", "2", "--seed", "18",
                                   "--fail-rate", "0.6", "--fault-after", "2", "--quiet")));
    int done = 0, not_done = 0, unknown = 0;
    for (size_t i = 0; i < 5; i++) {
        run_result r;
        run_cli(&r, bound_s(4, DEFAULT_TIMEOUT_MS, 0), ARGS("delete", "--id", all.v[i], "--yes"));
        /* The server's own word, asked until it answers something else than a fault. */
        char *tok = direct_token(e.url), url[512], *body = NULL;
        long st2 = 0;
        snprintf(url, sizeof url, "%s/api/v1/connected_accounts/details?id=%s", e.url, all.v[i]);
        for (int k = 0; k < 60 && (st2 == 0 || st2 >= 500); k++) {
            free(body);
            st2 = direct_http("GET", url, tok, NULL, 0, &body);
        }
        free(body);
        free(tok);
        if (r.code == 0) {
            done++;
            assert_non_null(strstr(r.out, "Deleted "));
            assert_int_equal(st2, 404);
        } else if (strstr(r.err, "UNKNOWN")) {
            unknown++;
            assert_int_equal(r.code, 1);
            assert_non_null(strstr(r.err, "skdash show --id"));
        } else if (strstr(r.err, "not deleted")) {
            not_done++;
            assert_int_equal(st2, 200);
        } else {
            /* Failed before deleting (showing the account): nothing deleted. */
            assert_int_equal(st2, 200);
            assert_null(strstr(r.out, "Deleted"));
        }
        if (r.code != 0)
            assert_one_line_error(&r);
        run_free(&r);
    }
    assert_true(done > 0);   /* retries get deletes through most of the time */
    (void)not_done;
    (void)unknown;
    emu_down(&e, SIGTERM);
    ids_free(&all);
}

/* ------------------------------------------------------------------ a scripted fake server */

/* What the fake does with a delete and a link; details answer 200 until the account is
 * deleted (then 404), or 500 once `details_fail_after_action` and an action came. */
typedef enum {
    DEL_APPLY_DROP_FIRST,   /* deletes, then closes without answering; the retry gets 404 */
    DEL_APPLY_HANG_FIRST,   /* deletes, then says nothing past the timeout; the retry: 404 */
    DEL_APPLY_DROP_ALWAYS,  /* deletes on the first try; never answers any try */
    DEL_DROP_NOAPPLY,       /* never deletes, never answers */
    DEL_503,                /* never deletes, answers 503 every time */
    DEL_403,                /* a definite refusal */
} del_mode;

typedef enum { LINK_DROP, LINK_DROP_AND_DELETE, LINK_OK } link_mode;

typedef struct fake {
    fake_http srv;
    del_mode del;
    link_mode link;
    bool details_fail_after_action;
    bool deleted, acted;
    int details_hits, delete_hits, link_hits;
} fake;

#define FAKE_ACCOUNT "{\"connected_account\":{\"id\":\"ca_fake1\",\"identifier\":" \
    "\"ana@example.com\",\"connector\":\"gmail\",\"connection_id\":\"conn_1\"," \
    "\"provider\":\"GMAIL\",\"status\":\"PENDING_AUTH\",\"authorization_type\":\"OAUTH\"," \
    "\"updated_at\":\"2025-04-16T06:56:05Z\"}}"
#define NOT_FOUND "{\"code\":5,\"message\":\"connected account not found\"}"

/* Answers one request; false closes the connection (an answer lost). */
static bool fake_answer(void *ud, int fd, const char *line)
{
    fake *f = ud;
    if (strstr(line, "/oauth/token"))
        return fake_http_reply(fd, 200, "{\"access_token\":\"fake-token\",\"expires_in\":3600}");
    if (strstr(line, "/connected_accounts/details")) {
        f->details_hits++;
        if (f->details_fail_after_action && f->acted)
            return fake_http_reply(fd, 500, "{\"code\":13,\"message\":\"internal\"}");
        return f->deleted ? fake_http_reply(fd, 404, NOT_FOUND)
                          : fake_http_reply(fd, 200, FAKE_ACCOUNT);
    }
    if (strstr(line, ":delete")) {
        int hit = ++f->delete_hits;
        bool was = f->deleted;
        f->acted = true;
        switch (f->del) {
        case DEL_APPLY_DROP_FIRST:
            f->deleted = true;
            return hit == 1 ? false
                            : fake_http_reply(fd, was ? 404 : 200, was ? NOT_FOUND : "{}");
        case DEL_APPLY_HANG_FIRST:
            f->deleted = true;
            if (hit == 1) {
                usleep(1600 * 1000);   /* past SKDASH_TIMEOUT=1 */
                return false;
            }
            return fake_http_reply(fd, was ? 404 : 200, was ? NOT_FOUND : "{}");
        case DEL_APPLY_DROP_ALWAYS:
            f->deleted = true;
            return false;
        case DEL_DROP_NOAPPLY:
            return false;
        case DEL_503:
            return fake_http_reply(fd, 503, "{\"code\":14,\"message\":\"unavailable\"}");
        case DEL_403:
            return fake_http_reply(fd, 403, "{\"code\":7,\"message\":\"permission denied\"}");
        }
    }
    if (strstr(line, "/magic_link")) {
        f->link_hits++;
        f->acted = true;
        if (f->link == LINK_OK)
            return fake_http_reply(fd, 200, "{\"link\":\"https://example.com/magic/x\","
                                            "\"expiry\":\"2030-01-01T00:00:00Z\"}");
        if (f->link == LINK_DROP_AND_DELETE)
            f->deleted = true;
        return false;
    }
    return fake_http_reply(fd, 404, NOT_FOUND);
}

static void fake_start(fake *f, del_mode d, link_mode l, bool details_fail)
{
    memset(f, 0, sizeof *f);
    f->del = d;
    f->link = l;
    f->details_fail_after_action = details_fail;
    fake_http_start(&f->srv, fake_answer, f);
    setenv("SCALEKIT_ENVIRONMENT_URL", f->srv.url, 1);
    setenv("SKDASH_TIMEOUT", "1", 1);
}

static void fake_stop(fake *f)
{
    fake_http_stop(&f->srv);
}

/* The last journal entry, as `skdash journal --format json` shows it. */
static json_object *last_journal_entry(json_object **all)
{
    run_result r;
    run_cli(&r, 10, ARGS("journal", "--format", "json"));
    assert_int_equal(r.code, 0);
    *all = json_tokener_parse(r.out);
    assert_non_null(*all);
    run_free(&r);
    size_t n = json_object_array_length(*all);
    assert_true(n > 0);
    return json_object_array_get_idx(*all, n - 1);
}

static void assert_journal(const char *action, const char *result_prefix)
{
    json_object *all, *e = last_journal_entry(&all), *v;
    assert_true(json_object_object_get_ex(e, "action", &v));
    assert_string_equal(json_object_get_string(v), action);
    assert_true(json_object_object_get_ex(e, "account_id", &v));
    assert_string_equal(json_object_get_string(v), "ca_fake1");
    assert_true(json_object_object_get_ex(e, "connection", &v));
    assert_string_equal(json_object_get_string(v), "gmail");
    assert_true(json_object_object_get_ex(e, "result", &v));
    const char *res = json_object_get_string(v);
    if (strncmp(res, result_prefix, strlen(result_prefix)) != 0)
        fail_msg("journal result '%s', wanted '%s...'", res, result_prefix);
    json_object_put(all);
}

static void run_delete(run_result *r)
{
    run_cli(r, bound_s(3, 1000, 0), ARGS("delete", "--id", "ca_fake1", "--yes"));
}

/* The first try deleted the account but its answer was lost; the retry answers 404. That is
 * not "not found": the account is gone, as asked, and checked. */
static void test_lost_delete_retried_404_is_done(void **st)
{
    (void)st;
    del_mode modes[] = { DEL_APPLY_DROP_FIRST, DEL_APPLY_HANG_FIRST };
    for (size_t i = 0; i < 2; i++) {
        fake f;
        fake_start(&f, modes[i], LINK_OK, false);
        run_result r;
        run_delete(&r);
        if (r.code != 0)
            fail_msg("mode %zu: exit %d: %s", i, r.code, r.err);
        assert_non_null(strstr(r.out, "Deleted ca_fake1 (the delete answered not found; the "
                                      "account is confirmed gone)."));
        assert_string_equal(r.err, "");
        run_free(&r);
        fake_stop(&f);
        assert_true(f.delete_hits >= 2);
        assert_int_equal(f.details_hits, 2);   /* shown first, checked after */
        assert_journal("delete", "ok: answered not found, confirmed gone");
    }
}

static void test_lost_delete_confirmed_gone(void **st)
{
    (void)st;
    fake f;
    fake_start(&f, DEL_APPLY_DROP_ALWAYS, LINK_OK, false);
    run_result r;
    run_delete(&r);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "Deleted ca_fake1 (confirmed after the answer was lost: "));
    run_free(&r);
    fake_stop(&f);
    assert_in_range(f.delete_hits, TRIES, TRIES + 1);   /* curl resends once on a reused
                                                           connection found dead */
    assert_int_equal(f.details_hits, 2);
    assert_journal("delete", "ok: confirmed gone after the answer was lost");
}

static void test_lost_delete_still_there(void **st)
{
    (void)st;
    del_mode modes[] = { DEL_DROP_NOAPPLY, DEL_503 };
    for (size_t i = 0; i < 2; i++) {
        fake f;
        fake_start(&f, modes[i], LINK_OK, false);
        run_result r;
        run_delete(&r);
        assert_int_equal(r.code, 1);
        assert_one_line_error(&r);
        assert_non_null(strstr(r.err, "skdash: not deleted: "));
        assert_non_null(strstr(r.err, "still there"));
        assert_null(strstr(r.out, "Deleted"));
        run_free(&r);
        fake_stop(&f);
        assert_int_equal(f.details_hits, 2);
        assert_journal("delete", "failed: ");
    }
}

static void test_lost_delete_unknown(void **st)
{
    (void)st;
    fake f;
    fake_start(&f, DEL_APPLY_DROP_ALWAYS, LINK_OK, true);
    run_result r;
    run_delete(&r);
    assert_int_equal(r.code, 1);
    assert_one_line_error(&r);
    assert_non_null(strstr(r.err, "UNKNOWN"));
    assert_non_null(strstr(r.err, "check with 'skdash show --id ca_fake1'"));
    assert_null(strstr(r.out, "Deleted"));
    run_free(&r);
    fake_stop(&f);
    assert_journal("delete", "unknown: ");
}

/* A definite refusal is reported as it is, with no read-back. */
static void test_refused_delete_not_checked(void **st)
{
    (void)st;
    fake f;
    fake_start(&f, DEL_403, LINK_OK, false);
    run_result r;
    run_delete(&r);
    assert_int_equal(r.code, 1);
    assert_one_line_error(&r);
    assert_non_null(strstr(r.err, "not deleted"));
    assert_non_null(strstr(r.err, "permission denied"));
    run_free(&r);
    fake_stop(&f);
    assert_int_equal(f.delete_hits, 1);
    assert_int_equal(f.details_hits, 1);
    assert_journal("delete", "failed: ");
}

/* A lost link cannot be recovered: say no link came, and the account's real state. */
static void test_lost_link(void **st)
{
    (void)st;
    fake f;
    fake_start(&f, DEL_403, LINK_DROP, false);
    run_result r;
    run_cli(&r, bound_s(3, 1000, 0), ARGS("link", "--id", "ca_fake1"));
    assert_int_equal(r.code, 1);
    assert_one_line_error(&r);
    assert_non_null(strstr(r.err, "no link was received"));
    assert_non_null(strstr(r.err, "the account ca_fake1 is PENDING\xc2\xb7" "auth"));
    assert_int_equal(r.out_len, 0);
    run_free(&r);
    fake_stop(&f);
    assert_in_range(f.link_hits, TRIES, TRIES + 1);
    assert_int_equal(f.details_hits, 2);
    assert_journal("link", "unknown: no link received");

    fake_start(&f, DEL_403, LINK_DROP_AND_DELETE, false);
    run_cli(&r, bound_s(3, 1000, 0), ARGS("link", "--id", "ca_fake1", "--format", "json"));
    assert_int_equal(r.code, 4);
    assert_one_line_error(&r);
    assert_non_null(strstr(r.err, "no longer exists"));
    run_free(&r);
    fake_stop(&f);

    fake_start(&f, DEL_403, LINK_DROP, true);
    run_cli(&r, bound_s(3, 1000, 0), ARGS("link", "gmail", "ana@example.com"));
    assert_int_equal(r.code, 1);
    assert_one_line_error(&r);
    assert_non_null(strstr(r.err, "unknown too"));
    assert_non_null(strstr(r.err, "check with 'skdash show --id ca_fake1'"));
    run_free(&r);
    fake_stop(&f);
    assert_journal("link", "unknown: no link received");

    /* And a link that arrives is journalled as ok (the link itself is never kept). */
    fake_start(&f, DEL_403, LINK_OK, false);
    run_cli(&r, bound_s(3, 1000, 0), ARGS("link", "--id", "ca_fake1"));
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "https://example.com/magic/x"));
    run_free(&r);
    fake_stop(&f);
    assert_journal("link", "ok");
    run_cli(&r, 10, ARGS("journal", "--format", "json"));
    assert_null(strstr(r.out, "magic/x"));
    run_free(&r);
}

/* A damaged page (an account without its identifier): the CLI follows the dashboard's policy
 * (store_sink.h): the page is dropped whole and the listing fails with the dashboard's words,
 * rather than printing rows with holes. A listing of the good connection alone still works. */
static void test_damaged_page_fails_listing(void **st)
{
    (void)st;
    fake_http srv;
    damaged_fx_start(&srv);
    setenv("SKDASH_TIMEOUT", "2", 1);
    static const char *const formats[] = { "table", "json", "csv" };
    for (size_t i = 0; i < 3; i++) {
        run_result r;
        run_cli(&r, 10, ARGS("list", "--format", formats[i]));
        assert_clean_failure(&r, 1);
        if (!strstr(r.err, "skdash: " DAMAGED_FX_ERROR))
            fail_msg("list --format %s: [%s]", formats[i], r.err);
        run_free(&r);
    }
    run_result r;
    run_cli(&r, 10, ARGS("list", "-c", "gmail", "--format", "json"));
    assert_int_equal(r.code, 0);
    json_object *arr = json_tokener_parse(r.out);
    assert_non_null(arr);
    idset got = ids_of(arr);
    json_object_put(arr);
    static const char *const good[] = DAMAGED_FX_GOOD_IDS;
    assert_int_equal(got.n, 2);
    assert_string_equal(got.v[0], good[0]);
    assert_string_equal(got.v[1], good[1]);
    ids_free(&got);
    run_free(&r);
    /* The damaged connection alone: its good row is not shown either (the page went whole). */
    run_cli(&r, 10, ARGS("list", "-c", "slack", "--format", "json"));
    assert_clean_failure(&r, 1);
    assert_null(strstr(r.out, DAMAGED_FX_GOOD_SLACK_ID));
    run_free(&r);
    fake_http_stop(&srv);
}

/* The same damaged answer in the dashboard (script mode: no terminal, the screen read back):
 * it keeps what `skdash list` keeps (the good gmail page), drops the damaged page whole, and
 * its footer says what the CLI says. */
static void test_damaged_page_same_in_dashboard(void **st)
{
    (void)st;
    fake_http srv;
    damaged_fx_start(&srv);
    char dir[128], *screens[1];
    snprintf(dir, sizeof dir, "%s/damaged-shots", tmp_dir);
    run_dashboard_script(dir, ":size 200x50\n:wait\n:dump shot\n:quit\n", NULL, 30,
                         ARGS("shot"), screens);
    const char *screen = screens[0];
    /* The rows `list -c gmail` prints, and nothing of the damaged page. */
    if (!strstr(screen, "ana@example.com") || !strstr(screen, "bo@example.com") ||
        strstr(screen, "cy@example.com"))
        fail_msg("the dashboard holds other rows than the CLI:\n%s", screen);
    if (!strstr(screen, "total 2"))
        fail_msg("the header does not count the two good rows:\n%s", screen);
    if (!strstr(screen, "refresh failed") || !strstr(screen, DAMAGED_FX_ERROR))
        fail_msg("the footer does not say what the CLI says:\n%s", screen);
    free(screens[0]);
    fake_http_stop(&srv);
}

/* A journal that cannot be written: one warning line, the action and its exit code as ever. */
static void test_journal_unwritable_warns(void **st)
{
    (void)st;
    char blocker[128];
    snprintf(blocker, sizeof blocker, "%s/blocker", tmp_dir);
    FILE *b = fopen(blocker, "w");
    assert_non_null(b);
    fclose(b);
    setenv("XDG_STATE_HOME", blocker, 1);
    fake f;
    fake_start(&f, DEL_APPLY_DROP_FIRST, LINK_OK, false);
    run_result r;
    run_delete(&r);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "Deleted ca_fake1"));
    assert_one_line_error(&r);
    assert_true(strncmp(r.err, "skdash: warning: journal not written: ", 38) == 0);
    run_free(&r);
    fake_stop(&f);
    fake_start(&f, DEL_403, LINK_OK, false);
    run_delete(&r);
    assert_int_equal(r.code, 1);   /* the delete's own code, not the journal's */
    assert_non_null(strstr(r.err, "skdash: warning: journal not written: "));
    run_free(&r);
    fake_stop(&f);
    setenv("XDG_STATE_HOME", tmp_dir, 1);
    unlink(blocker);
}


/* Against skemu with no fault: link, dry run and delete each add one entry, in order, with
 * the account's real names, the environment and the local user; the help names the command. */
static void test_journal_records_actions(void **st)
{
    (void)st;
    const char *const data[] = { "--generate", "10", "--connections", "2", "--seed", "19", NULL };
    idset all = truth(data);
    skemu_proc e;
    assert_true(emu_up(&e, 0, data));
    run_result r;
    run_cli(&r, 10, ARGS("journal", "--format", "json"));
    assert_int_equal(r.code, 0);
    json_object *before = json_tokener_parse(r.out);
    assert_non_null(before);
    size_t n0 = json_object_array_length(before);
    json_object_put(before);
    run_free(&r);
    const char *id = all.v[0];
    run_cli(&r, 30, ARGS("link", "--id", id));
    assert_int_equal(r.code, 0);
    run_free(&r);
    run_cli(&r, 30, ARGS("delete", "--id", id, "--dry-run"));
    assert_int_equal(r.code, 0);
    run_free(&r);
    run_cli(&r, 30, ARGS("delete", "--id", id, "--yes"));
    assert_int_equal(r.code, 0);
    run_free(&r);
    run_cli(&r, 10, ARGS("journal", "--format", "json"));
    assert_int_equal(r.code, 0);
    json_object *arr = json_tokener_parse(r.out);
    assert_non_null(arr);
    run_free(&r);
    assert_int_equal(json_object_array_length(arr), n0 + 3);
    const char *want[3][2] = { { "link", "ok" }, { "delete", "dry-run" }, { "delete", "ok" } };
    for (size_t k = 0; k < 3; k++) {
        json_object *o = json_object_array_get_idx(arr, n0 + k), *v;
        const char *keys[] = { "action", "result", "account_id", "environment" };
        const char *vals[] = { want[k][0], want[k][1], id, e.url };
        for (size_t j = 0; j < 4; j++) {
            assert_true(json_object_object_get_ex(o, keys[j], &v));
            assert_string_equal(json_object_get_string(v), vals[j]);
        }
        assert_true(json_object_object_get_ex(o, "connection", &v));
        assert_true(strcmp(json_object_get_string(v), "gmail") == 0 ||
                    strcmp(json_object_get_string(v), "slack") == 0);
        assert_true(json_object_object_get_ex(o, "identifier", &v));
        assert_true(strlen(json_object_get_string(v)) > 0);
        assert_true(json_object_object_get_ex(o, "user", &v));
        assert_true(json_object_object_get_ex(o, "time", &v));
        assert_int_equal(strlen(json_object_get_string(v)), 20);   /* 2025-04-16T06:56:05Z */
    }
    json_object_put(arr);
    /* The journal file is the user's alone. */
    char path[256];
    snprintf(path, sizeof path, "%s/skdash/journal.jsonl", getenv("XDG_STATE_HOME"));
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    run_cli(&r, 10, ARGS("journal", "--help"));
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "usage: skdash journal"));
    run_free(&r);
    run_cli(&r, 10, ARGS("--help"));
    assert_non_null(strstr(r.out, "  journal "));
    run_free(&r);
    run_cli(&r, 10, ARGS("journal", "--format", "csv"));
    assert_int_equal(r.code, 2);
    run_free(&r);
    emu_down(&e, SIGTERM);
    ids_free(&all);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_lost_delete_retried_404_is_done, test_teardown),
        cmocka_unit_test_teardown(test_lost_delete_confirmed_gone, test_teardown),
        cmocka_unit_test_teardown(test_lost_delete_still_there, test_teardown),
        cmocka_unit_test_teardown(test_lost_delete_unknown, test_teardown),
        cmocka_unit_test_teardown(test_refused_delete_not_checked, test_teardown),
        cmocka_unit_test_teardown(test_lost_link, test_teardown),
        cmocka_unit_test_teardown(test_journal_unwritable_warns, test_teardown),
        cmocka_unit_test_teardown(test_journal_records_actions, test_teardown),
        cmocka_unit_test_teardown(test_latency_2s, test_teardown),
        cmocka_unit_test_teardown(test_5xx_20_percent, test_teardown),
        cmocka_unit_test_teardown(test_429_with_retry_after, test_teardown),
        cmocka_unit_test_teardown(test_429_without_retry_after, test_teardown),
        cmocka_unit_test_teardown(test_token_expires_every_5s, test_teardown),
        cmocka_unit_test_teardown(test_truncated_bodies, test_teardown),
        cmocka_unit_test_teardown(test_malformed_json, test_teardown),
        cmocka_unit_test_teardown(test_wrong_types, test_teardown),
        cmocka_unit_test_teardown(test_damaged_page_fails_listing, test_teardown),
        cmocka_unit_test_teardown(test_damaged_page_same_in_dashboard, test_teardown),
        cmocka_unit_test_teardown(test_hung_connections, test_teardown),
        cmocka_unit_test_teardown(test_killed_mid_listing, test_teardown),
        cmocka_unit_test_teardown(test_delete_outcome_matches_server, test_teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
