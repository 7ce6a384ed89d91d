/* test_contract.c: what skemu answers, checked against Scalekit's own OpenAPI file
 * ($SKDASH_OPENAPI) with a small JSON Schema validator over json-c: every connected-accounts
 * endpoint skemu serves, the token endpoint's shape, and the status values it emits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "../support/direct_http.h"
#include "../support/skemu_proc.h"

static skemu_proc emu;
static bool emu_up;
static struct json_object *spec;   /* NULL when the OpenAPI file is absent */
static char *bearer;

/* ------------------------------------------------------------------ validator */

/* Values skemu sends on purpose that the spec's enum does not list (the status enum has grown
 * before; clients must keep unknown values): they are counted, not failed. */
static const char *const deliberately_unknown[] = { "SUSPENDED", "QUARANTINED", "REVOKED",
                                                    "CONNECTION_STATUS_UNSPECIFIED", NULL };

typedef struct vctx {
    struct json_object *root;
    int errors;
    int unknown_enum;
    int absent_forms;     /* null or "" where a property could be absent */
    char first[512];      /* the first error, for the failure message */
} vctx;

static void verror(vctx *v, const char *path, const char *fmt, const char *what)
{
    if (v->errors++ == 0) {
        char msg[256];
        snprintf(msg, sizeof msg, fmt, what);
        snprintf(v->first, sizeof v->first, "%s: %s", path[0] ? path : "(root)", msg);
    }
}

static bool two_digits(const char *s, int lo, int hi)
{
    if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]))
        return false;
    int n = (s[0] - '0') * 10 + (s[1] - '0');
    return n >= lo && n <= hi;
}

/* RFC 3339 date-time: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM). */
static bool is_rfc3339(const char *s)
{
    if (strlen(s) < 20)
        return false;
    for (int i = 0; i < 4; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    if (s[4] != '-' || !two_digits(s + 5, 1, 12) || s[7] != '-' || !two_digits(s + 8, 1, 31) ||
        (s[10] != 'T' && s[10] != 't') || !two_digits(s + 11, 0, 23) || s[13] != ':' ||
        !two_digits(s + 14, 0, 59) || s[16] != ':' || !two_digits(s + 17, 0, 60))
        return false;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return false;
        while (isdigit((unsigned char)*p))
            p++;
    }
    if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
        return true;
    return (*p == '+' || *p == '-') && two_digits(p + 1, 0, 23) && p[3] == ':' &&
           two_digits(p + 4, 0, 59) && p[6] == '\0';
}

static struct json_object *resolve(struct json_object *root, const char *ref)
{
    if (strncmp(ref, "#/", 2) != 0)
        return NULL;
    struct json_object *cur = root;
    char part[256];
    const char *p = ref + 2;
    while (*p && cur) {
        size_t n = 0;
        for (; *p && *p != '/' && n + 1 < sizeof part; p++) {
            if (p[0] == '~' && p[1] == '1') { part[n++] = '/'; p++; }
            else if (p[0] == '~' && p[1] == '0') { part[n++] = '~'; p++; }
            else part[n++] = *p;
        }
        part[n] = '\0';
        if (*p == '/')
            p++;
        struct json_object *next;
        cur = json_object_object_get_ex(cur, part, &next) ? next : NULL;
    }
    return cur;
}

static bool type_matches(const char *t, struct json_object *inst)
{
    enum json_type jt = json_object_get_type(inst);
    if (strcmp(t, "object") == 0) return jt == json_type_object;
    if (strcmp(t, "array") == 0) return jt == json_type_array;
    if (strcmp(t, "string") == 0) return jt == json_type_string;
    if (strcmp(t, "boolean") == 0) return jt == json_type_boolean;
    if (strcmp(t, "null") == 0) return jt == json_type_null;
    if (strcmp(t, "number") == 0) return jt == json_type_int || jt == json_type_double;
    if (strcmp(t, "integer") == 0) {
        if (jt == json_type_int)
            return true;
        double d = json_object_get_double(inst);
        return jt == json_type_double && d == floor(d);
    }
    return true;   /* an unknown type name constrains nothing */
}

