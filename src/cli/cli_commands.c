/* cli_commands.c: the command table and the global flag table: every command's name,
 * handler, help, flags and whether it writes; dispatch, help, the read-only gate, the man page
 * test and shell completions are all derived from these two tables. */
#include "cli_cmd.h"

#include <string.h>

/* ---- allowed values ---- */

static const char *const fmt_table_json_csv[] = { "table", "json", "csv", NULL };
static const char *const fmt_text_json[] = { "text", "json", NULL };
static const char *const fmt_table_json[] = { "table", "json", NULL };
static const char *const fmt_link[] = { "text", "json", "table", "csv", NULL };
static const char *const view_names[] = { "all", "attention", "expiring", "unused", NULL };
/* The state names state_parse() takes (test_cli_args checks they agree). */
static const char *const shell_names[] = { "bash", "zsh", "fish", NULL };
static const char *const complete_topics[] = { "connections", "profiles", NULL };
static const char *const state_names[] = { "pending", "active", "expired", "revoked", "error",
                                           NULL };

/* ---- global flags: before or after the command ---- */

const cli_flag cli_global_flags[] = {
    { .id = CLI_G_PROFILE, .name = "profile", .value = "NAME", .kind = CLI_V_PROFILE,
      .help = "profile of the config file (default: $SKDASH_PROFILE or 'default')" },
    { .id = CLI_G_CONFIG, .name = "config", .value = "FILE", .kind = CLI_V_FILE,
      .help = "config file (default: $XDG_CONFIG_HOME/skdash/config)" },
    { .id = CLI_G_ENV_URL, .name = "environment-url", .value = "URL",
      .help = "overrides SCALEKIT_ENVIRONMENT_URL" },
    { .id = CLI_G_CLIENT_ID, .name = "client-id", .value = "ID",
      .help = "overrides SCALEKIT_CLIENT_ID" },
    { .id = CLI_G_CLIENT_SECRET, .name = "client-secret", .attr = CLI_HIDDEN,
      .refuse = "the client secret is never taken on the command line: set "
                "SCALEKIT_CLIENT_SECRET, or client_secret / client_secret_command in the "
                "config file" },
    { .id = CLI_G_READ_ONLY, .name = "read-only", .attr = CLI_NAMES_WRITERS,
      .help = "refuse anything that changes data" },
    { .id = CLI_G_NO_COLOR, .name = "no-color", .alias = "no-colour",
      .help = "no colour (NO_COLOR in the environment too)" },
    { .id = CLI_G_MOUSE, .name = "mouse", .help = "mouse support in the dashboard" },
    { .id = CLI_G_REFRESH, .name = "refresh", .value = "SECS", .what = "seconds",
      .attr = CLI_INT, .lo = 0, .hi = 86400, .help = "dashboard auto-refresh (0: off)" },
    { .id = CLI_G_CONCURRENCY, .name = "concurrency", .value = "N", .what = "a number",
      .attr = CLI_INT, .lo = 1, .hi = 64,
      .help = "connections listed side by side, and a selection's requests\n"
              "in flight at once (default 4)" },
    { .id = CLI_G_DEBUG, .name = "debug",
      .help = "HTTP trace with secrets redacted: on stderr for commands; the\n"
              "dashboard writes it to $XDG_STATE_HOME/skdash/debug.log (0600)" },
    { .id = CLI_G_NO_CACHE, .name = "no-cache",
      .help = "the dashboard neither shows nor writes the cache of the last\n"
              "listing ($XDG_CACHE_HOME/skdash; SKDASH_NO_CACHE=1 does the same)" },
    { .id = CLI_G_CA_BUNDLE, .name = "ca-bundle", .value = "PATH", .what = "a CA file",
      .kind = CLI_V_FILE,
      .help = "CA certificates (PEM) to verify the server with, in place of\n"
              "the system's; overrides SKDASH_CA_BUNDLE, ca_bundle in the profile,\n"
              "CURL_CA_BUNDLE and SSL_CERT_FILE" },
    { .id = CLI_G_JOURNAL_SYSLOG, .name = "journal-syslog",
      .help = "every journal entry also to the system log (syslog,\n"
              "facility authpriv, identity skdash), as\n"
              "journal_syslog = true in the profile does" },
    { .id = CLI_G_HELP, .name = "help", .letter = 'h', .attr = CLI_LEADING,
      .help = "this text; after a command, that command's help" },
    { .id = CLI_G_VERSION, .name = "version", .help = "print the version" },
    { .name = NULL },
};

/* ---- each command's flags ---- */

