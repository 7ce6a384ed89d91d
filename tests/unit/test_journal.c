/* test_journal.c: the action journal: the line format (strict JSON, one line, every field),
 * the file's mode and refusals (wide modes, symlinks, FIFOs, unwritable places) by the writer
 * and the reader alike, hostile strings kept as valid JSON, concurrent appends that never
 * interleave, and reading back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "journal.h"

static char dir[64];

static int setup(void **st)
{
    (void)st;
    snprintf(dir, sizeof dir, "/tmp/skdash-journal-XXXXXX");
    assert_non_null(mkdtemp(dir));
    setenv("XDG_STATE_HOME", dir, 1);
    setenv("SKDASH_NOW", "1744786565", 1);   /* 2025-04-16T06:56:05Z */
    unsetenv("SSH_CLIENT");
    unsetenv("SSH_CONNECTION");
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    return 0;
}

static void journal_path(char *buf, size_t n)
{
    snprintf(buf, n, "%s/skdash/journal.jsonl", dir);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *s = NULL;
    size_t n = 0, cap = 0;
    char buf[65536];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0) {
        if (n + k + 1 > cap) {
            cap = (n + k + 1) * 2;
            s = realloc(s, cap);
            assert_non_null(s);
        }
        memcpy(s + n, buf, k);
        n += k;
    }
    fclose(f);
    if (!s)
        s = calloc(1, 1);
    s[n] = '\0';
    if (len)
        *len = n;
    return s;
}

/* Strict parse of exactly one JSON object followed by nothing. */
static json_object *parse_strict(const char *s, size_t len)
{
    json_tokener *t = json_tokener_new_ex(JSON_TOKENER_DEFAULT_DEPTH);
    json_tokener_set_flags(t, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    json_object *o = json_tokener_parse_ex(t, s, (int)len);
    bool ok = o && json_tokener_get_error(t) == json_tokener_success &&
              (size_t)json_tokener_get_parse_end(t) == len;
    json_tokener_free(t);
    if (!ok) {
        json_object_put(o);
        return NULL;
    }
    return o;
}

static const char *get(json_object *o, const char *k)
{
    json_object *v;
    return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : NULL;
}

static const sk_journal_entry sample = {
    .environment = "https://acme.scalekit.dev", .connection = "gmail",
    .identifier = "ana@example.com", .account_id = "ca_123", .action = "delete", .result = "ok",
};

/* ------------------------------------------------------------------ format */

static void test_format_fields(void **st)
{
    (void)st;
    setenv("SSH_CLIENT", "203.0.113.7 51234 22", 1);
    char *line = journal_format(&sample);
    assert_non_null(line);
    size_t n = strlen(line);
    assert_true(n > 2 && line[n - 1] == '\n');
    assert_null(memchr(line, '\n', n - 1));   /* one line */
    json_object *o = parse_strict(line, n - 1);
    assert_non_null(o);
    assert_string_equal(get(o, "time"), "2025-04-16T06:56:05Z");
    struct passwd *pw = getpwuid(geteuid());
    assert_non_null(pw);
    assert_string_equal(get(o, "user"), pw->pw_name);
    assert_string_equal(get(o, "ssh_client"), "203.0.113.7");
    assert_string_equal(get(o, "environment"), "https://acme.scalekit.dev");
    assert_string_equal(get(o, "connection"), "gmail");
    assert_string_equal(get(o, "identifier"), "ana@example.com");
    assert_string_equal(get(o, "account_id"), "ca_123");
    assert_string_equal(get(o, "action"), "delete");
    assert_string_equal(get(o, "result"), "ok");
    assert_int_equal(json_object_object_length(o), 9);
    json_object_put(o);
    free(line);
    unsetenv("SSH_CLIENT");
}

static void test_ssh_sources(void **st)
{
    (void)st;
    /* SSH_CONNECTION is used when SSH_CLIENT is absent; neither: no key at all. */
    setenv("SSH_CONNECTION", "2001:db8::5 40000 2001:db8::1 22", 1);
    char *line = journal_format(&sample);
    json_object *o = parse_strict(line, strlen(line) - 1);
    assert_non_null(o);
    assert_string_equal(get(o, "ssh_client"), "2001:db8::5");
    json_object_put(o);
    free(line);
    unsetenv("SSH_CONNECTION");
    line = journal_format(&sample);
    o = parse_strict(line, strlen(line) - 1);
    assert_non_null(o);
    assert_null(get(o, "ssh_client"));
    assert_int_equal(json_object_object_length(o), 8);
    json_object_put(o);
    free(line);
    /* Given explicitly, the caller's values win (the dashboard may pass its own). */
    sk_journal_entry e = sample;
    e.user = "someone";
    e.ssh_client = "198.51.100.1";
    e.time = 86400;
    line = journal_format(&e);
    o = parse_strict(line, strlen(line) - 1);
    assert_string_equal(get(o, "user"), "someone");
    assert_string_equal(get(o, "ssh_client"), "198.51.100.1");
    assert_string_equal(get(o, "time"), "1970-01-02T00:00:00Z");
    json_object_put(o);
    free(line);
}

/* What a hostile server could put in an identifier. */
static const char *const hostile[] = {
    "osc52\033]52;c;ZWNobyBvd25lZA==\007@x",          /* would write the clipboard */
    "clear\033[2J\033[H@x", "title\033]0;owned\033\\@x", "bel\007\007@x",
    "c1\xc2\x9b" "31m\xc2\x9d" "0;t\xc2\x9c@x",          /* CSI, OSC, ST as C1 */
    "bidi\xe2\x80\xae" "fdp.exe\xe2\x81\xa6@x\xe2\x80\xa8", "bad\xff\xfe\xc3(utf8",
    "quote\"back\\slash\nnew\rline\ttab", "\xe5\xb1\xb1\xe7\x94\xb0 \xf0\x9f\x98\x80 wide",
};
#define NHOSTILE (sizeof hostile / sizeof hostile[0])

static bool has_raw_control(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] < 0x20 || p[i] == 0x7f)
            return true;
        if (p[i] == 0xC2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F)
            return true;
        if (p[i] == 0xE2 && i + 2 < n && p[i + 1] == 0x80 &&
            ((p[i + 2] >= 0xAA && p[i + 2] <= 0xAE) || p[i + 2] == 0xA8 || p[i + 2] == 0xA9))
            return true;
        if (p[i] == 0xE2 && i + 2 < n && p[i + 1] == 0x81 && p[i + 2] >= 0xA6 &&
            p[i + 2] <= 0xA9)
            return true;
    }
    return false;
}

