/* tui_linkfit.h: where the link view puts the QR code and the text for a window size: the code
 * fitted with qr_fit (quiet zone 4, then 2, then ECC L) beside the text when there is room,
 * above-below otherwise, or not at all (then the link stays available as text). */
#ifndef TUI_LINKFIT_H
#define TUI_LINKFIT_H

#include <stdbool.h>
#include "qr.h"

#define LINKFIT_TEXT_MIN 30   /* narrowest text column beside the code */
#define LINKFIT_GAP 2

typedef struct linkfit {
    bool fits;          /* a code is drawn */
    bool side;          /* code at the left, text to its right */
    int quiet;
    int qr_x, qr_y, qr_cols, qr_rows;
    int text_x, text_y, text_w, text_rows;
} linkfit;

/* Rows the text block needs at `width` columns (title, account, state, expiry, link). */
int linkfit_text_rows(const char *link, int width);
/* Lay out a window of cols x rows. On success *qr holds the fitted code (free with qr_free);
 * when no code fits, out->fits is false, qr is empty and the text takes the window. */
void linkfit_compute(const char *link, int cols, int rows, sk_qr_style style, sk_qr *qr,
                     linkfit *out);

#endif
