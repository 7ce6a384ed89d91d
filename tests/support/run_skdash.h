/* run_skdash.h: run the real skdash binary as a test's child: arguments, environment and stdin
 * chosen, stdout and stderr captured apart, an optional time limit, the exit code. */
#ifndef RUN_SKDASH_H
#define RUN_SKDASH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* A NULL-terminated argument list in place: ARGS("list", "--format", "json"). */
#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

typedef struct run_result {
    int code;            /* exit status; -1 when killed or ended by a signal */
    char *out, *err;     /* always NUL-terminated, possibly empty */
    size_t out_len, err_len;
    bool killed;         /* ran past its limit */
    double secs;         /* how long it ran */
    pid_t pid;           /* valid between run_start and run_finish */
    int ofd, efd;
    double t0;
} run_result;

/* The environment every CLI test group runs skdash in: tmpl ("/tmp/skdash-NAME-XXXXXX",
 * rewritten in place by mkdtemp) as XDG config, state and cache, no start-up cache, skemu's demo
 * credentials, LC_ALL=C.UTF-8, none of the caller's SKDASH_PROFILE, SKDASH_TIMEOUT, NO_COLOR and
 * COLUMNS, and SKEMU_TOKEN_LOG under $BUILD_DIR/test-logs unless make check set one (zz_secrets
 * reads it). False when the directory cannot be made. */
bool run_cli_env(char *tmpl);
/* $BUILD_DIR/test-logs (build/test-logs without BUILD_DIR). */
const char *run_logs_dir(void);

/* $SKDASH_BIN, else build/skdash. */
const char *skdash_bin(void);
/* Seconds on the monotonic clock. */
double run_now(void);
/* Appends n bytes to a growing NUL-terminated buffer (fails the test without memory). */
void run_append(char **buf, size_t *len, const char *p, size_t n);

/* This process's environment with `unset` names removed and `set` ("K=V") added; free() the
 * array only (its strings are borrowed). */
char **run_env(const char *const *unset, const char *const *set);

/* Starts skdash with args; stdin is /dev/null unless stdin_fd >= 0; env NULL: ours. */
void run_start(run_result *r, char **env, int stdin_fd, const char *const *args);
/* Collects both outputs until they close and reaps the child; past limit_s (> 0) it is killed.
 * Whatever happened, no client secret (the demo one, the fake servers') may show. */
void run_finish(run_result *r, double limit_s);
/* Both, with no time limit. */
void run_full(run_result *r, char **env, int stdin_fd, const char *const *args);
void run_free(run_result *r);

/* Runs skdash with stdout on a terminal `cols` wide (the bytes as written: no "\n" -> "\r\n"),
 * or on a pipe when cols == 0; stderr goes along when merge_err, else to /dev/null. Returns
 * all it wrote (free it; *len its length when len is not NULL), NULL when no terminal could
 * be had. */
char *run_on_tty(char **env, int cols, bool merge_err, const char *const *args, int *code,
                 size_t *len);

/* Runs the dashboard in script mode (SKDASH_SCRIPT: no terminal; see tests/golden/README.md)
 * with `script` as its keys, in dir (made if missing), with set ("K=V", NULL-terminated, may be
 * NULL) added to the environment besides SKDASH_NO_CACHE=1 and SKDASH_TIMEOUT=2, and --no-cache.
 * Fails the test unless it runs to its end (exit 0) within limit_s. Returns the screen each
 * `:dump NAME` of shots wrote (shots NULL-terminated; screens[i] malloc'd, free each). */
void run_dashboard_script(const char *dir, const char *script, const char *const *set,
                          double limit_s, const char *const *shots, char **screens);

/* Removes SGR sequences (ESC [ digits/; m) in place, the only escapes skdash may write, and
 * returns the new length: anything else stays for the test to find. */
size_t run_strip_sgr(char *s, size_t len);

#endif
