/* test_jscan.c: the fast page reader's shortcuts agree with json-c's reader (the reference):
 * keys matched at their expected place (every order, absent keys, blanks before the colon,
 * duplicates, look-alike names), values shared between the rows of a page (escaped, longer,
 * empty, more of them than the memo holds), the state worked out once per shared status and
 * times of the plain form read without the general reader;
 * every cut of such a page is refused or read exactly as json-c does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "sk_time.h"

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Two pages (and their outcomes) are the same. */
static void pages_equal(sk_status sf, const sk_error *ef, const sk_account_page *f, sk_status sd,
                        const sk_error *ed, const sk_account_page *d)
{
    assert_int_equal(sf, sd);
    if (sf != SK_OK) {
        assert_string_equal(ef->message, ed->message);
        return;
    }
    assert_int_equal(f->n, d->n);
    assert_true(same_str(f->next_page_token, d->next_page_token));
    assert_int_equal(f->total_size, d->total_size);
    assert_int_equal(f->bad_times, d->bad_times);
    for (size_t i = 0; i < f->n; i++) {
        const sk_account *a = &f->rows[i], *b = &d->rows[i];
        assert_true(same_str(a->id, b->id));
        assert_true(same_str(a->identifier, b->identifier));
        assert_true(same_str(a->connector, b->connector));
        assert_true(same_str(a->connection_id, b->connection_id));
        assert_true(same_str(a->provider, b->provider));
        assert_true(same_str(a->status, b->status));
        assert_true(same_str(a->authorization_type, b->authorization_type));
        assert_int_equal(a->token_expires_at, b->token_expires_at);
        assert_int_equal(a->updated_at, b->updated_at);
        assert_int_equal(a->last_used_at, b->last_used_at);
        assert_int_equal(a->state, b->state);
    }
}

/* Both readers agree, and so does the fast reader given the body to read in place
 * (parse_account_page_owned: a body it declines must reach json-c's reader as it came);
 * returns the fast reader's page (the caller frees it) when it read one. */
static bool page_same(const char *body, size_t len, sk_account_page *keep)
{
    sk_account_page f, d, o;
    sk_error ef, ed, eo;
    sk_error_clear(&ef);
    sk_error_clear(&ed);
    sk_error_clear(&eo);
    sk_status sf = parse_account_page(body, len, &f, &ef);
    sk_status sd = parse_account_page_dom(body, len, &d, &ed);
    char *own = malloc(len + 1);
    assert_non_null(own);
    if (len)
        memcpy(own, body, len);
    own[len] = '\0';
    sk_status so = parse_account_page_owned(own, len, &o, &eo);
    pages_equal(sf, &ef, &f, sd, &ed, &d);
    pages_equal(so, &eo, &o, sd, &ed, &d);
    parse_account_page_free(&o);
    if (sf != SK_OK)
        return false;
    parse_account_page_free(&d);
    if (keep)
        *keep = f;
    else
        parse_account_page_free(&f);
    return true;
}

static void every_cut_same(const char *body)
{
    size_t n = strlen(body);
    for (size_t k = 0; k <= n; k++) {
        char *cut = malloc(k + 1);
        assert_non_null(cut);
        memcpy(cut, body, k);
        cut[k] = '\0';
        page_same(cut, k, NULL);
        free(cut);
    }
}

#define ROW(id, st) "{\"id\":\"" id "\",\"identifier\":\"u" id "@x.io\",\"connector\":\"gmail\"," \
    "\"connection_id\":\"conn_1\",\"provider\":\"GOOGLE\",\"status\":\"" st "\"," \
    "\"authorization_type\":\"OAUTH\",\"token_expires_at\":\"2026-01-02T03:04:05Z\"," \
    "\"updated_at\":\"2026-01-02T03:04:05.5Z\",\"last_used_at\":null}"

