/* test_cache.c: the listing cache on disk: a store with hostile strings survives the round trip
 * field for field; files are 0600 whatever the umask; files not 0600, not regular, of another
 * environment, truncated or damaged at any byte are refused without touching the store; a
 * keeper rewrites only a changed listing, at most once a minute; leftovers of killed saves go. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "store.h"
#include "../support/acct_fixture.h"

#define URL "http://127.0.0.1:8484"
#define CID "skc_demo"

/* ---------------------------------------------------------------- fixture */

typedef struct fx {
    char dir[64];       /* XDG_CACHE_HOME for the test */
    char path[4096];    /* the cache file of URL + CID */
} fx;

static int fx_setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/skdash-cache-test-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    setenv("XDG_CACHE_HOME", f->dir, 1);
    if (!cache_path(URL, CID, f->path, sizeof f->path))
        return -1;
    *state = f;
    return 0;
}

static void rm_tree(const char *dir)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

static int fx_teardown(void **state)
{
    fx *f = *state;
    rm_tree(f->dir);
    free(f);
    return 0;
}

/* ---------------------------------------------------------------- stores */

/* Connections from the API (one with a hostile name, one with no provider) and accounts whose
 * strings are everything a server could send: escapes, bidi controls, invalid UTF-8, long. */
static sk_store *hostile_store(size_t extra)
{
    sk_store *s = store_new();
    assert_non_null(s);
    sk_connection c[3];
    memset(c, 0, sizeof c);
    c[0] = (sk_connection){ "conn_1", "gmail", "GMAIL", "OAUTH", "COMPLETED", true, 0 };
    c[1] = (sk_connection){ "conn_\x1b[2J", "slack\x1b]52;c;QUFB\x07", NULL, "API_KEY", NULL, false, 0 };
    c[2] = (sk_connection){ NULL, "empty_conn", "NOTION", NULL, NULL, true, 0 };
    store_set_connections(s, c, 3);

    static char long_ident[5001];
    memset(long_ident, 'x', 5000);
    long_ident[0] = '\xf0';   /* a broken 4-byte sequence at the start */
    sk_account a = acct_make("ca_1", "\x1b[31mred\x1b[0m@evil.com", "gmail", "ACTIVE");
    a.token_expires_at = INT64_MAX;
    a.last_used_at = -1;
    acct_upsert1(s, a);
    a = acct_make("ca_2", "\xe2\x80\xae" "moc.live@nimda", "slack\x1b]52;c;QUFB\x07", "QUARANTINED");
    a.provider = NULL;
    a.authorization_type = NULL;
    acct_upsert1(s, a);
    a = acct_make("ca_3", "\xff\xfe\x80 invalid \xc3", "gmail", NULL);
    a.connection_id = NULL;
    a.updated_at = SK_TIME_ABSENT;
    acct_upsert1(s, a);
    acct_upsert1(s, acct_make("ca_4", long_ident, "orphan_conn", "PENDING_VERIFICATION"));
    acct_upsert1(s, acct_make("ca_5", NULL, "gmail", "DISCONNECTED"));
    acct_upsert1(s, acct_make("ca_6", "", NULL, "EXPIRED"));
    acct_upsert1(s, acct_make("ca_gone", "removed@x.com", "gmail", "ACTIVE"));
    assert_true(store_remove(s, "ca_gone"));   /* a hole in the row space */
    for (size_t i = 0; i < extra; i++) {
        char id[32], ident[64];
        snprintf(id, sizeof id, "ca_x%zu", i);
        snprintf(ident, sizeof ident, "user%zu@example.org", i);
        sk_account x = acct_make(id, ident, i % 3 ? "gmail" : "orphan_conn", i % 2 ? "ACTIVE" : "EXPIRED");
        x.token_expires_at = (int64_t)i * 1000;
        acct_upsert1(s, x);
    }
    return s;
}

static void assert_str_same(const char *a, const char *b)
{
    if (!a || !b)
        assert_true(a == b);
    else
        assert_string_equal(a, b);
}

/* Every live account of want is in got with every field equal, and nothing else is;
 * the API's connections come back in the same order with the same fields. */
static void assert_same_store(const sk_store *want, const sk_store *got)
{
    assert_int_equal(store_count(got), store_count(want));
    for (sk_row r = 0; r < store_row_limit(want); r++) {
        if (!store_row_live(want, r))
            continue;
        sk_account a, b;
        store_get(want, r, &a);
        sk_row rb = store_find(got, a.id);
        assert_true(rb != SK_ROW_NONE);
        store_get(got, rb, &b);
        assert_string_equal(a.id, b.id);
        assert_str_same(a.identifier, b.identifier);
        assert_str_same(a.connector, b.connector);
        assert_str_same(a.connection_id, b.connection_id);
        assert_str_same(a.provider, b.provider);
        assert_str_same(a.status, b.status);
        assert_str_same(a.authorization_type, b.authorization_type);
        assert_true(a.token_expires_at == b.token_expires_at);
        assert_true(a.updated_at == b.updated_at);
        assert_true(a.last_used_at == b.last_used_at);
        assert_int_equal(a.state, b.state);
    }
    size_t k = 0;
    for (size_t i = 0; i < store_connection_count(want); i++) {
        sk_conn_summary w, g;
        store_connection(want, i, &w);
        if (!w.from_api)
            continue;
        store_connection(got, k++, &g);
        assert_true(g.from_api);
        assert_str_same(w.name, g.name);
        assert_str_same(w.id, g.id);
        assert_str_same(w.provider, g.provider);
        assert_str_same(w.type, g.type);
        assert_int_equal(w.total, g.total);
        assert_memory_equal(w.count, g.count, sizeof w.count);
    }
    /* Connections seen only on accounts come back with their accounts. */
    for (size_t i = 0; i < store_connection_count(want); i++) {
        sk_conn_summary w, g;
        store_connection(want, i, &w);
        size_t j = store_connection_find(got, w.name);
        assert_true(j != (size_t)-1);
        store_connection(got, j, &g);
        assert_int_equal(w.total, g.total);
    }
    assert_int_equal(store_connection_count(got), store_connection_count(want));
}

/* The cache of URL/CID loads into a new store holding what `want` holds. */
static void assert_loads_as(const sk_store *want)
{
    sk_error err;
    sk_store *t = store_new();
    assert_int_equal(cache_load(t, URL, CID, NULL, &err), SK_OK);
    assert_same_store(want, t);
    store_free(t);
}

static size_t dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    unsigned char *b = malloc((size_t)n + 1);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return b;
}

/* A hostile store with `extra` more accounts (*s), saved as the cache of URL + CID; returns
 * the file's bytes (free them) for the tests that damage a copy. */
static unsigned char *saved_hostile(const fx *f, size_t extra, sk_store **s, size_t *len)
{
    *s = hostile_store(extra);
    sk_error err;
    assert_int_equal(cache_save(*s, URL, CID, &err), SK_OK);
    return slurp(f->path, len);
}

