/* test_cli_args.c: the command table and the one parser it drives: every flag form, unknown
 * flags, missing and bad values, repeats, "--", operand counts, the global flags, the
 * read-only gate's generic wording, and the help and machine-readable lines made from it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "account.h"
#include "../../src/cli/cli.h"
#include "../../src/cli/cli_cmd.h"
#include "saved_view.h"

/* ---- capturing what the parser prints on stderr ---- */

static char err_text[4096];
static int saved_stderr = -1;
static FILE *err_file;

static void err_begin(void)
{
    fflush(stderr);
    err_file = tmpfile();
    assert_non_null(err_file);
    saved_stderr = dup(STDERR_FILENO);
    assert_true(saved_stderr >= 0);
    assert_true(dup2(fileno(err_file), STDERR_FILENO) >= 0);
}

static void err_end(void)
{
    fflush(stderr);
    assert_true(dup2(saved_stderr, STDERR_FILENO) >= 0);
    close(saved_stderr);
    rewind(err_file);
    size_t n = fread(err_text, 1, sizeof err_text - 1, err_file);
    err_text[n] = '\0';
    fclose(err_file);
}

/* Parses words for the named command; err_text holds what was printed. */
static int parse(const char *name, cli_parsed *p, int argc, char **argv)
{
    const cli_command *c = cli_command_find(name);
    assert_non_null(c);
    assert_true(cli_parsed_init(p, argc));
    err_begin();
    int rc = cli_parse_command(c, argc, argv, p);
    err_end();
    return rc;
}

#define ARGV(...) ((char *[]){ __VA_ARGS__ })
#define NARGS(...) ((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(name, p, ...) parse(name, p, NARGS(__VA_ARGS__), ARGV(__VA_ARGS__))

/* rc is a usage error whose first line is exactly "skdash: want". */
static void assert_usage(int rc, const char *want)
{
    assert_int_equal(rc, SK_EXIT_USAGE);
    char line[512];
    snprintf(line, sizeof line, "skdash: %s\ntry 'skdash --help'\n", want);
    assert_string_equal(err_text, line);
}

static char *capture_help(const char *name)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    bool ok = cli_print_help(f, name);
    fclose(f);
    if (!ok) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* ---- the flag forms ---- */

static void test_value_forms(void **state)
{
    (void)state;
    cli_parsed p;
    int rc = PARSE("list", &p, "--connection", "gmail", "--connection=slack", "-c", "x", "-cy",
                   "-q", "ann", "--format=CSV");
    assert_int_equal(rc, 0);
    assert_string_equal(err_text, "");
    const char *v[8];
    assert_int_equal(cli_flag_values(&p, CLI_F_CONNECTION, v, 8), 4);
    assert_string_equal(v[0], "gmail");
    assert_string_equal(v[1], "slack");
    assert_string_equal(v[2], "x");
    assert_string_equal(v[3], "y");
    assert_string_equal(cli_flag_value(&p, CLI_F_QUERY, NULL), "ann");
    /* Choices match in any case; the value is kept as typed, its index is known. */
    const cli_hit *h = cli_flag_last(&p, CLI_F_FORMAT);
    assert_non_null(h);
    assert_string_equal(h->value, "CSV");
    assert_int_equal(h->choice, 2);
    assert_int_equal(cli_format_of(&p, CLI_FMT_TABLE), CLI_FMT_CSV);
    assert_int_equal(p.n_operands, 0);
    assert_false(p.help);
    cli_parsed_free(&p);

    /* An empty glued value is a value ("--id=" is then refused by show, not the parser). */
    rc = PARSE("show", &p, "--id=", "--format", "json");
    assert_int_equal(rc, 0);
    assert_string_equal(cli_flag_value(&p, CLI_F_ID, "unset"), "");
    assert_int_equal(cli_format_of(&p, CLI_FMT_TEXT), CLI_FMT_JSON);
    cli_parsed_free(&p);
}

