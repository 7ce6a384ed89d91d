/* test_parse.c: every parser of parse.h, jscan.c's fast path, parse_error.h and RFC 3339 times
 * (sk_time.h) fed good and hostile bodies: wrong types, nulls, "", missing keys, truncated and
 * non-JSON input, huge and non-UTF-8 strings, bad timestamps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parse.h"
#include "arena.h"
#include "parse_error.h"
#include "sk_time.h"

#define LEN(s) (sizeof(s) - 1)

static void assert_page_same(const char *body, size_t len);   /* fast path == json-c */

/* ---------------------------------------------------------------- timestamps */

static void test_rfc3339_valid(void **st)
{
    (void)st;
    assert_int_equal(time_parse_rfc3339("2025-04-16T06:56:05Z"), 1744786565);
    assert_int_equal(time_parse_rfc3339("2025-04-16T06:56:05.3Z"), 1744786565);
    assert_int_equal(time_parse_rfc3339("2025-04-16T06:56:05.367Z"), 1744786565);
    assert_int_equal(time_parse_rfc3339("2025-04-16T06:56:05.367190Z"), 1744786565);
    assert_int_equal(time_parse_rfc3339("2025-04-16T06:56:05.367190455Z"), 1744786565);
    assert_int_equal(time_parse_rfc3339("2025-04-16T08:56:05+02:00"), 1744786565);
    assert_int_equal(time_parse_rfc3339("2025-04-16T01:26:05.5-05:30"), 1744786565);
    assert_int_equal(time_parse_rfc3339("1970-01-01T00:00:00Z"), 0);
    assert_int_equal(time_parse_rfc3339("1969-12-31T23:59:59Z"), -1);
    assert_int_equal(time_parse_rfc3339("2024-02-29T23:59:59Z"), 1709251199);
    assert_int_equal(time_parse_rfc3339("2000-03-01T00:00:00Z"), 951868800);
    assert_int_equal(time_parse_rfc3339("9999-12-31T23:59:59Z"), 253402300799LL);
    /* Issue #12: what servers write besides strict RFC 3339 reads the same instant. */
    assert_int_equal(time_parse_rfc3339("2025-04-16 06:56:05Z"), 1744786565);
    assert_int_equal(time_parse_rfc3339("2025-04-16 06:56:05.250126+00:00"), 1744786565);
    assert_int_equal(time_parse_rfc3339("2025-04-16T06:56:05+0000"), 1744786565);
    assert_int_equal(time_parse_rfc3339("2025-04-16T06:56:05+00"), 1744786565);
    assert_int_equal(time_parse_rfc3339("2025-04-16T08:56:05+0200"), 1744786565);
    assert_int_equal(time_parse_rfc3339("2025-04-16T04:56:05-02"), 1744786565);
    assert_int_equal(time_parse_rfc3339("2025-04-16T06:56:05.1234567890123Z"), 1744786565);
    assert_int_equal(time_parse_rfc3339("2025-04-16t06:56:05z"), 1744786565);
    assert_int_equal(time_parse_rfc3339("2025-04-16"), 1744761600);   /* midnight UTC */
    assert_int_equal(time_parse_rfc3339("2024-02-29"), 1709164800);
    /* Scalekit's webhook example, as it is written there. */
    assert_int_equal(time_parse_rfc3339("2025-12-02 05:59:59.250126+00:00"), 1764655199);
}

/* Cross-check days-from-civil against the C library's timegm over many dates. */
static void test_rfc3339_matches_timegm(void **st)
{
    (void)st;
    for (int y = 1900; y <= 2200; y += 7) {
        for (int m = 1; m <= 12; m++) {
            char s[64];
            int d = (y + m) % 28 + 1;
            snprintf(s, sizeof s, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, m, d, (y % 60));
            struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d,
                             .tm_hour = m, .tm_min = d, .tm_sec = y % 60 };
            assert_int_equal(time_parse_rfc3339(s), (int64_t)timegm(&tm));
        }
    }
}

static void test_rfc3339_invalid(void **st)
{
    (void)st;
    const char *bad[] = {
        "", "garbage", "2025-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2025-04-31T00:00:00Z",
        "2025-04-16T25:00:00Z", "2025-04-16T24:00:00Z", "2025-04-16T06:60:00Z",
        "2025-04-16T06:56:61Z", "2025-13-01T00:00:00Z", "2025-00-01T00:00:00Z",
        "2025-01-00T00:00:00Z", "2025-04-16T06:56:05", "2025-04-16 06:56:05",
        "2025-04-16T06:56:05.Z", "2025-04-16T06:56:05ZZ", "2025-04-16 ", "2025-04-16T",
        "2025-04-16  06:56:05Z", "2025-04-16T06:56:05+0", "2025-04-16T06:56:05+020",
        "2025-04-16T06:56:05+02:0", "2025-04-16T06:56:05+2400", "2025-04-16T06:56:05 +00:00",
        "2025-04-16X06:56:05Z", "2025-02-30", "2025-04-16T06:56:05.+00:00",
        "2025-04-16T06:56:05+2:00", "2025-04-16T06:56:05+24:00", "2025-04-16T06:56:05+02:60",
        "2025-4-16T06:56:05Z", "25-04-16T06:56:05Z", "2025-04-16T06:56Z", "+2025-04-16T06:56:05Z",
        "2025-04-16T06:56:05Z ", "１２３４-04-16T06:56:05Z", "2025-04-16T06:56:05.12a4Z",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (time_parse_rfc3339(bad[i]) != SK_TIME_ABSENT)
            fail_msg("accepted bad timestamp \"%s\"", bad[i]);
    }
    assert_true(time_parse_rfc3339(NULL) == SK_TIME_ABSENT);
}

/* time_parse_rfc3339n reads n bytes with no NUL after them (jscan.c hands it times where they
 * lie in a body): over every form above, every prefix of each and a byte after the end that a
 * C string reader would take, it reads what time_parse_rfc3339 reads of the same text. */
