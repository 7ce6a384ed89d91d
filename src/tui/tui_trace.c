/* tui_trace.c: the HTTP client's per-try trace, put to two uses: the --debug log file (XDG state
 * directory, mode 0600, never the terminal) and the footer's live line while retries go on. */
#include "tui_app.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "sk_time.h"
#include "xdg.h"

/* --debug: the log file the trace goes to (-1 when none), and its path for the footer. */
static int debug_fd = -1;
static char debug_path[512];

/* ---------------------------------------------------------------- client options */

static long env_long(const char *name, long lo, long hi, long fallback)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return fallback;
    char *end;
    long x = strtol(v, &end, 10);
    return (*end || x < lo || x > hi) ? fallback : x;
}

void trace_client_opts(sk_client_opts *co)
{
    client_opts_default(co);
    /* SKDASH_TIMEOUT is the CLI's knob (seconds); the _MS one and SKDASH_TRIES let tests see a
     * hung server or a failed refresh in a second rather than a minute. */
    co->timeout_ms = env_long("SKDASH_TIMEOUT", 1, 600, co->timeout_ms / 1000) * 1000;
    co->timeout_ms = env_long("SKDASH_TIMEOUT_MS", 50, 600000, co->timeout_ms);
    if (co->connect_timeout_ms > co->timeout_ms)
        co->connect_timeout_ms = co->timeout_ms;
    co->max_tries = (int)env_long("SKDASH_TRIES", 1, 20, co->max_tries);
    /* Always traced: the footer learns from it why a request is taking long. The log file
     * gets the lines only with --debug. */
    co->debug = true;
}

/* ---------------------------------------------------------------- reading a trace line */

static const char *after(const char *s, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

/* curl's long sentences, said the way the footer says them. curl's own phrases only: the
 * message also names the URL, and every API path holds "connected_accounts". */
static void short_cause(const char *msg, char *out, size_t n)
{
    if (strstr(msg, "timed out") || strstr(msg, "Timeout"))
        snprintf(out, n, "timed out");
    else if (strstr(msg, "reset") || strstr(msg, "Empty reply") || strstr(msg, "Recv failure") ||
             strstr(msg, "Connection died"))
        snprintf(out, n, "connection dropped");
    else if (strstr(msg, "Failed to connect") || strstr(msg, "Couldn't connect") ||
             strstr(msg, "Connection refused"))
        snprintf(out, n, "could not connect");
    else if (strstr(msg, "Could not resolve"))
        snprintf(out, n, "could not resolve the host");
    else
        snprintf(out, n, "%.80s", msg);
}

int trace_classify(const char *line, char *out, size_t n)
{
    /* The client's lines: "http: <- 503 GET URL 12 ms (try 1)",
     * "http: <- error GET URL 1000 ms (try 2): Operation timed out ...". */
    const char *p = line ? after(line, "http: <- ") : NULL;
    if (!p)
        return -1;
    if (after(p, "error ")) {
        const char *msg = strstr(p, "): ");
        short_cause(msg ? msg + 3 : "network error", out, n);
        return 1;
    }
    if (after(p, "too large ")) {
        snprintf(out, n, "answer too large");
        return 1;
    }
    char *end;
    long st = strtol(p, &end, 10);
    if (end == p)
        return -1;
    /* 401 renews the token and 4xx are definite answers: only what a retry may cure. */
    if (st >= 500 || st == 429 || st == 408) {
        snprintf(out, n, "HTTP %ld", st);
        return 1;
    }
    return 0;
}

/* ---------------------------------------------------------------- the sink */

static void log_line(const char *line)
{
    char when[40];
    time_rfc3339(time_now(), when, sizeof when);
    sk_buf b;
    buf_init(&b);
    /* The client has redacted secrets and escaped control bytes; one write per line keeps
     * lines whole even if two dashboards share the file. */
    if (buf_printf(&b, "%s %s\n", when, line) && b.s) {
        ssize_t w = write(debug_fd, b.s, b.len);
        (void)w;
    }
    buf_free(&b);
}

static void on_trace(void *ud, const char *line)
{
    tui_app *a = ud;
    if (debug_fd >= 0)
        log_line(line);
    char cause[128];
    int k = trace_classify(line, cause, sizeof cause);
    if (k < 0)
        return;
    long long now = tui_now_ms();
    a->last_answer_ms = now;
    if (k == 1) {
        snprintf(a->trouble, sizeof a->trouble, "%s", cause);
        a->trouble_ms = now;
    }
    a->dirty = true;
}

/* mkdir -p for the directories under the state home that we create ourselves (0700). */
static bool log_path(char *out, size_t n)
{
    return xdg_dir("XDG_STATE_HOME", ".local/state", out, n) && strlen(out) + sizeof "/debug.log" < n;
}

static void log_open(tui_app *a)
{
    char dir[sizeof debug_path - sizeof "/debug.log"];
    if (!log_path(dir, sizeof dir)) {
        data_set_error(a, "--debug: no place for the log (set XDG_STATE_HOME or HOME)");
        return;
    }
    snprintf(debug_path, sizeof debug_path, "%s/debug.log", dir);
    int fd = -1;
    if (xdg_mkdirs(dir))
        fd = open(debug_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        data_set_error(a, "--debug: cannot write %s: %s", debug_path, strerror(errno));
        return;
    }
    /* A file left by something else with a wider mode is narrowed: it holds URLs and ids. */
    if (fchmod(fd, 0600) != 0) {
        close(fd);
        data_set_error(a, "--debug: cannot make %s private: %s", debug_path, strerror(errno));
        return;
    }
    debug_fd = fd;
    char line[128];
    snprintf(line, sizeof line, "skdash dashboard started (pid %ld)", (long)getpid());
    log_line(line);
    data_set_notice(a, "debug trace: %s", debug_path);
}

void trace_start(tui_app *a)
{
    debug_fd = -1;
    if (a->o.debug)
        log_open(a);
    client_set_debug(a->client, on_trace, a);
}

void trace_stop(tui_app *a)
{
    if (a->client)
        client_set_debug(a->client, NULL, NULL);
    unsigned long bad = time_unreadable_total();
    if (debug_fd >= 0 && bad) {
        /* As `skdash --debug` ends: times shown as "-" because they could not be read. */
        char line[96];
        snprintf(line, sizeof line, "%lu timestamp%s could not be read (shown as -)", bad,
                 bad == 1 ? "" : "s");
        log_line(line);
    }
    if (debug_fd >= 0)
        close(debug_fd);
    debug_fd = -1;
}

/* ---------------------------------------------------------------- the footer */

void trace_footer(const tui_app *a, long long now_ms, char *out, size_t n, bool *is_error)
{
    out[0] = '\0';
    *is_error = false;
    if (!a->busy_since_ms)
        return;
    if (a->trouble_ms && now_ms - a->trouble_ms < TUI_TROUBLE_MS) {
        snprintf(out, n, "server trouble: %s; trying again", a->trouble);
        *is_error = true;
        return;
    }
    long long since = a->busy_since_ms > a->last_answer_ms ? a->busy_since_ms : a->last_answer_ms;
    if (now_ms - since >= TUI_WAIT_NOTICE_MS)
        snprintf(out, n, "waiting for the server (no answer for %lld s)", (now_ms - since) / 1000);
}
