/* common.c: clock, medians, skemu + client set-up, /proc memory figures and result lines
 * shared by the bench programs (never part of `make check`: machines are noisy). */
#include "common.h"

#include "listing.h"
#include "store.h"

#include <stdio.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

double bench_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_median(double *v, size_t n)
{
    if (!n)
        return 0;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double bench_max(const double *v, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] > m)
            m = v[i];
    return m;
}

bool bench_env_start(bench_env *e, long n, int conns, unsigned seed, int latency_ms)
{
    memset(e, 0, sizeof *e);
    char sn[32], sc[16], ss[16], sl[16];
    snprintf(sn, sizeof sn, "%ld", n);
    snprintf(sc, sizeof sc, "%d", conns);
    snprintf(ss, sizeof ss, "%u", seed);
    snprintf(sl, sizeof sl, "%d", latency_ms);
    /* --quiet: a log line per request would cost skemu time the client would be blamed for. */
    const char *args[] = { "--generate", sn, "--connections", sc, "--seed", ss,
                           "--latency-ms", sl, "--quiet", NULL };
    if (skemu_start(&e->p, args) != 0) {
        fprintf(stderr, "bench: skemu did not start (SKEMU_BIN=%s)\n",
                getenv("SKEMU_BIN") ? getenv("SKEMU_BIN") : "build/skemu");
        return false;
    }
    snprintf(e->cfg.environment_url, sizeof e->cfg.environment_url, "%s", e->p.url);
    snprintf(e->cfg.client_id, sizeof e->cfg.client_id, "%s", SKEMU_DEMO_CLIENT_ID);
    e->cfg.client_secret = strdup(SKEMU_DEMO_CLIENT_SECRET);
    return e->cfg.client_secret != NULL;
}

void bench_env_stop(bench_env *e)
{
    free(e->cfg.client_secret);
    e->cfg.client_secret = NULL;
    if (e->p.pid > 0)
        skemu_stop(&e->p);
}

sk_client *bench_client(const bench_env *e)
{
    sk_client_opts o;
    client_opts_default(&o);
    sk_error err;
    sk_client *c = client_new(&e->cfg, &o, &err);
    if (!c)
        fprintf(stderr, "bench: client_new: %s\n", err.message);
    return c;
}

/* ---------------------------------------------------------------- one listing into a store */

typedef struct run_state {
    bench_run *r;
    bool done;
    sk_error err;
} run_state;

static void on_conns(void *ud, const sk_connection *rows, size_t n, bool from_api)
{
    run_state *s = ud;
    s->r->t_conns = bench_now_ms();
    if (from_api)
        store_set_connections(s->r->store, rows, n);
}

static void on_page(void *ud, const char *conn, const sk_account *rows, size_t n)
{
    run_state *s = ud;
    (void)conn;
    store_upsert(s->r->store, rows, n);
    if (s->r->t_first == 0)
        s->r->t_first = bench_now_ms();   /* the first rows a dashboard could draw */
}

static void on_conn_done(void *ud, const char *conn)
{
    run_state *s = ud;
    store_sweep(s->r->store, conn);
}

static void on_done(void *ud, const sk_error *err)
{
    run_state *s = ud;
    s->r->t_done = bench_now_ms();
    s->err = *err;
    s->done = true;
}

static void on_expect(void *ud, size_t accounts)
{
    run_state *s = ud;
    store_reserve(s->r->store, accounts);
}

static const sk_sink store_sink = { on_conns, on_page, on_conn_done, on_done, on_expect };

double bench_self_cpu_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

bool bench_list(const bench_env *e, int concurrency, bench_run *r)
{
    return bench_list_only(e, concurrency, NULL, 0, r);
}

