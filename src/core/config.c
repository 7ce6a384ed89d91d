/* config.c: resolving the environment URL, client id and secret from flags, environment and
 * the INI config file's profile; refusing a readable secret file and running secret commands. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "duration.h"
#include "mem.h"

/* What the chosen profile of the file holds (heap strings, NULL when absent). */
typedef struct file_vals {
    bool have_file, have_section;
    bool any_secret;            /* client_secret anywhere in the file */
    mode_t mode;
    char *url, *id, *secret, *secret_cmd, *secret_timeout, *read_only, *cache, *ca_bundle;
    char *expiring_within, *unused_for, *message;   /* the views' windows, the link message */
} file_vals;

static void vals_free(file_vals *v)
{
    if (v->secret) {
        mem_wipe(v->secret, strlen(v->secret));
        free(v->secret);
    }
    free(v->url);
    free(v->id);
    free(v->secret_cmd);
    free(v->secret_timeout);
    free(v->read_only);
    free(v->cache);
    free(v->ca_bundle);
    free(v->expiring_within);
    free(v->unused_for);
    free(v->message);
    memset(v, 0, sizeof *v);
}

void config_flags_init(sk_config_flags *f)
{
    memset(f, 0, sizeof *f);
    f->read_only = -1;
}

static const char *env_get(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

void config_default_path(char *buf, size_t n)
{
    const char *xdg = env_get("XDG_CONFIG_HOME");
    if (xdg && xdg[0] == '/') {
        snprintf(buf, n, "%s/skdash/config", xdg);
        return;
    }
    const char *home = env_get("HOME");
    if (!home) {
        struct passwd *pw = getpwuid(getuid());
        home = pw && pw->pw_dir ? pw->pw_dir : "";
    }
    snprintf(buf, n, "%s/.config/skdash/config", home);
}

/* ---------------------------------------------------------------- INI parsing */

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

/* Value part of `key = value`: quotes removed, or an inline " # comment" cut. False when a
 * quoted value is not closed. */
static bool ini_value(char *v, char **out)
{
    v = trim(v);
    if (*v == '"') {
        char *end = strchr(v + 1, '"');
        if (!end)
            return false;
        *end = '\0';
        *out = v + 1;
        return true;
    }
    for (char *p = v; *p; p++) {
        if ((*p == '#' || *p == ';') && (p == v || p[-1] == ' ' || p[-1] == '\t')) {
            *p = '\0';
            break;
        }
    }
    *out = trim(v);
    return true;
}

/* What set_val and ini_key say. */
enum { INI_OK, INI_NOMEM, INI_REPEATED };

/* A key given twice in the profile is refused: which one was meant cannot be known (an edit
 * that appended a second client_id would otherwise silently win, or silently lose). */
static int set_val(char **slot, const char *v)
{
    if (*slot)
        return INI_REPEATED;
    *slot = strdup(v);
    return *slot ? INI_OK : INI_NOMEM;
}

static int ini_key(file_vals *fv, const char *key, const char *val)
{
    if (strcmp(key, "environment_url") == 0)
        return set_val(&fv->url, val);
    if (strcmp(key, "client_id") == 0)
        return set_val(&fv->id, val);
    if (strcmp(key, "client_secret") == 0)
        return set_val(&fv->secret, val);
    if (strcmp(key, "client_secret_command") == 0)
        return set_val(&fv->secret_cmd, val);
    if (strcmp(key, "client_secret_command_timeout") == 0)
        return set_val(&fv->secret_timeout, val);
    if (strcmp(key, "read_only") == 0)
        return set_val(&fv->read_only, val);
    if (strcmp(key, "cache") == 0)
        return set_val(&fv->cache, val);
    if (strcmp(key, "ca_bundle") == 0)
        return set_val(&fv->ca_bundle, val);
    if (strcmp(key, "expiring_within") == 0)
        return set_val(&fv->expiring_within, val);
    if (strcmp(key, "unused_for") == 0)
        return set_val(&fv->unused_for, val);
    if (strcmp(key, "message") == 0)
        return set_val(&fv->message, val);
    return INI_OK;   /* unknown keys are ignored, so newer files work with older binaries */
}

/* One line of the file. *in_section says whether we are inside the chosen profile. */
static sk_status ini_line(file_vals *fv, char *line, const char *profile, bool *in_section,
                          const char *path, int lineno, sk_error *err)
{
    /* A UTF-8 byte order mark, as some Windows editors save it, is no part of the text. */
    if (lineno == 1 && strncmp(line, "\xEF\xBB\xBF", 3) == 0)
        line += 3;
    char *s = trim(line);
    if (!*s || *s == '#' || *s == ';')
        return SK_OK;
    if (*s == '[') {
        char *end = strchr(s, ']');
        if (!end) {
            sk_error_set(err, SK_ERR_CONFIG, "%s:%d: section header without ']'", path, lineno);
            return SK_ERR_CONFIG;
        }
        *end = '\0';
        *in_section = strcmp(trim(s + 1), profile) == 0;
        if (*in_section)
            fv->have_section = true;
        return SK_OK;
    }
    char *eq = strchr(s, '=');
    char *val;
    if (!eq) {
        sk_error_set(err, SK_ERR_CONFIG, "%s:%d: expected \"key = value\"", path, lineno);
        return SK_ERR_CONFIG;
    }
    *eq = '\0';
    char *key = trim(s);
    if (!ini_value(eq + 1, &val)) {
        sk_error_set(err, SK_ERR_CONFIG, "%s:%d: unclosed quote in the value of %s", path, lineno, key);
        return SK_ERR_CONFIG;
    }
    if (strcmp(key, "client_secret") == 0)
        fv->any_secret = true;
    int r = *in_section ? ini_key(fv, key, val) : INI_OK;
    if (r == INI_REPEATED) {
        sk_error_set(err, SK_ERR_CONFIG, "%s:%d: %s is given twice in [%s]: keep one", path,
                     lineno, key, profile);
        return SK_ERR_CONFIG;
    }
    if (r == INI_NOMEM) {
        sk_error_set(err, SK_ERR_NOMEM, "out of memory reading %s", path);
        return SK_ERR_NOMEM;
    }
    return SK_OK;
}

static sk_status ini_read(FILE *f, file_vals *fv, const char *profile, const char *path, sk_error *err)
{
    char *line = NULL;
    size_t cap = 0;
    bool in_section = false;
    int lineno = 0;
    sk_status st = SK_OK;
    while (st == SK_OK && getline(&line, &cap, f) >= 0)
        st = ini_line(fv, line, profile, &in_section, path, ++lineno, err);
    if (line) {
        mem_wipe(line, cap);   /* it may have held a secret */
        free(line);
    }
    return st;
}

/* Open and parse the file. A missing default file is no error; a missing --config file is. */
static sk_status file_load(const char *path, bool explicit_path, const char *profile,
                           file_vals *fv, sk_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT && !explicit_path)
            return SK_OK;
        sk_error_set(err, SK_ERR_CONFIG, "cannot open config file %s: %s", path, strerror(errno));
        return SK_ERR_CONFIG;
    }
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fclose(f);
        sk_error_set(err, SK_ERR_CONFIG, "config file %s is not a regular file", path);
        return SK_ERR_CONFIG;
    }
    fv->have_file = true;
    fv->mode = sb.st_mode;
    sk_status st = ini_read(f, fv, profile, path, err);
    fclose(f);
    if (st == SK_OK && fv->any_secret && (sb.st_mode & 077) != 0) {
        sk_error_set(err, SK_ERR_CONFIG,
                     "config file %s holds client_secret but has mode %04o: it must be 0600 or "
                     "stricter (chmod 600 %s), or use client_secret_command",
                     path, (unsigned)(sb.st_mode & 07777), path);
        st = SK_ERR_CONFIG;
    }
    return st;
}

