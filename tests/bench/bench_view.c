/* bench_view.c: the view alone over a store loaded from a cache file, so a million accounts are
 * listed from skemu once, not per try. Usage:
 *   bench_view save FILE N [SEED]   list N accounts (50 connections) and save them to FILE
 *   bench_view FILE [PAGE]          load FILE; time the first sort, keystrokes, re-sorts, and a
 *                                   listing replayed PAGE rows a turn (default 500) into a view
 *                                   kept across turns, unfiltered and filtered
 * Figures are printed, not judged (bench_store judges them against skemu). Env: BENCH_VIEW_EACH=1
 * prints every keystroke and re-sort; BENCH_VIEW_KEYS=N types the keystrokes N times more (for
 * perf record). */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cache.h"
#include "store.h"
#include "view.h"

#define ENV_URL "http://bench-view.invalid"
#define CLIENT_ID "bench-view"

static double cpu_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static int save(const char *file, long n, unsigned seed)
{
    bench_env e;
    bench_run r;
    if (n < 1 || !bench_env_start(&e, n, 50, seed, 0))
        return 2;
    int rc = 2;
    if (bench_list(&e, 0, &r)) {
        sk_error err;
        rc = cache_save_file(r.store, file, ENV_URL, CLIENT_ID, &err) == SK_OK ? 0 : 1;
        if (rc)
            fprintf(stderr, "bench_view: %s\n", err.message);
        printf("saved %zu accounts to %s\n", store_count(r.store), file);
        store_free(r.store);
    }
    bench_env_stop(&e);
    return rc;
}

/* One update, its CPU time in ms. */
static double timed(sk_view *v, const sk_store *s, const sk_view_spec *spec)
{
    double t = cpu_ms();
    if (view_update(v, s, spec) != SK_OK) {
        fprintf(stderr, "bench_view: view_update failed\n");
        exit(2);
    }
    return cpu_ms() - t;
}

static double wall_timed(sk_view *v, const sk_store *s, const sk_view_spec *spec)
{
    double t = bench_now_ms();
    if (view_update(v, s, spec) != SK_OK)
        exit(2);
    return bench_now_ms() - t;
}

static const char *const typed[] = {
    "anna.lee", "user_0", "gmail", "@acme.com", "jos\xc3\xa9", "state:expired", "zoe conn:slack",
};

static void keystrokes(const sk_store *s, sk_view *v)
{
    double t[512], c[512], fwd[512];
    size_t n = 0, nf = 0;
    char buf[SK_FILTER_MAX], msg[128];
    for (size_t w = 0; w < sizeof typed / sizeof typed[0]; w++) {
        size_t len = strlen(typed[w]);
        for (size_t step = 1; step <= 2 * len && n < 512; step++) {
            size_t k = step <= len ? step : 2 * len - step;
            memcpy(buf, typed[w], k);
            buf[k] = '\0';
            sk_view_spec spec;
            view_spec_init(&spec);
            if (view_spec_parse(&spec, buf, SK_ALL_STATES, msg, sizeof msg))
            {
                double c0 = cpu_ms();
                t[n] = wall_timed(v, s, &spec);
                c[n] = cpu_ms() - c0;
                if (step <= len)
                    fwd[nf++] = c[n];
                n++;
                if (getenv("BENCH_VIEW_EACH"))
                    printf("  %-16s %8.2f ms  %zu shown\n", buf, t[n - 1], v->n);
            }
        }
    }
    double mx = bench_max(t, n);
    printf("re-filter: median %.2f ms, max %.2f ms over %zu keystrokes (wall); cpu median %.2f\n",
           bench_median(t, n), mx, n, bench_median(c, n));
    printf("re-filter typing on (no backspaces): cpu median %.2f ms, max %.2f over %zu keystrokes\n",
           bench_median(fwd, nf), bench_max(fwd, nf), nf);
}

static void sorts(const sk_store *s, sk_view *v)
{
    double t[64], c[64];
    size_t n = 0;
    for (int rep = 0; rep < 3; rep++)
        for (int k = 0; k < SK_SORT_COUNT; k++)
            for (int rev = 0; rev < 2; rev++) {
                sk_view_spec spec;
                view_spec_init(&spec);
                spec.sort = (sk_sort_key)k;
                spec.reverse = rev;
                double c0 = cpu_ms();
                t[n] = wall_timed(v, s, &spec);
                c[n] = cpu_ms() - c0;
                if (getenv("BENCH_VIEW_EACH"))
                    printf("  sort %-12s %s %8.1f ms cpu\n", sort_key_name((sk_sort_key)k),
                           rev ? "rev" : "   ", c[n]);
                n++;
            }
    double mx = bench_max(t, n), cmx = bench_max(c, n);
    printf("re-sort: median %.1f ms, max %.1f ms (wall); cpu median %.1f, max %.1f\n",
           bench_median(t, n), mx, bench_median(c, n), cmx);
}

