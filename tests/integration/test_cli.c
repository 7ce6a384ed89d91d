/* test_cli.c: the real skdash binary against a real skemu: every command, every format, the
 * exit codes, and that no secret ever shows. Expected values come from skemu's API read here
 * directly with libcurl, never from skdash's own code. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <fcntl.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <wchar.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "account.h"
#include "../support/direct_http.h"
#include "../support/run_skdash.h"
#include "../support/skemu_proc.h"

static skemu_proc emu;

/* ------------------------------------------------------------------ running skdash */

#define RUN(r, ...) run_full((r), NULL, -1, ARGS(__VA_ARGS__))

/* Every error is one line "skdash: ..." (a usage error may add the "try" line). */
static void assert_error_line(const run_result *r)
{
    assert_true(strncmp(r->err, "skdash: ", 8) == 0);
    const char *nl = strchr(r->err, '\n');
    assert_non_null(nl);
    assert_true(nl[1] == '\0' || strncmp(nl + 1, "try 'skdash --help'\n", 20) == 0);
}

/* ------------------------------------------------------------------ skemu, read directly */

static struct json_object *raw_accounts(void)
{
    return direct_accounts(emu.url);
}

static const char *jstr(struct json_object *o, const char *key)
{
    struct json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || json_object_get_type(v) != json_type_string)
        return NULL;
    const char *s = json_object_get_string(v);
    return s && *s ? s : NULL;
}

/* The table of SCALEKIT-API.md, written out again here on purpose. */
static const char *expected_state(const char *status)
{
    static const char *const map[][2] = {
        { "PENDING_AUTH", "PENDING" }, { "PENDING_VERIFICATION", "PENDING" },
        { "PENDING", "PENDING" }, { "ACTIVE", "ACTIVE" }, { "EXPIRED", "EXPIRED" },
        { "DISCONNECTED", "REVOKED" }, { "REVOKED", "REVOKED" }, { "ERROR", "ERROR" },
    };
    for (size_t i = 0; status && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(status, map[i][0]) == 0)
            return map[i][1];
    return "ERROR";
}

static bool plain_ascii(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7E)
            return false;
    return s != NULL;
}

/* First raw account whose mapped state is `state` (NULL: any) with a plain identifier. */
static struct json_object *pick(struct json_object *all, const char *state)
{
    for (size_t i = 0; i < json_object_array_length(all); i++) {
        struct json_object *a = json_object_array_get_idx(all, i);
        if (state && strcmp(expected_state(jstr(a, "status")), state) != 0)
            continue;
        if (plain_ascii(jstr(a, "identifier")) && jstr(a, "connector") && jstr(a, "id"))
            return a;
    }
    return NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int open_pty(int *slave);

/* ------------------------------------------------------------------ group setup */

static int group_setup(void **state)
{
    (void)state;
    setlocale(LC_ALL, "C.UTF-8");
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const char *args[] = { "--generate", "200", "--connections", "5", "--seed", "7", NULL };
    if (skemu_start(&emu, args) != 0) {
        fprintf(stderr, "cannot start skemu (SKEMU_BIN=%s)\n", getenv("SKEMU_BIN"));
        return -1;
    }
    skemu_env(&emu);
    unsetenv("NO_COLOR");
    unsetenv("COLUMNS");
    unsetenv("SKDASH_PROFILE");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    skemu_stop(&emu);
    curl_global_cleanup();
    return 0;
}

/* ------------------------------------------------------------------ list */

static struct json_object *list_json(const char *const *extra)
{
    const char *args[16] = { "list", "--format", "json" };
    int n = 3;
    for (int i = 0; extra && extra[i]; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    run_result r;
    run_full(&r, NULL, -1, args);
    if (r.code != 0)
        fprintf(stderr, "list failed: %s", r.err);
    assert_int_equal(r.code, 0);
    struct json_object *o = json_tokener_parse(r.out);
    assert_non_null(o);
    assert_true(json_object_is_type(o, json_type_array));
    run_free(&r);
    return o;
}

static void test_list_json_everything(void **state)
{
    (void)state;
    struct json_object *raw = raw_accounts();
    struct json_object *got = list_json(NULL);
    size_t n = json_object_array_length(got);
    assert_true(json_object_array_length(raw) >= 200);
    assert_int_equal(n, json_object_array_length(raw));
    char **ids = calloc(n, sizeof *ids), **want = calloc(n, sizeof *want);
    for (size_t i = 0; i < n; i++) {
        struct json_object *a = json_object_array_get_idx(got, i);
        ids[i] = (char *)jstr(a, "id");
        want[i] = (char *)jstr(json_object_array_get_idx(raw, i), "id");
        assert_non_null(ids[i]);
        const char *st = jstr(a, "state");
        assert_non_null(st);
        assert_string_equal(st, expected_state(jstr(a, "status")));
        /* Timestamps, when present, are RFC 3339 strings. */
        const char *t = jstr(a, "updated_at");
        if (t)
            assert_true(strlen(t) >= 20 && t[4] == '-' && t[10] == 'T');
    }
    qsort(ids, n, sizeof *ids, cmp_str);
    qsort(want, n, sizeof *want, cmp_str);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            assert_string_not_equal(ids[i - 1], ids[i]);
        assert_string_equal(ids[i], want[i]);
    }
    free(ids);
    free(want);
    json_object_put(got);
    json_object_put(raw);
}

static size_t count_raw(struct json_object *raw, const char *state, const char *connector)
{
    size_t n = 0;
    for (size_t i = 0; i < json_object_array_length(raw); i++) {
        struct json_object *a = json_object_array_get_idx(raw, i);
        if (state && strcmp(expected_state(jstr(a, "status")), state) != 0)
            continue;
        const char *c = jstr(a, "connector");
        if (connector && (!c || strcmp(c, connector) != 0))
            continue;
        n++;
    }
    return n;
}

static void test_list_state_filter(void **state)
{
    (void)state;
    struct json_object *raw = raw_accounts();
    struct json_object *got = list_json(ARGS("-s", "expired"));
    size_t n = json_object_array_length(got);
    assert_true(n > 0);
    assert_int_equal(n, count_raw(raw, "EXPIRED", NULL));
    for (size_t i = 0; i < n; i++)
        assert_string_equal(jstr(json_object_array_get_idx(got, i), "state"), "EXPIRED");
    json_object_put(got);
    /* Two states, any case, long form. */
    got = list_json(ARGS("--state", "Pending", "-s", "REVOKED"));
    assert_int_equal(json_object_array_length(got),
                     count_raw(raw, "PENDING", NULL) + count_raw(raw, "REVOKED", NULL));
    json_object_put(got);
    json_object_put(raw);
}

static void test_list_connection_filter(void **state)
{
    (void)state;
    struct json_object *raw = raw_accounts();
    const char *c1 = jstr(json_object_array_get_idx(raw, 0), "connector");
    const char *c2 = NULL;
    for (size_t i = 0; i < json_object_array_length(raw) && !c2; i++) {
        const char *c = jstr(json_object_array_get_idx(raw, i), "connector");
        if (c && strcmp(c, c1) != 0)
            c2 = c;
    }
    assert_non_null(c1);
    assert_non_null(c2);
    struct json_object *got = list_json(ARGS("-c", c1));
    assert_int_equal(json_object_array_length(got), count_raw(raw, NULL, c1));
    for (size_t i = 0; i < json_object_array_length(got); i++)
        assert_string_equal(jstr(json_object_array_get_idx(got, i), "connector"), c1);
    json_object_put(got);
    got = list_json(ARGS("-c", c1, "--connection", c2));
    assert_int_equal(json_object_array_length(got),
                     count_raw(raw, NULL, c1) + count_raw(raw, NULL, c2));
    /* Sorted by connection: all of one connection come before the other's. */
    size_t switches = 0;
    for (size_t i = 1; i < json_object_array_length(got); i++)
        if (strcmp(jstr(json_object_array_get_idx(got, i - 1), "connector"),
                   jstr(json_object_array_get_idx(got, i), "connector")) != 0)
            switches++;
    assert_int_equal(switches, 1);
    json_object_put(got);
    json_object_put(raw);
    /* A connection the API does not know is "not found", not an empty list. */
    run_result r;
    RUN(&r, "list", "-c", "no-such-connection");
    assert_int_equal(r.code, 4);
    assert_error_line(&r);
    run_free(&r);
}

static bool has_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; hay && *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return false;
}

