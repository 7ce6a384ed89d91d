/* test_util.c: the core's small modules and sk_status.h: arena, buffers, terminal text
 * (sanitizing, display width and fitting), time formatting, base64 / OSC 52 sequences, the XDG
 * directories, secret wiping and error messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "account.h"
#include "sk_status.h"
#include "arena.h"
#include "buf.h"
#include "mem.h"
#include "osc52.h"
#include "sk_time.h"
#include "text.h"
#include "xdg.h"

static bool utf8_locale(void)
{
    return setlocale(LC_ALL, "C.UTF-8") || setlocale(LC_ALL, "C.utf8") ||
           setlocale(LC_ALL, "en_US.UTF-8");
}

/* ---- an independent checker: the output is valid UTF-8 free of anything a terminal obeys */
static void assert_terminal_safe(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        assert_true(c >= 0x20 && c != 0x7f);
        size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
        assert_true(c < 0x80 || (c >= 0xc2 && c <= 0xf4));
        unsigned cp = n == 1 ? c : n == 2 ? c & 0x1f : n == 3 ? c & 0x0f : c & 0x07;
        for (size_t i = 1; i < n; i++) {
            assert_int_equal(p[i] & 0xc0, 0x80);
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        assert_false(cp >= 0x80 && cp <= 0x9f);                      /* C1 */
        assert_false(cp >= 0xd800 && cp <= 0xdfff);                   /* surrogates */
        assert_false(cp == 0x061c || cp == 0x200e || cp == 0x200f);   /* bidi marks */
        assert_false(cp >= 0x202a && cp <= 0x202e);
        assert_false(cp >= 0x2066 && cp <= 0x2069);
        p += n;
    }
}

static char *san(const char *s, size_t len)
{
    sk_buf b;
    buf_init(&b);
    assert_true(text_sanitize(&b, s, len));
    assert_non_null(b.s);
    assert_int_equal(strlen(b.s), b.len);
    return b.s;
}

/* The edited lines' cursor steps over whole UTF-8 characters, both ways, and stops at the ends. */
static void test_char_prev_next(void **st)
{
    (void)st;
    const char *s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x99\x82z";   /* a é € 🙂 z */
    size_t stops[] = { 0, 1, 3, 6, 10, 11 };
    for (size_t i = 0; i + 1 < sizeof stops / sizeof stops[0]; i++) {
        assert_int_equal(text_char_next(s, stops[i]), stops[i + 1]);
        assert_int_equal(text_char_prev(s, stops[i + 1]), stops[i]);
    }
    assert_int_equal(text_char_next(s, 11), 11);   /* the end stays the end */
    assert_int_equal(text_char_prev(s, 0), 0);     /* the start stays the start */
    assert_int_equal(text_char_next("", 0), 0);
    assert_int_equal(text_char_prev("", 0), 0);
}

static void test_sanitize_escapes(void **st)
{
    (void)st;
    utf8_locale();
    static const struct { const char *in; const char *out; } cases[] = {
        { "a\033[31mred", "a\\x1b[31mred" },                        /* CSI colour */
        { "\033]52;c;ZXZpbA==\a", "\\x1b]52;c;ZXZpbA==\\x07" },     /* OSC 52 clipboard write */
        { "bell\a", "bell\\x07" },
        { "tab\there\r\n", "tab\\x09here\\x0d\\x0a" },
        { "del\x7f", "del\\x7f" },
        { "c1\xc2\x9b" "2J", "c1\\x9b2J" },                         /* U+009B CSI */
        { "evil\xe2\x80\xae" "gpj.exe", "evil\\u202egpj.exe" },     /* RLO */
        { "\xe2\x81\xa6x\xe2\x81\xa9", "\\u2066x\\u2069" },         /* isolates */
        { "\xd8\x9c", "\\u061c" },                                  /* ALM */
        { "bad\xff\xfe", "bad\\xff\\xfe" },                         /* invalid bytes */
        { "\xc0\xaf", "\\xc0\\xaf" },                               /* overlong '/' */
        { "\xe0\x80\xaf", "\\xe0\\x80\\xaf" },                      /* overlong, 3 bytes */
        { "\xed\xa0\x80", "\\xed\\xa0\\x80" },                      /* surrogate D800 */
        { "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80" },             /* > U+10FFFF */
        { "trunc\xe5\xb1", "trunc\\xe5\\xb1" },                     /* cut character */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *o = san(cases[i].in, strlen(cases[i].in));
        assert_string_equal(o, cases[i].out);
        assert_terminal_safe(o);
        free(o);
    }
}