/* ---------------------------------------------------------------- the secret command */

/* The secret is one line: more output than this is not a secret command's and is not read. */
#define SECRET_OUT_MAX ((size_t)64 * 1024)

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* tcsetpgrp from a background process group raises SIGTTOU: blocked around the call. */
static void terminal_give(pid_t pgrp)
{
    sigset_t tt, old;
    sigemptyset(&tt);
    sigaddset(&tt, SIGTTOU);
    sigprocmask(SIG_BLOCK, &tt, &old);
    tcsetpgrp(STDIN_FILENO, pgrp);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* The child: its own process group (so a timeout can kill all it started), in the foreground
 * of our terminal when we hold it (a password manager may ask for a passphrase), stdout into
 * the pipe; stdin and stderr stay ours, so its messages reach the user and not the secret. */
static void secret_child(const char *cmd, int wfd, bool foreground)
{
    setpgid(0, 0);
    if (foreground)
        terminal_give(getpid());
    signal(SIGPIPE, SIG_DFL);
    if (wfd != STDOUT_FILENO) {
        if (dup2(wfd, STDOUT_FILENO) < 0)
            _exit(127);
    } else {
        fcntl(wfd, F_SETFD, 0);
    }
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(127);
}

typedef struct secret_out {
    char *buf;           /* SECRET_OUT_MAX + 1 bytes: one more than allowed says "too much" */
    size_t len;
    bool timed_out, too_much;
    int status;          /* waitpid's */
} secret_out;

/* Reads what is in the pipe now (rfd is non-blocking); false at EOF or too much output. */
static bool secret_read(int rfd, secret_out *o)
{
    for (;;) {
        ssize_t n = read(rfd, o->buf + o->len, SECRET_OUT_MAX + 1 - o->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 && errno == EAGAIN;
        o->len += (size_t)n;
        if (o->len > SECRET_OUT_MAX) {
            o->too_much = true;
            return false;
        }
    }
}

/* Reads the pipe until the command has exited, it printed too much, or the deadline passed;
 * in the last two cases its whole process group is killed (`sh -c 'sleep 60'` leaves no sleep
 * behind). A command that exits while a child of its own keeps stdout open is done: what it
 * printed is in the pipe. */
static void secret_collect(pid_t pid, int rfd, long long deadline, secret_out *o)
{
    bool reaped = false, open_out = true;
    while (!reaped) {
        pid_t w = waitpid(pid, &o->status, WNOHANG);
        if (w == pid || (w < 0 && errno != EINTR)) {
            reaped = true;
            if (w < 0)
                o->status = -1;
            if (open_out)
                secret_read(rfd, o);   /* all it wrote before exiting */
            break;
        }
        long long left = deadline - mono_ms();
        if (left <= 0) {
            o->timed_out = true;
            break;
        }
        if (open_out) {
            struct pollfd pfd = { .fd = rfd, .events = POLLIN };
            if (poll(&pfd, 1, left > 50 ? 50 : (int)left) > 0)
                open_out = secret_read(rfd, o);
            if (o->too_much)
                break;
        } else {
            struct timespec nap = { 0, 5 * 1000 * 1000 };
            nanosleep(&nap, NULL);
        }
    }
    if (reaped)
        return;   /* never a kill after the wait: the pid may be another process's by now */
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);        /* in case its setpgid had not happened yet */
    while (waitpid(pid, &o->status, 0) < 0 && errno == EINTR)
        ;
}

/* Sets err to what went wrong, in words that never quote the output; false when the command
 * ran to a normal end with exit status 0. */
static bool secret_failed(const secret_out *o, int timeout_s, const char *where, sk_error *err)
{
    int st = o->status;
    if (o->timed_out)
        sk_error_set(err, SK_ERR_CONFIG, "client_secret_command timed out after %d s and was "
                     "stopped (client_secret_command_timeout in %s sets the limit)",
                     timeout_s, where);
    else if (o->too_much)
        sk_error_set(err, SK_ERR_CONFIG, "client_secret_command printed more than %zu KiB and "
                     "was stopped: the secret must be the first line of a short output",
                     SECRET_OUT_MAX / 1024);
    else if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) != 0)
        sk_error_set(err, SK_ERR_CONFIG, "client_secret_command failed (exit status %d)",
                     WEXITSTATUS(st));
    else if (st != -1 && WIFSIGNALED(st))
        sk_error_set(err, SK_ERR_CONFIG, "client_secret_command was killed by signal %d",
                     WTERMSIG(st));
    else if (st == -1 || !WIFEXITED(st))
        sk_error_set(err, SK_ERR_CONFIG, "client_secret_command did not exit normally");
    else
        return false;
    return true;
}

