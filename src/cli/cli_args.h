/* cli_args.h: the command table's types (a command, its flags, their values) and the one
 * argument parser they drive; the tables themselves are in cli_commands.c. */
#ifndef CLI_ARGS_H
#define CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct cli_globals;
struct cli_parsed;

/* Every flag of the command line, global or a command's: handlers look values up by id, so
 * two commands may share an id (--format) with different allowed values. */
typedef enum cli_flag_id {
    CLI_F_NONE = 0,
    /* global flags */
    CLI_G_PROFILE,
    CLI_G_CONFIG,
    CLI_G_ENV_URL,
    CLI_G_CLIENT_ID,
    CLI_G_CLIENT_SECRET,
    CLI_G_READ_ONLY,
    CLI_G_NO_COLOR,
    CLI_G_MOUSE,
    CLI_G_REFRESH,
    CLI_G_CONCURRENCY,
    CLI_G_DEBUG,
    CLI_G_NO_CACHE,
    CLI_G_CA_BUNDLE,
    CLI_G_HELP,
    CLI_G_VERSION,
    /* the commands' flags */
    CLI_F_FORMAT,
    CLI_F_CONNECTION,
    CLI_F_STATE,
    CLI_F_QUERY,
    CLI_F_ID,
    CLI_F_QR,
    CLI_F_YES,
    CLI_F_DRY_RUN,
    CLI_F_WAIT,
    CLI_F_LIST_COMMANDS,
    CLI_F_LIST_FLAGS,
    /* selections (cli_select.h) */
    CLI_F_EXPIRING,
    CLI_F_UNUSED,
    CLI_F_VIEW,
    CLI_F_ALL,
    CLI_F_COUNT
} cli_flag_id;

/* Attributes of a flag (cli_flag.attr). */
enum {
    CLI_REPEAT = 1u << 0,        /* may be given again: every value counts (else the last wins) */
    CLI_HIDDEN = 1u << 1,        /* accepted but in no help, man page or completion */
    CLI_SHOW_CHOICES = 1u << 2,  /* the usage line spells the choices (a|b|c), not the value name */
    CLI_SELECTOR = 1u << 3,      /* part of the command's operand syntax: not repeated in usage */
    CLI_LEADING = 1u << 4,       /* global flag recognised only before the command (--help) */
    CLI_INT = 1u << 5,           /* the value is a whole number from lo to hi */
    CLI_NAMES_WRITERS = 1u << 6, /* its help line ends with the commands that change data */
};

/* What a value (a flag's or an operand's) is, for shell completion; choices need none. */
typedef enum cli_value_kind {
    CLI_V_TEXT = 0,              /* anything: nothing to offer */
    CLI_V_FILE,                  /* a path */
    CLI_V_PROFILE,               /* a section of the config file */
    CLI_V_CONNECTION,            /* a connection name, from the last cached listing */
    CLI_V_COMMAND,               /* a command of the table */
} cli_value_kind;

/* One flag: how it is written, what value it takes, how help and completion describe it. */
typedef struct cli_flag {
    cli_flag_id id;
    const char *name;            /* long name without "--"; NULL ends a table */
    char letter;                 /* short form "-x", or 0 */
    const char *value;           /* value name for help ("NAME"); NULL: a switch */
    const char *what;            /* a missing value: "-c needs <what>" ("a value" when NULL);
                                  * CLI_INT: the unit ("seconds") */
    const char *const *choices;  /* allowed values (any case), NULL-terminated; NULL: any */
    unsigned attr;
    int max;                     /* CLI_REPEAT: most occurrences (0: no limit) */
    long lo, hi;                 /* CLI_INT: the range */
    const char *help;            /* help text; '\n' starts a continuation line */
    const char *alias;           /* another long name, accepted and never shown */
    const char *refuse;          /* not NULL: giving the flag is a usage error saying this */
    cli_value_kind kind;         /* what its value is, for completion */
} cli_flag;

typedef int (*cli_cmd_fn)(const struct cli_globals *g, const struct cli_parsed *p);

/* One command: everything dispatch, help, the read-only gate, the man page check and
 * shell completions need to know about it. */