static void test_switches(void **state)
{
    (void)state;
    cli_parsed p;
    int rc = PARSE("delete", &p, "-y", "--dry-run", "--id", "ca_1");
    assert_int_equal(rc, 0);
    assert_true(cli_flag_given(&p, CLI_F_YES));
    assert_true(cli_flag_given(&p, CLI_F_DRY_RUN));
    assert_false(cli_flag_given(&p, CLI_F_QR));
    assert_null(cli_flag_value(&p, CLI_F_YES, NULL));
    cli_parsed_free(&p);
    rc = PARSE("delete", &p, "--yes=1");
    assert_usage(rc, "--yes takes no value");
    cli_parsed_free(&p);
    /* A short switch stands alone: "-yq" is not "-y -q". */
    rc = PARSE("delete", &p, "-yq");
    assert_usage(rc, "delete: unknown option '-yq'");
    cli_parsed_free(&p);
    /* A flag of another command is unknown here. */
    rc = PARSE("show", &p, "--qr", "--id", "x");
    assert_usage(rc, "show: unknown option '--qr'");
    cli_parsed_free(&p);
}

static void test_unknown_flag(void **state)
{
    (void)state;
    cli_parsed p;
    int rc = PARSE("list", &p, "--no-such-flag");
    assert_usage(rc, "list: unknown option '--no-such-flag'");
    cli_parsed_free(&p);
    rc = PARSE("journal", &p, "-z");
    assert_usage(rc, "journal: unknown option '-z'");
    cli_parsed_free(&p);
    /* A prefix of a flag is not the flag. */
    rc = PARSE("list", &p, "--form", "json");
    assert_usage(rc, "list: unknown option '--form'");
    cli_parsed_free(&p);
    /* Near enough to one flag: that flag is suggested (the value is never looked at). */
    rc = PARSE("list", &p, "--formats=json");
    assert_usage(rc, "list: unknown option '--formats=json': did you mean '--format'?");
    cli_parsed_free(&p);
}

/* Did you mean: the nearest command or long flag of the table, only when it is close. */
static void test_suggestions(void **state)
{
    (void)state;
    /* The distance: a missing, extra, changed or swapped letter counts one, in any case. */
    static const char *const words[] = { "list", "link", "show", "connections", NULL };
    assert_string_equal(cli_nearest("lst", words, 4), "list");
    assert_string_equal(cli_nearest("LIST", words, 4), "list");
    assert_string_equal(cli_nearest("lsit", words, 4), "list");
    assert_string_equal(cli_nearest("conections", words, 4), "connections");
    assert_string_equal(cli_nearest("connetcions", words, 4), "connections");
    assert_string_equal(cli_nearest("lin", words, 4), "link");
    assert_null(cli_nearest("lint", words, 4));       /* list and link: as near, no guess */
    assert_null(cli_nearest("xyz", words, 4));
    assert_null(cli_nearest("sh", words, 4));          /* 2 edits in a short word: too far */
    assert_null(cli_nearest("", words, 4));
    assert_null(cli_nearest("connxxxions", words, 4)); /* 3 edits */
    assert_string_equal(cli_command_nearest("lst"), "list");
    assert_string_equal(cli_command_nearest("jornal"), "journal");
    assert_string_equal(cli_command_nearest("completon"), "completion");
    assert_null(cli_command_nearest("_complete"));     /* hidden commands are never offered */
    assert_null(cli_command_nearest("frobnicate"));

    char buf[64];
    const cli_command *list = cli_command_find("list");
    assert_true(cli_flag_nearest(list->flags, cli_global_flags, "--stat", buf, sizeof buf));
    assert_string_equal(buf, "--state");
    assert_true(cli_flag_nearest(list->flags, cli_global_flags, "--conection=gmail", buf,
                                 sizeof buf));
    assert_string_equal(buf, "--connection");
    assert_true(cli_flag_nearest(list->flags, cli_global_flags, "--verison", buf, sizeof buf));
    assert_string_equal(buf, "--version");
    assert_false(cli_flag_nearest(list->flags, cli_global_flags, "-x", buf, sizeof buf));
    assert_false(cli_flag_nearest(list->flags, cli_global_flags, "--", buf, sizeof buf));
    /* A refused flag is never suggested: the secret is not taken on the command line. */
    assert_false(cli_flag_nearest(NULL, cli_global_flags, "--client-secrt", buf, sizeof buf));

    /* Through the parser and the dispatcher: the old message, then the suggestion. */
    cli_parsed p;
    int rc = PARSE("list", &p, "--stat", "active");
    assert_usage(rc, "list: unknown option '--stat': did you mean '--state'?");
    cli_parsed_free(&p);
    fflush(stdout);
    err_begin();
    rc = cli_main(NARGS("skdash", "lst"), ARGV("skdash", "lst"));
    err_end();
    assert_usage(rc, "unknown command 'lst': did you mean 'list'?");
    err_begin();
    rc = cli_main(NARGS("skdash", "frobnicate"), ARGV("skdash", "frobnicate"));
    err_end();
    assert_usage(rc, "unknown command 'frobnicate'");
    err_begin();
    rc = cli_main(NARGS("skdash", "--verison"), ARGV("skdash", "--verison"));
    err_end();
    assert_usage(rc, "unknown option '--verison': did you mean '--version'?");
    err_begin();
    rc = cli_main(NARGS("skdash", "completion", "bahs"), ARGV("skdash", "completion", "bahs"));
    err_end();
    assert_usage(rc, "completion: no shell 'bahs' (bash, zsh or fish): did you mean 'bash'?");
}