/* Run cmd with /bin/sh -c; the first line of its stdout is the secret. At most timeout_s
 * seconds and SECRET_OUT_MAX bytes: a command that hangs or floods is stopped, never waited
 * for. where names the setting for the timeout message ("[default] of FILE"). */
static sk_status secret_run(const char *cmd, int timeout_s, const char *where, char **out,
                            sk_error *err)
{
    secret_out o = { .buf = malloc(SECRET_OUT_MAX + 1) };
    int fds[2];
    if (!o.buf) {
        sk_error_set(err, SK_ERR_NOMEM, "out of memory");
        return SK_ERR_NOMEM;
    }
    if (pipe(fds) != 0) {
        sk_error_set(err, SK_ERR_CONFIG, "client_secret_command could not be started: %s",
                     strerror(errno));
        free(o.buf);
        return SK_ERR_CONFIG;
    }
    /* close-on-exec: the command's own children get only its stdout, not our ends. */
    (void)fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    (void)fcntl(fds[0], F_SETFL, O_NONBLOCK);
    (void)fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    bool foreground = isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp();
    /* An inherited SIGCHLD of SIG_IGN would reap the command before we could see its status. */
    struct sigaction dfl = { .sa_handler = SIG_DFL }, old_chld;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGCHLD, &dfl, &old_chld);
    fflush(NULL);
    long long deadline = mono_ms() + (long long)timeout_s * 1000;
    pid_t pid = fork();
    if (pid == 0)
        secret_child(cmd, fds[1], foreground);
    int fork_errno = errno;
    close(fds[1]);
    if (pid < 0) {
        sigaction(SIGCHLD, &old_chld, NULL);
        close(fds[0]);
        free(o.buf);
        sk_error_set(err, SK_ERR_CONFIG, "client_secret_command could not be started: %s",
                     strerror(fork_errno));
        return SK_ERR_CONFIG;
    }
    setpgid(pid, pid);   /* both sides set it: no race with the kill on timeout */
    secret_collect(pid, fds[0], deadline, &o);
    sigaction(SIGCHLD, &old_chld, NULL);
    close(fds[0]);
    if (foreground)
        terminal_give(getpgrp());

    sk_status st = SK_ERR_CONFIG;
    if (!secret_failed(&o, timeout_s, where, err)) {
        char *nl = memchr(o.buf, '\n', o.len);
        size_t n = nl ? (size_t)(nl - o.buf) : o.len;
        while (n > 0 && o.buf[n - 1] == '\r')
            n--;
        if (n == 0)
            sk_error_set(err, SK_ERR_CONFIG, "client_secret_command printed nothing");
        else if (memchr(o.buf, '\0', n))
            sk_error_set(err, SK_ERR_CONFIG, "client_secret_command printed a NUL byte in its "
                         "first line: that is not a secret");
        else if (!(*out = malloc(n + 1))) {
            st = SK_ERR_NOMEM;
            sk_error_set(err, st, "out of memory");
        } else {
            memcpy(*out, o.buf, n);
            (*out)[n] = '\0';
            st = SK_OK;
        }
    }
    mem_wipe(o.buf, SECRET_OUT_MAX + 1);
    free(o.buf);
    return st;
}