static void test_rfc3339_counted(void **st)
{
    (void)st;
    static const char *const forms[] = {
        "2025-04-16T06:56:05Z", "2025-04-16T06:56:05.367190455Z", "2025-04-16T08:56:05+02:00",
        "2025-04-16T01:26:05.5-05:30", "1969-12-31T23:59:59Z", "2024-02-29T23:59:59Z",
        "9999-12-31T23:59:59Z", "2025-04-16 06:56:05.250126+00:00", "2025-04-16T06:56:05+0000",
        "2025-04-16T06:56:05+00", "2025-04-16t06:56:05z", "2025-04-16", "2025-02-30T00:00:00Z",
        "2025-04-16T24:00:00Z", "2025-04-16T06:60:00Z", "2025-04-16T06:56:61Z",
        "2025-13-01T00:00:00Z", "2025-04-16T06:56:05.Z", "2025-04-16T06:56:05ZZ",
        "2025-04-16T06:56:05+2400", "2025-04-16X06:56:05Z", "2025-4-16T06:56:05Z",
        "2025-04-16T06:56:05.12a4Z", "2O25-04-16T06:56:05Z", "2025-04-16T06:5x:05Z", "garbage",
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        size_t n = strlen(forms[i]);
        for (size_t k = 0; k <= n; k++) {
            char *exact = malloc(k + 1);   /* ASan sees any read past k */
            assert_non_null(exact);
            memcpy(exact, forms[i], k);
            exact[k] = '\0';
            int64_t want = time_parse_rfc3339(exact);
            if (time_parse_rfc3339n(exact, k) != want)
                fail_msg("\"%.*s\" read otherwise when counted", (int)k, forms[i]);
            exact[k] = '9';   /* past the end: not part of the time */
            if (time_parse_rfc3339n(exact, k) != want)
                fail_msg("\"%.*s\" read a byte past its end", (int)k, forms[i]);
            free(exact);
        }
    }
    assert_true(time_parse_rfc3339n("2025-04-16\0T06:56:05Z", 21) == SK_TIME_ABSENT);
    assert_true(time_parse_rfc3339n(NULL, 5) == SK_TIME_ABSENT);
}

/* ---------------------------------------------------------------- token */

static void test_token_ok(void **st)
{
    (void)st;
    const char b[] = "{\"access_token\":\"eyJabc\",\"token_type\":\"Bearer\",\"expires_in\":86399,"
                     "\"scope\":\"openid\"}";
    sk_token t;
    sk_error e;
    sk_error_clear(&e);
    assert_int_equal(parse_token(b, LEN(b), &t, &e), SK_OK);
    assert_string_equal(t.access_token, "eyJabc");
    assert_string_equal(t.token_type, "Bearer");
    assert_int_equal(t.expires_in, 86399);
    parse_token_free(&t);
    assert_null(t.access_token);
}

static void test_token_hostile(void **st)
{
    (void)st;
    const char *bad[] = {
        "", "{", "[]", "\"eyJ\"", "null", "{}", "{\"access_token\":null}",
        "{\"access_token\":\"\"}", "{\"access_token\":42}", "{\"access_token\":[\"x\"]}",
        "{\"access_token\":{\"a\":1}}", "<html>502</html>", "{\"access_token\":\"x\"} trailing",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sk_token t;
        sk_error e;
        sk_error_clear(&e);
        if (parse_token(bad[i], strlen(bad[i]), &t, &e) != SK_ERR_PARSE)
            fail_msg("token body %zu accepted: %s", i, bad[i]);
        assert_null(t.access_token);
        assert_true(e.message[0] != '\0');
    }
    /* Wrong-typed expires_in is absent, not fatal. */
    const char b[] = "{\"access_token\":\"t\",\"expires_in\":\"soon\",\"token_type\":7}";
    sk_token t;
    sk_error e;
    assert_int_equal(parse_token(b, LEN(b), &t, &e), SK_OK);
    assert_int_equal(t.expires_in, 0);
    assert_string_equal(t.token_type, "Bearer");
    parse_token_free(&t);
}

/* ---------------------------------------------------------------- account pages */

static void test_page_ok(void **st)
{
    (void)st;
    const char b[] =
        "{\"connected_accounts\":[{\"id\":\"ca_1\",\"identifier\":\"a+b@example.com\","
        "\"connector\":\"gmail\",\"connection_id\":\"conn_9\",\"provider\":\"GMAIL\","
        "\"status\":\"ACTIVE\",\"authorization_type\":\"OAUTH\","
        "\"token_expires_at\":\"2025-04-16T06:56:05.367190455Z\","
        "\"updated_at\":\"2025-04-16T06:56:05Z\",\"last_used_at\":null,\"extra\":{\"x\":[1]}},"
        "{\"id\":\"ca_2\",\"status\":\"PENDING_VERIFICATION\"}],"
        "\"total_size\":2,\"next_page_token\":\"tok2\",\"prev_page_token\":\"\"}";
    sk_account_page p;
    sk_error e;
    sk_error_clear(&e);
    assert_int_equal(parse_account_page(b, LEN(b), &p, &e), SK_OK);
    assert_int_equal(p.n, 2);
    assert_int_equal(p.total_size, 2);
    assert_string_equal(p.next_page_token, "tok2");
    const sk_account *a = &p.rows[0];
    assert_string_equal(a->id, "ca_1");
    assert_string_equal(a->identifier, "a+b@example.com");
    assert_string_equal(a->connector, "gmail");
    assert_string_equal(a->connection_id, "conn_9");
    assert_string_equal(a->provider, "GMAIL");
    assert_string_equal(a->status, "ACTIVE");
    assert_string_equal(a->authorization_type, "OAUTH");
    assert_int_equal(a->state, SK_STATE_ACTIVE);
    assert_int_equal(a->token_expires_at, 1744786565);
    assert_int_equal(a->updated_at, 1744786565);
    assert_true(a->last_used_at == SK_TIME_ABSENT);
    assert_int_equal(p.rows[1].state, SK_STATE_PENDING);
    assert_null(p.rows[1].identifier);
    assert_true(p.rows[1].updated_at == SK_TIME_ABSENT);
    parse_account_page_free(&p);
}

