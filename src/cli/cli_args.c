/* cli_args.c: the one argument parser of the command line, driven by the flag tables of
 * cli_commands.c: the global flags (anywhere before "--") and each command's own words. */
#include "cli_args.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli_cmd.h"
#include "nearest.h"

bool cli_parsed_init(cli_parsed *p, int argc)
{
    memset(p, 0, sizeof *p);
    size_t n = argc > 0 ? (size_t)argc : 1;
    p->hits = calloc(n, sizeof *p->hits);
    p->operands = calloc(n, sizeof *p->operands);
    if (!p->hits || !p->operands) {
        cli_parsed_free(p);
        return false;
    }
    return true;
}

void cli_parsed_free(cli_parsed *p)
{
    free(p->hits);
    free(p->operands);
    p->hits = NULL;
    p->operands = NULL;
}

/* ---- did you mean ---- */

/* The one "did you mean" of both front ends lives in the core (nearest.h). */
const char *cli_nearest(const char *typed, const char *const *cands, size_t n)
{
    return nearest_name(typed, cands, n);
}

const char *cli_command_nearest(const char *name)
{
    const char *names[32];
    size_t n = 0;
    for (size_t k = 0; k < cli_n_commands && n < 32; k++)
        if (!cli_commands[k].hidden)
            names[n++] = cli_commands[k].name;
    return cli_nearest(name, names, n);
}

bool cli_flag_nearest(const cli_flag *flags, const cli_flag *extra, const char *typed,
                      char *buf, size_t n)
{
    /* Only long flags: a one-letter typo is as near to every letter as to the right one. */
    if (strncmp(typed, "--", 2) != 0 || !typed[2])
        return false;
    char word[64];
    snprintf(word, sizeof word, "%.*s", (int)strcspn(typed + 2, "="), typed + 2);
    const char *names[64];
    size_t k = 0;
    const cli_flag *tables[2] = { flags, extra };
    for (int t = 0; t < 2; t++)
        for (const cli_flag *f = tables[t]; f && f->name && k < 64; f++)
            if (!(f->attr & CLI_HIDDEN) && !f->refuse)
                names[k++] = f->name;
    const char *near = cli_nearest(word, names, k);
    if (!near)
        return false;
    snprintf(buf, n, "--%s", near);
    return true;
}

static bool is_help_word(const char *s)
{
    return strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0;
}

/* "a, b or c" into buf. */
static void choices_phrase(const cli_flag *f, char *buf, size_t n)
{
    buf[0] = '\0';
    size_t len = 0, k = 0;
    while (f->choices[k])
        k++;
    for (size_t i = 0; i < k && len < n; i++) {
        const char *sep = i == 0 ? "" : i + 1 == k ? " or " : ", ";
        int w = snprintf(buf + len, n - len, "%s%s", sep, f->choices[i]);
        if (w < 0)
            break;
        len += (size_t)w;
    }
}

/* Checks the value of hit against its flag's choices or range; prints the usage error. */
static int check_value(const char *typed, cli_hit *hit)
{
    const cli_flag *f = hit->flag;
    if (f->choices) {
        for (int k = 0; f->choices[k]; k++) {
            if (strcasecmp(hit->value, f->choices[k]) == 0) {
                hit->choice = k;
                return SK_EXIT_OK;
            }
        }
        char list[256];
        choices_phrase(f, list, sizeof list);
        return cli_usage("%s wants %s, not '%s'", typed, list, hit->value);
    }
    if (f->attr & CLI_INT) {
        char *end;
        errno = 0;
        long v = strtol(hit->value, &end, 10);
        if (!*hit->value || *end || errno || v < f->lo || v > f->hi)
            return cli_usage("%s wants %s from %ld to %ld, not '%s'", typed,
                             f->what ? f->what : "a number", f->lo, f->hi, hit->value);
        hit->num = v;
    }
    return SK_EXIT_OK;
}

/* The flag of table written as s, and the value glued to it ("--name=V", "-cV", NULL when
 * none); NULL when s is none of the table's flags. */
static const cli_flag *flag_of(const cli_flag *table, const char *s, const char **glued)
{
    *glued = NULL;
    if (s[0] != '-' || s[1] == '\0')
        return NULL;
    for (const cli_flag *f = table; f && f->name; f++) {
        if (s[1] == '-') {
            const char *names[2] = { f->name, f->alias };
            for (int k = 0; k < 2; k++) {
                size_t n = names[k] ? strlen(names[k]) : 0;
                if (!n || strncmp(s + 2, names[k], n) != 0)
                    continue;
                if (s[2 + n] == '\0')
                    return f;
                if (s[2 + n] == '=') {
                    *glued = s + 3 + n;
                    return f;
                }
            }
        } else if (f->letter && s[1] == f->letter) {
            if (s[2] == '\0')
                return f;
            /* "-cVALUE" for a flag that takes a value; a switch stands alone. */
            if (f->value) {
                *glued = s + 2;
                return f;
            }
        }
    }
    return NULL;
}

/* The flag as the user typed it ("-c", "--connection"), for messages: never its value,
 * which may be a secret. */
static void typed_form(const char *s, const char *glued, char *buf, size_t n)
{
    size_t len = glued ? (size_t)(glued - s) : strlen(s);
    if (glued && s[1] == '-')
        len--;   /* the '=' */
    snprintf(buf, n, "%.*s", (int)(len < n ? len : n - 1), s);
}