static const cli_flag connections_flags[] = {
    { .id = CLI_F_FORMAT, .name = "format", .value = "FORMAT", .choices = fmt_table_json_csv,
      .attr = CLI_SHOW_CHOICES, .help = "table (default; fits the terminal), json or csv" },
    { .name = NULL },
};

/* A selection (cli_select.h): every flag narrows, combined with AND; list, show, link, delete
 * and disconnect take them. */
#define SELECTION_FLAGS                                                                    \
    { .id = CLI_F_CONNECTION, .name = "connection", .letter = 'c', .value = "CONNECTION",  \
      .what = "a connection name", .attr = CLI_REPEAT, .max = CLI_MAX_CONNECTIONS,         \
      .kind = CLI_V_CONNECTION,                                                            \
      .help = "only this connection (repeatable)" },                                       \
    { .id = CLI_F_STATE, .name = "state", .letter = 's', .value = "STATE",                 \
      .choices = state_names, .attr = CLI_REPEAT,                                          \
      .help = "only this state: pending, active, expired, revoked, error\n"                \
              "(repeatable, any case)" },                                                  \
    { .id = CLI_F_QUERY, .name = "query", .letter = 'q', .value = "TEXT", .what = "some text", \
      .help = "case-insensitive substring of identifier, id or connection;\n"              \
              "3 to 200 characters are looked up on the server (no full listing)" },       \
    { .id = CLI_F_EXPIRING, .name = "expiring-within", .value = "DUR", .what = "a duration", \
      .help = "only tokens expiring within DUR and not expired yet\n"                      \
              "(DUR: 90m, 36h, 3d, 2w)" },                                                 \
    { .id = CLI_F_UNUSED, .name = "unused-for", .value = "DUR", .what = "a duration",      \
      .help = "only accounts last used longer than DUR ago, or never" },                   \
    { .id = CLI_F_VIEW, .name = "view", .value = "VIEW", .choices = view_names,            \
      .attr = CLI_SHOW_CHOICES,                                                            \
      .help = "only the accounts of a saved view: all, attention (not ACTIVE),\n"          \
              "expiring (within the profile's expiring_within, default 3d),\n"             \
              "unused (not used for the profile's unused_for, default 30d)" }

static const cli_flag list_flags[] = {
    SELECTION_FLAGS,
    { .id = CLI_F_FORMAT, .name = "format", .value = "FORMAT", .choices = fmt_table_json_csv,
      .attr = CLI_SHOW_CHOICES,
      .help = "table (default; fits the terminal), json (one array) or csv" },
    { .name = NULL },
};

/* show, link and delete name the account by --id or by CONNECTION IDENTIFIER; show and link
 * also by IDENTIFIER alone, looked up across connections. */
#define ACCOUNT_OPERANDS "(--id ID | CONNECTION IDENTIFIER)"
/* link, delete and disconnect also act on a selection (cli_select.h). */
#define ACCOUNT_OPERANDS_OR_SELECTION "(--id ID | CONNECTION IDENTIFIER | SELECTION)"
#define SELECTION_TEXT                                                                     \
    "\nA SELECTION is any of -c, -s, -q, --expiring-within, --unused-for and --view,\n"     \
    "combined with AND as in list; a write needs at least one of them, or --all.\n"
#define LOOKUP_OPERANDS "(--id ID | [CONNECTION] IDENTIFIER)"
#define LOOKUP_OPERANDS_OR_SELECTION "(--id ID | [CONNECTION] IDENTIFIER | SELECTION)"
#define ID_FLAG                                                                          \
    { .id = CLI_F_ID, .name = "id", .value = "ID", .what = "an account id",              \
      .attr = CLI_SELECTOR, .help = "the account's id (else name it: CONNECTION IDENTIFIER)" }

/* --all: a write over every account must be asked for by name. */
#define ALL_FLAG                                                                           \
    { .id = CLI_F_ALL, .name = "all",                                                      \
      .help = "every account (a selection must otherwise narrow by one flag)" }

static const cli_flag show_flags[] = {
    ID_FLAG,
    { .id = CLI_F_FORMAT, .name = "format", .value = "FORMAT", .choices = fmt_text_json,
      .attr = CLI_SHOW_CHOICES,
      .help = "text (default) or json (the account object; a selection: one\n"
              "array of them)" },
    SELECTION_FLAGS,
    ALL_FLAG,
    { .name = NULL },
};

