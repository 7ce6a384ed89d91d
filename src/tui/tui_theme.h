/* tui_theme.h: colour roles -> curses attributes, through one table with a colour column and a
 * monochrome column (ncdu UI_COLORS / htop CRT_colorSchemes style). */
#ifndef TUI_THEME_H
#define TUI_THEME_H

#include <stdbool.h>
#include "tui_line.h"

typedef struct theme_entry {
    tui_role role;
    const char *name;
    short fg, bg;           /* basic colours; -1 = the terminal's own (use_default_colors) */
    unsigned long color_attr;   /* A_BOLD ... added in colour mode */
    unsigned long mono_attr;    /* the whole look in monochrome */
} theme_entry;

/* The table, indexed by role. */
const theme_entry *theme_table(void);
/* Monochrome when --no-color, NO_COLOR is set and non-empty, or the terminal has no colour
 * (has_color false: pass the terminal's answer). */
bool theme_want_mono(bool no_color_flag, bool has_color);
/* After initscr(): set up colour pairs (or not, in monochrome). */
void theme_init(bool mono);
bool theme_mono(void);
/* The curses attribute (pair included) of a role. */
unsigned long theme_attr(tui_role r);

#endif