/* Matches argv[*i] against table. Returns 1 with *hit filled (and *i past a separate value),
 * 0 when it is none of the table's flags, or a usage exit code (the error printed). */
static int match_flag(const cli_flag *table, int argc, char **argv, int *i, cli_hit *hit)
{
    const char *s = argv[*i], *glued;
    const cli_flag *f = flag_of(table, s, &glued);
    if (!f)
        return 0;
    char typed[64];
    typed_form(s, glued, typed, sizeof typed);
    if (f->refuse)
        return cli_usage("%s", f->refuse);
    *hit = (cli_hit){ .flag = f, .choice = -1 };
    if (!f->value) {
        if (glued)
            return cli_usage("%s takes no value", typed);
        return 1;
    }
    if (glued) {
        hit->value = glued;
    } else if (*i + 1 < argc) {
        hit->value = argv[++*i];
    } else if (f->choices) {
        char list[256];
        choices_phrase(f, list, sizeof list);
        return cli_usage("%s wants %s", typed, list);
    } else {
        return cli_usage("%s needs %s", typed, f->what && !(f->attr & CLI_INT) ? f->what
                                                                               : "a value");
    }
    int rc = check_value(typed, hit);
    return rc ? rc : 1;
}

/* Records a hit, refusing a repeatable flag given more often than its maximum. */
static int add_hit(cli_parsed *p, const cli_hit *hit, const char *s)
{
    const cli_flag *f = hit->flag;
    if ((f->attr & CLI_REPEAT) && f->max > 0) {
        int n = 0;
        for (int k = 0; k < p->n_hits; k++)
            n += p->hits[k].flag->id == f->id;
        if (n >= f->max) {
            const char *glued;
            char typed[64];
            flag_of(p->cmd ? p->cmd->flags : cli_global_flags, s, &glued);
            typed_form(s, glued, typed, sizeof typed);
            return cli_usage("%s may be given at most %d times", typed, f->max);
        }
    }
    p->hits[p->n_hits++] = *hit;
    return SK_EXIT_OK;
}

int cli_parse_globals(int argc, char **argv, cli_parsed *g, const char **command,
                      char **rest, int *n_rest)
{
    bool dashdash = false;
    *command = NULL;
    *n_rest = 0;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i], *glued;
        const cli_flag *f = dashdash ? NULL : flag_of(cli_global_flags, s, &glued);
        /* --help after the command is the command's to answer. */
        if (f && (f->attr & CLI_LEADING) && *command)
            f = NULL;
        if (f) {
            cli_hit hit;
            int m = match_flag(cli_global_flags, argc, argv, &i, &hit);
            if (m != 1)
                return m;
            int rc = add_hit(g, &hit, s);
            if (rc)
                return rc;
            continue;
        }
        if (!*command && !dashdash && s[0] != '-') {
            *command = s;
            continue;
        }
        if (!*command && !dashdash && strcmp(s, "--") != 0) {
            char near[72];
            if (cli_flag_nearest(cli_global_flags, NULL, s, near, sizeof near))
                return cli_usage("unknown option '%s': did you mean '%s'?", s, near);
            return cli_usage("unknown option '%s'", s);
        }
        if (strcmp(s, "--") == 0)
            dashdash = true;
        rest[(*n_rest)++] = argv[i];
    }
    return SK_EXIT_OK;
}

int cli_parse_command(const cli_command *cmd, int argc, char **argv, cli_parsed *p)
{
    p->cmd = cmd;
    bool dashdash = false;
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        if (!dashdash && strcmp(s, "--") == 0) {
            dashdash = true;
            continue;
        }
        if (!dashdash && s[0] == '-' && s[1] != '\0') {
            if (is_help_word(s)) {
                p->help = true;
                return SK_EXIT_OK;
            }
            cli_hit hit;
            int m = match_flag(cmd->flags, argc, argv, &i, &hit);
            if (m == 0) {
                char near[72];
                if (cli_flag_nearest(cmd->flags, cli_global_flags, s, near, sizeof near))
                    return cli_usage("%s: unknown option '%s': did you mean '%s'?", cmd->name,
                                     s, near);
                return cli_usage("%s: unknown option '%s'", cmd->name, s);
            }
            if (m != 1)
                return m;
            int rc = add_hit(p, &hit, s);
            if (rc)
                return rc;
            continue;
        }
        if (p->n_operands >= cmd->max_operands)
            return cli_usage("%s: unexpected argument '%s'", cmd->name, s);
        p->operands[p->n_operands++] = s;
    }
    return SK_EXIT_OK;
}

const cli_hit *cli_flag_last(const cli_parsed *p, cli_flag_id id)
{
    for (int k = p->n_hits - 1; k >= 0; k--)
        if (p->hits[k].flag->id == id)
            return &p->hits[k];
    return NULL;
}

bool cli_flag_given(const cli_parsed *p, cli_flag_id id)
{
    return cli_flag_last(p, id) != NULL;
}

const char *cli_flag_value(const cli_parsed *p, cli_flag_id id, const char *def)
{
    const cli_hit *h = cli_flag_last(p, id);
    return h && h->value ? h->value : def;
}

size_t cli_flag_values(const cli_parsed *p, cli_flag_id id, const char **out, size_t max)
{
    size_t n = 0;
    for (int k = 0; k < p->n_hits && n < max; k++)
        if (p->hits[k].flag->id == id && p->hits[k].value)
            out[n++] = p->hits[k].value;
    return n;
}
