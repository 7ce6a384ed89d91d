/* skemu_proc.h: start and stop a real skemu process for integration tests (loopback, --port 0). */
#ifndef SKEMU_PROC_H
#define SKEMU_PROC_H

#include <sys/types.h>

typedef struct skemu_proc {
    pid_t pid;
    int port;
    char url[128];        /* http://127.0.0.1:PORT */
    char log_path[256];   /* skemu's stderr (one line per request) */
} skemu_proc;

/* Start $SKEMU_BIN (default build/skemu) with the NULL-terminated extra args plus "--port 0";
 * waits (10 s at most) for the URL line. Returns 0 on success. */
int skemu_start(skemu_proc *p, const char *const *args);
/* The same on a chosen port (0: any free one), e.g. to start skemu again where it was. */
int skemu_start_on(skemu_proc *p, int port, const char *const *args);
/* SIGTERM, wait; returns skemu's exit status (0 for a clean exit), -1 on error. */
int skemu_stop(skemu_proc *p);
/* Sends sig (SIGKILL: a server dying) and reaps it; returns as skemu_stop. */
int skemu_kill(skemu_proc *p, int sig);
/* Count lines in skemu's request log that contain `needle`. */
int skemu_log_count(const skemu_proc *p, const char *needle);

/* Sets SCALEKIT_ENVIRONMENT_URL/CLIENT_ID/CLIENT_SECRET in this process's environment to talk
 * to p with skemu's demo credentials, and points XDG_CONFIG_HOME at an empty directory. */
void skemu_env(const skemu_proc *p);

#define SKEMU_DEMO_CLIENT_ID "skc_demo"
#define SKEMU_DEMO_CLIENT_SECRET "skemu-demo-secret"

#endif
