/* cache.c: the last listing on disk: a small binary file (magic, version, time, environment,
 * connections, accounts, checksum), written atomically with mode 0600, rewritten by a
 * long-running dashboard only when the listing changed, and the temporary files of interrupted
 * writes cleared away. A damaged file never
 * half-fills a store: an empty store is filled through a scratch store swapped in only when
 * the whole file checked out (one pass); a store with rows is loaded after a checking pass. */
#include "cache.h"

#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sk_time.h"
#include "xdg.h"

/* Text magic, so `head` on the file says what it is. */
static const char MAGIC[] = "SKDASH-CACHE\n";
#define MAGIC_LEN (sizeof MAGIC - 1)
#define STR_NONE UINT32_MAX
#define STR_MAX ((uint32_t)1 << 20)            /* longer strings are not ours */
#define FILE_MAX ((uint64_t)1 << 30)
#define ACCOUNT_MIN_BYTES (2 * 4 + 5 * 2 + 3 * 8)  /* 2 absent strings, 5 indexes, 3 times */
#define WRITE_AHEAD 16                          /* rows asked for ahead when written in an order */
#define TAB_FIELDS 5                           /* connector, connection id, provider, status, auth */
#define CONN_MIN_BYTES (4 * 4 + 1)

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}
#define FNV_START 1469598103934665603ull

/* The file's checksum: FNV-style over 8-byte little-endian words, the last one zero-padded,
 * then the length; fed in pieces of any size (the writer gives fields, the reader blocks).
 * A word at a time: a byte-wise FNV over a 15 MB cache cost ~20 ms on each save and load. */
typedef struct sum64 {
    uint64_t h, len;
    unsigned char part[8];
    size_t n_part;
} sum64;

static void sum_init(sum64 *s)
{
    memset(s, 0, sizeof *s);
    s->h = FNV_START;
}

static inline void sum_word(sum64 *s, const unsigned char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    w = le64toh(w);
    s->h = (s->h ^ w) * 1099511628211ull;
    s->h ^= s->h >> 29;
}

static void sum_add(sum64 *s, const void *data, size_t n)
{
    const unsigned char *p = data;
    s->len += n;
    if (s->n_part) {
        size_t k = 8 - s->n_part < n ? 8 - s->n_part : n;
        memcpy(s->part + s->n_part, p, k);
        s->n_part += k;
        p += k;
        n -= k;
        if (s->n_part < 8)
            return;
        sum_word(s, s->part);
        s->n_part = 0;
    }
    for (; n >= 8; p += 8, n -= 8)
        sum_word(s, p);
    memcpy(s->part, p, n);
    s->n_part = n;
}

/* sum_add(a, data, n) and sum_add(b, data, n), the two sums started at different places (the
 * file's and the body's): their words are taken in one loop, two chains of multiplies the CPU
 * runs side by side, so the second sum costs little (loading a million accounts summed 87 MB
 * twice: about 45 ms one after the other). */
static void sum_add2(sum64 *a, sum64 *b, const void *data, size_t n)
{
    const unsigned char *p = data;
    size_t ka = a->n_part ? (8 - a->n_part < n ? 8 - a->n_part : n) : 0;
    size_t kb = b->n_part ? (8 - b->n_part < n ? 8 - b->n_part : n) : 0;
    sum_add(a, p, ka);   /* each to a word boundary (or all of a short piece) */
    sum_add(b, p, kb);
    const unsigned char *pa = p + ka, *pb = p + kb;
    size_t na = n - ka, nb = n - kb;
    if (!a->n_part && !b->n_part) {
        size_t words = (na < nb ? na : nb) / 8;
        for (size_t i = 0; i < words; i++) {
            sum_word(a, pa + 8 * i);
            sum_word(b, pb + 8 * i);
        }
        a->len += 8 * words;
        b->len += 8 * words;
        pa += 8 * words;
        pb += 8 * words;
        na -= 8 * words;
        nb -= 8 * words;
    }
    sum_add(a, pa, na);
    sum_add(b, pb, nb);
}

static uint64_t sum_end(const sum64 *s)
{
    sum64 t = *s;
    if (t.n_part) {
        memset(t.part + t.n_part, 0, 8 - t.n_part);
        sum_word(&t, t.part);
    }
    return (t.h ^ t.len) * 1099511628211ull;
}

bool cache_disabled(void)
{
    const char *v = getenv("SKDASH_NO_CACHE");
    return v && *v && strcmp(v, "0") != 0;
}

/* The URL as compared and hashed: without trailing slashes. */
static size_t url_len(const char *url)
{
    size_t n = url ? strlen(url) : 0;
    while (n > 0 && url[n - 1] == '/')
        n--;
    return n;
}

static bool cache_dir(char *buf, size_t n, bool create)
{
    return xdg_dir("XDG_CACHE_HOME", ".cache", buf, n) && (!create || xdg_mkdirs(buf));
}

static bool path_in(char *buf, size_t n, const char *env_url, const char *client_id, bool create)
{
    if (!env_url || !client_id || !cache_dir(buf, n, create))
        return false;
    uint64_t h = fnv(FNV_START, env_url, url_len(env_url));
    h = fnv(h, "\n", 1);
    h = fnv(h, client_id, strlen(client_id));
    size_t len = strlen(buf);
    int w = snprintf(buf + len, n - len, "/%016llx.cache", (unsigned long long)h);
    return w > 0 && (size_t)w < n - len;
}

bool cache_path(const char *env_url, const char *client_id, char *buf, size_t n)
{
    return path_in(buf, n, env_url, client_id, false);
}

/* ---------------------------------------------------------------- writing */

/* Fields go into a block that is summed and written whole (the sum is fastest on blocks). */
typedef struct writer {
    int fd;             /* -1: nothing written, only summed (cache_digest) */
    const sk_row *order;   /* the accounts in this order (every live row once), or NULL:
                              store order (see cache_order_ok) */
    size_t n_order;
    unsigned char buf[65536];
    size_t len;
    bool summing;       /* off for the checksum itself, which follows the body */
    sum64 sum;
    bool body_on;       /* the body's own sum (cache_digest's), from buf + body_from on */
    size_t body_from;
    sum64 body;
    bool bad;
} writer;