static void test_hostile_strings_valid_json(void **st)
{
    (void)st;
    for (size_t i = 0; i < NHOSTILE; i++) {
        sk_journal_entry e = sample;
        e.identifier = hostile[i];
        e.connection = hostile[(i + 1) % NHOSTILE];
        char *line = journal_format(&e);
        assert_non_null(line);
        size_t n = strlen(line);
        /* No raw control, C1, bidi or line separator anywhere but the final newline. */
        assert_false(has_raw_control((const unsigned char *)line, n - 1));
        json_object *o = parse_strict(line, n - 1);
        if (!o)
            fail_msg("entry %zu is not strict JSON: %s", i, line);
        const char *back = get(o, "identifier");
        if (strstr(hostile[i], "\xff")) {
            assert_non_null(strstr(back, "\xef\xbf\xbd"));   /* U+FFFD for invalid bytes */
            assert_non_null(strstr(back, "utf8"));
        } else {
            assert_string_equal(back, hostile[i]);             /* exact when valid UTF-8 */
        }
        json_object_put(o);
        free(line);
    }
    /* 10,000 characters survive whole. */
    char *big = malloc(10001);
    memset(big, 'A', 10000);
    big[10000] = '\0';
    big[5000] = '\033';
    sk_journal_entry e = sample;
    e.identifier = big;
    char *line = journal_format(&e);
    json_object *o = parse_strict(line, strlen(line) - 1);
    assert_non_null(o);
    assert_string_equal(get(o, "identifier"), big);
    json_object_put(o);
    free(line);
    free(big);
}

/* ------------------------------------------------------------------ the file */

static void test_append_creates_0600(void **st)
{
    (void)st;
    mode_t old = umask(0);   /* even with a permissive umask */
    sk_error err;
    assert_int_equal(journal_append(NULL, &sample, &err), SK_OK);
    sk_journal_entry e2 = sample;
    e2.action = "link";
    e2.result = "unknown: no link received";
    assert_int_equal(journal_append(NULL, &e2, &err), SK_OK);
    umask(old);
    char path[256];
    journal_path(path, sizeof path);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 0600);
    char d[256];
    snprintf(d, sizeof d, "%s/skdash", dir);
    assert_int_equal(stat(d, &sb), 0);
    assert_int_equal(sb.st_mode & 0077, 0);
    size_t len;
    char *text = slurp(path, &len);
    assert_non_null(text);
    char *nl = strchr(text, '\n');
    assert_non_null(nl);
    json_object *first = parse_strict(text, (size_t)(nl - text));
    assert_non_null(first);
    json_object_put(first);
    assert_int_equal(text[len - 1], '\n');
    free(text);

    sk_journal_rows rows;
    assert_int_equal(journal_read(NULL, &rows, &err), SK_OK);
    assert_int_equal(rows.n, 2);
    assert_int_equal(rows.skipped, 0);
    assert_string_equal(rows.v[0].action, "delete");
    assert_string_equal(rows.v[1].action, "link");
    assert_string_equal(rows.v[1].result, "unknown: no link received");
    assert_string_equal(rows.v[0].account_id, "ca_123");
    assert_null(rows.v[0].ssh_client);
    journal_rows_free(&rows);
}