static void test_list_query_filter(void **state)
{
    (void)state;
    struct json_object *raw = raw_accounts();
    struct json_object *a = pick(raw, NULL);
    assert_non_null(a);
    /* Four characters from the middle of an identifier, upper-cased: case must not matter. */
    const char *ident = jstr(a, "identifier");
    char q[8] = { 0 };
    size_t len = strlen(ident), at = len > 6 ? 1 : 0;
    for (int k = 0; k < 4 && at + k < len; k++)
        q[k] = (char)toupper((unsigned char)ident[at + k]);
    size_t want = 0;
    for (size_t i = 0; i < json_object_array_length(raw); i++) {
        struct json_object *x = json_object_array_get_idx(raw, i);
        if (has_ci(jstr(x, "identifier"), q) || has_ci(jstr(x, "id"), q) ||
            has_ci(jstr(x, "connector"), q))
            want++;
    }
    assert_true(want >= 1);
    struct json_object *got = list_json(ARGS("-q", q));
    assert_int_equal(json_object_array_length(got), want);
    for (size_t i = 0; i < json_object_array_length(got); i++) {
        struct json_object *x = json_object_array_get_idx(got, i);
        assert_true(has_ci(jstr(x, "identifier"), q) || has_ci(jstr(x, "id"), q) ||
                    has_ci(jstr(x, "connector"), q));
    }
    json_object_put(got);
    json_object_put(raw);
}

/* RFC 4180 records: quoted fields may hold commas, quotes ("") and line breaks. */
static size_t csv_parse(const char *s, char ***fields_out, size_t *nf_out, size_t max)
{
    size_t records = 0, nf = 0, cap = 4096, cl = 0;
    char **fields = calloc(max, sizeof *fields);
    char *cur = malloc(cap);
    bool quoted = false;
    bool at_start = true;     /* nothing of the current field read yet */
    bool in_record = false;   /* the current record has begun (a field or a comma) */
    for (const char *p = s;; p++) {
        if (cl + 2 >= cap)
            cur = realloc(cur, cap *= 2);
        if (quoted) {
            assert_true(*p != '\0');   /* an unterminated quote is a broken document */
            if (*p == '"' && p[1] == '"') { cur[cl++] = '"'; p++; }
            else if (*p == '"') quoted = false;
            else cur[cl++] = *p;
            continue;
        }
        if (*p == '\0' && !in_record)
            break;
        if (*p == ',' || *p == '\n' || *p == '\0') {
            if (cl > 0 && cur[cl - 1] == '\r')
                cl--;
            cur[cl] = '\0';
            if (nf < max)
                fields[nf++] = strdup(cur);
            cl = 0;
            at_start = true;
            in_record = *p == ',';
            if (*p != ',')
                records++;
            if (*p == '\0')
                break;
            continue;
        }
        in_record = true;
        if (*p == '"' && at_start) {
            quoted = true;
            at_start = false;
            continue;
        }
        at_start = false;
        cur[cl++] = *p;
    }
    free(cur);
    *fields_out = fields;
    *nf_out = nf;
    return records;
}