static void w_flush(writer *w)
{
    if (w->summing && w->body_on && w->body_from) {
        sum_add(&w->sum, w->buf, w->body_from);   /* the header's end */
        sum_add2(&w->sum, &w->body, w->buf + w->body_from, w->len - w->body_from);
    } else if (w->summing && w->body_on) {
        sum_add2(&w->sum, &w->body, w->buf, w->len);
    } else if (w->summing) {
        sum_add(&w->sum, w->buf, w->len);
    }
    w->body_from = 0;
    for (size_t off = 0; w->fd >= 0 && off < w->len && !w->bad;) {
        ssize_t k = write(w->fd, w->buf + off, w->len - off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            w->bad = true;
        else
            off += (size_t)k;
    }
    w->len = 0;
}

static void w_bytes(writer *w, const void *p, size_t n)
{
    const unsigned char *b = p;
    while (n && !w->bad) {
        if (w->len == sizeof w->buf)
            w_flush(w);
        size_t k = sizeof w->buf - w->len < n ? sizeof w->buf - w->len : n;
        memcpy(w->buf + w->len, b, k);
        w->len += k;
        b += k;
        n -= k;
    }
}

static void w_u64(writer *w, uint64_t v, int bytes)
{
    unsigned char b[8];
    for (int i = 0; i < bytes; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    w_bytes(w, b, (size_t)bytes);
}

static void w_u32(writer *w, uint32_t v) { w_u64(w, v, 4); }
static void w_i64(writer *w, int64_t v) { w_u64(w, (uint64_t)v, 8); }

/* Length, bytes and a NUL (so a reader can check the string ends where it says). */
static void w_strn(writer *w, const char *s, size_t n)
{
    if (!s) {
        w_u32(w, STR_NONE);
        return;
    }
    if (n >= STR_MAX) {
        w->bad = true;
        return;
    }
    w_u32(w, (uint32_t)n);
    w_bytes(w, s, n + 1);
}

static void w_str(writer *w, const char *s) { w_strn(w, s, s ? strlen(s) : 0); }

static void write_header(writer *w, const char *env_url, const char *client_id, int64_t as_of)
{
    w_bytes(w, MAGIC, MAGIC_LEN);
    w_u32(w, CACHE_VERSION);
    w_i64(w, as_of);
    w_strn(w, env_url, url_len(env_url));
    w_str(w, client_id);
}

/* Only the connections the API named: the others come back with their accounts. */
static void write_connections(writer *w, const sk_store *s)
{
    size_t n = store_connection_count(s), api = 0;
    for (size_t i = 0; i < n; i++) {
        sk_conn_summary cs;
        store_connection(s, i, &cs);
        api += cs.from_api && cs.name;
    }
    w_u32(w, (uint32_t)api);
    for (size_t i = 0; i < n; i++) {
        sk_conn_summary cs;
        store_connection(s, i, &cs);
        if (!cs.from_api || !cs.name)
            continue;
        w_str(w, cs.name);
        w_str(w, cs.id);
        w_str(w, cs.provider);
        w_str(w, cs.type);
    }
}

/* The strings accounts repeat (connector, connection id, provider, status, authorization
 * type) are written once, in a table before the connections, and each account gives their
 * indexes (2 bytes each while the table holds fewer than 65,535): 149 bytes an account became
 * about 90. The store interns them, so one string is one pointer: the table is keyed by it. */
typedef struct strtab {
    const char **key;       /* open addressing on the pointer */
    uint32_t *val;
    size_t cap;
    const char **list;      /* in table order */
    uint32_t n, cap_list;
    int width;              /* bytes per index: 2 or 4 */
    bool bad;
} strtab;

static size_t tab_slot(const strtab *t, const char *p)
{
    size_t h = (size_t)(((uintptr_t)p >> 3) * 11400714819323198485ull) & (t->cap - 1);
    while (t->key[h] && t->key[h] != p)
        h = (h + 1) & (t->cap - 1);
    return h;
}

static void tab_add(strtab *t, const char *p)
{
    if (!p || t->bad)
        return;
    if ((t->n + 1) * 2 > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        strtab g = *t;
        g.key = calloc(cap, sizeof *g.key);
        g.val = calloc(cap, sizeof *g.val);
        g.cap = cap;
        if (!g.key || !g.val) {
            free(g.key);
            free(g.val);
            t->bad = true;
            return;
        }
        for (uint32_t i = 0; i < t->n; i++) {
            size_t h = tab_slot(&g, t->list[i]);
            g.key[h] = t->list[i];
            g.val[h] = i;
        }
        free(t->key);
        free(t->val);
        t->key = g.key;
        t->val = g.val;
        t->cap = cap;
    }
    size_t h = tab_slot(t, p);
    if (t->key[h])
        return;
    if (t->n >= STR_NONE - 1) {
        t->bad = true;
        return;
    }
    if (t->n == t->cap_list) {
        uint32_t c = t->cap_list ? t->cap_list * 2 : 64;
        const char **l = realloc(t->list, c * sizeof *l);
        if (!l) {
            t->bad = true;
            return;
        }
        t->list = l;
        t->cap_list = c;
    }
    t->key[h] = p;
    t->val[h] = t->n;
    t->list[t->n++] = p;
}

static void tab_free(strtab *t)
{
    free(t->key);
    free(t->val);
    free(t->list);
    memset(t, 0, sizeof *t);
}

static void account_tab_fields(const sk_account *a, const char *f[TAB_FIELDS])
{
    f[0] = a->connector;
    f[1] = a->connection_id;
    f[2] = a->provider;
    f[3] = a->status;
    f[4] = a->authorization_type;
}

/* The accounts a writer writes, one after the other: its order, or the live rows in store
 * order. *i starts at 0; false at the end. */
static bool next_row(const writer *w, const sk_store *s, size_t *i, sk_row *r)
{
    if (w->order) {
        if (*i >= w->n_order)
            return false;
        *r = w->order[(*i)++];
        return true;
    }
    for (size_t limit = store_row_limit(s); *i < limit; (*i)++)
        if (store_row_live(s, (sk_row)*i)) {
            *r = (sk_row)(*i)++;
            return true;
        }
    return false;
}

/* An order is used only when it names every live row of s exactly once: anything else (a
 * view older than the store, a caller's mistake) would drop or repeat accounts, so the store's
 * own order is written instead. One bit a row to check it. */
static const sk_row *cache_order_ok(const sk_store *s, const sk_row *order, size_t n)
{
    size_t limit = store_row_limit(s);
    if (!order || n != store_count(s))
        return NULL;
    uint64_t *seen = calloc(limit / 64 + 1, sizeof *seen);
    if (!seen)
        return NULL;
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        sk_row r = order[i];
        ok = r < limit && store_row_live(s, r) && !(seen[r / 64] >> (r % 64) & 1);
        if (ok)
            seen[r / 64] |= 1ull << (r % 64);
    }
    free(seen);
    return ok ? order : NULL;
}

static int str_order(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The table of every live account's repeated strings: count, index width, strings. Collected
 * in store order (one pass straight through the rows, whatever order the accounts are written
 * in) and sorted, so the table is the same for the same listing in any order. */
static void write_table(writer *w, const sk_store *s, strtab *t)
{
    memset(t, 0, sizeof *t);
    for (sk_row r = 0; r < store_row_limit(s); r++) {
        if (!store_row_live(s, r))
            continue;
        sk_account a;
        store_get(s, r, &a);
        const char *f[TAB_FIELDS];
        account_tab_fields(&a, f);
        for (int i = 0; i < TAB_FIELDS; i++)
            tab_add(t, f[i]);
    }
    if (t->bad) {
        w->bad = true;
        return;
    }
    if (t->n) {
        qsort(t->list, t->n, sizeof *t->list, str_order);
        for (uint32_t i = 0; i < t->n; i++)
            t->val[tab_slot(t, t->list[i])] = i;
    }
    t->width = t->n < 0xFFFFu ? 2 : 4;
    w_u32(w, t->n);
    w_u64(w, (uint64_t)t->width, 1);
    for (uint32_t i = 0; i < t->n; i++)
        w_str(w, t->list[i]);
}

static void write_accounts(writer *w, const sk_store *s, const strtab *t)
{
    w_u32(w, (uint32_t)store_count(s));
    size_t written = 0;
    uint64_t none = t->width == 2 ? 0xFFFFu : STR_NONE;
    size_t at = 0;
    const sk_store_row *rows = store_rows(s);
    for (sk_row r; !w->bad && next_row(w, s, &at, &r);) {
        /* In a given order the rows are all over the store: each row, then its strings, are
         * asked for ahead (a million rows: 760 ms without, most of it waiting for memory). */
        if (w->order && at + 2 * WRITE_AHEAD < w->n_order)
            __builtin_prefetch(&rows[w->order[at + 2 * WRITE_AHEAD]]);
        if (w->order && at + WRITE_AHEAD < w->n_order)   /* the identifier follows the id */
            __builtin_prefetch(store_row_id(s, &rows[w->order[at + WRITE_AHEAD]]));
        sk_account a;
        store_get(s, r, &a);
        w_str(w, a.id);
        w_str(w, a.identifier);
        const char *f[TAB_FIELDS];
        account_tab_fields(&a, f);
        for (int i = 0; i < TAB_FIELDS; i++) {
            size_t h = f[i] && t->cap ? tab_slot(t, f[i]) : 0;
            bool in = f[i] && t->cap && t->key[h] == f[i];
            if (f[i] && !in)
                w->bad = true;   /* the store changed between the two walks: not ours to write */
            w_u64(w, in ? t->val[h] : none, t->width);
        }
        w_i64(w, a.token_expires_at);
        w_i64(w, a.updated_at);
        w_i64(w, a.last_used_at);
        written++;
    }
    if (written != store_count(s))
        w->bad = true;
}

/* The body after the header: the string table, the connections, the accounts. */
static void write_body(writer *w, const sk_store *s)
{
    w->body_on = true;
    w->body_from = w->len;
    sum_init(&w->body);
    strtab t;
    write_table(w, s, &t);
    write_connections(w, s);
    write_accounts(w, s, &t);
    tab_free(&t);
}

/* Writes and closes fd; *digest gets the body's sum (cache_digest's of what was written). */
static bool write_all(int fd, const sk_store *s, const sk_row *order, size_t n_order,
                      const char *env_url, const char *client_id, int64_t as_of,
                      uint64_t *digest)
{
    writer *w = calloc(1, sizeof *w);
    if (!w) {
        close(fd);
        return false;
    }
    w->fd = fd;
    w->order = order;
    w->n_order = n_order;
    w->summing = true;
    sum_init(&w->sum);
    write_header(w, env_url, client_id, as_of);
    write_body(w, s);
    w_flush(w);
    *digest = w->bad ? 0 : sum_end(&w->body);
    w->body_on = false;
    w->summing = false;
    w_u64(w, sum_end(&w->sum), 8);
    w_flush(w);
    bool ok = !w->bad && fsync(fd) == 0;
    free(w);
    return close(fd) == 0 && ok;
}

/* order: checked by cache_order_ok, or NULL. *digest (may be NULL): cache_digest of what was
 * written. */
static sk_status save_file(const sk_store *s, const sk_row *order, size_t n_order,
                           const char *path, const char *env_url, const char *client_id,
                           int64_t as_of, uint64_t *digest, sk_error *err)
{
    uint64_t d = 0;
    if (digest)
        *digest = 0;
    sk_error_clear(err);
    if (!s || !path || !env_url || !client_id) {
        sk_error_set(err, SK_ERR_USAGE, "cache: nothing to save");
        return SK_ERR_USAGE;
    }
    static unsigned seq;
    char tmp[4200];
    int w = snprintf(tmp, sizeof tmp, "%s.tmp.%ld.%u", path, (long)getpid(), seq++);
    if (w < 0 || (size_t)w >= sizeof tmp) {
        sk_error_set(err, SK_ERR_CONFIG, "cache: path too long");
        return SK_ERR_CONFIG;
    }
    /* O_EXCL + O_NOFOLLOW: never write through a file or link someone put there first. */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        sk_error_set(err, SK_ERR_CONFIG, "cache: cannot create %s: %s", tmp, strerror(errno));
        return SK_ERR_CONFIG;
    }
    /* fchmod: the umask may only have taken bits away, but the mode must be exactly 0600. */
    bool ok = fchmod(fd, 0600) == 0;
    if (!ok)
        close(fd);
    errno = 0;
    if (!ok || !write_all(fd, s, order, n_order, env_url, client_id, as_of, &d)) {
        int e = errno;
        unlink(tmp);
        sk_error_set(err, SK_ERR_CONFIG, "cache: cannot write %s: %s", tmp,
                     e ? strerror(e) : "write failed");
        return SK_ERR_CONFIG;
    }
    if (rename(tmp, path) != 0) {
        sk_error_set(err, SK_ERR_CONFIG, "cache: cannot rename to %s: %s", path, strerror(errno));
        unlink(tmp);
        return SK_ERR_CONFIG;
    }
    if (digest)
        *digest = d;
    return SK_OK;
}

sk_status cache_save_file(const sk_store *s, const char *path, const char *env_url,
                          const char *client_id, sk_error *err)
{
    return save_file(s, NULL, 0, path, env_url, client_id, time_now(), NULL, err);
}

static sk_status save_as_of(const sk_store *s, const sk_row *order, size_t n_order,
                            const char *env_url, const char *client_id, int64_t as_of,
                            uint64_t *digest, sk_error *err)
{
    char path[4096];
    sk_error_clear(err);
    if (!path_in(path, sizeof path, env_url, client_id, true)) {
        sk_error_set(err, SK_ERR_CONFIG, "cache: no usable cache directory (XDG_CACHE_HOME, HOME)");
        return SK_ERR_CONFIG;
    }
    return save_file(s, order, n_order, path, env_url, client_id, as_of, digest, err);
}

sk_status cache_save(const sk_store *s, const char *env_url, const char *client_id, sk_error *err)
{
    return save_as_of(s, NULL, 0, env_url, client_id, time_now(), NULL, err);
}

/* order: checked by cache_order_ok, or NULL. */
static uint64_t digest_in(const sk_store *s, const sk_row *order, size_t n_order)
{
    writer *w = s ? calloc(1, sizeof *w) : NULL;
    if (!w)
        return 0;
    w->fd = -1;
    w->order = order;
    w->n_order = n_order;
    w->summing = true;
    sum_init(&w->sum);
    write_body(w, s);
    w_flush(w);
    uint64_t d = w->bad ? 0 : sum_end(&w->sum);
    free(w);
    return d;
}

uint64_t cache_digest(const sk_store *s)
{
    return digest_in(s, NULL, 0);
}

uint64_t cache_digest_order(const sk_store *s, const sk_row *order, size_t n)
{
    return s ? digest_in(s, cache_order_ok(s, order, n), n) : 0;
}

void cache_keeper_loaded(sk_cache_keeper *k, const sk_store *s)
{
    k->on_disk = cache_digest(s);
    k->known = true;
}

/* What one keeper's save came to: the same whether it ran here or in a child (which sends it
 * back whole through a pipe: a few hundred bytes, one write). */
typedef enum { KEPT_UNCHANGED = 1, KEPT_HELD, KEPT_WRITTEN } kept_kind;
typedef struct kept {
    int kind;             /* kept_kind */
    sk_status status;     /* KEPT_WRITTEN: the write's */
    uint64_t digest;      /* KEPT_WRITTEN: what the file now holds (0: unknown) */
    sk_error err;
} kept;

_Static_assert(sizeof(kept) == sizeof(((sk_cache_keeper *)0)->bg_out),
               "the keeper's bg_out holds a kept");

/* The listing compared with the file, then written unless the bound holds it back (`bound`:
 * the keeper wrote less than CACHE_MIN_INTERVAL_MS ago). Reads the keeper, changes nothing. */
static void keep_run(const sk_cache_keeper *k, const sk_store *s, const char *env_url,
                     const char *client_id, int64_t as_of, bool bound, kept *out)
{
    memset(out, 0, sizeof *out);
    sk_error_clear(&out->err);
    const sk_row *order = cache_order_ok(s, k->order, k->n_order);
    /* What the file holds is unknown (no file, or a failed write): it is written whatever it
     * holds, and the write takes the digest on its way (one pass, not two). */
    if (k->known && digest_in(s, order, k->n_order) == k->on_disk) {
        out->kind = KEPT_UNCHANGED;   /* the file already holds this listing */
        return;
    }
    if (bound) {
        out->kind = KEPT_HELD;   /* changed, but written not long ago: a later listing or the
                                    exit (cache_save_touched with at_exit) writes it */
        return;
    }
    out->kind = KEPT_WRITTEN;
    out->status = save_as_of(s, order, k->n_order, env_url, client_id, as_of, &out->digest,
                             &out->err);
}

/* The keeper after a save that started at now_ms came to `r`. */
static sk_status keep_apply(sk_cache_keeper *k, const kept *r, int64_t now_ms, bool *wrote,
                            sk_error *err)
{
    if (wrote)
        *wrote = false;
    sk_error_clear(err);
    switch (r->kind) {
    case KEPT_UNCHANGED:
        k->pending = false;
        return SK_OK;
    case KEPT_HELD:
        k->pending = true;
        return SK_OK;
    default:
        /* A failed write waits its turn like a good one: no attempt (and warning) every
         * second. */
        k->pending = false;
        k->wrote = true;
        k->wrote_ms = now_ms;
        k->known = r->status == SK_OK && r->digest;
        k->on_disk = r->digest;
        if (wrote)
            *wrote = r->status == SK_OK;
        if (r->status != SK_OK)
            *err = r->err;
        return r->status;
    }
}

static bool held_back(const sk_cache_keeper *k, int64_t now_ms)
{
    return k->wrote && now_ms - k->wrote_ms < CACHE_MIN_INTERVAL_MS;
}

sk_status cache_save_changed(sk_cache_keeper *k, const sk_store *s, const char *env_url,
                             const char *client_id, int64_t now_ms, bool *wrote, sk_error *err)
{
    kept r;
    keep_run(k, s, env_url, client_id, time_now(), held_back(k, now_ms), &r);
    return keep_apply(k, &r, now_ms, wrote, err);
}

sk_status cache_save_touched(sk_cache_keeper *k, const sk_store *s, const char *env_url,
                             const char *client_id, int64_t listed_at, int64_t now_ms,
                             bool at_exit, bool *wrote, sk_error *err)
{
    kept r;
    keep_run(k, s, env_url, client_id, listed_at, !at_exit && held_back(k, now_ms), &r);
    return keep_apply(k, &r, now_ms, wrote, err);
}

/* ---------------------------------------------------------------- saving in a child */

bool cache_bg_busy(const sk_cache_keeper *k)
{
    return k->bg_pid > 0 || k->bg_ready;
}

int cache_bg_fd(const sk_cache_keeper *k)
{
    return k->bg_pid > 0 ? k->bg_fd : -1;
}

static sk_status bg_start(sk_cache_keeper *k, const sk_store *s, const char *env_url,
                          const char *client_id, int64_t as_of, bool bound, int64_t now_ms,
                          sk_error *err)
{
    sk_error_clear(err);
    if (cache_bg_busy(k)) {
        sk_error_set(err, SK_ERR_USAGE, "cache: a save is already under way");
        return SK_ERR_USAGE;
    }
    k->bg_now_ms = now_ms;
    int fds[2];
    pid_t pid = -1;
    if (pipe(fds) == 0) {
        /* Not inherited by what the caller runs later (a clipboard command). */
        fcntl(fds[0], F_SETFD, FD_CLOEXEC);
        fcntl(fds[1], F_SETFD, FD_CLOEXEC);
        pid = fork();
        if (pid < 0) {
            close(fds[0]);
            close(fds[1]);
        }
    }
    if (pid < 0) {
        /* No child to be had: the save runs here, its outcome kept for cache_bg_finish. */
        kept r;
        keep_run(k, s, env_url, client_id, as_of, bound, &r);
        memcpy(&k->bg_out, &r, sizeof r);
        k->bg_ready = true;
        return SK_OK;
    }
    if (pid == 0) {
        /* The child: the store as it was at fork, whatever the caller does next. Signals
         * the caller handles (a hangup, a resize) are not its business; it gives way to the
         * caller for the CPU, sends its outcome in one write and leaves without running
         * anything of the caller's (no atexit, no buffered output). */
        static const int sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGWINCH, SIGTSTP };
        for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
            signal(sigs[i], SIG_DFL);
        close(fds[0]);
        if (nice(10) == -1) {
            /* a lower priority is a courtesy: without it the save is the same */
        }
        kept r;
        keep_run(k, s, env_url, client_id, as_of, bound, &r);
        ssize_t w;
        do
            w = write(fds[1], &r, sizeof r);
        while (w < 0 && errno == EINTR);
        _exit(w == (ssize_t)sizeof r ? 0 : 1);
    }
    close(fds[1]);
    fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    k->bg_pid = pid;
    k->bg_fd = fds[0];
    return SK_OK;
}

