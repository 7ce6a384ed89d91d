/* qr.h: text -> libqrencode matrix -> lines of text a phone can scan off a terminal.
 * Dark modules are drawn dark: in the text forms, a full block / half block / "##" is a dark
 * module and a space is a light one (front ends that colour the code use dark-on-light). */
#ifndef QR_H
#define QR_H

#include <stdbool.h>
#include <stddef.h>
#include "sk_status.h"

typedef enum { SK_QR_ECC_L = 0, SK_QR_ECC_M, SK_QR_ECC_Q, SK_QR_ECC_H } sk_qr_ecc;

typedef struct sk_qr {
    int width;              /* modules per side, quiet zone not included */
    unsigned char *dark;    /* width*width, 1 = dark */
} sk_qr;

sk_status qr_encode(const char *text, sk_qr_ecc ecc, sk_qr *out, sk_error *err);
void qr_free(sk_qr *q);
/* Module (x, y) with the quiet zone `quiet` around it: false outside the symbol. */
bool qr_dark_at(const sk_qr *q, int quiet, int x, int y);

typedef enum { SK_QR_HALF_BLOCKS, SK_QR_TWO_CHAR } sk_qr_style;

/* Size in terminal cells of the rendered code with a given quiet zone. */
void qr_cells(const sk_qr *q, int quiet, sk_qr_style style, int *cols, int *rows);
/* Render to a malloc'd string of rows separated by '\n' (UTF-8 for half blocks: U+2588 full,
 * U+2580 upper half, U+2584 lower half; "##"/"  " per module otherwise). */
char *qr_render(const sk_qr *q, int quiet, sk_qr_style style);

/* Fit a code into cols x rows cells: quiet zone 4 at ECC M, then quiet 2, then ECC L (quiet 2).
 * On success out is the encoded code and *quiet the zone to use. Returns false when none fits
 * (out left empty). */
bool qr_fit(const char *text, int cols, int rows, sk_qr_style style, sk_qr *out, int *quiet,
            sk_error *err);

#endif
