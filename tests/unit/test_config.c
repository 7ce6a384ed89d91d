/* test_config.c: configuration resolution: flags over environment over the file's profile,
 * profiles, the 0600 rule for secrets in the file, client_secret_command (and its limits), BOM
 * and repeated keys, URL checks (http:// only on loopback, no path, credentials kept apart),
 * ca_bundle's precedence, and messages for missing settings. Every test runs in its own temporary XDG_CONFIG_HOME. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"

typedef struct ctx {
    char dir[256];      /* XDG_CONFIG_HOME */
    char file[320];     /* dir/skdash/config */
} ctx;

static void clear_env(void)
{
    unsetenv("SCALEKIT_ENVIRONMENT_URL");
    unsetenv("SCALEKIT_CLIENT_ID");
    unsetenv("SCALEKIT_CLIENT_SECRET");
    unsetenv("SKDASH_PROFILE");
    /* The machine's own CA settings would change what the CA tests see. */
    unsetenv("SKDASH_CA_BUNDLE");
    unsetenv("CURL_CA_BUNDLE");
    unsetenv("SSL_CERT_FILE");
    unsetenv("SSL_CERT_DIR");
}

static int setup(void **state)
{
    ctx *c = calloc(1, sizeof *c);
    snprintf(c->dir, sizeof c->dir, "/tmp/skdash-test-config-XXXXXX");
    if (!mkdtemp(c->dir))
        return -1;
    char sub[300];
    snprintf(sub, sizeof sub, "%s/skdash", c->dir);
    mkdir(sub, 0700);
    snprintf(c->file, sizeof c->file, "%s/config", sub);
    setenv("XDG_CONFIG_HOME", c->dir, 1);
    clear_env();
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    ctx *c = *state;
    unlink(c->file);
    char sub[300];
    snprintf(sub, sizeof sub, "%s/skdash", c->dir);
    rmdir(sub);
    rmdir(c->dir);
    clear_env();
    free(c);
    return 0;
}

static void write_file(const ctx *c, mode_t mode, const char *text)
{
    unlink(c->file);
    FILE *f = fopen(c->file, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(c->file, mode), 0);
}

static const char *const BASE_FILE =
    "# skdash test\n"
    "[default]\n"
    "environment_url = https://file.example.com/\n"
    "client_id = skc_file\n"
    "client_secret_command = echo file-secret\n"
    "\n"
    "[prod]  ; production\n"
    "environment_url = \"https://prod.example.com\"\n"
    "client_id = skc_prod   # inline comment\n"
    "client_secret_command = printf 'prod-secret\\nsecond line\\n'\n"
    "read_only = yes\n";

static void test_default_path(void **state)
{
    ctx *c = *state;
    char buf[512];
    config_default_path(buf, sizeof buf);
    assert_string_equal(buf, c->file);
    unsetenv("XDG_CONFIG_HOME");
    setenv("HOME", "/home/someone", 1);
    config_default_path(buf, sizeof buf);
    assert_string_equal(buf, "/home/someone/.config/skdash/config");
    setenv("XDG_CONFIG_HOME", c->dir, 1);
}

static void test_file_default_profile(void **state)
{
    ctx *c = *state;
    write_file(c, 0644, BASE_FILE);   /* no client_secret in it: 0644 is fine */
    sk_config cfg;
    sk_error err;
    assert_int_equal(config_load(&cfg, NULL, &err), SK_OK);
    assert_string_equal(cfg.environment_url, "https://file.example.com");
    assert_string_equal(cfg.client_id, "skc_file");
    assert_string_equal(cfg.client_secret, "file-secret");
    assert_string_equal(cfg.profile, "default");
    assert_string_equal(cfg.config_path, c->file);
    assert_string_equal(cfg.url_source, "config file");
    assert_string_equal(cfg.id_source, "config file");
    assert_string_equal(cfg.secret_source, "command");
    assert_false(cfg.read_only);
    config_free(&cfg);
    assert_null(cfg.client_secret);
}