static void check_type(vctx *v, struct json_object *types, struct json_object *inst,
                       const char *path)
{
    if (json_object_is_type(types, json_type_string)) {
        if (!type_matches(json_object_get_string(types), inst))
            verror(v, path, "not of type %s", json_object_get_string(types));
        return;
    }
    if (!json_object_is_type(types, json_type_array))
        return;
    for (size_t i = 0; i < json_object_array_length(types); i++)
        if (type_matches(json_object_get_string(json_object_array_get_idx(types, i)), inst))
            return;
    verror(v, path, "not of any type in %s", json_object_to_json_string(types));
}

static bool is_exempt(struct json_object *inst)
{
    if (!json_object_is_type(inst, json_type_string))
        return false;
    for (int i = 0; deliberately_unknown[i]; i++)
        if (strcmp(json_object_get_string(inst), deliberately_unknown[i]) == 0)
            return true;
    return false;
}

static void check_enum(vctx *v, struct json_object *en, struct json_object *inst, const char *path)
{
    for (size_t i = 0; i < json_object_array_length(en); i++)
        if (json_object_equal(json_object_array_get_idx(en, i), inst))
            return;
    if (is_exempt(inst))
        v->unknown_enum++;
    else
        verror(v, path, "value %s not in the enum", json_object_to_json_string(inst));
}

static void validate(vctx *v, struct json_object *schema, struct json_object *inst,
                     const char *path, bool property);

static void check_properties(vctx *v, struct json_object *props, struct json_object *inst,
                             const char *path)
{
    json_object_object_foreach(inst, key, val) {
        struct json_object *sub;
        if (!json_object_object_get_ex(props, key, &sub))
            continue;   /* additionalProperties: ignored */
        char p[512];
        snprintf(p, sizeof p, "%s.%s", path, key);
        validate(v, sub, val, p, true);
    }
}

/* SCALEKIT-API.md: a missing key, null and "" all mean absent; skemu sends all three on
 * purpose, so where a property may be absent they are accepted (and counted). */
static bool absent_form(vctx *v, struct json_object *inst)
{
    if (json_object_is_type(inst, json_type_null) ||
        (json_object_is_type(inst, json_type_string) && json_object_get_string_len(inst) == 0)) {
        v->absent_forms++;
        return true;
    }
    return false;
}

static void validate(vctx *v, struct json_object *schema, struct json_object *inst,
                     const char *path, bool property)
{
    if (!json_object_is_type(schema, json_type_object))
        return;
    struct json_object *k;
    if (property && absent_form(v, inst))
        return;
    if (json_object_object_get_ex(schema, "$ref", &k)) {
        struct json_object *target = resolve(v->root, json_object_get_string(k));
        if (!target)
            verror(v, path, "unresolvable $ref %s", json_object_get_string(k));
        else
            validate(v, target, inst, path, false);
    }
    if (json_object_object_get_ex(schema, "type", &k))
        check_type(v, k, inst, path);
    if (json_object_object_get_ex(schema, "enum", &k) && json_object_is_type(k, json_type_array))
        check_enum(v, k, inst, path);
    if (json_object_object_get_ex(schema, "format", &k) &&
        strcmp(json_object_get_string(k), "date-time") == 0 &&
        json_object_is_type(inst, json_type_string) && !is_rfc3339(json_object_get_string(inst)))
        verror(v, path, "not an RFC 3339 date-time: %s", json_object_get_string(inst));
    if (json_object_object_get_ex(schema, "properties", &k) &&
        json_object_is_type(inst, json_type_object))
        check_properties(v, k, inst, path);
    if (json_object_object_get_ex(schema, "items", &k) &&
        json_object_is_type(inst, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(inst); i++) {
            char p[512];
            snprintf(p, sizeof p, "%s[%zu]", path, i);
            validate(v, k, json_object_array_get_idx(inst, i), p, false);
        }
    }
}