sk_status cache_save_changed_bg(sk_cache_keeper *k, const sk_store *s, const char *env_url,
                                const char *client_id, int64_t now_ms, sk_error *err)
{
    return bg_start(k, s, env_url, client_id, time_now(), held_back(k, now_ms), now_ms, err);
}

sk_status cache_save_touched_bg(sk_cache_keeper *k, const sk_store *s, const char *env_url,
                                const char *client_id, int64_t listed_at, int64_t now_ms,
                                sk_error *err)
{
    return bg_start(k, s, env_url, client_id, listed_at, held_back(k, now_ms), now_ms, err);
}

bool cache_bg_finish(sk_cache_keeper *k, bool wait, bool *wrote, sk_error *err)
{
    if (wrote)
        *wrote = false;
    sk_error_clear(err);
    kept r;
    if (k->bg_ready) {
        memcpy(&r, &k->bg_out, sizeof r);
    } else if (k->bg_pid > 0) {
        if (wait)
            fcntl(k->bg_fd, F_SETFL, fcntl(k->bg_fd, F_GETFL) & ~O_NONBLOCK);
        ssize_t n;
        do
            n = read(k->bg_fd, &r, sizeof r);
        while (n < 0 && errno == EINTR);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return false;   /* still at work */
        if (n != (ssize_t)sizeof r || r.kind < KEPT_UNCHANGED || r.kind > KEPT_WRITTEN) {
            /* Killed, or gone without a word: whatever it left is a temporary file, which
             * cache_clean_stale removes. */
            memset(&r, 0, sizeof r);
            r.kind = KEPT_WRITTEN;
            r.status = SK_ERR_CONFIG;
            sk_error_set(&r.err, SK_ERR_CONFIG, "cache: the writer stopped before it finished");
        }
        r.err.message[sizeof r.err.message - 1] = '\0';
        close(k->bg_fd);
        while (waitpid(k->bg_pid, NULL, 0) < 0 && errno == EINTR)
            ;
    } else {
        return false;
    }
    k->bg_pid = 0;
    k->bg_fd = -1;
    k->bg_ready = false;
    keep_apply(k, &r, k->bg_now_ms, wrote, err);
    return true;
}

