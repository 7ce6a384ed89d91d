/* bench_keys.c: key latency of the real dashboard while a listing streams in and after it.
 * build/skdash runs on a pty (forkpty) against skemu (N accounts over 50 connections,
 * --latency-ms 0, no cache); its output is fed to a terminal emulator (libvterm), so "the
 * changed screen" is the screen a user would see. Keys j and k alternate: each moves the cursor
 * (the reverse-video row of the accounts table) to another account, so a key has been answered
 * once the cursor row on the emulated screen shows a different account than before it (not the
 * same one cut at another column width) and the pty has nothing more to read. The time runs from the key's write() on the pty to that moment.
 * Usage: bench_keys [N] [RUNS] [KEYS_AFTER]. Env: SKDASH_BIN, SKEMU_BIN, BENCH_RESULTS;
 * BENCH_KEYS_DEBUG=1 prints every key's latency and the footer when a key goes unanswered. */
#include "common.h"
#include "vtpty.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROWS 40
#define COLS 120
#define KEY_TIMEOUT_MS 2000.0
#define P99_BOUND_MS 30.0
#define MAX_BOUND_MS 50.0

typedef struct samples {
    double *v;
    size_t n, cap;
} samples;

static void samples_add(samples *s, double x)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        double *v = realloc(s->v, s->cap * sizeof *v);
        if (!v)
            exit(2);
        s->v = v;
    }
    s->v[s->n++] = x;
}

static void row_text(const bench_term *t, int y, char *buf, size_t n, int *reverse)
{
    bench_term_row(t, y, false, buf, n, reverse);
}

/* The cursor row of the accounts table: the row with the most reverse-video cells (at least
 * 20: the header's badges are shorter). Its reverse cells' text in buf (not the connections
 * pane beside it, whose counts change as pages land); false when there is none. */
static bool cursor_row(const bench_term *t, char *buf, size_t n, int *at)
{
    int best = 0;
    if (at)
        *at = -1;
    char line[COLS * 4 + 1];
    buf[0] = '\0';
    for (int y = 2; y < ROWS - 2; y++) {
        int rev;
        bench_term_row(t, y, true, line, sizeof line, &rev);
        if (rev > best && rev >= 20) {
            best = rev;
            snprintf(buf, n, "%s", line);
            if (at)
                *at = y;
        }
    }
    return best > 0;
}

/* The next whitespace-separated field of *p (its length in *n, a trailing "…" left off). */
static const char *next_field(const char **p, size_t *n)
{
    while (**p == ' ')
        (*p)++;
    if (!**p)
        return NULL;
    const char *f = *p;
    while (**p && **p != ' ')
        (*p)++;
    *n = (size_t)(*p - f);
    if (*n >= 3 && memcmp(f + *n - 3, "\xe2\x80\xa6", 3) == 0)
        *n -= 3;
    return f;
}

/* Two cursor rows show the same account: field by field, one is a prefix of the other. Columns
 * are fitted to the data as pages land, so the same row can be cut at another width
 * ("alex@stark.in…" then "alex@stark.…"); a cut is never taken for a move. */
static bool same_account(const char *x, const char *y)
{
    for (;;) {
        size_t xn = 0, yn = 0;
        const char *fx = next_field(&x, &xn), *fy = next_field(&y, &yn);
        if (!fx || !fy)
            return !fx && !fy;
        if (memcmp(fx, fy, xn < yn ? xn : yn) != 0)
            return false;
    }
}

/* One key: written, then the pty read until the cursor row shows another account and nothing
 * more is there to read. Returns the latency in ms (KEY_TIMEOUT_MS when it never changed).
 * The first key is different: until the user moves, the cursor stays on its screen row while
 * pages sort in above (another account comes under it), so the account under it after the key
 * can be the one shown there before it; that key has been answered once the cursor row moved.
 * From then on the cursor follows its account, which only a key changes. */
static double one_key(bench_term *t, char key, bool first)
{
    char before[COLS * 4 + 1], now[COLS * 4 + 1];
    int y_before, y_now;
    bench_term_pump(t, 0);
    cursor_row(t, before, sizeof before, &y_before);
    double t0 = bench_now_ms();
    if (write(t->fd, &key, 1) != 1)
        return KEY_TIMEOUT_MS;
    for (;;) {
        double left = t0 + KEY_TIMEOUT_MS - bench_now_ms();
        if (left <= 0 || t->eof) {
            if (getenv("BENCH_KEYS_DEBUG")) {
                fprintf(stderr, "no answer to %c (pid %d); cursor row before: %s\n", key, (int)t->pid, before);
                for (int y = ROWS - 2; y < ROWS - 1; y++) {
                    row_text(t, y, now, sizeof now, NULL);
                    fprintf(stderr, "|%s\n", now);
                }
            }
            return KEY_TIMEOUT_MS;
        }
        size_t got = bench_term_pump(t, (int)(left < 1 ? 1 : left));
        if (got && cursor_row(t, now, sizeof now, &y_now) &&
            (!same_account(now, before) || (first && y_now != y_before)))
            return bench_now_ms() - t0;
    }
}