static void test_list_csv(void **state)
{
    (void)state;
    struct json_object *raw = raw_accounts();
    size_t total = json_object_array_length(raw);
    run_result r;
    RUN(&r, "list", "--format", "csv");
    assert_int_equal(r.code, 0);
    for (const char *p = r.out; *p; p++)
        assert_true((unsigned char)*p >= 0x20 || *p == '\n');
    char **f;
    size_t nf;
    size_t records = csv_parse(r.out, &f, &nf, 100000);
    assert_int_equal(records, total + 1);
    /* Every record has as many fields as the header, and the id column holds every id. */
    size_t cols = 0;
    while (cols < nf && strcmp(f[cols], "id") != 0)
        cols++;
    size_t id_col = cols;
    size_t width = 1;   /* the header has no quoted field: its commas count the columns */
    for (const char *p = r.out; *p && *p != '\n'; p++)
        width += *p == ',';
    assert_true(id_col < width);
    assert_int_equal(nf, width * (total + 1));
    for (size_t rec = 1; rec <= total; rec++) {
        const char *id = f[rec * width + id_col];
        bool found = false;
        for (size_t i = 0; i < total && !found; i++)
            found = strcmp(jstr(json_object_array_get_idx(raw, i), "id"), id) == 0;
        assert_true(found);
    }
    for (size_t i = 0; i < nf; i++)
        free(f[i]);
    free(f);
    run_free(&r);
    json_object_put(raw);
}

static int display_width(const char *line, size_t len)
{
    char *copy = strndup(line, len);
    size_t n = mbstowcs(NULL, copy, 0);
    assert_true(n != (size_t)-1);
    wchar_t *w = calloc(n + 1, sizeof *w);
    mbstowcs(w, copy, n + 1);
    int width = wcswidth(w, n);
    free(w);
    free(copy);
    return width;
}

static void test_list_table_piped(void **state)
{
    (void)state;
    struct json_object *raw = raw_accounts();
    size_t total = json_object_array_length(raw);
    json_object_put(raw);
    run_result r;
    RUN(&r, "list");
    assert_int_equal(r.code, 0);
    size_t lines = 0;
    for (const char *p = r.out; *p; p++) {
        assert_true((unsigned char)*p >= 0x20 || *p == '\n');
        assert_true(*p != 0x7f);
        lines += *p == '\n';
    }
    assert_int_equal(lines, total + 1);
    assert_true(strncmp(r.out, "CONNECTION", 10) == 0);
    assert_non_null(strstr(r.out, "IDENTIFIER"));
    assert_non_null(strstr(r.out, "TOKEN EXPIRES"));
    run_free(&r);

    /* With $COLUMNS the table fits, in display columns (CJK, emoji) under a UTF-8 locale. */
    char **env = run_env(NULL, ARGS("COLUMNS=72", "LC_ALL=C.UTF-8"));
    run_full(&r, env, -1, ARGS("list"));
    assert_int_equal(r.code, 0);
    const char *line = r.out;
    size_t seen = 0;
    while (*line) {
        const char *nl = strchr(line, '\n');
        assert_non_null(nl);
        assert_true(display_width(line, (size_t)(nl - line)) <= 72);
        seen++;
        line = nl + 1;
    }
    assert_int_equal(seen, total + 1);
    run_free(&r);
    free(env);
}

static void test_connections_add_up(void **state)
{
    (void)state;
    struct json_object *raw = raw_accounts();
    run_result r;
    RUN(&r, "connections", "--format", "json");
    assert_int_equal(r.code, 0);
    struct json_object *c = json_tokener_parse(r.out);
    assert_non_null(c);
    assert_true(json_object_is_type(c, json_type_array));
    assert_int_equal(json_object_array_length(c), 5);
    static const char *const keys[] = { "pending", "active", "expired", "revoked", "error" };
    static const char *const names[] = { "PENDING", "ACTIVE", "EXPIRED", "REVOKED", "ERROR" };
    size_t sum_total = 0;
    for (size_t i = 0; i < json_object_array_length(c); i++) {
        struct json_object *o = json_object_array_get_idx(c, i), *v;
        const char *name = jstr(o, "name");
        assert_non_null(name);
        size_t sum = 0;
        for (int k = 0; k < 5; k++) {
            assert_true(json_object_object_get_ex(o, keys[k], &v));
            size_t n = (size_t)json_object_get_int64(v);
            assert_int_equal(n, count_raw(raw, names[k], name));
            sum += n;
        }
        assert_true(json_object_object_get_ex(o, "total", &v));
        assert_int_equal((size_t)json_object_get_int64(v), sum);
        assert_int_equal(sum, count_raw(raw, NULL, name));
        sum_total += sum;
    }
    assert_int_equal(sum_total, json_object_array_length(raw));
    json_object_put(c);
    run_free(&r);
    /* The table and csv forms name every connection too. */
    RUN(&r, "connections");
    assert_int_equal(r.code, 0);
    assert_true(strncmp(r.out, "CONNECTION", 10) == 0);
    assert_non_null(strstr(r.out, "TOTAL"));
    run_free(&r);
    RUN(&r, "connections", "--format", "csv");
    assert_int_equal(r.code, 0);
    size_t lines = 0;
    for (const char *p = r.out; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 6);
    run_free(&r);
    json_object_put(raw);
}

/* ------------------------------------------------------------------ show */