static void test_keys_in_any_order(void **st)
{
    (void)st;
    static const char page[] =
        "{\"connected_accounts\":[" ROW("ca_1", "ACTIVE") ","
        /* reversed, with absent keys */
        "{\"last_used_at\":\"2026-02-01T00:00:00Z\",\"status\":\"EXPIRED\",\"id\":\"ca_2\"},"
        /* blanks before and after colons, a look-alike key, a duplicate (the later wins) */
        "{ \"id\" : \"ca_3\" , \"idx\":\"no\",\"identifier\" :\"a\",\"identifier\":\"b\","
        "\"connector\":\"gmail\",\"connectorx\":\"no\",\"statu\":\"no\",\"status\":\"ACTIVE\"},"
        /* an escaped key is a name the fast reader leaves to json-c */
        "{\"id\":\"ca_4\",\"conn\\u0065ctor\":\"slack\"}"
        "],\"next_page_token\":\"t\",\"total_size\":4}";
    page_same(page, strlen(page), NULL);
    static const char page2[] =
        "{\"connected_accounts\":[" ROW("ca_1", "ACTIVE") ","
        "{\"id\":\"ca_2\",\"connector\":\"gmail\",\"connector\":7,\"status\":null,"
        "\"token_expires_at\":\"x\",\"token_expires_at\":\"2026-01-02T03:04:05Z\"},"
        "{\"provider\":\"GOOGLE\",\"id\":\"ca_3\",\"updated_at\":\"2026-13-01T00:00:00Z\"}"
        "],\"total_size\":3}";
    page_same(page2, strlen(page2), NULL);
    every_cut_same(page2);
    /* every key in its place, with blanks before and after the commas (the comma and the next
     * key are then not read in one compare), a row that ends early, and one with a key more */
    static const char page3[] =
        "{\"connected_accounts\":[" ROW("ca_1", "ACTIVE") ",\n"
        "{\"id\":\"ca_2\" ,\"identifier\":\"u2\",\n \"connector\":\"gmail\"\t,\r\n"
        "\"connection_id\":\"conn_1\", \"provider\":\"GOOGLE\",\"status\":\"EXPIRED\" ,"
        " \"authorization_type\":\"OAUTH\",\"token_expires_at\":null ,\"updated_at\":null,"
        "\"last_used_at\":\"2026-01-02T03:04:05Z\" },"
        "{\"id\":\"ca_3\",\"identifier\":\"u3\" },"
        "{\"id\":\"ca_4\",\"identifier\":\"u4\",\"connector\":\"gmail\","
        "\"connection_id\":\"conn_1\",\"provider\":\"GOOGLE\",\"status\":\"ACTIVE\","
        "\"authorization_type\":\"OAUTH\",\"token_expires_at\":null,\"updated_at\":null,"
        "\"last_used_at\":null,\"status\":\"EXPIRED\"}"
        "],\"total_size\":4}";
    sk_account_page p3;
    assert_true(page_same(page3, strlen(page3), &p3));
    assert_int_equal(p3.n, 4);
    assert_string_equal(p3.rows[1].status, "EXPIRED");
    assert_string_equal(p3.rows[3].status, "EXPIRED");
    parse_account_page_free(&p3);
    every_cut_same(page3);
}

static void test_shared_values(void **st)
{
    (void)st;
    static const char page[] =
        "{\"connected_accounts\":[" ROW("ca_1", "ACTIVE") "," ROW("ca_2", "ACTIVE") ","
        ROW("ca_3", "EXPIRED") "," ROW("ca_4", "PENDING_AUTH") "," ROW("ca_5", "DISCONNECTED") ","
        ROW("ca_6", "REVOKED") "," ROW("ca_7", "ACTIVE") "," ROW("ca_8", "PENDING_VERIFICATION") ","
        ROW("ca_9", "ACTIVEX") "," ROW("ca_10", "ACTIV") "," ROW("ca_11", "EXPIRED") ","
        /* the same values escaped, empty, of another type, longer */
        "{\"id\":\"ca_12\",\"connector\":\"gm\\u0061il\",\"status\":\"ACT\\u0049VE\","
        "\"provider\":\"\",\"connection_id\":5,\"authorization_type\":\"OAUTH2\"},"
        ROW("ca_13", "ACTIVE")
        "],\"total_size\":13}";
    sk_account_page p;
    assert_true(page_same(page, strlen(page), &p));
    assert_int_equal(p.n, 13);
    /* rows of the page point at one copy of a value they share (store.c then finds it by its
     * address), and that copy still reads as the value */
    assert_ptr_equal(p.rows[0].connector, p.rows[12].connector);
    assert_ptr_equal(p.rows[0].connection_id, p.rows[6].connection_id);
    assert_ptr_equal(p.rows[0].status, p.rows[1].status);
    assert_ptr_equal(p.rows[2].status, p.rows[10].status);   /* 8 statuses apart: still held */
    assert_string_equal(p.rows[12].connector, "gmail");
    assert_string_equal(p.rows[8].status, "ACTIVEX");
    assert_string_equal(p.rows[9].status, "ACTIV");
    assert_string_equal(p.rows[11].connector, "gmail");
    assert_string_equal(p.rows[11].status, "ACTIVE");
    assert_null(p.rows[11].provider);
    assert_null(p.rows[11].connection_id);
    assert_string_equal(p.rows[11].authorization_type, "OAUTH2");
    assert_int_equal(p.rows[12].state, p.rows[0].state);
    parse_account_page_free(&p);
    every_cut_same(page);
}