/* Validate a body (text) against a schema; returns the context for assertions. */
static vctx validate_body(struct json_object *schema, const char *body)
{
    vctx v = { .root = spec };
    struct json_object *inst = json_tokener_parse(body);
    if (!inst) {
        v.errors = 1;
        snprintf(v.first, sizeof v.first, "body is not JSON: %.200s", body);
        return v;
    }
    validate(&v, schema, inst, "", false);
    json_object_put(inst);
    return v;
}

static void assert_valid(const vctx *v, const char *what)
{
    if (v->errors)
        fprintf(stderr, "%s: %d schema error(s), first: %s\n", what, v->errors, v->first);
    assert_int_equal(v->errors, 0);
}

/* The 200/201 response schema of METHOD PATH in the spec. */
static struct json_object *response_schema(const char *path, const char *method, const char *code)
{
    struct json_object *paths, *p, *op, *resps, *r, *content, *json, *schema;
    assert_true(json_object_object_get_ex(spec, "paths", &paths));
    assert_true(json_object_object_get_ex(paths, path, &p));
    assert_true(json_object_object_get_ex(p, method, &op));
    assert_true(json_object_object_get_ex(op, "responses", &resps));
    assert_true(json_object_object_get_ex(resps, code, &r));
    assert_true(json_object_object_get_ex(r, "content", &content));
    assert_true(json_object_object_get_ex(content, "application/json", &json));
    assert_true(json_object_object_get_ex(json, "schema", &schema));
    return schema;
}

/* ------------------------------------------------------------------ HTTP to skemu */

/* METHOD on skemu's PATH with the token of the setup (none before it has one). */
static long http(const char *method, const char *path, const char *json_body, bool form,
                 char **out)
{
    char url[2048];
    snprintf(url, sizeof url, "%s%s", emu.url, path);
    return direct_http(method, url, bearer, json_body, form ? DIRECT_FORM : 0, out);
}

