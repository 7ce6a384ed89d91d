/* run_skdash.c: posix_spawn skdash with pipes on stdout and stderr, read both at once (so a
 * chatty child never blocks on a full pipe) and kill it past a limit (a hang, not a speed). */
#include "run_skdash.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "skemu_proc.h"

extern char **environ;

const char *skdash_bin(void)
{
    const char *b = getenv("SKDASH_BIN");
    return b && *b ? b : "build/skdash";
}

double run_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void run_append(char **buf, size_t *len, const char *p, size_t n)
{
    *buf = realloc(*buf, *len + n + 1);
    assert_non_null(*buf);
    memcpy(*buf + *len, p, n);
    *len += n;
    (*buf)[*len] = '\0';
}

static bool env_dropped(const char *kv, const char *const *unset, const char *const *set)
{
    for (size_t u = 0; unset && unset[u]; u++) {
        size_t l = strlen(unset[u]);
        if (strncmp(kv, unset[u], l) == 0 && kv[l] == '=')
            return true;
    }
    for (size_t s = 0; set && set[s]; s++) {
        size_t l = strcspn(set[s], "=");
        if (strncmp(kv, set[s], l + 1) == 0)
            return true;
    }
    return false;
}

char **run_env(const char *const *unset, const char *const *set)
{
    size_t n = 0, ns = 0;
    while (environ[n])
        n++;
    while (set && set[ns])
        ns++;
    char **env = calloc(n + ns + 1, sizeof *env);
    assert_non_null(env);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!env_dropped(environ[i], unset, set))
            env[k++] = environ[i];
    for (size_t s = 0; s < ns; s++)
        env[k++] = (char *)set[s];
    env[k] = NULL;
    return env;
}

#define MAX_ARGV 64

/* skdash's path, then args (as many as fit), then NULL. */
static void skdash_argv(const char *argv[MAX_ARGV], const char *const *args)
{
    int n = 0;
    argv[n++] = skdash_bin();
    for (int i = 0; args[i] && n < MAX_ARGV - 1; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
}

void run_start(run_result *r, char **env, int stdin_fd, const char *const *args)
{
    memset(r, 0, sizeof *r);
    run_append(&r->out, &r->out_len, "", 0);
    run_append(&r->err, &r->err_len, "", 0);
    const char *argv[MAX_ARGV];
    skdash_argv(argv, args);
    int o[2], e[2];
    assert_int_equal(pipe(o), 0);
    assert_int_equal(pipe(e), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (stdin_fd >= 0)
        posix_spawn_file_actions_adddup2(&fa, stdin_fd, 0);
    else
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, o[1], 1);
    posix_spawn_file_actions_adddup2(&fa, e[1], 2);
    posix_spawn_file_actions_addclose(&fa, o[0]);
    posix_spawn_file_actions_addclose(&fa, e[0]);
    r->t0 = run_now();
    int rc = posix_spawn(&r->pid, argv[0], &fa, NULL, (char *const *)argv, env ? env : environ);
    posix_spawn_file_actions_destroy(&fa);
    assert_int_equal(rc, 0);
    close(o[1]);
    close(e[1]);
    r->ofd = o[0];
    r->efd = e[0];
}

/* poll's timeout for what is left of the limit (none: wait as long as it takes). */
static int poll_ms(run_result *r, double limit_s)
{
    if (limit_s <= 0)
        return -1;
    double left = r->t0 + limit_s - run_now();
    if (left <= 0 && !r->killed) {
        kill(r->pid, SIGKILL);
        r->killed = true;
    }
    return left > 0 ? (int)(left * 1000) + 1 : 1000;
}

void run_finish(run_result *r, double limit_s)
{
    struct pollfd p[2] = { { r->ofd, POLLIN, 0 }, { r->efd, POLLIN, 0 } };
    int open_fds = 2;
    char buf[65536];
    while (open_fds > 0) {
        int rc = poll(p, 2, poll_ms(r, limit_s));
        if (rc < 0 && errno == EINTR)
            continue;
        for (int i = 0; i < 2; i++) {
            if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t k = read(p[i].fd, buf, sizeof buf);
            if (k > 0) {
                if (i == 0) run_append(&r->out, &r->out_len, buf, (size_t)k);
                else run_append(&r->err, &r->err_len, buf, (size_t)k);
            } else if (k == 0 || errno != EINTR) {
                close(p[i].fd);
                p[i].fd = -1;
                open_fds--;
            }
        }
    }
    int st = 0;
    while (waitpid(r->pid, &st, 0) < 0 && errno == EINTR) {}
    r->secs = run_now() - r->t0;
    r->code = !r->killed && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    assert_null(strstr(r->out, SKEMU_DEMO_CLIENT_SECRET));
    assert_null(strstr(r->err, SKEMU_DEMO_CLIENT_SECRET));
    assert_null(strstr(r->out, "fake-secret"));
    assert_null(strstr(r->err, "fake-secret"));
}

void run_full(run_result *r, char **env, int stdin_fd, const char *const *args)
{
    run_start(r, env, stdin_fd, args);
    run_finish(r, 0);
}

void run_free(run_result *r)
{
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof *r);
}

