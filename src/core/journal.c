/* journal.c: the action journal: entries formatted as one line of strict JSON, appended with a
 * single O_APPEND write to a 0600 file under the XDG state directory, and read back. */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "sk_time.h"
#include "xdg.h"

#define JOURNAL_READ_MAX ((off_t)256 << 20)   /* a larger journal is not read whole */

/* ---------------------------------------------------------------- where */

bool journal_default_path(char *buf, size_t n)
{
    if (!xdg_dir("XDG_STATE_HOME", ".local/state", buf, n))
        return false;
    size_t len = strlen(buf);
    int w = snprintf(buf + len, n - len, "/journal.jsonl");
    return w > 0 && (size_t)w < n - len;
}

/* mkdir -p of path's directory, 0700 for what it creates. */
static bool make_parents(const char *path, sk_error *err)
{
    char dir[4096];
    if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir) {
        sk_error_set(err, SK_ERR_CONFIG, "journal path too long");
        return false;
    }
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return true;
    *slash = '\0';
    if (!xdg_mkdirs(dir)) {
        sk_error_set(err, SK_ERR_CONFIG, "cannot create %s: %s", dir, strerror(errno));
        return false;
    }
    return true;
}

/* ---------------------------------------------------------------- who, from where */

static const char *local_user(char *buf, size_t n)
{
    struct passwd *pw = getpwuid(geteuid());
    if (pw && pw->pw_name && *pw->pw_name)
        snprintf(buf, n, "%s", pw->pw_name);
    else if (getenv("USER") && *getenv("USER"))
        snprintf(buf, n, "%s", getenv("USER"));
    else
        snprintf(buf, n, "uid %lu", (unsigned long)geteuid());
    return buf;
}

/* First field of SSH_CLIENT ("ip port port") or SSH_CONNECTION; NULL when not over SSH. */
static const char *ssh_address(char *buf, size_t n)
{
    const char *names[] = { "SSH_CLIENT", "SSH_CONNECTION" };
    for (size_t i = 0; i < 2; i++) {
        const char *v = getenv(names[i]);
        if (!v || !*v)
            continue;
        size_t len = strcspn(v, " \t");
        if (len == 0 || len >= n)
            continue;
        memcpy(buf, v, len);
        buf[len] = '\0';
        return buf;
    }
    return NULL;
}

/* ---------------------------------------------------------------- strict JSON text */

/* Length of the valid UTF-8 sequence at s (0 when invalid) and its code point. */
static size_t utf8_next(const unsigned char *s, size_t left, unsigned *cp)
{
    unsigned char c = s[0];
    size_t n;
    unsigned v;
    if (c < 0x80) { *cp = c; return 1; }
    if (c >= 0xC2 && c <= 0xDF) { n = 2; v = c & 0x1Fu; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 3; v = c & 0x0Fu; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 4; v = c & 0x07u; }
    else return 0;
    if (n > left)
        return 0;
    for (size_t k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[k] & 0x3Fu);
    }
    if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
        (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

/* Characters that could act on a terminal or break a line reader: escaped even in JSON. */
static bool cp_escaped(unsigned cp)
{
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C ||
           cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029;
}

static bool json_string(sk_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s);
    bool ok = buf_addc(b, '"');
    while (ok && left) {
        unsigned cp;
        size_t n = utf8_next(p, left, &cp);
        if (n == 0) {
            ok = buf_adds(b, "\\ufffd");
            n = 1;
        } else if (cp == '"' || cp == '\\') {
            ok = buf_addc(b, '\\') && buf_addc(b, (char)cp);
        } else if (cp_escaped(cp)) {
            ok = buf_printf(b, "\\u%04x", cp);
        } else {
            ok = buf_add(b, (const char *)p, n);
        }
        p += n;
        left -= n;
    }
    return ok && buf_addc(b, '"');
}

static bool json_member(sk_buf *b, bool *first, const char *key, const char *val)
{
    if (!val || !*val)
        return true;
    bool ok = buf_adds(b, *first ? "{" : ",") && json_string(b, key) && buf_addc(b, ':') &&
              json_string(b, val);
    *first = false;
    return ok;
}