static void test_refuses_wide_mode(void **st)
{
    (void)st;
    char path[256];
    journal_path(path, sizeof path);
    sk_error err;
    assert_int_equal(journal_append(NULL, &sample, &err), SK_OK);
    assert_int_equal(chmod(path, 0644), 0);
    size_t before, after;
    free(slurp(path, &before));
    assert_int_equal(journal_append(NULL, &sample, &err), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "0644"));
    assert_non_null(strstr(err.message, path));
    free(slurp(path, &after));
    assert_int_equal(before, after);   /* nothing written */
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 0644);   /* and the user's mode left alone */
    assert_int_equal(chmod(path, 0600), 0);
    assert_int_equal(journal_append(NULL, &sample, &err), SK_OK);
}

static void test_refuses_symlink_and_fifo(void **st)
{
    (void)st;
    char path[256], target[256];
    journal_path(path, sizeof path);
    snprintf(target, sizeof target, "%s/elsewhere", dir);
    sk_error err;
    assert_int_equal(journal_append(NULL, &sample, &err), SK_OK);   /* makes the directory */
    unlink(path);
    assert_int_equal(symlink(target, path), 0);
    assert_int_equal(journal_append(NULL, &sample, &err), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "symbolic link"));
    assert_int_equal(access(target, F_OK), -1);   /* nothing created through the link */
    unlink(path);
    /* A FIFO with no reader: refused at once, never waited on. */
    assert_int_equal(mkfifo(path, 0600), 0);
    assert_int_equal(journal_append(NULL, &sample, &err), SK_ERR_CONFIG);
    char want[320];
    snprintf(want, sizeof want, "the journal is not a regular file: %s (it is a FIFO)", path);
    assert_string_equal(err.message, want);
    unlink(path);
}

/* The reader is held to the writer's rules: a FIFO (with or without a writer on it), a
 * symbolic link (even to a good journal) and a directory are refused at once with the same
 * message, never waited on or followed; the journal itself still reads. */
static void test_read_refuses_fifo_symlink_dir(void **st)
{
    (void)st;
    char path[256], real[256], want[400];
    journal_path(path, sizeof path);
    snprintf(real, sizeof real, "%s/real.jsonl", dir);
    sk_error err;
    sk_journal_rows rows;
    assert_int_equal(journal_append(NULL, &sample, &err), SK_OK);
    assert_int_equal(rename(path, real), 0);

    assert_int_equal(mkfifo(path, 0600), 0);
    alarm(10);   /* a regression would block in open(2): fail the test, do not hang it */
    assert_int_equal(journal_read(NULL, &rows, &err), SK_ERR_CONFIG);
    snprintf(want, sizeof want, "the journal is not a regular file: %s (it is a FIFO)", path);
    assert_string_equal(err.message, want);
    assert_int_equal(rows.n, 0);
    /* A writer holding the FIFO open: still no read of what it would send. */
    int wfd = open(path, O_RDWR | O_NONBLOCK);
    assert_true(wfd >= 0);
    assert_true(write(wfd, "{\"action\":\"delete\"}\n", 21) == 21);
    assert_int_equal(journal_read(NULL, &rows, &err), SK_ERR_CONFIG);
    assert_string_equal(err.message, want);
    assert_int_equal(journal_append(NULL, &sample, &err), SK_ERR_CONFIG);
    assert_string_equal(err.message, want);
    close(wfd);
    alarm(0);
    unlink(path);

    assert_int_equal(symlink(real, path), 0);
    assert_int_equal(journal_read(NULL, &rows, &err), SK_ERR_CONFIG);
    snprintf(want, sizeof want, "the journal is not a regular file: %s (it is a symbolic link)",
             path);
    assert_string_equal(err.message, want);
    assert_int_equal(journal_append(NULL, &sample, &err), SK_ERR_CONFIG);
    assert_string_equal(err.message, want);
    unlink(path);

    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(journal_read(NULL, &rows, &err), SK_ERR_CONFIG);
    snprintf(want, sizeof want, "the journal is not a regular file: %s (it is a directory)", path);
    assert_string_equal(err.message, want);
    assert_int_equal(journal_append(NULL, &sample, &err), SK_ERR_CONFIG);
    assert_string_equal(err.message, want);
    rmdir(path);

    assert_int_equal(rename(real, path), 0);
    assert_int_equal(journal_read(NULL, &rows, &err), SK_OK);
    assert_int_equal(rows.n, 1);
    assert_string_equal(rows.v[0].account_id, "ca_123");
    journal_rows_free(&rows);
}