/* Reads the pty for ms, so the dashboard never blocks on a full terminal. */
static void idle(bench_term *t, double ms)
{
    double end = bench_now_ms() + ms;
    double left;
    while ((left = end - bench_now_ms()) > 0 && !t->eof)
        bench_term_pump(t, (int)(left < 1 ? 1 : left));
}

/* One start of the dashboard: keys while the listing runs (classed by whether it still ran when
 * the key was written), then keys_after more once everything is listed. */
static bool one_run(const char *skdash, long n, int keys_after, samples *during, samples *after,
                    unsigned *timeouts)
{
    bench_term t;
    if (!bench_term_start(&t, skdash, ROWS, COLS))
        return false;
    char row[COLS * 4 + 1];
    bool ok = false;
    double end = bench_now_ms() + 30000;
    while (!cursor_row(&t, row, sizeof row, NULL) && bench_now_ms() < end && !t.eof)
        bench_term_pump(&t, 50);   /* the first rows (the cursor on the first of them) */
    if (!cursor_row(&t, row, sizeof row, NULL)) {
        fprintf(stderr, "bench_keys: the dashboard showed no cursor row\n");
        goto out;
    }
    unsigned k = 0;
    end = bench_now_ms() + 120000;
    while (!bench_term_listed(&t, n) && bench_now_ms() < end && !t.eof) {
        double ms = one_key(&t, k % 2 ? 'k' : 'j', k == 0);
        k++;
        if (ms >= KEY_TIMEOUT_MS)
            (*timeouts)++;
        samples_add(during, ms);   /* written while the listing ran */
        if (getenv("BENCH_KEYS_DEBUG"))
            fprintf(stderr, "key %u %c %.1f ms%s\n", k, k % 2 ? 'j' : 'k', ms,
                    bench_term_listed(&t, n) ? " (listing done)" : "");
        idle(&t, 5 + (k * 7) % 11);   /* keys at varied moments of the listing */
    }
    if (!bench_term_listed(&t, n)) {
        fprintf(stderr, "bench_keys: the listing did not complete\n");
        goto out;
    }
    idle(&t, 300);
    for (int i = 0; i < keys_after; i++) {
        double ms = one_key(&t, k % 2 ? 'k' : 'j', k == 0);
        k++;
        if (ms >= KEY_TIMEOUT_MS)
            (*timeouts)++;
        samples_add(after, ms);
        idle(&t, 5);
    }
    ok = true;
out:
    bench_term_stop(&t);
    return ok;
}

static double pct(double *v, size_t n, double p)
{
    if (!n)
        return 0;
    bench_median(v, n);   /* sorts */
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return v[i < n ? i : n - 1];
}

static const char *tag = "100k";

static int report(const char *phase, samples *s, unsigned runs, unsigned timeouts)
{
    char name[96], note[200];
    int rc = 0;
    double p50 = pct(s->v, s->n, 0.5), p99 = pct(s->v, s->n, 0.99), mx = bench_max(s->v, s->n);
    snprintf(note, sizeof note, "%zu keys over %u starts, j/k, key written on the pty to the "
             "cursor row changed on the emulated screen%s", s->n, runs,
             timeouts ? "; some keys never answered (2 s)" : "");
    snprintf(name, sizeof name, "keys %s %s @0ms: p50", tag, phase);
    bench_result(name, p50, "ms", 0, 0, note);
    snprintf(name, sizeof name, "keys %s %s @0ms: p99", tag, phase);
    rc |= !bench_result(name, p99, "ms", P99_BOUND_MS, 1.0, NULL);
    snprintf(name, sizeof name, "keys %s %s @0ms: max", tag, phase);
    rc |= !bench_result(name, mx, "ms", MAX_BOUND_MS, 1.0, NULL);
    return rc;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
    unsigned runs = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 3;
    int keys_after = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 100;
    const char *skdash = getenv("SKDASH_BIN") ? getenv("SKDASH_BIN") : "build/skdash";
    if (n < 1 || runs < 1 || access(skdash, X_OK) != 0) {
        fprintf(stderr, "usage: bench_keys [N] [RUNS] [KEYS_AFTER] (needs SKDASH_BIN)\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    tag = n >= 1000000 ? "1m" : n >= 100000 ? "100k" : n >= 10000 ? "10k" : "1k";
    bench_env e;
    if (!bench_env_start(&e, n, 50, 42, 0))
        return 2;
    char dir[] = "/tmp/skdash-bench-keys-XXXXXX";
    int rc = 2;
    bool home = bench_dash_home(dir, &e.cfg, false);
    if (!home)
        goto out;
    printf("keys: build/skdash on a %dx%d pty (libvterm), %ld accounts, 50 connections, "
           "--latency-ms 0, no cache\n", COLS, ROWS, n);
    samples during = { 0 }, after = { 0 };
    unsigned timeouts = 0, done = 0;
    for (unsigned r = 0; r < runs; r++)
        done += one_run(skdash, n, keys_after, &during, &after, &timeouts);
    if (done == runs) {
        rc = report("while listing", &during, runs, timeouts);
        rc |= report("after listing", &after, runs, timeouts);
    }
    free(during.v);
    free(after.v);
out:
    if (home && !bench_dash_home_remove(dir))
        rc = rc ? rc : 1;
    bench_env_stop(&e);
    return rc;
}