static void test_missing_value(void **state)
{
    (void)state;
    cli_parsed p;
    int rc = PARSE("list", &p, "-c");
    assert_usage(rc, "-c needs a connection name");
    cli_parsed_free(&p);
    rc = PARSE("list", &p, "--query");
    assert_usage(rc, "--query needs some text");
    cli_parsed_free(&p);
    rc = PARSE("list", &p, "--format");
    assert_usage(rc, "--format wants table, json or csv");
    cli_parsed_free(&p);
    rc = PARSE("show", &p, "--id");
    assert_usage(rc, "--id needs an account id");
    cli_parsed_free(&p);
}

static void test_bad_value(void **state)
{
    (void)state;
    cli_parsed p;
    int rc = PARSE("list", &p, "-s", "active", "-s", "sleeping");
    assert_usage(rc, "-s wants pending, active, expired, revoked or error, not 'sleeping'");
    cli_parsed_free(&p);
    /* Each command has its own formats. */
    rc = PARSE("show", &p, "--format", "table");
    assert_usage(rc, "--format wants text or json, not 'table'");
    cli_parsed_free(&p);
    rc = PARSE("journal", &p, "--format=csv");
    assert_usage(rc, "--format wants table or json, not 'csv'");
    cli_parsed_free(&p);
}

static void test_repeats(void **state)
{
    (void)state;
    cli_parsed p;
    /* Repeatable: every value counts, in order. */
    int rc = PARSE("list", &p, "-s", "ACTIVE", "--state=expired", "-sError");
    assert_int_equal(rc, 0);
    int n = 0;
    for (int k = 0; k < p.n_hits; k++)
        n += p.hits[k].flag->id == CLI_F_STATE;
    assert_int_equal(n, 3);
    assert_int_equal(p.hits[0].choice, 1);
    assert_int_equal(p.hits[1].choice, 2);
    assert_int_equal(p.hits[2].choice, 4);
    cli_parsed_free(&p);
    /* Not repeatable: the last one wins. */
    rc = PARSE("list", &p, "--format", "json", "--format", "csv", "-q", "a", "-q", "b");
    assert_int_equal(rc, 0);
    assert_int_equal(cli_format_of(&p, CLI_FMT_TABLE), CLI_FMT_CSV);
    assert_string_equal(cli_flag_value(&p, CLI_F_QUERY, NULL), "b");
    cli_parsed_free(&p);
    /* A repeatable flag with a limit: -c at most CLI_MAX_CONNECTIONS times. */
    char *argv[2 * (CLI_MAX_CONNECTIONS + 1)];
    for (int k = 0; k <= CLI_MAX_CONNECTIONS; k++) {
        argv[2 * k] = "-c";
        argv[2 * k + 1] = "gmail";
    }
    rc = parse("list", &p, 2 * CLI_MAX_CONNECTIONS, argv);
    assert_int_equal(rc, 0);
    cli_parsed_free(&p);
    rc = parse("list", &p, 2 * (CLI_MAX_CONNECTIONS + 1), argv);
    char want[64];
    snprintf(want, sizeof want, "-c may be given at most %d times", CLI_MAX_CONNECTIONS);
    assert_usage(rc, want);
    cli_parsed_free(&p);
}

