/* cli_help.c: the --help text of skdash and of each command, generated from the command table
 * (cli_commands.c), and the table's machine-readable listing (`skdash help --commands`). */
#include "cli_cmd.h"

#include <string.h>

static const char overview_head[] =
    "usage: skdash [GLOBAL FLAGS] [COMMAND [ARGS]]\n"
    "\n"
    "A terminal dashboard and command line for the connected accounts of a Scalekit\n"
    "AgentKit environment. With no command, the dashboard opens.\n";

static const char overview_tail[] =
    "The client secret is never taken on the command line: set SCALEKIT_CLIENT_SECRET, or\n"
    "client_secret / client_secret_command in the config file.\n"
    "\n"
    "Each request times out after SKDASH_TIMEOUT seconds (default 15) and is tried at most\n"
    "5 times; deletes and links are written to the journal\n"
    "($XDG_STATE_HOME/skdash/journal.jsonl).\n"
    "\n"
    "Exit codes: 0 ok, 1 API/network/parse error (or an outcome that could not be\n"
    "checked), 2 usage, 3 configuration or authentication, 4 not found; link --wait:\n"
    "6 the link expired, 130 stopped by Ctrl-C. See skdash(1).\n";

static const char read_only_note[] =
    "Refused in read-only mode (--read-only or the profile's read_only).\n";

/* The left column's width: a wider entry puts its help on the next line, so that every line
 * fits 80 columns. */
#define COL 22

/* "-c, --connection CONNECTION" */
static void flag_left(const cli_flag *f, char *buf, size_t n)
{
    char letter[8] = "";
    if (f->letter)
        snprintf(letter, sizeof letter, "-%c, ", f->letter);
    snprintf(buf, n, "%s--%s%s%s", letter, f->name, f->value ? " " : "",
             f->value ? f->value : "");
}

/* One entry: "  LEFT  help", the help's further lines under its first. */
static void put_entry(FILE *out, int width, const char *left, const char *help, const char *tail)
{
    int len = (int)strlen(left);
    if (len > width)
        fprintf(out, "  %s\n%*s", left, width + 4, "");
    else
        fprintf(out, "  %-*s  ", width, left);
    for (const char *p = help ? help : ""; *p;) {
        size_t n = strcspn(p, "\n");
        fprintf(out, "%.*s", (int)n, p);
        p += n;
        if (*p == '\n' && p[1]) {
            fprintf(out, "\n%*s", width + 4, "");
            p++;
        } else if (*p == '\n') {
            p++;
        }
    }
    fprintf(out, "%s\n", tail ? tail : "");
}

static bool flag_shown(const cli_flag *f)
{
    return !(f->attr & CLI_HIDDEN);
}

/* " (delete)": the commands that change data. */
static void writers_phrase(char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < cli_n_commands && len < n; k++) {
        if (!cli_commands[k].writes)
            continue;
        int w = snprintf(buf + len, n - len, "%s%s", len ? ", " : " (", cli_commands[k].name);
        if (w > 0)
            len += (size_t)w;
    }
    if (len && len < n)
        snprintf(buf + len, n - len, ")");
}

static void put_flags(FILE *out, const cli_flag *flags)
{
    for (const cli_flag *f = flags; f && f->name; f++) {
        if (!flag_shown(f))
            continue;
        char left[128], tail[256] = "";
        flag_left(f, left, sizeof left);
        if (f->attr & CLI_NAMES_WRITERS)
            writers_phrase(tail, sizeof tail);
        put_entry(out, COL, left, f->help, tail);
    }
}

/* "usage: skdash list [-c CONNECTION]... [--format table|json|csv]": a flag with a value by
 * its short form when it has one, a switch by its long name, which reads better. */