/* "<anything>.cache.tmp.PID.SEQ": the pid of the writer, or 0 when the name is not one. */
static long tmp_writer(const char *name)
{
    const char *t = strstr(name, ".cache.tmp.");
    if (!t || t == name)
        return 0;
    const char *p = t + strlen(".cache.tmp.");
    long pid = 0;
    for (; *p >= '0' && *p <= '9' && pid < (1L << 30); p++)
        pid = pid * 10 + (*p - '0');
    if (*p != '.' || pid <= 0)
        return 0;
    for (p++; *p >= '0' && *p <= '9'; p++)
        ;
    return *p ? 0 : pid;
}

size_t cache_clean_stale(void)
{
    char dir[4096];
    if (!cache_dir(dir, sizeof dir, false))
        return 0;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!d) {
        if (dfd >= 0)
            close(dfd);
        return 0;
    }
    size_t removed = 0;
    time_t now = time(NULL);   /* file times are real ones: never SKDASH_NOW */
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        long pid = tmp_writer(e->d_name);
        struct stat st;
        if (!pid || fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(st.st_mode) || st.st_uid != geteuid())
            continue;
        /* A writer still at work renames its file within a second or two; one that was
         * killed (kill -9, a crash, power loss) never will. A live pid may be a reused one:
         * past a minute the file is stale whoever holds that pid now. */
        bool gone = pid != (long)getpid() && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
        bool old = now - st.st_mtime > CACHE_STALE_TMP_S;
        if ((gone || old) && unlinkat(dfd, e->d_name, 0) == 0)
            removed++;
    }
    closedir(d);
    return removed;
}

