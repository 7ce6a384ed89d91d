/* tui_theme.c: the palette. Colour-blind-safe picks (Okabe-Ito-like, from the 8 basic colours)
 * with bold/underline distinctions, on the terminal's own background so it reads on light and
 * dark terminals; the monochrome column leaves the text labels to carry the states. */
#include "tui_theme.h"

#include <curses.h>
#include <stdlib.h>

#define DEF (-1)

/* Yellow, white and cyan are avoided as text colours: unreadable on light backgrounds. */
static const theme_entry table[ROLE_COUNT] = {
    [ROLE_NORMAL]      = { ROLE_NORMAL, "normal", DEF, DEF, 0, 0 },
    [ROLE_DIM]         = { ROLE_DIM, "dim", DEF, DEF, A_DIM, 0 },
    [ROLE_TITLE]       = { ROLE_TITLE, "title", DEF, DEF, A_BOLD, A_BOLD },
    [ROLE_COLHEAD]     = { ROLE_COLHEAD, "column header", DEF, DEF, A_BOLD | A_UNDERLINE, A_UNDERLINE },
    [ROLE_CURSOR]      = { ROLE_CURSOR, "cursor", DEF, DEF, A_REVERSE, A_REVERSE },
    [ROLE_CURSOR_IDLE] = { ROLE_CURSOR_IDLE, "cursor (pane without focus)", DEF, DEF, A_UNDERLINE, A_UNDERLINE },
    [ROLE_MARK]        = { ROLE_MARK, "mark", COLOR_MAGENTA, DEF, A_BOLD, A_BOLD },
    [ROLE_BADGE]       = { ROLE_BADGE, "read-only badge", COLOR_RED, DEF, A_BOLD | A_REVERSE, A_REVERSE },
    [ROLE_ERROR_MSG]   = { ROLE_ERROR_MSG, "error message", COLOR_RED, DEF, A_BOLD, A_BOLD },
    [ROLE_OK_MSG]      = { ROLE_OK_MSG, "notice", COLOR_BLUE, DEF, 0, 0 },
    [ROLE_KEY]         = { ROLE_KEY, "key", DEF, DEF, A_BOLD, A_BOLD },
    [ROLE_DIALOG]      = { ROLE_DIALOG, "dialog", DEF, DEF, 0, 0 },
    [ROLE_QR]          = { ROLE_QR, "QR code", COLOR_BLACK, COLOR_WHITE, 0, 0 },
    [ROLE_ST_PENDING]  = { ROLE_ST_PENDING, "PENDING", COLOR_BLUE, DEF, A_BOLD, 0 },
    [ROLE_ST_ACTIVE]   = { ROLE_ST_ACTIVE, "ACTIVE", COLOR_GREEN, DEF, 0, 0 },
    [ROLE_ST_EXPIRED]  = { ROLE_ST_EXPIRED, "EXPIRED", COLOR_MAGENTA, DEF, A_BOLD, A_BOLD },
    [ROLE_ST_REVOKED]  = { ROLE_ST_REVOKED, "REVOKED", DEF, DEF, A_UNDERLINE, A_UNDERLINE },
    [ROLE_ST_ERROR]    = { ROLE_ST_ERROR, "ERROR", COLOR_RED, DEF, A_BOLD | A_UNDERLINE, A_BOLD | A_UNDERLINE },
    /* The profile's accent: the colour the user chose; in monochrome bold, and a production
     * profile with none of its own in reverse video either way. */
    [ROLE_ACCENT_RED]     = { ROLE_ACCENT_RED, "accent red", COLOR_RED, DEF, A_BOLD, A_BOLD },
    [ROLE_ACCENT_GREEN]   = { ROLE_ACCENT_GREEN, "accent green", COLOR_GREEN, DEF, A_BOLD, A_BOLD },
    [ROLE_ACCENT_YELLOW]  = { ROLE_ACCENT_YELLOW, "accent yellow", COLOR_YELLOW, DEF, A_BOLD, A_BOLD },
    [ROLE_ACCENT_BLUE]    = { ROLE_ACCENT_BLUE, "accent blue", COLOR_BLUE, DEF, A_BOLD, A_BOLD },
    [ROLE_ACCENT_MAGENTA] = { ROLE_ACCENT_MAGENTA, "accent magenta", COLOR_MAGENTA, DEF, A_BOLD, A_BOLD },
    [ROLE_ACCENT_CYAN]    = { ROLE_ACCENT_CYAN, "accent cyan", COLOR_CYAN, DEF, A_BOLD, A_BOLD },
    [ROLE_ACCENT_PROD]    = { ROLE_ACCENT_PROD, "production profile", COLOR_RED, DEF, A_BOLD | A_REVERSE, A_BOLD | A_REVERSE },
};

static bool mono = true;

const theme_entry *theme_table(void)
{
    return table;
}

bool theme_want_mono(bool no_color_flag, bool has_color)
{
    const char *nc = getenv("NO_COLOR");
    return no_color_flag || (nc && *nc) || !has_color;
}

void theme_init(bool want_mono)
{
    mono = want_mono;
    if (mono)
        return;
    start_color();
    use_default_colors();
    for (int r = 0; r < ROLE_COUNT; r++)
        init_pair((short)(r + 1), table[r].fg, table[r].bg);
}

bool theme_mono(void)
{
    return mono;
}

unsigned long theme_attr(tui_role r)
{
    if ((unsigned)r >= ROLE_COUNT)
        r = ROLE_NORMAL;
    if (mono)
        return table[r].mono_attr;
    return table[r].color_attr | (unsigned long)COLOR_PAIR(r + 1);
}