static void test_show(void **state)
{
    (void)state;
    struct json_object *raw = raw_accounts();
    struct json_object *a = pick(raw, "EXPIRED");
    assert_non_null(a);
    const char *id = jstr(a, "id"), *ident = jstr(a, "identifier"), *conn = jstr(a, "connector");
    char line[512];
    run_result r;
    RUN(&r, "show", "--id", id);
    assert_int_equal(r.code, 0);
    snprintf(line, sizeof line, "Identifier: %s\n", ident);
    assert_non_null(strstr(r.out, line));
    snprintf(line, sizeof line, "Connection: %s\n", conn);
    assert_non_null(strstr(r.out, line));
    /* The dashboard's label; the raw status on a line of its own (issue #9). */
    assert_non_null(strstr(r.out, "State: EXPIRED\n"));
    assert_non_null(strstr(r.out, "Raw status: EXPIRED\n"));
    assert_non_null(strstr(r.out, "authorize again"));
    /* The core's field list, the one the dashboard's detail shows: every label, in order. */
    size_t nf;
    const sk_field *f = account_fields(&nf);
    const char *at = r.out;
    for (size_t i = 0; i < nf; i++) {
        /* At the start of a line: the first at the start of the output. */
        snprintf(line, sizeof line, "%s%s: ", i ? "\n" : "", f[i].label);
        const char *p = i ? strstr(at, line) : strncmp(at, line, strlen(line)) == 0 ? at : NULL;
        if (!p)
            fail_msg("show: field %s missing or out of order:\n%s", f[i].label, r.out);
        at = p + strlen(line);
    }
    run_free(&r);

    RUN(&r, "show", conn, ident, "--format", "json");
    assert_int_equal(r.code, 0);
    struct json_object *o = json_tokener_parse(r.out);
    assert_non_null(o);
    assert_string_equal(jstr(o, "id"), id);
    assert_string_equal(jstr(o, "identifier"), ident);
    assert_string_equal(jstr(o, "state"), "EXPIRED");
    assert_string_equal(jstr(o, "status"), "EXPIRED");
    json_object_put(o);
    run_free(&r);

    /* A pending verification says what the person opening the link must do. */
    struct json_object *pv = NULL;
    for (size_t i = 0; i < json_object_array_length(raw) && !pv; i++) {
        struct json_object *x = json_object_array_get_idx(raw, i);
        if (jstr(x, "status") && strcmp(jstr(x, "status"), "PENDING_VERIFICATION") == 0)
            pv = x;
    }
    assert_non_null(pv);
    RUN(&r, "show", "--id", jstr(pv, "id"));
    assert_int_equal(r.code, 0);
    assert_true(strstr(r.out, "State: PENDING\xc2\xb7verification\n") ||
                strstr(r.out, "State: PENDING.verification\n"));
    assert_non_null(strstr(r.out, "Raw status: PENDING_VERIFICATION\n"));
    assert_non_null(strstr(r.out, "(skdash link)"));
    assert_non_null(strstr(r.out, "signed in to the customer's app"));
    run_free(&r);
    json_object_put(raw);
}

static void test_show_unknown(void **state)
{
    (void)state;
    run_result r;
    RUN(&r, "show", "--id", "ca_does_not_exist_123");
    assert_int_equal(r.code, 4);
    assert_error_line(&r);
    assert_string_equal(r.out, "");
    run_free(&r);
    RUN(&r, "show", "no-such-connection", "nobody@example.com");
    assert_int_equal(r.code, 4);
    run_free(&r);
    RUN(&r, "link", "--id", "ca_does_not_exist_123");
    assert_int_equal(r.code, 4);
    assert_error_line(&r);
    run_free(&r);
}

/* ------------------------------------------------------------------ link */

static void test_link_text_json(void **state)
{
    (void)state;
    struct json_object *raw = raw_accounts();
    struct json_object *a = pick(raw, "PENDING");
    assert_non_null(a);
    run_result r;
    RUN(&r, "link", jstr(a, "connector"), jstr(a, "identifier"));
    assert_int_equal(r.code, 0);
    assert_true(strncmp(r.out, "http", 4) == 0);
    const char *nl = strchr(r.out, '\n');
    assert_non_null(nl);
    assert_true(strncmp(nl + 1, "Expires: ", 9) == 0);
    assert_non_null(strstr(nl, "(in "));
    run_free(&r);

    RUN(&r, "link", "--id", jstr(a, "id"), "--format", "json");
    assert_int_equal(r.code, 0);
    struct json_object *o = json_tokener_parse(r.out);
    assert_non_null(o);
    assert_true(strncmp(jstr(o, "link"), "http", 4) == 0);
    const char *exp = jstr(o, "expiry");
    assert_non_null(exp);
    assert_true(strlen(exp) >= 20 && exp[10] == 'T' && exp[strlen(exp) - 1] == 'Z');
    assert_string_equal(jstr(o, "connector"), jstr(a, "connector"));
    assert_string_equal(jstr(o, "identifier"), jstr(a, "identifier"));
    json_object_put(o);
    run_free(&r);

    /* --qr piped: plain text, no escape, a code made of blocks or "##". */
    RUN(&r, "link", "--qr", jstr(a, "connector"), jstr(a, "identifier"));
    assert_int_equal(r.code, 0);
    assert_null(strchr(r.out, '\033'));
    assert_true(strstr(r.out, "\xe2\x96\x88") || strstr(r.out, "##"));
    run_free(&r);
    json_object_put(raw);
}

static const char *state_of(const char *id, int *code)
{
    static char st[32];
    run_result r;
    RUN(&r, "show", "--id", id, "--format", "json");
    *code = r.code;
    st[0] = '\0';
    if (r.code == 0) {
        struct json_object *o = json_tokener_parse(r.out);
        assert_non_null(o);
        snprintf(st, sizeof st, "%s", jstr(o, "state"));
        json_object_put(o);
    }
    run_free(&r);
    return st;
}

static void test_link_round_trip(void **state)
{
    (void)state;
    struct json_object *raw = raw_accounts();
    struct json_object *a = pick(raw, "EXPIRED");
    assert_non_null(a);
    char id[128];
    snprintf(id, sizeof id, "%s", jstr(a, "id"));
    json_object_put(raw);
    int code;
    assert_string_equal(state_of(id, &code), "EXPIRED");
    run_result r;
    RUN(&r, "link", "--id", id);
    assert_int_equal(r.code, 0);
    char *nl = strchr(r.out, '\n');
    assert_non_null(nl);
    *nl = '\0';
    char *body;
    long st = direct_http("GET", r.out, NULL, NULL, DIRECT_FOLLOW, &body);
    assert_true(st >= 200 && st < 400);
    free(body);
    run_free(&r);
    assert_string_equal(state_of(id, &code), "ACTIVE");
    assert_int_equal(code, 0);
}