static void test_dashdash_and_operands(void **state)
{
    (void)state;
    cli_parsed p;
    /* After "--" everything is an operand, even words that look like flags. */
    int rc = PARSE("show", &p, "--format", "json", "--", "--id", "-x");
    assert_int_equal(rc, 0);
    assert_int_equal(p.n_operands, 2);
    assert_string_equal(p.operands[0], "--id");
    assert_string_equal(p.operands[1], "-x");
    assert_false(cli_flag_given(&p, CLI_F_ID));
    cli_parsed_free(&p);
    /* "-" alone is an operand; operands and flags mix. */
    rc = PARSE("link", &p, "gmail", "--qr", "-");
    assert_int_equal(rc, 0);
    assert_int_equal(p.n_operands, 2);
    assert_string_equal(p.operands[1], "-");
    assert_true(cli_flag_given(&p, CLI_F_QR));
    cli_parsed_free(&p);
    /* One operand too many, before or after "--". */
    rc = PARSE("show", &p, "a", "b", "c");
    assert_usage(rc, "show: unexpected argument 'c'");
    cli_parsed_free(&p);
    rc = PARSE("list", &p, "--", "x");
    assert_usage(rc, "list: unexpected argument 'x'");
    cli_parsed_free(&p);
    rc = PARSE("list", &p, "--");
    assert_int_equal(rc, 0);
    cli_parsed_free(&p);
    /* A second "--" is an operand. */
    rc = PARSE("help", &p, "--", "--");
    assert_int_equal(rc, 0);
    assert_int_equal(p.n_operands, 1);
    assert_string_equal(p.operands[0], "--");
    cli_parsed_free(&p);
}

static void test_help_word(void **state)
{
    (void)state;
    cli_parsed p;
    /* --help or -h stops parsing, unless an error came first; after "--" it is an operand. */
    int rc = PARSE("list", &p, "--help", "--no-such-flag");
    assert_int_equal(rc, 0);
    assert_true(p.help);
    cli_parsed_free(&p);
    rc = PARSE("show", &p, "-h");
    assert_int_equal(rc, 0);
    assert_true(p.help);
    cli_parsed_free(&p);
    rc = PARSE("list", &p, "--no-such-flag", "--help");
    assert_int_equal(rc, SK_EXIT_USAGE);
    cli_parsed_free(&p);
    rc = PARSE("show", &p, "--", "-h", "x");
    assert_int_equal(rc, 0);
    assert_false(p.help);
    assert_int_equal(p.n_operands, 2);
    cli_parsed_free(&p);
    /* A value that looks like --help is a value. */
    rc = PARSE("list", &p, "-q", "--help");
    assert_int_equal(rc, 0);
    assert_false(p.help);
    assert_string_equal(cli_flag_value(&p, CLI_F_QUERY, NULL), "--help");
    cli_parsed_free(&p);
}

/* ---- the global flags ---- */

static int parse_g(cli_parsed *g, const char **cmd, char **rest, int *n_rest, int argc,
                   char **argv)
{
    assert_true(cli_parsed_init(g, argc));
    err_begin();
    int rc = cli_parse_globals(argc, argv, g, cmd, rest, n_rest);
    err_end();
    return rc;
}

#define PARSE_G(g, cmd, rest, n, ...) \
    parse_g(g, cmd, rest, n, NARGS(__VA_ARGS__), ARGV(__VA_ARGS__))