static void test_precedence(void **state)
{
    ctx *c = *state;
    write_file(c, 0600, BASE_FILE);
    sk_config_flags fl;
    config_flags_init(&fl);
    assert_int_equal(fl.read_only, -1);
    setenv("SCALEKIT_ENVIRONMENT_URL", "https://env.example.com", 1);
    setenv("SCALEKIT_CLIENT_ID", "skc_env", 1);
    setenv("SCALEKIT_CLIENT_SECRET", "env-secret", 1);
    fl.environment_url = "http://127.0.0.1:8080/";
    fl.client_id = "skc_flag";
    sk_config cfg;
    sk_error err;
    assert_int_equal(config_load(&cfg, &fl, &err), SK_OK);
    assert_string_equal(cfg.environment_url, "http://127.0.0.1:8080");
    assert_string_equal(cfg.url_source, "flag");
    assert_string_equal(cfg.client_id, "skc_flag");
    assert_string_equal(cfg.id_source, "flag");
    assert_string_equal(cfg.client_secret, "env-secret");
    assert_string_equal(cfg.secret_source, "environment");
    config_free(&cfg);

    fl.environment_url = fl.client_id = NULL;
    assert_int_equal(config_load(&cfg, &fl, &err), SK_OK);
    assert_string_equal(cfg.environment_url, "https://env.example.com");
    assert_string_equal(cfg.url_source, "environment");
    assert_string_equal(cfg.client_id, "skc_env");
    assert_string_equal(cfg.id_source, "environment");
    config_free(&cfg);

    unsetenv("SCALEKIT_ENVIRONMENT_URL");
    setenv("SCALEKIT_CLIENT_ID", "", 1);   /* empty counts as unset */
    unsetenv("SCALEKIT_CLIENT_SECRET");
    assert_int_equal(config_load(&cfg, &fl, &err), SK_OK);
    assert_string_equal(cfg.environment_url, "https://file.example.com");
    assert_string_equal(cfg.client_id, "skc_file");
    assert_string_equal(cfg.client_secret, "file-secret");
    config_free(&cfg);
}

static void test_profiles(void **state)
{
    ctx *c = *state;
    write_file(c, 0600, BASE_FILE);
    sk_config_flags fl;
    config_flags_init(&fl);
    sk_config cfg;
    sk_error err;

    setenv("SKDASH_PROFILE", "prod", 1);
    assert_int_equal(config_load(&cfg, &fl, &err), SK_OK);
    assert_string_equal(cfg.profile, "prod");
    assert_string_equal(cfg.environment_url, "https://prod.example.com");
    assert_string_equal(cfg.client_id, "skc_prod");
    assert_string_equal(cfg.client_secret, "prod-secret");   /* first line only */
    assert_true(cfg.read_only);
    config_free(&cfg);

    fl.read_only = 0;                  /* the flag wins over the file */
    assert_int_equal(config_load(&cfg, &fl, &err), SK_OK);
    assert_false(cfg.read_only);
    config_free(&cfg);

    fl.profile = "default";            /* the flag wins over SKDASH_PROFILE */
    assert_int_equal(config_load(&cfg, &fl, &err), SK_OK);
    assert_string_equal(cfg.profile, "default");
    assert_string_equal(cfg.client_id, "skc_file");
    config_free(&cfg);

    fl.profile = "staging";
    assert_int_equal(config_load(&cfg, &fl, &err), SK_ERR_CONFIG);
    assert_int_equal(err.status, SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "staging"));
    assert_non_null(strstr(err.message, "not found"));
    assert_null(cfg.client_secret);
    /* Even a partial load refuses a profile that does not exist. */
    assert_int_equal(config_load_partial(&cfg, &fl, &err), SK_ERR_CONFIG);
}

static void test_secret_in_file_mode(void **state)
{
    ctx *c = *state;
    const char *text = "[default]\nenvironment_url = https://a.example.com\nclient_id = skc_1\n"
                       "client_secret = s3cr3t-in-file\n";
    sk_config cfg;
    sk_error err;
    write_file(c, 0644, text);
    assert_int_equal(config_load(&cfg, NULL, &err), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "0644"));
    assert_non_null(strstr(err.message, "0600"));
    assert_non_null(strstr(err.message, c->file));
    assert_null(strstr(err.message, "s3cr3t"));
    assert_null(cfg.client_secret);
    write_file(c, 0640, text);
    assert_int_equal(config_load(&cfg, NULL, &err), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "0640"));
    /* Refused even when the environment would supply the secret: the file itself is unsafe. */
    setenv("SCALEKIT_CLIENT_SECRET", "env", 1);
    assert_int_equal(config_load(&cfg, NULL, &err), SK_ERR_CONFIG);
    unsetenv("SCALEKIT_CLIENT_SECRET");

    write_file(c, 0600, text);
    assert_int_equal(config_load(&cfg, NULL, &err), SK_OK);
    assert_string_equal(cfg.client_secret, "s3cr3t-in-file");
    assert_string_equal(cfg.secret_source, "config file");
    config_free(&cfg);
    write_file(c, 0400, text);
    assert_int_equal(config_load(&cfg, NULL, &err), SK_OK);
    config_free(&cfg);
}

