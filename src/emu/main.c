/* main.c (skemu): parse flags, build the emulator, serve on 127.0.0.1 until SIGINT/SIGTERM.
 * The first line on stdout is the URL, so scripts and tests can read the chosen port. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "emu.h"
#include "emu_server.h"

int main(int argc, char **argv)
{
    emu_options o;
    int rc = emu_options_parse(&o, argc, argv, stdout, stderr);
    if (rc == 1) return 0;
    if (rc != 0) return 2;

    /* Signals are taken by sigwait below; blocking them first means every server thread
     * inherits the mask and none of them is interrupted by a stray SIGTERM. */
    signal(SIGPIPE, SIG_IGN);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    char err[512];
    emu *e = emu_new(&o, err, sizeof err);
    if (!e) {
        fprintf(stderr, "skemu: %s\n", err);
        return 1;
    }
    emu_server *s = emu_server_start(e, o.port, o.quiet, err, sizeof err);
    if (!s) {
        fprintf(stderr, "skemu: %s\n", err);
        emu_free(e);
        return 1;
    }
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", emu_server_port(s));
    emu_set_base_url(e, url);
    printf("%s\n", url);
    fflush(stdout);

    int sig = 0;
    sigwait(&set, &sig);
    if (!o.quiet) fprintf(stderr, "skemu: signal %d, shutting down\n", sig);
    emu_server_stop(s);
    emu_free(e);
    return 0;
}