bool bench_list_only(const bench_env *e, int concurrency, const char *const *only, size_t n_only,
                     bench_run *r)
{
    memset(r, 0, sizeof *r);
    run_state s = { r, false, { 0 } };
    sk_client *c = bench_client(e);
    r->store = store_new();
    if (!c || !r->store) {
        client_free(c);
        return false;
    }
    store_begin_refresh(r->store);
    listing_opts o = { 0 };
    o.concurrency = concurrency;
    o.only_connections = only;
    o.n_only = n_only;
    double cpu0 = bench_self_cpu_ms(), scpu0 = bench_proc_cpu_ms(e->p.pid), busy0, steal0;
    bool machine = bench_machine_ms(&busy0, &steal0);
    r->t0 = bench_now_ms();
    sk_listing *l = listing_start(c, &o, &store_sink, &s);
    while (l && !s.done) {
        client_wait(c, NULL, 0, 100);
        client_step(c);
        listing_step(l);   /* a damaged page's retry is the listing's timer, not the client's */
    }
    r->cpu_ms = bench_self_cpu_ms() - cpu0;
    r->server_cpu_ms = bench_proc_cpu_ms(e->p.pid) - scpu0;
    double busy1, steal1;
    if (machine && bench_machine_ms(&busy1, &steal1)) {
        r->others_ms = busy1 - busy0 - r->cpu_ms - r->server_cpu_ms;
        r->others_ms = r->others_ms > 0 ? r->others_ms : 0;   /* clock ticks against getrusage */
        r->steal_ms = steal1 - steal0;
    }
    r->pages = listing_pages(l);
    listing_free(l);
    client_free(c);
    if (!l || s.err.status != SK_OK) {
        fprintf(stderr, "bench: listing failed: %s\n", l ? s.err.message : "listing_start");
        return false;
    }
    return true;
}

/* ---------------------------------------------------------------- raw requests */

typedef struct got {
    long status;
    char *body;
    size_t len;
} got;

static void on_got(void *ud, const sk_response *r)
{
    got *g = ud;
    g->status = r->http_status;
    g->len = r->body ? r->len : 0;
    g->body = malloc(g->len + 1);
    if (g->body) {
        if (g->len)
            memcpy(g->body, r->body, g->len);
        g->body[g->len] = '\0';
    }
}

long bench_get(sk_client *c, const char *path, char **body, size_t *len)
{
    got g = { 0, NULL, 0 };
    if (!client_request(c, "GET", path, NULL, on_got, &g))
        return 0;
    client_run(c);
    if (body)
        *body = g.body;
    else
        free(g.body);
    if (len)
        *len = g.len;
    return g.status;
}

static long status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    long kb = -1;
    size_t kl = strlen(key);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
            kb = strtol(line + kl + 1, NULL, 10);
            break;
        }
    fclose(f);
    return kb;
}

double bench_proc_cpu_ms(int pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* Fields after the command name (which may hold spaces): utime and stime are 14 and 15. */
    char *p = strrchr(buf, ')');
    unsigned long long ut = 0, st = 0;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
}

bool bench_machine_ms(double *busy, double *steal)
{
    FILE *f = fopen("/proc/stat", "r");
    if (!f)
        return false;
    unsigned long long user, nice, sys, idle, iowait, irq, softirq, st;
    int fields = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice, &sys,
                        &idle, &iowait, &irq, &softirq, &st);
    fclose(f);
    if (fields != 8)
        return false;
    double tick = 1000.0 / (double)sysconf(_SC_CLK_TCK);
    *busy = (double)(user + nice + sys + irq + softirq) * tick;
    *steal = (double)st * tick;
    return true;
}

long bench_vm_hwm_kb(void) { return status_kb("VmHWM"); }
long bench_vm_rss_kb(void) { return status_kb("VmRSS"); }

bool bench_result(const char *name, double figure, const char *unit, double bound,
                  double max_ratio, const char *note)
{
    bool target = max_ratio > 0 && bound > 0;
    double ratio = bound > 0 ? figure / bound : 0;
    bool ok = !target || ratio <= max_ratio;
    const char *verdict = !target ? "INFO" : ok ? "PASS" : "FAIL";
    char b[40] = "", r[40] = "";
    if (bound > 0) {
        snprintf(b, sizeof b, "%.3f", bound);
        snprintf(r, sizeof r, "%.2f", ratio);
    }
    printf("  %-4s %-46s %11.3f %-5s bound %11s ratio %5s", verdict, name, figure, unit, b, r);
    if (target)
        printf(" (<= %.2f)", max_ratio);
    printf("%s%s\n", note && *note ? "  " : "", note ? note : "");
    fflush(stdout);
    const char *path = getenv("BENCH_RESULTS");
    FILE *f = path && *path ? fopen(path, "a") : NULL;
    if (f) {
        char lim[24] = "-";
        if (target)
            snprintf(lim, sizeof lim, "%.2f", max_ratio);
        fprintf(f, "RESULT|%s|%.3f|%s|%s|%s|%s|%s|%s\n", name, figure, unit, b, r, lim, verdict,
                note ? note : "");
        fclose(f);
    }
    return ok;
}