static void test_sanitize_nul_inside(void **st)
{
    (void)st;
    char *o = san("a\0b", 3);
    assert_string_equal(o, "a\\x00b");
    free(o);
}

static void test_sanitize_keeps_printable(void **st)
{
    (void)st;
    utf8_locale();
    static const char *const keep[] = {
        "plain user_123@example.com", "Jos\xc3\xa9", "\xe5\xb1\xb1\xe7\x94\xb0",   /* José, 山田 */
        "\xf0\x9f\x98\x80 grin", "M\xc3\xbcller+tag@b\xc3\xa4r.de", "back\\slash \"q\"",
        "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82",                         /* Привет */
    };
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        char *o = text_sanitize_dup(keep[i]);
        assert_non_null(o);
        assert_string_equal(o, keep[i]);
        free(o);
    }
}

static void test_sanitize_long_random(void **st)
{
    (void)st;
    utf8_locale();
    enum { N = 10000 };
    char *in = malloc(N + 1);
    assert_non_null(in);
    srand(12345);
    for (int round = 0; round < 20; round++) {
        for (int i = 0; i < N; i++)
            in[i] = (char)(rand() & 0xff);
        in[N] = '\0';
        char *o = san(in, N);
        assert_terminal_safe(o);
        assert_true(strlen(o) >= (size_t)N / 2);
        free(o);
    }
    /* A long run of escape sequences stays visible, all of it. */
    for (int i = 0; i < N; i++)
        in[i] = i % 2 ? '[' : '\033';
    char *o = san(in, N);
    assert_terminal_safe(o);
    assert_int_equal(strlen(o), (size_t)N / 2 * 5);   /* "\x1b" (4) + "[" per pair */
    free(o);
    free(in);
}

static void test_sanitize_dup_null(void **st)
{
    (void)st;
    char *o = text_sanitize_dup(NULL);
    assert_non_null(o);
    assert_string_equal(o, "");
    free(o);
}

static void test_text_width(void **st)
{
    (void)st;
    if (!utf8_locale())
        skip();
    assert_int_equal(text_width("abc"), 3);
    assert_int_equal(text_width(""), 0);
    assert_int_equal(text_width("\xe5\xb1\xb1\xe7\x94\xb0"), 4);       /* 山田 */
    assert_int_equal(text_width("Jos\xc3\xa9"), 4);
    assert_int_equal(text_width("\xf0\x9f\x98\x80"), 2);               /* emoji */
    assert_int_equal(text_width("a\xe5\xb1\xb1" "b"), 4);
    assert_int_equal(text_width("\xe2\x80\xa6"), 1);                   /* ellipsis */
}

static char *fit(const char *s, int width, bool pad, bool utf8, int *ret)
{
    sk_buf b;
    buf_init(&b);
    buf_adds(&b, "");
    *ret = text_fit(&b, s, width, pad, utf8);
    return b.s;
}

static void test_text_fit_exact_and_pad(void **st)
{
    (void)st;
    if (!utf8_locale())
        skip();
    int r;
    char *o = fit("abc", 3, true, true, &r);
    assert_string_equal(o, "abc");
    assert_int_equal(r, 3);
    free(o);
    o = fit("abc", 6, true, true, &r);
    assert_string_equal(o, "abc   ");
    assert_int_equal(r, 6);
    free(o);
    o = fit("abc", 6, false, true, &r);
    assert_string_equal(o, "abc");
    assert_int_equal(r, 3);
    free(o);
    o = fit("abcdef", 4, true, true, &r);
    assert_string_equal(o, "abc\xe2\x80\xa6");
    assert_int_equal(r, 4);
    free(o);
    o = fit("abcdef", 4, true, false, &r);
    assert_string_equal(o, "abc~");
    free(o);
}