/* ---------------------------------------------------------------- resolving */

static bool parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = { "true", "yes", "on", "1" }, *const no[] = { "false", "no", "off", "0" };
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0) { *out = true; return true; }
        if (strcasecmp(s, no[i]) == 0) { *out = false; return true; }
    }
    return false;
}

/* ---------------------------------------------------------------- the environment URL */

bool config_host_is_loopback(const char *host, size_t n)
{
    char h[64];
    if (!host || n == 0 || n >= sizeof h)
        return false;
    memcpy(h, host, n);
    h[n] = '\0';
    if (strcasecmp(h, "localhost") == 0)
        return true;
    /* inet_pton takes only the strict forms: "127.0.0.1.evil.example" or "127.1" are names
     * (or shorthand curl might resolve elsewhere), so they are not loopback here. */
    if (h[0] == '[') {
        struct in6_addr a6;
        if (h[n - 1] != ']')
            return false;
        h[n - 1] = '\0';
        return inet_pton(AF_INET6, h + 1, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
    }
    struct in_addr a4;
    return inet_pton(AF_INET, h, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127;
}

static int hex_digit(char ch)
{
    return ch >= '0' && ch <= '9' ? ch - '0'
         : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
         : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

/* n bytes of s with %XX escapes decoded, into a fresh string; NULL when an escape is bad or
 * decodes to NUL (a user name cut short would be a different user), or out of memory. */
static char *pct_decode(const char *s, size_t n)
{
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '%') {
            out[k++] = s[i];
            continue;
        }
        int hi = i + 2 < n ? hex_digit(s[i + 1]) : -1, lo = i + 2 < n ? hex_digit(s[i + 2]) : -1;
        if (hi < 0 || lo < 0 || (hi | lo) == 0) {
            mem_wipe(out, n + 1);
            free(out);
            return NULL;
        }
        out[k++] = (char)(hi * 16 + lo);
        i += 2;
    }
    out[k] = '\0';
    return out;
}

static bool url_blank(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* user[:password] of the URL into cfg, decoded. */
static sk_status set_userinfo(sk_config *cfg, const char *ui, size_t n, sk_error *err)
{
    if (n == 0)
        return SK_OK;
    const char *colon = memchr(ui, ':', n);
    size_t ulen = colon ? (size_t)(colon - ui) : n;
    cfg->url_user = pct_decode(ui, ulen);
    cfg->url_password = colon ? pct_decode(colon + 1, n - ulen - 1) : NULL;
    if (!cfg->url_user || (colon && !cfg->url_password)) {
        sk_error_set(err, SK_ERR_CONFIG, "environment URL (%s): the user name or password "
                     "before '@' has a bad %%-escape", cfg->url_source);
        return SK_ERR_CONFIG;
    }
    return SK_OK;
}

/* Checks the environment URL and keeps its origin: lower-case scheme, host and port. user:pw@
 * goes to url_user/url_password; nothing of it may reach a message (none quotes the URL's
 * authority). Trailing '/'s are dropped; any other path, a query or a fragment is refused:
 * skdash appends /oauth/token and /api/v1/... itself, and would send them elsewhere. */
static sk_status set_url(sk_config *cfg, const char *raw, sk_error *err)
{
    const char *src = cfg->url_source;
    while (url_blank(*raw))
        raw++;
    size_t n = strlen(raw);
    while (n && url_blank(raw[n - 1]))
        n--;
    if (n == 0) {
        sk_error_set(err, SK_ERR_CONFIG, "environment URL (%s) is blank", src);
        return SK_ERR_CONFIG;
    }
    bool https = n >= 8 && strncasecmp(raw, "https://", 8) == 0;
    if (!https && !(n >= 7 && strncasecmp(raw, "http://", 7) == 0)) {
        sk_error_set(err, SK_ERR_CONFIG, "environment URL (%s) must start with https:// or http://",
                     src);
        return SK_ERR_CONFIG;
    }
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)raw[i] <= ' ' || raw[i] == 0x7f) {
            sk_error_set(err, SK_ERR_CONFIG, "environment URL (%s) holds a space or a control "
                         "character", src);
            return SK_ERR_CONFIG;
        }
    }
    const char *auth = raw + (https ? 8 : 7);
    size_t rest = n - (size_t)(auth - raw);
    size_t alen = 0;
    while (alen < rest && !strchr("/?#", auth[alen]))
        alen++;
    /* What follows the authority: '/'s only. */
    const char *tail = auth + alen, *end = raw + n;
    const char *p = tail;
    while (p < end && *p == '/')
        p++;
    if (p < end) {
        const char *q = tail;
        while (q < end && *q != '?' && *q != '#')
            q++;
        if (*p != '?' && *p != '#')
            sk_error_set(err, SK_ERR_CONFIG, "environment URL (%s) has a path (%.*s%s): remove it; "
                         "it is the environment's origin, https://HOST, and skdash adds /api/v1/... "
                         "itself", src, (int)((q - tail) > 60 ? 60 : (q - tail)), tail,
                         (q - tail) > 60 ? "..." : "");
        else
            sk_error_set(err, SK_ERR_CONFIG, "environment URL (%s) has a %s: remove everything "
                         "from the '%c' on", src, *p == '?' ? "query" : "fragment", *p);
        return SK_ERR_CONFIG;
    }
    /* The userinfo ends at the LAST '@' of the authority: a password may hold an unescaped
     * '@'. */
    size_t ui = 0;
    for (size_t i = alen; i > 0; i--) {
        if (auth[i - 1] == '@') {
            ui = i;
            break;
        }
    }
    const char *host = auth + ui;
    size_t hplen = alen - ui, hlen;
    if (hplen && host[0] == '[') {
        const char *rb = memchr(host, ']', hplen);
        hlen = rb ? (size_t)(rb - host) + 1 : hplen;
    } else {
        const char *colon = memchr(host, ':', hplen);
        hlen = colon ? (size_t)(colon - host) : hplen;
    }
    if (hlen == 0 || (host[0] == '[' && host[hlen - 1] != ']')) {
        sk_error_set(err, SK_ERR_CONFIG, "environment URL (%s) has no host", src);
        return SK_ERR_CONFIG;
    }
    if (hlen < hplen) {
        /* ":PORT", 1 to 65535 */
        const char *port = host + hlen;
        size_t plen = hplen - hlen;
        bool ok = port[0] == ':' && plen >= 2 && plen <= 6;
        long v = 0;
        for (size_t i = 1; ok && i < plen; i++) {
            ok = port[i] >= '0' && port[i] <= '9';
            v = v * 10 + (port[i] - '0');
        }
        if (!ok || v < 1 || v > 65535) {
            /* Not quoted: "https://user:password" without '@' puts the password here. */
            sk_error_set(err, SK_ERR_CONFIG, "environment URL (%s) has a bad port: after the "
                         "host's ':' it wants a number from 1 to 65535", src);
            return SK_ERR_CONFIG;
        }
    }
    if (!https && !config_host_is_loopback(host, hlen)) {
        sk_error_set(err, SK_ERR_CONFIG, "environment URL (%s) is http:// for %.*s: the client "
                     "secret would travel unencrypted; use https:// (http:// is only for "
                     "localhost, 127.0.0.0/8 and [::1])", src, (int)(hlen > 80 ? 80 : hlen), host);
        return SK_ERR_CONFIG;
    }
    if (hplen + 8 >= sizeof cfg->environment_url) {
        sk_error_set(err, SK_ERR_CONFIG, "environment URL (%s) is too long", src);
        return SK_ERR_CONFIG;
    }
    snprintf(cfg->environment_url, sizeof cfg->environment_url, "%s%.*s",
             https ? "https://" : "http://", (int)hplen, host);
    return set_userinfo(cfg, auth, ui ? ui - 1 : 0, err);
}

