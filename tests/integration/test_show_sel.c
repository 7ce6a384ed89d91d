/* test_show_sel.c: `skdash show SELECTION` against a real skemu: the accounts it shows are
 * exactly those `list` gives for the same selection, in list's order, each object equal to the
 * one one-account `show --format json` prints for it; the text has one block per account; no
 * selection at all is a usage error (exit 2); a selection keeping nothing prints nothing (json:
 * an empty array) and exits 0, as list and link do; one details request per account; accounts
 * that cannot be read are named on stderr and the run exits 1. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "../support/direct_http.h"
#include "../support/run_skdash.h"
#include "../support/skemu_proc.h"

#define EPOCH_S "1767225600"               /* 2026-01-01T00:00:00Z */

static char tmp_dir[64];
static skemu_proc emu;
static char conn[64];                      /* a connection of the data */

static const char *jstr(json_object *o, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static json_object *parse_array(const char *text, const char *what)
{
    json_object *arr = json_tokener_parse(text);
    if (!arr || !json_object_is_type(arr, json_type_array))
        fail_msg("%s: not a JSON array: %.300s", what, text);
    return arr;
}

static int group_setup(void **st)
{
    (void)st;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/skdash-showsel-XXXXXX");
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
    /* The connection with the most accounts, from skemu's own answer. */
    json_object *raw = direct_accounts(emu.url);
    if (!raw)
        return -1;
    int best = 0;
    for (size_t i = 0; i < json_object_array_length(raw); i++) {
        const char *c = jstr(json_object_array_get_idx(raw, i), "connector");
        int n = 0;
        for (size_t k = 0; c && k < json_object_array_length(raw); k++) {
            const char *d = jstr(json_object_array_get_idx(raw, k), "connector");
            n += d && strcmp(c, d) == 0;
        }
        if (c && n > best) {
            best = n;
            snprintf(conn, sizeof conn, "%s", c);
        }
    }
    json_object_put(raw);
    return conn[0] ? 0 : -1;
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

/* show -c CONN -s active -s expired: the same accounts as list, in its order, each the object
 * one-account show gives. */
static void test_show_selection_json(void **st)
{
    (void)st;
    run_result l, s;
    run_full(&l, NULL, -1, ARGS("list", "-c", conn, "-s", "active", "-s", "expired",
                                "--format", "json"));
    assert_int_equal(l.code, 0);
    int before = skemu_log_count(&emu, "/details");
    run_full(&s, NULL, -1, ARGS("show", "-c", conn, "-s", "active", "-s", "expired",
                                "--format", "json"));
    if (s.code != 0)
        fail_msg("show exit %d: %s", s.code, s.err);
    json_object *la = parse_array(l.out, "list"), *sa = parse_array(s.out, "show");
    size_t n = json_object_array_length(la);
    if (n < 3)
        fail_msg("the data keeps %zu accounts; the test needs 3", n);
    assert_int_equal(json_object_array_length(sa), n);
    /* One details request per account, no more. */
    assert_int_equal(skemu_log_count(&emu, "/details") - before, (int)n);
    bool scopes_seen = false;
    for (size_t i = 0; i < n; i++) {
        json_object *lo = json_object_array_get_idx(la, i), *so = json_object_array_get_idx(sa, i);
        const char *id = jstr(lo, "id");
        assert_non_null(id);
        if (!jstr(so, "id") || strcmp(jstr(so, "id"), id) != 0)
            fail_msg("row %zu: show has %s where list has %s", i, jstr(so, "id"), id);
        assert_string_equal(jstr(so, "connector"), conn);
        const char *state = jstr(so, "state");
        assert_non_null(state);
        assert_true(strcmp(state, "ACTIVE") == 0 || strcmp(state, "EXPIRED") == 0);
        scopes_seen = scopes_seen || json_object_object_get_ex(so, "authorization_details", NULL);
    }
    /* The details the listing lacks are there (some account of the data has scopes). */
    assert_true(scopes_seen);
    /* First, middle and last against one-account show. */
    size_t pick[3] = { 0, n / 2, n - 1 };
    for (int k = 0; k < 3; k++) {
        json_object *so = json_object_array_get_idx(sa, pick[k]);
        run_result one;
        run_full(&one, NULL, -1, ARGS("show", "--id", jstr(so, "id"), "--format", "json"));
        assert_int_equal(one.code, 0);
        json_object *oo = json_tokener_parse(one.out);
        assert_non_null(oo);
        if (!json_object_equal(oo, so))
            fail_msg("account %s: show SELECTION gives %s, show --id gives %s", jstr(so, "id"),
                     json_object_to_json_string(so), one.out);
        json_object_put(oo);
        run_free(&one);
    }
    json_object_put(la);
    json_object_put(sa);
    run_free(&l);
    run_free(&s);
}

static int count_of(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* Text: one block per account, in list's order, a blank line between; each block is the
 * one-account text. */
static void test_show_selection_text(void **st)
{
    (void)st;
    run_result l, s;
    run_full(&l, NULL, -1, ARGS("list", "-c", conn, "-s", "expired", "--format", "json"));
    assert_int_equal(l.code, 0);
    run_full(&s, NULL, -1, ARGS("show", "-c", conn, "-s", "expired"));
    if (s.code != 0)
        fail_msg("show exit %d: %s", s.code, s.err);
    json_object *la = parse_array(l.out, "list");
    size_t n = json_object_array_length(la);
    assert_true(n >= 2);
    /* Every block starts with the first field of the list, "Identifier:". */
    assert_int_equal(count_of(s.out, "\nIdentifier: ") + (strncmp(s.out, "Identifier: ", 12) == 0),
                     (int)n);
    assert_int_equal(count_of(s.out, "\nID: "), (int)n);
    const char *at = s.out;
    for (size_t i = 0; i < n; i++) {
        const char *id = jstr(json_object_array_get_idx(la, i), "id");
        run_result one;
        run_full(&one, NULL, -1, ARGS("show", "--id", id));
        assert_int_equal(one.code, 0);
        const char *block = strstr(at, one.out);
        if (block != at)
            fail_msg("block %zu (%s) is not where list puts it:\n%s", i, id, at);
        at += one.out_len;
        if (i + 1 < n) {
            assert_int_equal(*at, '\n');   /* the blank line between blocks */
            at++;
        }
        run_free(&one);
    }
    assert_int_equal(*at, '\0');
    json_object_put(la);
    run_free(&l);
    run_free(&s);
}

/* show needs an account or a selection; --all shows every account; nothing kept: exit 0. */
static void test_show_selection_usage(void **st)
{
    (void)st;
    static const struct { const char *args[8]; const char *says; } bad[] = {
        { { "show" }, "or give a selection" },
        { { "show", "--format", "json" }, "--all" },
        { { "show", "-s", "expired", "--id", "ca_1" }, "not both" },
        { { "show", "-s", "expired", "gmail", "x" }, "not both" },
        { { "show", "--all", "-s", "expired" }, "--all cannot be combined" },
        { { "show", "--unused-for", "3y" }, "unknown unit 'y'" },
        { { "show", "-s", "nope" }, NULL },
    };
    int before = skemu_log_count(&emu, "/api/v1/");
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        run_result r;
        run_full(&r, NULL, -1, bad[k].args);
        if (r.code != 2)
            fail_msg("case %zu: exit %d, wanted 2: %s", k, r.code, r.err);
        if (bad[k].says && !strstr(r.err, bad[k].says))
            fail_msg("case %zu: \"%s\" lacks \"%s\"", k, r.err, bad[k].says);
        assert_int_equal(r.out_len, 0);
        run_free(&r);
    }
    assert_int_equal(skemu_log_count(&emu, "/api/v1/"), before);
    /* A selection that keeps nothing: nothing shown, [] in json, exit 0 (as list and link). */
    run_result r;
    run_full(&r, NULL, -1, ARGS("show", "-q", "no-such-account-anywhere", "--format", "json"));
    assert_int_equal(r.code, 0);
    json_object *arr = parse_array(r.out, "empty");
    assert_int_equal(json_object_array_length(arr), 0);
    json_object_put(arr);
    assert_non_null(strstr(r.err, "no account matches the selection"));
    run_free(&r);
    run_full(&r, NULL, -1, ARGS("show", "-q", "no-such-account-anywhere"));
    assert_int_equal(r.code, 0);
    assert_int_equal(r.out_len, 0);
    run_free(&r);
    /* An unknown connection is "not found", as in list. */
    run_full(&r, NULL, -1, ARGS("show", "-c", "no-such-connection"));
    assert_int_equal(r.code, 4);
    run_free(&r);
    /* --all: every account, --concurrency 2 at a time. */
    json_object *raw = direct_accounts(emu.url);
    run_full(&r, NULL, -1, ARGS("--concurrency", "2", "show", "--all", "--format", "json"));
    assert_int_equal(r.code, 0);
    arr = parse_array(r.out, "all");
    assert_int_equal(json_object_array_length(arr), json_object_array_length(raw));
    json_object_put(arr);
    json_object_put(raw);
    run_free(&r);
}

/* The requests a run sent, from skemu's log (one "METHOD PATH STATUS Nms" line each). */
static int requests_of(const skemu_proc *p)
{
    FILE *f = fopen(p->log_path, "r");
    assert_non_null(f);
    int n = 0;
    char line[2048];
    while (fgets(line, sizeof line, f))
        n += strncmp(line, "GET ", 4) == 0 || strncmp(line, "POST ", 5) == 0;
    fclose(f);
    return n;
}

static void twin_up(skemu_proc *p, const char *after)
{
    const char *args[] = { "--generate", "60", "--connections", "4", "--seed", "3", "--epoch",
                           EPOCH_S, after ? "--fail-rate" : NULL, "1", "--fault-after", after,
                           NULL };
    if (skemu_start(p, args) != 0)
        fail_msg("cannot start skemu (SKEMU_BIN=%s)", getenv("SKEMU_BIN"));
    setenv("SCALEKIT_ENVIRONMENT_URL", p->url, 1);
}

static void twin_down(skemu_proc *p)
{
    assert_int_equal(skemu_stop(p), 0);
    setenv("SCALEKIT_ENVIRONMENT_URL", emu.url, 1);
}

/* Every request after the listing and the first account's details fails (skemu --fail-rate 1
 * --fault-after N, retried, then given up): the first account is shown, the others are named
 * on stderr, exit 1. */
static void test_show_selection_partial_failure(void **st)
{
    (void)st;
    skemu_proc p;
    twin_up(&p, NULL);
    run_result r;
    run_full(&r, NULL, -1, ARGS("show", "-c", conn, "-s", "expired", "--format", "json"));
    assert_int_equal(r.code, 0);
    json_object *all = parse_array(r.out, "twin");
    size_t n = json_object_array_length(all);
    assert_true(n >= 2);
    int listing = requests_of(&p) - skemu_log_count(&p, "/details");
    run_free(&r);
    twin_down(&p);
    char after[16];
    snprintf(after, sizeof after, "%d", listing + 1);
    twin_up(&p, after);
    run_full(&r, NULL, -1, ARGS("--concurrency", "1", "show", "-c", conn, "-s", "expired",
                                "--format", "json"));
    assert_int_equal(r.code, 1);
    json_object *got = parse_array(r.out, "partial");
    assert_int_equal(json_object_array_length(got), 1);
    assert_true(json_object_equal(json_object_array_get_idx(got, 0),
                                  json_object_array_get_idx(all, 0)));
    for (size_t i = 1; i < n; i++) {
        const char *id = jstr(json_object_array_get_idx(all, i), "id");
        if (!strstr(r.err, id))
            fail_msg("the failed account %s is not named: %s", id, r.err);
    }
    char says[64];
    snprintf(says, sizeof says, "%zu of %zu accounts could not be read", n - 1, n);
    assert_non_null(strstr(r.err, says));
    json_object_put(got);
    json_object_put(all);
    run_free(&r);
    twin_down(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_show_selection_json),
        cmocka_unit_test(test_show_selection_text),
        cmocka_unit_test(test_show_selection_usage),
        cmocka_unit_test(test_show_selection_partial_failure),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