static const char *jstr(struct json_object *o, const char *key)
{
    struct json_object *v;
    if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/* ------------------------------------------------------------------ setup */

static int group_setup(void **state)
{
    (void)state;
    const char *path = getenv("SKDASH_OPENAPI");
    if (!path || !*path || access(path, R_OK) != 0) {
        fprintf(stderr, "contract: the OpenAPI file ($SKDASH_OPENAPI=%s) is absent: "
                        "contract tests are skipped\n", path ? path : "");
        return 0;
    }
    spec = json_object_from_file(path);
    if (!spec) {
        fprintf(stderr, "contract: %s is not JSON\n", path);
        return -1;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const char *args[] = { "--generate", "120", "--connections", "4", "--seed", "11", NULL };
    if (skemu_start(&emu, args) != 0)
        return -1;
    emu_up = true;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (emu_up)
        skemu_stop(&emu);
    if (spec) {
        json_object_put(spec);
        curl_global_cleanup();
    }
    free(bearer);
    return 0;
}

#define NEED_SPEC() do { if (!spec) { fprintf(stderr, "no OpenAPI file: skipped\n"); skip(); } } while (0)

/* ------------------------------------------------------------------ the validator itself */

static void test_validator_rejects(void **state)
{
    (void)state;
    NEED_SPEC();
    struct json_object *list = response_schema("/api/v1/connected_accounts", "get", "200");
    vctx v = validate_body(list, "{\"connected_accounts\":[{\"id\":\"ca_1\",\"status\":\"ACTIVE\","
                                 "\"updated_at\":\"2025-04-16T06:56:05.367190455Z\"}],"
                                 "\"total_size\":1,\"next_page_token\":\"\"}");
    assert_valid(&v, "good list");
    v = validate_body(list, "{\"connected_accounts\":[],\"total_size\":\"1\"}");
    assert_int_not_equal(v.errors, 0);
    v = validate_body(list, "{\"connected_accounts\":[{\"updated_at\":\"2025-13-16T06:56:05Z\"}]}");
    assert_int_not_equal(v.errors, 0);
    v = validate_body(list, "{\"connected_accounts\":[{\"status\":\"SLEEPING\"}]}");
    assert_int_not_equal(v.errors, 0);
    v = validate_body(list, "{\"connected_accounts\":[{\"status\":\"SUSPENDED\"}]}");
    assert_int_equal(v.errors, 0);
    assert_int_equal(v.unknown_enum, 1);
    v = validate_body(list, "{\"connected_accounts\":{\"id\":1}}");
    assert_int_not_equal(v.errors, 0);
    v = validate_body(list, "[1,2]");
    assert_int_not_equal(v.errors, 0);
    assert_true(is_rfc3339("2025-04-16T06:56:05+02:00"));
    assert_false(is_rfc3339("2025-04-16 06:56:05Z"));
    assert_false(is_rfc3339("2025-04-16T06:56:05"));
}

/* ------------------------------------------------------------------ endpoints */

static void test_token_shape(void **state)
{
    (void)state;
    NEED_SPEC();
    /* Not in the OpenAPI file: the shape SCALEKIT-API.md gives, as a schema. */
    struct json_object *schema = json_tokener_parse(
        "{\"type\":\"object\",\"properties\":{\"access_token\":{\"type\":\"string\"},"
        "\"token_type\":{\"type\":\"string\"},\"expires_in\":{\"type\":\"integer\"},"
        "\"scope\":{\"type\":\"string\"}}}");
    char *b;
    free(bearer);
    bearer = NULL;
    long st = http("POST", "/oauth/token",
                   "grant_type=client_credentials&client_id=" SKEMU_DEMO_CLIENT_ID
                   "&client_secret=" SKEMU_DEMO_CLIENT_SECRET, true, &b);
    assert_int_equal(st, 200);
    vctx v = validate_body(schema, b);
    assert_valid(&v, "token");
    assert_int_equal(v.absent_forms, 0);
    struct json_object *o = json_tokener_parse(b), *x;
    assert_non_null(jstr(o, "access_token"));
    assert_true(strlen(jstr(o, "access_token")) > 0);
    assert_int_equal(strcasecmp(jstr(o, "token_type"), "Bearer"), 0);
    assert_true(json_object_object_get_ex(o, "expires_in", &x) && json_object_get_int64(x) > 0);
    bearer = strdup(jstr(o, "access_token"));
    json_object_put(o);
    json_object_put(schema);
    free(b);
    /* A wrong secret is refused (RFC 6749 style body, 401). */
    st = http("POST", "/oauth/token",
              "grant_type=client_credentials&client_id=skc_demo&client_secret=wrong", true, &b);
    assert_int_equal(st, 401);
    free(b);
}

static void ensure_token(void)
{
    if (!bearer)
        test_token_shape(NULL);
}

/* Every page of the listing validates; returns the accounts (a new array). */
static struct json_object *list_all_validated(void)
{
    struct json_object *schema = response_schema("/api/v1/connected_accounts", "get", "200");
    struct json_object *all = json_object_new_array();
    char token[256] = "";
    for (int guard = 0; guard < 500; guard++) {
        char path[512], *b;
        snprintf(path, sizeof path, "/api/v1/connected_accounts?page_size=40%s%s",
                 token[0] ? "&page_token=" : "", token);
        assert_int_equal(http("GET", path, NULL, false, &b), 200);
        vctx v = validate_body(schema, b);
        assert_valid(&v, path);
        struct json_object *o = json_tokener_parse(b), *arr;
        assert_true(json_object_object_get_ex(o, "connected_accounts", &arr));
        for (size_t i = 0; i < json_object_array_length(arr); i++)
            json_object_array_add(all, json_object_get(json_object_array_get_idx(arr, i)));
        const char *nt = jstr(o, "next_page_token");
        char *enc = curl_easy_escape(NULL, nt ? nt : "", 0);
        snprintf(token, sizeof token, "%s", enc);
        curl_free(enc);
        json_object_put(o);
        free(b);
        if (!token[0])
            break;
    }
    return all;
}

static void test_list_and_search(void **state)
{
    (void)state;
    NEED_SPEC();
    ensure_token();
    struct json_object *all = list_all_validated();
    assert_int_equal(json_object_array_length(all), 120);
    /* search: three letters of a plain identifier */
    const char *ident = NULL;
    for (size_t i = 0; i < json_object_array_length(all) && !ident; i++) {
        const char *s = jstr(json_object_array_get_idx(all, i), "identifier");
        if (s && strncmp(s, "user_", 5) != 0 && strlen(s) > 4 && isalpha((unsigned char)s[0]))
            ident = s;
    }
    assert_non_null(ident);
    char path[256], q[4] = { ident[0], ident[1], ident[2], 0 }, *b;
    snprintf(path, sizeof path, "/api/v1/connected_accounts:search?query=%s&page_size=30", q);
    assert_int_equal(http("GET", path, NULL, false, &b), 200);
    vctx v = validate_body(response_schema("/api/v1/connected_accounts:search", "get", "200"), b);
    assert_valid(&v, "search");
    struct json_object *o = json_tokener_parse(b), *arr;
    assert_true(json_object_object_get_ex(o, "connected_accounts", &arr));
    assert_true(json_object_array_length(arr) >= 1);
    json_object_put(o);
    free(b);
    json_object_put(all);
}

static void test_status_values(void **state)
{
    (void)state;
    NEED_SPEC();
    ensure_token();
    struct json_object *all = list_all_validated();
    struct json_object *en = resolve(spec, "#/components/schemas/connected_accountsConnectorStatus");
    assert_non_null(en);
    assert_true(json_object_object_get_ex(en, "enum", &en));
    size_t n_enum = json_object_array_length(en);
    bool *seen = calloc(n_enum, sizeof *seen);
    for (size_t i = 0; i < json_object_array_length(all); i++) {
        const char *st = jstr(json_object_array_get_idx(all, i), "status");
        if (!st || !*st)
            continue;   /* absent on purpose */
        bool known = false;
        for (size_t k = 0; k < n_enum; k++) {
            if (strcmp(st, json_object_get_string(json_object_array_get_idx(en, k))) == 0)
                known = seen[k] = true;
        }
        bool exempt = false;
        for (int k = 0; deliberately_unknown[k]; k++)
            exempt |= strcmp(st, deliberately_unknown[k]) == 0;
        if (!known && !exempt)
            fprintf(stderr, "status %s is neither in the spec nor deliberately unknown\n", st);
        assert_true(known || exempt);
    }
    /* skemu represents every status the spec knows. */
    for (size_t k = 0; k < n_enum; k++)
        assert_true(seen[k]);
    free(seen);
    json_object_put(all);
}

static struct json_object *first_account(void)
{
    char *b;
    assert_int_equal(http("GET", "/api/v1/connected_accounts?page_size=5", NULL, false, &b), 200);
    struct json_object *o = json_tokener_parse(b), *arr;
    free(b);
    assert_true(json_object_object_get_ex(o, "connected_accounts", &arr));
    struct json_object *a = json_object_get(json_object_array_get_idx(arr, 0));
    json_object_put(o);
    return a;
}

static void test_details(void **state)
{
    (void)state;
    NEED_SPEC();
    ensure_token();
    struct json_object *a = first_account();
    struct json_object *schema =
        response_schema("/api/v1/connected_accounts/details", "get", "200");
    char path[1024], *b;
    snprintf(path, sizeof path, "/api/v1/connected_accounts/details?id=%s", jstr(a, "id"));
    assert_int_equal(http("GET", path, NULL, false, &b), 200);
    vctx v = validate_body(schema, b);
    assert_valid(&v, "details by id");
    free(b);
    char *c = curl_easy_escape(NULL, jstr(a, "connector"), 0);
    char *i = curl_easy_escape(NULL, jstr(a, "identifier"), 0);
    snprintf(path, sizeof path, "/api/v1/connected_accounts/details?connector=%s&identifier=%s",
             c, i);
    curl_free(c);
    curl_free(i);
    assert_int_equal(http("GET", path, NULL, false, &b), 200);
    v = validate_body(schema, b);
    assert_valid(&v, "details by connector and identifier");
    struct json_object *o = json_tokener_parse(b), *acc;
    assert_true(json_object_object_get_ex(o, "connected_account", &acc));
    assert_string_equal(jstr(acc, "id"), jstr(a, "id"));
    json_object_put(o);
    free(b);
    json_object_put(a);
}

static void test_create_update_link_delete(void **state)
{
    (void)state;
    NEED_SPEC();
    ensure_token();
    struct json_object *a = first_account();
    char req[1024], *b;
    snprintf(req, sizeof req,
             "{\"connector\":\"%s\",\"identifier\":\"contract-%d@example.com\","
             "\"connected_account\":{\"api_config\":{\"timeout\":30}}}",
             jstr(a, "connector"), (int)getpid());
    long st = http("POST", "/api/v1/connected_accounts", req, false, &b);
    assert_true(st == 201 || st == 200);
    vctx v = validate_body(response_schema("/api/v1/connected_accounts", "post", "201"), b);
    assert_valid(&v, "create");
    struct json_object *o = json_tokener_parse(b), *acc;
    assert_true(json_object_object_get_ex(o, "connected_account", &acc));
    char id[128];
    snprintf(id, sizeof id, "%s", jstr(acc, "id"));
    json_object_put(o);
    free(b);
    /* Creating it again conflicts. */
    assert_int_equal(http("POST", "/api/v1/connected_accounts", req, false, &b), 409);
    free(b);

    snprintf(req, sizeof req, "{\"id\":\"%s\",\"connected_account\":{\"api_config\":"
                              "{\"rate_limit\":1000}}}", id);
    assert_int_equal(http("PUT", "/api/v1/connected_accounts", req, false, &b), 200);
    v = validate_body(response_schema("/api/v1/connected_accounts", "put", "200"), b);
    assert_valid(&v, "update");
    free(b);

    snprintf(req, sizeof req, "{\"id\":\"%s\"}", id);
    assert_int_equal(http("POST", "/api/v1/connected_accounts/magic_link", req, false, &b), 200);
    v = validate_body(response_schema("/api/v1/connected_accounts/magic_link", "post", "200"), b);
    assert_valid(&v, "magic_link");
    o = json_tokener_parse(b);
    assert_non_null(jstr(o, "link"));
    assert_true(is_rfc3339(jstr(o, "expiry")));
    json_object_put(o);
    free(b);

    assert_int_equal(http("POST", "/api/v1/connected_accounts:delete", req, false, &b), 200);
    v = validate_body(response_schema("/api/v1/connected_accounts:delete", "post", "200"), b);
    assert_valid(&v, "delete");
    o = json_tokener_parse(b);
    assert_true(json_object_is_type(o, json_type_object));
    json_object_put(o);
    free(b);
    assert_int_equal(http("POST", "/api/v1/connected_accounts:delete", req, false, &b), 404);
    free(b);
    json_object_put(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validator_rejects),
        cmocka_unit_test(test_token_shape),
        cmocka_unit_test(test_list_and_search),
        cmocka_unit_test(test_status_values),
        cmocka_unit_test(test_details),
        cmocka_unit_test(test_create_update_link_delete),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