typedef struct cli_command {
    const char *name;
    cli_cmd_fn run;
    const char *summary;         /* its line in the overview */
    const char *operands;        /* operand syntax for the usage line, or NULL */
    int max_operands;            /* more operands than this is a usage error */
    bool writes;                 /* changes data on the server: refused when read-only */
    const cli_flag *flags;       /* ends with a NULL name */
    const char *text;            /* help prose after the usage line, before the flags */
    const char *more;            /* help prose after the flags */
    bool hidden;                 /* for the completion scripts: in no help, listing or man page */
    cli_value_kind operand_kind; /* what its first operand is, for completion */
    const char *const *operand_choices;   /* or the values it takes */
} cli_command;

/* One flag as given. */
typedef struct cli_hit {
    const cli_flag *flag;
    const char *value;           /* NULL for a switch */
    int choice;                  /* index into flag->choices, -1 when it has none */
    long num;                    /* CLI_INT: the number */
} cli_hit;

/* What parsing found; pointers point into argv and the tables. */
typedef struct cli_parsed {
    const cli_command *cmd;      /* NULL for the global flags */
    cli_hit *hits;               /* every flag given, in order */
    int n_hits;
    const char **operands;
    int n_operands;
    bool help;                   /* --help or -h came before any error */
} cli_parsed;

/* ---- the tables (cli_commands.c) ---- */
extern const cli_command cli_commands[];
extern const size_t cli_n_commands;
extern const cli_flag cli_global_flags[];
const cli_command *cli_command_find(const char *name);

/* ---- did you mean (cli_args.c) ---- */
/* The candidate nearest to typed (case-insensitive edit distance, a swap of two neighbours
 * counting one), only when it is close: at most 1 edit for words of up to 4 letters, 2 beyond;
 * NULL when none is, or when two are equally near. */
const char *cli_nearest(const char *typed, const char *const *cands, size_t n);
/* The command nearest to name (hidden ones never), or NULL. */
const char *cli_command_nearest(const char *name);
/* The long flag ("--state") of flags (then extra, may be NULL) nearest to typed ("--stat",
 * "--stat=x"), into buf; false when none is close. Hidden and refused flags are never offered. */
bool cli_flag_nearest(const cli_flag *flags, const cli_flag *extra, const char *typed,
                      char *buf, size_t n);

/* ---- parsing (cli_args.c) ---- */
/* Room for the flags and operands of argc words; false when out of memory. */
bool cli_parsed_init(cli_parsed *p, int argc);
void cli_parsed_free(cli_parsed *p);

/* Takes the global flags out of argv[1..argc) wherever they are before "--"; the first other
 * word is the command (*command, NULL when none) and the rest, in order, goes to rest[] for
 * the command. Returns 0, or a usage exit code (the error already printed). */
int cli_parse_globals(int argc, char **argv, cli_parsed *g, const char **command,
                      char **rest, int *n_rest);

/* Parses a command's own words against its flags: "--name VALUE", "--name=VALUE", "-c VALUE",
 * "-cVALUE", switches, repeats, "--" (then only operands) and up to cmd->max_operands
 * operands. --help or -h stops parsing with p->help set. Returns 0, or a usage exit code (the
 * error already printed). */
int cli_parse_command(const cli_command *cmd, int argc, char **argv, cli_parsed *p);

/* ---- what was given ---- */
/* The last occurrence of a flag, NULL when it was not given. */
const cli_hit *cli_flag_last(const cli_parsed *p, cli_flag_id id);
bool cli_flag_given(const cli_parsed *p, cli_flag_id id);
/* Its last value, or def. */
const char *cli_flag_value(const cli_parsed *p, cli_flag_id id, const char *def);
/* Every value of a (repeatable) flag in order, at most max of them; returns how many. */
size_t cli_flag_values(const cli_parsed *p, cli_flag_id id, const char **out, size_t max);

/* ---- help and the machine-readable table (cli_help.c) ---- */
/* Help text of a command (NULL name: the overview). Returns false for an unknown name. */
bool cli_print_help(FILE *f, const char *name);
/* One line per command: NAME TAB writes|reads TAB SUMMARY. */
void cli_print_command_lines(FILE *f);
/* One line per visible flag: SCOPE TAB --LONG TAB -X TAB VALUE TAB CHOICES TAB once|repeat,
 * SCOPE being "global" or the command's name, CHOICES comma-separated, "-" for an empty
 * field. Shell completions and the man page test read these. */
void cli_print_flag_lines(FILE *f);

#endif