static void test_secret_command(void **state)
{
    ctx *c = *state;
    sk_config cfg;
    sk_error err;
    write_file(c, 0600, "[default]\nenvironment_url = https://a.example.com\nclient_id = skc_1\n"
                        "client_secret_command = echo leaked-output; exit 3\n");
    assert_int_equal(config_load(&cfg, NULL, &err), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "exit status 3"));
    assert_null(strstr(err.message, "leaked"));
    assert_null(cfg.client_secret);

    write_file(c, 0600, "[default]\nenvironment_url = https://a.example.com\nclient_id = skc_1\n"
                        "client_secret_command = true\n");
    assert_int_equal(config_load(&cfg, NULL, &err), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "nothing"));

    write_file(c, 0600, "[default]\nenvironment_url = https://a.example.com\nclient_id = skc_1\n"
                        "client_secret_command = \"printf 'tok en\\r\\n'\"\n");
    assert_int_equal(config_load(&cfg, NULL, &err), SK_OK);
    assert_string_equal(cfg.client_secret, "tok en");
    config_free(&cfg);

    /* An environment secret means the command is never run. */
    char marker[400];
    snprintf(marker, sizeof marker, "%s/ran", c->dir);
    char text[800];
    snprintf(text, sizeof text, "[default]\nenvironment_url = https://a.example.com\nclient_id = x\n"
             "client_secret_command = touch %s; echo s\n", marker);
    write_file(c, 0600, text);
    setenv("SCALEKIT_CLIENT_SECRET", "from-env", 1);
    assert_int_equal(config_load(&cfg, NULL, &err), SK_OK);
    assert_string_equal(cfg.client_secret, "from-env");
    assert_int_not_equal(access(marker, F_OK), 0);
    config_free(&cfg);
    unsetenv("SCALEKIT_CLIENT_SECRET");
    assert_int_equal(config_load(&cfg, NULL, &err), SK_OK);
    assert_int_equal(access(marker, F_OK), 0);
    unlink(marker);
    config_free(&cfg);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* config_load with `client_secret_command = cmd` (and a timeout line when timeout is set);
 * *ms gets how long it took. */
static sk_status load_cmd(const ctx *c, const char *cmd, const char *timeout, sk_config *cfg,
                          sk_error *err, long long *ms)
{
    char text[1024];
    snprintf(text, sizeof text, "[default]\nenvironment_url = https://a.example.com\n"
             "client_id = skc_1\nclient_secret_command = %s\n%s%s%s", cmd,
             timeout ? "client_secret_command_timeout = " : "", timeout ? timeout : "",
             timeout ? "\n" : "");
    write_file(c, 0600, text);
    long long t0 = now_ms();
    sk_status st = config_load(cfg, NULL, err);
    *ms = now_ms() - t0;
    return st;
}

/* True once pid is gone (or a zombie waiting for init): polled for up to 3 s. */
static bool process_gone(long pid)
{
    for (int i = 0; i < 300; i++) {
        char path[64], stat[256] = "";
        snprintf(path, sizeof path, "/proc/%ld/stat", pid);
        FILE *f = fopen(path, "r");
        if (!f)
            return true;
        size_t n = fread(stat, 1, sizeof stat - 1, f);
        fclose(f);
        stat[n] = '\0';
        const char *p = strrchr(stat, ')');
        if (p && p[1] == ' ' && p[2] == 'Z')
            return true;
        usleep(10000);
    }
    return false;
}

/* A command that floods, hangs, prints a NUL or too long a line is stopped and refused: the
 * output is capped at 64 KiB and the run at client_secret_command_timeout seconds, and no
 * message quotes what it printed. */
static void test_secret_command_limits(void **state)
{
    ctx *c = *state;
    sk_config cfg;
    sk_error err;
    long long ms;

    /* Endless output: stopped after 64 KiB, long before any timeout. */
    assert_int_equal(load_cmd(c, "yes topsecret-yes", "30", &cfg, &err, &ms), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "more than 64 KiB"));
    assert_null(strstr(err.message, "topsecret"));
    assert_null(cfg.client_secret);
    assert_true(ms < 5000);
    /* One line longer than 64 KiB, and one without a newline. */
    assert_int_equal(load_cmd(c, "head -c 100000 /dev/zero", NULL, &cfg, &err, &ms),
                     SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "more than 64 KiB"));
    assert_int_equal(load_cmd(c, "head -c 65536 /dev/zero | tr '\\0' a; echo", NULL, &cfg, &err,
                              &ms), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "more than 64 KiB"));
    /* Exactly 64 KiB (65535 bytes and the newline) is still a secret. */
    assert_int_equal(load_cmd(c, "head -c 65535 /dev/zero | tr '\\0' a; echo", NULL, &cfg, &err,
                              &ms), SK_OK);
    assert_int_equal(strlen(cfg.client_secret), 65535);
    config_free(&cfg);

    /* A command that hangs: killed after the timeout with what it started (its process
     * group), a configuration error that says so and names the setting. */
    char pidfile[400], cmd[600];
    snprintf(pidfile, sizeof pidfile, "%s/sleep.pid", c->dir);
    snprintf(cmd, sizeof cmd, "echo topsecret-hang; sleep 60 & echo $! >%s; wait", pidfile);
    assert_int_equal(load_cmd(c, cmd, "1", &cfg, &err, &ms), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "timed out after 1 s"));
    assert_non_null(strstr(err.message, "client_secret_command_timeout"));
    assert_null(strstr(err.message, "topsecret"));
    assert_null(cfg.client_secret);
    assert_true(ms >= 900 && ms < 4000);
    FILE *f = fopen(pidfile, "r");
    assert_non_null(f);
    long pid = 0;
    assert_int_equal(fscanf(f, "%ld", &pid), 1);
    fclose(f);
    unlink(pidfile);
    assert_true(process_gone(pid));
    assert_int_equal(load_cmd(c, "sleep 60", "1", &cfg, &err, &ms), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "timed out"));
    assert_true(ms < 4000);
    /* stdout closed but the command still running: the timeout holds as well. */
    assert_int_equal(load_cmd(c, "exec >&-; sleep 60", "1", &cfg, &err, &ms), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "timed out"));
    assert_true(ms < 4000);

    /* The command exits while a child of its own keeps stdout open: its line is the secret. */
    assert_int_equal(load_cmd(c, "sleep 3 2>/dev/null & echo bg-secret", "2", &cfg, &err, &ms),
                     SK_OK);
    assert_string_equal(cfg.client_secret, "bg-secret");
    assert_true(ms < 1500);
    config_free(&cfg);

    /* Its stderr is the user's, never part of the secret; no newline at the end is fine. */
    assert_int_equal(load_cmd(c, "echo noise-on-stderr >&2; printf good", NULL, &cfg, &err, &ms),
                     SK_OK);
    assert_string_equal(cfg.client_secret, "good");
    config_free(&cfg);

    /* Nothing, a NUL byte, a signal, an exit status: each said, none quoting the output. */
    assert_int_equal(load_cmd(c, "printf '\\n'", NULL, &cfg, &err, &ms), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "printed nothing"));
    assert_int_equal(load_cmd(c, "printf 'top\\000secret\\n'", NULL, &cfg, &err, &ms),
                     SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "NUL"));
    assert_null(strstr(err.message, "top"));
    assert_int_equal(load_cmd(c, "echo topsecret-sig; kill -9 $$", NULL, &cfg, &err, &ms),
                     SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "signal 9"));
    assert_null(strstr(err.message, "topsecret"));
    assert_int_equal(load_cmd(c, "echo topsecret-st; exit 7", NULL, &cfg, &err, &ms),
                     SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "exit status 7"));
    assert_null(strstr(err.message, "topsecret"));
    assert_null(cfg.client_secret);
}

