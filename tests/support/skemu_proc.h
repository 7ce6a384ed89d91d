/* skemu_proc.h: start and stop a real skemu process for integration tests (loopback, --port 0). */
#ifndef SKEMU_PROC_H
#define SKEMU_PROC_H

#include <sys/types.h>

typedef struct skemu_proc {
    pid_t pid;
    char url[128];        /* http://127.0.0.1:PORT */
    char log_path[256];   /* skemu's stderr (one line per request) */
} skemu_proc;

/* Start $SKEMU_BIN (default build/skemu) with the NULL-terminated extra args plus "--port 0";
 * waits for the URL line. Returns 0 on success. */
int skemu_start(skemu_proc *p, const char *const *args);
/* SIGTERM, wait; returns skemu's exit status (0 for a clean exit), -1 on error. */
int skemu_stop(skemu_proc *p);
/* Count lines in skemu's request log that contain `needle`. */
int skemu_log_count(const skemu_proc *p, const char *needle);

/* Sets SCALEKIT_ENVIRONMENT_URL/CLIENT_ID/CLIENT_SECRET in this process's environment to talk
 * to p with skemu's demo credentials, and points XDG_CONFIG_HOME at an empty directory. */
void skemu_env(const skemu_proc *p);

#define SKEMU_DEMO_CLIENT_ID "skc_demo"
#define SKEMU_DEMO_CLIENT_SECRET "skemu-demo-secret"

#endif
