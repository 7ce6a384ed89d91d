/* tui.h: the interactive dashboard (ncurses, wide characters). Entered when skdash is run with
 * no subcommand; the command line (src/cli) parses the flags and resolves the configuration. */
#ifndef TUI_H
#define TUI_H

#include <stdbool.h>
#include "config.h"

typedef struct tui_opts {
    int refresh_secs;       /* --refresh SECS; 0 = off (default 0) */
    bool mouse;             /* --mouse */
    bool no_color;          /* --no-color (NO_COLOR in the environment is checked too) */
    int concurrency;        /* --concurrency N */
    bool debug;             /* --debug */
    /* What the command line gave, for :profile (resolved as --profile NAME with these flags
     * would be); NULL: profiles cannot be switched. Must outlive tui_run. */
    const sk_config_flags *flags;
} tui_opts;

/* Runs until the user quits. The terminal is restored on every way out (signals included).
 * Returns a process exit code. */
int tui_run(const sk_config *cfg, const tui_opts *o);

#endif