/* ---------------------------------------------------------------- reading */

typedef struct reader {
    int fd;
    unsigned char buf[65536];   /* read(2) in blocks: fields are tiny */
    size_t pos, end;
    bool hash;                  /* the first pass checks the sum; the second trusts it */
    sum64 sum;          /* of the body, block by block as it is read */
    uint64_t unsummed;  /* body bytes not yet read from the file (r_fill sums the rest) */
    bool digesting;     /* past the header: the bytes also go to `digest` (cache_digest's sum
                           of the store the load fills, when that store was empty) */
    sum64 digest;
    uint64_t left;      /* bytes of the body not read yet (the checksum follows) */
    bool bad;
    char *str[7];       /* one growable buffer per string field of an account */
    size_t cap[7];
} reader;

static bool r_fill(reader *r)
{
    ssize_t n;
    do
        n = read(r->fd, r->buf, sizeof r->buf);
    while (n < 0 && errno == EINTR);
    r->pos = 0;
    r->end = n > 0 ? (size_t)n : 0;
    if (r->hash && r->unsummed) {
        size_t k = r->end < r->unsummed ? r->end : (size_t)r->unsummed;
        if (r->digesting)
            sum_add2(&r->sum, &r->digest, r->buf, k);
        else
            sum_add(&r->sum, r->buf, k);
        r->unsummed -= k;
    }
    return n > 0;
}

static bool r_bytes(reader *r, void *p, size_t n)
{
    if (r->bad || n > r->left) {
        r->bad = true;
        return false;
    }
    unsigned char *d = p;
    for (size_t got = 0; got < n;) {
        if (r->pos == r->end && !r_fill(r)) {
            r->bad = true;
            return false;
        }
        size_t k = r->end - r->pos < n - got ? r->end - r->pos : n - got;
        memcpy(d + got, r->buf + r->pos, k);
        r->pos += k;
        got += k;
    }
    r->left -= n;
    return true;
}

/* Back to the start of the file for another pass. */
static bool r_rewind(reader *r, uint64_t body, bool hash)
{
    r->pos = r->end = 0;
    sum_init(&r->sum);
    r->hash = hash;
    r->unsummed = body;
    r->digesting = false;
    r->left = body;
    r->bad = false;
    return lseek(r->fd, 0, SEEK_SET) == 0;
}

static uint64_t r_u64(reader *r, int bytes)
{
    unsigned char b[8] = { 0 };
    if (!r_bytes(r, b, (size_t)bytes))
        return 0;
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)b[i] << (8 * i);
    return v;
}

static uint32_t r_u32(reader *r) { return (uint32_t)r_u64(r, 4); }
static int64_t r_i64(reader *r) { return (int64_t)r_u64(r, 8); }

/* String into buffer k; NULL when absent (or on error: check r->bad). */
static const char *r_str(reader *r, int k)
{
    uint32_t n = r_u32(r);
    if (r->bad || n == STR_NONE)
        return NULL;
    if (n >= STR_MAX || n + 1ull > r->left) {
        r->bad = true;
        return NULL;
    }
    if (r->cap[k] < n + 1) {
        char *p = realloc(r->str[k], n + 1);
        if (!p) {
            r->bad = true;
            return NULL;
        }
        r->str[k] = p;
        r->cap[k] = n + 1;
    }
    if (!r_bytes(r, r->str[k], n + 1))
        return NULL;
    /* It must end exactly where it says: a NUL at n and none before. */
    if (r->str[k][n] != '\0' || memchr(r->str[k], '\0', n)) {
        r->bad = true;
        return NULL;
    }
    return r->str[k];
}

