/* tui_term.c: see tui_term.h.
 *
 * ncurses (6.4, and still in 6.4-20230311) flushes its output at every internal cursor move
 * while its screen is in the state newterm() leaves it in (_nc_mvcur: "flush the output if the
 * screen has not been initialized, e.g., when used from low-level terminfo programs"). The
 * screen leaves that state only in doupdate() coming back from endwin(). Until then a frame of
 * the dashboard went out as one write() per cursor move: about a hundred writes of a line or
 * less for a 120x40 frame, as many packets over SSH, and a terminal could show half a frame.
 * One endwin()/refresh() round at start makes the screen "running"; a frame then goes out in
 * writes of the whole buffer ((2 + LINES) x (6 + COLS) bytes).
 *
 * What the terminal sees of the round: initscr()'s output is still in curses' buffer when
 * endwin() flushes it, so entering and leaving the alternate screen arrive in one write (the
 * shell's screen, shown until then, stays), and refresh() enters it again and clears it.
 */
#include "tui_term.h"

#include <curses.h>

void tui_term_buffered(void)
{
    if (isendwin())
        return;
    endwin();
    refresh();
}
