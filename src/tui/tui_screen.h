/* tui_screen.h: the thin layer that copies rendered lines (text + roles) to curses. */
#ifndef TUI_SCREEN_H
#define TUI_SCREEN_H

#include "tui_line.h"

/* Draw `l` at (y, x), cut to `width` columns and padded with blanks of the line's last role
 * (pad_role) up to it; `extra` attributes (A_REVERSE for the cursor row) are added to every span. */
void screen_put(int y, int x, const tui_line *l, int width, unsigned long extra, tui_role pad_role);
/* Blank `width` columns at (y, x) in `role`. */
void screen_blank(int y, int x, int width, tui_role role);
/* Safe text straight to the screen (one span). */
void screen_text(int y, int x, tui_role role, const char *safe, int width);

#endif
