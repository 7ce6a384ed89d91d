/* syslog_sink: a stand-in for the system log, for tests/e2e/journal_syslog.sh: binds a Unix
 * datagram socket at SOCKET (as /dev/log is) and appends every datagram received to OUT as one
 * line (a '\n' added), each with one write(2), until SIGTERM or SIGINT, or SECONDS (default
 * 120) as a bound should the test die. The socket is removed on the way out.
 *
 *   syslog_sink SOCKET OUT [SECONDS]
 *   syslog_sink --dead SOCKET      binds the socket and leaves at once, the socket left behind:
 *                                  a system log that nobody reads (connecting is refused)
 *
 * Exit 0; 2 on bad arguments; 1 when the socket cannot be made. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

int main(int argc, char **argv)
{
    bool dead = argc == 3 && strcmp(argv[1], "--dead") == 0;
    if (dead) {
        argv++;
    } else if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: syslog_sink SOCKET OUT [SECONDS] | --dead SOCKET\n");
        return 2;
    }
    long secs = argc == 4 ? strtol(argv[3], NULL, 10) : 120;
    if (secs <= 0)
        secs = 120;
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (strlen(argv[1]) >= sizeof sa.sun_path) {
        fprintf(stderr, "syslog_sink: socket path too long\n");
        return 2;
    }
    strcpy(sa.sun_path, argv[1]);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        fprintf(stderr, "syslog_sink: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    chmod(argv[1], 0666);   /* as /dev/log: whoever runs the client may write to it */
    if (dead)
        return 0;
    int out = open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (out < 0) {
        fprintf(stderr, "syslog_sink: %s: %s\n", argv[2], strerror(errno));
        unlink(argv[1]);
        return 1;
    }

    struct sigaction act;
    memset(&act, 0, sizeof act);
    act.sa_handler = on_signal;
    sigaction(SIGTERM, &act, NULL);
    sigaction(SIGINT, &act, NULL);

    time_t end = time(NULL) + secs;
    static char buf[65536 + 1];
    while (!stop && time(NULL) < end) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int r = poll(&p, 1, 100);
        if (r <= 0)
            continue;
        ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
        if (n < 0)
            continue;
        /* A message ends where the client ended it; a '\n' of its own is not doubled. */
        if (n == 0 || buf[n - 1] != '\n')
            buf[n++] = '\n';
        if (write(out, buf, (size_t)n) != n)
            break;
    }
    /* What was queued before the signal is kept too. */
    ssize_t n;
    while ((n = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT)) >= 0) {
        if (n == 0 || buf[n - 1] != '\n')
            buf[n++] = '\n';
        if (write(out, buf, (size_t)n) != n)
            break;
    }
    unlink(argv[1]);
    close(fd);
    close(out);
    return 0;
}