static bool read_header(reader *r, const char *env_url, const char *client_id, int64_t *saved,
                        sk_error *err)
{
    char magic[MAGIC_LEN];
    if (!r_bytes(r, magic, MAGIC_LEN) || memcmp(magic, MAGIC, MAGIC_LEN) != 0) {
        sk_error_set(err, SK_ERR_PARSE, "cache: not a skdash cache file");
        return false;
    }
    uint32_t version = r_u32(r);
    if (!r->bad && version != CACHE_VERSION) {
        sk_error_set(err, SK_ERR_PARSE, "cache: written by another version (%u)", version);
        return false;
    }
    *saved = r_i64(r);
    const char *url = r_str(r, 0);
    size_t ul = url_len(env_url);
    bool same = url && strlen(url) == ul && memcmp(url, env_url, ul) == 0;
    const char *id = r_str(r, 1);
    same = same && id && strcmp(id, client_id) == 0;
    if (!r->bad && !same) {
        sk_error_set(err, SK_ERR_CONFIG, "cache: the file belongs to another environment");
        return false;
    }
    return !r->bad;
}

static bool read_connections(reader *r, sk_store *s)
{
    uint32_t n = r_u32(r);
    if (r->bad || n > r->left / CONN_MIN_BYTES)
        return !(r->bad = true);
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        sk_connection c = { 0 };
        c.name = r_str(r, 0);
        c.id = r_str(r, 1);
        c.provider = r_str(r, 2);
        c.type = r_str(r, 3);
        c.enabled = true;
        c.created_at = SK_TIME_ABSENT;
        if (!c.name || !*c.name)
            r->bad = true;
        if (s && !r->bad)
            store_set_connections(s, &c, 1);
    }
    return !r->bad;
}

/* The table of repeated strings: each one present. Loading into a store, each is interned in
 * it once (store_intern) and accounts name it by the store's handle; checking only, nothing is
 * kept. A handle of 0 is "none" (store_intern's handle for NULL). */
#define TAB_NONE UINT32_MAX     /* an index past the table: a damaged file */
typedef struct rtab {
    uint32_t *handle;       /* by index: the store's handle (0 when checking only) */
    uint32_t n;
    int width;
} rtab;

static bool read_table(reader *r, rtab *t, sk_store *s)
{
    memset(t, 0, sizeof *t);
    uint32_t n = r_u32(r);
    int width = (int)r_u64(r, 1);
    if (r->bad || (width != 2 && width != 4) || n > r->left / 5 || (width == 2 && n >= 0xFFFFu))
        return !(r->bad = true);
    t->width = width;
    t->handle = calloc(n ? n : 1, sizeof *t->handle);
    if (!t->handle)
        return !(r->bad = true);
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        const char *v = r_str(r, 0);
        uint32_t h = v && s ? store_intern(s, v) : 0;
        if (!v || h == SK_STORE_STR_NOMEM)
            r->bad = true;
        else
            t->handle[i] = h;
    }
    t->n = n;
    return !r->bad;
}

static void rtab_free(rtab *t)
{
    free(t->handle);
    memset(t, 0, sizeof *t);
}

/* An index into the table: its handle, 0 for "none", TAB_NONE past the table's end. */
static inline uint32_t tab_handle(const rtab *t, uint32_t v)
{
    if (v == (t->width == 2 ? 0xFFFFu : STR_NONE))
        return 0;
    return v < t->n ? t->handle[v] : TAB_NONE;
}

static uint32_t r_tab(reader *r, const rtab *t)
{
    uint32_t h = tab_handle(t, (uint32_t)r_u64(r, t->width));
    if (h == TAB_NONE)
        r->bad = true;
    return r->bad ? 0 : h;
}

/* Accounts go to the store in batches (store_upsert_recs hashes ids ahead and fetches their
 * slots). Their ids and identifiers are read where they lie in the reader's block: a batch goes
 * to the store before the block is read over (an account across two blocks goes alone, from the
 * reader's string buffers). */
enum { BATCH = 256 };

typedef struct abatch {
    sk_store_rec a[BATCH];
    size_t n;
    bool add;               /* store_add_recs (a slice load: rows there are newer), not upsert */
    bool bad;               /* out of memory or refused by the store */
} abatch;

static void batch_flush(abatch *b, sk_store *s)
{
    if (b->n && !b->bad &&
        (b->add ? store_add_recs(s, b->a, b->n) : store_upsert_recs(s, b->a, b->n)) != SK_OK)
        b->bad = true;
    b->n = 0;
}

