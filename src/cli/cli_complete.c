/* cli_complete.c: `skdash completion bash|zsh|fish`, the completion scripts generated from the
 * command table (cli_commands.c), and the hidden `skdash __complete` they call at Tab time. */
#include "cli_cmd.h"

#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "store.h"

/* The scripts hold commands, flags and choices (fixed for a given skdash); the names that
 * change (profiles, connections) they ask `skdash __complete` for when Tab is pressed, passing
 * on the line's --profile/--config/--environment-url/--client-id so that the names are the
 * ones the command being typed would use. */

typedef enum { SH_BASH, SH_ZSH, SH_FISH } shell;

static bool flag_visible(const cli_flag *f)
{
    return !(f->attr & CLI_HIDDEN) && !f->refuse;
}

/* Global flags whose value says which environment (passed on to __complete). */
static bool flag_selects_env(const cli_flag *f)
{
    return f->id == CLI_G_PROFILE || f->id == CLI_G_CONFIG || f->id == CLI_G_ENV_URL ||
           f->id == CLI_G_CLIENT_ID;
}

/* "--name" and, with a letter, "-x": written as a shell case pattern, prefix before each. */
static void put_flag_pattern(FILE *out, const char *prefix, const cli_flag *f)
{
    if (f->letter)
        fprintf(out, "%s-%c|", prefix, f->letter);
    fprintf(out, "%s--%s", prefix, f->name);
}

/* Words separated by spaces: the flags of a table (long and short). */
static void put_flag_words(FILE *out, const cli_flag *flags, bool leading_too)
{
    for (const cli_flag *f = flags; f && f->name; f++) {
        if (!flag_visible(f) || (!leading_too && (f->attr & CLI_LEADING)))
            continue;
        if (f->letter)
            fprintf(out, " -%c", f->letter);
        fprintf(out, " --%s", f->name);
    }
}

static void put_choices(FILE *out, const char *const *choices)
{
    for (int k = 0; choices && choices[k]; k++)
        fprintf(out, " %s", choices[k]);
}

/* What to offer for a value of this kind (or these choices), as one shell statement. */
static void put_offer(FILE *out, cli_value_kind kind, const char *const *choices)
{
    if (choices) {
        fputs("_skdash_offer", out);
        put_choices(out, choices);
        return;
    }
    switch (kind) {
    case CLI_V_FILE: fputs("_skdash_files", out); return;
    case CLI_V_PROFILE: fputs("_skdash_names profiles", out); return;
    case CLI_V_CONNECTION: fputs("_skdash_names connections", out); return;
    case CLI_V_COMMAND:
        fputs("_skdash_offer", out);
        for (size_t k = 0; k < cli_n_commands; k++)
            if (!cli_commands[k].hidden)
                fprintf(out, " %s", cli_commands[k].name);
        return;
    case CLI_V_TEXT: fputs(":", out); return;
    }
}

/* One case arm per command's flag that takes a value ("list:-s|list:--state)"): skipped
 * with its value while the words are read, or (offer) completed when it is the word before. */
static void command_value_flags(FILE *out, bool offer)
{
    for (size_t k = 0; k < cli_n_commands; k++) {
        const cli_command *c = &cli_commands[k];
        char prefix[64];
        snprintf(prefix, sizeof prefix, "%s:", c->name);
        for (const cli_flag *f = c->flags; f && f->name; f++) {
            if (!flag_visible(f) || !f->value)
                continue;
            fputs(offer ? "    " : "        ", out);
            put_flag_pattern(out, prefix, f);
            if (!offer) {
                fputs(") ((i++)); continue ;;\n", out);
                continue;
            }
            fputs(") ", out);
            put_offer(out, f->kind, f->choices);
            fputs("; return ;;\n", out);
        }
    }
}

/* The part bash and zsh share: find the command and count its operands, then offer the value
 * of the flag before the cursor, a flag, or an operand. W(i) is the shell's i-th word. */
