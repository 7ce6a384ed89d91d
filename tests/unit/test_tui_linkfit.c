/* test_tui_linkfit.c: the QR code as the link view fits it: quiet zone 4, then 2, then ECC L,
 * beside the text when there is room, above-below otherwise, and no code (the link stays as
 * text) when nothing fits; the code never overlaps the text or leaves the window. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "qr.h"
#include "text.h"
#include "../../src/tui/tui_linkfit.h"

static const char *link60 = "https://acme.scalekit.dev/magic/Zb3kq9Xw2LmP7rT1vYc8Hn4sJd6fGa";

static void check_inside(const linkfit *f, const sk_qr *qr, int cols, int rows)
{
    int qc, qrows;
    qr_cells(qr, f->quiet, SK_QR_HALF_BLOCKS, &qc, &qrows);
    assert_int_equal(qc, f->qr_cols);
    assert_int_equal(qrows, f->qr_rows);
    assert_true(f->qr_x >= 0 && f->qr_y >= 0);
    assert_true(f->qr_x + f->qr_cols <= cols);
    assert_true(f->qr_y + f->qr_rows <= rows);
    if (f->side) {
        assert_true(f->text_x >= f->qr_x + f->qr_cols);      /* text right of the code */
        assert_true(f->text_w >= LINKFIT_TEXT_MIN);
        assert_true(f->text_x + f->text_w <= cols);
    } else {
        assert_true(f->text_y + f->text_rows <= f->qr_y);    /* text above the code */
    }
    assert_true(linkfit_text_rows(link60, f->text_w) <= (f->side ? rows : f->text_rows));
    /* What is drawn is exactly that wide and high. */
    char *txt = qr_render(qr, f->quiet, SK_QR_HALF_BLOCKS);
    assert_non_null(txt);
    int lines = 0;
    for (char *p = txt, *nl; p && *p; p = nl ? nl + 1 : NULL, lines++) {
        nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        assert_int_equal(text_width(p), f->qr_cols);
    }
    assert_int_equal(lines, f->qr_rows);
    free(txt);
}

static void test_roomy_window(void **st)
{
    (void)st;
    sk_qr qr;
    linkfit f;
    linkfit_compute(link60, 120, 40, SK_QR_HALF_BLOCKS, &qr, &f);
    assert_true(f.fits);
    assert_true(f.side);
    assert_int_equal(f.quiet, 4);
    check_inside(&f, &qr, 120, 40);
    qr_free(&qr);
}

/* Shrinking the window: the code only ever gets smaller (quiet 4 -> 2 -> ECC L), stays inside,
 * and once it cannot fit, it is gone and the text takes the window. */
static void test_shrinking(void **st)
{
    (void)st;
    int last_quiet = 4, last_width = 1000;
    bool gone = false;
    for (int rows = 40; rows >= 8; rows--) {
        sk_qr qr;
        linkfit f;
        linkfit_compute(link60, 80, rows, SK_QR_HALF_BLOCKS, &qr, &f);
        if (!f.fits) {
            assert_int_equal(qr.width, 0);
            assert_null(qr.dark);
            assert_int_equal(f.text_w, 80);
            gone = true;
            continue;
        }
        assert_false(gone);   /* no code at a size, then a code again when smaller */
        assert_true(f.quiet <= last_quiet);
        assert_true(qr.width <= last_width);
        last_quiet = f.quiet;
        last_width = qr.width;
        check_inside(&f, &qr, 80, rows);
        qr_free(&qr);
    }
    assert_true(gone);
    assert_int_equal(last_quiet, 2);
}

/* 80x24 (23 rows for the view): a 60-character link still gets its code. */
static void test_80x24(void **st)
{
    (void)st;
    sk_qr qr;
    linkfit f;
    linkfit_compute(link60, 80, 23, SK_QR_HALF_BLOCKS, &qr, &f);
    assert_true(f.fits);
    check_inside(&f, &qr, 80, 23);
    qr_free(&qr);
}

static void test_stacked_when_narrow(void **st)
{
    (void)st;
    sk_qr qr;
    linkfit f;
    linkfit_compute(link60, 50, 60, SK_QR_HALF_BLOCKS, &qr, &f);
    assert_true(f.fits);
    assert_false(f.side);
    check_inside(&f, &qr, 50, 60);
    qr_free(&qr);
}

static void test_no_link(void **st)
{
    (void)st;
    sk_qr qr;
    linkfit f;
    linkfit_compute(NULL, 100, 40, SK_QR_HALF_BLOCKS, &qr, &f);
    assert_false(f.fits);
    assert_int_equal(qr.width, 0);
    linkfit_compute("", 100, 40, SK_QR_HALF_BLOCKS, &qr, &f);
    assert_false(f.fits);
    linkfit_compute(link60, 0, 0, SK_QR_HALF_BLOCKS, &qr, &f);
    assert_false(f.fits);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roomy_window),
        cmocka_unit_test(test_shrinking),
        cmocka_unit_test(test_80x24),
        cmocka_unit_test(test_stacked_when_narrow),
        cmocka_unit_test(test_no_link),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