static void spill(const char *path, const unsigned char *b, size_t len, mode_t mode)
{
    unlink(path);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, len, f), len);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
}

/* Loading path must fail, leave a fresh store empty, and say why. */
static void assert_refused(const char *path, const char *url)
{
    sk_store *s = store_new();
    sk_error err;
    int64_t saved = 12345;
    sk_status st = cache_load_file(s, path, url, CID, &saved, &err);
    assert_int_not_equal(st, SK_OK);
    assert_int_equal(err.status, st);
    assert_true(err.message[0] != '\0');
    assert_int_equal(store_count(s), 0);
    assert_int_equal(store_connection_count(s), 0);
    assert_true(saved == 12345);
    /* The dashboard's load a slice at a time refuses the same files, and nothing goes in. */
    sk_cache_loader *l = (sk_cache_loader *)&saved;   /* set to NULL on refusal */
    sk_cache_keeper k;
    memset(&k, 0, sizeof k);
    st = cache_loader_open_file(s, path, url, CID, &saved, &k, &l, &err);
    assert_int_not_equal(st, SK_OK);
    assert_int_equal(err.status, st);
    assert_null(l);
    assert_false(k.known);
    assert_int_equal(store_count(s), 0);
    assert_int_equal(store_connection_count(s), 0);
    assert_true(saved == 12345);
    store_free(s);
}

/* The cache of URL/CID read by a loader into t, `slice` accounts a step; returns the steps. */
static size_t load_sliced(sk_store *t, size_t slice, sk_cache_keeper *k)
{
    sk_error err;
    sk_cache_loader *l = NULL;
    int64_t saved = 0;
    assert_int_equal(cache_loader_open(t, URL, CID, &saved, k, &l, &err), SK_OK);
    assert_non_null(l);
    assert_true(saved > 0);
    size_t total = cache_loader_total(l), steps = 0;
    assert_int_equal(cache_loader_left(l), total);
    assert_int_equal(store_count(t), 0);   /* the connections only, so far */
    for (bool more = true; more; steps++) {
        size_t before = store_count(t), left = cache_loader_left(l);
        more = cache_loader_step(l, slice, &err);
        assert_int_equal(err.status, SK_OK);
        size_t got = left < slice ? left : slice;
        assert_int_equal(store_count(t), before + got);
        assert_int_equal(cache_loader_left(l), left - got);
        assert_true(more == (cache_loader_left(l) > 0));
    }
    assert_false(cache_loader_step(l, slice, &err));   /* nothing more, and no error */
    assert_int_equal(err.status, SK_OK);
    assert_int_equal(store_count(t), total);
    cache_loader_close(l);
    return steps;
}

/* ---------------------------------------------------------------- tests */