/* First non-NULL of flag / environment / file, recording where it came from. */
static const char *pick(const char *flag, const char *env, const char *file, const char **src)
{
    if (flag && *flag) { *src = "flag"; return flag; }
    if (env) { *src = "environment"; return env; }
    if (file && *file) { *src = "config file"; return file; }
    *src = NULL;
    return NULL;
}

/* `client_secret_command_timeout = SECS` of the profile: whole seconds, 1 to 3600. */
static sk_status resolve_timeout(sk_config *cfg, const file_vals *fv, sk_error *err)
{
    cfg->secret_command_timeout = CONFIG_SECRET_TIMEOUT_DEFAULT;
    if (!fv->secret_timeout)
        return SK_OK;
    const char *v = fv->secret_timeout;
    long secs = 0;
    bool ok = *v != '\0';
    for (; ok && *v; v++) {
        ok = *v >= '0' && *v <= '9';
        secs = secs * 10 + (*v - '0');
        ok = ok && secs <= CONFIG_SECRET_TIMEOUT_MAX;
    }
    if (!ok || secs < 1) {
        sk_error_set(err, SK_ERR_CONFIG, "client_secret_command_timeout in [%s] of %s must be "
                     "whole seconds from 1 to %d", cfg->profile,
                     cfg->config_path[0] ? cfg->config_path : "(text)", CONFIG_SECRET_TIMEOUT_MAX);
        return SK_ERR_CONFIG;
    }
    cfg->secret_command_timeout = (int)secs;
    return SK_OK;
}

static sk_status resolve_secret(sk_config *cfg, const file_vals *fv, sk_error *err)
{
    const char *env = env_get("SCALEKIT_CLIENT_SECRET");
    const char *from = env ? env : (fv->secret && *fv->secret ? fv->secret : NULL);
    if (from) {
        cfg->client_secret = strdup(from);
        cfg->secret_source = env ? "environment" : "config file";
        if (!cfg->client_secret) {
            sk_error_set(err, SK_ERR_NOMEM, "out of memory");
            return SK_ERR_NOMEM;
        }
        return SK_OK;
    }
    if (fv->secret_cmd && *fv->secret_cmd) {
        char where[640];
        snprintf(where, sizeof where, "[%s] of %s", cfg->profile, cfg->config_path);
        sk_status st = secret_run(fv->secret_cmd, cfg->secret_command_timeout, where,
                                  &cfg->client_secret, err);
        if (st == SK_OK)
            cfg->secret_source = "command";
        return st;
    }
    return SK_OK;
}