/* client_secret_command_timeout: whole seconds from 1 to 3600, 10 when not given. */
static void test_secret_command_timeout_setting(void **state)
{
    ctx *c = *state;
    sk_config cfg;
    sk_error err;
    long long ms;
    const char *bad[] = { "0", "-1", "1.5", "abc", "3601", "99999999999999999999", "" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(load_cmd(c, "echo s", bad[i], &cfg, &err, &ms), SK_ERR_CONFIG);
        assert_non_null(strstr(err.message, "client_secret_command_timeout"));
        assert_non_null(strstr(err.message, c->file));
    }
    assert_int_equal(load_cmd(c, "echo s", "3600", &cfg, &err, &ms), SK_OK);
    assert_int_equal(cfg.secret_command_timeout, 3600);
    config_free(&cfg);
    assert_int_equal(load_cmd(c, "echo s", NULL, &cfg, &err, &ms), SK_OK);
    assert_int_equal(cfg.secret_command_timeout, 10);
    config_free(&cfg);
    const char *text = "[default]\nclient_secret_command_timeout = 25\n";
    assert_int_equal(config_parse_text(text, strlen(text), NULL, &cfg, NULL, &err), SK_OK);
    assert_int_equal(cfg.secret_command_timeout, 25);
    config_free(&cfg);
    text = "[default]\nclient_secret_command_timeout = soon\n";
    assert_int_equal(config_parse_text(text, strlen(text), NULL, &cfg, NULL, &err), SK_ERR_CONFIG);
}

/* A UTF-8 byte order mark is skipped; a key given twice in the profile is an error naming
 * the file, the line and the key (a second client_id must not silently win or lose). */
