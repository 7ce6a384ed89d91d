/* cli_cmd.h: what the command line's files share: the parsed global flags, the commands,
 * and small helpers for errors, the read-only gate, the connection to the API and the terminal. */
#ifndef CLI_CMD_H
#define CLI_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "account.h"
#include "cli_args.h"
#include "client.h"
#include "config.h"
#include "sk_status.h"

#define SKDASH_VERSION "0.1.0"

/* list -c names at most this many connections (listing's connection_names takes 20). */
#define CLI_MAX_CONNECTIONS 20

/* Global flags, accepted before or after the command. */
typedef struct cli_globals {
    sk_config_flags cfg;
    bool no_color;
    bool mouse;
    bool debug;
    int refresh_secs;
    int concurrency;
    const cli_command *cmd;   /* the command being run (the read-only gate reads it) */
} cli_globals;

/* The resolved configuration and a client; filled by cli_connect(). */
typedef struct cli_session {
    sk_config cfg;
    sk_client *client;
    bool have_cfg;
    bool debug;               /* --debug: cli_disconnect says what the answers held unreadable */
} cli_session;

/* The handlers of the command table (cli_commands.c): arguments already parsed and checked
 * against the command's flags, --help already answered, the read-only gate already passed. */
int cmd_list(const cli_globals *g, const cli_parsed *p);
int cmd_connections(const cli_globals *g, const cli_parsed *p);
int cmd_show(const cli_globals *g, const cli_parsed *p);
int cmd_link(const cli_globals *g, const cli_parsed *p);
int cmd_delete(const cli_globals *g, const cli_parsed *p);
int cmd_disconnect(const cli_globals *g, const cli_parsed *p);
int cmd_journal(const cli_globals *g, const cli_parsed *p);
int cmd_help(const cli_globals *g, const cli_parsed *p);
int cmd_completion(const cli_globals *g, const cli_parsed *p);
int cmd_complete(const cli_globals *g, const cli_parsed *p);

/* ---- errors: one line on stderr, "skdash: <message>" ---- */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A usage error: the message, then "try 'skdash --help'"; returns SK_EXIT_USAGE. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print err's message and return its exit code. */
int cli_fail(const sk_error *err);

/* ---- the read-only gate ---- */
/* A command marked as writing is refused when read-only is on: by --read-only (profile NULL,
 * checked by the dispatcher before anything else) or by the profile's read_only (checked by
 * cli_connect once the config is loaded). Prints "read-only: <command> is disabled" (and
 * " (profile 'NAME')") and returns SK_EXIT_USAGE; returns SK_EXIT_OK when allowed. */
int cli_gate_read_only(const cli_command *cmd, bool read_only, const char *profile);

/* ---- session ---- */
/* Resolve the configuration, pass the read-only gate of g->cmd, create the client. On failure
 * prints the error and returns the exit code (non-zero). */
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
/* The --format given (the parser has checked it against the command's choices), else def. */
cli_format cli_format_of(const cli_parsed *p, cli_format def);

/* Write a json-c string to f, with characters that could act on a terminal (C1 and bidi
 * controls, U+2028/2029) escaped as \uXXXX and invalid UTF-8 replaced by \ufffd. */
void cli_json_write(FILE *f, const char *json);

#endif
