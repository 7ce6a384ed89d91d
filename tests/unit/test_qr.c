/* test_qr.c: QR codes: the matrix matches libqrencode's, rendered text has exactly the geometry
 * qr_cells promises with a blank quiet zone, every character matches the modules, and qr_fit
 * steps down quiet zone and error correction as space shrinks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "qr.h"

static const char *const LINK =
    "https://acme.scalekit.dev/magicLink/ca_69f2e1a0b3c4d5e6f7a8b9c0?token=AbCdEfGh12345678&state=a1b2";

static size_t utf8_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            c++;
    return c;
}

/* Split rendered text into lines (the text must end with '\n'). */
static size_t split_lines(char *text, char **lines, size_t max)
{
    size_t n = 0;
    assert_true(strlen(text) > 0);
    assert_int_equal(text[strlen(text) - 1], '\n');
    for (char *p = text; *p && n < max;) {
        char *nl = strchr(p, '\n');
        assert_non_null(nl);
        *nl = '\0';
        lines[n++] = p;
        p = nl + 1;
    }
    return n;
}

static void test_matrix_matches_libqrencode(void **st)
{
    (void)st;
    sk_qr q;
    sk_error err;
    assert_int_equal(qr_encode(LINK, SK_QR_ECC_M, &q, &err), SK_OK);
    QRcode *ref = QRcode_encodeString(LINK, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    assert_non_null(ref);
    assert_int_equal(q.width, ref->width);
    int dark = 0;
    for (int y = 0; y < q.width; y++)
        for (int x = 0; x < q.width; x++) {
            bool want = ref->data[y * ref->width + x] & 1;
            assert_int_equal(qr_dark_at(&q, 0, x, y), want);
            assert_int_equal(qr_dark_at(&q, 3, x + 3, y + 3), want);
            dark += want;
        }
    assert_true(dark > 0 && dark < q.width * q.width);
    /* Finder pattern corner is dark; outside the symbol is light. */
    assert_true(qr_dark_at(&q, 0, 0, 0));
    assert_false(qr_dark_at(&q, 2, 0, 0));
    assert_false(qr_dark_at(&q, 2, 1, 1));
    assert_true(qr_dark_at(&q, 2, 2, 2));
    assert_false(qr_dark_at(&q, 0, -1, 0));
    assert_false(qr_dark_at(&q, 0, q.width, 0));
    assert_false(qr_dark_at(&q, 0, 0, q.width));
    QRcode_free(ref);
    qr_free(&q);
    assert_null(q.dark);
}

static void check_half_blocks(const sk_qr *q, int quiet)
{
    int cols, rows;
    qr_cells(q, quiet, SK_QR_HALF_BLOCKS, &cols, &rows);
    int side = q->width + 2 * quiet;
    assert_int_equal(cols, side);
    assert_int_equal(rows, (side + 1) / 2);
    char *text = qr_render(q, quiet, SK_QR_HALF_BLOCKS);
    assert_non_null(text);
    char *lines[256];
    size_t n = split_lines(text, lines, 256);
    assert_int_equal(n, (size_t)rows);
    for (int r = 0; r < rows; r++) {
        assert_int_equal(utf8_chars(lines[r], strlen(lines[r])), (size_t)cols);
        const char *p = lines[r];
        for (int x = 0; x < cols; x++) {
            bool top = qr_dark_at(q, quiet, x, 2 * r), bot = qr_dark_at(q, quiet, x, 2 * r + 1);
            const char *want = top && bot ? "\xe2\x96\x88" : top ? "\xe2\x96\x80" : bot ? "\xe2\x96\x84" : " ";
            assert_memory_equal(p, want, strlen(want));
            p += strlen(want);
            /* The quiet zone is blank. */
            bool in_quiet = x < quiet || x >= side - quiet || 2 * r + 1 < quiet || 2 * r >= side - quiet;
            if (in_quiet)
                assert_string_not_equal(want, "\xe2\x96\x88");
            if (x < quiet || x >= side - quiet || 2 * r + 1 < quiet || 2 * r >= side - quiet)
                assert_int_equal(*want, ' ');
        }
    }
    free(text);
}

static void check_two_char(const sk_qr *q, int quiet)
{
    int cols, rows;
    qr_cells(q, quiet, SK_QR_TWO_CHAR, &cols, &rows);
    int side = q->width + 2 * quiet;
    assert_int_equal(cols, 2 * side);
    assert_int_equal(rows, side);
    char *text = qr_render(q, quiet, SK_QR_TWO_CHAR);
    assert_non_null(text);
    char *lines[512];
    size_t n = split_lines(text, lines, 512);
    assert_int_equal(n, (size_t)rows);
    for (int y = 0; y < rows; y++) {
        assert_int_equal(strlen(lines[y]), (size_t)cols);
        for (int x = 0; x < side; x++) {
            bool quiet_cell = x < quiet || y < quiet || x >= side - quiet || y >= side - quiet;
            const char *cell = lines[y] + 2 * x;
            if (qr_dark_at(q, quiet, x, y)) {
                assert_false(quiet_cell);
                assert_memory_equal(cell, "##", 2);
            } else {
                assert_memory_equal(cell, "  ", 2);
            }
        }
    }
    free(text);
}

static void test_render_geometry(void **st)
{
    (void)st;
    static const char *const texts[] = { "a", "https://x.io", NULL };
    sk_error err;
    for (int t = 0; t < 3; t++) {
        sk_qr q;
        assert_int_equal(qr_encode(texts[t] ? texts[t] : LINK, SK_QR_ECC_M, &q, &err), SK_OK);
        for (int quiet = 0; quiet <= 4; quiet++) {   /* odd and even sides */
            check_half_blocks(&q, quiet);
            check_two_char(&q, quiet);
        }
        qr_free(&q);
    }
}

static void test_fit_steps(void **st)
{
    (void)st;
    sk_error err;
    sk_qr m, l;
    assert_int_equal(qr_encode(LINK, SK_QR_ECC_M, &m, &err), SK_OK);
    assert_int_equal(qr_encode(LINK, SK_QR_ECC_L, &l, &err), SK_OK);
    int wm = m.width, wl = l.width;
    assert_true(wl < wm);   /* this link needs a smaller version at ECC L */

    sk_qr out;
    int quiet = -1;
    /* Room for everything: quiet 4 at ECC M. */
    assert_true(qr_fit(LINK, wm + 8, (wm + 9) / 2, SK_QR_HALF_BLOCKS, &out, &quiet, &err));
    assert_int_equal(quiet, 4);
    assert_int_equal(out.width, wm);
    assert_memory_equal(out.dark, m.dark, (size_t)wm * wm);
    qr_free(&out);
    /* One column short: quiet 2, still M. */
    assert_true(qr_fit(LINK, wm + 7, 200, SK_QR_HALF_BLOCKS, &out, &quiet, &err));
    assert_int_equal(quiet, 2);
    assert_int_equal(out.width, wm);
    qr_free(&out);
    /* Rows are a limit too. */
    assert_true(qr_fit(LINK, 500, (wm + 8 + 1) / 2 - 1, SK_QR_HALF_BLOCKS, &out, &quiet, &err));
    assert_int_equal(quiet, 2);
    qr_free(&out);
    /* Too tight for M at all: ECC L with quiet 2. */
    assert_true(qr_fit(LINK, wm + 3, 200, SK_QR_HALF_BLOCKS, &out, &quiet, &err));
    assert_int_equal(quiet, 2);
    assert_int_equal(out.width, wl);
    assert_memory_equal(out.dark, l.dark, (size_t)wl * wl);
    qr_free(&out);
    /* The exact minimum fits, one less does not. */
    assert_true(qr_fit(LINK, wl + 4, (wl + 5) / 2, SK_QR_HALF_BLOCKS, &out, &quiet, &err));
    qr_free(&out);
    out.width = 99;
    assert_false(qr_fit(LINK, wl + 3, 200, SK_QR_HALF_BLOCKS, &out, &quiet, &err));
    assert_int_equal(out.width, 0);
    assert_null(out.dark);
    assert_true(strlen(err.message) > 0);
    assert_false(qr_fit(LINK, 200, (wl + 5) / 2 - 1, SK_QR_HALF_BLOCKS, &out, &quiet, &err));

    /* Two-char style needs twice the columns and one row per module. */
    assert_true(qr_fit(LINK, 2 * (wm + 8), wm + 8, SK_QR_TWO_CHAR, &out, &quiet, &err));
    assert_int_equal(quiet, 4);
    qr_free(&out);
    assert_true(qr_fit(LINK, 2 * (wm + 8) - 1, wm + 8, SK_QR_TWO_CHAR, &out, &quiet, &err));
    assert_int_equal(quiet, 2);
    qr_free(&out);
    assert_false(qr_fit(LINK, 2 * (wl + 4) - 1, 500, SK_QR_TWO_CHAR, &out, &quiet, &err));
    qr_free(&m);
    qr_free(&l);
}

static void test_encode_errors(void **st)
{
    (void)st;
    sk_qr q;
    sk_error err;
    assert_int_equal(qr_encode("", SK_QR_ECC_M, &q, &err), SK_ERR_USAGE);
    assert_null(q.dark);
    assert_int_equal(qr_encode(NULL, SK_QR_ECC_M, &q, &err), SK_ERR_USAGE);
    char *huge = malloc(5000);
    memset(huge, 'x', 4999);
    huge[4999] = '\0';
    assert_int_not_equal(qr_encode(huge, SK_QR_ECC_M, &q, &err), SK_OK);
    assert_null(q.dark);
    int quiet;
    assert_false(qr_fit(huge, 1000, 1000, SK_QR_HALF_BLOCKS, &q, &quiet, &err));
    free(huge);
    assert_null(qr_render(NULL, 4, SK_QR_HALF_BLOCKS));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix_matches_libqrencode),
        cmocka_unit_test(test_render_geometry),
        cmocka_unit_test(test_fit_steps),
        cmocka_unit_test(test_encode_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