/* ------------------------------------------------------------------ delete */

static void test_delete(void **state)
{
    (void)state;
    struct json_object *raw = raw_accounts();
    struct json_object *a = pick(raw, "REVOKED");
    assert_non_null(a);
    char id[128], conn[256], ident[256];
    snprintf(id, sizeof id, "%s", jstr(a, "id"));
    snprintf(conn, sizeof conn, "%s", jstr(a, "connector"));
    snprintf(ident, sizeof ident, "%s", jstr(a, "identifier"));
    json_object_put(raw);
    int code;
    run_result r;

    RUN(&r, "delete", "--id", id, "--dry-run");
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, id));
    assert_non_null(strstr(r.out, conn));
    assert_non_null(strstr(r.out, "State: REVOKED"));
    run_free(&r);
    state_of(id, &code);
    assert_int_equal(code, 0);

    /* No terminal and no --yes: refused, nothing deleted. */
    RUN(&r, "delete", conn, ident);
    assert_int_equal(r.code, 2);
    assert_non_null(strstr(r.err, "skdash: "));
    assert_non_null(strstr(r.err, "--yes"));
    run_free(&r);
    state_of(id, &code);
    assert_int_equal(code, 0);

    /* Read-only (flag before or after the command): refused, nothing deleted. */
    RUN(&r, "--read-only", "delete", "--id", id, "--yes");
    assert_int_equal(r.code, 2);
    assert_non_null(strstr(r.err, "read-only: delete is disabled"));
    run_free(&r);
    RUN(&r, "delete", "--id", id, "--yes", "--read-only");
    assert_int_equal(r.code, 2);
    run_free(&r);
    state_of(id, &code);
    assert_int_equal(code, 0);

    RUN(&r, "delete", conn, ident, "--yes");
    assert_int_equal(r.code, 0);
    run_free(&r);
    state_of(id, &code);
    assert_int_equal(code, 4);
    RUN(&r, "delete", "--id", id, "--yes");
    assert_int_equal(r.code, 4);
    run_free(&r);
}

/* On a terminal the answer decides: "n" keeps the account, "yes" deletes it. */
static int open_pty(int *slave)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0)
        return -1;
    *slave = open(ptsname(m), O_RDWR | O_NOCTTY);
    return *slave < 0 ? -1 : m;
}

static int delete_on_tty(const char *id, const char *answer, run_result *r)
{
    int slave, master = open_pty(&slave);
    if (master < 0)
        return -1;
    assert_true(write(master, answer, strlen(answer)) == (ssize_t)strlen(answer));
    run_full(r, NULL, slave, ARGS("delete", "--id", id));
    close(slave);
    close(master);
    return 0;
}

static void test_delete_confirm_tty(void **state)
{
    (void)state;
    struct json_object *raw = raw_accounts();
    struct json_object *a = pick(raw, "ACTIVE");
    assert_non_null(a);
    char id[128];
    snprintf(id, sizeof id, "%s", jstr(a, "id"));
    json_object_put(raw);
    run_result r;
    int code;
    if (delete_on_tty(id, "n\n", &r) != 0)
        skip();
    assert_non_null(strstr(r.err, "Delete this account? [y/N] "));
    assert_int_not_equal(r.code, 0);
    run_free(&r);
    state_of(id, &code);
    assert_int_equal(code, 0);
    assert_int_equal(delete_on_tty(id, "yes\n", &r), 0);
    assert_int_equal(r.code, 0);
    run_free(&r);
    state_of(id, &code);
    assert_int_equal(code, 4);
}

/* ------------------------------------------------------------------ usage, config, auth */

static void test_usage_errors(void **state)
{
    (void)state;
    run_result r;
    RUN(&r, "list", "-s", "sleeping");
    assert_int_equal(r.code, 2);
    assert_error_line(&r);
    assert_non_null(strstr(r.err, "try 'skdash --help'"));
    run_free(&r);
    RUN(&r, "frobnicate");
    assert_int_equal(r.code, 2);
    assert_error_line(&r);
    run_free(&r);
    RUN(&r, "list", "--format", "yaml");
    assert_int_equal(r.code, 2);
    run_free(&r);
    RUN(&r, "show");
    assert_int_equal(r.code, 2);
    run_free(&r);
    RUN(&r, "show", "--id", "ca_1", "gmail", "x");
    assert_int_equal(r.code, 2);
    run_free(&r);
    RUN(&r, "--concurrency", "zero", "list");
    assert_int_equal(r.code, 2);
    run_free(&r);
    /* No command and no terminal: the dashboard is not started on a pipe. */
    RUN(&r, "--read-only");
    assert_int_equal(r.code, 2);
    assert_error_line(&r);
    assert_string_equal(r.out, "");
    run_free(&r);

    RUN(&r, "--client-secret", "hunter2-not-a-secret", "list");
    assert_int_equal(r.code, 2);
    assert_non_null(strstr(r.err, "SCALEKIT_CLIENT_SECRET"));
    assert_non_null(strstr(r.err, "client_secret_command"));
    assert_null(strstr(r.err, "hunter2"));
    assert_string_equal(r.out, "");
    run_free(&r);
    RUN(&r, "list", "--client-secret=hunter2-not-a-secret");
    assert_int_equal(r.code, 2);
    assert_null(strstr(r.err, "hunter2"));
    run_free(&r);
}

