/* test_cmdbar.c: the real dashboard (script mode) with the command bar against two skemu
 * instances named by two profiles of one config file: `:profile` there and back several times
 * (each time the listing, store and client are rebuilt; the ASan twin of this program runs the
 * ASan skdash, so every teardown is checked for leaks and bad frees), `:export` of each
 * environment equal byte for byte to `skdash list --format csv` of the same connection, and a
 * profile that does not resolve leaving the current one. */
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

static skemu_proc dev, prod;
static char tmp_dir[64], cfg_dir[128], set_cfg[160], set_state[160], set_tz[] = "TZ=UTC";

static int group_setup(void **state)
{
    (void)state;
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/skdash-cmdbar-XXXXXX");
    if (!mkdtemp(tmp_dir))
        return -1;
    const char *a[] = { "--generate", "30", "--connections", "3", "--seed", "11", "--quiet", NULL };
    const char *b[] = { "--generate", "20", "--connections", "2", "--seed", "5", "--quiet", NULL };
    if (skemu_start(&dev, a) != 0 || skemu_start(&prod, b) != 0) {
        fprintf(stderr, "cannot start skemu (SKEMU_BIN=%s)\n", getenv("SKEMU_BIN"));
        return -1;
    }
    /* The profiles say where to go, not the environment. */
    unsetenv("SCALEKIT_ENVIRONMENT_URL");
    unsetenv("SCALEKIT_CLIENT_ID");
    unsetenv("SCALEKIT_CLIENT_SECRET");
    unsetenv("SKDASH_PROFILE");
    snprintf(cfg_dir, sizeof cfg_dir, "%s/config/skdash", tmp_dir);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' '%s/state'", cfg_dir, tmp_dir);
    if (system(cmd) != 0)
        return -1;
    char path[200];
    snprintf(path, sizeof path, "%s/config", cfg_dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "[dev]\nenvironment_url = %s\nclient_id = %s\nclient_secret = %s\naccent = blue\n\n"
               "[prod]\nenvironment_url = %s\nclient_id = %s\nclient_secret = %s\n"
               "read_only = true\n\n[nourl]\nclient_id = %s\nclient_secret = %s\n",
            dev.url, SKEMU_DEMO_CLIENT_ID, SKEMU_DEMO_CLIENT_SECRET, prod.url,
            SKEMU_DEMO_CLIENT_ID, SKEMU_DEMO_CLIENT_SECRET, SKEMU_DEMO_CLIENT_ID,
            SKEMU_DEMO_CLIENT_SECRET);
    fclose(f);
    chmod(path, 0600);
    snprintf(set_cfg, sizeof set_cfg, "XDG_CONFIG_HOME=%s/config", tmp_dir);
    snprintf(set_state, sizeof set_state, "XDG_STATE_HOME=%s/state", tmp_dir);
    setenv("XDG_CONFIG_HOME", set_cfg + strlen("XDG_CONFIG_HOME="), 1);
    setenv("XDG_STATE_HOME", set_state + strlen("XDG_STATE_HOME="), 1);
    setenv("SKDASH_NO_CACHE", "1", 1);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    int a = skemu_stop(&dev), b = skemu_stop(&prod);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_dir);
    return system(cmd) == 0 && a == 0 && b == 0 ? 0 : -1;
}

/* A whole file, NUL-terminated (fails the test when it cannot be read). */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("no file %s", path);
    char *buf = calloc(1, 1 << 20);
    assert_non_null(buf);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* `skdash --profile P list -c CONN --format csv`, as the command line prints it. */
static char *list_csv(const char *profile, const char *conn)
{
    run_result r;
    run_full(&r, NULL, -1, ARGS("--profile", profile, "list", "-c", conn, "--format", "csv"));
    if (r.code != 0)
        fail_msg("skdash list failed (%d): %s", r.code, r.err);
    char *out = strdup(r.out);
    run_free(&r);
    return out;
}

/* The first connection of a profile's environment, by `skdash connections`. */
static void first_conn(const char *profile, char *buf, size_t n)
{
    run_result r;
    run_full(&r, NULL, -1, ARGS("--profile", profile, "connections", "--format", "csv"));
    assert_int_equal(r.code, 0);
    const char *line2 = strchr(r.out, '\n');
    assert_non_null(line2);
    snprintf(buf, n, "%.*s", (int)strcspn(line2 + 1, ",\n"), line2 + 1);
    run_free(&r);
}

static void test_switch_and_export(void **st)
{
    (void)st;
    char conn_dev[64], conn_prod[64];
    first_conn("dev", conn_dev, sizeof conn_dev);
    first_conn("prod", conn_prod, sizeof conn_prod);
    char dir[128], script[2048];
    snprintf(dir, sizeof dir, "%s/run", tmp_dir);
    /* Three switches (dev -> prod -> dev -> prod) with a mark, a filter and the detail pane open
     * on the way, so each teardown has something to let go of; an export in each place. */
    snprintf(script, sizeof script,
             ":size 120x40\n:wait\nSpace Enter\n/ \"a\" Enter\n:wait\n"
             "\":profile nourl\" Enter\n:wait\n:dump refused\n"
             "\":profile prod\" Enter\n:wait\n\":conn %s\" Enter\n:wait\n"
             "\":export %s/prod.csv\" Enter\n:dump prod\n"
             "\":profile dev\" Enter\n:wait\nSpace\n\":conn %s\" Enter\n:wait\n"
             "\":export %s/dev.csv\" Enter\n:dump dev\n"
             "\":profile prod\" Enter\n:wait\nd\n:dump prod-again\n:quit\n",
             conn_prod, tmp_dir, conn_dev, tmp_dir);
    const char *set[] = { "SKDASH_PROFILE=dev", set_cfg, set_state, set_tz, NULL };
    const char *shots[] = { "refused", "prod", "dev", "prod-again", NULL };
    char *screens[4] = { 0 };
    run_dashboard_script(dir, script, set, 60, shots, screens);

    /* The refused profile: said why, and dev (its mark) still there. */
    assert_non_null(strstr(screens[0], "profile nourl not switched to: no environment URL"));
    assert_non_null(strstr(screens[0], "profile dev"));
    assert_non_null(strstr(screens[0], "1 marked"));
    /* prod: its host, read-only, nothing marked, the export said. */
    char host[512];
    snprintf(host, sizeof host, "%s  profile  prod ", prod.url + strlen("http://"));
    assert_non_null(strstr(screens[1], host));
    assert_non_null(strstr(screens[1], "READ-ONLY"));
    assert_null(strstr(screens[1], "marked"));
    assert_non_null(strstr(screens[1], "exported "));
    snprintf(host, sizeof host, "%s  profile dev", dev.url + strlen("http://"));
    assert_non_null(strstr(screens[2], host));
    assert_null(strstr(screens[2], "READ-ONLY"));
    assert_non_null(strstr(screens[3], "read-only: delete is disabled"));

    /* Each export is what skdash list prints for the same view, byte for byte. */
    char path[200];
    snprintf(path, sizeof path, "%s/prod.csv", tmp_dir);
    char *got = slurp(path), *want = list_csv("prod", conn_prod);
    assert_string_equal(got, want);
    assert_true(strchr(want, '\n') != strrchr(want, '\n'));   /* a header and rows */
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    free(got);
    free(want);
    snprintf(path, sizeof path, "%s/dev.csv", tmp_dir);
    got = slurp(path);
    want = list_csv("dev", conn_dev);
    assert_string_equal(got, want);
    free(got);
    free(want);
    for (int i = 0; i < 4; i++)
        free(screens[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_switch_and_export),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