/* Every field with every wrong type: absent, never a crash; the row is still there. */
static void test_page_wrong_types(void **st)
{
    (void)st;
    const char *fields[] = { "id", "identifier", "connector", "connection_id", "provider", "status",
                             "authorization_type", "token_expires_at", "updated_at",
                             "last_used_at" };
    const char *values[] = { "42", "-1.5", "true", "null", "\"\"", "[\"x\"]", "{\"a\":\"b\"}",
                             "[]", "{}" };
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
        for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
            char b[256];
            int n = snprintf(b, sizeof b,
                             "{\"connected_accounts\":[{\"id\":\"ca_x\",\"%s\":%s}],"
                             "\"total_size\":%s,\"next_page_token\":%s}",
                             fields[f], values[v], values[v],
                             values[v][0] == '"' || values[v][0] == 'n' ? values[v] : "null");
            sk_account_page p;
            sk_error e;
            sk_error_clear(&e);
            assert_int_equal(parse_account_page(b, (size_t)n, &p, &e), SK_OK);
            assert_int_equal(p.n, 1);
            assert_null(p.next_page_token);
            assert_int_equal(p.total_size, strcmp(values[v], "42") == 0 ? 42 : -1);
            const sk_account *a = &p.rows[0];
            if (strcmp(fields[f], "id") != 0)
                assert_string_equal(a->id, "ca_x");
            else
                assert_null(a->id);
            assert_null(a->identifier);
            assert_null(a->status);
            assert_int_equal(a->state, SK_STATE_ERROR);
            assert_true(a->token_expires_at == SK_TIME_ABSENT);
            assert_true(a->updated_at == SK_TIME_ABSENT);
            parse_account_page_free(&p);
        }
    }
    /* Issue #12: a next_page_token of another type would read as "the last page" and end the
     * listing early, looking complete: the page is refused as damaged (and asked again). */
    for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
        if (values[v][0] == '"' || values[v][0] == 'n')
            continue;
        char b[128];
        int n = snprintf(b, sizeof b, "{\"connected_accounts\":[],\"next_page_token\":%s}",
                         values[v]);
        sk_account_page p;
        sk_error e;
        sk_error_clear(&e);
        assert_int_equal(parse_account_page(b, (size_t)n, &p, &e), SK_ERR_PARSE);
        assert_non_null(strstr(e.message, "next_page_token"));
        assert_page_same(b, (size_t)n);
    }
}