char *journal_format(const sk_journal_entry *e)
{
    char when[64], user[256], ssh[256];
    time_rfc3339(e->time ? e->time : time_now(), when, sizeof when);
    const char *u = e->user ? e->user : local_user(user, sizeof user);
    const char *from = e->ssh_client ? e->ssh_client : ssh_address(ssh, sizeof ssh);
    const char *keys[] = { "time", "user", "ssh_client", "environment", "connection",
                           "identifier", "account_id", "action", "result" };
    const char *vals[] = { when, u, from, e->environment, e->connection, e->identifier,
                           e->account_id, e->action, e->result };
    sk_buf b;
    buf_init(&b);
    bool first = true, ok = true;
    for (size_t i = 0; ok && i < sizeof keys / sizeof keys[0]; i++)
        ok = json_member(&b, &first, keys[i], vals[i]);
    ok = ok && buf_adds(&b, first ? "{}\n" : "}\n");
    if (!ok) {
        buf_free(&b);
        return NULL;
    }
    return b.s;
}

/* ---------------------------------------------------------------- appending */

/* What a path that is not a regular file is, for the message. */
static const char *file_kind(mode_t m)
{
    return S_ISLNK(m) ? "a symbolic link" : S_ISFIFO(m) ? "a FIFO" : S_ISDIR(m) ? "a directory"
         : S_ISSOCK(m) ? "a socket" : S_ISCHR(m) || S_ISBLK(m) ? "a device" : "not a file";
}

static void not_regular(sk_error *err, const char *path, const char *kind)
{
    sk_error_set(err, SK_ERR_CONFIG, "the journal is not a regular file: %s (it is %s)", path,
                 kind);
}

/* Opens the journal for reading or appending, the same way for both: never through a symbolic
 * link, never waiting on a FIFO (O_NONBLOCK; a FIFO with no reader fails with ENXIO), and only
 * a regular file. -1 with err set, or with errno ENOENT and err clear when allowed_missing. */
