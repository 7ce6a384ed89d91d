/* bench_store.c: 100,000 accounts held as the dashboard holds them (a store and a sorted view):
 * peak memory, bytes per account, re-filtering per keystroke, re-sorting, parse time per
 * account. Usage: bench_store [N] [SEED]. Its own process, so the peak RSS is this alone. */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "parse.h"
#include "store.h"
#include "view.h"

/* Targets by scale: 100,000 accounts (make bench) and 1,000,000 (make bench-1m). MB = 10^6
 * bytes, the stricter reading. */
static bool million;            /* 1,000,000 accounts or more */
static const char *tag = "100k";
#define MEM_BOUND_KB ((million ? 120.0 : 40.0) * 1000 * 1000 / 1024)
#define FILTER_BOUND_MS (million ? 10.0 : 5.0)
#define SORT_BOUND_MS (million ? 250.0 : 50.0)
#define CACHE_FILE_BOUND_MB 100.0   /* 1,000,000 accounts */
#define SORT_REPS (million ? 1 : 3)

/* What a user types after '/': names, a domain, a connection, a state token, then backspaces
 * back to nothing. Each prefix is one keystroke; prefixes that do not parse yet (a half-typed
 * state name) are skipped, as the dashboard keeps the last good filter for them. */
static const char *const typed[] = {
    "anna.lee", "user_0", "gmail", "@acme.com", "josé", "state:expired", "zoe conn:slack",
};

typedef struct samples {
    double *v;
    size_t n, cap;
} samples;

static void samples_add(samples *s, double x)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        double *v = realloc(s->v, s->cap * sizeof *v);
        if (!v)
            exit(2);
        s->v = v;
    }
    s->v[s->n++] = x;
}

static double timed_update(sk_view *v, const sk_store *s, const sk_view_spec *spec)
{
    double t = bench_now_ms();
    if (view_update(v, s, spec) != SK_OK) {
        fprintf(stderr, "bench: view_update failed\n");
        exit(2);
    }
    return bench_now_ms() - t;
}

/* Every prefix of every typed string, typed then erased. */
static void keystrokes(const sk_store *s, sk_view *v, samples *out, size_t *longest_rows)
{
    char buf[SK_FILTER_MAX], msg[128];
    for (size_t w = 0; w < sizeof typed / sizeof typed[0]; w++) {
        size_t len = strlen(typed[w]);
        for (size_t step = 1; step <= 2 * len; step++) {
            size_t k = step <= len ? step : 2 * len - step;   /* up, then back down to 0 */
            memcpy(buf, typed[w], k);
            buf[k] = '\0';
            sk_view_spec spec;
            view_spec_init(&spec);
            if (!view_spec_parse(&spec, buf, SK_ALL_STATES, msg, sizeof msg))
                continue;
            samples_add(out, timed_update(v, s, &spec));
            if (v->n > *longest_rows)
                *longest_rows = v->n;
        }
    }
}

static void sorts(const sk_store *s, sk_view *v, samples *out)
{
    for (int rep = 0; rep < SORT_REPS; rep++)
        for (int k = 0; k < SK_SORT_COUNT; k++)
            for (int rev = 0; rev < 2; rev++) {
                sk_view_spec spec;
                view_spec_init(&spec);
                spec.sort = (sk_sort_key)k;
                spec.reverse = rev;
                samples_add(out, timed_update(v, s, &spec));
            }
}

/* parse_account_page over a real 99-row body, repeated for about half a second. */
static bool parse_cost(const bench_env *e, const char *conn, double *us_per_account, size_t *rows)
{
    sk_client *c = bench_client(e);
    if (!c)
        return false;
    char path[256], *body = NULL;
    size_t len = 0;
    snprintf(path, sizeof path, "/api/v1/connected_accounts?connector=%s&page_size=99", conn);
    long st = bench_get(c, path, &body, &len);
    client_free(c);
    if (st != 200 || !body) {
        free(body);
        return false;
    }
    unsigned long iters = 0;
    *rows = 0;
    double t0 = bench_now_ms(), t;
    do {
        sk_account_page p;
        sk_error err;
        if (parse_account_page(body, len, &p, &err) != SK_OK) {
            free(body);
            return false;
        }
        *rows = p.n;
        parse_account_page_free(&p);
        iters++;
    } while ((t = bench_now_ms() - t0) < 500);
    free(body);
    *us_per_account = t * 1e3 / (double)(iters * (*rows ? *rows : 1));
    return *rows > 0;
}