/* A terminal `cols` wide whose output is passed as written; returns the master, -1 if none. */
static int open_tty(int cols, int *slave)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0) {
        if (m >= 0)
            close(m);
        return -1;
    }
    *slave = open(ptsname(m), O_RDWR | O_NOCTTY);
    if (*slave < 0) {
        close(m);
        return -1;
    }
    struct winsize ws = { .ws_row = 50, .ws_col = (unsigned short)cols };
    ioctl(m, TIOCSWINSZ, &ws);
    struct termios tio;
    if (tcgetattr(*slave, &tio) == 0) {
        tio.c_oflag &= ~(tcflag_t)OPOST;
        tcsetattr(*slave, TCSANOW, &tio);
    }
    return m;
}

/* Everything until EOF (or EIO, once the child closed the terminal). */
static char *read_all(int fd, size_t *len)
{
    char *out = NULL;
    *len = 0;
    run_append(&out, len, "", 0);
    char buf[65536];
    for (;;) {
        ssize_t k = read(fd, buf, sizeof buf);
        if (k > 0)
            run_append(&out, len, buf, (size_t)k);
        else if (k < 0 && errno == EINTR)
            continue;
        else
            break;
    }
    return out;
}

char *run_on_tty(char **env, int cols, bool merge_err, const char *const *args, int *code,
                 size_t *len)
{
    int rfd, wfd;
    if (cols > 0) {
        rfd = open_tty(cols, &wfd);
        if (rfd < 0)
            return NULL;
    } else {
        int pfd[2];
        assert_int_equal(pipe(pfd), 0);
        rfd = pfd[0];
        wfd = pfd[1];
    }
    const char *argv[MAX_ARGV];
    skdash_argv(argv, args);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, wfd, 1);
    if (merge_err)
        posix_spawn_file_actions_adddup2(&fa, wfd, 2);
    else
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addclose(&fa, rfd);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, env ? env : environ);
    posix_spawn_file_actions_destroy(&fa);
    assert_int_equal(rc, 0);
    close(wfd);
    size_t got;
    char *out = read_all(rfd, &got);
    close(rfd);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    *code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    if (len)
        *len = got;
    return out;
}

size_t run_strip_sgr(char *s, size_t len)
{
    size_t w = 0;
    for (size_t i = 0; i < len;) {
        if (s[i] == '\033' && i + 1 < len && s[i + 1] == '[') {
            size_t j = i + 2;
            while (j < len && ((s[j] >= '0' && s[j] <= '9') || s[j] == ';'))
                j++;
            if (j < len && s[j] == 'm') {
                i = j + 1;
                continue;
            }
        }
        s[w++] = s[i++];
    }
    s[w] = '\0';
    return w;
}

void run_dashboard_script(const char *dir, const char *script, const char *const *set,
                          double limit_s, const char *const *shots, char **screens)
{
    char path[512], set_script[560], set_dir[560];
    assert_true(mkdir(dir, 0700) == 0 || access(dir, W_OK) == 0);
    snprintf(path, sizeof path, "%s/script.keys", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(script, f);
    fclose(f);
    snprintf(set_script, sizeof set_script, "SKDASH_SCRIPT=%s", path);
    snprintf(set_dir, sizeof set_dir, "SKDASH_SCRIPT_DUMP_DIR=%s", dir);
    const char *all[16] = { set_script, set_dir, "SKDASH_NO_CACHE=1", "SKDASH_TIMEOUT=2" };
    size_t n = 4;
    for (size_t i = 0; set && set[i] && n + 1 < sizeof all / sizeof all[0]; i++)
        all[n++] = set[i];
    all[n] = NULL;
    char **env = run_env(NULL, all);
    run_result r;
    run_start(&r, env, -1, ARGS("--no-cache"));
    run_finish(&r, limit_s);
    free(env);
    if (r.code != 0)
        fail_msg("the dashboard's script did not run to its end (%d): [%s]", r.code, r.err);
    run_free(&r);
    for (size_t i = 0; shots && shots[i]; i++) {
        char shot[600];
        snprintf(shot, sizeof shot, "%s/%s", dir, shots[i]);
        f = fopen(shot, "r");
        if (!f)
            fail_msg("the script wrote no screen %s", shots[i]);
        screens[i] = calloc(1, 64 * 1024);
        assert_non_null(screens[i]);
        size_t got = fread(screens[i], 1, 64 * 1024 - 1, f);
        fclose(f);
        screens[i][got] = '\0';
        unlink(shot);
    }
}

const char *run_logs_dir(void)
{
    static char d[512];
    const char *b = getenv("BUILD_DIR");
    snprintf(d, sizeof d, "%s/test-logs", b && *b ? b : "build");
    return d;
}

bool run_cli_env(char *tmpl)
{
    if (!mkdtemp(tmpl))
        return false;
    setenv("XDG_CONFIG_HOME", tmpl, 1);
    setenv("XDG_STATE_HOME", tmpl, 1);
    setenv("XDG_CACHE_HOME", tmpl, 1);
    setenv("SKDASH_NO_CACHE", "1", 1);
    setenv("SCALEKIT_CLIENT_ID", SKEMU_DEMO_CLIENT_ID, 1);
    setenv("SCALEKIT_CLIENT_SECRET", SKEMU_DEMO_CLIENT_SECRET, 1);
    setenv("LC_ALL", "C.UTF-8", 1);
    unsetenv("SKDASH_PROFILE");
    unsetenv("SKDASH_TIMEOUT");
    unsetenv("NO_COLOR");
    unsetenv("COLUMNS");
    char toklog[600];
    mkdir(run_logs_dir(), 0755);
    snprintf(toklog, sizeof toklog, "%s/issued-tokens.txt", run_logs_dir());
    setenv("SKEMU_TOKEN_LOG", toklog, 0);
    return true;
}
