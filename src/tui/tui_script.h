/* tui_script.h: the dashboard driven by a script of keys instead of a terminal (SKDASH_SCRIPT),
 * its screens dumped as text for the golden-screen tests; the language is in tui_script.c. */
#ifndef TUI_SCRIPT_H
#define TUI_SCRIPT_H

#include <stdbool.h>
#include <wchar.h>

struct tui_app;

/* SKDASH_SCRIPT is set: no terminal is used or needed. */
bool tui_script_on(void);

/* Reads the script and starts curses on a known terminfo entry that writes to /dev/null and
 * reads from /dev/null, sized by the script's leading ":size" (80x24 without one). False, said
 * on stderr, when the script or the terminal description cannot be had. */
bool tui_script_start(void);

/* The descriptor the loop waits on for input. Without a script, fd itself. With one, a
 * descriptor that is always readable while the script has a step to take and never readable
 * while it waits for the dashboard to be idle (busy: requests pending or a listing going on). */
int tui_script_input_fd(int fd, bool busy);

/* get_wch() without a script. With one: runs the script's commands that are due (:size, :wait,
 * :dump, :quit) and gives its next key (at most one per turn of the loop, so every key's effect
 * is drawn before the next one); ERR when there is none this turn. The script's end, :quit or
 * a bounded wait that runs out end the dashboard (the last with exit code 1). */
int tui_script_get_wch(struct tui_app *a, bool busy, wint_t *wc);

/* Where a sequence meant for the terminal itself goes (the OSC 52 clipboard, the reset after a
 * crash): fd without a script, /dev/null with one, so script mode never writes to the real
 * terminal. Async-signal-safe once tui_script_on() has been asked (term_start does). */
int tui_script_output_fd(int fd);

#endif
