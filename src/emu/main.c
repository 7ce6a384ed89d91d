/* main.c (skemu): parse flags, build the emulator, serve HTTP or HTTPS (--tls-cert/--tls-key)
 * on 127.0.0.1 until SIGINT/SIGTERM.
 * The first line on stdout is the URL, so scripts and tests can read the chosen port. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"
#include "emu_server.h"

/* The whole of a PEM file (certificates and keys are a few KiB; 1 MiB is plenty), or NULL
 * with the reason in err. */
static char *pem_read(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open", path);
        return NULL;
    }
    size_t cap = 1 << 20, n;
    char *buf = malloc(cap + 1);
    n = buf ? fread(buf, 1, cap + 1, f) : 0;
    fclose(f);
    if (!buf || n == 0 || n > cap || !strstr((buf[n] = '\0', buf), "-----BEGIN ")) {
        snprintf(err, errlen, "%s: %s", path, !buf ? "out of memory"
                                           : n > cap ? "larger than 1 MiB" : "not a PEM file");
        free(buf);
        return NULL;
    }
    return buf;
}

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
    char *cert = NULL, *key = NULL;
    if (o.tls_cert && (!(cert = pem_read(o.tls_cert, err, sizeof err)) ||
                       !(key = pem_read(o.tls_key, err, sizeof err)))) {
        fprintf(stderr, "skemu: %s\n", err);
        free(cert);
        emu_free(e);
        return 1;
    }
    emu_server *s = emu_server_start(e, o.port, o.quiet, cert, key, err, sizeof err);
    if (!s) {
        fprintf(stderr, "skemu: %s\n", err);
        free(cert);
        free(key);
        emu_free(e);
        return 1;
    }
    /* The magic links skemu issues start with this origin, so they are https too. */
    char url[64];
    snprintf(url, sizeof url, "%s://127.0.0.1:%d", cert ? "https" : "http", emu_server_port(s));
    emu_set_base_url(e, url);
    printf("%s\n", url);
    fflush(stdout);

    int sig = 0;
    sigwait(&set, &sig);
    if (!o.quiet) fprintf(stderr, "skemu: signal %d, shutting down\n", sig);
    emu_server_stop(s);
    emu_free(e);
    if (key) {
        memset(key, 0, strlen(key));   /* a test key, but still a key */
        free(key);
    }
    free(cert);
    return 0;
}
