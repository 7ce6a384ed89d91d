/* tui_screen.c: copying tui_line buffers to curses. The only place rows meet the terminal;
 * everything it writes was sanitized when the line was built. */
#include "tui_screen.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "tui_theme.h"

void screen_put(int y, int x, const tui_line *l, int width, unsigned long extra, tui_role pad_role)
{
    if (width <= 0 || y < 0 || y >= LINES || x >= COLS)
        return;
    tui_line cut;
    line_init(&cut, l->utf8);
    /* Copy, then cut: drawing never runs past the pane it belongs to. */
    for (size_t i = 0; i < l->n; i++) {
        char *piece = strndup(l->text.s + l->spans[i].off, l->spans[i].len);
        if (piece)
            line_add(&cut, l->spans[i].role, piece, -1, false);
        free(piece);
    }
    line_truncate(&cut, width);
    move(y, x);
    for (size_t i = 0; i < cut.n; i++) {
        attrset((attr_t)(theme_attr(cut.spans[i].role) | extra));
        addnstr(cut.text.s + cut.spans[i].off, (int)cut.spans[i].len);
    }
    attrset((attr_t)(theme_attr(pad_role) | extra));
    for (int c = cut.cols; c < width && x + c < COLS; c++)
        addch(' ');
    attrset(A_NORMAL);
    line_free(&cut);
}

void screen_blank(int y, int x, int width, tui_role role)
{
    if (y < 0 || y >= LINES)
        return;
    attrset((attr_t)theme_attr(role));
    move(y, x);
    for (int c = 0; c < width && x + c < COLS; c++)
        addch(' ');
    attrset(A_NORMAL);
}

void screen_text(int y, int x, tui_role role, const char *safe, int width)
{
    tui_line l;
    line_init(&l, true);
    line_add(&l, role, safe, -1, false);
    screen_put(y, x, &l, width, 0, ROLE_NORMAL);
    line_free(&l);
}