/* The message for a setting that is missing, naming every place it can come from. */
static sk_status missing(const sk_config *cfg, sk_error *err)
{
    const char *file = cfg->config_path[0] ? cfg->config_path : "the config file";
    if (!cfg->environment_url[0])
        sk_error_set(err, SK_ERR_CONFIG,
                     "no environment URL: pass --environment-url, set SCALEKIT_ENVIRONMENT_URL, or "
                     "put environment_url in [%s] of %s", cfg->profile, file);
    else if (!cfg->client_id[0])
        sk_error_set(err, SK_ERR_CONFIG,
                     "no client id: pass --client-id, set SCALEKIT_CLIENT_ID, or put client_id in "
                     "[%s] of %s", cfg->profile, file);
    else if (!cfg->client_secret)
        sk_error_set(err, SK_ERR_CONFIG,
                     "no client secret: set SCALEKIT_CLIENT_SECRET, or put client_secret_command "
                     "(or client_secret, with the file at mode 0600) in [%s] of %s",
                     cfg->profile, file);
    else
        return SK_OK;
    return SK_ERR_CONFIG;
}

/* `cache = true|false` of the profile; the cache is on when the file says nothing. */
static sk_status resolve_cache(sk_config *cfg, const file_vals *fv, sk_error *err)
{
    cfg->cache = true;
    if (fv->cache && !parse_bool(fv->cache, &cfg->cache)) {
        sk_error_set(err, SK_ERR_CONFIG, "cache in [%s] of %s must be true or false",
                     cfg->profile, cfg->config_path[0] ? cfg->config_path : "(text)");
        return SK_ERR_CONFIG;
    }
    return SK_OK;
}

/* `expiring_within = DUR`, `unused_for = DUR` (the saved views' windows) and `message = ...`
 * (the paste-ready message's template) of the profile. */
static sk_status resolve_views(sk_config *cfg, const file_vals *fv, sk_error *err)
{
    cfg->expiring_within = CONFIG_EXPIRING_WITHIN_DEFAULT;
    cfg->unused_for = CONFIG_UNUSED_FOR_DEFAULT;
    const char *file = cfg->config_path[0] ? cfg->config_path : "(text)";
    struct { const char *key, *val; int64_t *out; } d[] = {
        { "expiring_within", fv->expiring_within, &cfg->expiring_within },
        { "unused_for", fv->unused_for, &cfg->unused_for },
    };
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
        sk_error why;
        sk_error_clear(&why);
        if (d[i].val && duration_parse(d[i].val, d[i].out, &why) != SK_OK) {
            sk_error_set(err, SK_ERR_CONFIG, "%s in [%s] of %s: %s", d[i].key, cfg->profile,
                         file, why.message);
            return SK_ERR_CONFIG;
        }
    }
    if (fv->message) {
        if (strlen(fv->message) >= sizeof cfg->message) {
            sk_error_set(err, SK_ERR_CONFIG, "message in [%s] of %s is longer than %zu bytes",
                         cfg->profile, file, sizeof cfg->message - 1);
            return SK_ERR_CONFIG;
        }
        strcpy(cfg->message, fv->message);
    }
    return SK_OK;
}

/* A CA file or directory must exist and be readable now: a typo would otherwise surface as a
 * TLS failure on the first request, far from its cause. */
static sk_status ca_check(const char *path, bool dir, const char *src, sk_error *err)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | (dir ? O_DIRECTORY : 0));
    struct stat sb;
    const char *why = NULL;
    if (fd < 0)
        why = strerror(errno);
    else if (fstat(fd, &sb) != 0 || (dir ? !S_ISDIR(sb.st_mode) : !S_ISREG(sb.st_mode)))
        why = dir ? "not a directory" : "not a regular file";
    if (fd >= 0)
        close(fd);
    if (why) {
        sk_error_set(err, SK_ERR_CONFIG, "CA %s %s (from %s): %s", dir ? "directory" : "bundle",
                     path, src, why);
        return SK_ERR_CONFIG;
    }
    return SK_OK;
}

/* Whom TLS trusts, in curl's order: skdash's own settings (--ca-bundle, SKDASH_CA_BUNDLE, the
 * profile's ca_bundle) win and stand alone, as curl --cacert does; else CURL_CA_BUNDLE; else
 * SSL_CERT_FILE and SSL_CERT_DIR, as curl's tool reads them. None: the system's. */
