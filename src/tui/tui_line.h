/* tui_line.h: one screen row as text plus colour roles (htop RichString style), so rows can be
 * rendered and read back by tests without a terminal; tui_screen.c copies lines to curses. */
#ifndef TUI_LINE_H
#define TUI_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include "buf.h"

/* Semantic colour roles; tui_theme.c maps each to a colour attribute and a monochrome one. */
typedef enum {
    ROLE_NORMAL = 0,
    ROLE_DIM,           /* secondary text: relative times, separators */
    ROLE_TITLE,         /* pane titles, the program name */
    ROLE_COLHEAD,       /* table column headers */
    ROLE_CURSOR,        /* the selected row of the focused pane */
    ROLE_CURSOR_IDLE,   /* the selected row of a pane without focus */
    ROLE_MARK,          /* the mark column of marked rows */
    ROLE_BADGE,         /* READ-ONLY */
    ROLE_ERROR_MSG,     /* the footer's last error */
    ROLE_OK_MSG,        /* confirmations ("copied", "deleted") */
    ROLE_KEY,           /* key names in hints and help */
    ROLE_DIALOG,        /* dialog box body */
    ROLE_QR,            /* QR code: dark modules on light */
    ROLE_ST_PENDING,    /* the five states, in sk_state order */
    ROLE_ST_ACTIVE,
    ROLE_ST_EXPIRED,
    ROLE_ST_REVOKED,
    ROLE_ST_ERROR,
    ROLE_ACCENT_RED,    /* the header's profile name in its accent (accent.h), in accent order */
    ROLE_ACCENT_GREEN,
    ROLE_ACCENT_YELLOW,
    ROLE_ACCENT_BLUE,
    ROLE_ACCENT_MAGENTA,
    ROLE_ACCENT_CYAN,
    ROLE_ACCENT_PROD,   /* a production-looking profile with no accent: it stands out */
    ROLE_COUNT
} tui_role;

typedef struct tui_span {
    size_t off, len;    /* bytes of the line's text */
    int col, cols;      /* screen columns */
    tui_role role;
} tui_span;

typedef struct tui_line {
    sk_buf text;        /* sanitized UTF-8 (or ASCII when !utf8) */
    tui_span *spans;
    size_t n, cap;
    int cols;           /* columns used so far */
    bool utf8;
} tui_line;

void line_init(tui_line *l, bool utf8);
void line_free(tui_line *l);
void line_reset(tui_line *l);
/* Append already-safe text cut to `width` columns (width < 0: as wide as it is), padded to
 * exactly `width` when pad. Returns the columns written. */
int line_add(tui_line *l, tui_role role, const char *safe, int width, bool pad);
/* Same for text from outside (server strings): escaped with text_sanitize first. */
int line_add_raw(tui_line *l, tui_role role, const char *raw, int width, bool pad);
/* printf into the line, no width limit; the formatted text must already be safe. */
int line_addf(tui_line *l, tui_role role, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Pad with spaces of `role` up to column `col`. */
void line_pad_to(tui_line *l, tui_role role, int col);
/* Cut the line to at most `width` columns (keeps spans consistent). */
void line_truncate(tui_line *l, int width);
/* Give every span the role `role` (e.g. a whole row under the cursor) except state roles
 * when keep_states. */
void line_set_role(tui_line *l, tui_role role, bool keep_states);

const char *line_text(const tui_line *l);
/* Role at screen column col (ROLE_NORMAL past the end). */
tui_role line_role_at(const tui_line *l, int col);
/* Column where `needle` starts in the line's text, -1 when absent. */
int line_find_col(const tui_line *l, const char *needle);

/* A growable list of lines (a pane's content). */
typedef struct tui_lines {
    tui_line *v;
    size_t n, cap;
    bool utf8;
} tui_lines;

void lines_init(tui_lines *ls, bool utf8);
void lines_free(tui_lines *ls);
void lines_reset(tui_lines *ls);
/* A fresh empty line at the end (NULL on out-of-memory). */
tui_line *lines_add(tui_lines *ls);
/* Append safe text wrapped to `width` columns (at spaces when it can), each piece a new line
 * starting with `indent` spaces after the first. */
void lines_wrap(tui_lines *ls, tui_role role, const char *safe, int width, int indent);
/* Bytes of s that fit in `width` columns, cutting after a space when one is in the piece and
 * at_space; never splits a character. At least one character when width >= its width. */
size_t text_take(const char *s, int width, bool at_space);

#endif
