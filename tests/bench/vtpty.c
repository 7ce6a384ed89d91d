/* vtpty.c: see vtpty.h. */
#include "vtpty.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vterm.h>

#include "common.h"

bool bench_term_start(bench_term *t, const char *path, int rows, int cols)
{
    memset(t, 0, sizeof *t);
    t->rows = rows;
    t->cols = cols;
    struct winsize ws = { (unsigned short)rows, (unsigned short)cols, 0, 0 };
    t->t_fork = bench_now_ms();
    t->pid = forkpty(&t->fd, NULL, NULL, &ws);
    if (t->pid < 0)
        return false;
    if (t->pid == 0) {
        execl(path, path, (char *)NULL);
        _exit(127);
    }
    fcntl(t->fd, F_SETFL, fcntl(t->fd, F_GETFL) | O_NONBLOCK);
    t->vt = vterm_new(rows, cols);
    vterm_set_utf8(t->vt, 1);
    t->vs = vterm_obtain_screen(t->vt);
    vterm_screen_enable_altscreen(t->vs, 1);
    vterm_screen_reset(t->vs, 1);
    return true;
}

void bench_term_stop(bench_term *t)
{
    if (t->pid > 0) {
        ssize_t w = write(t->fd, "q", 1);
        (void)w;
        double end = bench_now_ms() + 5000;
        int st;
        while (waitpid(t->pid, &st, WNOHANG) == 0) {
            if (bench_now_ms() > end) {
                kill(t->pid, SIGKILL);
                waitpid(t->pid, &st, 0);
                break;
            }
            bench_term_pump(t, 20);
        }
    }
    if (t->vt)
        vterm_free(t->vt);
    if (t->fd > 0)
        close(t->fd);
    t->vt = NULL;
    t->fd = -1;
    t->pid = 0;
}

size_t bench_term_pump(bench_term *t, int timeout_ms)
{
    size_t got = 0;
    char buf[65536];
    for (;;) {
        struct pollfd p = { t->fd, POLLIN, 0 };
        int r = poll(&p, 1, got ? 0 : timeout_ms);
        if (r <= 0)
            break;
        ssize_t n = read(t->fd, buf, sizeof buf);
        if (n <= 0) {
            if (n < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            t->eof = true;   /* EIO: the child closed the pty */
            break;
        }
        vterm_input_write(t->vt, buf, (size_t)n);
        got += (size_t)n;
    }
    /* Answers to the terminal's queries, if skdash asked any. */
    char out[256];
    size_t on;
    while ((on = vterm_output_read(t->vt, out, sizeof out)) > 0) {
        if (getenv("BENCH_KEYS_DEBUG"))
            fprintf(stderr, "terminal answers %zu bytes\n", on);
        ssize_t w = write(t->fd, out, on);
        (void)w;
    }
    return got;
}

void bench_term_row(const bench_term *t, int y, bool only_reverse, char *buf, size_t n,
                    int *reverse)
{
    size_t k = 0;
    int rev = 0;
    for (int x = 0; x < t->cols; x++) {
        VTermScreenCell c;
        VTermPos pos = { y, x };
        if (!vterm_screen_get_cell(t->vs, pos, &c))
            continue;
        rev += c.attrs.reverse ? 1 : 0;
        if (only_reverse && !c.attrs.reverse)
            continue;
        uint32_t ch = c.chars[0] ? c.chars[0] : ' ';
        if (c.width == 0)
            continue;
        char u[4];
        size_t ul = 0;
        if (ch < 0x80)
            u[ul++] = (char)ch;
        else if (ch < 0x800) {
            u[ul++] = (char)(0xC0 | ch >> 6);
            u[ul++] = (char)(0x80 | (ch & 0x3F));
        } else if (ch < 0x10000) {
            u[ul++] = (char)(0xE0 | ch >> 12);
            u[ul++] = (char)(0x80 | (ch >> 6 & 0x3F));
            u[ul++] = (char)(0x80 | (ch & 0x3F));
        } else {
            u[ul++] = (char)(0xF0 | ch >> 18);
            u[ul++] = (char)(0x80 | (ch >> 12 & 0x3F));
            u[ul++] = (char)(0x80 | (ch >> 6 & 0x3F));
            u[ul++] = (char)(0x80 | (ch & 0x3F));
        }
        if (k + ul + 1 < n) {
            memcpy(buf + k, u, ul);
            k += ul;
        }
    }
    while (k > 0 && buf[k - 1] == ' ')
        k--;
    buf[k] = '\0';
    if (reverse)
        *reverse = rev;
}

long bench_term_shown(const bench_term *t)
{
    char line[4 * 512 + 1];
    for (int y = 0; y < t->rows; y++) {
        bench_term_row(t, y, false, line, sizeof line, NULL);
        const char *s = strstr(line, " shown");
        if (!s)
            continue;
        const char *d = s;
        while (d > line && d[-1] >= '0' && d[-1] <= '9')
            d--;
        if (d < s)
            return strtol(d, NULL, 10);
    }
    return -1;
}

bool bench_term_listed(const bench_term *t, long n)
{
    char l0[4 * 512 + 1], l1[4 * 512 + 1], want[64];
    bench_term_row(t, 0, false, l0, sizeof l0, NULL);
    bench_term_row(t, 1, false, l1, sizeof l1, NULL);
    snprintf(want, sizeof want, "total %ld", n);
    size_t wl = strlen(want), ll = strlen(l1);
    return !strstr(l0, "loading") && ll >= wl && strcmp(l1 + ll - wl, want) == 0;
}

bool bench_dash_home(char *dir, const sk_config *cfg, bool cache)
{
    if (!mkdtemp(dir))
        return false;
    char path[4200];
    snprintf(path, sizeof path, "%s/skdash", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/skdash/config", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        bench_dash_home_remove(dir);
        return false;
    }
    fprintf(f, "[default]\nenvironment_url = %s\nclient_id = %s\nclient_secret = %s\n",
            cfg->environment_url, cfg->client_id, cfg->client_secret);
    if (fclose(f) != 0) {
        bench_dash_home_remove(dir);
        return false;
    }
    setenv("XDG_CONFIG_HOME", dir, 1);
    setenv("XDG_CACHE_HOME", dir, 1);
    setenv("XDG_STATE_HOME", dir, 1);
    if (cache)
        unsetenv("SKDASH_NO_CACHE");
    else
        setenv("SKDASH_NO_CACHE", "1", 1);
    setenv("TERM", "xterm-256color", 1);
    setenv("LANG", "C.UTF-8", 1);
    setenv("LC_ALL", "C.UTF-8", 1);
    unsetenv("NO_COLOR");
    unsetenv("SCALEKIT_ENVIRONMENT_URL");
    unsetenv("SCALEKIT_CLIENT_ID");
    unsetenv("SCALEKIT_CLIENT_SECRET");
    unsetenv("SKDASH_SCRIPT");
    return true;
}

bool bench_dash_home_remove(const char *dir)
{
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0;
}
