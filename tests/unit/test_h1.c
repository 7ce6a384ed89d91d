/* test_h1.c: the page lane's HTTP/1.1 answer reader (h1.c) on good answers fed whole and a
 * byte at a time, on answers cut by the connection's close, and on the answers it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "buf.h"
#include "h1.h"

#define MAX ((size_t)1 << 20)

typedef struct {
    h1_result res;
    size_t used;
    sk_buf body;
    h1_reader h;
} run;

/* Feeds s in pieces of `step` bytes (0: whole), stopping at the first result other than
 * H1_MORE; then, if eof, tells the reader the connection closed. */
static void feed(run *o, const char *s, size_t n, size_t step, bool eof, size_t max)
{
    buf_init(&o->body);
    h1_init(&o->h);
    o->used = 0;
    o->res = H1_MORE;
    size_t off = 0;
    while (off < n && o->res == H1_MORE) {
        size_t take = step && n - off > step ? step : n - off, used = 0;
        o->res = h1_feed(&o->h, s + off, take, &o->body, max, &used);
        assert_true(used <= take);
        if (o->res == H1_MORE)
            assert_int_equal(used, take);
        off += used;
        o->used = off;
    }
    if (eof && o->res == H1_MORE)
        o->res = h1_eof(&o->h, &o->body);
}

static void done(run *o)
{
    buf_free(&o->body);
}

/* A good answer gives the same result whole and split at every byte. */
static void check_good(const char *s, long status, const char *body, bool close)
{
    size_t n = strlen(s);
    for (size_t step = 0; step <= 3; step++) {
        run o;
        feed(&o, s, n, step, close && !strstr(s, "Content-Length") && !strstr(s, "chunked"),
             MAX);
        assert_int_equal(o.res, H1_DONE);
        assert_int_equal(o.h.status, status);
        assert_int_equal(o.body.len, strlen(body));
        assert_memory_equal(o.body.len ? o.body.s : "", body, strlen(body));
        assert_int_equal(o.h.close, close);
        done(&o);
    }
}

