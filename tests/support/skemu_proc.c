/* skemu_proc.c: spawn skemu on a free loopback port and read the URL it prints first. */
#include "skemu_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Reads the URL line skemu prints first, waiting at most 10 s (a skemu that never says it
 * is up must fail the test, not hang it). */
static bool read_url(int fd, char *url, size_t n)
{
    size_t len = 0;
    time_t end = time(NULL) + 10;
    while (len + 1 < n && time(NULL) <= end) {
        struct pollfd pf = { fd, POLLIN, 0 };
        int rc = poll(&pf, 1, 200);
        if (rc < 0 && errno != EINTR)
            break;
        if (rc <= 0)
            continue;
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 || c == '\n')
            break;
        url[len++] = c;
    }
    url[len] = '\0';
    return strncmp(url, "http://127.0.0.1:", 17) == 0;
}

int skemu_start(skemu_proc *p, const char *const *args)
{
    return skemu_start_on(p, 0, args);
}

int skemu_start_on(skemu_proc *p, int port, const char *const *args)
{
    memset(p, 0, sizeof *p);
    const char *bin = getenv("SKEMU_BIN");
    if (!bin || !*bin) bin = "build/skemu";
    const char *dir = getenv("BUILD_DIR");
    static int seq;
    snprintf(p->log_path, sizeof p->log_path, "%s/test-logs/skemu-%d-%d.log",
             dir && *dir ? dir : "build", (int)getpid(), seq++);
    char logdir[256];
    snprintf(logdir, sizeof logdir, "%s/test-logs", dir && *dir ? dir : "build");
    mkdir(dir && *dir ? dir : "build", 0755);
    mkdir(logdir, 0755);

    char ports[16];
    snprintf(ports, sizeof ports, "%d", port);
    const char *argv[64];
    int n = 0;
    argv[n++] = bin;
    for (int i = 0; args && args[i] && n < 60; i++) argv[n++] = args[i];
    argv[n++] = "--port";
    argv[n++] = ports;
    argv[n] = NULL;

    int out[2];
    if (pipe(out) != 0) return -1;
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        /* A test that dies (a failed assertion, a timeout) must not leave skemu running. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        /* Every token skemu issues is listed, for tests/e2e/zz_secrets.sh to look for. */
        char toklog[300];
        snprintf(toklog, sizeof toklog, "%s/issued-tokens.txt", logdir);
        setenv("SKEMU_TOKEN_LOG", toklog, 0);
        int logfd = open(p->log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (logfd >= 0) dup2(logfd, 2);
        dup2(out[1], 1);
        close(out[0]);
        close(out[1]);
        execv(bin, (char *const *)argv);
        fprintf(stderr, "exec %s: %s\n", bin, strerror(errno));
        _exit(127);
    }
    close(out[1]);
    p->pid = pid;
    bool up = read_url(out[0], p->url, sizeof p->url);
    /* skemu prints nothing more to stdout, so the pipe can simply be closed here. */
    close(out[0]);
    if (!up) {
        skemu_kill(p, SIGKILL);
        return -1;
    }
    p->port = atoi(p->url + 17);
    return 0;
}

int skemu_stop(skemu_proc *p)
{
    return skemu_kill(p, SIGTERM);
}

int skemu_kill(skemu_proc *p, int sig)
{
    if (p->pid <= 0) return -1;
    kill(p->pid, sig);
    int st = 0;
    while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR) {}
    p->pid = 0;
    if (WIFEXITED(st)) return WEXITSTATUS(st);
    return -1;
}

int skemu_log_count(const skemu_proc *p, const char *needle)
{
    FILE *f = fopen(p->log_path, "r");
    if (!f) return -1;
    char line[4096];
    int n = 0;
    while (fgets(line, sizeof line, f))
        if (strstr(line, needle)) n++;
    fclose(f);
    return n;
}

void skemu_env(const skemu_proc *p)
{
    setenv("SCALEKIT_ENVIRONMENT_URL", p->url, 1);
    setenv("SCALEKIT_CLIENT_ID", SKEMU_DEMO_CLIENT_ID, 1);
    setenv("SCALEKIT_CLIENT_SECRET", SKEMU_DEMO_CLIENT_SECRET, 1);
    char tmpl[] = "/tmp/skdash-test-xdg-XXXXXX";
    char *d = mkdtemp(tmpl);
    if (d) {
        setenv("XDG_CONFIG_HOME", d, 1);
        setenv("XDG_STATE_HOME", d, 1);
        setenv("XDG_CACHE_HOME", d, 1);
    }
}