static inline uint32_t le32_at(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t le64_at(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return le64toh(v);
}

/* A string at p (length, bytes, NUL) within [p, end): its length in *n (STR_NONE: absent) and
 * the bytes it takes; 0 when it does not fit or is not well formed (the slow path decides). */
static size_t fast_str(const unsigned char *p, const unsigned char *end, uint32_t *n)
{
    if (end - p < 4)
        return 0;
    *n = le32_at(p);
    if (*n == STR_NONE)
        return 4;
    if (*n >= STR_MAX || (size_t)(end - p - 4) < (size_t)*n + 1 || p[4 + *n] != '\0' ||
        memchr(p + 4, '\0', *n))
        return 0;
    return 4 + (size_t)*n + 1;
}

/* One account read straight from the reader's buffer when it is all there and well formed
 * (nearly always: blocks are 64 kB, accounts ~90 bytes); false leaves the reader as it was.
 * Its id and identifier point into the block. */
static bool read_account_fast(reader *r, const rtab *t, sk_store_rec *a)
{
    size_t avail = r->end - r->pos;
    if (avail > r->left)
        avail = (size_t)r->left;
    const unsigned char *p = r->buf + r->pos, *end = p + avail, *q = p;
    uint32_t n1, n2;
    size_t k = fast_str(q, end, &n1);
    if (!k || n1 == STR_NONE || n1 == 0)
        return false;
    a->id = (const char *)q + 4;
    a->id_len = n1;
    q += k;
    if (!(k = fast_str(q, end, &n2)))
        return false;
    a->identifier = n2 == STR_NONE ? NULL : (const char *)q + 4;
    a->identifier_len = n2 == STR_NONE ? 0 : n2;
    q += k;
    size_t w = (size_t)t->width;
    if ((size_t)(end - q) < 5 * w + 24)
        return false;
    uint32_t *f[5] = { &a->connector, &a->connection_id, &a->provider, &a->status, &a->auth };
    for (int i = 0; i < 5; i++, q += w) {
        uint32_t h = tab_handle(t, w == 2 ? (uint32_t)q[0] | (uint32_t)q[1] << 8 : le32_at(q));
        if (h == TAB_NONE)
            return false;
        *f[i] = h;
    }
    a->token_expires_at = (int64_t)le64_at(q);
    a->updated_at = (int64_t)le64_at(q + 8);
    a->last_used_at = (int64_t)le64_at(q + 16);
    q += 24;
    r->pos += (size_t)(q - p);
    r->left -= (uint64_t)(q - p);
    return true;
}

/* The accounts of a file being read: how many are left, and the batch they go to the store in
 * (none when checking only). */
typedef struct aread {
    uint32_t left;
    abatch *b;
} aread;

static bool accounts_begin(reader *r, sk_store *s, bool add, aread *ar)
{
    memset(ar, 0, sizeof *ar);
    uint32_t n = r_u32(r);
    if (r->bad || n > r->left / ACCOUNT_MIN_BYTES)
        return !(r->bad = true);
    ar->left = n;
    if (!s)
        return true;
    if (!(ar->b = calloc(1, sizeof *ar->b)))
        return !(r->bad = true);
    ar->b->add = add;
    store_reserve(s, store_count(s) + n);   /* a hint: rows grow anyway if it fails */
    return true;
}

/* Up to `max` accounts more (all that are left at most); false on a damaged file or a store
 * that refused them. Every batch is in the store when it returns. */
static bool accounts_some(reader *r, sk_store *s, const rtab *t, aread *ar, size_t max)
{
    abatch *b = ar->b;
    for (; ar->left && max && !r->bad; ar->left--, max--) {
        sk_store_rec *a = b ? &b->a[b->n] : &(sk_store_rec){ 0 };
        if (read_account_fast(r, t, a)) {
            if (b && ++b->n == BATCH)
                batch_flush(b, s);
            continue;
        }
        /* Across blocks: the batch's strings lie in this block, which the reads below refill. */
        if (b) {
            batch_flush(b, s);
            a = &b->a[0];
        }
        const char *id = r_str(r, 0), *ident = r_str(r, 1);
        a->id = id;
        a->id_len = id ? (uint32_t)strlen(id) : 0;
        a->identifier = ident;
        a->identifier_len = ident ? (uint32_t)strlen(ident) : 0;
        a->connector = r_tab(r, t);
        a->connection_id = r_tab(r, t);
        a->provider = r_tab(r, t);
        a->status = r_tab(r, t);
        a->auth = r_tab(r, t);
        a->token_expires_at = r_i64(r);
        a->updated_at = r_i64(r);
        a->last_used_at = r_i64(r);
        if (!id || !*id)
            r->bad = true;
        if (b && !r->bad) {
            b->n = 1;   /* alone: the reader's string buffers are reused by the next one */
            batch_flush(b, s);
        }
    }
    if (b) {
        if (!r->bad)
            batch_flush(b, s);
        if (b->bad)
            r->bad = true;
    }
    return !r->bad;
}

static void accounts_end(aread *ar)
{
    free(ar->b);
    ar->b = NULL;
}

static bool read_accounts(reader *r, sk_store *s, const rtab *t)
{
    aread ar;
    bool ok = accounts_begin(r, s, false, &ar) && accounts_some(r, s, t, &ar, ar.left);
    accounts_end(&ar);
    return ok;
}

/* One pass over the file; s NULL checks only. Ends on the checksum. */
static bool read_pass(reader *r, sk_store *s, const char *env_url, const char *client_id,
                      int64_t *saved, sk_error *err)
{
    if (!read_header(r, env_url, client_id, saved, err)) {
        if (err->status == SK_OK)
            sk_error_set(err, SK_ERR_PARSE, "cache: the file is damaged (header)");
        return false;
    }
    /* The body is what cache_digest sums for the store it fills: from here on, the bytes of
     * this block not read yet (up to the checksum) and every later block go to the digest. */
    if (r->hash) {
        sum_init(&r->digest);
        size_t k = r->end - r->pos < r->left ? r->end - r->pos : (size_t)r->left;
        sum_add(&r->digest, r->buf + r->pos, k);
        r->digesting = true;
    }
    rtab t;
    bool ok = read_table(r, &t, s) && read_connections(r, s) && read_accounts(r, s, &t) &&
              r->left == 0;
    rtab_free(&t);
    if (!ok) {
        sk_error_set(err, SK_ERR_PARSE, "cache: the file is damaged");
        return false;
    }
    uint64_t want = sum_end(&r->sum);
    r->left = 8;
    uint64_t sum = r_u64(r, 8);
    if (r->bad || (r->hash && sum != want)) {
        sk_error_set(err, SK_ERR_PARSE, "cache: the file is damaged (checksum)");
        return false;
    }
    return true;
}

/* Ours, a regular file, mode 0600, of a sane size. */
static bool file_ok(int fd, const char *path, uint64_t *size, sk_error *err)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        sk_error_set(err, SK_ERR_CONFIG, "cache: %s is not a regular file", path);
        return false;
    }
    if (st.st_uid != geteuid() || (st.st_mode & 07777) != 0600) {
        sk_error_set(err, SK_ERR_CONFIG, "cache: %s is not ours with mode 0600: ignored", path);
        return false;
    }
    if ((uint64_t)st.st_size < MAGIC_LEN + 8 || (uint64_t)st.st_size > FILE_MAX) {
        sk_error_set(err, SK_ERR_PARSE, "cache: %s has an impossible size", path);
        return false;
    }
    *size = (uint64_t)st.st_size;
    return true;
}

static void reader_free(reader *r)
{
    if (!r)
        return;
    for (int k = 0; k < 7; k++)
        free(r->str[k]);
    close(r->fd);
    free(r);
}