static sk_status resolve_ca(sk_config *cfg, const sk_config_flags *fl, const file_vals *fv,
                            sk_error *err)
{
    const char *file = NULL, *dir = NULL, *src = NULL;
    if (fl->ca_bundle && *fl->ca_bundle) {
        file = fl->ca_bundle;
        src = "--ca-bundle";
    } else if ((file = env_get("SKDASH_CA_BUNDLE"))) {
        src = "SKDASH_CA_BUNDLE";
    } else if (fv->ca_bundle && *fv->ca_bundle) {
        file = fv->ca_bundle;
        src = "ca_bundle in the config file";
    } else if ((file = env_get("CURL_CA_BUNDLE"))) {
        src = "CURL_CA_BUNDLE";
    } else {
        dir = env_get("SSL_CERT_DIR");
        file = env_get("SSL_CERT_FILE");
        src = file ? "SSL_CERT_FILE" : dir ? "SSL_CERT_DIR" : NULL;
    }
    if ((file && strlen(file) >= sizeof cfg->ca_bundle) || (dir && strlen(dir) >= sizeof cfg->ca_dir)) {
        sk_error_set(err, SK_ERR_CONFIG, "the CA path (from %s) is too long", src);
        return SK_ERR_CONFIG;
    }
    if (file && ca_check(file, false, src, err) != SK_OK)
        return SK_ERR_CONFIG;
    if (dir && ca_check(dir, true, "SSL_CERT_DIR", err) != SK_OK)
        return SK_ERR_CONFIG;
    if (file)
        strcpy(cfg->ca_bundle, file);
    if (dir)
        strcpy(cfg->ca_dir, dir);
    cfg->ca_source = src;
    return SK_OK;
}

static sk_status resolve(sk_config *cfg, const sk_config_flags *fl, const file_vals *fv, sk_error *err)
{
    const char *url = pick(fl->environment_url, env_get("SCALEKIT_ENVIRONMENT_URL"), fv->url,
                           &cfg->url_source);
    if (url && set_url(cfg, url, err) != SK_OK)
        return SK_ERR_CONFIG;
    const char *id = pick(fl->client_id, env_get("SCALEKIT_CLIENT_ID"), fv->id, &cfg->id_source);
    if (id && strlen(id) >= sizeof cfg->client_id) {
        sk_error_set(err, SK_ERR_CONFIG, "client id (%s) is too long", cfg->id_source);
        return SK_ERR_CONFIG;
    }
    if (id)
        strcpy(cfg->client_id, id);
    if (fl->read_only >= 0) {
        cfg->read_only = fl->read_only != 0;
    } else if (fv->read_only && !parse_bool(fv->read_only, &cfg->read_only)) {
        sk_error_set(err, SK_ERR_CONFIG, "read_only in [%s] of %s must be true or false",
                     cfg->profile, cfg->config_path);
        return SK_ERR_CONFIG;
    }
    if (resolve_cache(cfg, fv, err) != SK_OK)
        return SK_ERR_CONFIG;
    if (fl->no_cache)
        cfg->cache = false;
    if (resolve_timeout(cfg, fv, err) != SK_OK || resolve_ca(cfg, fl, fv, err) != SK_OK ||
        resolve_views(cfg, fv, err) != SK_OK)
        return SK_ERR_CONFIG;
    return resolve_secret(cfg, fv, err);
}

static sk_status load(sk_config *cfg, const sk_config_flags *flags, sk_error *err, bool full)
{
    sk_error local;
    if (!err)
        err = &local;
    sk_error_clear(err);
    memset(cfg, 0, sizeof *cfg);
    sk_config_flags none;
    config_flags_init(&none);
    const sk_config_flags *fl = flags ? flags : &none;

    const char *profile = fl->profile && *fl->profile ? fl->profile : env_get("SKDASH_PROFILE");
    bool named = profile != NULL;
    if (!profile)
        profile = "default";
    if (strlen(profile) >= sizeof cfg->profile) {
        sk_error_set(err, SK_ERR_CONFIG, "profile name too long");
        return SK_ERR_CONFIG;
    }
    strcpy(cfg->profile, profile);

    bool explicit_path = fl->config_path && *fl->config_path;
    if (explicit_path)
        snprintf(cfg->config_path, sizeof cfg->config_path, "%s", fl->config_path);
    else
        config_default_path(cfg->config_path, sizeof cfg->config_path);

    file_vals fv;
    memset(&fv, 0, sizeof fv);
    sk_status st = file_load(cfg->config_path, explicit_path, profile, &fv, err);
    if (st == SK_OK && !fv.have_file)
        cfg->config_path[0] = '\0';
    if (st == SK_OK && named && !fv.have_section) {
        sk_error_set(err, SK_ERR_CONFIG, "profile \"%s\" not found in %s", profile,
                     fv.have_file ? cfg->config_path : "the config file (there is none)");
        st = SK_ERR_CONFIG;
    }
    if (st == SK_OK)
        st = resolve(cfg, fl, &fv, err);
    vals_free(&fv);
    if (st == SK_OK && full)
        st = missing(cfg, err);
    if (st != SK_OK)
        config_free(cfg);
    return st;
}

sk_status config_load(sk_config *cfg, const sk_config_flags *flags, sk_error *err)
{
    return load(cfg, flags, err, true);
}

sk_status config_load_partial(sk_config *cfg, const sk_config_flags *flags, sk_error *err)
{
    return load(cfg, flags, err, false);
}

static void wipe_str(char **s)
{
    if (*s) {
        mem_wipe(*s, strlen(*s));
        free(*s);
        *s = NULL;
    }
}

void config_free(sk_config *cfg)
{
    if (!cfg)
        return;
    wipe_str(&cfg->client_secret);
    wipe_str(&cfg->url_user);
    wipe_str(&cfg->url_password);
}

