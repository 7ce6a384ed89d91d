/* tui_linkfit.c: the link view's geometry, apart from curses so it can be tested: the largest
 * arrangement of text and QR code that fits the window. */
#include "tui_linkfit.h"

#include <string.h>

#include "text.h"

#define TEXT_FIXED_ROWS 6   /* title, account, state, expiry, blank, "Link:" */

int linkfit_text_rows(const char *link, int width)
{
    if (width < 1)
        width = 1;
    int w = link ? text_width(link) : 0;
    int link_rows = w > 0 ? (w + width - 1) / width : 1;
    return TEXT_FIXED_ROWS + link_rows;
}

static bool try_fit(const char *link, int cols, int rows, sk_qr_style style, sk_qr *qr, int *quiet)
{
    sk_error err;
    if (cols < 1 || rows < 1)
        return false;
    return qr_fit(link, cols, rows, style, qr, quiet, &err);
}

void linkfit_compute(const char *link, int cols, int rows, sk_qr_style style, sk_qr *qr,
                     linkfit *out)
{
    memset(out, 0, sizeof *out);
    memset(qr, 0, sizeof *qr);
    if (!link || !*link) {
        out->text_w = cols;
        out->text_rows = rows;
        return;
    }
    /* Beside: the code takes the full height, the text what is left of the width. */
    int side_cols = cols - LINKFIT_TEXT_MIN - LINKFIT_GAP;
    int quiet;
    if (try_fit(link, side_cols, rows, style, qr, &quiet)) {
        int qc, qrows;
        qr_cells(qr, quiet, style, &qc, &qrows);
        int tw = cols - qc - LINKFIT_GAP;
        if (linkfit_text_rows(link, tw) <= rows) {
            *out = (linkfit){ true, true, quiet, 0, 0, qc, qrows, qc + LINKFIT_GAP, 0, tw, rows };
            return;
        }
        qr_free(qr);
        memset(qr, 0, sizeof *qr);
    }
    /* Stacked: the text on top at full width, the code below. */
    int th = linkfit_text_rows(link, cols);
    if (try_fit(link, cols, rows - th - 1, style, qr, &quiet)) {
        int qc, qrows;
        qr_cells(qr, quiet, style, &qc, &qrows);
        *out = (linkfit){ true, false, quiet, (cols - qc) / 2, th + 1, qc, qrows, 0, 0, cols, th };
        return;
    }
    out->text_w = cols;
    out->text_rows = rows;
}
