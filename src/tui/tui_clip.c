/* tui_clip.c: what a copy can do where the dashboard runs: inside tmux its own settings are
 * read (tmux show-options on the socket TMUX names) and osc52_plan (the core) decides which
 * form to send and what the footer may claim. */
#include "tui_app.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "osc52.h"
#include "tui_script.h"

/* `tmux -S SOCKET show-options -gv OPTION` into out (its first line); false when tmux could not
 * be run or refused the option (too old to have it, or no server). */
static bool tmux_option(const char *sock, const char *option, char *out, size_t n)
{
    int fd[2];
    out[0] = '\0';
    if (pipe(fd) != 0)
        return false;
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return false;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, STDIN_FILENO);
        dup2(fd[1], STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        close(fd[0]);
        execlp("tmux", "tmux", "-S", sock, "show-options", "-gv", option, (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    /* A tmux that does not answer within half a second is not waited for: the keyboard
     * must not freeze on a copy. */
    size_t got = 0;
    char buf[64];
    long long end = tui_now_ms() + 500;
    bool timed_out = false;
    for (;;) {
        long long left = end - tui_now_ms();
        struct pollfd pfd = { .fd = fd[0], .events = POLLIN };
        int pr = left > 0 ? poll(&pfd, 1, (int)left) : 0;
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0) {
            timed_out = true;
            break;
        }
        ssize_t r = read(fd[0], buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        for (ssize_t i = 0; i < r && got + 1 < n; i++)
            out[got++] = buf[i];
    }
    close(fd[0]);
    out[got] = '\0';
    out[strcspn(out, "\r\n")] = '\0';
    if (timed_out)
        kill(pid, SIGKILL);
    int status = 0;
    pid_t w;
    while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
        ;
    return !timed_out && w == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0 && *out;
}

/* tmux's settings, asked at each copy (they can change while the dashboard runs). */
static void tmux_settings(sk_osc52_tmux *t)
{
    memset(t, 0, sizeof *t);
    const char *env = getenv("TMUX");
    char sock[512];
    if (!env || !*env)
        return;
    snprintf(sock, sizeof sock, "%.*s", (int)strcspn(env, ","), env);
    if (!tmux_option(sock, "set-clipboard", t->set_clipboard, sizeof t->set_clipboard))
        return;   /* no answer at all: not known */
    t->known = true;
    /* No such option (tmux before 3.3): passthrough always works there. */
    if (!tmux_option(sock, "allow-passthrough", t->allow_passthrough, sizeof t->allow_passthrough))
        t->allow_passthrough[0] = '\0';
}

void clip_plan(sk_osc52_plan *plan)
{
    /* Script mode writes the sequence to its own output, never to a terminal: no tmux there. */
    sk_osc52_wrap wrap = tui_script_on() ? SK_OSC52_PLAIN : osc52_detect();
    sk_osc52_tmux t;
    if (wrap == SK_OSC52_TMUX)
        tmux_settings(&t);
    osc52_plan(wrap, wrap == SK_OSC52_TMUX ? &t : NULL, plan);
}