const char *config_host(const sk_config *cfg, char *buf, size_t n)
{
    if (!buf || !n)
        return "";
    const char *u = cfg ? cfg->environment_url : "";
    const char *p = strstr(u, "://");
    p = p ? p + 3 : u;
    /* Never show user:password@. The authority ends at the first '/', '?' or '#', and its
     * userinfo at the LAST '@' in it: a password may hold an unescaped '@'. */
    size_t len = strcspn(p, "/?#");
    for (size_t i = len; i > 0; i--) {
        if (p[i - 1] == '@') {
            len -= i;
            p += i;
            break;
        }
    }
    snprintf(buf, n, "%.*s", (int)len, p);
    return buf;
}

/* ---------------------------------------------------------------- parsing text (tests, fuzzing) */

/* The same line parser as ini_read, over a buffer: each line (with its '\n', as getline gives
 * it) copied into one scratch string, so text need not be NUL-terminated. */
static sk_status ini_text(const char *text, size_t len, file_vals *fv, const char *profile,
                          sk_error *err)
{
    char *line = malloc(len + 1);
    if (!line) {
        sk_error_set(err, SK_ERR_NOMEM, "out of memory");
        return SK_ERR_NOMEM;
    }
    bool in_section = false;
    int lineno = 0;
    sk_status st = SK_OK;
    size_t i = 0;
    while (st == SK_OK && i < len) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (text + i)) + 1 : len - i;
        memcpy(line, text + i, n);
        line[n] = '\0';
        i += n;
        st = ini_line(fv, line, profile, &in_section, "(text)", ++lineno, err);
    }
    mem_wipe(line, len + 1);   /* it may have held a secret */
    free(line);
    return st;
}

/* resolve() with the file as the only source and the secret command left alone. */
static sk_status resolve_file(sk_config *cfg, const file_vals *fv, sk_error *err)
{
    if (fv->url && *fv->url) {
        cfg->url_source = "config file";
        if (set_url(cfg, fv->url, err) != SK_OK)
            return SK_ERR_CONFIG;
    }
    if (fv->id && *fv->id) {
        cfg->id_source = "config file";
        if (strlen(fv->id) >= sizeof cfg->client_id) {
            sk_error_set(err, SK_ERR_CONFIG, "client id (config file) is too long");
            return SK_ERR_CONFIG;
        }
        strcpy(cfg->client_id, fv->id);
    }
    if (fv->read_only && !parse_bool(fv->read_only, &cfg->read_only)) {
        sk_error_set(err, SK_ERR_CONFIG, "read_only in [%s] must be true or false", cfg->profile);
        return SK_ERR_CONFIG;
    }
    if (resolve_cache(cfg, fv, err) != SK_OK || resolve_timeout(cfg, fv, err) != SK_OK ||
        resolve_views(cfg, fv, err) != SK_OK)
        return SK_ERR_CONFIG;
    if (fv->ca_bundle && *fv->ca_bundle) {   /* kept as written: text is never checked on disk */
        if (strlen(fv->ca_bundle) >= sizeof cfg->ca_bundle) {
            sk_error_set(err, SK_ERR_CONFIG, "ca_bundle (config file) is too long");
            return SK_ERR_CONFIG;
        }
        strcpy(cfg->ca_bundle, fv->ca_bundle);
        cfg->ca_source = "ca_bundle in the config file";
    }
    if (fv->secret && *fv->secret) {
        cfg->client_secret = strdup(fv->secret);
        cfg->secret_source = "config file";
        if (!cfg->client_secret) {
            sk_error_set(err, SK_ERR_NOMEM, "out of memory");
            return SK_ERR_NOMEM;
        }
    }
    return SK_OK;
}

sk_status config_parse_text(const char *text, size_t len, const char *profile, sk_config *cfg,
                            bool *has_secret_command, sk_error *err)
{
    sk_error local;
    if (!err)
        err = &local;
    sk_error_clear(err);
    memset(cfg, 0, sizeof *cfg);
    if (has_secret_command)
        *has_secret_command = false;
    const char *name = profile ? profile : "default";
    if (strlen(name) >= sizeof cfg->profile) {
        sk_error_set(err, SK_ERR_CONFIG, "profile name too long");
        return SK_ERR_CONFIG;
    }
    strcpy(cfg->profile, name);
    file_vals fv;
    memset(&fv, 0, sizeof fv);
    sk_status st = text || !len ? ini_text(text ? text : "", len, &fv, name, err) : SK_ERR_USAGE;
    if (st == SK_ERR_USAGE)
        sk_error_set(err, SK_ERR_USAGE, "no text");
    if (st == SK_OK && profile && !fv.have_section) {
        sk_error_set(err, SK_ERR_CONFIG, "profile \"%s\" not found in the text", name);
        st = SK_ERR_CONFIG;
    }
    if (st == SK_OK)
        st = resolve_file(cfg, &fv, err);
    if (st == SK_OK && has_secret_command)
        *has_secret_command = fv.secret_cmd && *fv.secret_cmd;
    vals_free(&fv);
    if (st != SK_OK)
        config_free(cfg);
    return st;
}