static void test_bom_and_repeated_keys(void **state)
{
    ctx *c = *state;
    sk_config_flags fl;
    config_flags_init(&fl);
    fl.config_path = c->file;
    sk_config cfg;
    sk_error err;

    write_file(c, 0600, "\xEF\xBB\xBF[default]\nclient_id = bom\n");
    assert_int_equal(config_load_partial(&cfg, &fl, &err), SK_OK);
    assert_string_equal(cfg.client_id, "bom");
    config_free(&cfg);
    write_file(c, 0600, "\xEF\xBB\xBF# a comment first\n[default]\nclient_id = bom2\n");
    assert_int_equal(config_load_partial(&cfg, &fl, &err), SK_OK);
    assert_string_equal(cfg.client_id, "bom2");
    config_free(&cfg);
    const char *text = "\xEF\xBB\xBF[p]\nclient_id = t\n";
    assert_int_equal(config_parse_text(text, strlen(text), "p", &cfg, NULL, &err), SK_OK);
    assert_string_equal(cfg.client_id, "t");
    config_free(&cfg);

    write_file(c, 0600, "[default]\nclient_id = a\nenvironment_url = https://x.y\n"
                        "client_id = b\n");
    assert_int_equal(config_load_partial(&cfg, &fl, &err), SK_ERR_CONFIG);
    char want[400];
    snprintf(want, sizeof want, "%s:4: client_id is given twice in [default]", c->file);
    assert_non_null(strstr(err.message, want));
    /* The same section opened again counts as one. */
    write_file(c, 0600, "[default]\nclient_id = a\n[other]\nclient_id = z\n[default]\n"
                        "client_id = b\n");
    assert_int_equal(config_load_partial(&cfg, &fl, &err), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, ":6: client_id"));
    /* Secrets too, and the message never holds the value. */
    write_file(c, 0600, "[default]\nclient_secret = topsecret-1\nclient_secret = topsecret-2\n");
    assert_int_equal(config_load_partial(&cfg, &fl, &err), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, ":3: client_secret is given twice"));
    assert_null(strstr(err.message, "topsecret"));
    assert_null(cfg.client_secret);
    /* Even an empty first value counts. */
    write_file(c, 0600, "[default]\nread_only =\nread_only = true\n");
    assert_int_equal(config_load_partial(&cfg, &fl, &err), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "read_only is given twice"));
    /* Only the profile in use is held to it; unknown keys are ignored as before. */
    write_file(c, 0600, "[default]\nclient_id = a\nfuture = 1\nfuture = 2\n[other]\n"
                        "client_id = y\nclient_id = z\n");
    assert_int_equal(config_load_partial(&cfg, &fl, &err), SK_OK);
    assert_string_equal(cfg.client_id, "a");
    config_free(&cfg);
    text = "[default]\ncache = true\ncache = false\n";
    assert_int_equal(config_parse_text(text, strlen(text), NULL, &cfg, NULL, &err), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "(text):3: cache is given twice"));
}

static void test_url_rules(void **state)
{
    (void)state;
    sk_config_flags fl;
    config_flags_init(&fl);
    sk_config cfg;
    sk_error err;
    setenv("SCALEKIT_CLIENT_ID", "id", 1);
    setenv("SCALEKIT_CLIENT_SECRET", "sec", 1);
    fl.environment_url = "https://acme.scalekit.dev///";
    assert_int_equal(config_load(&cfg, &fl, &err), SK_OK);
    assert_string_equal(cfg.environment_url, "https://acme.scalekit.dev");
    char host[128];
    assert_string_equal(config_host(&cfg, host, sizeof host), "acme.scalekit.dev");
    config_free(&cfg);
    /* user:password@ is split off: environment_url (messages, journal, cache) never holds it. */
    fl.environment_url = "http://user:pw@127.0.0.1:4010/";
    assert_int_equal(config_load(&cfg, &fl, &err), SK_OK);
    assert_string_equal(cfg.environment_url, "http://127.0.0.1:4010");
    assert_string_equal(cfg.url_user, "user");
    assert_string_equal(cfg.url_password, "pw");
    assert_string_equal(config_host(&cfg, host, sizeof host), "127.0.0.1:4010");
    config_free(&cfg);
    assert_null(cfg.url_user);
    assert_null(cfg.url_password);
    /* Issue #12: a path is refused (it used to be kept, and every request went below it). */
    fl.environment_url = "http://user:pw@127.0.0.1:4010/base/";
    assert_int_equal(config_load(&cfg, &fl, &err), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "path (/base/)"));
    assert_non_null(strstr(err.message, "remove"));
    assert_null(strstr(err.message, "pw"));
    static const char *const bad[] = { "acme.scalekit.dev", "ftp://acme", "javascript:alert(1)" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fl.environment_url = bad[i];
        assert_int_equal(config_load(&cfg, &fl, &err), SK_ERR_CONFIG);
        assert_non_null(strstr(err.message, "https://"));
    }
}

static void test_missing_settings(void **state)
{
    ctx *c = *state;
    sk_config cfg;
    sk_error err;
    /* No file at all. */
    assert_int_equal(config_load(&cfg, NULL, &err), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "SCALEKIT_ENVIRONMENT_URL"));
    assert_non_null(strstr(err.message, "--environment-url"));
    assert_non_null(strstr(err.message, "environment_url"));
    assert_int_equal(config_load_partial(&cfg, NULL, &err), SK_OK);
    assert_string_equal(cfg.environment_url, "");
    assert_string_equal(cfg.config_path, "");
    assert_null(cfg.client_secret);
    config_free(&cfg);

    setenv("SCALEKIT_ENVIRONMENT_URL", "https://e.example.com", 1);
    assert_int_equal(config_load(&cfg, NULL, &err), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "SCALEKIT_CLIENT_ID"));
    assert_non_null(strstr(err.message, "client_id"));

    setenv("SCALEKIT_CLIENT_ID", "skc", 1);
    write_file(c, 0600, "[default]\nread_only = false\n");
    assert_int_equal(config_load(&cfg, NULL, &err), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "SCALEKIT_CLIENT_SECRET"));
    assert_non_null(strstr(err.message, "client_secret_command"));
    assert_non_null(strstr(err.message, c->file));

    setenv("SCALEKIT_CLIENT_SECRET", "x", 1);
    assert_int_equal(config_load(&cfg, NULL, &err), SK_OK);
    config_free(&cfg);
}

