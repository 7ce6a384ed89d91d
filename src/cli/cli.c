/* cli.c: skdash's entry point: global flags (before or after the command), --help/--version,
 * and the dispatch to a command or, with no command, to the dashboard. */
#include "cli.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_cmd.h"
#include "../tui/tui.h"

static const struct {
    const char *name;
    cli_cmd_fn fn;
} commands[] = {
    { "list", cmd_list },
    { "connections", cmd_connections },
    { "show", cmd_show },
    { "link", cmd_link },
    { "delete", cmd_delete },
    { "journal", cmd_journal },
};

typedef struct parsed {
    cli_globals g;
    const char *command;
    char **rest;          /* the command's own arguments, in order */
    int n_rest;
    bool help;
    bool version;
} parsed;

static bool parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi)
        return false;
    *out = (int)v;
    return true;
}

/* A global flag that takes a value; returns 1 matched, 0 not this flag, -1 usage error
 * (already reported through *rc). */
static int global_value(const cli_args *a, int *i, parsed *p, int *rc)
{
    static const char *const names[] = { "--profile", "--config", "--environment-url",
                                         "--client-id", "--refresh", "--concurrency" };
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        const char *v = NULL;
        int m = cli_opt_value(a, i, names[k], 0, &v);
        if (m == 0)
            continue;
        if (m < 0) {
            *rc = cli_usage("%s needs a value", names[k]);
            return -1;
        }
        switch (k) {
        case 0: p->g.cfg.profile = v; break;
        case 1: p->g.cfg.config_path = v; break;
        case 2: p->g.cfg.environment_url = v; break;
        case 3: p->g.cfg.client_id = v; break;
        case 4:
            if (!parse_int(v, 0, 86400, &p->g.refresh_secs)) {
                *rc = cli_usage("--refresh wants seconds (0 to 86400), not '%s'", v);
                return -1;
            }
            break;
        default:
            if (!parse_int(v, 1, 64, &p->g.concurrency)) {
                *rc = cli_usage("--concurrency wants a number from 1 to 64, not '%s'", v);
                return -1;
            }
            break;
        }
        return 1;
    }
    return 0;
}

/* A global switch; returns true when argv[i] was one. */
static bool global_switch(const char *s, parsed *p)
{
    if (strcmp(s, "--read-only") == 0) p->g.cfg.read_only = 1;
    else if (strcmp(s, "--no-color") == 0 || strcmp(s, "--no-colour") == 0) p->g.no_color = true;
    else if (strcmp(s, "--mouse") == 0) p->g.mouse = true;
    else if (strcmp(s, "--debug") == 0) p->g.debug = true;
    else if (strcmp(s, "--no-cache") == 0) p->g.cfg.no_cache = true;
    else if (strcmp(s, "--version") == 0) p->version = true;
    else if (cli_is_help(s) && !p->command) p->help = true;
    else return false;
    return true;
}

static bool is_secret_flag(const char *s)
{
    return strncmp(s, "--client-secret", 15) == 0 && (s[15] == '\0' || s[15] == '=');
}

/* Takes the global flags out of argv wherever they are; the first other word is the command
 * and everything else (its options and operands) goes to it. After "--" nothing is a global
 * flag. Returns -1 when parsing may go on, else an exit code. */
static int parse_globals(int argc, char **argv, parsed *p)
{
    cli_args a = { argc, argv };
    bool dashdash = false;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (!dashdash) {
            if (is_secret_flag(s))
                return cli_usage("the client secret is never taken on the command line: set "
                                 "SCALEKIT_CLIENT_SECRET, or client_secret / "
                                 "client_secret_command in the config file");
            int rc = 0;
            int m = global_value(&a, &i, p, &rc);
            if (m < 0)
                return rc;
            if (m > 0 || global_switch(s, p))
                continue;
        }
        if (!p->command && !dashdash && s[0] != '-') {
            p->command = s;
            continue;
        }
        if (!p->command && !dashdash && strcmp(s, "--") != 0)
            return cli_usage("unknown option '%s'", s);
        if (strcmp(s, "--") == 0)
            dashdash = true;
        p->rest[p->n_rest++] = argv[i];
    }
    return -1;
}

static int run_dashboard(const cli_globals *g)
{
    /* curses on a pipe would draw escape codes into a file and wait for keys forever. */
    if ((!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) && !getenv("SKDASH_SCRIPT"))
        return cli_usage("the dashboard needs a terminal; without one use a command "
                         "such as 'skdash list'");
    sk_config cfg;
    sk_error err;
    sk_error_clear(&err);
    if (config_load(&cfg, &g->cfg, &err) != SK_OK) {
        int rc = cli_fail(&err);
        config_free(&cfg);
        return rc;
    }
    tui_opts o = {
        .refresh_secs = g->refresh_secs,
        .mouse = g->mouse,
        .no_color = g->no_color,
        .concurrency = g->concurrency,
        .debug = g->debug,
    };
    int rc = tui_run(&cfg, &o);
    config_free(&cfg);
    return rc;
}

static int dispatch(parsed *p)
{
    if (p->version) {
        printf("skdash %s\n", SKDASH_VERSION);
        return SK_EXIT_OK;
    }
    if (p->command && strcmp(p->command, "help") == 0) {
        const char *topic = p->n_rest > 0 ? p->rest[0] : NULL;
        if (!cli_print_help(stdout, topic))
            return cli_usage("no command '%s'", topic);
        return SK_EXIT_OK;
    }
    if (p->help) {
        if (!p->command || !cli_print_help(stdout, p->command))
            cli_print_help(stdout, NULL);
        return SK_EXIT_OK;
    }
    if (!p->command) {
        if (p->n_rest > 0)
            return cli_usage("unexpected argument '%s'", p->rest[0]);
        return run_dashboard(&p->g);
    }
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++) {
        if (strcmp(p->command, commands[k].name) == 0) {
            cli_args a = { p->n_rest, p->rest };
            return commands[k].fn(&p->g, &a);
        }
    }
    return cli_usage("unknown command '%s'", p->command);
}

int cli_main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    parsed p;
    memset(&p, 0, sizeof p);
    config_flags_init(&p.g.cfg);
    p.g.concurrency = 4;
    p.rest = calloc((size_t)(argc > 0 ? argc : 1), sizeof *p.rest);
    if (!p.rest) {
        cli_error("out of memory");
        return SK_EXIT_API;
    }
    int rc = parse_globals(argc, argv, &p);
    if (rc < 0)
        rc = dispatch(&p);
    free(p.rest);
    fflush(stdout);
    return rc;
}