/* The file at path opened for reading, when it is ours (file_ok); NULL with err set. */
static reader *reader_open(const char *path, uint64_t *size, sk_error *err)
{
    /* O_NONBLOCK: a FIFO planted at the path must not hang the dashboard's start. */
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        sk_status st = errno == ENOENT ? SK_ERR_NOT_FOUND : SK_ERR_CONFIG;
        sk_error_set(err, st, "cache: cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    reader *r = file_ok(fd, path, size, err) ? calloc(1, sizeof *r) : NULL;
    if (!r) {
        close(fd);
        if (err->status == SK_OK)
            sk_error_set(err, SK_ERR_NOMEM, "out of memory");
        return NULL;
    }
    r->fd = fd;
    return r;
}

/* *digest (may be NULL): cache_digest(s) after the load when s was empty (the load's one pass
 * sums the body as it reads it), else 0. */
static sk_status load_file(sk_store *s, const char *path, const char *env_url,
                           const char *client_id, int64_t *saved_at, uint64_t *digest,
                           sk_error *err)
{
    sk_error_clear(err);
    if (digest)
        *digest = 0;
    if (!s || !path || !env_url || !client_id) {
        sk_error_set(err, SK_ERR_USAGE, "cache: nothing to load into");
        return SK_ERR_USAGE;
    }
    uint64_t size = 0;
    reader *r = reader_open(path, &size, err);
    if (!r)
        return err->status;
    int64_t saved = 0;
    bool ok;
    sk_store *scratch = store_count(s) == 0 && store_connection_count(s) == 0 ? store_new() : NULL;
    if (scratch) {
        /* An empty store (the dashboard's start): one pass into a scratch store, taken whole
         * only when the file checked out, so a damaged file never half-fills the store. */
        ok = r_rewind(r, size - 8, true) && read_pass(r, scratch, env_url, client_id, &saved, err);
        if (ok)
            store_swap(s, scratch);
        if (ok && digest)
            *digest = sum_end(&r->digest);
        store_free(scratch);
    } else {
        /* Rows already there: check everything first, then load. */
        ok = r_rewind(r, size - 8, true) && read_pass(r, NULL, env_url, client_id, &saved, err);
        if (ok) {
            ok = r_rewind(r, size - 8, false) && read_pass(r, s, env_url, client_id, &saved, err);
            if (!ok && err->status == SK_OK)
                sk_error_set(err, SK_ERR_PARSE, "cache: the file changed while it was read");
        }
    }
    reader_free(r);
    if (!ok)
        return err->status != SK_OK ? err->status : SK_ERR_PARSE;
    if (saved_at)
        *saved_at = saved;
    return SK_OK;
}

sk_status cache_load_file(sk_store *s, const char *path, const char *env_url,
                          const char *client_id, int64_t *saved_at, sk_error *err)
{
    return load_file(s, path, env_url, client_id, saved_at, NULL, err);
}

static sk_status load_env(sk_store *s, const char *env_url, const char *client_id,
                          int64_t *saved_at, uint64_t *digest, sk_error *err)
{
    char path[4096];
    sk_error_clear(err);
    if (digest)
        *digest = 0;
    if (!path_in(path, sizeof path, env_url, client_id, false)) {
        sk_error_set(err, SK_ERR_NOT_FOUND, "cache: no cache directory");
        return SK_ERR_NOT_FOUND;
    }
    return load_file(s, path, env_url, client_id, saved_at, digest, err);
}

sk_status cache_load(sk_store *s, const char *env_url, const char *client_id, int64_t *saved_at,
                     sk_error *err)
{
    return load_env(s, env_url, client_id, saved_at, NULL, err);
}

sk_status cache_load_kept(sk_store *s, const char *env_url, const char *client_id,
                          int64_t *saved_at, sk_cache_keeper *k, sk_error *err)
{
    uint64_t d = 0;
    sk_status st = load_env(s, env_url, client_id, saved_at, &d, err);
    if (st != SK_OK || !k)
        return st;
    if (d) {
        k->on_disk = d;
        k->known = true;
    } else {
        cache_keeper_loaded(k, s);   /* loaded into rows already there: the whole walk */
    }
    return st;
}

/* ---------------------------------------------------------------- a slice at a time */

struct sk_cache_loader {
    reader *r;
    sk_store *s;
    rtab t;
    aread ar;
    uint32_t total;
};

void cache_loader_close(sk_cache_loader *l)
{
    if (!l)
        return;
    accounts_end(&l->ar);
    rtab_free(&l->t);
    reader_free(l->r);
    free(l);
}

sk_status cache_loader_open(sk_store *s, const char *env_url, const char *client_id,
                            int64_t *saved_at, sk_cache_keeper *k, sk_cache_loader **out,
                            sk_error *err)
{
    sk_error_clear(err);
    *out = NULL;
    char path[4096] = "";
    if (env_url && client_id && !path_in(path, sizeof path, env_url, client_id, false)) {
        sk_error_set(err, SK_ERR_NOT_FOUND, "cache: no cache directory");
        return SK_ERR_NOT_FOUND;
    }
    return cache_loader_open_file(s, path, env_url, client_id, saved_at, k, out, err);
}

sk_status cache_loader_open_file(sk_store *s, const char *path, const char *env_url,
                                 const char *client_id, int64_t *saved_at, sk_cache_keeper *k,
                                 sk_cache_loader **out, sk_error *err)
{
    sk_error_clear(err);
    *out = NULL;
    if (!s || !path || !env_url || !client_id) {
        sk_error_set(err, SK_ERR_USAGE, "cache: nothing to load into");
        return SK_ERR_USAGE;
    }
    uint64_t size = 0;
    sk_cache_loader *l = calloc(1, sizeof *l);
    if (!l) {
        sk_error_set(err, SK_ERR_NOMEM, "out of memory");
        return SK_ERR_NOMEM;
    }
    if (!(l->r = reader_open(path, &size, err))) {
        free(l);
        return err->status;
    }
    l->s = s;
    /* The whole file checked first, as cache_load does, with nothing kept: its checksum and
     * every field (a damaged file shows nothing), and the digest of its body on the way. Then
     * the connections and the table of repeated strings go into the store, and the accounts
     * wait for cache_loader_step. */
    int64_t saved = 0;
    bool ok = r_rewind(l->r, size - 8, true) &&
              read_pass(l->r, NULL, env_url, client_id, &saved, err);
    uint64_t digest = ok ? sum_end(&l->r->digest) : 0;
    if (ok) {
        ok = r_rewind(l->r, size - 8, false) &&
             read_header(l->r, env_url, client_id, &saved, err) &&
             read_table(l->r, &l->t, s) && read_connections(l->r, s) &&
             accounts_begin(l->r, s, true, &l->ar);
        if (!ok && err->status == SK_OK)
            sk_error_set(err, SK_ERR_PARSE, "cache: the file changed while it was read");
    }
    if (!ok) {
        cache_loader_close(l);
        return err->status != SK_OK ? err->status : SK_ERR_PARSE;
    }
    l->total = l->ar.left;
    if (k) {
        k->on_disk = digest;
        k->known = true;
    }
    if (saved_at)
        *saved_at = saved;
    *out = l;
    return SK_OK;
}

bool cache_loader_step(sk_cache_loader *l, size_t max, sk_error *err)
{
    sk_error_clear(err);
    if (!l || !l->ar.left)
        return false;
    if (!accounts_some(l->r, l->s, &l->t, &l->ar, max) || (!l->ar.left && l->r->left != 0)) {
        l->ar.left = 0;
        sk_error_set(err, l->ar.b && l->ar.b->bad ? SK_ERR_NOMEM : SK_ERR_PARSE,
                     l->ar.b && l->ar.b->bad ? "cache: out of memory while loading"
                                             : "cache: the file changed while it was read");
        return false;
    }
    return l->ar.left > 0;
}

size_t cache_loader_total(const sk_cache_loader *l) { return l ? l->total : 0; }

size_t cache_loader_left(const sk_cache_loader *l) { return l ? l->ar.left : 0; }

bool cache_forget(const char *env_url, const char *client_id)
{
    char path[4096];
    if (!path_in(path, sizeof path, env_url, client_id, false))
        return true;
    return unlink(path) == 0 || errno == ENOENT;
}
