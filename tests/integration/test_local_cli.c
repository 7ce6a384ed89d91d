/* test_local_cli.c: the real skdash binary against hostile local files and commands: a journal
 * that is a FIFO, a symbolic link or a directory (`skdash journal` and the dashboard's J return
 * at once with the same error), a client_secret_command that hangs or floods (stopped within its
 * timeout, exit 3), a config file with a BOM (read) or a repeated key (exit 3, file, line, key).
 * Every run has a time limit: crossing it is a hang. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support/run_skdash.h"
#include "../support/skemu_proc.h"

static skemu_proc emu;
static char tmp_dir[64];

static int group_setup(void **state)
{
    (void)state;
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/skdash-local-XXXXXX");
    if (!mkdtemp(tmp_dir))
        return -1;
    const char *args[] = { "--generate", "20", "--connections", "2", "--seed", "5", "--quiet",
                           NULL };
    if (skemu_start(&emu, args) != 0) {
        fprintf(stderr, "cannot start skemu (SKEMU_BIN=%s)\n", getenv("SKEMU_BIN"));
        return -1;
    }
    skemu_env(&emu);
    unsetenv("SKDASH_PROFILE");
    setenv("SKDASH_NO_CACHE", "1", 1);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    skemu_stop(&emu);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* skdash with env (NULL: ours) and args, killed past limit_s; the run must end by itself. */
static void run_limited(run_result *r, char **env, double limit_s, const char *const *args)
{
    run_start(r, env, -1, args);
    run_finish(r, limit_s);
    if (r->killed)
        fail_msg("skdash %s ran past %.0f s: a hang (stderr: %s)", args[0], limit_s, r->err);
}

/* A state directory whose journal path is made by make(path). */
static void journal_dir(const char *name, char *state, size_t n, char *path, size_t pn)
{
    snprintf(state, n, "%s/%s", tmp_dir, name);
    char sub[256];
    snprintf(sub, sizeof sub, "%s/skdash", state);
    assert_int_equal(mkdir(state, 0700), 0);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(path, pn, "%s/journal.jsonl", sub);
}

/* `skdash journal` on a FIFO, a symbolic link and a directory: exit 3 at once, one line. */
static void test_journal_not_regular_cli(void **st)
{
    (void)st;
    const char *kinds[] = { "a FIFO", "a symbolic link", "a directory" };
    for (int k = 0; k < 3; k++) {
        char name[32], state[160], path[320], set[200], real[340];
        snprintf(name, sizeof name, "state-cli-%d", k);
        journal_dir(name, state, sizeof state, path, sizeof path);
        snprintf(real, sizeof real, "%s/real.jsonl", state);
        FILE *f = fopen(real, "w");
        assert_non_null(f);
        fputs("{\"action\":\"delete\",\"result\":\"ok\"}\n", f);
        fclose(f);
        chmod(real, 0600);
        if (k == 0)
            assert_int_equal(mkfifo(path, 0600), 0);
        else if (k == 1)
            assert_int_equal(symlink(real, path), 0);
        else
            assert_int_equal(mkdir(path, 0700), 0);
        snprintf(set, sizeof set, "XDG_STATE_HOME=%s", state);
        char **env = run_env(NULL, ARGS(set));
        run_result r;
        run_limited(&r, env, 10, ARGS("journal"));
        char want[600];
        snprintf(want, sizeof want, "skdash: the journal is not a regular file: %s (it is %s)\n",
                 path, kinds[k]);
        assert_int_equal(r.code, 3);
        assert_string_equal(r.err, want);
        assert_string_equal(r.out, "");
        assert_true(r.secs < 5);
        run_free(&r);
        run_limited(&r, env, 10, ARGS("journal", "--format", "json"));
        assert_int_equal(r.code, 3);
        run_free(&r);
        free(env);
    }
}

/* The dashboard's J on a FIFO journal (script mode: no terminal, the screen read back): the
 * journal screen opens at once with the error, and the dashboard goes on to its end. */
static void test_journal_fifo_dashboard(void **st)
{
    (void)st;
    char state[160], path[320];
    journal_dir("state-tui", state, sizeof state, path, sizeof path);
    assert_int_equal(mkfifo(path, 0600), 0);
    char dumps[200], set_state[200], *screens[1];
    snprintf(dumps, sizeof dumps, "%s/shots", tmp_dir);
    snprintf(set_state, sizeof set_state, "XDG_STATE_HOME=%s", state);
    run_dashboard_script(dumps, ":size 220x30\n:wait\nJ\n:dump journal\nEsc\n:wait\n:quit\n",
                         ARGS(set_state), 30, ARGS("journal"), screens);
    const char *screen = screens[0];
    if (!strstr(screen, "the journal is not a regular file") || !strstr(screen, "FIFO"))
        fail_msg("the journal screen does not say why:\n%s", screen);
    free(screens[0]);
}

/* A config file at XDG_CONFIG_HOME/skdash/config (mode 0600) holding text, and an environment
 * with only what the file does not give (the secret too unless keep_secret) and extra ("K=V",
 * may be NULL). */