/* A page with more strings than a page read in place notes (1,024 NULs: 800 ids and 400 plain
 * identifiers here) is read from a copy instead, with the same rows; 300 rows fit the notes
 * (their escaped identifiers decoded into the arena, not in the body). */
static void test_large_page_in_place(void **st)
{
    (void)st;
    size_t cap = 800 * 420 + 64, n = 0;
    char *body = malloc(cap);
    assert_non_null(body);
    n += (size_t)snprintf(body + n, cap - n, "{\"connected_accounts\":[");
    for (int i = 0; i < 800; i++)
        n += (size_t)snprintf(body + n, cap - n,
                              "%s{\"id\":\"ca_%d\",\"identifier\":\"u%d%s@x.io\","
                              "\"connector\":\"gmail\",\"status\":\"%s\"}",
                              i ? "," : "", i, i, i % 2 ? "\\u00e9" : "",
                              i % 3 ? "ACTIVE" : "EXPIRED");
    n += (size_t)snprintf(body + n, cap - n, "],\"total_size\":800,\"next_page_token\":\"t\"}");
    assert_true(n < cap);
    sk_account_page p;
    assert_true(page_same(body, n, &p));
    assert_int_equal(p.n, 800);
    assert_string_equal(p.rows[799].identifier, "u799\xc3\xa9@x.io");
    assert_string_equal(p.rows[798].identifier, "u798@x.io");
    parse_account_page_free(&p);
    /* 300 rows: within the notes, read in place */
    char *q = strstr(body, "{\"id\":\"ca_300\"");
    assert_non_null(q);
    strcpy(q - 1, "],\"total_size\":300,\"next_page_token\":\"t\"}");
    assert_true(page_same(body, strlen(body), &p));
    assert_int_equal(p.n, 300);
    assert_string_equal(p.rows[299].id, "ca_299");
    parse_account_page_free(&p);
    free(body);
}

/* Times the page reader reads itself (the plain form) and all around it, each in a row of its
 * own: both readers give the same instant, or both none. */