static void put_posix_body(FILE *out, const char *word, int first, const char *cword)
{
    fprintf(out,
            "    local cur=\"%s[%s]}\" prev=\"%s[%s-1]}\" cmd= w i nops=0\n"
            "    local -a opts\n"
            "    opts=()\n"
            "    for ((i = %d; i < %s; i++)); do\n"
            "        w=\"%s[i]}\"\n"
            "        case \"$cmd:$w\" in\n",
            word, cword, word, cword, first, cword, word);
    /* Global flags with a value: those that choose the environment are kept for __complete. */
    for (const cli_flag *f = cli_global_flags; f->name; f++) {
        if (!flag_visible(f) || !f->value)
            continue;
        fputs("        ", out);
        put_flag_pattern(out, "*:", f);
        if (flag_selects_env(f))
            fprintf(out, ") opts+=(\"$w\" \"%s[i+1]}\"); ((i++)); continue ;;\n", word);
        else
            fputs(") ((i++)); continue ;;\n", out);
    }
    command_value_flags(out, false);
    fprintf(out,
            "        *:-*) continue ;;\n"
            "        esac\n"
            "        if [ -z \"$cmd\" ]; then cmd=$w; else ((nops++)); fi\n"
            "    done\n"
            "    case \"$cmd:$prev\" in\n");
    command_value_flags(out, true);
    for (const cli_flag *f = cli_global_flags; f->name; f++) {
        if (!flag_visible(f) || !f->value)
            continue;
        fputs("    ", out);
        put_flag_pattern(out, "*:", f);
        fputs(") ", out);
        put_offer(out, f->kind, f->choices);
        fputs("; return ;;\n", out);
    }
    fputs("    esac\n"
          "    if [ -z \"$cmd\" ]; then\n"
          "        case \"$cur\" in\n"
          "        -*) _skdash_offer", out);
    put_flag_words(out, cli_global_flags, true);
    fputs(" ;;\n        *) ", out);
    put_offer(out, CLI_V_COMMAND, NULL);
    fputs(" ;;\n"
          "        esac\n"
          "        return\n"
          "    fi\n"
          "    case \"$cur\" in\n"
          "    -*)\n"
          "        case \"$cmd\" in\n", out);
    for (size_t k = 0; k < cli_n_commands; k++) {
        const cli_command *c = &cli_commands[k];
        if (c->hidden)
            continue;
        fprintf(out, "        %s) _skdash_offer", c->name);
        put_flag_words(out, c->flags, false);
        put_flag_words(out, cli_global_flags, true);
        fputs(" ;;\n", out);
    }
    fputs("        esac\n"
          "        return ;;\n"
          "    esac\n"
          "    [ \"$nops\" -eq 0 ] || return\n"
          "    case \"$cmd\" in\n", out);
    for (size_t k = 0; k < cli_n_commands; k++) {
        const cli_command *c = &cli_commands[k];
        if (c->hidden || (!c->operand_choices && c->operand_kind == CLI_V_TEXT))
            continue;
        fprintf(out, "    %s) ", c->name);
        put_offer(out, c->operand_kind, c->operand_choices);
        fputs(" ;;\n", out);
    }
    fputs("    esac\n", out);
}

static void put_bash(FILE *out)
{
    fputs("# bash completion for skdash, made by `skdash completion bash` from its command\n"
          "# table. Profiles and connection names are asked of skdash when Tab is pressed.\n"
          "_skdash_offer()\n"
          "{\n"
          "    local IFS=$' \\t\\n'\n"
          "    COMPREPLY+=($(compgen -W \"$*\" -- \"$cur\"))\n"
          "}\n"
          "_skdash_files()\n"
          "{\n"
          "    local IFS=$'\\n'\n"
          "    COMPREPLY+=($(compgen -f -- \"$cur\"))\n"
          "}\n"
          "_skdash_names()\n"
          "{\n"
          "    local IFS=$'\\n'\n"
          "    COMPREPLY+=($(compgen -W \"$(\"${COMP_WORDS[0]}\" \"${opts[@]}\" __complete \"$1\" "
          "2>/dev/null)\" -- \"$cur\"))\n"
          "}\n"
          "_skdash()\n"
          "{\n"
          "    COMPREPLY=()\n",
          out);
    put_posix_body(out, "${COMP_WORDS", 1, "COMP_CWORD");
    fputs("}\n"
          "complete -F _skdash skdash\n", out);
}

static void put_zsh(FILE *out)
{
    fputs("#compdef skdash\n"
          "# zsh completion for skdash, made by `skdash completion zsh` from its command\n"
          "# table. Profiles and connection names are asked of skdash when Tab is pressed.\n"
          "_skdash_offer() { compadd -- \"$@\" }\n"
          "_skdash_files() { _files }\n"
          "_skdash_names()\n"
          "{\n"
          "    local -a names\n"
          "    names=(${(f)\"$(\"${words[1]}\" \"${opts[@]}\" __complete \"$1\" 2>/dev/null)\"})\n"
          "    (( ${#names} )) && compadd -a names\n"
          "}\n"
          "_skdash()\n"
          "{\n",
          out);
    put_posix_body(out, "${words", 2, "CURRENT");
    fputs("}\n"
          "# Autoloaded from $fpath: complete now; sourced: register the function.\n"
          "if [ \"${funcstack[1]}\" = _skdash ]; then\n"
          "    _skdash \"$@\"\n"
          "else\n"
          "    compdef _skdash skdash\n"
          "fi\n", out);
}