static void test_page_structure(void **st)
{
    (void)st;
    struct { const char *body; sk_status want; size_t n; } cases[] = {
        { "", SK_ERR_PARSE, 0 },
        { "   ", SK_ERR_PARSE, 0 },
        { "[]", SK_ERR_PARSE, 0 },
        { "[{\"id\":\"ca_1\"}]", SK_ERR_PARSE, 0 },
        { "42", SK_ERR_PARSE, 0 },
        { "\"connected_accounts\"", SK_ERR_PARSE, 0 },
        { "null", SK_ERR_PARSE, 0 },
        { "{\"connected_accounts\":[{\"id\":\"ca_1\"}", SK_ERR_PARSE, 0 },   /* truncated */
        { "{\"connected_accounts\":[{\"id\":\"ca_1\"}]}}", SK_ERR_PARSE, 0 }, /* trailing */
        { "{\"connected_accounts\":{\"id\":\"ca_1\"}}", SK_ERR_PARSE, 0 },
        { "{\"connected_accounts\":\"ca_1\"}", SK_ERR_PARSE, 0 },
        { "{\"connected_accounts\":7}", SK_ERR_PARSE, 0 },
        { "<html><body>Bad gateway</body></html>", SK_ERR_PARSE, 0 },
        { "{}", SK_OK, 0 },
        { "{\"connected_accounts\":null}", SK_OK, 0 },
        { "{\"connected_accounts\":[]}", SK_OK, 0 },
        { "{\"connected_accounts\":[1,\"x\",null,[],true,{\"id\":\"ca_1\"}]}", SK_OK, 1 },
        { "{\"connected_accounts\":[{}]}", SK_OK, 1 },
        { " {\"connected_accounts\":[]}\n", SK_OK, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sk_account_page p;
        sk_error e;
        sk_error_clear(&e);
        sk_status s = parse_account_page(cases[i].body, strlen(cases[i].body), &p, &e);
        if (s != cases[i].want)
            fail_msg("case %zu (%s): got %d want %d", i, cases[i].body, s, cases[i].want);
        if (s == SK_OK) {
            assert_int_equal(p.n, cases[i].n);
            parse_account_page_free(&p);
        } else {
            assert_true(e.message[0] != '\0');
            assert_null(p.rows);
            assert_null(p.arena);
        }
    }
    /* NULL body with a length of 0. */
    sk_account_page p;
    sk_error e;
    assert_int_equal(parse_account_page(NULL, 0, &p, &e), SK_ERR_PARSE);
    /* A NUL byte is not JSON whitespace: after the object (once, or after blanks) it is
     * trailing data, as any other byte would be. */
    static const char nul_after[] = "{\"connected_accounts\":[]}\0";
    static const char nul_blank[] = "{\"connected_accounts\":[]}\n\0 ";
    assert_int_equal(parse_account_page(nul_after, sizeof nul_after - 1, &p, &e), SK_ERR_PARSE);
    assert_non_null(strstr(e.message, "trailing"));
    assert_int_equal(parse_account_page(nul_blank, sizeof nul_blank - 1, &p, &e), SK_ERR_PARSE);
    assert_int_equal(parse_account_page(nul_after, sizeof nul_after - 2, &p, &e), SK_OK);
    parse_account_page_free(&p);
}

/* Truncation at every byte of a valid page: an error or a page, never a crash. */
static void test_page_every_truncation(void **st)
{
    (void)st;
    const char b[] = "{\"connected_accounts\":[{\"id\":\"ca_1\",\"status\":\"ACTIVE\","
                     "\"updated_at\":\"2025-04-16T06:56:05Z\"}],\"total_size\":1}";
    for (size_t n = 0; n < LEN(b); n++) {
        sk_account_page p;
        sk_error e;
        sk_error_clear(&e);
        assert_int_equal(parse_account_page(b, n, &p, &e), SK_ERR_PARSE);
    }
}

static void test_page_unknown_status(void **st)
{
    (void)st;
    const char b[] = "{\"connected_accounts\":[{\"id\":\"ca_1\",\"status\":\"QUARANTINED_2027\"},"
                     "{\"id\":\"ca_2\",\"status\":\"CONNECTION_STATUS_UNSPECIFIED\"},"
                     "{\"id\":\"ca_3\",\"status\":\"DISCONNECTED\"},{\"id\":\"ca_4\"}]}";
    sk_account_page p;
    sk_error e;
    assert_int_equal(parse_account_page(b, LEN(b), &p, &e), SK_OK);
    assert_int_equal(p.n, 4);
    assert_string_equal(p.rows[0].status, "QUARANTINED_2027");
    assert_int_equal(p.rows[0].state, SK_STATE_ERROR);
    assert_string_equal(p.rows[1].status, "CONNECTION_STATUS_UNSPECIFIED");
    assert_int_equal(p.rows[1].state, SK_STATE_ERROR);
    assert_int_equal(p.rows[2].state, SK_STATE_REVOKED);
    assert_null(p.rows[3].status);
    assert_int_equal(p.rows[3].state, SK_STATE_ERROR);
    parse_account_page_free(&p);
}

static void test_page_huge_and_binary_strings(void **st)
{
    (void)st;
    size_t big = 1 << 20;
    size_t cap = big + 256;
    char *b = malloc(cap);
    assert_non_null(b);
    int pre = snprintf(b, cap, "{\"connected_accounts\":[{\"id\":\"ca_1\",\"identifier\":\"");
    memset(b + pre, 'x', big);
    int post = snprintf(b + pre + big, cap - pre - big, "\"}],\"total_size\":\"12\"}");
    sk_account_page p;
    sk_error e;
    assert_int_equal(parse_account_page(b, (size_t)pre + big + (size_t)post, &p, &e), SK_OK);
    assert_int_equal(p.n, 1);
    assert_int_equal(strlen(p.rows[0].identifier), big);
    assert_int_equal(p.total_size, 12);   /* int64 as a string, as grpc-gateway writes it */
    parse_account_page_free(&p);
    free(b);

    /* Bytes that are not UTF-8, escapes and control characters are kept as they are. */
    const char nb[] = "{\"connected_accounts\":[{\"id\":\"ca_\xff\xfe\",\"identifier\":"
                      "\"\xc3\x28\\u001b[31mred\\u202e\",\"connector\":\"g\xe2\x82\"}]}";
    assert_int_equal(parse_account_page(nb, LEN(nb), &p, &e), SK_OK);
    assert_int_equal(p.n, 1);
    assert_memory_equal(p.rows[0].id, "ca_\xff\xfe", 6);
    assert_memory_equal(p.rows[0].identifier, "\xc3\x28\x1b[31mred\xe2\x80\xae", 14);
    assert_string_equal(p.rows[0].connector, "g\xe2\x82");
    parse_account_page_free(&p);
}

static void test_deep_nesting(void **st)
{
    (void)st;
    size_t depth = 100000;
    char *b = malloc(depth * 2 + 64);
    assert_non_null(b);
    size_t n = (size_t)sprintf(b, "{\"connected_accounts\":");
    for (size_t i = 0; i < depth; i++)
        b[n++] = '[';
    for (size_t i = 0; i < depth; i++)
        b[n++] = ']';
    b[n++] = '}';
    sk_account_page p;
    sk_error e;
    assert_int_equal(parse_account_page(b, n, &p, &e), SK_ERR_PARSE);
    /* Nested junk inside a row's unknown field, within the parser's depth, is ignored. */
    n = (size_t)sprintf(b, "{\"connected_accounts\":[{\"id\":\"ca_1\",\"junk\":");
    for (size_t i = 0; i < 20; i++)
        n += (size_t)sprintf(b + n, "{\"a\":[");
    for (size_t i = 0; i < 20; i++)
        n += (size_t)sprintf(b + n, "]}");
    n += (size_t)sprintf(b + n, "}]}");
    assert_int_equal(parse_account_page(b, n, &p, &e), SK_OK);
    assert_int_equal(p.n, 1);
    parse_account_page_free(&p);
    free(b);
}

/* ---------------------------------------------------------------- one account */

#define SECRET_AT "ya29.SECRET-ACCESS-TOKEN-value"
#define SECRET_RT "1//SECRET-REFRESH-TOKEN-value"
#define SECRET_SA "SECRET-STATIC-API-KEY-value"

static void assert_no_secret(const char *s)
{
    if (!s)
        return;
    assert_null(strstr(s, "SECRET"));
}

static void test_detail_ok_and_no_secrets(void **st)
{
    (void)st;
    const char b[] =
        "{\"connected_account\":{\"id\":\"ca_1\",\"identifier\":\"u1\",\"connector\":\"gmail\","
        "\"status\":\"EXPIRED\",\"authorization_details\":{\"oauth_token\":{"
        "\"access_token\":\"" SECRET_AT "\",\"refresh_token\":\"" SECRET_RT "\","
        "\"scopes\":[\"read\",7,null,\"\",\"write\",{\"x\":1}],\"domain\":\"example.com\"},"
        "\"static_auth\":{\"details\":{\"api_key\":\"" SECRET_SA "\"}}},"
        "\"api_config\":{\"base_url\":\"https://x\",\"rate_limit\":1000}}}";
    sk_detail_result r;
    sk_error e;
    sk_error_clear(&e);
    assert_int_equal(parse_account_detail(b, LEN(b), &r, &e), SK_OK);
    assert_string_equal(r.d.a.id, "ca_1");
    assert_int_equal(r.d.a.state, SK_STATE_EXPIRED);
    assert_int_equal(r.d.n_scopes, 2);
    assert_string_equal(r.d.scopes[0], "read");
    assert_string_equal(r.d.scopes[1], "write");
    assert_string_equal(r.d.domain, "example.com");
    assert_non_null(r.d.api_config_json);
    assert_non_null(strstr(r.d.api_config_json, "\"rate_limit\":1000"));
    assert_no_secret(r.d.api_config_json);
    assert_no_secret(r.d.domain);
    const char *strs[] = { r.d.a.id, r.d.a.identifier, r.d.a.connector, r.d.a.connection_id,
                           r.d.a.provider, r.d.a.status, r.d.a.authorization_type };
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        assert_no_secret(strs[i]);
    parse_account_detail_free(&r);
}

/* The arena does not grow with the size of the secrets: they are never copied into it. */
static void test_detail_arena_holds_no_tokens(void **st)
{
    (void)st;
    size_t big = 200000;
    char *tok = malloc(big + 1);
    assert_non_null(tok);
    memset(tok, 'S', big);
    tok[big] = '\0';
    size_t cap = 3 * big + 512;
    char *b = malloc(cap);
    assert_non_null(b);
    size_t sizes[2];
    for (int pass = 0; pass < 2; pass++) {
        const char *t = pass ? tok : "S";
        int n = snprintf(b, cap,
                         "{\"connected_account\":{\"id\":\"ca_1\",\"authorization_details\":{"
                         "\"oauth_token\":{\"access_token\":\"%s\",\"refresh_token\":\"%s\","
                         "\"scopes\":[\"a\"]},\"static_auth\":{\"details\":{\"k\":\"%s\"}}}}}",
                         t, t, t);
        sk_detail_result r;
        sk_error e;
        assert_int_equal(parse_account_detail(b, (size_t)n, &r, &e), SK_OK);
        assert_int_equal(r.d.n_scopes, 1);
        sizes[pass] = arena_bytes(r.arena);
        parse_account_detail_free(&r);
    }
    assert_true(sizes[1] < sizes[0] + 1024);
    free(b);
    free(tok);
}

static void test_detail_hostile(void **st)
{
    (void)st;
    const char *bad[] = {
        "", "[]", "{}", "{\"connected_account\":null}", "{\"connected_account\":[]}",
        "{\"connected_account\":\"ca_1\"}", "{\"connected_account\":7}",
        "{\"connected_account\":{\"id\":\"ca_1\"", "not json at all",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sk_detail_result r;
        sk_error e;
        sk_error_clear(&e);
        if (parse_account_detail(bad[i], strlen(bad[i]), &r, &e) != SK_ERR_PARSE)
            fail_msg("detail body accepted: %s", bad[i]);
        assert_null(r.arena);
    }
    const char *odd[] = {
        "{\"connected_account\":{\"authorization_details\":[]}}",
        "{\"connected_account\":{\"authorization_details\":{\"oauth_token\":\"x\"}}}",
        "{\"connected_account\":{\"authorization_details\":{\"oauth_token\":{\"scopes\":\"read\","
        "\"domain\":[1]}}}}",
        "{\"connected_account\":{\"api_config\":\"{}\"}}",
        "{\"connected_account\":{\"api_config\":[1,2]}}",
        "{\"connected_account\":{\"api_config\":null,\"id\":null}}",
    };
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        sk_detail_result r;
        sk_error e;
        assert_int_equal(parse_account_detail(odd[i], strlen(odd[i]), &r, &e), SK_OK);
        assert_int_equal(r.d.n_scopes, 0);
        assert_null(r.d.domain);
        assert_null(r.d.api_config_json);
        assert_null(r.d.a.id);
        assert_int_equal(r.d.a.state, SK_STATE_ERROR);
        parse_account_detail_free(&r);
    }
}

