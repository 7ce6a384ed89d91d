/* common.h: what every bench program shares: a monotonic clock, medians, a skemu process with
 * a client on it, peak memory, and one result line per figure (printed and appended to a file). */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#include "client.h"
#include "config.h"
#include "../support/skemu_proc.h"

double bench_now_ms(void);
/* Median and maximum of v[0..n) (v is sorted in place). */
double bench_median(double *v, size_t n);
double bench_max(const double *v, size_t n);

/* One skemu with generated data and the demo credentials to reach it. */
typedef struct bench_env {
    skemu_proc p;
    sk_config cfg;
} bench_env;

/* Starts skemu --generate n --connections conns --seed seed --latency-ms latency --quiet. */
bool bench_env_start(bench_env *e, long n, int conns, unsigned seed, int latency_ms);
void bench_env_stop(bench_env *e);
/* A fresh client (no token yet, no open connection), as a starting dashboard has. */
sk_client *bench_client(const bench_env *e);

/* One whole listing into a fresh store with a fresh client (as a dashboard that just started:
 * the token fetch is part of it), the store fed as the dashboard feeds it. */
typedef struct bench_run {
    struct sk_store *store;      /* the caller frees it (store_free) */
    double t0, t_conns, t_first, t_done;   /* monotonic ms: start, connections known, first
                                              page delivered, done */
    double cpu_ms;               /* this process's CPU time over the listing */
    double server_cpu_ms;        /* skemu's */
    double others_ms;            /* every other process's CPU on this machine meanwhile */
    double steal_ms;             /* time the hypervisor gave this machine's cores to others */
    unsigned long pages;         /* pages requested (listing_pages) */
} bench_run;

bool bench_list(const bench_env *e, int concurrency, bench_run *r);
/* The same for the connections named in `only`, in that order (listing_opts.only_connections). */
bool bench_list_only(const bench_env *e, int concurrency, const char *const *only, size_t n_only,
                     bench_run *r);

/* One raw GET through the client; returns the HTTP status and a malloc'd copy of the body. */
long bench_get(sk_client *c, const char *path, char **body, size_t *len);

/* Peak and current resident set of this process (kB), from /proc/self/status. */
long bench_vm_hwm_kb(void);
long bench_vm_rss_kb(void);
/* This process's CPU time (user + system, ms, from getrusage). */
double bench_self_cpu_ms(void);
/* CPU time (user + system, ms) of a process from /proc/PID/stat (clock-tick resolution); -1. */
double bench_proc_cpu_ms(int pid);
/* The machine's busy CPU time (every process, user + system + interrupts) and its steal time
 * (ms summed over the cores, from /proc/stat); false when it cannot be read. */
bool bench_machine_ms(double *busy, double *steal);

/* A figure, its bound and their ratio: the target holds when figure / bound <= max_ratio
 * (max_ratio <= 0: a figure reported without a target; bound may then be 0).
 * Prints one aligned line and appends "RESULT|name|figure|unit|bound|ratio|limit|verdict|note"
 * to $BENCH_RESULTS when set. Returns false only when a target is missed. */
bool bench_result(const char *name, double figure, const char *unit, double bound,
                  double max_ratio, const char *note);

#endif