static void test_globals(void **state)
{
    (void)state;
    cli_parsed g;
    const char *cmd;
    char *rest[16];
    int n;
    int rc = PARSE_G(&g, &cmd, rest, &n, "skdash", "--profile", "p", "list", "-c", "x",
                     "--read-only", "--refresh=5", "--no-colour", "--help", "--", "--debug");
    assert_int_equal(rc, 0);
    assert_string_equal(cmd, "list");
    /* Before and after the command; --help after it and anything after "--" are the
     * command's. */
    assert_int_equal(n, 5);
    assert_string_equal(rest[0], "-c");
    assert_string_equal(rest[1], "x");
    assert_string_equal(rest[2], "--help");
    assert_string_equal(rest[3], "--");
    assert_string_equal(rest[4], "--debug");
    assert_string_equal(cli_flag_value(&g, CLI_G_PROFILE, NULL), "p");
    assert_true(cli_flag_given(&g, CLI_G_READ_ONLY));
    assert_true(cli_flag_given(&g, CLI_G_NO_COLOR));   /* by its alias */
    assert_false(cli_flag_given(&g, CLI_G_DEBUG));
    assert_false(cli_flag_given(&g, CLI_G_HELP));
    assert_int_equal(cli_flag_last(&g, CLI_G_REFRESH)->num, 5);
    cli_parsed_free(&g);

    rc = PARSE_G(&g, &cmd, rest, &n, "skdash", "-h", "show");
    assert_int_equal(rc, 0);
    assert_true(cli_flag_given(&g, CLI_G_HELP));
    assert_string_equal(cmd, "show");
    cli_parsed_free(&g);

    rc = PARSE_G(&g, &cmd, rest, &n, "skdash", "--concurrency", "0", "list");
    assert_usage(rc, "--concurrency wants a number from 1 to 64, not '0'");
    cli_parsed_free(&g);
    rc = PARSE_G(&g, &cmd, rest, &n, "skdash", "list", "--profile");
    assert_usage(rc, "--profile needs a value");
    cli_parsed_free(&g);
    rc = PARSE_G(&g, &cmd, rest, &n, "skdash", "--frob", "list");
    assert_usage(rc, "unknown option '--frob'");
    cli_parsed_free(&g);
    rc = PARSE_G(&g, &cmd, rest, &n, "skdash", "--mouse=yes");
    assert_usage(rc, "--mouse takes no value");
    cli_parsed_free(&g);
    /* The secret is refused in every form, and never echoed. */
    const char *forms[][2] = { { "--client-secret", "hunter2" }, { "--client-secret=hunter2", "" } };
    for (size_t k = 0; k < 2; k++) {
        rc = PARSE_G(&g, &cmd, rest, &n, "skdash", "list", (char *)forms[k][0],
                     (char *)forms[k][1]);
        assert_int_equal(rc, SK_EXIT_USAGE);
        assert_non_null(strstr(err_text, "SCALEKIT_CLIENT_SECRET"));
        assert_null(strstr(err_text, "hunter2"));
        cli_parsed_free(&g);
    }
}

/* ---- the read-only gate ---- */

static void test_gate_generic(void **state)
{
    (void)state;
    const cli_command *del = cli_command_find("delete");
    assert_non_null(del);
    assert_true(del->writes);
    err_begin();
    int rc = cli_gate_read_only(del, true, NULL);
    err_end();
    assert_int_equal(rc, SK_EXIT_USAGE);
    assert_string_equal(err_text, "skdash: read-only: delete is disabled\n");
    err_begin();
    rc = cli_gate_read_only(del, true, "ro");
    err_end();
    assert_string_equal(err_text, "skdash: read-only: delete is disabled (profile 'ro')\n");
    /* Any command marked as writing, in the same words. */
    const cli_command other = { .name = "disconnect", .writes = true };
    err_begin();
    rc = cli_gate_read_only(&other, true, NULL);
    err_end();
    assert_int_equal(rc, SK_EXIT_USAGE);
    assert_string_equal(err_text, "skdash: read-only: disconnect is disabled\n");
    /* Not read-only, or a command that only reads: no word. */
    err_begin();
    assert_int_equal(cli_gate_read_only(del, false, NULL), 0);
    assert_int_equal(cli_gate_read_only(cli_command_find("list"), true, "ro"), 0);
    assert_int_equal(cli_gate_read_only(NULL, true, NULL), 0);
    err_end();
    assert_string_equal(err_text, "");
}

