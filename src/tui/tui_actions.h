/* tui_actions.h: the one action table. It drives the key bindings of every view, the `?` help
 * screen and the read-only gate (tig REQ_INFO / htop Action.c / nnn bindings[] style). */
#ifndef TUI_ACTIONS_H
#define TUI_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    CTX_LIST = 0,     /* the dashboard: connections, accounts, detail */
    CTX_FILTER,       /* typing after '/' (printable keys are text) */
    CTX_LINK,         /* the link view */
    CTX_CONFIRM,      /* the delete dialog for one account */
    CTX_CONFIRM_COUNT,/* the delete dialog for several: the count is typed (digits are text) */
    CTX_HELP,         /* the help screen */
    CTX_JOURNAL,      /* the action journal (J) */
    CTX_COUNT
} tui_ctx;

typedef enum {
    ACT_NONE = 0,
    /* moving */
    ACT_UP, ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_TOP, ACT_BOTTOM, ACT_NEXT_PANE, ACT_PREV_PANE,
    /* looking */
    ACT_DETAIL, ACT_FILTER, ACT_ESCAPE,
    ACT_TOGGLE_PENDING, ACT_TOGGLE_ACTIVE, ACT_TOGGLE_EXPIRED, ACT_TOGGLE_REVOKED, ACT_TOGGLE_ERROR,
    ACT_SORT, ACT_SORT_REVERSE,
    /* acting */
    ACT_MARK, ACT_MARK_ALL, ACT_DELETE, ACT_LINK, ACT_COPY_ID, ACT_COPY_IDENTIFIER, ACT_PRINT_LINK,
    ACT_REFRESH, ACT_HELP, ACT_JOURNAL, ACT_REDRAW, ACT_QUIT,
    /* filter line */
    ACT_FILTER_ACCEPT, ACT_FILTER_CANCEL, ACT_FILTER_ERASE, ACT_FILTER_KILL,
    /* link view */
    ACT_LINK_NEW, ACT_LINK_COPY, ACT_LINK_MESSAGE, ACT_LINK_NEXT, ACT_LINK_PREV, ACT_LINK_CLOSE,
    /* delete dialog */
    ACT_CONFIRM_YES, ACT_CONFIRM_NO, ACT_CONFIRM_ENTER, ACT_CONFIRM_ERASE,
    /* help */
    ACT_HELP_CLOSE,
    /* journal view */
    ACT_JOURNAL_CLOSE,
    ACT_COUNT
} tui_action;

#define ACT_F_WRITE  1u   /* changes data on the server: refused and hidden when read-only */
#define ACT_F_HIDDEN 2u   /* a second way to do something already listed in help */

#define ACT_MAX_KEYS 6

typedef struct tui_action_def {
    tui_action act;
    const char *name;        /* stable identifier, e.g. "delete" */
    unsigned ctx_mask;       /* bit (1u << ctx) per context the binding lives in */
    int keys[ACT_MAX_KEYS];  /* 0-terminated */
    unsigned flags;
    const char *help;        /* one line for the help screen */
} tui_action_def;

/* The table (every action once; ACT_NONE excluded) and its size. */
const tui_action_def *actions_table(size_t *n);
const tui_action_def *action_def(tui_action a);
const char *ctx_name(tui_ctx c);

/* The dispatcher's gate, the only place read-only is enforced: the action bound to `key` in
 * `ctx`, or ACT_NONE. When read_only and the action writes, returns ACT_NONE and sets *refused
 * (so the caller can say why). */
tui_action actions_resolve(tui_ctx ctx, int key, bool read_only, bool *refused);
/* Is the action offered at all (help, hints) in this mode? */
bool action_available(tui_action a, bool read_only);

/* "Up", "PgDn", "Ctrl-L", "Esc", "Enter", "Space", "Tab", "k" ... into buf. */
void key_label(int key, char *buf, size_t n);
/* Every key of an action joined with "/", e.g. "Up/k". */
void action_keys_label(const tui_action_def *d, char *buf, size_t n);

/* The help text of one context, one "keys  description" per call of emit. Actions refused
 * in read-only mode are left out. */
typedef void (*help_emit_fn)(void *ud, const char *keys, const char *help);
void actions_help(tui_ctx ctx, bool read_only, help_emit_fn emit, void *ud);

#endif
