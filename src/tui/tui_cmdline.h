/* tui_cmdline.h: what the command bar (tui_cmdbar.c) does that needs no terminal: the command
 * table's shape, splitting a line into command and argument, completing the word being typed
 * from candidates (Tab, again to cycle), and the history (Up/Down, kept in a file). */
#ifndef TUI_CMDLINE_H
#define TUI_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "view.h"

#define CMDLINE_MAX 512
#define CMDLINE_HISTORY 100

struct tui_app;

/* What a command's argument is, which says what Tab offers for it. */
typedef enum {
    CMD_ARG_NONE = 0,
    CMD_ARG_PROFILE,   /* a profile (section) of the config file */
    CMD_ARG_CONN,      /* a connection of the listing */
    CMD_ARG_VIEW,      /* a saved view of the registry (saved_view.h) */
    CMD_ARG_TEXT,      /* free text (the filter) */
    CMD_ARG_SORT,      /* a sort column */
    CMD_ARG_PATH,      /* a file path */
} cmd_arg;

/* One command of the bar: the table in tui_cmdbar.c drives running, help and completion. */
typedef struct tui_command {
    const char *name;
    const char *alias;   /* a second name (":quit" for ":q"), NULL none */
    cmd_arg arg;
    const char *args;    /* the argument as help writes it ("NAME"), NULL none */
    bool bang;           /* NAME! is accepted (":export! PATH" overwrites) */
    const char *help;
    void (*run)(struct tui_app *a, const char *arg, bool bang);
} tui_command;

/* The command bar's table (tui_cmdbar.c), every command once. */
const tui_command *cmdbar_commands(size_t *n);

/* The line (without its ':') as command word and argument: blanks around both trimmed, a '!'
 * at the end of the word taken off into *bang. False when the line holds no word. */
bool cmdline_split(const char *line, char *name, size_t nn, bool *bang, char *arg, size_t an);
/* The command named name or aliased so (any case) in t, or NULL. */
const tui_command *cmdline_find(const tui_command *t, size_t n, const char *name);
/* The name or alias of t nearest to a mistyped one (nearest.h), or NULL. */
const char *cmdline_nearest(const tui_command *t, size_t n, const char *name);

/* The sort columns by the names the bar takes: identifier, state, token-expiry, last-used,
 * updated (any case; a blank for the '-' too). */
const char *cmdline_sort_name(sk_sort_key k);
bool cmdline_sort_parse(const char *s, sk_sort_key *out);

/* ---- candidates and completion */
typedef struct cmdline_cands {
    char **v;
    size_t n, cap;
} cmdline_cands;

void cands_init(cmdline_cands *c);
void cands_free(cmdline_cands *c);
/* Adds s unless it is there already; false on out-of-memory. */
bool cands_add(cmdline_cands *c, const char *s);

typedef struct cmdline_completion {
    cmdline_cands matches;   /* of the last Tab */
    long idx;                /* the match shown while cycling, -1 none */
    size_t word_start;       /* where the completed word starts in the line */
    char left[CMDLINE_MAX];  /* the line as the last Tab left it: a Tab on it cycles */
} cmdline_completion;

void completion_init(cmdline_completion *c);
void completion_reset(cmdline_completion *c);
/* Tab (dir 1) or Shift-Tab (dir -1) on line (n bytes of room), the word being from word_start
 * to the end. When the last Tab left the line as it is and found several matches, the next (or
 * previous) one replaces the word. Else the candidates of all starting with the word (any case)
 * are the matches: one replaces the word, followed by suffix(match) (may be NULL); several
 * extend it to their longest common beginning, or, when that adds nothing, the first (or last)
 * replaces it and Tab cycles from there. Returns the number of matches. */
size_t completion_tab(cmdline_completion *c, char *line, size_t n, size_t word_start,
                      const cmdline_cands *all, const char *(*suffix)(const char *match, void *ud),
                      void *ud, int dir);
/* While cycling, the index of the match on the line; -1 otherwise. */
long completion_current(const cmdline_completion *c, const char *line);

/* ---- history */
typedef struct cmdline_history {
    char *v[CMDLINE_HISTORY];   /* oldest first */
    size_t n;
    size_t pos;                 /* the entry shown while walking; n = the line being typed */
    char draft[CMDLINE_MAX];    /* that line, kept while walking */
} cmdline_history;

void history_init(cmdline_history *h);
void history_free(cmdline_history *h);
/* A line run: appended (not when empty or the same as the last); walking starts again. */
void history_add(cmdline_history *h, const char *line);
/* Up (dir -1) or Down (dir 1): the older or newer entry into line; Down past the newest gives
 * back the line that was being typed. False when there is nowhere to go. */
bool history_walk(cmdline_history *h, int dir, char *line, size_t n);
/* Back to the line being typed (after an edit or on opening). */
void history_rewind(cmdline_history *h);
/* The file: one line per entry, oldest first, the last CMDLINE_HISTORY kept. load adds the
 * file's lines; save rewrites the file with h's entries (mode 0600, through a temporary file
 * renamed over it, never following a link). False when the file cannot be written. */
void history_load(cmdline_history *h, const char *path);
bool history_save(const cmdline_history *h, const char *path);

#endif
