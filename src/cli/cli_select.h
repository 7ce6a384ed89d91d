/* cli_select.h: selections, the many-account form of "which account": -c CONNECTION...,
 * -s STATE..., -q TEXT, --expiring-within DUR, --unused-for DUR and --view NAME, combined with
 * AND as `list` combines them; `list` filters with them, link, delete and disconnect act on
 * what they keep (cli_bulk.c). */
#ifndef CLI_SELECT_H
#define CLI_SELECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli_cmd.h"
#include "saved_view.h"
#include "store.h"

typedef struct cli_selection {
    const char *only[CLI_MAX_CONNECTIONS];   /* -c, exact names */
    size_t n_only;
    unsigned state_mask;                     /* -s; SK_ALL_STATES when none given */
    const char *query;                       /* -q, NULL when none */
    int64_t expiring_within;                 /* --expiring-within, seconds; 0 = not given */
    int64_t unused_for;                      /* --unused-for; 0 = not given */
    const sk_saved_view *view;               /* --view, NULL = none */
    bool all;                                /* --all */
    bool narrows;                            /* any flag but --all was given */
} cli_selection;

/* Does p hold any selection flag (--all included)? The account commands send such a call to
 * cli_bulk.c. */
bool cli_selection_given(const cli_parsed *p);
/* Reads the selection flags of p (already checked against the command's table; durations are
 * read here). Returns 0 or a usage exit code (the message printed). */
int cli_selection_of(const cli_parsed *p, cli_selection *sel);
/* What the selection keeps beyond the view's own filter (states, text, connections): the two
 * durations and the saved view. */
bool cli_selection_keeps(const cli_selection *sel, const sk_account *a, int64_t now);

/* The accounts a selection keeps, listed from the server. */
typedef struct cli_picked {
    sk_store *store;
    sk_row *rows;        /* in list's order: by connection, then identifier */
    size_t n;
} cli_picked;

/* Lists the accounts (only the -c connections when given) with s's client and keeps those sel
 * keeps. A -c name the server does not know is "not found" (exit 4, the server's spelling
 * suggested). Returns 0 or the exit code (the error printed); free with cli_picked_free. */
int cli_select_accounts(const cli_globals *g, cli_session *s, const cli_selection *sel,
                        cli_picked *out);
void cli_picked_free(cli_picked *p);

#endif