static const cli_flag link_flags[] = {
    ID_FLAG,
    { .id = CLI_F_QR, .name = "qr", .help = "also draw the link as a QR code" },
    { .id = CLI_F_WAIT, .name = "wait",
      .help = "then watch the account until it is ACTIVE (exit 0) or the link\n"
              "expires (exit 6); Ctrl-C stops (exit 130)" },
    { .id = CLI_F_FORMAT, .name = "format", .value = "FORMAT", .choices = fmt_link,
      .attr = CLI_SHOW_CHOICES,
      .help = "one account: text (default) or json {link, expiry, connector,\n"
              "identifier, id, recipient, message}; a selection: table (default),\n"
              "csv or json" },
    SELECTION_FLAGS,
    ALL_FLAG,
    { .id = CLI_F_DRY_RUN, .name = "dry-run",
      .help = "a selection: list who would get a link, ask for none" },
    { .name = NULL },
};

static const cli_flag delete_flags[] = {
    ID_FLAG,
    { .id = CLI_F_YES, .name = "yes", .letter = 'y', .help = "do not ask" },
    { .id = CLI_F_DRY_RUN, .name = "dry-run", .help = "show what would be deleted and stop" },
    SELECTION_FLAGS,
    ALL_FLAG,
    { .name = NULL },
};

static const cli_flag disconnect_flags[] = {
    ID_FLAG,
    { .id = CLI_F_YES, .name = "yes", .letter = 'y', .help = "do not ask" },
    { .id = CLI_F_DRY_RUN, .name = "dry-run",
      .help = "show what would be disconnected and stop" },
    SELECTION_FLAGS,
    ALL_FLAG,
    { .name = NULL },
};

static const cli_flag journal_flags[] = {
    { .id = CLI_F_FORMAT, .name = "format", .value = "FORMAT", .choices = fmt_table_json,
      .attr = CLI_SHOW_CHOICES,
      .help = "table (default; fits the terminal) or json (one array)" },
    { .name = NULL },
};

/* The machine-readable listings are for scripts (completions, the man page test). */
static const cli_flag help_flags[] = {
    { .id = CLI_F_LIST_COMMANDS, .name = "commands", .attr = CLI_HIDDEN,
      .help = "one line per command: NAME, writes|reads, SUMMARY" },
    { .id = CLI_F_LIST_FLAGS, .name = "flags", .attr = CLI_HIDDEN,
      .help = "one line per flag: SCOPE, --LONG, -X, VALUE, CHOICES, once|repeat" },
    { .name = NULL },
};

static const cli_flag no_flags[] = { { .name = NULL } };

/* ---- the commands, in the order the overview lists them ---- */

#define IDENTIFIER_ALONE                                                                  \
    "\nIDENTIFIER alone looks the account up in every connection: one match is used; "      \
    "several\nare listed (connection, state, id) and exit 2; none exits 4.\n"

