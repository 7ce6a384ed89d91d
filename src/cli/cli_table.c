/* cli_table.c: the CLI's table printer: natural column widths from display widths, shrunk by
 * ordered passes to fit the terminal, cut with an ellipsis, state cells optionally coloured. */
#include "cli_table.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "text.h"

#define MAX_PASSES 32

typedef struct cell {
    char *text;          /* sanitised */
    char *shrt;          /* sanitised shorter form, or NULL */
    const char *sgr;     /* static colour escape or NULL */
} cell;

typedef struct pass { int col, order, min; } pass;

struct cli_table {
    int ncols;
    char *headers[CLI_TABLE_MAX_COLS];
    char *head_short[CLI_TABLE_MAX_COLS];
    bool right[CLI_TABLE_MAX_COLS];
    pass passes[MAX_PASSES];
    int npasses;
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
        t->headers[c] = text_sanitize_dup(headers[c]);
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
    for (int c = 0; c < t->ncols; c++) {
        free(t->headers[c]);
        free(t->head_short[c]);
    }
    for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++) {
        free(t->cells[i].text);
        free(t->cells[i].shrt);
    }
    free(t->cells);
    free(t);
}

void table_header_short(cli_table *t, int col, const char *shrt)
{
    if (t && col >= 0 && col < t->ncols) {
        free(t->head_short[col]);
        t->head_short[col] = text_sanitize_dup(shrt);
    }
}

void table_align_right(cli_table *t, int col)
{
    if (t && col >= 0 && col < t->ncols)
        t->right[col] = true;
}

void table_shrink(cli_table *t, int col, int order, int min_width)
{
    if (!t || col < 0 || col >= t->ncols || t->npasses == MAX_PASSES)
        return;
    /* Kept sorted by order (stable), so layout() runs them as they come. */
    int i = t->npasses++;
    while (i > 0 && t->passes[i - 1].order > order) {
        t->passes[i] = t->passes[i - 1];
        i--;
    }
    t->passes[i] = (pass){ col, order, min_width };
}

static bool cell_set(cell *c, const char *text, const char *shrt, const char *sgr)
{
    c->text = text_sanitize_dup(text ? text : "-");
    c->shrt = shrt ? text_sanitize_dup(shrt) : NULL;
    c->sgr = sgr;
    return c->text && (!shrt || c->shrt);
}

bool table_add_row(cli_table *t, const char *const *cells, const char *const *shorts,
                   const char *const *sgr)
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
        if (!cell_set(&row[c], cells[c], shorts ? shorts[c] : NULL, sgr ? sgr[c] : NULL)) {
            for (int k = 0; k <= c; k++) {
                free(row[k].text);
                free(row[k].shrt);
            }
            return false;
        }
    }
    t->nrows++;
    return true;
}

typedef struct widths {
    int w[CLI_TABLE_MAX_COLS];
    int content[CLI_TABLE_MAX_COLS];   /* widest cell, header excluded */
    int head[CLI_TABLE_MAX_COLS];      /* header width */
    bool hidden[CLI_TABLE_MAX_COLS];
    int total;
} widths;

/* Take column c down to `floor` (0 hides it with its separator), no further than needed. */
static void shrink_to(widths *L, int c, int floor, int width)
{
    if (L->hidden[c] || L->total <= width)
        return;
    if (floor == 0) {
        L->total -= L->w[c] + 2;
        L->w[c] = 0;
        L->hidden[c] = true;
        return;
    }
    int take = L->w[c] - floor;
    if (take <= 0)
        return;
    if (take > L->total - width)
        take = L->total - width;
    L->w[c] -= take;
    L->total -= take;
}

static void measure(const cli_table *t, widths *L)
{
    memset(L, 0, sizeof *L);
    L->total = 2 * (t->ncols - 1);
    for (int c = 0; c < t->ncols; c++) {
        for (size_t r = 0; r < t->nrows; r++) {
            int cw = text_width(t->cells[r * (size_t)t->ncols + c].text);
            if (cw > L->content[c])
                L->content[c] = cw;
        }
        int hw = L->head[c] = text_width(t->headers[c]);
        L->w[c] = hw > L->content[c] ? hw : L->content[c];
        L->total += L->w[c];
    }
}

static void layout(const cli_table *t, int width, widths *L)
{
    measure(t, L);
    if (width <= 0)
        return;
    for (int i = 0; i < t->npasses && L->total > width; i++) {
        const pass *p = &t->passes[i];
        int floor = p->min == TABLE_MIN_CONTENT ? L->content[p->col] : p->min;
        shrink_to(L, p->col, floor < 1 && p->min != 0 ? 1 : floor, width);
    }
    /* Last resort: every column that may shrink, down to a single cell. */
    for (int i = 0; i < t->npasses && L->total > width; i++)
        if (t->passes[i].min != 0)
            shrink_to(L, t->passes[i].col, 1, width);
    /* Hiding a column may free more than was needed: the first to give way regain first. */
    for (int i = 0; i < t->npasses && L->total < width; i++) {
        int c = t->passes[i].col;
        int natural = L->content[c] > L->head[c] ? L->content[c] : L->head[c];
        int give = natural - L->w[c];
        if (L->hidden[c] || give <= 0)
            continue;
        if (give > width - L->total)
            give = width - L->total;
        L->w[c] += give;
        L->total += give;
    }
}

static void put_cell(sk_buf *b, const cell *cl, const cell *header, int w, bool right,
                     bool last, bool color, bool utf8)
{
    if (!cl)
        cl = header;
    const char *text = cl->text;
    int tw = text_width(text);
    if (tw > w && cl->shrt && text_width(cl->shrt) <= w) {
        text = cl->shrt;
        tw = text_width(text);
    }
    int pad = tw < w ? w - tw : 0;
    if (right)
        for (int k = 0; k < pad; k++)
            buf_addc(b, ' ');
    bool paint = color && cl->sgr;
    if (paint)
        buf_adds(b, cl->sgr);
    int written = text_fit(b, text, w, false, utf8);
    if (paint)
        buf_adds(b, "\033[0m");
    if (!right)
        pad = written < w ? w - written : 0;
    if (!right && !last)
        for (int k = 0; k < pad; k++)
            buf_addc(b, ' ');
}

static void put_row(FILE *f, const cli_table *t, const widths *L, const cell *row, bool color,
                    bool utf8)
{
    sk_buf b;
    buf_init(&b);
    int last = t->ncols - 1;
    while (last > 0 && L->hidden[last])
        last--;
    bool first = true;
    for (int c = 0; c <= last; c++) {
        if (L->hidden[c])
            continue;
        if (!first)
            buf_adds(&b, "  ");
        first = false;
        cell head = { t->headers[c], t->head_short[c], NULL };
        put_cell(&b, row ? &row[c] : NULL, &head, L->w[c], t->right[c], c == last, color, utf8);
    }
    /* A cut last column can leave trailing blanks: drop them. */
    while (b.len > 0 && b.s[b.len - 1] == ' ')
        b.s[--b.len] = '\0';
    if (b.s)
        fputs(b.s, f);
    fputc('\n', f);
    buf_free(&b);
}

void table_print(const cli_table *t, FILE *f, int width, bool color, bool utf8)
{
    widths L;
    layout(t, width, &L);
    put_row(f, t, &L, NULL, color, utf8);
    for (size_t r = 0; r < t->nrows; r++)
        put_row(f, t, &L, t->cells + r * (size_t)t->ncols, color, utf8);
}