static void test_explicit_path_and_syntax(void **state)
{
    ctx *c = *state;
    sk_config_flags fl;
    config_flags_init(&fl);
    sk_config cfg;
    sk_error err;
    char path[400];
    snprintf(path, sizeof path, "%s/does-not-exist", c->dir);
    fl.config_path = path;
    assert_int_equal(config_load_partial(&cfg, &fl, &err), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "does-not-exist"));

    fl.config_path = c->file;
    write_file(c, 0600, "[default]\nthis line is wrong\n");
    assert_int_equal(config_load_partial(&cfg, &fl, &err), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, ":2:"));
    write_file(c, 0600, "[default\n");
    assert_int_equal(config_load_partial(&cfg, &fl, &err), SK_ERR_CONFIG);
    write_file(c, 0600, "[default]\nclient_id = \"unclosed\n");
    assert_int_equal(config_load_partial(&cfg, &fl, &err), SK_ERR_CONFIG);
    write_file(c, 0600, "[default]\nread_only = maybe\n");
    assert_int_equal(config_load_partial(&cfg, &fl, &err), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "read_only"));
    write_file(c, 0600, "  [ default ]  \n\t client_id\t=\t\"a # b ; c\"  # comment\n"
                        "unknown_key = ignored\n; comment\nenvironment_url=https://x.y\n");
    assert_int_equal(config_load_partial(&cfg, &fl, &err), SK_OK);
    assert_string_equal(cfg.client_id, "a # b ; c");
    assert_string_equal(cfg.environment_url, "https://x.y");
    config_free(&cfg);
}

/* load_url URL: config_load with URL as --environment-url (id and secret from the
 * environment); its status, err filled, cfg freed unless keep. */
static sk_status load_url(const char *url, sk_config *cfg, sk_error *err, bool keep)
{
    sk_config_flags fl;
    config_flags_init(&fl);
    fl.environment_url = url;
    setenv("SCALEKIT_CLIENT_ID", "id", 1);
    setenv("SCALEKIT_CLIENT_SECRET", "sec", 1);
    sk_status st = config_load(cfg, &fl, err);
    if (!keep || st != SK_OK)
        config_free(cfg);
    return st;
}

/* Issue #12, the transport: http:// only on loopback, the scheme in any case, blanks trimmed,
 * no path, query or fragment, a port that is a port, user:password@ decoded and kept apart. */