/* ---------------------------------------------------------------- connections */

static void test_connections(void **st)
{
    (void)st;
    const char b[] =
        "{\"connections\":[{\"id\":\"conn_1\",\"key_id\":\"gmail\",\"provider_key\":\"GMAIL\","
        "\"type\":\"OAUTH\",\"status\":\"COMPLETED\",\"enabled\":true,"
        "\"created_at\":\"2025-04-16T06:56:05Z\"},"
        "{\"id\":5,\"key_id\":null,\"enabled\":\"yes\",\"created_at\":\"yesterday\"},\"junk\"],"
        "\"next_page_token\":\"n2\",\"total_size\":40}";
    sk_connection_page p;
    sk_error e;
    assert_int_equal(parse_connection_page(b, LEN(b), &p, &e), SK_OK);
    assert_int_equal(p.n, 2);
    assert_string_equal(p.rows[0].name, "gmail");
    assert_string_equal(p.rows[0].provider, "GMAIL");
    assert_string_equal(p.rows[0].type, "OAUTH");
    assert_string_equal(p.rows[0].status, "COMPLETED");
    assert_true(p.rows[0].enabled);
    assert_int_equal(p.rows[0].created_at, 1744786565);
    assert_null(p.rows[1].id);
    assert_null(p.rows[1].name);
    assert_false(p.rows[1].enabled);
    assert_true(p.rows[1].created_at == SK_TIME_ABSENT);
    assert_string_equal(p.next_page_token, "n2");
    assert_int_equal(p.total_size, 40);
    parse_connection_page_free(&p);

    const char *bad[] = { "", "[]", "{\"connections\":{}}", "{\"connections\":\"x\"}", "{" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(parse_connection_page(bad[i], strlen(bad[i]), &p, &e), SK_ERR_PARSE);
    assert_int_equal(parse_connection_page("{}", 2, &p, &e), SK_OK);
    assert_int_equal(p.n, 0);
    assert_null(p.next_page_token);
    parse_connection_page_free(&p);
}

/* ---------------------------------------------------------------- magic link */

static void test_link(void **st)
{
    (void)st;
    const char b[] = "{\"link\":\"https://x.example/magic?t=1\",\"expiry\":\"2025-04-16T06:56:05Z\"}";
    sk_link_result r;
    sk_error e;
    assert_int_equal(parse_link(b, LEN(b), &r, &e), SK_OK);
    assert_string_equal(r.l.link, "https://x.example/magic?t=1");
    assert_int_equal(r.l.expiry, 1744786565);
    parse_link_free(&r);

    const char nx[] = "{\"link\":\"https://x\",\"expiry\":12}";
    assert_int_equal(parse_link(nx, LEN(nx), &r, &e), SK_OK);
    assert_true(r.l.expiry == SK_TIME_ABSENT);
    parse_link_free(&r);

    const char *bad[] = { "", "{}", "{\"link\":\"\"}", "{\"link\":null}", "{\"link\":42}",
                          "{\"link\":[\"https://x\"]}", "[\"https://x\"]", "{\"link\":\"https" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sk_error_clear(&e);
        assert_int_equal(parse_link(bad[i], strlen(bad[i]), &r, &e), SK_ERR_PARSE);
        assert_null(r.arena);
        assert_true(e.message[0] != '\0');
    }
}

/* ---------------------------------------------------------------- error bodies */

static void assert_printable(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        assert_true(*p >= 0x20 && *p != 0x7f);
}

static void test_error_scalekit(void **st)
{
    (void)st;
    const char b[] = "{\"code\":5,\"message\":\"connected account not found\",\"details\":[{"
                     "\"@type\":\"type.googleapis.com/scalekit.v1.errdetails.ErrorInfo\","
                     "\"error_code\":\"NOT_FOUND\"}]}";
    sk_error e;
    parse_error_body(b, LEN(b), 404, &e);
    assert_int_equal(e.status, SK_ERR_NOT_FOUND);
    assert_int_equal(e.http_status, 404);
    assert_int_equal(e.grpc_code, 5);
    assert_string_equal(e.message, "HTTP 404: connected account not found (NOT_FOUND)");

    const char rl[] = "{\"code\":8,\"message\":\"slow down\",\"details\":[]}";
    parse_error_body(rl, LEN(rl), 429, &e);
    assert_int_equal(e.status, SK_ERR_API);
    assert_int_equal(e.grpc_code, 8);
    assert_string_equal(e.message, "HTTP 429: slow down");

    const char un[] = "{\"code\":16,\"message\":\"token expired\",\"details\":[7,{\"error_code\":"
                      "\"UNAUTHENTICATED\"}]}";
    parse_error_body(un, LEN(un), 401, &e);
    assert_int_equal(e.status, SK_ERR_AUTH);
    assert_string_equal(e.message, "HTTP 401: token expired (UNAUTHENTICATED)");
}

static void test_error_oauth(void **st)
{
    (void)st;
    const char b[] = "{\"error\":\"invalid_client\",\"error_description\":\"bad secret\"}";
    sk_error e;
    parse_error_body(b, LEN(b), 401, &e);
    assert_int_equal(e.status, SK_ERR_AUTH);
    assert_int_equal(e.grpc_code, -1);
    assert_string_equal(e.message, "HTTP 401: bad secret (invalid_client)");
    const char only[] = "{\"error\":\"invalid_grant\"}";
    parse_error_body(only, LEN(only), 400, &e);
    assert_int_equal(e.status, SK_ERR_API);
    assert_string_equal(e.message, "HTTP 400: invalid_grant");
}

static void test_error_not_json(void **st)
{
    (void)st;
    sk_error e;
    parse_error_body("", 0, 503, &e);
    assert_int_equal(e.status, SK_ERR_API);
    assert_int_equal(e.http_status, 503);
    assert_non_null(strstr(e.message, "503"));
    parse_error_body(NULL, 0, 404, &e);
    assert_int_equal(e.status, SK_ERR_NOT_FOUND);

    const char html[] = "<html>\r\n<h1>502 Bad Gateway</h1>\x1b]0;pwned\x07</html>";
    parse_error_body(html, LEN(html), 502, &e);
    assert_int_equal(e.status, SK_ERR_API);
    assert_non_null(strstr(e.message, "502"));
    assert_non_null(strstr(e.message, "Bad Gateway"));
    assert_printable(e.message);

    /* JSON of the wrong shape, wrong types and escapes in the message. */
    const char *odd[] = { "[1,2]", "{\"foo\":1}", "{\"message\":42,\"code\":\"x\"}", "null",
                          "{\"message\":\"\\u001b[2Jgone\\u0007\"}" };
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        parse_error_body(odd[i], strlen(odd[i]), 500, &e);
        assert_int_equal(e.status, SK_ERR_API);
        assert_int_equal(e.http_status, 500);
        assert_non_null(strstr(e.message, "500"));
        assert_printable(e.message);
    }

    /* A huge message is cut to fit, still one safe line. */
    size_t big = 100000;
    char *b = malloc(big + 64);
    assert_non_null(b);
    int n = sprintf(b, "{\"message\":\"");
    memset(b + n, 'm', big);
    n += (int)big;
    n += sprintf(b + n, "\\n\"}");
    parse_error_body(b, (size_t)n, 500, &e);
    assert_true(strlen(e.message) < sizeof e.message);
    assert_printable(e.message);
    memset(b, '\n', big);
    parse_error_body(b, big, 500, &e);
    assert_printable(e.message);
    free(b);
}

