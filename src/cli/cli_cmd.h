/* cli_cmd.h: what the command line's files share: the parsed global flags, the commands,
 * and small helpers for errors, the connection to the API and the terminal. */
#ifndef CLI_CMD_H
#define CLI_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "account.h"
#include "client.h"
#include "config.h"
#include "sk_status.h"

#define SKDASH_VERSION "0.1.0"

/* Global flags, accepted before or after the command. */
typedef struct cli_globals {
    sk_config_flags cfg;
    bool no_color;
    bool mouse;
    bool debug;
    int refresh_secs;
    int concurrency;
} cli_globals;

/* A command's own arguments (global flags already taken out). */
typedef struct cli_args {
    int argc;
    char **argv;
} cli_args;

/* The resolved configuration and a client; filled by cli_connect(). */
typedef struct cli_session {
    sk_config cfg;
    sk_client *client;
    bool have_cfg;
} cli_session;

typedef int (*cli_cmd_fn)(const cli_globals *g, const cli_args *a);

int cmd_list(const cli_globals *g, const cli_args *a);
int cmd_connections(const cli_globals *g, const cli_args *a);
int cmd_show(const cli_globals *g, const cli_args *a);
int cmd_link(const cli_globals *g, const cli_args *a);
int cmd_delete(const cli_globals *g, const cli_args *a);
int cmd_journal(const cli_globals *g, const cli_args *a);

/* Help text of a command (NULL name: the overview). Returns false for an unknown name. */
bool cli_print_help(FILE *f, const char *name);

/* ---- errors: one line on stderr, "skdash: <message>" ---- */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A usage error: the message, then "try 'skdash --help'"; returns SK_EXIT_USAGE. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print err's message and return its exit code. */
int cli_fail(const sk_error *err);

/* ---- option parsing inside a command ---- */
/* Matches argv[*i] against a long option (and an optional short one) taking a value, in the
 * forms "--name VALUE", "--name=VALUE", "-c VALUE", "-cVALUE". Sets *val and advances *i.
 * Returns 1 on a match, 0 when it is not this option, -1 when the value is missing. */
int cli_opt_value(const cli_args *a, int *i, const char *lng, char shrt, const char **val);
bool cli_is_help(const char *arg);

/* ---- session ---- */
/* Resolve the configuration and create the client. On failure prints the error and returns
 * the exit code (non-zero). */
int cli_connect(const cli_globals *g, cli_session *s);
void cli_disconnect(cli_session *s);

/* ---- the action journal (journal.h) ---- */
/* Appends one entry for an action on account a (NULL: only fallback_id is known); when the
 * journal cannot be written prints "skdash: warning: journal not written: <reason>". */
void cli_journal_note(const cli_session *s, const char *action, const sk_account *a,
                      const char *fallback_id, const char *result);

/* ---- terminal ---- */
bool cli_color_enabled(const cli_globals *g);
/* Columns available on stdout: the terminal's width, $COLUMNS when not a terminal, else 0
 * (no limit). */
int cli_term_width(void);

/* ---- formats ---- */
typedef enum { CLI_FMT_TABLE, CLI_FMT_TEXT, CLI_FMT_JSON, CLI_FMT_CSV } cli_format;
/* Parse --format VALUE among the `allowed` bit set (1u << cli_format). */
bool cli_format_parse(const char *s, unsigned allowed, cli_format *out);

/* Write a json-c string to f, with characters that could act on a terminal (C1 and bidi
 * controls, U+2028/2029) escaped as \uXXXX and invalid UTF-8 replaced by \ufffd. */
void cli_json_write(FILE *f, const char *json);

#endif
