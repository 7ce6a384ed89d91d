/* cli_table.c: the CLI's table printer: natural column widths from display widths, shrunk in a
 * chosen order to fit the terminal, cut with an ellipsis, state cells optionally coloured. */
#include "cli_table.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef struct cell {
    char *text;          /* sanitised */
    const char *sgr;     /* static colour escape or NULL */
} cell;

struct cli_table {
    int ncols;
    char *headers[CLI_TABLE_MAX_COLS];
    bool right[CLI_TABLE_MAX_COLS];
    int shrink_order[CLI_TABLE_MAX_COLS];   /* -1: never shrinks */
    int min_width[CLI_TABLE_MAX_COLS];
    cell *cells;                            /* nrows * ncols */
    size_t nrows, cap;
};

cli_table *table_new(int ncols, const char *const *headers)
{
    if (ncols < 1 || ncols > CLI_TABLE_MAX_COLS)
        return NULL;
    cli_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->ncols = ncols;
    for (int c = 0; c < ncols; c++) {
        t->headers[c] = sanitize_dup(headers[c]);
        t->shrink_order[c] = -1;
        if (!t->headers[c]) {
            table_free(t);
            return NULL;
        }
    }
    return t;
}

void table_free(cli_table *t)
{
    if (!t)
        return;
    for (int c = 0; c < t->ncols; c++)
        free(t->headers[c]);
    for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++)
        free(t->cells[i].text);
    free(t->cells);
    free(t);
}

void table_align_right(cli_table *t, int col)
{
    if (t && col >= 0 && col < t->ncols)
        t->right[col] = true;
}

void table_shrink(cli_table *t, int col, int order, int min_width)
{
    if (t && col >= 0 && col < t->ncols) {
        t->shrink_order[col] = order;
        t->min_width[col] = min_width < 1 ? 1 : min_width;
    }
}

bool table_add_row(cli_table *t, const char *const *cells, const char *const *sgr)
{
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        cell *n = realloc(t->cells, cap * (size_t)t->ncols * sizeof *n);
        if (!n)
            return false;
        t->cells = n;
        t->cap = cap;
    }
    cell *row = t->cells + t->nrows * (size_t)t->ncols;
    for (int c = 0; c < t->ncols; c++) {
        const char *s = cells[c] ? cells[c] : "-";
        row[c].text = sanitize_dup(s);
        row[c].sgr = sgr ? sgr[c] : NULL;
        if (!row[c].text) {
            for (int k = 0; k < c; k++)
                free(row[k].text);
            return false;
        }
    }
    t->nrows++;
    return true;
}

/* Shrink the shrinkable columns, lowest order first, each down to `floor` (or its minimum). */
static int shrink_pass(const cli_table *t, int *w, int total, int width, bool use_min)
{
    for (int order = 0; order < CLI_TABLE_MAX_COLS && total > width; order++) {
        for (int c = 0; c < t->ncols && total > width; c++) {
            if (t->shrink_order[c] != order)
                continue;
            int floor = use_min ? t->min_width[c] : 1;
            int take = w[c] - floor;
            if (take <= 0)
                continue;
            if (take > total - width)
                take = total - width;
            w[c] -= take;
            total -= take;
        }
    }
    return total;
}

static void layout(const cli_table *t, int width, int *w)
{
    int total = 2 * (t->ncols - 1);
    for (int c = 0; c < t->ncols; c++) {
        w[c] = text_width(t->headers[c]);
        for (size_t r = 0; r < t->nrows; r++) {
            int cw = text_width(t->cells[r * (size_t)t->ncols + c].text);
            if (cw > w[c])
                w[c] = cw;
        }
        total += w[c];
    }
    if (width <= 0 || total <= width)
        return;
    total = shrink_pass(t, w, total, width, true);
    if (total > width)
        shrink_pass(t, w, total, width, false);
}

static void put_cell(sk_buf *b, const char *text, const char *sgr, int w, bool right,
                     bool last, bool color, bool utf8)
{
    int tw = text_width(text);
    int pad = tw < w ? w - tw : 0;
    if (right)
        for (int k = 0; k < pad; k++)
            buf_addc(b, ' ');
    bool paint = color && sgr;
    if (paint)
        buf_adds(b, sgr);
    int written = text_fit(b, text, w, false, utf8);
    if (paint)
        buf_adds(b, "\033[0m");
    if (!right)
        pad = written < w ? w - written : 0;
    if (!right && !last)
        for (int k = 0; k < pad; k++)
            buf_addc(b, ' ');
}

static void put_row(FILE *f, const cli_table *t, const int *w, char *const *texts,
                    const cell *row, bool color, bool utf8)
{
    sk_buf b;
    buf_init(&b);
    for (int c = 0; c < t->ncols; c++) {
        if (c > 0)
            buf_adds(&b, "  ");
        const char *text = row ? row[c].text : texts[c];
        const char *sgr = row ? row[c].sgr : NULL;
        put_cell(&b, text, sgr, w[c], t->right[c], c == t->ncols - 1, color, utf8);
    }
    /* A right-aligned or cut last column can leave trailing blanks: drop them. */
    while (b.len > 0 && b.s[b.len - 1] == ' ')
        b.s[--b.len] = '\0';
    if (b.s)
        fputs(b.s, f);
    fputc('\n', f);
    buf_free(&b);
}

void table_print(const cli_table *t, FILE *f, int width, bool color, bool utf8)
{
    int w[CLI_TABLE_MAX_COLS];
    layout(t, width, w);
    put_row(f, t, w, t->headers, NULL, color, utf8);
    for (size_t r = 0; r < t->nrows; r++)
        put_row(f, t, w, NULL, t->cells + r * (size_t)t->ncols, color, utf8);
}