/* ---------------------------------------------------------------- fast path == json-c */

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* parse_account_page (its own reader for plain pages) and the json-c reference agree on the
 * status, the error text and every field of every row. */
static void assert_page_same(const char *body, size_t len)
{
    sk_account_page f, d;
    sk_error ef, ed;
    sk_error_clear(&ef);
    sk_error_clear(&ed);
    sk_status sf = parse_account_page(body, len, &f, &ef);
    sk_status sd = parse_account_page_dom(body, len, &d, &ed);
    assert_int_equal(sf, sd);
    if (sf != SK_OK) {
        assert_string_equal(ef.message, ed.message);
        return;
    }
    assert_int_equal(f.n, d.n);
    assert_true(same_str(f.next_page_token, d.next_page_token));
    assert_int_equal(f.total_size, d.total_size);
    assert_int_equal(f.bad_times, d.bad_times);
    for (size_t i = 0; i < f.n; i++) {
        const sk_account *a = &f.rows[i], *b = &d.rows[i];
        assert_true(same_str(a->id, b->id) && same_str(a->identifier, b->identifier));
        assert_true(same_str(a->connector, b->connector) &&
                    same_str(a->connection_id, b->connection_id));
        assert_true(same_str(a->provider, b->provider) && same_str(a->status, b->status));
        assert_true(same_str(a->authorization_type, b->authorization_type));
        assert_int_equal(a->token_expires_at, b->token_expires_at);
        assert_int_equal(a->updated_at, b->updated_at);
        assert_int_equal(a->last_used_at, b->last_used_at);
        assert_int_equal(a->state, b->state);
    }
    parse_account_page_free(&f);
    parse_account_page_free(&d);
}

/* Rows as skemu and the real API send them, and what an odd server might: escapes, \u
 * sequences, raw UTF-8, wrong types, nesting, duplicate keys, non-object rows. The fast path
 * reads all of this page itself. */