/* The listing again, `page` rows a turn into a fresh store, with a view updated every turn
 * (the dashboard's loop): the view's CPU over the whole listing. */
static void replay(const sk_store *src, size_t page, const char *filter)
{
    sk_store *s = store_new();
    sk_view v;
    view_init(&v);
    sk_view_spec spec;
    view_spec_init(&spec);
    char msg[128];
    view_spec_parse(&spec, filter, SK_ALL_STATES, msg, sizeof msg);
    sk_account *acc = malloc(page * sizeof *acc);
    double store_ms = 0, view_ms = 0, worst = 0;
    size_t turns = 0, limit = store_row_limit(src);
    for (size_t r = 0; r < limit;) {
        size_t k = 0;
        for (; r < limit && k < page; r++)
            if (store_row_live(src, (sk_row)r))
                store_get(src, (sk_row)r, &acc[k++]);
        double t = cpu_ms();
        if (store_upsert(s, acc, k) != SK_OK)
            exit(2);
        store_ms += cpu_ms() - t;
        double u = timed(&v, s, &spec);
        view_ms += u;
        worst = u > worst ? u : worst;
        turns++;
    }
    printf("listing replayed (%zu rows a turn, filter \"%s\"): %zu turns, view_update cpu %.0f ms "
           "(%.2f us/account, worst turn %.1f ms), store_upsert %.0f ms; %zu shown\n",
           page, filter, turns, view_ms, view_ms * 1e3 / (double)store_count(s), worst, store_ms, v.n);
    free(acc);
    view_free(&v);
    store_free(s);
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "save") == 0)
        return save(argv[2], strtol(argv[3], NULL, 10),
                    argc > 4 ? (unsigned)strtoul(argv[4], NULL, 10) : 42);
    if (argc < 2) {
        fprintf(stderr, "usage: bench_view save FILE N [SEED] | bench_view FILE [PAGE]\n");
        return 2;
    }
    size_t page = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 500;
    sk_store *s = store_new();
    sk_error err;
    double t = bench_now_ms();
    if (cache_load_file(s, argv[1], ENV_URL, CLIENT_ID, NULL, &err) != SK_OK) {
        fprintf(stderr, "bench_view: %s\n", err.message);
        return 2;
    }
    size_t n = store_count(s);
    printf("loaded %zu accounts in %.0f ms\n", n, bench_now_ms() - t);
    long hwm0 = bench_vm_hwm_kb();
    FILE *cr = fopen("/proc/self/clear_refs", "w");   /* the peak from here on: the view's */
    if (cr) {
        fputs("5", cr);
        fclose(cr);
    }
    long rss0 = bench_vm_rss_kb();
    sk_view v;
    view_init(&v);
    sk_view_spec spec;
    view_spec_init(&spec);
    printf("first sort (by identifier): %.1f ms cpu\n", timed(&v, s, &spec));
    long rss1 = bench_vm_rss_kb();
    keystrokes(s, &v);
    for (int i = getenv("BENCH_VIEW_KEYS") ? atoi(getenv("BENCH_VIEW_KEYS")) : 0; i > 0; i--)
        keystrokes(s, &v);
    long rss2 = bench_vm_rss_kb();
    sorts(s, &v);
    long rss3 = bench_vm_rss_kb(), hwm = bench_vm_hwm_kb();
    printf("view memory per account: %.1f B after the first sort, %.1f B after keystrokes, %.1f B "
           "after re-sorts; peak RSS since the load %.1f MB (%.1f MB in the load), peak over the "
           "store %.1f B per account\n",
           (double)(rss1 - rss0) * 1024 / (double)n, (double)(rss2 - rss0) * 1024 / (double)n,
           (double)(rss3 - rss0) * 1024 / (double)n, (double)hwm * 1024 / 1e6,
           (double)hwm0 * 1024 / 1e6, (double)(hwm - rss0) * 1024 / (double)n);
    view_free(&v);
    replay(s, page, "");
    replay(s, page, "gmail");
    replay(s, page, "state:expired");
    store_free(s);
    return 0;
}