/* A fish single-quoted string: ' and \ escaped; the first line of help only. */
static void put_fish_quoted(FILE *out, const char *s)
{
    fputc('\'', out);
    for (; s && *s && *s != '\n'; s++) {
        if (*s == '\'' || *s == '\\')
            fputc('\\', out);
        fputc(*s, out);
    }
    fputc('\'', out);
}

static void put_fish_flag(FILE *out, const char *cond, const cli_flag *f)
{
    fputs("complete -c skdash", out);
    if (cond)
        fprintf(out, " -n '%s'", cond);
    if (f->letter)
        fprintf(out, " -s %c", f->letter);
    fprintf(out, " -l %s", f->name);
    if (f->value) {
        fputs(" -r", out);
        if (f->choices) {
            fputs(" -f -a '", out);
            for (int k = 0; f->choices[k]; k++)
                fprintf(out, "%s%s", k ? " " : "", f->choices[k]);
            fputc('\'', out);
        } else if (f->kind == CLI_V_FILE) {
            fputs(" -F", out);
        } else if (f->kind == CLI_V_PROFILE) {
            fputs(" -f -a '(__skdash_names profiles)'", out);
        } else if (f->kind == CLI_V_CONNECTION) {
            fputs(" -f -a '(__skdash_names connections)'", out);
        } else {
            fputs(" -f", out);
        }
    }
    fputs(" -d ", out);
    put_fish_quoted(out, f->help);
    fputc('\n', out);
}

static void put_fish(FILE *out)
{
    fputs("# fish completion for skdash, made by `skdash completion fish` from its command\n"
          "# table. Profiles and connection names are asked of skdash when Tab is pressed.\n"
          "function __skdash_words --description 'the command and the flags choosing the "
          "environment'\n"
          "    set -l w (commandline -opc)\n"
          "    set -l i 2\n"
          "    set -l opts\n"
          "    while test $i -le (count $w)\n"
          "        switch $w[$i]\n"
          "            case", out);
    for (const cli_flag *f = cli_global_flags; f->name; f++)
        if (flag_visible(f) && f->value && flag_selects_env(f))
            fprintf(out, " --%s", f->name);
    fputs("\n"
          "                set -a opts $w[$i] $w[(math $i + 1)]\n"
          "                set i (math $i + 2)\n"
          "            case", out);
    for (const cli_flag *f = cli_global_flags; f->name; f++)
        if (flag_visible(f) && f->value && !flag_selects_env(f))
            fprintf(out, " --%s", f->name);
    fputs("\n"
          "                set i (math $i + 2)\n"
          "            case '-*'\n"
          "                set i (math $i + 1)\n"
          "            case '*'\n"
          "                echo cmd $w[$i]\n"
          "                break\n"
          "        end\n"
          "    end\n"
          "    for o in $opts\n"
          "        echo opt $o\n"
          "    end\n"
          "end\n"
          "function __skdash_cmd\n"
          "    string replace -rf '^cmd ' '' -- (__skdash_words)\n"
          "end\n"
          "function __skdash_none\n"
          "    set -l c (__skdash_cmd)\n"
          "    test -z \"$c\"\n"
          "end\n"
          "function __skdash_is\n"
          "    set -l c (__skdash_cmd)\n"
          "    test \"$c\" = \"$argv[1]\"\n"
          "end\n"
          "function __skdash_names\n"
          "    set -l opts (string replace -rf '^opt ' '' -- (__skdash_words))\n"
          "    set -l bin (commandline -opc)[1]\n"
          "    $bin $opts __complete $argv[1] 2>/dev/null\n"
          "end\n"
          "complete -c skdash -f\n", out);
    for (size_t k = 0; k < cli_n_commands; k++) {
        const cli_command *c = &cli_commands[k];
        if (c->hidden)
            continue;
        fprintf(out, "complete -c skdash -n __skdash_none -a %s -d ", c->name);
        put_fish_quoted(out, c->summary);
        fputc('\n', out);
    }
    for (const cli_flag *f = cli_global_flags; f->name; f++)
        if (flag_visible(f))
            put_fish_flag(out, NULL, f);
    for (size_t k = 0; k < cli_n_commands; k++) {
        const cli_command *c = &cli_commands[k];
        if (c->hidden)
            continue;
        char cond[64];
        snprintf(cond, sizeof cond, "__skdash_is %s", c->name);
        for (const cli_flag *f = c->flags; f && f->name; f++)
            if (flag_visible(f))
                put_fish_flag(out, cond, f);
        if (c->operand_choices) {
            fprintf(out, "complete -c skdash -n '%s' -a '", cond);
            for (int j = 0; c->operand_choices[j]; j++)
                fprintf(out, "%s%s", j ? " " : "", c->operand_choices[j]);
            fputs("'\n", out);
        } else if (c->operand_kind == CLI_V_CONNECTION) {
            fprintf(out, "complete -c skdash -n '%s' -a '(__skdash_names connections)'\n", cond);
        } else if (c->operand_kind == CLI_V_COMMAND) {
            fprintf(out, "complete -c skdash -n '%s' -a '", cond);
            bool first = true;
            for (size_t j = 0; j < cli_n_commands; j++) {
                if (cli_commands[j].hidden)
                    continue;
                fprintf(out, "%s%s", first ? "" : " ", cli_commands[j].name);
                first = false;
            }
            fputs("'\n", out);
        }
    }
}