static int open_checked(const char *path, int flags, bool allowed_missing, sk_error *err)
{
    int fd = open(path, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
    if (fd < 0) {
        int e = errno;
        struct stat lst;
        if (e == ENOENT && allowed_missing)
            return -1;
        if (e == ELOOP || e == ENXIO || e == EISDIR || e == EOPNOTSUPP)
            not_regular(err, path, lstat(path, &lst) == 0 ? file_kind(lst.st_mode)
                                 : e == ELOOP ? "a symbolic link" : "not a file");
        else
            sk_error_set(err, SK_ERR_CONFIG, "%s: %s", path, strerror(e));
        errno = e;
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        sk_error_set(err, SK_ERR_CONFIG, "%s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        not_regular(err, path, file_kind(st.st_mode));
        close(fd);
        return -1;
    }
    /* A regular file never blocks; back to ordinary reads and writes. */
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return fd;
}

/* Opens the journal for appending: a regular file of ours that nobody else can read or write. */
static int open_journal(const char *path, sk_error *err)
{
    int fd = open_checked(path, O_WRONLY | O_APPEND | O_CREAT, false, err);
    if (fd < 0)
        return -1;
    struct stat st;
    const char *why = NULL;
    if (fstat(fd, &st) != 0)
        why = strerror(errno);
    else if (st.st_uid != geteuid())
        why = "owned by another user";
    if (why) {
        sk_error_set(err, SK_ERR_CONFIG, "%s: %s", path, why);
        close(fd);
        return -1;
    }
    if (st.st_mode & 077) {
        sk_error_set(err, SK_ERR_CONFIG, "%s is mode %04o: others could read it; "
                     "make it 0600 (chmod 600)", path, (unsigned)(st.st_mode & 07777));
        close(fd);
        return -1;
    }
    return fd;
}

sk_status journal_append(const char *path, const sk_journal_entry *e, sk_error *err)
{
    sk_error_clear(err);
    char def[4096];
    if (!path) {
        if (!journal_default_path(def, sizeof def)) {
            sk_error_set(err, SK_ERR_CONFIG, "no XDG_STATE_HOME or HOME to keep it in");
            return err->status;
        }
        path = def;
    }
    char *line = journal_format(e);
    if (!line) {
        sk_error_set(err, SK_ERR_NOMEM, "out of memory");
        return err->status;
    }
    int fd = -1;
    if (make_parents(path, err))
        fd = open_journal(path, err);
    if (fd >= 0) {
        size_t len = strlen(line);
        ssize_t w;
        do
            w = write(fd, line, len);   /* one write: entries never interleave */
        while (w < 0 && errno == EINTR);
        if (w < 0)
            sk_error_set(err, SK_ERR_CONFIG, "%s: %s", path, strerror(errno));
        else if ((size_t)w != len)
            sk_error_set(err, SK_ERR_CONFIG, "%s: short write (disk full?)", path);
        if (close(fd) != 0 && err->status == SK_OK)
            sk_error_set(err, SK_ERR_CONFIG, "%s: %s", path, strerror(errno));
    }
    /* The system log too, whatever became of the file: it is the copy kept off this machine. */
    if (e->syslog)
        journal_syslog_send(e, line);
    free(line);
    return err->status;
}

/* ---------------------------------------------------------------- reading */

static char *member(json_object *o, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return strdup(json_object_get_string(v));
}

static bool row_from_line(const char *line, size_t len, sk_journal_row *r)
{
    json_tokener *tok = json_tokener_new();
    json_object *o = tok && len < (size_t)INT32_MAX ? json_tokener_parse_ex(tok, line, (int)len)
                                                   : NULL;
    bool ok = o && json_object_is_type(o, json_type_object) &&
              json_tokener_get_error(tok) == json_tokener_success;
    if (ok) {
        r->time = member(o, "time");
        r->user = member(o, "user");
        r->ssh_client = member(o, "ssh_client");
        r->environment = member(o, "environment");
        r->connection = member(o, "connection");
        r->identifier = member(o, "identifier");
        r->account_id = member(o, "account_id");
        r->action = member(o, "action");
        r->result = member(o, "result");
    }
    json_object_put(o);
    if (tok)
        json_tokener_free(tok);
    return ok;
}

static bool rows_push(sk_journal_rows *out, size_t *cap, const sk_journal_row *r)
{
    if (out->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        sk_journal_row *v = realloc(out->v, nc * sizeof *v);
        if (!v)
            return false;
        out->v = v;
        *cap = nc;
    }
    out->v[out->n++] = *r;
    return true;
}

static void row_free(sk_journal_row *r)
{
    free(r->time);
    free(r->user);
    free(r->ssh_client);
    free(r->environment);
    free(r->connection);
    free(r->identifier);
    free(r->account_id);
    free(r->action);
    free(r->result);
}

sk_status journal_read(const char *path, sk_journal_rows *out, sk_error *err)
{
    memset(out, 0, sizeof *out);
    sk_error_clear(err);
    char def[4096];
    if (!path) {
        if (!journal_default_path(def, sizeof def)) {
            sk_error_set(err, SK_ERR_CONFIG, "no XDG_STATE_HOME or HOME: no journal");
            return err->status;
        }
        path = def;
    }
    int fd = open_checked(path, O_RDONLY, true, err);
    if (fd < 0)
        return err->status;   /* SK_OK when there is no journal yet: it is empty */
    struct stat st;
    FILE *f = NULL;
    if (fstat(fd, &st) != 0)
        sk_error_set(err, SK_ERR_CONFIG, "%s: %s", path, strerror(errno));
    else if (st.st_size > JOURNAL_READ_MAX)
        sk_error_set(err, SK_ERR_CONFIG, "the journal is too large to read (over %lld MiB): %s",
                     (long long)(JOURNAL_READ_MAX >> 20), path);
    else if (!(f = fdopen(fd, "r")))
        sk_error_set(err, SK_ERR_CONFIG, "%s: %s", path, strerror(errno));
    if (!f) {
        close(fd);
        return err->status;
    }
    char *line = NULL;
    size_t lcap = 0, cap = 0;
    ssize_t len;
    while (err->status == SK_OK && (len = getline(&line, &lcap, f)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0)
            continue;
        sk_journal_row r;
        memset(&r, 0, sizeof r);
        if (!row_from_line(line, (size_t)len, &r)) {
            out->skipped++;
        } else if (!rows_push(out, &cap, &r)) {
            row_free(&r);
            sk_error_set(err, SK_ERR_NOMEM, "out of memory reading the journal");
        }
    }
    free(line);
    fclose(f);
    if (err->status != SK_OK)
        journal_rows_free(out);
    return err->status;
}

void journal_rows_free(sk_journal_rows *r)
{
    for (size_t i = 0; i < r->n; i++)
        row_free(&r->v[i]);
    free(r->v);
    memset(r, 0, sizeof *r);
}