static void put_usage(FILE *out, const cli_command *c)
{
    fprintf(out, "usage: skdash %s", c->name);
    if (c->operands)
        fprintf(out, " %s", c->operands);
    for (const cli_flag *f = c->flags; f && f->name; f++) {
        if (!flag_shown(f) || (f->attr & CLI_SELECTOR))
            continue;
        if (f->value && f->letter)
            fprintf(out, " [-%c ", f->letter);
        else
            fprintf(out, " [--%s%s", f->name, f->value ? " " : "");
        if (f->value && (f->attr & CLI_SHOW_CHOICES) && f->choices) {
            for (int k = 0; f->choices[k]; k++)
                fprintf(out, "%s%s", k ? "|" : "", f->choices[k]);
        } else if (f->value) {
            fputs(f->value, out);
        }
        fprintf(out, "]%s", (f->attr & CLI_REPEAT) ? "..." : "");
    }
    fputc('\n', out);
}

static void put_command_help(FILE *out, const cli_command *c)
{
    put_usage(out, c);
    fputc('\n', out);
    if (c->text)
        fputs(c->text, out);
    put_flags(out, c->flags);
    if (c->writes)
        fputs(read_only_note, out);
    if (c->more)
        fputs(c->more, out);
}

static void put_overview(FILE *out)
{
    fputs(overview_head, out);
    fputs("\nCommands:\n", out);
    for (size_t k = 0; k < cli_n_commands; k++) {
        /* "help [COMMAND]": the operands when they fit the column. */
        const cli_command *c = &cli_commands[k];
        if (c->hidden)
            continue;
        char left[128];
        snprintf(left, sizeof left, "%s %s", c->name, c->operands ? c->operands : "");
        if (!c->operands || strlen(left) > COL)
            snprintf(left, sizeof left, "%s", c->name);
        put_entry(out, COL, left, c->summary, NULL);
    }
    fputs("\nGlobal flags (before or after the command):\n", out);
    put_flags(out, cli_global_flags);
    fputc('\n', out);
    fputs(overview_tail, out);
}

bool cli_print_help(FILE *f, const char *name)
{
    if (!name) {
        put_overview(f);
        return true;
    }
    const cli_command *c = cli_command_find(name);
    if (!c)
        return false;
    put_command_help(f, c);
    return true;
}

/* ---- the machine-readable table ---- */

void cli_print_command_lines(FILE *f)
{
    for (size_t k = 0; k < cli_n_commands; k++)
        if (!cli_commands[k].hidden)
            fprintf(f, "%s\t%s\t%s\n", cli_commands[k].name,
                cli_commands[k].writes ? "writes" : "reads", cli_commands[k].summary);
}

static void flag_lines(FILE *out, const char *scope, const cli_flag *flags)
{
    for (const cli_flag *f = flags; f && f->name; f++) {
        if (!flag_shown(f))
            continue;
        fprintf(out, "%s\t--%s\t", scope, f->name);
        if (f->letter)
            fprintf(out, "-%c\t", f->letter);
        else
            fputs("-\t", out);
        fprintf(out, "%s\t", f->value ? f->value : "-");
        if (f->choices) {
            for (int k = 0; f->choices[k]; k++)
                fprintf(out, "%s%s", k ? "," : "", f->choices[k]);
        } else {
            fputc('-', out);
        }
        fprintf(out, "\t%s\n", (f->attr & CLI_REPEAT) ? "repeat" : "once");
    }
}

void cli_print_flag_lines(FILE *f)
{
    flag_lines(f, "global", cli_global_flags);
    for (size_t k = 0; k < cli_n_commands; k++)
        if (!cli_commands[k].hidden)
            flag_lines(f, cli_commands[k].name, cli_commands[k].flags);
}

int cmd_help(const cli_globals *g, const cli_parsed *p)
{
    (void)g;
    bool listed = false;
    if (cli_flag_given(p, CLI_F_LIST_COMMANDS)) {
        cli_print_command_lines(stdout);
        listed = true;
    }
    if (cli_flag_given(p, CLI_F_LIST_FLAGS)) {
        cli_print_flag_lines(stdout);
        listed = true;
    }
    if (listed)
        return SK_EXIT_OK;
    const char *topic = p->n_operands > 0 ? p->operands[0] : NULL;
    if (!cli_print_help(stdout, topic)) {
        const char *near = cli_command_nearest(topic);
        if (near)
            return cli_usage("no command '%s': did you mean '%s'?", topic, near);
        return cli_usage("no command '%s'", topic);
    }
    return SK_EXIT_OK;
}