static void test_lengths(void **st)
{
    (void)st;
    check_good("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n"
               "{\"a\":\"bc\"}\n", 200, "{\"a\":\"bc\"}\n", false);
    check_good("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 200, "", false);
    check_good("HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\n\r\n{}", 404, "{}", false);
    /* Bare line feeds, a blank after the colon, no reason phrase. */
    check_good("HTTP/1.1 200\nContent-Length:3\n\nabc", 200, "abc", false);
    check_good("HTTP/1.1 204 No Content\r\n\r\n", 204, "", false);
    check_good("HTTP/1.1 200 OK\r\nConnection: Keep-Alive, close\r\nContent-Length: 1\r\n\r\nx",
               200, "x", true);
    /* HTTP/1.0 closes unless it says keep-alive. */
    check_good("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx", 200, "x", true);
    check_good("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx", 200,
               "x", false);
    /* Two equal lengths are one. */
    check_good("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab", 200, "ab",
               false);
    check_good("HTTP/1.1 200 OK\r\nContent-Encoding: identity\r\nContent-Length: 2\r\n\r\nab",
               200, "ab", false);
}

static void test_chunks(void **st)
{
    (void)st;
    check_good("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
               "5\r\nhello\r\n1;ext=1\r\n \r\nA  \r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n",
               200, "hello 0123456789", false);
    check_good("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\n\n0\n\n", 200, "", false);
    /* Chunked and a length: chunked wins and the connection closes after. */
    check_good("HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n"
               "2\r\nok\r\n0\r\n\r\n", 200, "ok", true);
}

static void test_to_close(void **st)
{
    (void)st;
    check_good("HTTP/1.1 200 OK\r\n\r\nall of it", 200, "all of it", true);
    run o;
    const char *s = "HTTP/1.1 500 Oops\r\n\r\n";
    feed(&o, s, strlen(s), 0, true, MAX);
    assert_int_equal(o.res, H1_DONE);
    assert_int_equal(o.h.status, 500);
    assert_int_equal(o.body.len, 0);
    done(&o);
}

static void test_interim(void **st)
{
    (void)st;
    check_good("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
               "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", 201, "ok", false);
}

static void test_after_answer(void **st)
{
    (void)st;
    const char *s = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n";
    run o;
    feed(&o, s, strlen(s), 0, false, MAX);
    assert_int_equal(o.res, H1_DONE);
    assert_int_equal(o.used, strlen(s) - strlen("HTTP/1.1 200 OK\r\n"));
    assert_string_equal(o.body.s, "ok");
    done(&o);
}

static void test_retry_after(void **st)
{
    (void)st;
    static const struct { const char *v; long lo, hi; } cases[] = {
        { "7", 7, 7 }, { "0", 0, 0 }, { "soon", 0, 0 }, { "-3", 0, 0 }, { "12x", 0, 0 },
        { "99999999999999999999", 86400, 86400 },
        { "Wed, 21 Oct 2015 07:28:00 GMT", 0, 0 },   /* in the past: no wait */
    };
    char s[256];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(s, sizeof s, "HTTP/1.1 429 Slow down\r\nRetry-After: %s\r\nContent-Length: 0"
                 "\r\n\r\n", cases[i].v);
        run o;
        feed(&o, s, strlen(s), 0, false, MAX);
        assert_int_equal(o.res, H1_DONE);
        assert_int_equal(o.h.status, 429);
        assert_in_range(o.h.retry_after_s, cases[i].lo, cases[i].hi);
        done(&o);
    }
    /* A date two minutes ahead. */
    time_t t = time(NULL) + 120;
    struct tm tm;
    gmtime_r(&t, &tm);
    char date[64];
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    snprintf(s, sizeof s, "HTTP/1.1 503 Busy\r\nRetry-After: %s\r\nContent-Length: 0\r\n\r\n",
             date);
    run o;
    feed(&o, s, strlen(s), 0, false, MAX);
    assert_int_equal(o.res, H1_DONE);
    assert_in_range(o.h.retry_after_s, 115, 121);
    done(&o);
}

static void check_bad(const char *s, size_t n, const char *why)
{
    for (size_t step = 0; step <= 1; step++) {
        run o;
        feed(&o, s, n, step, false, MAX);
        assert_int_equal(o.res, H1_BAD);
        if (!strstr(o.h.why, why))
            fail_msg("reason \"%s\", expected \"%s\" for %.40s", o.h.why, why, s);
        done(&o);
    }
}

#define BAD(s, why) check_bad(s, sizeof s - 1, why)

static void test_refused(void **st)
{
    (void)st;
    BAD("HTTP/2 200\r\n\r\n", "status line");
    BAD("HTTP/1.1 2000 OK\r\n\r\n", "status line");
    BAD("HTTP/1.1 20 OK\r\n\r\n", "status line");
    BAD("HTTP/1.1 099 Low\r\n\r\n", "status line");
    BAD("ICY 200 OK\r\n\r\n", "status line");
    BAD("<html>hello</html>\r\n", "status line");
    BAD("HTTP/1.1 200 OK\r\nX: a\r\n folded\r\n\r\n", "folded");
    BAD("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "without a name");
    BAD("HTTP/1.1 200 OK\r\n: empty name\r\n\r\n", "without a name");
    BAD("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", "header name");
    BAD("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx", "two different");
    BAD("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "Content-Length");
    BAD("HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n", "Content-Length");
    BAD("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", "Content-Length");
    BAD("HTTP/1.1 200 OK\r\nContent-Length: 1234567890123456789\r\n\r\n", "Content-Length");
    BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "Transfer-Encoding");
    BAD("HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 1\r\n\r\nx",
        "gzip or deflate");
    BAD("HTTP/1.1 200 OK\r\nContent-Encoding: gzip, gzip\r\nContent-Length: 1\r\n\r\nx",
        "gzip or deflate");
    BAD("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Encoding: deflate\r\n\r\n",
        "two Content-Encoding");
    BAD("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n", "101");
    BAD("HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n", "NUL");
    BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "chunk size");
    BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", "chunk size");
    BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n",
        "chunk size");
    BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n0\r\n\r\n",
        "longer than its size");
}

