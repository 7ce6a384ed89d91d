/* tui_actions.h: the one action table. Each row says everything about an action: its keys, the
 * screens (contexts) it lives in, whether it writes, its help line, its footer hint and that
 * hint's priority, and the handler that runs it. From it come the bindings, the `?` screen, the
 * footer, and the read-only gate (tig REQ_INFO / htop Action.c / nnn bindings[] style). */
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
    CTX_HELP_SEARCH,  /* typing after '/' in the help (printable keys are text) */
    CTX_CMDBAR,       /* the command bar after ':' (printable keys are text) */
    CTX_COUNT
} tui_ctx;

#define ACT_F_WRITE  1u   /* changes data on the server: refused and hidden when read-only */
#define ACT_F_HIDDEN 2u   /* a second way to do something already listed in help */

#define ACT_MAX_KEYS 6

struct tui_app;
typedef void (*tui_action_fn)(struct tui_app *a, int arg);
/* Whether an action's footer hint is worth showing now, in the footer of ctx (NULL: always). */
typedef bool (*tui_action_when_fn)(const struct tui_app *a, int ctx);

/* The table is this one list; tui_actions.c expands it into rows, the enum below into names.
 * Columns: id, name, contexts, keys, flags, help, footer hint word (NULL: none), its priority
 * (1 shown first and kept longest), when the hint applies, handler, handler's argument. */
#include "tui_action_list.h"

typedef enum {
    ACT_NONE = 0,
#define ACT_ENUM(id, ...) ACT_##id,
    TUI_ACTIONS(ACT_ENUM)
#undef ACT_ENUM
    ACT_COUNT
} tui_action;

typedef struct tui_action_def {
    tui_action act;
    const char *name;        /* stable identifier, e.g. "delete" */
    unsigned ctx_mask;       /* bit (1u << ctx) per context the binding lives in */
    int keys[ACT_MAX_KEYS];  /* 0-terminated */
    unsigned flags;
    const char *help;        /* one line for the help screen */
    const char *hint;        /* the footer's word for it ("delete"), NULL: not in the footer */
    int hint_prio;           /* 1 = most important: hints that do not fit go from the highest */
    tui_action_when_fn when;
    tui_action_fn run;
    int arg;
} tui_action_def;

/* The table (every action once; ACT_NONE excluded) and its size. */
const tui_action_def *actions_table(size_t *n);
const tui_action_def *action_def(tui_action a);
const char *ctx_name(tui_ctx c);

/* The dispatcher's gate, the only place read-only is enforced: the action bound to `key` in
 * `ctx`, or ACT_NONE. When read_only and the action writes, returns ACT_NONE and sets *refused
 * (so the caller can say why). */
tui_action actions_resolve(tui_ctx ctx, int key, bool read_only, bool *refused);
/* The action bound to `key` in `ctx` whatever the mode (for the refusal's wording). */
const tui_action_def *actions_bound(tui_ctx ctx, int key);
/* Is the action offered at all (help, hints) in this mode? */
bool action_available(tui_action a, bool read_only);
/* "read-only: delete is disabled": the same words for every action that writes. */
void action_refusal(const tui_action_def *d, char *buf, size_t n);

/* "Up", "PgDn", "Ctrl-L", "Esc", "Enter", "Space", "Tab", "k" ... into buf. */
void key_label(int key, char *buf, size_t n);
/* Every key of an action joined with "/", e.g. "Up/k". */
void action_keys_label(const tui_action_def *d, char *buf, size_t n);

/* The help text of one context, one "keys  description" per call of emit. Actions refused
 * in read-only mode are left out. */
typedef void (*help_emit_fn)(void *ud, const char *keys, const char *help);
void actions_help(tui_ctx ctx, bool read_only, help_emit_fn emit, void *ud);

/* The footer's hints for ctx that fit in `width` columns, in priority order: the hints that
 * do not fit are dropped whole, lowest priority first. Each is emitted as (key, word); returns
 * how many. `a` is passed to each hint's `when`. */
typedef void (*hint_emit_fn)(void *ud, const char *key, const char *word);
size_t actions_hints(tui_ctx ctx, const struct tui_app *a, bool read_only, int width,
                     hint_emit_fn emit, void *ud);

#endif
