/* vtpty.h: the real dashboard on a pty (forkpty) whose output feeds a terminal emulator
 * (libvterm), so a bench reads the screen a user would see, as soon as the bytes are there,
 * instead of polling a terminal multiplexer. Shared by bench_keys and bench_screen. */
#ifndef BENCH_VTPTY_H
#define BENCH_VTPTY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"

typedef struct bench_term {
    int fd;
    pid_t pid;
    int rows, cols;
    struct VTerm *vt;
    struct VTermScreen *vs;
    bool eof;          /* the child closed the pty */
    double t_fork;     /* bench_now_ms() just before forkpty: a start's clock */
} bench_term;

/* Starts path (no arguments) on a rows x cols pty. The environment is the caller's. */
bool bench_term_start(bench_term *t, const char *path, int rows, int cols);
/* Types q, waits up to 5 s for the child to end (reading the pty meanwhile), then kills it. */
void bench_term_stop(bench_term *t);
/* Reads what the pty has within timeout_ms (0: only what is there now) into the emulator and
 * answers the terminal's queries. Returns the number of bytes read. */
size_t bench_term_pump(bench_term *t, int timeout_ms);
/* Screen row y as UTF-8 text, trailing blanks cut (only_reverse: only its cells in reverse
 * video); *reverse (when not NULL) gets how many of its cells are in reverse video. */
void bench_term_row(const bench_term *t, int y, bool only_reverse, char *buf, size_t n,
                    int *reverse);
/* The first "N shown" on the screen (the dashboard's header), or -1. */
long bench_term_shown(const bench_term *t);
/* The listing is over: the header does not say loading and its second line ends "total N". */
bool bench_term_listed(const bench_term *t, long n);

/* A private home for the dashboard under test: dir (a mkdtemp template, rewritten) gets
 * skdash/config with cfg's environment and credentials (the secret in a 0600 file, never on a
 * command line); XDG_CONFIG_HOME, XDG_CACHE_HOME and XDG_STATE_HOME name dir, TERM and the
 * locale are set, and the variables that would change what the dashboard reads or shows are
 * cleared; with cache false SKDASH_NO_CACHE is set. False when it could not be made (nothing is
 * left to remove then). */
bool bench_dash_home(char *dir, const sk_config *cfg, bool cache);
/* Removes dir and all the dashboard wrote there (journal, state, cache); false on failure. */
bool bench_dash_home_remove(const char *dir);

#endif