static void test_head_limits(void **st)
{
    (void)st;
    /* One line past H1_LINE_MAX. */
    size_t n = H1_LINE_MAX + 64;
    char *s = malloc(n + 1);
    assert_non_null(s);
    int k = snprintf(s, n + 1, "HTTP/1.1 200 OK\r\nX: ");
    memset(s + k, 'a', n - (size_t)k);
    s[n] = '\0';
    check_bad(s, n, "too long");
    free(s);
    /* Many short lines past H1_HEAD_MAX together. */
    sk_buf b;
    buf_init(&b);
    assert_true(buf_adds(&b, "HTTP/1.1 200 OK\r\n"));
    while (b.len <= H1_HEAD_MAX)
        assert_true(buf_adds(&b, "X-Filler: 0123456789012345678901234567890123456789\r\n"));
    assert_true(buf_adds(&b, "\r\n"));
    check_bad(b.s, b.len, "too long");
    buf_free(&b);
    /* Interim answers count toward the same bound. */
    buf_init(&b);
    while (b.len <= H1_HEAD_MAX)
        assert_true(buf_adds(&b, "HTTP/1.1 100 Continue\r\n\r\n"));
    check_bad(b.s, b.len, "too long");
    buf_free(&b);
}

static void test_too_big(void **st)
{
    (void)st;
    static const char *const s[] = {
        "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n6\r\nghijkl\r\n",
        "HTTP/1.1 200 OK\r\n\r\nabcdefghijkl",
    };
    for (size_t i = 0; i < 3; i++) {
        run o;
        feed(&o, s[i], strlen(s[i]), 1, false, 10);
        assert_int_equal(o.res, H1_TOO_BIG);
        assert_true(o.body.len <= 10);
        done(&o);
    }
}

static void test_closed(void **st)
{
    (void)st;
    static const struct { const char *s; h1_result res; const char *why; } cases[] = {
        { "", H1_EMPTY, "Empty reply" },
        { "HTTP/1.1 200 O", H1_PARTIAL, "head" },
        { "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n", H1_PARTIAL, "head" },
        { "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", H1_PARTIAL, "7 bytes remaining" },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", H1_PARTIAL,
          "outstanding" },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n", H1_PARTIAL,
          "outstanding" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run o;
        feed(&o, cases[i].s, strlen(cases[i].s), 0, true, MAX);
        assert_int_equal(o.res, cases[i].res);
        if (!strstr(o.h.why, cases[i].why))
            fail_msg("case %zu: \"%s\"", i, o.h.why);
        done(&o);
    }
}

/* A real-size page (31 KB) in socket-sized reads lands whole, its buffer sized once from the
 * Content-Length (buf_reserve's power of two above it, not a doubling series past it). */
static void test_page(void **st)
{
    (void)st;
    size_t body_len = 31000;
    char head[128];
    int hn = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n",
                      body_len);
    char *s = malloc((size_t)hn + body_len);
    assert_non_null(s);
    memcpy(s, head, (size_t)hn);
    for (size_t i = 0; i < body_len; i++)
        s[(size_t)hn + i] = (char)('a' + i % 26);
    run o;
    feed(&o, s, (size_t)hn + body_len, 4096, false, MAX);
    assert_int_equal(o.res, H1_DONE);
    assert_int_equal(o.body.len, body_len);
    assert_memory_equal(o.body.s, s + hn, body_len);
    assert_true(o.body.cap > body_len && o.body.cap < 2 * (body_len + 1));
    done(&o);
    free(s);
}