/* Through the dispatcher: --read-only (before or after the command) is refused before any
 * config is read; the profile's read_only once it is, before any request (the URL below
 * answers nothing); --help still answers. (Deletes that are let through: test_cli.) */
static void test_gate_dispatch(void **state)
{
    (void)state;
    char path[] = "/tmp/skdash-test-cli-args-XXXXXX";
    int fd = mkstemp(path);   /* mode 0600, as a config file with a secret must be */
    assert_true(fd >= 0);
    const char conf[] = "[ro]\nenvironment_url = http://127.0.0.1:9\nclient_id = skc_x\n"
                        "client_secret = not-a-secret\nread_only = true\n";
    assert_int_equal(write(fd, conf, sizeof conf - 1), (ssize_t)(sizeof conf - 1));
    close(fd);
#define CASE(rc, err, ...) { ARGV(__VA_ARGS__), NARGS(__VA_ARGS__), rc, err }
    struct { char **argv; int argc; int rc; const char *err; } cases[] = {
        CASE(SK_EXIT_USAGE, "skdash: read-only: delete is disabled\n",
             "skdash", "--read-only", "delete", "--id", "ca_1", "--yes"),
        CASE(SK_EXIT_USAGE, "skdash: read-only: delete is disabled\n",
             "skdash", "--config", "/nonexistent", "delete", "--id", "ca_1", "--read-only"),
        CASE(SK_EXIT_USAGE, "skdash: read-only: delete is disabled (profile 'ro')\n",
             "skdash", "--config", path, "--profile", "ro", "delete", "--id", "ca_1", "--yes"),
        /* Words the parser refuses come first; the gate, before the command checks how the
         * account is named. */
        CASE(SK_EXIT_USAGE, "skdash: delete: unknown option '--frob'\ntry 'skdash --help'\n",
             "skdash", "--read-only", "delete", "--frob"),
        CASE(SK_EXIT_USAGE, "skdash: read-only: delete is disabled\n",
             "skdash", "--read-only", "delete"),
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        err_begin();
        int rc = cli_main(cases[k].argc, cases[k].argv);
        err_end();
        assert_int_equal(rc, cases[k].rc);
        assert_string_equal(err_text, cases[k].err);
    }
    /* --help is answered in read-only mode too (its text goes to /dev/null here). */
    fflush(stdout);
    int out = dup(STDOUT_FILENO), null = open("/dev/null", O_WRONLY);
    assert_true(out >= 0 && null >= 0 && dup2(null, STDOUT_FILENO) >= 0);
    err_begin();
    int rc = cli_main(NARGS("skdash", "--config", path, "--read-only", "delete", "--help"),
                      ARGV("skdash", "--config", path, "--read-only", "delete", "--help"));
    err_end();
    fflush(stdout);
    assert_true(dup2(out, STDOUT_FILENO) >= 0);
    close(out);
    close(null);
    assert_int_equal(rc, 0);
    assert_string_equal(err_text, "");
    unlink(path);
}

/* ---- the table itself ---- */

static const cli_flag *flag_in(const cli_flag *flags, const char *name, char letter)
{
    for (const cli_flag *f = flags; f && f->name; f++)
        if ((name && strcmp(f->name, name) == 0) || (letter && f->letter == letter))
            return f;
    return NULL;
}

/* A command's flag named like a global one would never reach it (the globals are taken out
 * first); names and letters are unique within a command. */