/* The start-up cache: save and load the whole store (a private temporary cache directory). */
static int cache_figures(const sk_store *s, const bench_env *e)
{
    char dir[] = "/tmp/skdash-bench-cache-XXXXXX", path[4096];
    if (!mkdtemp(dir))
        return 1;
    setenv("XDG_CACHE_HOME", dir, 1);
    sk_error err;
    double t = bench_now_ms();
    sk_status st = cache_save(s, e->cfg.environment_url, e->cfg.client_id, &err);
    double save_ms = bench_now_ms() - t;
    sk_store *back = store_new();
    t = bench_now_ms();
    if (st == SK_OK)
        st = cache_load(back, e->cfg.environment_url, e->cfg.client_id, NULL, &err);
    double load_ms = bench_now_ms() - t;
    /* The dashboard's start: the file checked whole, then its first 4,096 accounts (the first
     * screen's; tui_app.h's TUI_CACHE_FIRST), then the rest a slice at a time. */
    double open_ms = -1, first_ms = -1, rest_ms = -1;
    sk_store *sliced = st == SK_OK ? store_new() : NULL;
    sk_cache_loader *ld = NULL;
    if (sliced) {
        t = bench_now_ms();
        if (cache_loader_open(sliced, e->cfg.environment_url, e->cfg.client_id, NULL, NULL, &ld,
                              &err) == SK_OK) {
            open_ms = bench_now_ms() - t;
            cache_loader_step(ld, 4096, &err);
            first_ms = bench_now_ms() - t;
            while (cache_loader_step(ld, 8192, &err))
                ;
            rest_ms = bench_now_ms() - t - first_ms;
            if (err.status != SK_OK || store_count(sliced) != store_count(s))
                open_ms = -1;
        }
        cache_loader_close(ld);
        store_free(sliced);
    }
    struct stat sb;
    bool ok = st == SK_OK && cache_path(e->cfg.environment_url, e->cfg.client_id, path, sizeof path) &&
              stat(path, &sb) == 0 && store_count(back) == store_count(s);
    if (ok) {
        char note[96];
        snprintf(note, sizeof note, "file %.1f MB, %.0f bytes per account",
                 (double)sb.st_size / 1e6, (double)sb.st_size / (double)store_count(s));
        char name[64];
        snprintf(name, sizeof name, "cache %s: save", tag);
        bench_result(name, save_ms, "ms", 0, 0, note);
        snprintf(name, sizeof name, "cache %s: load into a store", tag);
        bench_result(name, load_ms, "ms", 0, 0,
                     "into an empty store: one pass into a scratch store, swapped in");
        if (open_ms >= 0) {
            snprintf(name, sizeof name, "cache %s: checked, before any row", tag);
            bench_result(name, open_ms, "ms", 0, 0,
                         "cache_loader_open: checksum and every field, nothing kept yet");
            snprintf(name, sizeof name, "cache %s: the first screen's rows", tag);
            bench_result(name, first_ms, "ms", 0, 0,
                         "cache_loader_open and the first 4,096 accounts (the dashboard's start)");
            snprintf(name, sizeof name, "cache %s: the rest, 8,192 a step", tag);
            bench_result(name, rest_ms, "ms", 0, 0, "cache_loader_step until all are in");
        } else {
            ok = false;
            fprintf(stderr, "bench: the cache's slice load failed: %s\n", err.message);
        }
        snprintf(name, sizeof name, "cache %s: file size", tag);
        snprintf(note, sizeof note, "%.0f bytes per account", (double)sb.st_size / (double)store_count(s));
        if (!bench_result(name, (double)sb.st_size / 1e6, "MB", million ? CACHE_FILE_BOUND_MB : 0, 1.0, note))
            ok = false;
    } else {
        fprintf(stderr, "bench: cache round trip failed: %s\n", err.message);
    }
    store_free(back);
    unlink(path);
    snprintf(path, sizeof path, "%s/skdash", dir);
    rmdir(path);
    rmdir(dir);
    return ok ? 0 : 1;
}

static const char *largest_connection(const sk_store *s, char *buf, size_t n)
{
    size_t big = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < store_connection_count(s); i++) {
        sk_conn_summary cs;
        store_connection(s, i, &cs);
        if (cs.total > big && cs.name) {
            big = cs.total;
            snprintf(buf, n, "%s", cs.name);
        }
    }
    return buf;
}

static int memory_figures(const sk_store *s, long n, long base_kb, long listed_kb)
{
    int rc = 0;
    char note[160];
    long hwm = bench_vm_hwm_kb();
    snprintf(note, sizeof note, "VmHWM of a process holding a store and a sorted view; %ld kB "
             "before listing (libraries, curl), %ld kB after listing", base_kb, listed_kb);
    char name[96];
    snprintf(name, sizeof name, "memory %s: peak RSS (core, no curses)", tag);
    rc |= !bench_result(name, (double)hwm / 1024.0, "MiB", MEM_BOUND_KB / 1024.0, 1.0, note);
    snprintf(name, sizeof name, "memory %s: store bytes per account", tag);
    bench_result(name, (double)store_bytes(s) / (double)n, "B", 0, 0, "store_bytes() / accounts");
    snprintf(name, sizeof name, "memory %s: peak RSS per account", tag);
    bench_result(name, (double)(hwm - base_kb) * 1024.0 / (double)n, "B", 0, 0,
                 "(VmHWM - RSS before listing) / accounts");
    return rc;
}