static void test_help_version(void **state)
{
    (void)state;
    run_result r;
    RUN(&r, "--version");
    assert_int_equal(r.code, 0);
    assert_string_equal(r.out, "skdash 0.1.0\n");
    run_free(&r);
    RUN(&r, "--help");
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "usage: skdash"));
    run_free(&r);
    static const char *const cmds[] = { "list", "connections", "show", "link", "delete" };
    for (size_t i = 0; i < 5; i++) {
        char want[64];
        snprintf(want, sizeof want, "usage: skdash %s", cmds[i]);
        RUN(&r, cmds[i], "--help");
        assert_int_equal(r.code, 0);
        assert_non_null(strstr(r.out, want));
        run_free(&r);
        RUN(&r, "help", cmds[i]);
        assert_int_equal(r.code, 0);
        assert_non_null(strstr(r.out, want));
        run_free(&r);
    }
}

static void test_missing_config(void **state)
{
    (void)state;
    char dir[] = "/tmp/skdash-cli-empty-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char xdg[64];
    snprintf(xdg, sizeof xdg, "XDG_CONFIG_HOME=%s", dir);
    char **env = run_env(ARGS("SCALEKIT_ENVIRONMENT_URL", "SCALEKIT_CLIENT_ID",
                               "SCALEKIT_CLIENT_SECRET", "SKDASH_PROFILE"), ARGS(xdg));
    run_result r;
    run_full(&r, env, -1, ARGS("list"));
    assert_int_equal(r.code, 3);
    assert_error_line(&r);
    assert_non_null(strstr(r.err, "SCALEKIT_ENVIRONMENT_URL"));
    run_free(&r);
    free(env);
    rmdir(dir);
}

static void test_wrong_secret(void **state)
{
    (void)state;
    char **env = run_env(NULL, ARGS("SCALEKIT_CLIENT_SECRET=not-the-right-one"));
    run_result r;
    run_full(&r, env, -1, ARGS("list", "--format", "json"));
    assert_int_equal(r.code, 3);
    assert_error_line(&r);
    assert_null(strstr(r.err, "not-the-right-one"));
    run_free(&r);
    run_full(&r, env, -1, ARGS("show", "--id", "ca_x"));
    assert_int_equal(r.code, 3);
    run_free(&r);
    free(env);
}

/* No "Bearer <token>" and no "access_token": "<token>" anywhere in s. */
static void assert_no_token(const char *s)
{
    for (const char *p = s; (p = strstr(p, "Bearer ")); p += 7)
        assert_false(isalnum((unsigned char)p[7]));
    for (const char *p = s; (p = strstr(p, "access_token")); p += 12) {
        const char *q = p + 12;
        while (*q == '"' || *q == ':' || *q == ' ' || *q == '=')
            q++;
        assert_false(isalnum((unsigned char)*q));
    }
}

static void test_debug_trace(void **state)
{
    (void)state;
    run_result r;
    RUN(&r, "--debug", "connections", "--format", "json");
    assert_int_equal(r.code, 0);
    assert_true(r.err_len > 0);          /* there is a trace... */
    assert_non_null(strstr(r.err, "/api/v1/"));
    assert_no_token(r.err);              /* ...with no credential in it */
    for (const char *p = r.err; *p; p++)
        assert_true((unsigned char)*p >= 0x20 || *p == '\n');
    run_free(&r);
}

/* Without /connections/app the accounts are grouped by their connector: same totals. */
static void test_list_fallback(void **state)
{
    (void)state;
    skemu_proc e2;
    const char *args[] = { "--generate", "60", "--connections", "3", "--seed", "9",
                           "--no-connections-endpoint", NULL };
    assert_int_equal(skemu_start(&e2, args), 0);
    char url[200];
    snprintf(url, sizeof url, "SCALEKIT_ENVIRONMENT_URL=%s", e2.url);
    char **env = run_env(NULL, ARGS(url));
    struct json_object *raw = direct_accounts(e2.url);
    run_result r;
    run_full(&r, env, -1, ARGS("list", "--format", "json"));
    assert_int_equal(r.code, 0);
    struct json_object *got = json_tokener_parse(r.out);
    assert_non_null(got);
    assert_int_equal(json_object_array_length(got), json_object_array_length(raw));
    json_object_put(got);
    run_free(&r);
    run_full(&r, env, -1, ARGS("connections", "--format", "json"));
    assert_int_equal(r.code, 0);
    got = json_tokener_parse(r.out);
    assert_non_null(got);
    size_t sum = 0;
    for (size_t i = 0; i < json_object_array_length(got); i++) {
        struct json_object *t;
        assert_true(json_object_object_get_ex(json_object_array_get_idx(got, i), "total", &t));
        sum += (size_t)json_object_get_int64(t);
    }
    assert_int_equal(sum, json_object_array_length(raw));
    json_object_put(got);
    run_free(&r);
    json_object_put(raw);
    free(env);
    skemu_stop(&e2);
}

/* Bytes that could act on a terminal: C0 but '\n', DEL, C1 in UTF-8 (C2 80..9F), bidi
 * controls (U+061C, U+200E/F, U+202A..E, U+2066..9). */
static void assert_terminal_safe(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    for (; *p; p++) {
        assert_true(*p >= 0x20 || *p == '\n');
        assert_true(*p != 0x7f);
        if (p[0] == 0xC2)
            assert_false(p[1] >= 0x80 && p[1] <= 0x9F);
        if (p[0] == 0xE2 && p[1] == 0x80)
            assert_false(p[2] == 0x8E || p[2] == 0x8F || (p[2] >= 0xAA && p[2] <= 0xAE));
        if (p[0] == 0xE2 && p[1] == 0x81)
            assert_false(p[2] >= 0xA6 && p[2] <= 0xA9);
        if (p[0] == 0xD8)
            assert_false(p[1] == 0x9C);
    }
}

/* Identifiers and statuses a hostile or broken server could send. */
static const char *const hostile[] = {
    "esc\033[2J\033]0;owned\007@example.com", "bidi\xe2\x80\xaegnp.exe@example.com",
    "c1\xc2\x9b" "31m@example.com", "comma, \"quoted\" user", "line\nbreak\r@example.com",
    "\xe5\xb1\xb1\xe7\x94\xb0\xe5\xa4\xaa\xe9\x83\x8e@wide.jp", "del\x7f@example.com",
};
#define NHOSTILE (sizeof hostile / sizeof hostile[0])