static void test_table_consistent(void **state)
{
    (void)state;
    assert_true(cli_n_commands >= 7);
    for (size_t k = 0; k < cli_n_commands; k++) {
        const cli_command *c = &cli_commands[k];
        assert_non_null(c->name);
        assert_non_null(c->run);
        assert_non_null(c->summary);
        assert_ptr_equal(cli_command_find(c->name), c);
        for (const cli_flag *f = c->flags; f && f->name; f++) {
            assert_int_not_equal(f->id, CLI_F_NONE);
            assert_null(flag_in(cli_global_flags, f->name, 0));
            assert_ptr_equal(flag_in(c->flags, f->name, 0), f);
            if (f->letter) {
                assert_ptr_equal(flag_in(c->flags, NULL, f->letter), f);
                assert_int_not_equal(f->letter, 'h');   /* -h is help everywhere */
            }
            if (!(f->attr & CLI_HIDDEN))
                assert_non_null(f->help);
            if (f->choices)
                assert_non_null(f->choices[0]);
            if (f->choices || (f->attr & CLI_INT))
                assert_non_null(f->value);
        }
    }
    for (const cli_flag *f = cli_global_flags; f->name; f++)
        assert_ptr_equal(flag_in(cli_global_flags, f->name, 0), f);
    assert_null(cli_command_find("frobnicate"));
    assert_null(cli_command_find(NULL));
}

/* The -s choices are exactly the states state_parse() takes. */
static void test_state_choices(void **state)
{
    (void)state;
    const cli_flag *s = flag_in(cli_command_find("list")->flags, "state", 0);
    assert_non_null(s);
    assert_non_null(s->choices);
    int n = 0;
    for (; s->choices[n]; n++) {
        sk_state st;
        assert_true(state_parse(s->choices[n], &st));
        assert_string_equal(state_name_lower(st), s->choices[n]);
    }
    assert_int_equal(n, SK_STATE_COUNT);
}

/* --view takes the keys of the core's saved-view registry, every one and no other. */
static void test_view_choices(void **state)
{
    (void)state;
    static const char *const cmds[] = { "list", "link", "delete", "disconnect" };
    size_t nv;
    const sk_saved_view *views = saved_views(&nv);
    for (size_t c = 0; c < sizeof cmds / sizeof cmds[0]; c++) {
        const cli_flag *v = flag_in(cli_command_find(cmds[c])->flags, "view", 0);
        assert_non_null(v);
        assert_non_null(v->choices);
        size_t n = 0;
        for (; v->choices[n]; n++) {
            assert_true(n < nv);
            assert_string_equal(v->choices[n], views[n].key);
        }
        assert_int_equal(n, nv);
    }
}

/* ---- help made from the table ---- */

static void test_help_overview(void **state)
{
    (void)state;
    char *o = capture_help(NULL);
    assert_non_null(o);
    assert_non_null(strstr(o, "usage: skdash [GLOBAL FLAGS] [COMMAND [ARGS]]\n"));
    assert_null(strstr(o, "__complete"));   /* a hidden command is in no help */
    for (size_t k = 0; k < cli_n_commands; k++) {
        if (cli_commands[k].hidden)
            continue;
        char want[64];
        snprintf(want, sizeof want, "\n  %s ", cli_commands[k].name);
        assert_non_null(strstr(o, want));
        assert_non_null(strstr(o, cli_commands[k].summary));
    }
    for (const cli_flag *f = cli_global_flags; f->name; f++) {
        char want[64];
        snprintf(want, sizeof want, "--%s", f->name);
        if (f->attr & CLI_HIDDEN)
            continue;
        assert_non_null(strstr(o, want));
        char first[128];   /* the help's first line: the others are indented */
        snprintf(first, sizeof first, "%.*s", (int)strcspn(f->help, "\n"), f->help);
        assert_non_null(strstr(o, first));
    }
    /* The read-only flag names the commands that write. */
    assert_non_null(strstr(o, "--read-only             refuse anything that changes data (delete, "
                              "disconnect)\n"));
    free(o);
}