int cmd_completion(const cli_globals *g, const cli_parsed *p)
{
    (void)g;
    static const char *const shells[] = { "bash", "zsh", "fish" };
    const char *want = p->n_operands ? p->operands[0] : NULL;
    if (!want)
        return cli_usage("completion: name a shell: bash, zsh or fish");
    for (int k = 0; k < 3; k++) {
        if (strcmp(want, shells[k]) != 0)
            continue;
        if (k == SH_BASH)
            put_bash(stdout);
        else if (k == SH_ZSH)
            put_zsh(stdout);
        else
            put_fish(stdout);
        return SK_EXIT_OK;
    }
    const char *near = cli_nearest(want, shells, 3);
    if (near)
        return cli_usage("completion: no shell '%s' (bash, zsh or fish): did you mean '%s'?",
                         want, near);
    return cli_usage("completion: no shell '%s' (bash, zsh or fish)", want);
}

/* ---- names at Tab time ---- */

/* One profile name, unless it has a blank or control character (it would split into several
 * words). */
static void profile_out(void *ud, const char *name)
{
    (void)ud;
    bool plain = *name != '\0';
    for (const char *k = name; *k && plain; k++)
        plain = (unsigned char)*k > ' ' && *k != 0x7f;
    if (plain)
        printf("%s\n", name);
}

/* The section names of the config file, in order (config_profiles in the core). */
static void print_profiles(const cli_globals *g)
{
    char path[1024];
    if (g->cfg.config_path)
        snprintf(path, sizeof path, "%s", g->cfg.config_path);
    else
        config_default_path(path, sizeof path);
    config_profiles(path, profile_out, NULL);
}

/* The connection names of the environment's last cached listing. */
static void print_connections(const cli_globals *g)
{
    /* At Tab time nothing may prompt or wait: a placeholder secret keeps config_load_partial
     * from running the profile's client_secret_command (only the URL and client id, which name
     * the cache file, are needed; nothing is sent anywhere). */
    setenv("SCALEKIT_CLIENT_SECRET", "unused-by-completion", 1);
    sk_config cfg;
    sk_error err;
    sk_error_clear(&err);
    if (config_load_partial(&cfg, &g->cfg, &err) != SK_OK)
        return;
    sk_store *st = cfg.environment_url[0] && cfg.client_id[0] ? store_new() : NULL;
    if (st && cache_load(st, cfg.environment_url, cfg.client_id, NULL, &err) == SK_OK) {
        for (size_t i = 0; i < store_connection_count(st); i++) {
            sk_conn_summary c;
            store_connection(st, i, &c);
            bool plain = c.name && *c.name;
            for (const char *s = c.name; plain && *s; s++)
                plain = (unsigned char)*s > ' ' && *s != 0x7f;
            if (plain)
                printf("%s\n", c.name);
        }
    }
    store_free(st);
    config_free(&cfg);
}

int cmd_complete(const cli_globals *g, const cli_parsed *p)
{
    const char *what = p->n_operands ? p->operands[0] : "";
    if (strcmp(what, "connections") == 0)
        print_connections(g);
    else if (strcmp(what, "profiles") == 0)
        print_profiles(g);
    return SK_EXIT_OK;
}
