/* tui_line.c: a screen row as text + colour-role spans; appending keeps the text safe for a
 * terminal and never splits a wide character. */
#include "tui_line.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "text.h"

void line_init(tui_line *l, bool utf8)
{
    memset(l, 0, sizeof *l);
    buf_init(&l->text);
    l->utf8 = utf8;
}

void line_free(tui_line *l)
{
    buf_free(&l->text);
    free(l->spans);
    l->spans = NULL;
    l->n = l->cap = 0;
}

void line_reset(tui_line *l)
{
    buf_reset(&l->text);
    l->n = 0;
    l->cols = 0;
}

/* Record that the bytes from `off` to the end of the text, `cols` wide, have `role`; a span
 * continuing the previous one's role is merged into it. */
static void span_push(tui_line *l, tui_role role, size_t off, int cols)
{
    size_t len = l->text.len - off;
    if (len == 0)
        return;
    if (l->n && l->spans[l->n - 1].role == role) {
        l->spans[l->n - 1].len += len;
        l->spans[l->n - 1].cols += cols;
    } else {
        if (l->n == l->cap) {
            size_t cap = l->cap ? l->cap * 2 : 8;
            tui_span *s = realloc(l->spans, cap * sizeof *s);
            if (!s)
                return;
            l->spans = s;
            l->cap = cap;
        }
        l->spans[l->n++] = (tui_span){ off, len, l->cols, cols, role };
    }
    l->cols += cols;
}

int line_add(tui_line *l, tui_role role, const char *safe, int width, bool pad)
{
    if (!safe)
        safe = "";
    size_t off = l->text.len;
    int cols;
    if (width < 0) {
        buf_adds(&l->text, safe);
        cols = text_width(safe);
    } else {
        cols = text_fit(&l->text, safe, width, pad, l->utf8);
    }
    span_push(l, role, off, cols);
    return cols;
}

int line_add_raw(tui_line *l, tui_role role, const char *raw, int width, bool pad)
{
    sk_buf b;
    buf_init(&b);
    if (raw)
        text_sanitize(&b, raw, strlen(raw));
    int cols = line_add(l, role, b.s ? b.s : "", width, pad);
    buf_free(&b);
    return cols;
}

int line_addf(tui_line *l, tui_role role, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    return line_add(l, role, tmp, -1, false);
}

void line_pad_to(tui_line *l, tui_role role, int col)
{
    if (col <= l->cols)
        return;
    size_t off = l->text.len;
    int n = col - l->cols;
    for (int i = 0; i < n; i++)
        buf_addc(&l->text, ' ');
    span_push(l, role, off, n);
}

void line_truncate(tui_line *l, int width)
{
    if (width < 0 || l->cols <= width)
        return;
    /* Rebuild: re-fit each span into what is left. */
    tui_line out;
    line_init(&out, l->utf8);
    for (size_t i = 0; i < l->n && out.cols < width; i++) {
        tui_span *s = &l->spans[i];
        char *piece = strndup(l->text.s + s->off, s->len);
        if (!piece)
            break;
        int room = width - out.cols;
        /* Only the span that overflows gets the ellipsis. */
        line_add(&out, s->role, piece, s->cols > room ? room : -1, false);
        free(piece);
    }
    line_free(l);
    *l = out;
}

void line_set_role(tui_line *l, tui_role role, bool keep_states)
{
    for (size_t i = 0; i < l->n; i++) {
        if (keep_states && l->spans[i].role >= ROLE_ST_PENDING && l->spans[i].role <= ROLE_ST_ERROR)
            continue;
        l->spans[i].role = role;
    }
}

const char *line_text(const tui_line *l)
{
    return l->text.s ? l->text.s : "";
}

tui_role line_role_at(const tui_line *l, int col)
{
    for (size_t i = 0; i < l->n; i++)
        if (col >= l->spans[i].col && col < l->spans[i].col + l->spans[i].cols)
            return l->spans[i].role;
    return ROLE_NORMAL;
}

int line_find_col(const tui_line *l, const char *needle)
{
    const char *t = line_text(l);
    const char *p = strstr(t, needle);
    if (!p)
        return -1;
    char *prefix = strndup(t, (size_t)(p - t));
    if (!prefix)
        return -1;
    int w = text_width(prefix);
    free(prefix);
    return w;
}

/* ---------------------------------------------------------------- lists of lines */

void lines_init(tui_lines *ls, bool utf8)
{
    memset(ls, 0, sizeof *ls);
    ls->utf8 = utf8;
}

void lines_free(tui_lines *ls)
{
    for (size_t i = 0; i < ls->cap; i++)
        line_free(&ls->v[i]);
    free(ls->v);
    ls->v = NULL;
    ls->n = ls->cap = 0;
}

void lines_reset(tui_lines *ls)
{
    for (size_t i = 0; i < ls->n; i++)
        line_reset(&ls->v[i]);
    ls->n = 0;
}

tui_line *lines_add(tui_lines *ls)
{
    if (ls->n == ls->cap) {
        size_t cap = ls->cap ? ls->cap * 2 : 16;
        tui_line *v = realloc(ls->v, cap * sizeof *v);
        if (!v)
            return NULL;
        for (size_t i = ls->cap; i < cap; i++)
            line_init(&v[i], ls->utf8);
        ls->v = v;
        ls->cap = cap;
    }
    tui_line *l = &ls->v[ls->n++];
    line_reset(l);
    l->utf8 = ls->utf8;
    return l;
}

size_t text_take(const char *s, int width, bool at_space)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t i = 0, len = strlen(s), last_space = 0;
    int used = 0;
    while (i < len) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, s + i, len - i, &st);
        if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
            n = 1;
            wc = '?';
            memset(&st, 0, sizeof st);
        }
        int w = wcwidth(wc);
        if (w < 0)
            w = 1;
        if (used + w > width)
            break;
        used += w;
        i += n;
        if (wc == ' ')
            last_space = i;
    }
    if (i < len && at_space && last_space > 0)
        return last_space;
    if (i == 0 && len > 0 && width > 0) {
        /* A character wider than the room: take it anyway so wrapping always advances. */
        size_t n = mbrtowc(NULL, s, len, &st);
        return (n == (size_t)-1 || n == (size_t)-2 || n == 0) ? 1 : n;
    }
    return i;
}

void lines_wrap(tui_lines *ls, tui_role role, const char *safe, int width, int indent)
{
    const char *p = safe ? safe : "";
    bool first = true;
    do {
        tui_line *l = lines_add(ls);
        if (!l)
            return;
        int w = width;
        if (!first && indent > 0 && indent < width) {
            line_pad_to(l, role, indent);
            w -= indent;
        }
        size_t n = text_take(p, w, true);
        char *piece = strndup(p, n);
        if (!piece)
            return;
        line_add(l, role, piece, w, false);
        free(piece);
        p += n;
        while (*p == ' ')
            p++;
        first = false;
    } while (*p);
}
