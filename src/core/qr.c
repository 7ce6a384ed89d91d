/* qr.c: QR codes through libqrencode, rendered as text a phone can scan off a terminal:
 * half blocks (two module rows per text row) or "##" pairs for terminals without UTF-8. */
#include "qr.h"

#include <errno.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

static QRecLevel ecc_level(sk_qr_ecc ecc)
{
    switch (ecc) {
    case SK_QR_ECC_L: return QR_ECLEVEL_L;
    case SK_QR_ECC_Q: return QR_ECLEVEL_Q;
    case SK_QR_ECC_H: return QR_ECLEVEL_H;
    default: return QR_ECLEVEL_M;
    }
}

sk_status qr_encode(const char *text, sk_qr_ecc ecc, sk_qr *out, sk_error *err)
{
    out->width = 0;
    out->dark = NULL;
    if (!text || !*text) {
        sk_error_set(err, SK_ERR_USAGE, "nothing to encode as a QR code");
        return SK_ERR_USAGE;
    }
    /* 8-bit mode, case-sensitive, smallest version that holds the text. */
    errno = 0;
    QRcode *code = QRcode_encodeString(text, 0, ecc_level(ecc), QR_MODE_8, 1);
    if (!code) {
        if (errno == ENOMEM) {
            sk_error_set(err, SK_ERR_NOMEM, "out of memory encoding a QR code");
            return SK_ERR_NOMEM;
        }
        sk_error_set(err, SK_ERR_USAGE, "text too long for a QR code (%zu bytes)", strlen(text));
        return SK_ERR_USAGE;
    }
    size_t n = (size_t)code->width * (size_t)code->width;
    out->dark = malloc(n);
    if (!out->dark) {
        QRcode_free(code);
        sk_error_set(err, SK_ERR_NOMEM, "out of memory encoding a QR code");
        return SK_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        out->dark[i] = code->data[i] & 1;   /* bit 0 is the module; the rest is libqrencode's */
    out->width = code->width;
    QRcode_free(code);
    return SK_OK;
}

void qr_free(sk_qr *q)
{
    if (!q)
        return;
    free(q->dark);
    q->dark = NULL;
    q->width = 0;
}

bool qr_dark_at(const sk_qr *q, int quiet, int x, int y)
{
    if (!q || !q->dark)
        return false;
    x -= quiet;
    y -= quiet;
    if (x < 0 || y < 0 || x >= q->width || y >= q->width)
        return false;
    return q->dark[(size_t)y * (size_t)q->width + (size_t)x] != 0;
}

void qr_cells(const sk_qr *q, int quiet, sk_qr_style style, int *cols, int *rows)
{
    int side = (q ? q->width : 0) + 2 * (quiet > 0 ? quiet : 0);
    if (style == SK_QR_TWO_CHAR) {
        *cols = 2 * side;
        *rows = side;
    } else {
        *cols = side;
        *rows = (side + 1) / 2;
    }
}

static bool render_half(sk_buf *b, const sk_qr *q, int quiet, int side)
{
    bool ok = true;
    for (int y = 0; ok && y < side; y += 2) {
        for (int x = 0; ok && x < side; x++) {
            bool top = qr_dark_at(q, quiet, x, y), bottom = qr_dark_at(q, quiet, x, y + 1);
            ok = buf_adds(b, top && bottom ? "\xe2\x96\x88" : top ? "\xe2\x96\x80"
                             : bottom ? "\xe2\x96\x84" : " ");
        }
        ok = ok && buf_addc(b, '\n');
    }
    return ok;
}

static bool render_two(sk_buf *b, const sk_qr *q, int quiet, int side)
{
    bool ok = true;
    for (int y = 0; ok && y < side; y++) {
        for (int x = 0; ok && x < side; x++)
            ok = buf_add(b, qr_dark_at(q, quiet, x, y) ? "##" : "  ", 2);
        ok = ok && buf_addc(b, '\n');
    }
    return ok;
}

char *qr_render(const sk_qr *q, int quiet, sk_qr_style style)
{
    if (!q || !q->dark || q->width <= 0)
        return NULL;
    if (quiet < 0)
        quiet = 0;
    int side = q->width + 2 * quiet;
    sk_buf b;
    buf_init(&b);
    bool ok = style == SK_QR_TWO_CHAR ? render_two(&b, q, quiet, side)
                                      : render_half(&b, q, quiet, side);
    if (!ok) {
        buf_free(&b);
        return NULL;
    }
    return b.s;
}

static bool fits(const sk_qr *q, int quiet, sk_qr_style style, int cols, int rows)
{
    int c, r;
    qr_cells(q, quiet, style, &c, &r);
    return c <= cols && r <= rows;
}

bool qr_fit(const char *text, int cols, int rows, sk_qr_style style, sk_qr *out, int *quiet,
            sk_error *err)
{
    /* Most robust first: a full quiet zone at ECC M, then a thinner zone, then less
     * error correction (a smaller symbol) with the thin zone. */
    static const struct { sk_qr_ecc ecc; int quiet; } tries[] = {
        { SK_QR_ECC_M, 4 }, { SK_QR_ECC_M, 2 }, { SK_QR_ECC_L, 2 },
    };
    sk_qr q = { 0, NULL };
    sk_qr_ecc have = SK_QR_ECC_H;   /* which level q holds; H is never tried */
    int need_c = 0, need_r = 0;
    for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++) {
        if (!q.dark || have != tries[i].ecc) {
            qr_free(&q);
            if (qr_encode(text, tries[i].ecc, &q, err) != SK_OK)
                break;
            have = tries[i].ecc;
        }
        if (fits(&q, tries[i].quiet, style, cols, rows)) {
            *out = q;
            if (quiet)
                *quiet = tries[i].quiet;
            return true;
        }
        qr_cells(&q, tries[i].quiet, style, &need_c, &need_r);
    }
    if (q.dark)
        sk_error_set(err, SK_ERR_USAGE, "a QR code needs %dx%d cells, only %dx%d available",
                     need_c, need_r, cols, rows);
    qr_free(&q);
    out->width = 0;
    out->dark = NULL;
    return false;
}