static void test_times(void **st)
{
    (void)st;
    static const char *const times[] = {
        "2026-01-02T03:04:05Z", "2026-01-02T03:04:05.1Z", "2026-01-02T03:04:05.123456789Z",
        "2026-01-02T03:04:05.1234567890123Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z",
        "0000-01-01T00:00:00Z", "0000-02-29T00:00:00Z", "9999-12-31T23:59:59.999Z",
        "2024-02-29T12:00:00Z", "2023-02-29T12:00:00Z", "2100-02-29T12:00:00Z",
        "2000-02-29T12:00:00Z", "2026-04-30T00:00:00Z", "2026-04-31T00:00:00Z",
        "2026-12-31T23:59:60Z", "2026-12-31T23:59:61Z", "2026-12-31T24:00:00Z",
        "2026-12-31T23:60:00Z", "2026-00-10T00:00:00Z", "2026-13-10T00:00:00Z",
        "2026-01-00T00:00:00Z", "2026-01-02T03:04:05.Z", "2026-01-02T03:04:05,5Z",
        "2026-01-02T03:04:05z", "2026-01-02t03:04:05Z", "2026-01-02 03:04:05Z",
        "2026-01-02T03:04:05+02:00", "2026-01-02T03:04:05.5-05:30", "2026-01-02T03:04:05",
        "2026-01-02T03:04:05ZZ", "2026-01-02T03:04:05.5x5Z", "2026-01-02", "2026-1-02T03:04:05Z",
        "2026-01-02T03:04:0aZ", "2026/01/02T03:04:05Z", "x026-01-02T03:04:05Z",
        "2026-01-02T03:04:05.12345678901234567890123456789012345678901234567890Z",
        "2026-01-02T03:04:05.123456789012x4Z", "2026-01-02T03:04:05.1234567x9Z",
        "2026-01-02T03:04:05.12345678/Z", "2026-01-02T03:04:05.1234567:Z", "2026-01-0:T03:04:05Z",
        "2026-01-02T03:04:/5Z", "2026+01-02T03:04:05Z", "2026-01-02T03-04:05Z",
        "\xb2" "026-01-02T03:04:05Z", "2026-01-02T03:04:05.\xb9Z",
        "2026-01-02T03:04:05\\u005a", "\\u0032026-01-02T03:04:05Z",
    };
    char page[16384];
    size_t n = (size_t)snprintf(page, sizeof page, "{\"connected_accounts\":[");
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
        n += (size_t)snprintf(page + n, sizeof page - n,
                              "%s{\"id\":\"ca_%zu\",\"token_expires_at\":\"%s\","
                              "\"updated_at\":\"%s\",\"last_used_at\":\"%s\"}",
                              i ? "," : "", i, times[i], times[i], times[i]);
    n += (size_t)snprintf(page + n, sizeof page - n, "],\"total_size\":%zu}",
                          sizeof times / sizeof times[0]);
    assert_true(n < sizeof page);
    sk_account_page p;
    assert_true(page_same(page, n, &p));
    assert_int_equal(p.rows[0].token_expires_at, 1767323045);
    assert_int_equal(p.rows[2].updated_at, 1767323045);
    assert_int_equal(p.rows[9].last_used_at, 1709208000);
    assert_int_equal(p.rows[10].last_used_at, SK_TIME_ABSENT);
    parse_account_page_free(&p);
    every_cut_same(page);
}

/* Times at random, most of them plain, many near or past a field's limits, some with a byte
 * changed, 99 rows a page as a listing's: the fast reader (its month memo included, which
 * repeats months within a page) gives every one the general reader's instant, or none. */
static void test_times_random(void **st)
{
    (void)st;
    static const char tricky[] = "0123456789/:.-TZz +\xb0";
    uint64_t x = 0x9e3779b97f4a7c15ull;
    char *page = malloc(99 * 220 + 64);
    assert_non_null(page);
    for (int round = 0; round < 60; round++) {
        size_t n = (size_t)sprintf(page, "{\"connected_accounts\":[");
        for (int r = 0; r < 99; r++) {
            char t[3][64];
            for (int k = 0; k < 3; k++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                unsigned v = (unsigned)(x >> 11);
                unsigned y = v % 7 == 0 ? v % 10000 : 1990 + v % 60;
                int len = sprintf(t[k], "%04u-%02u-%02uT%02u:%02u:%02u", y, 1 + (v >> 3) % 13 - (v % 11 == 0),
                                  (v >> 7) % 33, (v >> 12) % 25, (v >> 17) % 61, (v >> 23) % 62);
                unsigned frac = (v >> 5) % 12;
                if (frac) {
                    t[k][len++] = '.';
                    for (unsigned f = 1; f < frac; f++)
                        t[k][len++] = (char)('0' + (v >> f) % 10);
                }
                t[k][len++] = 'Z';
                t[k][len] = '\0';
                if ((x >> 3) % 4 == 0)   /* a byte changed */
                    t[k][(x >> 20) % (unsigned)len] = tricky[(x >> 40) % (sizeof tricky - 1)];
            }
            n += (size_t)sprintf(page + n,
                                 "%s{\"id\":\"ca_%d\",\"token_expires_at\":\"%s\",\"updated_at\":\"%s\","
                                 "\"last_used_at\":\"%s\"}",
                                 r ? "," : "", r, t[0], t[1], t[2]);
        }
        n += (size_t)sprintf(page + n, "],\"total_size\":99}");
        page_same(page, n, NULL);
    }
    free(page);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_in_any_order),
        cmocka_unit_test(test_shared_values),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_large_page_in_place),
        cmocka_unit_test(test_times_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
