/* cli.c: skdash's entry point: global flags (before or after the command), --help/--version,
 * the read-only gate, and the dispatch through the command table (cli_commands.c) to a
 * command or, with no command, to the dashboard. */
#include "cli.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_cmd.h"
#include "saved_view.h"
#include "../tui/tui.h"

typedef struct parsed {
    cli_globals g;
    const char *command;
    char **rest;          /* the command's own arguments, in order */
    int n_rest;
    bool help;
    bool version;
} parsed;

/* The global flags given, into g (their values are checked by the parser). */
static void globals_apply(const cli_parsed *gp, parsed *p)
{
    for (int k = 0; k < gp->n_hits; k++) {
        const cli_hit *h = &gp->hits[k];
        switch (h->flag->id) {
        case CLI_G_PROFILE: p->g.cfg.profile = h->value; break;
        case CLI_G_CONFIG: p->g.cfg.config_path = h->value; break;
        case CLI_G_ENV_URL: p->g.cfg.environment_url = h->value; break;
        case CLI_G_CLIENT_ID: p->g.cfg.client_id = h->value; break;
        case CLI_G_READ_ONLY: p->g.cfg.read_only = 1; break;
        case CLI_G_NO_COLOR: p->g.no_color = true; break;
        case CLI_G_MOUSE: p->g.mouse = true; break;
        case CLI_G_REFRESH: p->g.refresh_secs = (int)h->num; break;
        case CLI_G_CONCURRENCY: p->g.concurrency = (int)h->num; break;
        case CLI_G_DEBUG: p->g.debug = true; break;
        case CLI_G_NO_CACHE: p->g.cfg.no_cache = true; break;
        case CLI_G_CA_BUNDLE: p->g.cfg.ca_bundle = h->value; break;
        case CLI_G_HELP: p->help = true; break;
        case CLI_G_VERSION: p->version = true; break;
        default: break;   /* refused flags never get here */
        }
    }
}

/* Takes the global flags out of argv wherever they are; the first other word is the command
 * and everything else (its options and operands) goes to it. Returns -1 when parsing may go
 * on, else an exit code. */
static int parse_globals(int argc, char **argv, parsed *p)
{
    cli_parsed gp;
    if (!cli_parsed_init(&gp, argc)) {
        cli_error("out of memory");
        return SK_EXIT_API;
    }
    int rc = cli_parse_globals(argc, argv, &gp, &p->command, p->rest, &p->n_rest);
    if (rc == SK_EXIT_OK)
        globals_apply(&gp, p);
    cli_parsed_free(&gp);
    return rc ? rc : -1;
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
    saved_view_set_windows(cfg.expiring_within, cfg.unused_for);
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

int cli_gate_read_only(const cli_command *cmd, bool read_only, const char *profile)
{
    if (!cmd || !cmd->writes || !read_only)
        return SK_EXIT_OK;
    if (profile)
        cli_error("read-only: %s is disabled (profile '%s')", cmd->name, profile);
    else
        cli_error("read-only: %s is disabled", cmd->name);
    return SK_EXIT_USAGE;
}

/* The command's own words parsed against its flags, --help answered, the read-only gate of
 * --read-only passed (the profile's is passed in cli_connect), then its handler. */
static int run_command(parsed *p, const cli_command *cmd)
{
    cli_parsed cp;
    if (!cli_parsed_init(&cp, p->n_rest)) {
        cli_error("out of memory");
        return SK_EXIT_API;
    }
    int rc = cli_parse_command(cmd, p->n_rest, p->rest, &cp);
    if (rc == SK_EXIT_OK && cp.help) {
        cli_print_help(stdout, cmd->name);
    } else if (rc == SK_EXIT_OK &&
               (rc = cli_gate_read_only(cmd, p->g.cfg.read_only == 1, NULL)) == SK_EXIT_OK) {
        p->g.cmd = cmd;
        rc = cmd->run(&p->g, &cp);
    }
    cli_parsed_free(&cp);
    return rc;
}

static int dispatch(parsed *p)
{
    if (p->version) {
        printf("skdash %s\n", SKDASH_VERSION);
        return SK_EXIT_OK;
    }
    const cli_command *cmd = p->command ? cli_command_find(p->command) : NULL;
    if (p->help) {   /* "skdash --help list": the command's help; an unknown one: the overview */
        cli_print_help(stdout, cmd ? cmd->name : NULL);
        return SK_EXIT_OK;
    }
    if (!p->command) {
        if (p->n_rest > 0)
            return cli_usage("unexpected argument '%s'", p->rest[0]);
        return run_dashboard(&p->g);
    }
    if (!cmd) {
        const char *near = cli_command_nearest(p->command);
        if (near)
            return cli_usage("unknown command '%s': did you mean '%s'?", p->command, near);
        return cli_usage("unknown command '%s'", p->command);
    }
    return run_command(p, cmd);
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