static void test_hostile_strings(void **state)
{
    (void)state;
    char path[] = "/tmp/skdash-cli-hostile-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    struct json_object *root = json_object_new_object(), *conns = json_object_new_array();
    struct json_object *accts = json_object_new_array(), *c = json_object_new_object();
    json_object_object_add(c, "key_id", json_object_new_string("evil"));
    json_object_array_add(conns, c);
    for (size_t i = 0; i < NHOSTILE; i++) {
        struct json_object *a = json_object_new_object();
        json_object_object_add(a, "connector", json_object_new_string("evil"));
        json_object_object_add(a, "identifier", json_object_new_string(hostile[i]));
        json_object_object_add(a, "status", json_object_new_string(i == 0 ? "\033[5mACTIVE" : "EXPIRED"));
        json_object_array_add(accts, a);
    }
    json_object_object_add(root, "connections", conns);
    json_object_object_add(root, "connected_accounts", accts);
    const char *text = json_object_to_json_string(root);
    assert_true(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    json_object_put(root);

    skemu_proc e2;
    const char *args[] = { "--data", path, NULL };
    assert_int_equal(skemu_start(&e2, args), 0);
    char url[200];
    snprintf(url, sizeof url, "SCALEKIT_ENVIRONMENT_URL=%s", e2.url);
    char **env = run_env(NULL, ARGS(url, "LC_ALL=C.UTF-8"));
    run_result r;
    run_full(&r, env, -1, ARGS("list"));
    assert_int_equal(r.code, 0);
    assert_terminal_safe(r.out);
    assert_non_null(strstr(r.out, "\\x1b"));            /* shown as a visible escape */
    run_free(&r);

    run_full(&r, env, -1, ARGS("list", "--format", "csv"));
    assert_int_equal(r.code, 0);
    assert_terminal_safe(r.out);
    char **f;
    size_t nf;
    assert_int_equal(csv_parse(r.out, &f, &nf, 1000), NHOSTILE + 1);
    size_t width = 1;   /* the header's commas count the columns */
    for (const char *p = r.out; *p != '\n'; p++)
        width += *p == ',';
    assert_int_equal(nf, width * (NHOSTILE + 1));   /* the comma inside a value was quoted */
    bool quoted_seen = false;
    for (size_t i = 0; i < nf; i++)
        quoted_seen |= strcmp(f[i], "comma, \"quoted\" user") == 0;
    assert_true(quoted_seen);
    for (size_t i = 0; i < nf; i++)
        free(f[i]);
    free(f);
    run_free(&r);

    /* JSON keeps the data exactly (escaped), and its text is terminal safe too. */
    run_full(&r, env, -1, ARGS("list", "--format", "json"));
    assert_int_equal(r.code, 0);
    assert_terminal_safe(r.out);
    struct json_object *got = json_tokener_parse(r.out);
    assert_non_null(got);
    assert_int_equal(json_object_array_length(got), NHOSTILE);
    char id[128] = "";
    for (size_t i = 0; i < NHOSTILE; i++) {
        struct json_object *found = NULL;
        for (size_t k = 0; k < NHOSTILE && !found; k++) {
            struct json_object *x = json_object_array_get_idx(got, k);
            if (strcmp(jstr(x, "identifier"), hostile[i]) == 0)
                found = x;
        }
        assert_non_null(found);
        if (i == 0) {   /* the escape-laden status is unknown: ERROR */
            assert_string_equal(jstr(found, "state"), "ERROR");
            snprintf(id, sizeof id, "%s", jstr(found, "id"));
        }
    }
    json_object_put(got);
    run_free(&r);

    run_full(&r, env, -1, ARGS("show", "--id", id));
    assert_int_equal(r.code, 0);
    assert_terminal_safe(r.out);
    run_free(&r);
    run_full(&r, env, -1, ARGS("delete", "--id", id, "--dry-run"));
    assert_int_equal(r.code, 0);
    assert_terminal_safe(r.out);
    run_free(&r);
    free(env);
    skemu_stop(&e2);
    unlink(path);
}

static void test_list_table_terminal(void **state)
{
    (void)state;
    int code;
    char **env = run_env(ARGS("NO_COLOR", "COLUMNS"), ARGS("LC_ALL=C.UTF-8"));
    char *out = run_on_tty(env, 90, false, ARGS("list", "-s", "expired"), &code, NULL);
    if (!out)
        skip();
    assert_int_equal(code, 0);
    assert_non_null(strstr(out, "\033[31m"));          /* EXPIRED in colour */
    run_strip_sgr(out, strlen(out));
    assert_null(strchr(out, '\033'));                  /* and nothing but SGR */
    size_t lines = 0;
    for (char *line = out, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
        assert_true(display_width(line, (size_t)(nl - line)) <= 90);
        lines++;
    }
    assert_true(lines >= 2);
    free(out);
    free(env);

    /* NO_COLOR (non-empty) or --no-color: no escape at all, even on a terminal. */
    env = run_env(ARGS("COLUMNS"), ARGS("LC_ALL=C.UTF-8", "NO_COLOR=1"));
    out = run_on_tty(env, 90, false, ARGS("list", "-s", "expired"), &code, NULL);
    assert_int_equal(code, 0);
    assert_null(strchr(out, '\033'));
    free(out);
    free(env);
    env = run_env(ARGS("NO_COLOR", "COLUMNS"), ARGS("LC_ALL=C.UTF-8"));
    out = run_on_tty(env, 90, false, ARGS("--no-color", "list", "-s", "expired"), &code, NULL);
    assert_int_equal(code, 0);
    assert_null(strchr(out, '\033'));
    free(out);
    free(env);
}

/* A skemu serving the connections named (each with one ACTIVE account), on e; the JSON file
 * is at path (removed by the caller). */
static void long_names_emu(skemu_proc *e, char *path, const char *const *names,
                           const char *const *providers, size_t n)
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    struct json_object *root = json_object_new_object(), *conns = json_object_new_array();
    struct json_object *accts = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        struct json_object *c = json_object_new_object(), *a = json_object_new_object();
        json_object_object_add(c, "key_id", json_object_new_string(names[i]));
        json_object_object_add(c, "provider_key", json_object_new_string(providers[i]));
        json_object_object_add(c, "type", json_object_new_string("OAUTH"));
        json_object_array_add(conns, c);
        json_object_object_add(a, "connector", json_object_new_string(names[i]));
        json_object_object_add(a, "identifier", json_object_new_string("user@example.com"));
        json_object_object_add(a, "status", json_object_new_string("ACTIVE"));
        json_object_array_add(accts, a);
    }
    json_object_object_add(root, "connections", conns);
    json_object_object_add(root, "connected_accounts", accts);
    const char *text = json_object_to_json_string(root);
    assert_true(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    json_object_put(root);
    const char *args[] = { "--data", path, NULL };
    assert_int_equal(skemu_start(e, args), 0);
}