/* data compressed as wbits says (15 zlib, -15 raw deflate, 31 gzip), into a malloc'd buffer. */
static unsigned char *squeeze(const void *data, size_t n, int wbits, size_t *out_n)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&z, (uLong)n) + 64;
    unsigned char *out = malloc(cap);
    assert_non_null(out);
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    *out_n = cap - z.avail_out;
    deflateEnd(&z);
    return out;
}

/* An answer of `enc` whose body is zb (zn bytes), read and decoded with body_max max. */
static h1_result read_encoded(const char *enc, const unsigned char *zb, size_t zn, size_t max,
                              run *o)
{
    char head[160];
    int hn = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Encoding: %s\r\n"
                      "Content-Length: %zu\r\n\r\n", enc, zn);
    char *s = malloc((size_t)hn + zn);
    assert_non_null(s);
    memcpy(s, head, (size_t)hn);
    memcpy(s + hn, zb, zn);
    feed(o, s, (size_t)hn + zn, 1000, false, max);
    free(s);
    assert_int_equal(o->res, H1_DONE);
    return h1_decode(&o->h, &o->body, max);
}

static void test_decode(void **st)
{
    (void)st;
    char page[20000];
    for (size_t i = 0; i < sizeof page; i++)
        page[i] = "{\"connected_accounts\":[]}"[i % 25];
    static const struct { const char *enc; int wbits; } kinds[] = {
        { "gzip", 31 }, { "x-gzip", 31 }, { "deflate", 15 }, { "deflate", -15 },
    };
    for (size_t k = 0; k < 4; k++) {
        size_t zn = 0;
        unsigned char *zb = squeeze(page, sizeof page, kinds[k].wbits, &zn);
        run o;
        assert_int_equal(read_encoded(kinds[k].enc, zb, zn, MAX, &o), H1_DONE);
        assert_int_equal(o.body.len, sizeof page);
        assert_memory_equal(o.body.s, page, sizeof page);
        assert_int_equal(o.body.s[o.body.len], '\0');
        done(&o);
        /* Cut short: refused, not handed on as a page. */
        assert_int_equal(read_encoded(kinds[k].enc, zb, zn / 2, MAX, &o), H1_BAD);
        assert_non_null(strstr(o.h.why, "unencoding"));
        done(&o);
        free(zb);
    }
    /* Not compressed at all. */
    run o;
    assert_int_equal(read_encoded("gzip", (const unsigned char *)"plain text", 10, MAX, &o),
                     H1_BAD);
    done(&o);
    /* Identity: nothing to do. */
    const char *id = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";
    feed(&o, id, strlen(id), 0, false, MAX);
    assert_int_equal(h1_decode(&o.h, &o.body, MAX), H1_DONE);
    assert_string_equal(o.body.s, "{}");
    done(&o);
}

/* A small answer that decodes to far more than the bound is stopped at the bound. */
static void test_decode_bomb(void **st)
{
    (void)st;
    size_t n = 8 << 20;
    char *zeros = calloc(1, n);
    assert_non_null(zeros);
    size_t zn = 0;
    unsigned char *zb = squeeze(zeros, n, 31, &zn);
    free(zeros);
    assert_true(zn < 64 * 1024);
    run o;
    assert_int_equal(read_encoded("gzip", zb, zn, 1 << 20, &o), H1_TOO_BIG);
    assert_non_null(strstr(o.h.why, "decodes to more than"));
    assert_true(o.body.len == zn);   /* left as it came */
    done(&o);
    free(zb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_chunks),
        cmocka_unit_test(test_to_close),
        cmocka_unit_test(test_interim),
        cmocka_unit_test(test_after_answer),
        cmocka_unit_test(test_retry_after),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_head_limits),
        cmocka_unit_test(test_too_big),
        cmocka_unit_test(test_closed),
        cmocka_unit_test(test_page),
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_decode_bomb),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