static void test_text_fit_never_splits_wide(void **st)
{
    (void)st;
    if (!utf8_locale())
        skip();
    const char *s = "\xe5\xb1\xb1\xe7\x94\xb0\xe5\xa4\xaa\xe9\x83\x8e x \xf0\x9f\x98\x80!"; /* 山田太郎 x 😀! */
    int full = text_width(s);
    for (int w = 1; w <= full + 3; w++) {
        int r;
        char *o = fit(s, w, true, true, &r);
        assert_int_equal(r, w);
        assert_int_equal(text_width(o), w);
        assert_terminal_safe(o);
        /* Whatever precedes the ellipsis or padding is a whole-character prefix of s. */
        char *cut = strstr(o, "\xe2\x80\xa6");
        size_t keep = cut ? (size_t)(cut - o) : strlen(s);
        assert_memory_equal(o, s, keep);
        assert_true(keep == 0 || keep == strlen(s) || (s[keep] & 0xc0) != 0x80);
        free(o);
        o = fit(s, w, false, true, &r);
        assert_true(r <= w);
        assert_int_equal(text_width(o), r);
        free(o);
    }
    int r;
    char *o = fit("\xe5\xb1\xb1\xe7\x94\xb0", 2, true, true, &r);   /* 山田 in 2: 山 would not leave room */
    assert_string_equal(o, "\xe2\x80\xa6 ");
    free(o);
}

static void test_time_relative(void **st)
{
    (void)st;
    const int64_t now = 1750000000, D = 86400;
    static const struct { int64_t d; const char *s; } t[] = {
        { 0, "now" }, { 45, "in 45s" }, { -45, "45s ago" }, { -59, "59s ago" }, { 60, "in 1m" },
        { 300, "in 5m" }, { -3599, "59m ago" }, { 3 * 3600, "in 3h" }, { -(D - 1), "23h ago" },
        { -2 * D, "2d ago" }, { 59 * D, "in 59d" }, { -60 * D, "2mo ago" },
        { -95 * D, "3mo ago" }, { -364 * D, "12mo ago" }, { -365 * D, "1y ago" },
        { 800 * D, "in 2y" },
    };
    char buf[32];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        time_relative(now + t[i].d, now, buf, sizeof buf);
        assert_string_equal(buf, t[i].s);
    }
    time_relative(SK_TIME_ABSENT, now, buf, sizeof buf);
    assert_string_equal(buf, "-");
    time_relative(INT64_MAX, INT64_MIN + 1, buf, sizeof buf);   /* no overflow, no crash */
    assert_true(strncmp(buf, "in ", 3) == 0);
}

static void test_time_rfc3339_and_countdown(void **st)
{
    (void)st;
    char buf[40];
    time_rfc3339(1744786565, buf, sizeof buf);
    assert_string_equal(buf, "2025-04-16T06:56:05Z");
    time_rfc3339(0, buf, sizeof buf);
    assert_string_equal(buf, "1970-01-01T00:00:00Z");
    time_rfc3339(951782400, buf, sizeof buf);               /* leap day 2000 */
    assert_string_equal(buf, "2000-02-29T00:00:00Z");
    time_rfc3339(SK_TIME_ABSENT, buf, sizeof buf);
    assert_string_equal(buf, "");
    time_countdown(1000 + 245, 1000, buf, sizeof buf);
    assert_string_equal(buf, "4m 05s");
    time_countdown(1000 + 3720, 1000, buf, sizeof buf);
    assert_string_equal(buf, "1h 02m");
    time_countdown(1000 + 9, 1000, buf, sizeof buf);
    assert_string_equal(buf, "0m 09s");
    time_countdown(1000, 1000, buf, sizeof buf);
    assert_string_equal(buf, "expired");
    time_countdown(999, 1000, buf, sizeof buf);
    assert_string_equal(buf, "expired");
}

static void test_time_now_override(void **st)
{
    (void)st;
    setenv("SKDASH_NOW", "1700000123", 1);
    assert_int_equal(time_now(), 1700000123);
    setenv("SKDASH_NOW", "junk", 1);
    assert_true(time_now() > 1700000000);
    unsetenv("SKDASH_NOW");
    assert_true(time_now() > 1700000000);
}