static int key_figures(const sk_store *s, sk_view *v, size_t n_live)
{
    int rc = 0;
    samples ks = { 0 }, ss = { 0 };
    size_t longest = 0;
    /* As the dashboard does once a listing is over (in slices, between keys). */
    double t = bench_now_ms();
    while (view_prepare(v, s, 16384))
        ;
    double prep_ms = bench_now_ms() - t;
    keystrokes(s, v, &ks, &longest);
    sorts(s, v, &ss);
    char note[160];
    double kmax = bench_max(ks.v, ks.n), smax = bench_max(ss.v, ss.n);
    snprintf(note, sizeof note, "view_update per keystroke, %zu keystrokes over %zu accounts; "
             "max %.2f ms", ks.n, n_live, kmax);
    char name[96];
    snprintf(name, sizeof name, "keys %s: re-filter median", tag);
    rc |= !bench_result(name, bench_median(ks.v, ks.n), "ms", FILTER_BOUND_MS, 1.0, note);
    snprintf(note, sizeof note, "view_update, %d keys x 2 directions x %d, whole store; max %.2f ms",
             SK_SORT_COUNT, SORT_REPS, smax);
    snprintf(name, sizeof name, "keys %s: filter records built ahead", tag);
    bench_result(name, prep_ms, "ms", 0, 0,
                 "view_prepare in slices of 16,384 rows, as the dashboard does when idle");
    snprintf(name, sizeof name, "keys %s: re-sort median", tag);
    rc |= !bench_result(name, bench_median(ss.v, ss.n), "ms", SORT_BOUND_MS, 1.0, note);
    snprintf(name, sizeof name, "keys %s: re-sort max", tag);
    rc |= !bench_result(name, smax, "ms", SORT_BOUND_MS, 1.0, NULL);
    /* Where a keystroke's time goes: the scan alone (a filter nothing matches, so nothing to
     * sort), each text a new one (the same text again would be answered from the view's kept
     * outcomes, and the same spec again is no work at all). */
    double scan[9];
    for (int i = 0; i < 9; i++) {
        sk_view_spec none;
        view_spec_init(&none);
        snprintf(none.text, sizeof none.text, "no-such-account-%c%c", 'q' + i, 'a' + i);
        scan[i] = timed_update(v, s, &none);
    }
    snprintf(name, sizeof name, "keys %s: scan alone (nothing matches)", tag);
    bench_result(name, bench_median(scan, 9), "ms", 0, 0,
                 "part of every re-filter that is not sorting");
    free(ks.v);
    free(ss.v);
    return rc;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
    unsigned seed = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 42;
    bench_env e;
    million = n >= 1000000;
    tag = million ? "1m" : "100k";
    if (n < 1 || !bench_env_start(&e, n, 50, seed, 0))
        return 2;
    /* The libraries and curl warmed up before the baseline, as in a running dashboard. */
    sk_client *warm = bench_client(&e);
    if (warm)
        bench_get(warm, "/api/v1/connected_accounts?page_size=1", NULL, NULL);
    client_free(warm);
    long base_kb = bench_vm_rss_kb();
    bench_run r;
    int rc = 2;
    if (!bench_list(&e, 0, &r))
        goto out;
    long listed_kb = bench_vm_rss_kb();
    sk_view v;
    view_init(&v);
    sk_view_spec spec;
    view_spec_init(&spec);
    view_update(&v, r.store, &spec);   /* the dashboard's first screen: everything, by name */
    printf("store: %zu accounts over %zu connections, view of %zu rows\n", store_count(r.store),
           store_connection_count(r.store), v.n);
    rc = store_count(r.store) == (size_t)n && v.n == (size_t)n ? 0 : 1;
    rc |= memory_figures(r.store, n, base_kb, listed_kb);
    rc |= key_figures(r.store, &v, store_count(r.store));
    char conn[128];
    double us;
    size_t rows;
    if (parse_cost(&e, largest_connection(r.store, conn, sizeof conn), &us, &rows)) {
        char note[96];
        snprintf(note, sizeof note, "parse_account_page over a real %zu-row body from skemu", rows);
        bench_result("parse: time per account", us, "us", 0, 0, note);
    } else {
        rc |= 1;
    }
    rc |= cache_figures(r.store, &e);
    view_free(&v);
    store_free(r.store);
out:
    bench_env_stop(&e);
    return rc;
}
