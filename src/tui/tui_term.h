/* tui_term.h: a correction to curses' own output (tui_term.c says why). */
#ifndef SKDASH_TUI_TERM_H
#define SKDASH_TUI_TERM_H

/* Right after initscr() or newterm(): puts curses in the state where a frame goes out in
 * writes of its whole output buffer rather than one write per cursor move. */
void tui_term_buffered(void);

#endif