static void test_url_transport(void **state)
{
    (void)state;
    sk_config cfg;
    sk_error err;
    assert_int_equal(load_url("HTTPS://Acme.Scalekit.dev", &cfg, &err, true), SK_OK);
    assert_string_equal(cfg.environment_url, "https://Acme.Scalekit.dev");
    config_free(&cfg);
    assert_int_equal(load_url(" \thttps://a.example.com:8443/ \r\n", &cfg, &err, true), SK_OK);
    assert_string_equal(cfg.environment_url, "https://a.example.com:8443");
    config_free(&cfg);
    assert_int_equal(load_url("   ", &cfg, &err, false), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "blank"));

    static const char *const loopback[] = {
        "http://localhost", "HTTP://LocalHost:8080/", "http://127.0.0.1", "hTTp://127.255.255.254:1",
        "http://127.200.0.1:9", "http://[::1]:8080", "http://[0:0:0:0:0:0:0:1]", "http://u:p@localhost",
    };
    for (size_t i = 0; i < sizeof loopback / sizeof loopback[0]; i++) {
        assert_int_equal(load_url(loopback[i], &cfg, &err, true), SK_OK);
        assert_int_equal(strncmp(cfg.environment_url, "http://", 7), 0);   /* lower case */
        config_free(&cfg);
    }
    /* Not loopback as written: names that only look like it, shorthand, other addresses. */
    static const char *const remote[] = {
        "http://example.com", "HTTP://EXAMPLE.COM:80", "http://127.0.0.1.nip.io", "http://128.0.0.1",
        "http://127.1", "http://0x7f000001", "http://2130706433", "http://[::2]", "http://[::ffff:10.0.0.1]",
        "http://localhost.example.com", "http://10.0.0.1", "http://user:hunter2@example.com",
    };
    for (size_t i = 0; i < sizeof remote / sizeof remote[0]; i++) {
        assert_int_equal(load_url(remote[i], &cfg, &err, false), SK_ERR_CONFIG);
        assert_non_null(strstr(err.message, "unencrypted"));
        assert_null(strstr(err.message, "hunter2"));
    }

    static const struct { const char *url, *says; } cut[] = {
        { "https://a.example.com/api", "path (/api)" },
        { "https://a.example.com/v1/x/", "path (/v1/x/)" },
        { "https://a.example.com?x=1", "query" },
        { "https://a.example.com/?token=abc", "query" },
        { "https://a.example.com#top", "fragment" },
        { "https://a.example.com/#top", "fragment" },
    };
    for (size_t i = 0; i < sizeof cut / sizeof cut[0]; i++) {
        assert_int_equal(load_url(cut[i].url, &cfg, &err, false), SK_ERR_CONFIG);
        assert_non_null(strstr(err.message, cut[i].says));
        assert_non_null(strstr(err.message, "remove"));
        assert_null(strstr(err.message, "abc"));
    }
    assert_int_equal(load_url("https://a.example.com//", &cfg, &err, false), SK_OK);

    static const char *const bad_port[] = {
        "https://h.example:0", "https://h.example:65536", "https://h.example:8a", "https://h.example:",
        "https://user:s3cretpw",   /* no '@': the password reads as a port, and is not quoted */
    };
    for (size_t i = 0; i < sizeof bad_port / sizeof bad_port[0]; i++) {
        assert_int_equal(load_url(bad_port[i], &cfg, &err, false), SK_ERR_CONFIG);
        assert_non_null(strstr(err.message, "port"));
        assert_null(strstr(err.message, "s3cretpw"));
    }
    assert_int_equal(load_url("https://a b.example.com", &cfg, &err, false), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "space"));
    assert_int_equal(load_url("https://[::1", &cfg, &err, false), SK_ERR_CONFIG);

    /* Credentials: %-decoded, the last '@' ends them, and they leave environment_url. */
    assert_int_equal(load_url("https://us%40er:p%3Aw@d@h.example:8443/", &cfg, &err, true), SK_OK);
    assert_string_equal(cfg.environment_url, "https://h.example:8443");
    assert_string_equal(cfg.url_user, "us@er");
    assert_string_equal(cfg.url_password, "p:w@d");
    config_free(&cfg);
    assert_int_equal(load_url("https://justuser@h.example", &cfg, &err, true), SK_OK);
    assert_string_equal(cfg.url_user, "justuser");
    assert_null(cfg.url_password);
    config_free(&cfg);
    static const char *const bad_esc[] = { "https://u:pw%zz@h.example", "https://u:pw%00@h.example",
                                           "https://u:pw%4@h.example" };
    for (size_t i = 0; i < sizeof bad_esc / sizeof bad_esc[0]; i++) {
        assert_int_equal(load_url(bad_esc[i], &cfg, &err, false), SK_ERR_CONFIG);
        assert_non_null(strstr(err.message, "escape"));
        assert_null(strstr(err.message, "pw"));
        assert_null(cfg.url_user);
    }

    /* The config file's value goes through the same rules. */
    const char *text = "[default]\nenvironment_url = HTTPS://x.example/ \n";
    assert_int_equal(config_parse_text(text, strlen(text), NULL, &cfg, NULL, &err), SK_OK);
    assert_string_equal(cfg.environment_url, "https://x.example");
    config_free(&cfg);
    text = "[default]\nenvironment_url = http://x.example\n";
    assert_int_equal(config_parse_text(text, strlen(text), NULL, &cfg, NULL, &err), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "config file"));

    assert_true(config_host_is_loopback("[::1]", 5));
    assert_true(config_host_is_loopback("127.0.0.1", 9));
    assert_false(config_host_is_loopback("127.0.0.1x", 10));
    assert_false(config_host_is_loopback("", 0));
    assert_false(config_host_is_loopback(NULL, 3));
}

/* ca_bundle: flag > SKDASH_CA_BUNDLE > profile > CURL_CA_BUNDLE > SSL_CERT_FILE (+SSL_CERT_DIR);
 * a file that is not there is a configuration error that names it and where it came from. */