static void test_round_trip(void **state)
{
    fx *f = *state;
    sk_store *s = hostile_store(300);
    mode_t old = umask(0);   /* a careless umask must not widen the file */
    int64_t before = time(NULL);
    sk_error err;
    assert_int_equal(cache_save(s, URL, CID, &err), SK_OK);
    int64_t after = time(NULL);
    umask(old);

    struct stat st;
    assert_int_equal(lstat(f->path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(st.st_uid, geteuid());
    char sub[128];
    snprintf(sub, sizeof sub, "%s/skdash", f->dir);
    assert_int_equal(dir_entries(sub), 1);   /* no temporary file left behind */
    assert_int_equal(stat(sub, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);

    sk_store *t = store_new();
    int64_t saved = 0;
    assert_int_equal(cache_load(t, URL "/", CID, &saved, &err), SK_OK);   /* '/' ignored */
    assert_true(saved >= before && saved <= after);
    assert_same_store(s, t);
    store_free(t);
    store_free(s);
}

static void test_save_replaces(void **state)
{
    fx *f = *state;
    sk_store *a = hostile_store(50), *b = store_new();
    acct_upsert1(b, acct_make("ca_only", "only@x.com", "gmail", "ACTIVE"));
    sk_error err;
    assert_int_equal(cache_save(a, URL, CID, &err), SK_OK);
    assert_int_equal(cache_save(b, URL, CID, &err), SK_OK);
    char sub[128];
    snprintf(sub, sizeof sub, "%s/skdash", f->dir);
    assert_int_equal(dir_entries(sub), 1);
    sk_store *t = store_new();
    assert_int_equal(cache_load(t, URL, CID, NULL, &err), SK_OK);
    assert_same_store(b, t);
    store_free(t);
    /* An empty store is a valid listing too. */
    sk_store *e = store_new();
    assert_int_equal(cache_save(e, URL, CID, &err), SK_OK);
    t = store_new();
    assert_int_equal(cache_load(t, URL, CID, NULL, &err), SK_OK);
    assert_int_equal(store_count(t), 0);
    store_free(t);
    store_free(e);
    store_free(a);
    store_free(b);
}

static void test_missing(void **state)
{
    (void)state;
    sk_store *s = store_new();
    sk_error err;
    assert_int_equal(cache_load(s, URL, CID, NULL, &err), SK_ERR_NOT_FOUND);
    assert_int_equal(store_count(s), 0);
    assert_true(cache_forget(URL, CID));
    store_free(s);
}

static void test_refuses_modes(void **state)
{
    fx *f = *state;
    sk_store *s = hostile_store(10);
    sk_error err;
    assert_int_equal(cache_save(s, URL, CID, &err), SK_OK);
    static const mode_t bad[] = { 0644, 0640, 0604, 0700, 0660, 0666, 04600 };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(chmod(f->path, bad[i]), 0);
        assert_refused(f->path, URL);
    }
    assert_int_equal(chmod(f->path, 0600), 0);
    assert_loads_as(s);
    store_free(s);
}

static void test_refuses_links_and_fifos(void **state)
{
    fx *f = *state;
    sk_store *s = hostile_store(10);
    sk_error err;
    assert_int_equal(cache_save(s, URL, CID, &err), SK_OK);
    char real[4200];
    snprintf(real, sizeof real, "%s.real", f->path);
    assert_int_equal(rename(f->path, real), 0);
    assert_int_equal(symlink(real, f->path), 0);
    assert_refused(f->path, URL);
    /* Saving replaces the link itself and never writes through it. */
    assert_int_equal(cache_save(s, URL, CID, &err), SK_OK);
    struct stat st;
    assert_int_equal(lstat(f->path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    unlink(f->path);
    assert_int_equal(mkfifo(f->path, 0600), 0);
    assert_refused(f->path, URL);   /* returns at once: no reader blocked on the FIFO */
    unlink(f->path);
    unlink(real);
    store_free(s);
}

static void test_other_environment(void **state)
{
    fx *f = *state;
    sk_store *s;
    size_t len;
    unsigned char *b = saved_hostile(f, 5, &s, &len);
    sk_error err;
    /* The file copied to another environment's name is still refused: it says whose it is. */
    char other[4096];
    assert_true(cache_path("https://prod.example.com", CID, other, sizeof other));
    spill(other, b, len, 0600);
    assert_refused(other, "https://prod.example.com");
    sk_store *t = store_new();
    assert_int_equal(cache_load_file(t, f->path, URL, "skc_other", NULL, &err), SK_ERR_CONFIG);
    assert_int_equal(store_count(t), 0);
    store_free(t);
    free(b);
    store_free(s);
}

static void test_truncated(void **state)
{
    fx *f = *state;
    sk_store *s;
    size_t len;
    unsigned char *b = saved_hostile(f, 3, &s, &len);
    char cut[4200];
    snprintf(cut, sizeof cut, "%s.cut", f->path);
    for (size_t n = 0; n < len; n++) {
        spill(cut, b, n, 0600);
        assert_refused(cut, URL);
    }
    /* One byte too many is damage too. */
    unsigned char *more = malloc(len + 1);
    memcpy(more, b, len);
    more[len] = 0;
    spill(cut, more, len + 1, 0600);
    assert_refused(cut, URL);
    free(more);
    free(b);
    store_free(s);
}

static void test_corrupt_every_byte(void **state)
{
    fx *f = *state;
    sk_store *s;
    size_t len;
    unsigned char *b = saved_hostile(f, 3, &s, &len);
    sk_error err;
    char bad[4200];
    snprintf(bad, sizeof bad, "%s.bad", f->path);
    for (size_t i = 0; i < len; i++) {
        unsigned char keep = b[i];
        b[i] ^= (unsigned char)(1u << (i % 8));
        spill(bad, b, len, 0600);
        assert_refused(bad, URL);
        b[i] = keep;
    }
    /* Pure noise, and the copy as it was (still loads: the damage above was all refused). */
    srand(7);
    unsigned char noise[4096];
    for (size_t i = 0; i < sizeof noise; i++)
        noise[i] = (unsigned char)rand();
    spill(bad, noise, sizeof noise, 0600);
    assert_refused(bad, URL);
    memcpy(noise, "SKDASH-CACHE\n", 13);
    spill(bad, noise, sizeof noise, 0600);
    assert_refused(bad, URL);
    spill(bad, b, len, 0600);
    sk_store *t = store_new();
    assert_int_equal(cache_load_file(t, bad, URL, CID, NULL, &err), SK_OK);
    assert_same_store(s, t);
    store_free(t);
    free(b);
    store_free(s);
}

/* The file's checksum as the format defines it (written here again, from the definition, so
 * that a change in cache.c's sum shows up): FNV-style over 8-byte little-endian words, the last
 * one zero-padded, then the length. */
static uint64_t file_sum(const unsigned char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t at = 0; at < n; at += 8) {
        uint64_t w = 0;
        for (size_t i = 0; i < 8 && at + i < n; i++)
            w |= (uint64_t)p[at + i] << (8 * i);
        h = (h ^ w) * 1099511628211ull;
        h ^= h >> 29;
    }
    return (h ^ (uint64_t)n) * 1099511628211ull;
}

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* Damage with a valid checksum (what a bug or a hand-made file could hold): absurd counts,
 * another version. The file of an empty store ends: connections u32, accounts u32, sum u64. */
static void test_forged_checksum(void **state)
{
    fx *f = *state;
    sk_store *e = store_new();
    sk_error err;
    assert_int_equal(cache_save(e, URL, CID, &err), SK_OK);
    size_t len;
    unsigned char *b = slurp(f->path, &len);
    char forged[4200];
    snprintf(forged, sizeof forged, "%s.forged", f->path);
    struct { size_t at; int bytes; uint64_t v; } edits[] = {
        { len - 12, 4, 0xFFFFFFF0u },   /* 4 billion accounts in no bytes */
        { len - 16, 4, 0xFFFFFFF0u },   /* 4 billion connections */
        { len - 12, 4, 1 },             /* one account, no bytes for it */
        { 13, 4, CACHE_VERSION + 1 },   /* another version */
        { 13, 4, 1 },                   /* version 1 (a byte-wise checksum) */
        { 17 + 8, 4, 0xFFFFFFF0u },     /* an environment URL longer than the file */
    };
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        unsigned char *c = malloc(len);
        memcpy(c, b, len);
        put_le(c + edits[i].at, edits[i].v, edits[i].bytes);
        put_le(c + len - 8, file_sum(c, len - 8), 8);
        spill(forged, c, len, 0600);
        assert_refused(forged, URL);
        free(c);
    }
    /* A harmless edit (the saved time) with the sum made again is accepted: file_sum above is
     * the checksum cache.c writes and checks, so the refusals above are not the sum's. */
    put_le(b + 17, 1234567890, 8);
    put_le(b + len - 8, file_sum(b, len - 8), 8);
    spill(forged, b, len, 0600);
    sk_store *t = store_new();
    int64_t saved = 0;
    assert_int_equal(cache_load_file(t, forged, URL, CID, &saved, &err), SK_OK);
    assert_int_equal(saved, 1234567890);
    store_free(t);
    free(b);
    store_free(e);
}

/* An account's index into the string table past its end, with the sum made again, is refused;
 * the index for "none" there is taken as an absent field. The last account's authorization
 * type index is the 2 bytes before its 3 timestamps and the sum. */
static void test_forged_index(void **state)
{
    fx *f = *state;
    sk_store *one = store_new();
    acct_upsert1(one, acct_make("ca_1", "ann@example.com", "gmail", "ACTIVE"));
    sk_error err;
    assert_int_equal(cache_save(one, URL, CID, &err), SK_OK);
    size_t len;
    unsigned char *b = slurp(f->path, &len);
    char forged[4200];
    snprintf(forged, sizeof forged, "%s.forged", f->path);
    size_t at = len - 8 - 24 - 2;
    put_le(b + at, 0xFFFE, 2);   /* past a table of a few strings */
    put_le(b + len - 8, file_sum(b, len - 8), 8);
    spill(forged, b, len, 0600);
    assert_refused(forged, URL);
    put_le(b + at, 0xFFFF, 2);   /* none */
    put_le(b + len - 8, file_sum(b, len - 8), 8);
    spill(forged, b, len, 0600);
    sk_store *t = store_new();
    assert_int_equal(cache_load_file(t, forged, URL, CID, NULL, &err), SK_OK);
    assert_int_equal(store_count(t), 1);
    sk_account a;
    store_get(t, store_find(t, "ca_1"), &a);
    assert_null(a.authorization_type);
    assert_string_equal(a.connector, "gmail");
    store_free(t);
    free(b);
    store_free(one);
}

static void test_paths(void **state)
{
    fx *f = *state;
    char a[4096], b[4096], c[4096], d[4096], prefix[128];
    assert_true(cache_path(URL, CID, a, sizeof a));
    assert_true(cache_path("http://127.0.0.1:8485", CID, b, sizeof b));
    assert_true(cache_path(URL, "skc_other", c, sizeof c));
    assert_true(cache_path(URL "/", CID, d, sizeof d));
    assert_string_not_equal(a, b);
    assert_string_not_equal(a, c);
    assert_string_not_equal(b, c);
    assert_string_equal(a, d);
    snprintf(prefix, sizeof prefix, "%s/skdash/", f->dir);
    assert_memory_equal(a, prefix, strlen(prefix));
    assert_string_equal(a + strlen(a) - 6, ".cache");
    assert_false(cache_path(URL, CID, a, 10));   /* too small a buffer is refused */

    /* A relative XDG_CACHE_HOME is ignored (XDG spec): HOME/.cache instead; neither: none. */
    char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    setenv("XDG_CACHE_HOME", "relative/dir", 1);
    setenv("HOME", "/home/someone", 1);
    assert_true(cache_path(URL, CID, b, sizeof b));
    assert_memory_equal(b, "/home/someone/.cache/skdash/", 28);
    unsetenv("XDG_CACHE_HOME");
    unsetenv("HOME");
    assert_false(cache_path(URL, CID, b, sizeof b));
    sk_error err;
    sk_store *s = store_new();
    assert_int_equal(cache_save(s, URL, CID, &err), SK_ERR_CONFIG);
    store_free(s);
    if (home)
        setenv("HOME", home, 1);
    free(home);
    setenv("XDG_CACHE_HOME", f->dir, 1);
}

static void test_disabled(void **state)
{
    (void)state;
    unsetenv("SKDASH_NO_CACHE");
    assert_false(cache_disabled());
    setenv("SKDASH_NO_CACHE", "1", 1);
    assert_true(cache_disabled());
    setenv("SKDASH_NO_CACHE", "yes", 1);
    assert_true(cache_disabled());
    setenv("SKDASH_NO_CACHE", "0", 1);
    assert_false(cache_disabled());
    setenv("SKDASH_NO_CACHE", "", 1);
    assert_false(cache_disabled());
    unsetenv("SKDASH_NO_CACHE");
}

static void test_many_rows(void **state)
{
    (void)state;
    sk_store *s = hostile_store(20000);
    sk_error err;
    assert_int_equal(cache_save(s, URL, CID, &err), SK_OK);
    assert_loads_as(s);
    store_free(s);
}

/* Strings longer than the reader's block and the load's batch buffer, among enough rows to fill
 * several batches, and times outside 32 bits: all come back as they were. */
static void test_long_strings_and_batches(void **state)
{
    (void)state;
    sk_store *s = hostile_store(700);
    size_t big = 200000;
    char *long_id = malloc(big + 1), *long_ident = malloc(big + 1);
    assert_true(long_id && long_ident);
    memset(long_id, 'q', big);
    memset(long_ident, 'z', big);
    long_id[big] = long_ident[big] = '\0';
    sk_account a = acct_make(long_id, long_ident, "gmail", "ACTIVE");
    a.token_expires_at = -2208988800LL;    /* 1900 */
    a.updated_at = 32503680000LL;          /* 3000 */
    acct_upsert1(s, a);
    for (int i = 0; i < 600; i++) {
        char id[32];
        snprintf(id, sizeof id, "ca_after%d", i);
        sk_account b = acct_make(id, i % 2 ? long_ident + big - 70000 : id, "slack", "EXPIRED");
        b.last_used_at = (int64_t)i * 4294967296LL;
        acct_upsert1(s, b);
    }
    sk_error err;
    assert_int_equal(cache_save(s, URL, CID, &err), SK_OK);
    assert_loads_as(s);
    store_free(s);
    free(long_id);
    free(long_ident);
}

/* cache_load_kept gives the keeper what cache_keeper_loaded would (the digest of the store it
 * filled, taken while reading): for hostile strings, holes, long strings, times outside 32 bits
 * and 64 kB blocks; into a store with rows it walks the store as cache_keeper_loaded does. */
static void test_load_kept(void **state)
{
    (void)state;
    static const size_t extra[] = { 0, 3, 20000 };
    for (size_t e = 0; e < sizeof extra / sizeof extra[0]; e++) {
        sk_store *src = hostile_store(extra[e]);
        sk_account a = acct_make("ca_wide", "wide@example.com", "gmail", "ACTIVE");
        a.token_expires_at = -2208988800LL;
        a.updated_at = 32503680000LL;
        acct_upsert1(src, a);
        sk_error err;
        assert_int_equal(cache_save(src, URL, CID, &err), SK_OK);
        sk_store *t = store_new();
        sk_cache_keeper k;
        memset(&k, 0, sizeof k);
        int64_t saved = 0;
        assert_int_equal(cache_load_kept(t, URL, CID, &saved, &k, &err), SK_OK);
        assert_true(saved > 0);
        assert_same_store(src, t);
        assert_true(k.known);
        assert_true(k.on_disk == cache_digest(t));
        bool wrote = true;
        assert_int_equal(cache_save_changed(&k, t, URL, CID, 5, &wrote, &err), SK_OK);
        assert_false(wrote);
        /* Into rows already there: the keeper has the whole store's digest. */
        sk_store *u = store_new();
        acct_upsert1(u, acct_make("ca_before", "before@example.com", "gmail", "ACTIVE"));
        sk_cache_keeper k2;
        memset(&k2, 0, sizeof k2);
        assert_int_equal(cache_load_kept(u, URL, CID, NULL, &k2, &err), SK_OK);
        assert_true(k2.known);
        assert_true(k2.on_disk == cache_digest(u));
        store_free(u);
        store_free(t);
        store_free(src);
    }
    /* No file: nothing known. */
    assert_true(cache_forget(URL, CID));
    sk_store *t = store_new();
    sk_cache_keeper k;
    memset(&k, 0, sizeof k);
    sk_error err;
    assert_int_equal(cache_load_kept(t, URL, CID, NULL, &k, &err), SK_ERR_NOT_FOUND);
    assert_false(k.known);
    store_free(t);
}

/* The load a slice at a time gives the store cache_load gives (hostile strings, long strings,
 * rows across the reader's blocks), in as many steps as the slices say, and the keeper knows the
 * file's digest as cache_load_kept does. */
static void test_loader_slices(void **state)
{
    (void)state;
    static const size_t slices[] = { 1, 7, 4096, 1000000 };
    sk_store *src = hostile_store(20000);
    sk_error err;
    assert_int_equal(cache_save(src, URL, CID, &err), SK_OK);
    size_t n = store_count(src);
    for (size_t i = 0; i < sizeof slices / sizeof slices[0]; i++) {
        sk_store *t = store_new();
        sk_cache_keeper k;
        memset(&k, 0, sizeof k);
        size_t steps = load_sliced(t, slices[i], &k);
        assert_int_equal(steps, (n + slices[i] - 1) / slices[i]);
        assert_same_store(src, t);
        assert_true(k.known);
        assert_true(k.on_disk == cache_digest(t));
        bool wrote = true;
        assert_int_equal(cache_save_changed(&k, t, URL, CID, 5, &wrote, &err), SK_OK);
        assert_false(wrote);   /* an unchanged listing is not written again */
        store_free(t);
    }
    store_free(src);
}

/* A listing runs while the file is read (the dashboard's start): what the listing stored stays
 * as it gave it, before or after the file's row for the same account was read; the file's rows
 * are unseen by the refresh, so the sweep of a completed listing takes those the listing did not
 * give, and keeps the rest. A loader closed midway leaves what it read. */
static void test_loader_under_a_listing(void **state)
{
    (void)state;
    sk_store *src = store_new();
    for (int i = 0; i < 3000; i++) {
        char id[32], ident[64];
        snprintf(id, sizeof id, "ca_%04d", i);
        snprintf(ident, sizeof ident, "user%04d@example.com", i);
        acct_upsert1(src, acct_make(id, ident, i % 2 ? "gmail" : "slack", "EXPIRED"));
    }
    sk_error err;
    assert_int_equal(cache_save(src, URL, CID, &err), SK_OK);
    sk_store *t = store_new();
    sk_cache_loader *l = NULL;
    assert_int_equal(cache_loader_open(t, URL, CID, NULL, NULL, &l, &err), SK_OK);
    assert_true(cache_loader_step(l, 1000, &err));   /* ca_0000 .. ca_0999 in store order */
    store_begin_refresh(t);
    /* The listing: one row read already, one not read yet, one the file does not hold. */
    acct_upsert1(t, acct_make("ca_0005", "user0005@example.com", "slack", "ACTIVE"));
    acct_upsert1(t, acct_make("ca_2500", "user2500@example.com", "gmail", "ACTIVE"));
    acct_upsert1(t, acct_make("ca_new", "new@example.com", "gmail", "PENDING_AUTH"));
    while (cache_loader_step(l, 700, &err))
        ;
    assert_int_equal(err.status, SK_OK);
    cache_loader_close(l);
    assert_int_equal(store_count(t), 3001);
    sk_account a;
    store_get(t, store_find(t, "ca_0005"), &a);
    assert_string_equal(a.status, "ACTIVE");
    store_get(t, store_find(t, "ca_2500"), &a);
    assert_string_equal(a.status, "ACTIVE");
    store_get(t, store_find(t, "ca_2501"), &a);
    assert_string_equal(a.status, "EXPIRED");
    /* The listing completes: only what it gave is left. */
    assert_int_equal(store_sweep(t, NULL), 2998);
    assert_int_equal(store_count(t), 3);
    assert_true(store_find(t, "ca_0005") != SK_ROW_NONE);
    assert_true(store_find(t, "ca_2500") != SK_ROW_NONE);
    assert_true(store_find(t, "ca_new") != SK_ROW_NONE);
    store_free(t);

    /* Closed midway: the rows read stay, the rest is never read. */
    t = store_new();
    assert_int_equal(cache_loader_open(t, URL, CID, NULL, NULL, &l, &err), SK_OK);
    assert_true(cache_loader_step(l, 10, &err));
    cache_loader_close(l);
    assert_int_equal(store_count(t), 10);
    store_free(t);
    store_free(src);
}

/* The file cut short after it was checked (a loader keeps it open): the step that meets the end
 * says the file changed, nothing more is read, and the rows read stay. */
static void test_loader_file_changed(void **state)
{
    fx *f = *state;
    sk_store *src = hostile_store(20000);
    sk_error err;
    assert_int_equal(cache_save(src, URL, CID, &err), SK_OK);
    sk_store *t = store_new();
    sk_cache_loader *l = NULL;
    assert_int_equal(cache_loader_open(t, URL, CID, NULL, NULL, &l, &err), SK_OK);
    assert_true(cache_loader_step(l, 100, &err));
    struct stat st;
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(truncate(f->path, st.st_size / 2), 0);
    while (cache_loader_step(l, 1000, &err))
        ;
    assert_int_equal(err.status, SK_ERR_PARSE);
    assert_non_null(strstr(err.message, "changed"));
    size_t got = store_count(t);
    assert_true(got >= 100 && got < store_count(src));
    assert_false(cache_loader_step(l, 1000, &err));
    assert_int_equal(store_count(t), got);
    cache_loader_close(l);
    store_free(t);
    store_free(src);
}

/* A store that already holds rows takes the two-pass path: a good file adds its accounts to
 * what is there, a damaged one changes nothing. */
static void test_load_into_filled_store(void **state)
{
    fx *f = *state;
    sk_store *src;
    size_t len;
    unsigned char *b = saved_hostile(f, 2, &src, &len);
    sk_store *s = store_new();
    acct_upsert1(s, acct_make("ca_already", "kept@example.com", "other", "ACTIVE"));
    size_t conns_before = store_connection_count(s);
    sk_error err;
    char bad[4200];
    snprintf(bad, sizeof bad, "%s.bad", f->path);
    b[len / 2] ^= 0x5a;
    spill(bad, b, len, 0600);
    assert_int_not_equal(cache_load_file(s, bad, URL, CID, NULL, &err), SK_OK);
    assert_int_equal(store_count(s), 1);
    assert_int_equal(store_connection_count(s), conns_before);
    assert_int_equal(cache_load(s, URL, CID, NULL, &err), SK_OK);
    assert_int_equal(store_count(s), store_count(src) + 1);
    assert_true(store_find(s, "ca_already") != SK_ROW_NONE);
    free(b);
    store_free(s);
    store_free(src);
}

/* ---------------------------------------------------------------- rewrites and leftovers */

/* The file's identity: a rewrite renames a new file into place (a new inode) and sets mtime. */
typedef struct file_id {
    ino_t ino;
    struct timespec mtime;
} file_id;

static file_id file_id_of(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return (file_id){ st.st_ino, st.st_mtim };
}

static bool file_id_same(file_id a, file_id b)
{
    return a.ino == b.ino && a.mtime.tv_sec == b.mtime.tv_sec &&
           a.mtime.tv_nsec == b.mtime.tv_nsec;
}

/* The digest follows the listing, not the time of saving or how the store was built. */
static void test_digest(void **state)
{
    (void)state;
    sk_store *a = hostile_store(40), *b = hostile_store(40);
    assert_true(cache_digest(a) != 0);
    assert_true(cache_digest(a) == cache_digest(b));
    sk_account x = acct_make("ca_x3", "user3@example.org", "orphan_conn", "REVOKED");
    x.token_expires_at = 3000;
    acct_upsert1(b, x);
    assert_true(cache_digest(a) != cache_digest(b));
    x.status = "ACTIVE";
    acct_upsert1(b, x);
    assert_true(cache_digest(a) == cache_digest(b));
    assert_true(store_remove(b, "ca_2"));
    assert_true(cache_digest(a) != cache_digest(b));
    store_free(a);
    store_free(b);
}

/* A keeper writes a listing once; the same listing again is never rewritten; a changed one
 * waits CACHE_MIN_INTERVAL_MS after the last write, then is written. */
static void test_save_changed_writes_only_changes(void **state)
{
    fx *f = *state;
    sk_store *s = hostile_store(30);
    sk_cache_keeper k;
    memset(&k, 0, sizeof k);
    sk_error err;
    bool wrote = false;
    assert_int_equal(cache_save_changed(&k, s, URL, CID, 1000, &wrote, &err), SK_OK);
    assert_true(wrote);
    file_id first = file_id_of(f->path);
    for (int i = 1; i <= 5; i++) {   /* --refresh 1 over an unchanged server */
        assert_int_equal(cache_save_changed(&k, s, URL, CID, 1000 + i * 1000, &wrote, &err),
                         SK_OK);
        assert_false(wrote);
        /* The long run too: unchanged is never rewritten, however late. */
        assert_int_equal(cache_save_changed(&k, s, URL, CID, 1000 + i * 3600000LL, &wrote, &err),
                         SK_OK);
        assert_false(wrote);
    }
    assert_true(file_id_same(first, file_id_of(f->path)));

    acct_upsert1(s, acct_make("ca_new", "new@example.com", "gmail", "ACTIVE"));
    assert_int_equal(cache_save_changed(&k, s, URL, CID, 2000, &wrote, &err), SK_OK);
    assert_false(wrote);   /* changed, but one second after the last write */
    assert_int_equal(cache_save_changed(&k, s, URL, CID, 1000 + CACHE_MIN_INTERVAL_MS - 1,
                                        &wrote, &err), SK_OK);
    assert_false(wrote);
    assert_true(file_id_same(first, file_id_of(f->path)));
    assert_int_equal(cache_save_changed(&k, s, URL, CID, 1000 + CACHE_MIN_INTERVAL_MS, &wrote,
                                        &err), SK_OK);
    assert_true(wrote);
    assert_false(file_id_same(first, file_id_of(f->path)));
    assert_loads_as(s);
    store_free(s);
}

/* Accounts deleted by hand after the file was written: corrected at once when the bound
 * allows, else held back (pending) and written at exit; stamped with the listing's time, so
 * the age shown at the next start is the listing's, not the delete's. */
static void test_save_touched(void **state)
{
    fx *f = *state;
    sk_store *s = hostile_store(12);
    sk_cache_keeper k;
    memset(&k, 0, sizeof k);
    sk_error err;
    bool wrote = false;
    assert_int_equal(cache_save_changed(&k, s, URL, CID, 1000, &wrote, &err), SK_OK);
    assert_true(wrote);
    file_id first = file_id_of(f->path);
    /* Unchanged: nothing to correct, nothing pending. */
    assert_int_equal(cache_save_touched(&k, s, URL, CID, 4242, 2000, false, &wrote, &err), SK_OK);
    assert_false(wrote);
    assert_false(k.pending);
    assert_true(store_remove(s, "ca_1"));
    assert_int_equal(cache_save_touched(&k, s, URL, CID, 4242, 3000, false, &wrote, &err), SK_OK);
    assert_false(wrote);   /* two seconds after the listing's write: held back */
    assert_true(k.pending);
    assert_true(file_id_same(first, file_id_of(f->path)));
    /* At exit the bound does not hold. */
    assert_int_equal(cache_save_touched(&k, s, URL, CID, 4242, 3500, true, &wrote, &err), SK_OK);
    assert_true(wrote);
    assert_false(k.pending);
    sk_store *t = store_new();
    int64_t saved = 0;
    assert_int_equal(cache_load(t, URL, CID, &saved, &err), SK_OK);
    assert_int_equal(saved, 4242);
    assert_true(store_find(t, "ca_1") == SK_ROW_NONE);
    assert_same_store(s, t);
    store_free(t);
    /* Past the bound a correction is written at once. */
    assert_true(store_remove(s, "ca_2"));
    assert_int_equal(cache_save_touched(&k, s, URL, CID, 4242, 3500 + CACHE_MIN_INTERVAL_MS,
                                        false, &wrote, &err), SK_OK);
    assert_true(wrote);
    /* A listing held back by the bound is pending too (written at exit). */
    acct_upsert1(s, acct_make("ca_new", "new@example.com", "gmail", "ACTIVE"));
    assert_int_equal(cache_save_changed(&k, s, URL, CID, 4000 + CACHE_MIN_INTERVAL_MS, &wrote,
                                        &err), SK_OK);
    assert_false(wrote);
    assert_true(k.pending);
    store_free(s);
}

/* Started from the cache: a first listing equal to the file is not written; one that differs
 * is written at once (the first write of a keeper is never held back). */
static void test_save_changed_after_load(void **state)
{
    fx *f = *state;
    sk_store *src = hostile_store(10);
    sk_error err;
    assert_int_equal(cache_save(src, URL, CID, &err), SK_OK);
    file_id saved = file_id_of(f->path);
    sk_store *t = store_new();
    assert_int_equal(cache_load(t, URL, CID, NULL, &err), SK_OK);
    sk_cache_keeper k;
    memset(&k, 0, sizeof k);
    cache_keeper_loaded(&k, t);
    /* The listing brings the same rows again (upserted in place, as the dashboard does). */
    for (sk_row r = 0; r < store_row_limit(src); r++) {
        if (!store_row_live(src, r))
            continue;
        sk_account a;
        store_get(src, r, &a);
        acct_upsert1(t, a);
    }
    bool wrote = true;
    assert_int_equal(cache_save_changed(&k, t, URL, CID, 5, &wrote, &err), SK_OK);
    assert_false(wrote);
    assert_true(file_id_same(saved, file_id_of(f->path)));
    assert_true(store_remove(t, "ca_1"));
    assert_int_equal(cache_save_changed(&k, t, URL, CID, 6, &wrote, &err), SK_OK);
    assert_true(wrote);
    sk_store *u = store_new();
    assert_int_equal(cache_load(u, URL, CID, NULL, &err), SK_OK);
    assert_true(store_find(u, "ca_1") == SK_ROW_NONE);
    assert_int_equal(store_count(u), store_count(t));
    store_free(u);
    store_free(t);
    store_free(src);
}

/* XDG_CACHE_HOME at a regular file: no cache directory can be made under it, so every save
 * fails (the test puts f->dir back). */
static void block_cache_dir(const fx *f)
{
    char blocker[128];
    snprintf(blocker, sizeof blocker, "%s/blocker", f->dir);
    FILE *b = fopen(blocker, "w");
    assert_non_null(b);
    fclose(b);
    setenv("XDG_CACHE_HOME", blocker, 1);
}

/* A write that fails is reported once and then waits its turn like a good one. */
static void test_save_changed_failure_waits(void **state)
{
    fx *f = *state;
    block_cache_dir(f);
    sk_store *s = hostile_store(0);
    sk_cache_keeper k;
    memset(&k, 0, sizeof k);
    sk_error err;
    bool wrote = true;
    assert_int_not_equal(cache_save_changed(&k, s, URL, CID, 0, &wrote, &err), SK_OK);
    assert_false(wrote);
    assert_true(err.message[0] != '\0');
    assert_int_equal(cache_save_changed(&k, s, URL, CID, 1000, &wrote, &err), SK_OK);
    assert_false(wrote);
    setenv("XDG_CACHE_HOME", f->dir, 1);
    assert_int_equal(cache_save_changed(&k, s, URL, CID, CACHE_MIN_INTERVAL_MS, &wrote, &err),
                     SK_OK);
    assert_true(wrote);
    store_free(s);
}

static void touch_file(const char *path, time_t age_s)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("partial", fp);
    fclose(fp);
    struct timespec t[2];
    clock_gettime(CLOCK_REALTIME, &t[0]);
    t[0].tv_sec -= age_s;
    t[1] = t[0];
    assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
}

/* Temporary files of saves killed midway go at start: a dead writer's at once, any older
 * than a minute; a live writer's recent one, other names, links and directories stay. */
static void test_clean_stale(void **state)
{
    fx *f = *state;
    assert_int_equal(cache_clean_stale(), 0);   /* no directory yet */
    sk_store *s = hostile_store(0);
    sk_error err;
    assert_int_equal(cache_save(s, URL, CID, &err), SK_OK);
    pid_t dead = fork();
    if (dead == 0)
        _exit(0);
    assert_true(dead > 0);
    assert_int_equal(waitpid(dead, NULL, 0), dead);
    char dir[128], p[8][4200], target[160];
    snprintf(dir, sizeof dir, "%s/skdash", f->dir);
    /* 0 a dead writer's: goes; 1 a live one's, recent: stays; 2 a live one's, old: goes;
     * 3 ours: stays; 4 another name: stays; 5 a link, 6 a directory, 7 no pid: stay. */
    const long live = (long)getppid();
    snprintf(p[0], sizeof p[0], "%s.tmp.%ld.0", f->path, (long)dead);
    snprintf(p[1], sizeof p[1], "%s.tmp.%ld.3", f->path, live);
    snprintf(p[2], sizeof p[2], "%s.tmp.%ld.4", f->path, live);
    snprintf(p[3], sizeof p[3], "%s.tmp.%ld.0", f->path, (long)getpid());
    snprintf(p[4], sizeof p[4], "%s/notes.txt", dir);
    snprintf(p[5], sizeof p[5], "%s.tmp.%ld.1", f->path, (long)dead);
    snprintf(p[6], sizeof p[6], "%s.tmp.%ld.2", f->path, (long)dead);
    snprintf(p[7], sizeof p[7], "%s.tmp.x.2", f->path);
    snprintf(target, sizeof target, "%s/target", f->dir);
    touch_file(p[0], 0);
    touch_file(p[1], 5);
    touch_file(p[2], CACHE_STALE_TMP_S + 30);
    touch_file(p[3], 0);
    touch_file(p[4], 3600);
    touch_file(target, 3600);
    assert_int_equal(symlink(target, p[5]), 0);
    assert_int_equal(mkdir(p[6], 0700), 0);
    touch_file(p[7], 3600);
    assert_int_equal(cache_clean_stale(), 2);
    assert_int_equal(access(p[0], F_OK), -1);
    assert_int_equal(access(p[2], F_OK), -1);
    for (int i = 1; i < 8; i++)
        if (i != 2)
            assert_int_equal(faccessat(AT_FDCWD, p[i], F_OK, AT_SYMLINK_NOFOLLOW), 0);
    assert_int_equal(access(target, F_OK), 0);
    assert_int_equal(access(f->path, F_OK), 0);   /* the cache itself stays */
    sk_store *t = store_new();
    assert_int_equal(cache_load(t, URL, CID, NULL, &err), SK_OK);
    store_free(t);
    store_free(s);
}

/* The live rows of s, in store order, backwards (an order no store is in by itself). */
static sk_row *rows_backwards(const sk_store *s, size_t *n)
{
    sk_row *o = malloc((store_count(s) + 1) * sizeof *o);
    assert_non_null(o);
    *n = 0;
    for (sk_row r = store_row_limit(s); r-- > 0;)
        if (store_row_live(s, r))
            o[(*n)++] = r;
    assert_int_equal(*n, store_count(s));
    return o;
}

/* The file holds src's accounts in `order` (NULL: src's live rows in store order): a store
 * loaded from it has them in rows 0..n-1 in that order. */
static void assert_loaded_in(const sk_store *src, const sk_row *order, size_t n)
{
    sk_store *t = store_new();
    sk_error err;
    sk_cache_keeper k;
    memset(&k, 0, sizeof k);
    assert_int_equal(cache_load_kept(t, URL, CID, NULL, &k, &err), SK_OK);
    assert_same_store(src, t);
    assert_int_equal(store_row_limit(t), n);
    sk_row r = 0;
    for (size_t i = 0; i < n; i++, r++) {
        while (!order && !store_row_live(src, r))
            r++;   /* store order: the live rows */
        sk_account a, b;
        store_get(src, order ? order[i] : r, &a);
        store_get(t, (sk_row)i, &b);
        assert_string_equal(a.id, b.id);
    }
    /* What the load read is what the writer summed in that order. */
    assert_true(k.on_disk == cache_digest_order(src, order, n));
    assert_true(k.on_disk == cache_digest(t));
    store_free(t);
}

/* A keeper given an order writes the accounts in it (a start loads them so, and its first sort
 * finds them in order), compares the listing in it (the same order again writes nothing), and
 * refuses any order that does not name every live row once: store order instead. */
static void test_save_in_order(void **state)
{
    fx *f = *state;
    sk_store *s = hostile_store(300);
    assert_true(store_remove(s, "ca_x10"));   /* a hole no later row fills */
    size_t n;
    sk_row *back = rows_backwards(s, &n);
    assert_true(cache_digest_order(s, back, n) != cache_digest(s));
    assert_true(cache_digest_order(s, NULL, 0) == cache_digest(s));
    sk_cache_keeper k;
    memset(&k, 0, sizeof k);
    sk_error err;
    bool wrote = false;
    k.order = back;
    k.n_order = n;
    assert_int_equal(cache_save_changed(&k, s, URL, CID, 1000, &wrote, &err), SK_OK);
    assert_true(wrote);
    assert_loaded_in(s, back, n);
    file_id first = file_id_of(f->path);
    /* The same listing in the same order, however late: not rewritten. */
    assert_int_equal(cache_save_changed(&k, s, URL, CID, 1000 + 2 * CACHE_MIN_INTERVAL_MS, &wrote,
                                        &err), SK_OK);
    assert_false(wrote);
    assert_int_equal(cache_save_touched(&k, s, URL, CID, 77, 1000 + 3 * CACHE_MIN_INTERVAL_MS,
                                        true, &wrote, &err), SK_OK);
    assert_false(wrote);
    assert_true(file_id_of(f->path).ino == first.ino);

    /* Orders that are not every live row once: one repeated, one missing, a removed row, a
     * row past the end, no order at all. Each writes store order. */
    sk_row *bad = malloc(n * sizeof *bad);
    assert_non_null(bad);
    sk_row dead = SK_ROW_NONE;
    for (sk_row r = 0; r < store_row_limit(s) && dead == SK_ROW_NONE; r++)
        if (!store_row_live(s, r))
            dead = r;
    assert_true(dead != SK_ROW_NONE);
    for (int kind = 0; kind < 5; kind++) {
        memcpy(bad, back, n * sizeof *bad);
        size_t nb = n;
        if (kind == 0)
            bad[5] = bad[6];
        else if (kind == 1)
            nb = n - 1;
        else if (kind == 2)
            bad[7] = dead;
        else if (kind == 3)
            bad[0] = (sk_row)store_row_limit(s);
        assert_true(cache_digest_order(s, kind == 4 ? NULL : bad, nb) == cache_digest(s));
        sk_cache_keeper kb;
        memset(&kb, 0, sizeof kb);
        kb.order = kind == 4 ? NULL : bad;
        kb.n_order = nb;
        assert_int_equal(cache_save_changed(&kb, s, URL, CID, 1000, &wrote, &err), SK_OK);
        assert_true(wrote);
        assert_loaded_in(s, NULL, n);
    }
    free(bad);
    free(back);
    store_free(s);
}

/* Saves in a child: the file holds the store as it was at the call whatever the caller does
 * next, the keeper comes out as the synchronous call leaves it (unchanged not rewritten, held
 * back by the bound, a failure with its message), and one save at a time. */
static void test_save_bg(void **state)
{
    fx *f = *state;
    sk_store *s = hostile_store(5000);
    sk_cache_keeper k;
    memset(&k, 0, sizeof k);
    sk_error err;
    bool wrote = false;
    assert_false(cache_bg_busy(&k));
    assert_int_equal(cache_bg_fd(&k), -1);
    assert_false(cache_bg_finish(&k, true, &wrote, &err));   /* nothing under way */
    assert_int_equal(cache_save_changed_bg(&k, s, URL, CID, 1000, &err), SK_OK);
    assert_true(cache_bg_busy(&k));
    assert_int_not_equal(cache_save_changed_bg(&k, s, URL, CID, 1000, &err), SK_OK);
    assert_true(err.message[0] != '\0');
    /* The caller changes the store at once: the child writes what it saw. */
    sk_store *before = hostile_store(5000);
    acct_upsert1(s, acct_make("ca_later", "later@example.com", "gmail", "ACTIVE"));
    assert_true(cache_bg_finish(&k, true, &wrote, &err));
    assert_int_equal(err.status, SK_OK);
    assert_true(wrote);
    assert_false(cache_bg_busy(&k));
    assert_int_equal(cache_bg_fd(&k), -1);
    assert_false(cache_bg_finish(&k, false, &wrote, &err));
    assert_true(k.known && k.wrote);
    assert_true(k.on_disk == cache_digest(before));
    assert_loads_as(before);
    file_id first = file_id_of(f->path);
    /* The same listing again, past the bound: compared in the child, not rewritten. */
    assert_int_equal(cache_save_changed_bg(&k, before, URL, CID, 1000 + 2 * CACHE_MIN_INTERVAL_MS,
                                           &err), SK_OK);
    int fd = cache_bg_fd(&k);
    assert_true(fd >= 0);
    while (!cache_bg_finish(&k, false, &wrote, &err))
        usleep(1000);   /* the fd is readable once the child is done */
    assert_false(wrote);
    assert_true(file_id_same(first, file_id_of(f->path)));
    /* A change within the bound: held back, pending (written at exit). */
    assert_int_equal(cache_save_touched_bg(&k, s, URL, CID, 4242, 2000, &err), SK_OK);
    assert_true(cache_bg_finish(&k, true, &wrote, &err));
    assert_false(wrote);
    assert_true(k.pending);
    /* Past it: written, stamped with the listing's time. */
    assert_int_equal(cache_save_touched_bg(&k, s, URL, CID, 4242, 1000 + 3 * CACHE_MIN_INTERVAL_MS,
                                           &err), SK_OK);
    assert_true(cache_bg_finish(&k, true, &wrote, &err));
    assert_true(wrote);
    assert_false(k.pending);
    sk_store *t = store_new();
    int64_t saved = 0;
    assert_int_equal(cache_load(t, URL, CID, &saved, &err), SK_OK);
    assert_int_equal(saved, 4242);
    assert_same_store(s, t);
    store_free(t);
    /* A write that fails in the child says why here. */
    block_cache_dir(f);
    sk_cache_keeper k2;
    memset(&k2, 0, sizeof k2);
    assert_int_equal(cache_save_changed_bg(&k2, s, URL, CID, 0, &err), SK_OK);
    assert_true(cache_bg_finish(&k2, true, &wrote, &err));
    assert_false(wrote);
    assert_int_not_equal(err.status, SK_OK);
    assert_non_null(strstr(err.message, "cache"));
    assert_false(k2.known);
    assert_true(k2.wrote);
    setenv("XDG_CACHE_HOME", f->dir, 1);
    store_free(before);
    store_free(s);
}

/* A writer killed midway never leaves a damaged file: the cache is the old listing or the new
 * one, whole, and the keeper hears of a failure when there was one. */
static void test_save_bg_killed(void **state)
{
    (void)state;
    sk_store *old = hostile_store(10);
    sk_error err;
    assert_int_equal(cache_save(old, URL, CID, &err), SK_OK);
    sk_store *s = hostile_store(200000);
    int failed = 0;
    for (int i = 0; i < 3; i++) {
        sk_cache_keeper k;
        memset(&k, 0, sizeof k);
        assert_int_equal(cache_save_changed_bg(&k, s, URL, CID, 0, &err), SK_OK);
        if (k.bg_pid > 0)
            kill(k.bg_pid, SIGKILL);
        bool wrote = false;
        assert_true(cache_bg_finish(&k, true, &wrote, &err));
        failed += !wrote;
        if (!wrote) {
            assert_int_not_equal(err.status, SK_OK);
            assert_false(k.known);
        }
        sk_store *t = store_new();
        assert_int_equal(cache_load(t, URL, CID, NULL, &err), SK_OK);
        assert_true(store_count(t) == store_count(wrote ? s : old));
        store_free(t);
        if (wrote)
            assert_int_equal(cache_save(old, URL, CID, &err), SK_OK);
    }
    print_message("killed writers: %d of 3 stopped before they finished\n", failed);
    cache_clean_stale();
    store_free(s);
    store_free(old);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_save_replaces, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_missing, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_refuses_modes, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_refuses_links_and_fifos, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_other_environment, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_truncated, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_every_byte, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_forged_checksum, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_forged_index, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_paths, fx_setup, fx_teardown),
        cmocka_unit_test(test_disabled),
        cmocka_unit_test_setup_teardown(test_many_rows, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_long_strings_and_batches, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_load_kept, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_load_into_filled_store, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_loader_slices, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_loader_under_a_listing, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_loader_file_changed, fx_setup, fx_teardown),
        cmocka_unit_test(test_digest),
        cmocka_unit_test_setup_teardown(test_save_changed_writes_only_changes, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_save_changed_after_load, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_save_touched, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_save_changed_failure_waits, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_clean_stale, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_save_in_order, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_save_bg, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_save_bg_killed, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