static void test_base64_rfc4648(void **st)
{
    (void)st;
    static const char *const v[][2] = {
        { "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
        { "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char *o = osc52_base64((const unsigned char *)v[i][0], strlen(v[i][0]));
        assert_string_equal(o, v[i][1]);
        free(o);
    }
    const unsigned char bin[] = { 0xfb, 0xff, 0x00 };
    char *o = osc52_base64(bin, 3);
    assert_string_equal(o, "+/8A");
    free(o);
}

static void test_osc52_forms(void **st)
{
    (void)st;
    char *o = osc52_sequence("hi", SK_OSC52_PLAIN);
    assert_string_equal(o, "\033]52;c;aGk=\a");
    free(o);
    o = osc52_sequence("hi", SK_OSC52_TMUX);
    assert_string_equal(o, "\033Ptmux;\033\033]52;c;aGk=\a\033\\");
    free(o);
    o = osc52_sequence("hi", SK_OSC52_SCREEN);
    assert_string_equal(o, "\033P\033]52;c;aGk=\a\033\\");
    free(o);

    /* A long link: screen gets chunks of at most 76 bytes whose contents join to the plain form. */
    char text[300];
    memset(text, 'x', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    char *plain = osc52_sequence(text, SK_OSC52_PLAIN);
    char *scr = osc52_sequence(text, SK_OSC52_SCREEN);
    sk_buf joined;
    buf_init(&joined);
    int chunks = 0;
    for (const char *p = scr; *p;) {
        assert_memory_equal(p, "\033P", 2);
        const char *end = strstr(p + 2, "\033\\");
        assert_non_null(end);
        assert_true(end - (p + 2) <= 76);
        buf_add(&joined, p + 2, (size_t)(end - (p + 2)));
        p = end + 2;
        chunks++;
    }
    assert_string_equal(joined.s, plain);
    assert_int_equal(chunks, (int)((strlen(plain) + 75) / 76));
    buf_free(&joined);
    free(plain);
    free(scr);
}

static void test_osc52_detect(void **st)
{
    (void)st;
    unsetenv("STY");   /* screen is told by STY too */
    setenv("TMUX", "/tmp/tmux-1/default,1,0", 1);
    setenv("TERM", "screen-256color", 1);
    assert_int_equal(osc52_detect(), SK_OSC52_TMUX);
    unsetenv("TMUX");
    assert_int_equal(osc52_detect(), SK_OSC52_SCREEN);
    setenv("TERM", "xterm-256color", 1);
    assert_int_equal(osc52_detect(), SK_OSC52_PLAIN);
}

static void test_arena(void **st)
{
    (void)st;
    sk_arena *a = arena_new(1024);
    assert_non_null(a);
    char *ptrs[2000];
    for (int i = 0; i < 2000; i++) {
        char tmp[32];
        snprintf(tmp, sizeof tmp, "string-%d", i);
        ptrs[i] = arena_strdup(a, tmp);
        assert_non_null(ptrs[i]);
        assert_int_equal((uintptr_t)ptrs[i] % 8, 0);
    }
    char *big = arena_alloc(a, 100000);    /* its own block */
    assert_non_null(big);
    memset(big, 'z', 100000);
    for (int i = 0; i < 2000; i++) {
        char tmp[32];
        snprintf(tmp, sizeof tmp, "string-%d", i);
        assert_string_equal(ptrs[i], tmp);
    }
    assert_string_equal(arena_strndup(a, "abcdef", 3), "abc");
    assert_null(arena_strdup(a, NULL));
    assert_true(arena_bytes(a) >= 100000 + 2000 * 16);
    assert_true(arena_bytes(a) < 100000 + 2000 * 16 * 4);
    arena_free(a);
}

/* The string pool over many chunks, with long strings (chunks of their own) among them: every
 * handle reads back its own text, the two strings of pool_add2 included, across the chunk
 * boundaries; pool_free frees it all (the ASan build checks that). */
static void test_pool_chunks(void **st)
{
    (void)st;
    sk_pool p;
    pool_init(&p);
    enum { N = 60000 };   /* ~3.3 MB of short strings: some 50 chunks */
    uint32_t *h = malloc(N * sizeof *h);
    assert_non_null(h);
    static char longer[40000];
    memset(longer, 'L', sizeof longer - 1);
    for (int i = 0; i < N; i++) {
        char a[32], b[64];
        int na = snprintf(a, sizeof a, "ca_%d", i);
        int nb = snprintf(b, sizeof b, "user%d@example.com-padding-padding", i);
        if (i % 5000 == 4999)   /* a long one: a chunk of its own */
            h[i] = pool_add2(&p, longer, sizeof longer - 1 - (size_t)(i % 7), NULL, 0);
        else
            h[i] = pool_add2(&p, a, (size_t)na, b, (size_t)nb);
        assert_int_not_equal(h[i], 0);
    }
    for (int i = 0; i < N; i++) {
        const char *s = pool_str(&p, h[i]);
        if (i % 5000 == 4999) {
            assert_int_equal(strlen(s), sizeof longer - 1 - (size_t)(i % 7));
            assert_int_equal(s[0], 'L');
            continue;
        }
        char a[32], b[64];
        snprintf(a, sizeof a, "ca_%d", i);
        snprintf(b, sizeof b, "user%d@example.com-padding-padding", i);
        assert_string_equal(s, a);
        assert_string_equal(s + strlen(a) + 1, b);
    }
    assert_true(p.n_chunks >= 50);
    assert_true(pool_bytes(&p) >= (size_t)3 << 20);
    pool_free(&p);
    assert_int_equal(pool_bytes(&p), 0);
    assert_null(pool_str(&p, 0));
    free(h);
}

/* A large array keeps its contents as it grows and shrinks across the mapped sizes. */
static void test_big_resize(void **st)
{
    (void)st;
    size_t sizes[] = { 1000, 3u << 20, 9u << 20, 5u << 20, 100000, 7u << 20 };
    unsigned char *a = NULL;
    size_t have = 0;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        unsigned char *q = big_resize(a, have, sizes[k]);
        assert_non_null(q);
        size_t keep = have < sizes[k] ? have : sizes[k];
        for (size_t i = 0; i < keep; i += 4093)
            assert_int_equal(q[i], (unsigned char)(i * 7 + 1));
        for (size_t i = keep; i < sizes[k]; i++)
            q[i] = (unsigned char)(i * 7 + 1);
        a = q;
        have = sizes[k];
    }
    big_free(a, have);
    unsigned char *z = big_zalloc(3u << 20);
    assert_non_null(z);
    for (size_t i = 0; i < (3u << 20); i += 4096)
        assert_int_equal(z[i], 0);
    big_free(z, 3u << 20);
}

static void test_buf(void **st)
{
    (void)st;
    sk_buf b;
    buf_init(&b);
    for (int i = 0; i < 1000; i++)
        assert_true(buf_printf(&b, "%d,", i));
    assert_true(strncmp(b.s, "0,1,2,", 6) == 0);
    assert_int_equal(b.len, strlen(b.s));
    assert_true(buf_addc(&b, 'x'));
    assert_int_equal(b.s[b.len - 1], 'x');
    buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.s, "");
    assert_true(buf_add(&b, "abc", 2));
    assert_string_equal(b.s, "ab");
    buf_free(&b);
    assert_null(b.s);
}

static void test_secure_wipe(void **st)
{
    (void)st;
    char secret[] = "hunter2-hunter2";
    mem_wipe(secret, sizeof secret);
    for (size_t i = 0; i < sizeof secret; i++)
        assert_int_equal(secret[i], 0);
}

static void test_error_set_safe(void **st)
{
    (void)st;
    utf8_locale();
    sk_error e;
    sk_error_clear(&e);
    assert_int_equal(e.status, SK_OK);
    assert_int_equal(e.grpc_code, -1);
    sk_error_set(&e, SK_ERR_API, "server said: %s (%d)", "bad\033]52;c;AAAA\a\xe2\x80\xae", 500);
    assert_int_equal(e.status, SK_ERR_API);
    assert_string_equal(e.message, "server said: bad\\x1b]52;c;AAAA\\x07\\u202e (500)");
    assert_terminal_safe(e.message);

    /* Cut to fit: never a split character nor a half escape. */
    char longs[600];
    for (size_t i = 0; i + 3 < sizeof longs; i += 3)
        memcpy(longs + i, "\xe5\xb1\xb1", 3);
    longs[597] = '\0';
    sk_error_set(&e, SK_ERR_PARSE, "%s", longs);
    assert_true(strlen(e.message) < sizeof e.message);
    assert_int_equal(strlen(e.message) % 3, 0);
    assert_terminal_safe(e.message);
    char esc[300];
    memset(esc, '\033', sizeof esc - 1);
    esc[sizeof esc - 1] = '\0';
    sk_error_set(&e, SK_ERR_PARSE, "%s", esc);
    assert_int_equal(strlen(e.message) % 4, 0);
    assert_terminal_safe(e.message);
}

static void test_exit_codes(void **st)
{
    (void)st;
    assert_int_equal(sk_status_exit_code(SK_OK), 0);
    assert_int_equal(sk_status_exit_code(SK_ERR_USAGE), 2);
    assert_int_equal(sk_status_exit_code(SK_ERR_CONFIG), 3);
    assert_int_equal(sk_status_exit_code(SK_ERR_AUTH), 3);
    assert_int_equal(sk_status_exit_code(SK_ERR_NOT_FOUND), 4);
    const sk_status one[] = { SK_ERR_API, SK_ERR_NETWORK, SK_ERR_PARSE, SK_ERR_NOMEM, SK_ERR_CANCELLED };
    for (size_t i = 0; i < sizeof one / sizeof one[0]; i++) {
        assert_int_equal(sk_status_exit_code(one[i]), 1);
        assert_string_not_equal(sk_status_name(one[i]), "unknown");
    }
}

/* Where the cache, the journal and the dashboard's debug log live, and how their folders are made. */
static void test_xdg_dir_and_mkdirs(void **st)
{
    (void)st;
    char tmpl[] = "/tmp/skdash-xdg-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    char buf[512], want[600];
    setenv("HOME", tmpl, 1);
    setenv("XDG_STATE_HOME", "/srv/state", 1);
    assert_true(xdg_dir("XDG_STATE_HOME", ".local/state", buf, sizeof buf));
    assert_string_equal(buf, "/srv/state/skdash");
    setenv("XDG_STATE_HOME", "relative/state", 1);   /* ignored, as the XDG spec says */
    assert_true(xdg_dir("XDG_STATE_HOME", ".local/state", buf, sizeof buf));
    snprintf(want, sizeof want, "%s/.local/state/skdash", tmpl);
    assert_string_equal(buf, want);
    assert_false(xdg_dir("XDG_STATE_HOME", ".local/state", buf, 8));   /* too small */
    unsetenv("XDG_STATE_HOME");
    setenv("HOME", "not-absolute", 1);
    assert_false(xdg_dir("XDG_STATE_HOME", ".local/state", buf, sizeof buf));

    snprintf(want, sizeof want, "%s/a/b/c", tmpl);
    mode_t old = umask(0);
    assert_true(xdg_mkdirs(want));
    umask(old);
    assert_true(xdg_mkdirs(want));   /* existing: fine */
    struct stat sb;
    assert_int_equal(stat(want, &sb), 0);
    assert_true(S_ISDIR(sb.st_mode));
    assert_int_equal(sb.st_mode & 0777, 0700);
    snprintf(buf, sizeof buf, "%s/a", tmpl);
    assert_int_equal(stat(buf, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);
    snprintf(buf, sizeof buf, "%s/file", tmpl);
    FILE *f = fopen(buf, "w");
    assert_non_null(f);
    fclose(f);
    snprintf(want, sizeof want, "%s/file/sub", tmpl);
    assert_false(xdg_mkdirs(want));   /* a file in the way */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpl);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_char_prev_next),
        cmocka_unit_test(test_sanitize_escapes),
        cmocka_unit_test(test_sanitize_nul_inside),
        cmocka_unit_test(test_sanitize_keeps_printable),
        cmocka_unit_test(test_sanitize_long_random),
        cmocka_unit_test(test_sanitize_dup_null),
        cmocka_unit_test(test_text_width),
        cmocka_unit_test(test_text_fit_exact_and_pad),
        cmocka_unit_test(test_text_fit_never_splits_wide),
        cmocka_unit_test(test_time_relative),
        cmocka_unit_test(test_time_rfc3339_and_countdown),
        cmocka_unit_test(test_time_now_override),
        cmocka_unit_test(test_base64_rfc4648),
        cmocka_unit_test(test_osc52_forms),
        cmocka_unit_test(test_osc52_detect),
        cmocka_unit_test(test_arena),
        cmocka_unit_test(test_pool_chunks),
        cmocka_unit_test(test_big_resize),
        cmocka_unit_test(test_buf),
        cmocka_unit_test(test_secure_wipe),
        cmocka_unit_test(test_error_set_safe),
        cmocka_unit_test(test_exit_codes),
        cmocka_unit_test(test_xdg_dir_and_mkdirs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