static void test_ca_bundle(void **state)
{
    ctx *c = *state;
    char a[400], b[400], d[400], e[400], f[400];
    snprintf(a, sizeof a, "%s/a.pem", c->dir);
    snprintf(b, sizeof b, "%s/b.pem", c->dir);
    snprintf(d, sizeof d, "%s/d.pem", c->dir);
    snprintf(e, sizeof e, "%s/e.pem", c->dir);
    snprintf(f, sizeof f, "%s/f.pem", c->dir);
    const char *const files[] = { a, b, d, e, f };
    for (size_t i = 0; i < 5; i++) {
        FILE *fp = fopen(files[i], "w");
        assert_non_null(fp);
        fputs("-----BEGIN CERTIFICATE-----\n", fp);
        fclose(fp);
    }
    char text[600];
    snprintf(text, sizeof text, "[default]\nca_bundle = %s\n", d);
    write_file(c, 0600, text);
    sk_config_flags fl;
    config_flags_init(&fl);
    fl.ca_bundle = a;
    setenv("SKDASH_CA_BUNDLE", b, 1);
    setenv("CURL_CA_BUNDLE", e, 1);
    setenv("SSL_CERT_FILE", f, 1);
    setenv("SSL_CERT_DIR", c->dir, 1);
    sk_config cfg;
    sk_error err;
    static const char *const want_src[] = { "--ca-bundle", "SKDASH_CA_BUNDLE",
                                            "ca_bundle in the config file", "CURL_CA_BUNDLE",
                                            "SSL_CERT_FILE" };
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(config_load_partial(&cfg, &fl, &err), SK_OK);
        assert_string_equal(cfg.ca_bundle, files[i]);
        assert_string_equal(cfg.ca_source, want_src[i]);
        /* SSL_CERT_DIR goes with SSL_CERT_FILE only, as in curl's tool. */
        assert_string_equal(cfg.ca_dir, i == 4 ? c->dir : "");
        config_free(&cfg);
        /* take the winner away */
        if (i == 0) fl.ca_bundle = NULL;
        if (i == 1) unsetenv("SKDASH_CA_BUNDLE");
        if (i == 2) write_file(c, 0600, "[default]\n");
        if (i == 3) unsetenv("CURL_CA_BUNDLE");
    }
    unsetenv("SSL_CERT_FILE");
    assert_int_equal(config_load_partial(&cfg, &fl, &err), SK_OK);
    assert_string_equal(cfg.ca_bundle, "");
    assert_string_equal(cfg.ca_dir, c->dir);
    config_free(&cfg);
    unsetenv("SSL_CERT_DIR");
    assert_int_equal(config_load_partial(&cfg, &fl, &err), SK_OK);
    assert_string_equal(cfg.ca_bundle, "");
    assert_null(cfg.ca_source);
    config_free(&cfg);

    /* Missing, a directory for a file, a file for a directory. */
    char missing[420];
    snprintf(missing, sizeof missing, "%s/missing.pem", c->dir);
    fl.ca_bundle = missing;
    assert_int_equal(config_load_partial(&cfg, &fl, &err), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "missing.pem"));
    assert_non_null(strstr(err.message, "--ca-bundle"));
    fl.ca_bundle = NULL;
    setenv("SKDASH_CA_BUNDLE", c->dir, 1);
    assert_int_equal(config_load_partial(&cfg, &fl, &err), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "SKDASH_CA_BUNDLE"));
    unsetenv("SKDASH_CA_BUNDLE");
    setenv("SSL_CERT_DIR", a, 1);
    assert_int_equal(config_load_partial(&cfg, &fl, &err), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "SSL_CERT_DIR"));
    unsetenv("SSL_CERT_DIR");
    snprintf(text, sizeof text, "[default]\nca_bundle = %s\n", missing);
    write_file(c, 0600, text);
    assert_int_equal(config_load_partial(&cfg, &fl, &err), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "ca_bundle in the config file"));

    /* The text parser keeps the path as written and never opens it. */
    assert_int_equal(config_parse_text(text, strlen(text), NULL, &cfg, NULL, &err), SK_OK);
    assert_string_equal(cfg.ca_bundle, missing);
    config_free(&cfg);
    for (size_t i = 0; i < 5; i++)
        unlink(files[i]);
}

/* `cache = false` in a profile, --no-cache, and the default (on). */
static void test_cache_setting(void **state)
{
    ctx *c = *state;
    sk_config_flags fl;
    config_flags_init(&fl);
    assert_false(fl.no_cache);
    fl.config_path = c->file;
    sk_config cfg;
    sk_error err;

    write_file(c, 0600, "[default]\nclient_id = a\n[quiet]\ncache = false\n[loud]\ncache = yes\n");
    assert_int_equal(config_load_partial(&cfg, &fl, &err), SK_OK);
    assert_true(cfg.cache);                     /* nothing said: on */
    config_free(&cfg);
    fl.profile = "quiet";
    assert_int_equal(config_load_partial(&cfg, &fl, &err), SK_OK);
    assert_false(cfg.cache);
    config_free(&cfg);
    fl.profile = "loud";
    assert_int_equal(config_load_partial(&cfg, &fl, &err), SK_OK);
    assert_true(cfg.cache);
    config_free(&cfg);
    fl.no_cache = true;                         /* the flag wins over the file */
    assert_int_equal(config_load_partial(&cfg, &fl, &err), SK_OK);
    assert_false(cfg.cache);
    config_free(&cfg);

    fl.no_cache = false;
    fl.profile = NULL;
    write_file(c, 0600, "[default]\ncache = sometimes\n");
    assert_int_equal(config_load_partial(&cfg, &fl, &err), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "cache"));

    /* The text parser reads the key the same way. */
    const char *text = "[p]\ncache = off\n";
    assert_int_equal(config_parse_text(text, strlen(text), "p", &cfg, NULL, &err), SK_OK);
    assert_false(cfg.cache);
    config_free(&cfg);
    assert_int_equal(config_parse_text(text, strlen(text), NULL, &cfg, NULL, &err), SK_OK);
    assert_true(cfg.cache);
    config_free(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_default_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_default_profile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_precedence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_profiles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secret_in_file_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secret_command, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secret_command_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secret_command_timeout_setting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bom_and_repeated_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_url_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_url_transport, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ca_bundle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_settings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_explicit_path_and_syntax, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cache_setting, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