static const char odd_page[] =
    "{\"connected_accounts\": [\n"
    " {\"id\":\"ca_1\",\"identifier\":\"ann@example.com\",\"connector\":\"gmail\","
    "\"connection_id\":\"conn_1\",\"provider\":\"GOOGLE\",\"status\":\"ACTIVE\","
    "\"authorization_type\":\"OAUTH\",\"token_expires_at\":\"2026-01-02T03:04:05Z\","
    "\"updated_at\":\"2026-01-02T03:04:05.123456Z\",\"last_used_at\":\"\"},\n"
    " {\"id\":\"ca_2\",\"identifier\":\"Jos\\u00e9 \\\"q\\\" \\/ \\\\ \\b\\f\\n\\r\\t \xe5\xb1\xb1\","
    "\"status\":\"PENDING_AUTH\",\"token_expires_at\":null,\"updated_at\":5,\"extra\":"
    "{\"a\":[1,2.5,-3,true,false,null,{\"b\":\"c\"}],\"\\u0069d\":\"x\"},"
    "\"last_used_at\":\"2026-13-01T00:00:00Z\"},\n"
    " 7, null, \"row\", [1],\n"
    " {\"id\":\"ca_3\",\"id\":\"ca_3b\",\"identifier\":12,\"connector\":\"\",\"status\":{},"
    "\"provider\":[\"x\"],\"authorization_type\":\"\\u20ac\\u0041\"},\n"
    " {\"id\":\"ca_5\",\"status\":\"REVOKED\",\"updated_at\":\"2026-01-02T03:04:05+02:00\"},\n"
    " {}\n"
    "], \"next_page_token\":\"tok\\u002b1\", \"prev_page_token\":\"\", \"total_size\":\"42\"}";

/* What the fast path leaves to json-c: NUL and surrogate escapes (paired or not). */
static const char json_c_page[] =
    "{\"connected_accounts\":[{\"id\":\"ca_4\",\"identifier\":\"nul\\u0000byte\","
    "\"status\":\"\\ud83d\\ude00\",\"provider\":\"\\ud83d\",\"connector\":\"\\ude00x\"}],"
    "\"total_size\":3}";

static void test_fast_page_matches_json_c(void **st)
{
    (void)st;
    assert_page_same(odd_page, strlen(odd_page));
    assert_page_same(json_c_page, strlen(json_c_page));
    static const char *const pages[] = {
        "{}", "{\"connected_accounts\":null}", "{\"connected_accounts\":[]}",
        "{\"connected_accounts\":[],\"connected_accounts\":[{\"id\":\"ca_9\"}]}",
        "{\"connected_accounts\":[{\"id\":\"ca_9\"}],\"connected_accounts\":null}",
        "{\"connected_accounts\":{}}", "{\"connected_accounts\":\"x\"}", "[]", "\"x\"", "",
        "{\"total_size\":12}", "{\"total_size\":-1}", "{\"total_size\":-0}", "{\"total_size\":1.5}",
        "{\"total_size\":1e3}", "{\"total_size\":007}", "{\"total_size\":\"007\"}",
        "{\"total_size\":\"-5\"}", "{\"total_size\":\"1234567890123456789\"}",
        "{\"total_size\":123456789012345678901}", "{\"total_size\":true}",
        "{\"next_page_token\":\"\"}", "{\"next_page_token\":5}", "{} x", "{}  \r\n\t",
        "{\"a\":NaN}", "{\"a\":[1,]}", "{\"a\":1,}", "{'a':1}", "{\"a\":\"\x01\"}",
        "{\"connected_accounts\":[{\"id\":\"ca_1\"}]} {}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}",
    };
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++)
        assert_page_same(pages[i], strlen(pages[i]));
}

/* Issue #12: the forms servers write are read by both readers alike, and what neither can read
 * is counted (for --debug), a later duplicate key replacing the earlier value's count. */
static void test_page_times_read_and_counted(void **st)
{
    (void)st;
    static const char page[] =
        "{\"connected_accounts\":["
        "{\"id\":\"ca_1\",\"updated_at\":\"2025-12-02 05:59:59.250126+00:00\","
        "\"token_expires_at\":\"2025-12-02T05:59:59+0000\",\"last_used_at\":\"2025-12-02\"},"
        "{\"id\":\"ca_2\",\"updated_at\":\"yesterday\",\"token_expires_at\":\"\","
        "\"last_used_at\":\"2025-12-02T05:59:59\"},"
        "{\"id\":\"ca_3\",\"updated_at\":\"bad\",\"updated_at\":\"2025-12-02T05:59:59Z\","
        "\"last_used_at\":\"2025-12-02T05:59:59Z\",\"last_used_at\":\"bad\"}],"
        "\"total_size\":3}";
    assert_page_same(page, strlen(page));
    sk_account_page p;
    sk_error err;
    unsigned long before = time_unreadable_total();
    assert_int_equal(parse_account_page(page, strlen(page), &p, &err), SK_OK);
    assert_int_equal(p.n, 3);
    assert_int_equal(p.rows[0].updated_at, 1764655199);
    assert_int_equal(p.rows[0].token_expires_at, 1764655199);
    assert_int_equal(p.rows[0].last_used_at, 1764633600);
    assert_true(p.rows[1].updated_at == SK_TIME_ABSENT);
    assert_int_equal(p.rows[2].updated_at, 1764655199);
    /* "yesterday", the zone-less time, the last "bad": three; "" is absent, not unreadable. */
    assert_int_equal(p.bad_times, 3);
    assert_int_equal(time_unreadable_total() - before, 3);
    parse_account_page_free(&p);

    /* The json-c reader alone counts the same. */
    before = time_unreadable_total();
    assert_int_equal(parse_account_page_dom(page, strlen(page), &p, &err), SK_OK);
    assert_int_equal(p.bad_times, 3);
    assert_int_equal(time_unreadable_total() - before, 3);
    parse_account_page_free(&p);

    /* One account's answer and a link count theirs too. */
    static const char detail[] = "{\"connected_account\":{\"id\":\"ca_1\","
                                 "\"updated_at\":\"2025/12/02\"}}";
    sk_detail_result d;
    before = time_unreadable_total();
    assert_int_equal(parse_account_detail(detail, strlen(detail), &d, &err), SK_OK);
    assert_int_equal(time_unreadable_total() - before, 1);
    parse_account_detail_free(&d);
    static const char link[] = "{\"link\":\"https://x.example/l\",\"expiry\":\"2025-12-02 06:00:00+00\"}";
    sk_link_result l;
    before = time_unreadable_total();
    assert_int_equal(parse_link(link, strlen(link), &l, &err), SK_OK);
    assert_int_equal(l.l.expiry, 1764655200);
    assert_int_equal(time_unreadable_total() - before, 0);
    parse_link_free(&l);
}