const cli_command cli_commands[] = {
    { .name = "connections", .run = cmd_connections, .flags = connections_flags,
      .summary = "connections and their accounts per state",
      .text = "Every connection (name, provider, type) with its accounts counted per state:\n"
              "PENDING ACTIVE EXPIRED REVOKED ERROR and TOTAL. Lists every account to count "
              "them.\n" },
    { .name = "list", .run = cmd_list, .flags = list_flags,
      .summary = "list accounts (filter by connection, state, text)",
      .more = "\nThe flags combine with AND. Accounts are sorted by connection, then "
              "identifier.\n" },
    { .name = "show", .run = cmd_show, .flags = show_flags, .operand_kind = CLI_V_CONNECTION,
      .operands = LOOKUP_OPERANDS_OR_SELECTION, .max_operands = 2,
      .summary = "every field of one account, or of each account of a selection",
      .text = "Every field of one account, one per line, and what its state means for you.\n"
              "Exits 4 when the account does not exist.\n",
      .more = IDENTIFIER_ALONE
              "\nA SELECTION is any of -c, -s, -q, --expiring-within, --unused-for and --view,\n"
              "combined with AND as in list, or --all for every account (show needs one).\n"
              "With a selection: every account it keeps, in list's order, each read in full\n"
              "(--concurrency requests side by side); text: one block per account, a blank\n"
              "line between; json: one array of the objects one account gives. None kept:\n"
              "nothing (json: []) and exit 0. Exit 1 when any account could not be read.\n" },
    { .name = "link", .run = cmd_link, .flags = link_flags, .operand_kind = CLI_V_CONNECTION,
      .operands = LOOKUP_OPERANDS_OR_SELECTION, .max_operands = 2,
      .summary = "a fresh authorization link (as a QR code too), or one per account of a selection",
      .text = "A fresh authorization link for the account, to send to its user, and when it "
              "expires.\nWhom it is for goes to stderr (\"link for jane@example.com on gmail: "
              "send it to that\nperson only\"): a link attaches whoever opens it.\n",
      .more = IDENTIFIER_ALONE
              "With --wait the account is read every 2 s until it is ACTIVE (an account "
              "ACTIVE\nbefore counts once its record changes), with a countdown on stderr "
              "when that is a\nterminal; the outcome is journaled (action link-wait).\n"
              SELECTION_TEXT
              "With a selection: a fresh link for every account it keeps, one row each\n"
              "(connection, identifier, account id, state, link, expiry, the paste-ready\n"
              "message, and the error when it failed), one token for the run, --concurrency\n"
              "requests side by side; every link is journaled. Exit 1 when any failed.\n" },
    { .name = "delete", .run = cmd_delete, .flags = delete_flags, .operand_kind = CLI_V_CONNECTION, .writes = true,
      .operands = ACCOUNT_OPERANDS_OR_SELECTION, .max_operands = 2,
      .summary = "delete one account or a selection (asks first)",
      .text = "Shows the account, asks \"Delete this account? [y/N]\" on a terminal, then "
              "deletes it\nby id. Without a terminal, --yes is required.\n",
      .more = "When the answer is lost (timeout, 5xx, dropped connection) the account is read "
              "back\nbefore anything is reported: gone is \"deleted\", still there is \"not "
              "deleted\";\nif that check fails too the outcome is UNKNOWN (exit 1).\n"
              SELECTION_TEXT
              "With a selection: the count per connection and state is shown and, on a\n"
              "terminal, the count must be typed to go on; ends with \"deleted N of M\" and\n"
              "the failures (exit 1 when any). Declining exits 5.\n" },
    { .name = "disconnect", .run = cmd_disconnect, .flags = disconnect_flags,
      .operand_kind = CLI_V_CONNECTION, .writes = true,
      .operands = ACCOUNT_OPERANDS_OR_SELECTION, .max_operands = 2,
      .summary = "set one account or a selection DISCONNECTED, keeping the record",
      .text = "Keeps the record and sets it DISCONNECTED (its user must authorize again).\n"
              "Asks on a terminal (one account: y; several: the count typed); without a\n"
              "terminal, --yes is required. An environment that does not offer disconnect\n"
              "(it answers 404 or 501) changes nothing: exit 1.\n",
      .more = SELECTION_TEXT "Ends with \"disconnected N of M\" and the failures (exit 1 "
              "when any).\nDeclining exits 5.\n" },
    { .name = "journal", .run = cmd_journal, .flags = journal_flags,
      .summary = "the deletes, disconnects and links issued from here (newest last)",
      .text = "Every delete, disconnect and link issued by skdash as this user, oldest first:\n"
              "time, user, SSH client address, environment, connection, identifier, account id,\n"
              "action, result (ok, failed: REASON, unknown: REASON, dry-run). Kept in\n"
              "$XDG_STATE_HOME/skdash/journal.jsonl (default ~/.local/state/skdash/), mode "
              "0600.\n" },
    { .name = "completion", .run = cmd_completion, .flags = no_flags,
      .operands = "bash|zsh|fish", .max_operands = 1, .operand_choices = shell_names,
      .summary = "a completion script for bash, zsh or fish",
      .text = "Prints a completion script for the shell named: commands, flags, states and\n"
              "formats from skdash's command table; profiles from the config file and connection names\n"
              "from the last cached listing, looked up when Tab is pressed. make install puts\n"
              "the three where bash-completion, zsh and fish find them; by hand:\n"
              "  bash: source <(skdash completion bash)\n"
              "  zsh:  skdash completion zsh > ~/.zfunc/_skdash   (~/.zfunc in $fpath)\n"
              "  fish: skdash completion fish > ~/.config/fish/completions/skdash.fish\n" },
    /* What the scripts ask at Tab time: one name per line, nothing (and exit 0) when there is
     * nothing to offer; never a request to the server, never the secret command. */
    { .name = "__complete", .run = cmd_complete, .flags = no_flags, .hidden = true,
      .operands = "connections|profiles", .max_operands = 1,
      .operand_choices = complete_topics, .summary = "names for the completion scripts" },
    { .name = "help", .run = cmd_help, .flags = help_flags, .operand_kind = CLI_V_COMMAND,
      .operands = "[COMMAND]", .max_operands = 1,
      .summary = "this text, or a command's",
      .text = "With no COMMAND, the overview (the same as skdash --help); with one, that "
              "command's\nhelp (the same as skdash COMMAND --help).\n" },
};

const size_t cli_n_commands = sizeof cli_commands / sizeof cli_commands[0];

const cli_command *cli_command_find(const char *name)
{
    for (size_t k = 0; name && k < cli_n_commands; k++)
        if (strcmp(cli_commands[k].name, name) == 0)
            return &cli_commands[k];
    return NULL;
}