static void test_help_commands(void **state)
{
    (void)state;
    for (size_t k = 0; k < cli_n_commands; k++) {
        const cli_command *c = &cli_commands[k];
        char *h = capture_help(c->name);
        assert_non_null(h);
        char want[128];
        snprintf(want, sizeof want, "usage: skdash %s", c->name);
        assert_ptr_equal(strstr(h, want), h);
        for (const cli_flag *f = c->flags; f && f->name; f++) {
            snprintf(want, sizeof want, "--%s", f->name);
            if (f->attr & CLI_HIDDEN) {
                assert_null(strstr(h, want));
                continue;
            }
            /* In the usage line and in the flag list. */
            const char *nl = strchr(h, '\n');
            if (f->letter && f->value)
                snprintf(want, sizeof want, "[-%c ", f->letter);
            assert_true(strstr(h, want) && strstr(h, want) < nl);
            snprintf(want, sizeof want, "--%s", f->name);
            assert_non_null(strstr(nl, want));
            if (f->letter) {
                snprintf(want, sizeof want, "-%c, --%s", f->letter, f->name);
                assert_non_null(strstr(nl, want));
            }
            for (int j = 0; f->choices && f->choices[j]; j++)
                assert_non_null(strstr(nl, f->choices[j]));
        }
        assert_int_equal(strstr(h, "Refused in read-only mode") != NULL, c->writes);
        free(h);
    }
    char *h = capture_help("list");
    assert_non_null(strstr(h, "usage: skdash list [-c CONNECTION]... [-s STATE]... [-q TEXT] "
                              "[--expiring-within DUR] [--unused-for DUR] "
                              "[--view all|attention|expiring|unused] [--format table|json|csv]\n"));
    free(h);
    h = capture_help("delete");
    assert_non_null(strstr(h, "usage: skdash delete (--id ID | CONNECTION IDENTIFIER | SELECTION) "
                              "[--yes] [--dry-run] [-c CONNECTION]... [-s STATE]... [-q TEXT] "
                              "[--expiring-within DUR] [--unused-for DUR] "
                              "[--view all|attention|expiring|unused] [--all]\n"));
    free(h);
    assert_null(capture_help("frobnicate"));
}

/* The lines completions and the man page test read: one per visible flag, fields by tab. */
static void test_machine_lines(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cli_print_flag_lines(f);
    fclose(f);
    size_t want_lines = 0;
    for (const cli_flag *g = cli_global_flags; g->name; g++)
        want_lines += !(g->attr & CLI_HIDDEN);
    for (size_t k = 0; k < cli_n_commands; k++)
        for (const cli_flag *g = cli_commands[k].flags; g && g->name; g++)
            want_lines += !(g->attr & CLI_HIDDEN);
    size_t lines = 0;
    for (const char *p = buf; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, want_lines);
    assert_non_null(strstr(buf, "\nlist\t--state\t-s\tSTATE\tpending,active,expired,revoked,"
                                "error\trepeat\n"));
    assert_non_null(strstr(buf, "\ndelete\t--yes\t-y\t-\t-\tonce\n"));
    assert_non_null(strstr(buf, "global\t--profile\t-\tNAME\t-\tonce\n"));
    assert_null(strstr(buf, "client-secret"));
    assert_null(strstr(buf, "--commands"));
    free(buf);
    f = open_memstream(&buf, &len);
    cli_print_command_lines(f);
    fclose(f);
    assert_non_null(strstr(buf, "delete\twrites\t"));
    assert_non_null(strstr(buf, "\nlist\treads\t"));
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_value_forms),
        cmocka_unit_test(test_switches),
        cmocka_unit_test(test_unknown_flag),
        cmocka_unit_test(test_suggestions),
        cmocka_unit_test(test_missing_value),
        cmocka_unit_test(test_bad_value),
        cmocka_unit_test(test_repeats),
        cmocka_unit_test(test_dashdash_and_operands),
        cmocka_unit_test(test_help_word),
        cmocka_unit_test(test_globals),
        cmocka_unit_test(test_gate_generic),
        cmocka_unit_test(test_gate_dispatch),
        cmocka_unit_test(test_table_consistent),
        cmocka_unit_test(test_state_choices),
        cmocka_unit_test(test_view_choices),
        cmocka_unit_test(test_help_overview),
        cmocka_unit_test(test_help_commands),
        cmocka_unit_test(test_machine_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