/* Random damage to a realistic page: byte changes, JSON punctuation dropped in, cuts and
 * deletions. Whatever the bytes, both readers agree. */
static void test_fast_page_mutations_match_json_c(void **st)
{
    (void)st;
    static const char punct[] = "{}[]\",:\\ u0-.e9a\x01\x80tfn";
    char *buf = malloc(sizeof odd_page + sizeof json_c_page);
    assert_non_null(buf);
    srand(4242);
    for (int iter = 0; iter < 20000; iter++) {
        const char *page = iter % 4 ? odd_page : json_c_page;
        size_t n = strlen(page);
        memcpy(buf, page, n + 1);
        size_t len = n;
        for (int k = 1 + rand() % 3; k > 0 && len > 1; k--) {
            size_t at = (size_t)rand() % len;
            switch (rand() % 4) {
            case 0: buf[at] = (char)(rand() % 256); break;
            case 1: buf[at] = punct[rand() % (int)(sizeof punct - 1)]; break;
            case 2: memmove(buf + at, buf + at + 1, len - at); len--; break;
            default: len = at + 1; break;
            }
        }
        assert_page_same(buf, len);
    }
    free(buf);
}

/* The string scanner passes over 32 plain bytes at a time (8 near the end of the body): every
 * special byte (quote, backslash, control) and every byte either side of the boundaries
 * (0x1f/0x20, 0x7f/0x80, UTF-8) at every offset of strings 0-72 bytes long (one, two and three
 * steps of 32), and strings that end at the buffer's end, read as json-c reads them. */
static void test_word_scan_every_offset(void **st)
{
    (void)st;
    static const char lower[] = "abcdefghijklmnopqrstuvwxyz" "abcdefghijklmnopqrstuvwxyz"
                                "abcdefghijklmnopqrstuvwxyz";
    static const char upper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ" "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    static const char *const specials[] = { "\\\"", "\\\\", "\\u00e9", "\\n", "\x01", "\x1f", " ",
                                             "\x7f", "\x80", "\xc3\xa9", "\"", "\\" };
    char body[512], ident[160];
    for (size_t s = 0; s < sizeof specials / sizeof specials[0]; s++) {
        for (int len = 0; len <= 72; len++) {
            for (int at = 0; at <= len; at++) {
                snprintf(ident, sizeof ident, "%.*s%s%.*s", at, lower, specials[s], len - at, upper);
                int n = snprintf(body, sizeof body, "{\"connected_accounts\":[{\"id\":\"ca_1\","
                                 "\"identifier\":\"%s\"}],\"total_size\":1}", ident);
                assert_page_same(body, (size_t)n);
                /* Cut inside or just after the string: no reading past the end. */
                size_t cut = strlen("{\"connected_accounts\":[{\"id\":\"ca_1\",\"identifier\":\"") +
                             strlen(ident) + 1;
                for (size_t c = cut > 9 ? cut - 9 : 0; c <= cut; c++) {
                    char *exact = malloc(c ? c : 1);   /* ASan sees any read past c */
                    assert_non_null(exact);
                    memcpy(exact, body, c);
                    assert_page_same(exact, c);
                    free(exact);
                }
            }
        }
    }
}

/* JSON may carry "\u0000"; as C strings such values would be cut or emptied silently. */
static void test_nul_in_strings(void **st)
{
    (void)st;
    static const char page[] =
        "{\"connected_accounts\":[{\"id\":\"\\u0000ca_1\",\"identifier\":\"alice\\u0000evil\","
        "\"connector\":\"gmail\",\"status\":\"ACTIVE\"}]}";
    sk_account_page p;
    sk_error err;
    assert_int_equal(parse_account_page(page, strlen(page), &p, &err), SK_OK);
    assert_int_equal(p.n, 1);
    assert_non_null(p.rows[0].id);
    assert_string_equal(p.rows[0].id, "\xef\xbf\xbd" "ca_1");
    assert_string_equal(p.rows[0].identifier, "alice\xef\xbf\xbd" "evil");
    parse_account_page_free(&p);

    static const char detail[] =
        "{\"connected_account\":{\"id\":\"ca_2\",\"authorization_details\":{\"oauth_token\":"
        "{\"scopes\":[\"\\u0000\",\"a\\u0000b\",\"\"]}}}}";
    sk_detail_result d;
    assert_int_equal(parse_account_detail(detail, strlen(detail), &d, &err), SK_OK);
    assert_int_equal(d.d.n_scopes, 2);
    assert_string_equal(d.d.scopes[0], "\xef\xbf\xbd");
    assert_string_equal(d.d.scopes[1], "a\xef\xbf\xbd" "b");
    parse_account_detail_free(&d);

    static const char token[] = "{\"access_token\":\"\\u0000abc\",\"expires_in\":60}";
    sk_token t;
    assert_int_equal(parse_token(token, strlen(token), &t, &err), SK_ERR_PARSE);
    parse_token_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc3339_valid),
        cmocka_unit_test(test_rfc3339_matches_timegm),
        cmocka_unit_test(test_rfc3339_invalid),
        cmocka_unit_test(test_rfc3339_counted),
        cmocka_unit_test(test_page_times_read_and_counted),
        cmocka_unit_test(test_token_ok),
        cmocka_unit_test(test_token_hostile),
        cmocka_unit_test(test_nul_in_strings),
        cmocka_unit_test(test_word_scan_every_offset),
        cmocka_unit_test(test_page_ok),
        cmocka_unit_test(test_page_wrong_types),
        cmocka_unit_test(test_page_structure),
        cmocka_unit_test(test_page_every_truncation),
        cmocka_unit_test(test_page_unknown_status),
        cmocka_unit_test(test_page_huge_and_binary_strings),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_detail_ok_and_no_secrets),
        cmocka_unit_test(test_detail_arena_holds_no_tokens),
        cmocka_unit_test(test_detail_hostile),
        cmocka_unit_test(test_connections),
        cmocka_unit_test(test_link),
        cmocka_unit_test(test_error_scalekit),
        cmocka_unit_test(test_error_oauth),
        cmocka_unit_test(test_error_not_json),
        cmocka_unit_test(test_fast_page_matches_json_c),
        cmocka_unit_test(test_fast_page_mutations_match_json_c),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