static char **config_env(const char *name, const char *text, bool keep_secret, const char *extra)
{
    static char set[200];
    char d[160], sub[200], file[240];
    snprintf(d, sizeof d, "%s/%s", tmp_dir, name);
    snprintf(sub, sizeof sub, "%s/skdash", d);
    assert_int_equal(mkdir(d, 0700), 0);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(file, sizeof file, "%s/config", sub);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(file, 0600), 0);
    snprintf(set, sizeof set, "XDG_CONFIG_HOME=%s", d);
    const char *sets[] = { set, extra, NULL };
    if (keep_secret)
        return run_env(ARGS("SCALEKIT_ENVIRONMENT_URL", "SCALEKIT_CLIENT_ID"), sets);
    return run_env(ARGS("SCALEKIT_ENVIRONMENT_URL", "SCALEKIT_CLIENT_ID",
                        "SCALEKIT_CLIENT_SECRET"), sets);
}

/* client_secret_command that hangs (no terminal: stdin is /dev/null) or floods: exit 3 within
 * the timeout, saying so, for a command and for the dashboard alike; a good one still works
 * and its stderr is not part of the secret. */
static void test_secret_command_bounded(void **st)
{
    (void)st;
    char text[600];
    snprintf(text, sizeof text, "[default]\nenvironment_url = %s\nclient_id = skc_demo\n"
             "client_secret_command = sleep 60\nclient_secret_command_timeout = 1\n", emu.url);
    char **env = config_env("cfg-hang", text, false, NULL);
    run_result r;
    run_limited(&r, env, 15, ARGS("list"));
    assert_int_equal(r.code, 3);
    assert_non_null(strstr(r.err, "skdash: client_secret_command timed out after 1 s"));
    assert_true(r.secs < 5);
    assert_string_equal(r.out, "");
    run_free(&r);
    free(env);
    /* The dashboard (script mode, so no terminal is needed) stops at the same place. */
    char set_script[240], script[200];
    snprintf(script, sizeof script, "%s/quit.keys", tmp_dir);
    FILE *f = fopen(script, "w");
    assert_non_null(f);
    fputs(":quit\n", f);
    fclose(f);
    snprintf(set_script, sizeof set_script, "SKDASH_SCRIPT=%s", script);
    env = config_env("cfg-hang-tui", text, false, set_script);
    run_limited(&r, env, 15, ARGS("--no-cache"));
    assert_int_equal(r.code, 3);
    assert_non_null(strstr(r.err, "timed out after 1 s"));
    assert_true(r.secs < 5);
    run_free(&r);
    free(env);

    snprintf(text, sizeof text, "[default]\nenvironment_url = %s\nclient_id = skc_demo\n"
             "client_secret_command = yes not-a-secret\n", emu.url);
    env = config_env("cfg-flood", text, false, NULL);
    run_limited(&r, env, 15, ARGS("connections"));
    assert_int_equal(r.code, 3);
    assert_non_null(strstr(r.err, "printed more than 64 KiB"));
    assert_null(strstr(r.err, "not-a-secret"));
    assert_true(r.secs < 5);
    run_free(&r);
    free(env);

    snprintf(text, sizeof text, "[default]\nenvironment_url = %s\nclient_id = skc_demo\n"
             "client_secret_command = echo a-note >&2; printf '%%s\\n' \"$SKTEST_SECRET\"\n",
             emu.url);
    env = config_env("cfg-good", text, false, "SKTEST_SECRET=" SKEMU_DEMO_CLIENT_SECRET);
    run_limited(&r, env, 30, ARGS("connections", "--format", "json"));
    if (r.code != 0)
        fail_msg("a good client_secret_command was not used (%d): %s", r.code, r.err);
    assert_string_equal(r.err, "a-note\n");
    run_free(&r);
    free(env);
}

/* A BOM at the start of the file is read past; a key given twice is exit 3 naming file:line. */
static void test_config_bom_and_repeat(void **st)
{
    (void)st;
    char text[600];
    snprintf(text, sizeof text, "\xEF\xBB\xBF[default]\nenvironment_url = %s\n"
             "client_id = skc_demo\n", emu.url);
    char **env = config_env("cfg-bom", text, true, NULL);
    run_result r;
    run_limited(&r, env, 30, ARGS("connections", "--format", "json"));
    if (r.code != 0)
        fail_msg("a config file with a BOM was not read (%d): %s", r.code, r.err);
    run_free(&r);
    free(env);

    snprintf(text, sizeof text, "[default]\nenvironment_url = %s\nclient_id = skc_demo\n"
             "client_id = skc_other\n", emu.url);
    env = config_env("cfg-repeat", text, true, NULL);
    run_limited(&r, env, 10, ARGS("connections"));
    char want[400];
    snprintf(want, sizeof want, "skdash: %s/cfg-repeat/skdash/config:4: client_id is given twice "
             "in [default]", tmp_dir);
    assert_int_equal(r.code, 3);
    assert_true(strncmp(r.err, want, strlen(want)) == 0);
    run_free(&r);
    free(env);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_journal_not_regular_cli),
        cmocka_unit_test(test_journal_fifo_dashboard),
        cmocka_unit_test(test_secret_command_bounded),
        cmocka_unit_test(test_config_bom_and_repeat),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