/* `skdash connections` at 80 columns keeps every connection name whole: the provider and the
 * type give way first, then the counts' headers. */
static void test_connections_80_columns(void **state)
{
    (void)state;
    static const char *const names[] = { "google-workspace-gmail-production",
                                         "salesforce-sandbox-eu-west", "x" };
    static const char *const providers[] = { "GMAIL", "SALESFORCE_SANDBOX_EU", "HUBSPOT" };
    char path[] = "/tmp/skdash-cli-longnames-XXXXXX";
    skemu_proc e2;
    long_names_emu(&e2, path, names, providers, 3);
    char url[200];
    snprintf(url, sizeof url, "SCALEKIT_ENVIRONMENT_URL=%s", e2.url);
    static const char *const widths[] = { "COLUMNS=80", "COLUMNS=200" };
    for (int w = 0; w < 2; w++) {
        char **env = run_env(NULL, ARGS(url, "LC_ALL=C.UTF-8", widths[w]));
        run_result r;
        run_full(&r, env, -1, ARGS("connections"));
        assert_int_equal(r.code, 0);
        size_t lines = 0;
        for (char *line = r.out, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
            assert_true(display_width(line, (size_t)(nl - line)) <= (w == 0 ? 80 : 200));
            if (lines > 0) {   /* each row starts with its whole name, then a blank */
                size_t len = strlen(names[lines - 1]);
                assert_true(strncmp(line, names[lines - 1], len) == 0);
                assert_int_equal(line[len], ' ');
            }
            lines++;
        }
        assert_int_equal(lines, 4);
        assert_null(strstr(r.out, "\xe2\x80\xa6google"));   /* no name cut (…) */
        /* Wide enough: every column, the provider in full. */
        if (w == 1)
            assert_non_null(strstr(r.out, "SALESFORCE_SANDBOX_EU"));
        else
            assert_null(strstr(r.out, "SALESFORCE_SANDBOX_EU"));
        run_free(&r);
        free(env);
    }
    skemu_stop(&e2);
    unlink(path);
}

/* A connection named in the wrong case: the error it always gave, then the right name. */
static void test_connection_wrong_case(void **state)
{
    (void)state;
    struct json_object *raw = raw_accounts();
    const char *c1 = jstr(json_object_array_get_idx(raw, 0), "connector");
    const char *who = jstr(json_object_array_get_idx(raw, 0), "identifier");
    assert_non_null(c1);
    assert_non_null(who);
    char upper[128];
    snprintf(upper, sizeof upper, "%s", c1);
    for (char *p = upper; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    assert_string_not_equal(upper, c1);
    char want[512];
    run_result r;
    RUN(&r, "list", "-c", upper);
    assert_int_equal(r.code, 4);
    snprintf(want, sizeof want, "skdash: no connection named '%s' (see skdash connections): "
             "did you mean '%s'?\n", upper, c1);
    assert_string_equal(r.err, want);
    assert_string_equal(r.out, "");
    run_free(&r);
    RUN(&r, "show", upper, who);
    assert_int_equal(r.code, 4);
    snprintf(want, sizeof want, "\nskdash: no connection '%s': did you mean '%s'?\n", upper, c1);
    assert_non_null(strstr(r.err, "not found"));
    assert_non_null(strstr(r.err, want));
    run_free(&r);
    /* A name no connection has in any case: no guess. */
    RUN(&r, "show", "no-such-connection", who);
    assert_int_equal(r.code, 4);
    assert_null(strstr(r.err, "did you mean"));
    run_free(&r);
    RUN(&r, "list", "-c", "no-such-connection");
    assert_int_equal(r.code, 4);
    assert_null(strstr(r.err, "did you mean"));
    run_free(&r);
    json_object_put(raw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_version),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_missing_config),
        cmocka_unit_test(test_wrong_secret),
        cmocka_unit_test(test_list_json_everything),
        cmocka_unit_test(test_list_state_filter),
        cmocka_unit_test(test_list_connection_filter),
        cmocka_unit_test(test_list_query_filter),
        cmocka_unit_test(test_list_csv),
        cmocka_unit_test(test_list_table_piped),
        cmocka_unit_test(test_connections_add_up),
        cmocka_unit_test(test_list_fallback),
        cmocka_unit_test(test_list_table_terminal),
        cmocka_unit_test(test_connections_80_columns),
        cmocka_unit_test(test_connection_wrong_case),
        cmocka_unit_test(test_hostile_strings),
        cmocka_unit_test(test_debug_trace),
        cmocka_unit_test(test_show),
        cmocka_unit_test(test_show_unknown),
        cmocka_unit_test(test_link_text_json),
        cmocka_unit_test(test_link_round_trip),
        cmocka_unit_test(test_delete),
        cmocka_unit_test(test_delete_confirm_tty),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