static void test_unwritable_place_reported(void **st)
{
    (void)st;
    /* A regular file where the state directory should be: no mkdir can succeed, as root too. */
    char blocker[256];
    snprintf(blocker, sizeof blocker, "%s/blocker", dir);
    FILE *f = fopen(blocker, "w");
    assert_non_null(f);
    fclose(f);
    char path[300];
    snprintf(path, sizeof path, "%s/skdash/journal.jsonl", blocker);
    sk_error err;
    assert_int_equal(journal_append(path, &sample, &err), SK_ERR_CONFIG);
    assert_non_null(strstr(err.message, "blocker"));
    assert_true(strlen(err.message) > 0 && !strchr(err.message, '\n'));
    /* Through the environment too. */
    setenv("XDG_STATE_HOME", blocker, 1);
    assert_int_equal(journal_append(NULL, &sample, &err), SK_ERR_CONFIG);
    setenv("XDG_STATE_HOME", dir, 1);
    unlink(blocker);
}

static void test_default_path(void **st)
{
    (void)st;
    char buf[512], want[512];
    assert_true(journal_default_path(buf, sizeof buf));
    snprintf(want, sizeof want, "%s/skdash/journal.jsonl", dir);
    assert_string_equal(buf, want);
    char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    setenv("HOME", "/home/ana", 1);
    setenv("XDG_STATE_HOME", "relative/ignored", 1);
    assert_true(journal_default_path(buf, sizeof buf));
    assert_string_equal(buf, "/home/ana/.local/state/skdash/journal.jsonl");
    unsetenv("XDG_STATE_HOME");
    unsetenv("HOME");
    assert_false(journal_default_path(buf, sizeof buf));
    sk_error err;
    assert_int_equal(journal_append(NULL, &sample, &err), SK_ERR_CONFIG);
    if (home)
        setenv("HOME", home, 1);
    free(home);
    setenv("XDG_STATE_HOME", dir, 1);
}

static void test_read_skips_damage(void **st)
{
    (void)st;
    sk_journal_rows rows;
    sk_error err;
    assert_int_equal(journal_read(NULL, &rows, &err), SK_OK);   /* no journal yet: empty */
    assert_int_equal(rows.n, 0);
    journal_rows_free(&rows);
    assert_int_equal(journal_append(NULL, &sample, &err), SK_OK);
    char path[256];
    journal_path(path, sizeof path);
    FILE *f = fopen(path, "a");
    fputs("{\"action\":\"link\",\"result\":\"ok\"\n[1,2]\nnot json\n\n", f);
    fclose(f);
    sk_journal_entry e = sample;
    e.result = "dry-run";
    assert_int_equal(journal_append(NULL, &e, &err), SK_OK);
    assert_int_equal(journal_read(NULL, &rows, &err), SK_OK);
    assert_int_equal(rows.n, 2);
    assert_int_equal(rows.skipped, 3);
    assert_string_equal(rows.v[1].result, "dry-run");
    journal_rows_free(&rows);
}

/* Writers in several processes at once: every line whole, none lost. */
static void test_concurrent_appends(void **st)
{
    (void)st;
    enum { PROCS = 4, EACH = 150 };
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    for (int p = 0; p < PROCS; p++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            sk_journal_entry e = sample;
            e.identifier = big;   /* long lines: more chance to interleave if it could */
            char id[32];
            for (int i = 0; i < EACH; i++) {
                snprintf(id, sizeof id, "ca_%d_%d", p, i);
                e.account_id = id;
                sk_error err;
                if (journal_append(NULL, &e, &err) != SK_OK)
                    _exit(1);
            }
            _exit(0);
        }
    }
    for (int p = 0; p < PROCS; p++) {
        int stt;
        assert_true(wait(&stt) > 0);
        assert_true(WIFEXITED(stt) && WEXITSTATUS(stt) == 0);
    }
    sk_journal_rows rows;
    sk_error err;
    assert_int_equal(journal_read(NULL, &rows, &err), SK_OK);
    assert_int_equal(rows.skipped, 0);
    assert_int_equal(rows.n, PROCS * EACH);
    for (size_t i = 0; i < rows.n; i++)
        assert_string_equal(rows.v[i].identifier, big);
    journal_rows_free(&rows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_format_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ssh_sources, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_strings_valid_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_append_creates_0600, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuses_wide_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuses_symlink_and_fifo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_refuses_fifo_symlink_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unwritable_place_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_skips_damage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_appends, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
