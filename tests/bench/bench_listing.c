/* bench_listing.c: one scenario of the listing benchmark: N accounts over 50 connections in
 * skemu at a given latency; full listing and first rows against their lower bounds, the
 * speed-up over listing one page after another, the client's CPU per account and, at 0 ms,
 * what the same page requests cost with nothing parsed (through the client, on libcurl's
 * connections without its HTTP, on plain sockets). Usage: bench_listing N LATENCY_MS [SEED] */
#include "common.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api.h"
#include "buf.h"
#include "listing.h"
#include "mem.h"
#include "parse.h"
#include "store.h"

#define CONNS 50
#define PAGE 99
#define CONN_PAGE 30          /* listing.c asks for connections 30 at a time (the API's most) */
#define CONCURRENCY 4         /* listing_opts' default, what the dashboard uses */
#define SAMPLES 9

/* ---------------------------------------------------------------- round trips */

static void on_accounts(void *ud, const sk_account_page *p, const sk_error *err)
{
    (void)p;
    *(int *)ud = err->status == SK_OK ? 1 : -1;
}

static void on_connections(void *ud, const sk_connection_page *p, const sk_error *err)
{
    (void)p;
    *(int *)ud = err->status == SK_OK ? 1 : -1;
}

/* Median time of one parsed request at a time on a warm client (keep-alive, token held). */
static double rtt_accounts(sk_client *c, const char *connector, int page_size)
{
    double v[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
        int st = 0;
        api_list_query q = { 0 };
        q.connector = connector;
        q.page_size = page_size;
        double t = bench_now_ms();
        api_list_accounts(c, &q, on_accounts, &st);
        client_run(c);
        v[i] = bench_now_ms() - t;
        if (st != 1)
            return -1;
    }
    return bench_median(v, SAMPLES);
}

static double rtt_connections(sk_client *c)
{
    double v[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
        int st = 0;
        double t = bench_now_ms();
        api_list_connections(c, CONN_PAGE, NULL, on_connections, &st);
        client_run(c);
        v[i] = bench_now_ms() - t;
        if (st != 1)
            return -1;
    }
    return bench_median(v, SAMPLES);
}

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return size * n;
}

/* The token endpoint's URL and the form that asks it for a token (the form holds the secret:
 * the caller wipes it). */
static void token_form(const bench_env *e, char url[600], char form[512])
{
    char *id = curl_easy_escape(NULL, e->cfg.client_id, 0),
         *sec = curl_easy_escape(NULL, e->cfg.client_secret, 0);
    snprintf(url, 600, "%s/oauth/token", e->cfg.environment_url);
    snprintf(form, 512, "grant_type=client_credentials&client_id=%s&client_secret=%s",
             id ? id : "", sec ? sec : "");
    curl_free(id);
    curl_free(sec);
}

/* The token fetch as a starting dashboard sees it: a new TCP connection, then the POST. */
static double rtt_token(const bench_env *e)
{
    double v[SAMPLES];
    char url[600], form[512];
    token_form(e, url, form);
    for (int i = 0; i < SAMPLES; i++) {
        CURL *h = curl_easy_init();
        if (!h)
            return -1;
        curl_easy_setopt(h, CURLOPT_URL, url);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, form);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
        long code = 0;
        double t = bench_now_ms();
        CURLcode rc = curl_easy_perform(h);
        v[i] = bench_now_ms() - t;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
        curl_easy_cleanup(h);
        if (rc != CURLE_OK || code != 200)
            return -1;
    }
    mem_wipe(form, sizeof form);
    return bench_median(v, SAMPLES);
}

/* ---------------------------------------------------------------- the scenario */

typedef struct shape {
    size_t accounts, api_conns;
    size_t all_pages, chain, conn_pages;
    double largest_share;
    char largest[128];
    char names[64][128];      /* the connections, in the API's order */
    size_t n_names;
} shape;

static size_t pages_of(size_t n) { return n ? (n + PAGE - 1) / PAGE : 1; }

/* Pages per connection from the connections' totals (every account was listed). */
static void shape_of(const sk_store *s, shape *sh)
{
    memset(sh, 0, sizeof *sh);
    size_t big = 0;
    for (size_t i = 0; i < store_connection_count(s); i++) {
        sk_conn_summary cs;
        store_connection(s, i, &cs);
        size_t p = pages_of(cs.total);
        sh->all_pages += p;
        sh->accounts += cs.total;
        sh->api_conns += cs.from_api;
        if (p > sh->chain)
            sh->chain = p;
        if (sh->n_names < 64)
            snprintf(sh->names[sh->n_names++], sizeof sh->names[0], "%s", cs.name ? cs.name : "");
        if (cs.total > big) {
            big = cs.total;
            snprintf(sh->largest, sizeof sh->largest, "%s", cs.name ? cs.name : "");
        }
    }
    sh->conn_pages = sh->api_conns ? (sh->api_conns + CONN_PAGE - 1) / CONN_PAGE : 1;
    sh->largest_share = sh->accounts ? (double)big / (double)sh->accounts : 0;
}

#define REPS_MAX 5

static int repeats_for(long n, int latency)
{
    if (n >= 1000000)
        return 1;   /* bench-1m: one listing of a million is the figure */
    /* 100,000 at 0 ms holds the client-CPU target: its listings' CPU varies by a tenth from one
     * to the next on these shared cores, so the median is of five (half a second more). */
    if (n == 100000 && latency == 0)
        return REPS_MAX;
    return n <= 10000 || latency == 0 ? 3 : 1;
}

/* Median of the runs for each figure (each run is a fresh client and a fresh store). */
typedef struct figures {
    double whole, accounts, first, seq, cpu, server_cpu, others, steal;
    unsigned long pages;
} figures;

static bool measure(const bench_env *e, int reps, figures *f, shape *sh)
{
    double whole[REPS_MAX], acc[REPS_MAX], first[REPS_MAX], cpu[REPS_MAX], scpu[REPS_MAX];
    double others[REPS_MAX], steal[REPS_MAX];
    bench_run r;
    for (int i = 0; i < reps; i++) {
        if (!bench_list(e, CONCURRENCY, &r))
            return false;
        whole[i] = r.t_done - r.t0;
        acc[i] = r.t_done - r.t_conns;
        first[i] = r.t_first - r.t0;
        cpu[i] = r.cpu_ms;
        scpu[i] = r.server_cpu_ms;
        others[i] = r.others_ms;
        steal[i] = r.steal_ms;
        f->pages = r.pages;
        if (i == 0)
            shape_of(r.store, sh);
        store_free(r.store);
    }
    f->whole = bench_median(whole, (size_t)reps);
    f->accounts = bench_median(acc, (size_t)reps);
    f->first = bench_median(first, (size_t)reps);
    f->cpu = bench_median(cpu, (size_t)reps);
    f->server_cpu = bench_median(scpu, (size_t)reps);
    f->others = bench_median(others, (size_t)reps);
    f->steal = bench_median(steal, (size_t)reps);
    if (!bench_list(e, 1, &r))
        return false;
    f->seq = r.t_done - r.t0;
    store_free(r.store);
    return true;
}

/* ---------------------------------------------------------------- the transport alone */

/* Where a listing's client CPU goes besides reading the pages: the same number of page
 * requests, CONCURRENCY in flight, with nothing parsed or stored, three ways: through the
 * client (libcurl's HTTP, as the listing sends them), the same bytes over plain sockets (the
 * kernel's TCP with no HTTP library), and on libcurl's connections without its HTTP layer.
 * Information, not targets: they bound what the scan and the store can win, and show what
 * libcurl's HTTP costs a request. */

static unsigned long n_answered, n_pages;

static void on_answer(void *ud, const sk_response *r)
{
    (void)ud;
    n_answered++;
    n_pages += r->err.status == SK_OK && r->http_status == 200 && r->len > 0;
}

/* Client CPU (ms) of `pages` GETs of path through a warm client; -1 when one failed. */
static double via_client(sk_client *c, const char *path, unsigned long pages)
{
    n_answered = n_pages = 0;
    unsigned long sent = 0;
    double t = bench_self_cpu_ms();
    while (n_answered < pages) {
        for (; sent < pages && sent - n_answered < CONCURRENCY; sent++)
            if (!client_request(c, "GET", path, NULL, on_answer, NULL))
                return -1;
        client_wait(c, NULL, 0, 100);
        client_step(c);
    }
    t = bench_self_cpu_ms() - t;
    return n_pages == pages ? t : -1;
}

static size_t keep_token(char *p, size_t size, size_t n, void *ud)
{
    sk_buf *b = ud;
    return buf_add(b, p, size * n) ? size * n : 0;
}

static void buf_wipe(sk_buf *b)
{
    if (b->s)
        mem_wipe(b->s, b->cap);
    buf_free(b);
}

/* Where needle (n bytes) first is in s[0..len), or NULL. */
static const char *find(const char *s, size_t len, const char *needle, size_t n)
{
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(s + i, needle, n) == 0)
            return s + i;
    return NULL;
}

/* The bytes curl sends for a GET of path from the client, with a fresh token: the request
 * line and the headers of client.c's build_headers (written out here, so a header added there
 * is to be added here too; test_client checks the client's on the wire). */
static bool raw_request(const bench_env *e, const char *path, sk_buf *out)
{
    char url[600], form[512];
    token_form(e, url, form);
    sk_buf answer = { 0 };
    CURL *h = curl_easy_init();
    CURLcode rc = CURLE_FAILED_INIT;
    if (h) {
        curl_easy_setopt(h, CURLOPT_URL, url);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, form);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep_token);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &answer);
        rc = curl_easy_perform(h);
        curl_easy_cleanup(h);
    }
    mem_wipe(form, sizeof form);
    sk_token tok = { 0 };
    sk_error err;
    bool ok = rc == CURLE_OK && answer.s &&
              parse_token(answer.s, answer.len, &tok, &err) == SK_OK && tok.access_token;
    if (ok) {
        const char *host = strstr(e->cfg.environment_url, "://");
        char line[1024];
        snprintf(line, sizeof line,
                 "GET %s HTTP/1.1\r\nHost: %s\r\nAccept: application/json\r\n"
                 "User-Agent: skdash/0.1\r\nAccept-Encoding: deflate, gzip, br, zstd\r\n"
                 "Authorization: Bearer ", path, host ? host + 3 : "");
        ok = buf_adds(out, line) && buf_adds(out, tok.access_token) &&
             buf_adds(out, "\r\n\r\n");
    }
    parse_token_free(&tok);
    buf_wipe(&answer);
    return ok;
}

/* One kept-alive connection and the answer being read on it (status line, headers and the
 * Content-Length bytes after them). `h`: the curl handle that opened it (NULL: a plain socket,
 * read and written with recv and send). */
typedef struct raw_conn {
    int fd;
    CURL *h;
    bool busy;
    size_t got, need;
    char in[64 * 1024];
} raw_conn;

/* n more bytes read into rc->in: false when the answer is not a whole 200 page. */
static bool raw_took(raw_conn *rc, size_t n)
{
    rc->got += n;
    if (!rc->need) {
        const char *he = find(rc->in, rc->got, "\r\n\r\n", 4);
        if (!he)
            return rc->got < sizeof rc->in;
        const char *cl = find(rc->in, (size_t)(he - rc->in), "Content-Length: ", 16);
        if (!cl || strncmp(rc->in, "HTTP/1.1 200 ", 13) != 0)
            return false;
        rc->need = (size_t)(he + 4 - rc->in) + strtoul(cl + 16, NULL, 10);
        if (rc->need > sizeof rc->in)
            return false;
    }
    if (rc->got >= rc->need) {
        rc->busy = false;
        rc->got = rc->need = 0;
    }
    return true;
}

static bool raw_send(raw_conn *rc, const sk_buf *req)
{
    size_t n = 0;
    if (rc->h)
        return curl_easy_send(rc->h, req->s, req->len, &n) == CURLE_OK && n == req->len;
    return send(rc->fd, req->s, req->len, MSG_NOSIGNAL) == (ssize_t)req->len;
}

/* Reads what is there; false on an error, the end of the connection or a wrong answer. */
static bool raw_read(raw_conn *rc)
{
    size_t room = sizeof rc->in - rc->got, n = 0;
    if (rc->h) {
        CURLcode r = curl_easy_recv(rc->h, rc->in + rc->got, room, &n);
        return r == CURLE_AGAIN || (r == CURLE_OK && n && raw_took(rc, n));
    }
    ssize_t got = recv(rc->fd, rc->in + rc->got, room, 0);
    return got > 0 && raw_took(rc, (size_t)got);
}

/* A connection to skemu: a plain socket, or (curl) one libcurl opens with CURLOPT_CONNECT_ONLY
 * (its connect, DNS, TLS and proxy tunnel) for curl_easy_send and curl_easy_recv. */
static bool raw_open(const bench_env *e, raw_conn *rc, bool curl)
{
    memset(rc, 0, offsetof(raw_conn, in));
    rc->fd = -1;
    if (curl) {
        curl_socket_t fd = CURL_SOCKET_BAD;
        if (!(rc->h = curl_easy_init()))
            return false;
        curl_easy_setopt(rc->h, CURLOPT_URL, e->cfg.environment_url);
        curl_easy_setopt(rc->h, CURLOPT_CONNECT_ONLY, 1L);
        curl_easy_setopt(rc->h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(rc->h, CURLOPT_BUFFERSIZE, (long)sizeof rc->in);   /* as the lane */
        if (curl_easy_perform(rc->h) != CURLE_OK ||
            curl_easy_getinfo(rc->h, CURLINFO_ACTIVESOCKET, &fd) != CURLE_OK)
            return false;
        rc->fd = (int)fd;
        return fd != CURL_SOCKET_BAD;
    }
    struct sockaddr_in sa = { 0 };
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)e->p.port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    if ((rc->fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
        return false;
    setsockopt(rc->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);   /* as curl does */
    return connect(rc->fd, (struct sockaddr *)&sa, sizeof sa) == 0;
}

static void raw_close(raw_conn *rc)
{
    if (rc->h)
        curl_easy_cleanup(rc->h);   /* closes its socket */
    else if (rc->fd >= 0)
        close(rc->fd);
}

/* Client CPU (ms) of `pages` such requests over CONCURRENCY kept-alive connections, plain
 * sockets or libcurl's (curl); -1 when one failed. */
static double via_raw(const bench_env *e, const sk_buf *req, unsigned long pages, bool curl)
{
    static raw_conn conn[CONCURRENCY];
    double cpu = -1;
    int opened = 0;
    while (opened < CONCURRENCY) {
        bool ok = raw_open(e, &conn[opened], curl);
        opened++;
        if (!ok)
            goto out;
    }
    unsigned long sent = 0, done = 0;
    double t = bench_self_cpu_ms();
    while (done < pages) {
        struct pollfd p[CONCURRENCY];
        for (int i = 0; i < CONCURRENCY; i++) {
            if (!conn[i].busy && sent < pages) {
                if (!raw_send(&conn[i], req))
                    goto out;
                conn[i].busy = true;
                sent++;
            }
            p[i].fd = conn[i].fd;
            p[i].events = POLLIN;
            p[i].revents = 0;
        }
        if (poll(p, CONCURRENCY, 1000) <= 0)
            goto out;
        for (int i = 0; i < CONCURRENCY; i++)
            if (p[i].revents & (POLLIN | POLLHUP | POLLERR)) {
                if (!raw_read(&conn[i]))
                    goto out;
                done += !conn[i].busy;
            }
    }
    cpu = bench_self_cpu_ms() - t;
out:
    for (int i = 0; i < opened; i++)
        raw_close(&conn[i]);
    return cpu;
}

typedef struct transport {
    double client_ms, sockets_ms, connect_only_ms;
} transport;

/* Medians of three runs of each; false when a request failed. */
static bool measure_transport(const bench_env *e, const shape *sh, unsigned long pages,
                              transport *t)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/connected_accounts?connector=%s&page_size=%d",
             sh->largest, PAGE);
    /* Each transfer mallocs curl's 64 KB read buffer and the client's page buffer and frees
     * both when it ends; with nothing above them on the heap, glibc hands that top back to the
     * system (above 128 KB free) and the next transfer faults it in again: some 4,500 page
     * faults (about 6 ms) a run of this alone, where a listing's store keeps the top in use
     * (about 100 of its faults a listing are these buffers'). Not trimming makes this run pay
     * what a listing pays. The listings above were measured before, with glibc's defaults. */
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    sk_client *c = bench_client(e);
    sk_buf req = { 0 };
    double vc[3], vs[3], vo[3];
    bool ok = c && via_client(c, path, 1) >= 0 && raw_request(e, path, &req);
    for (int i = 0; ok && i < 3; i++) {
        vc[i] = via_client(c, path, pages);
        vs[i] = via_raw(e, &req, pages, false);
        vo[i] = via_raw(e, &req, pages, true);
        ok = vc[i] >= 0 && vs[i] >= 0 && vo[i] >= 0;
    }
    client_free(c);
    buf_wipe(&req);
    if (!ok)
        return false;
    t->client_ms = bench_median(vc, 3);
    t->sockets_ms = bench_median(vs, 3);
    t->connect_only_ms = bench_median(vo, 3);
    return true;
}

static int scenario(long n, int latency, unsigned seed)
{
    bench_env e;
    if (!bench_env_start(&e, n, CONNS, seed, latency))
        return 2;
    figures f = { 0 };
    shape sh;
    int rc = 2;
    if (!measure(&e, repeats_for(n, latency), &f, &sh))
        goto out;
    sk_client *c = bench_client(&e);
    if (!c)
        goto out;
    double tok = rtt_token(&e);
    double small = rtt_accounts(c, sh.largest, 1);   /* token fetched on the first one */
    small = rtt_accounts(c, sh.largest, 1);
    double page = rtt_accounts(c, sh.largest, PAGE);
    double conn = rtt_connections(c);
    client_free(c);
    if (tok < 0 || small < 0 || page < 0 || conn < 0) {
        fprintf(stderr, "bench: a round-trip request failed\n");
        goto out;
    }
    rc = 0;
    printf("scenario: %ld accounts, %d connections, --latency-ms %d, seed %u\n", n, CONNS, latency, seed);
    printf("  data: %zu accounts listed, largest connection %s holds %.1f%%; %zu account pages "
           "(longest chain %zu), %zu connection page(s); %lu pages requested\n",
           sh.accounts, sh.largest, 100 * sh.largest_share, sh.all_pages, sh.chain, sh.conn_pages,
           f.pages);
    printf("  round trips (median of %d, one at a time): token %.2f ms (new TCP connection), "
           "connections page %.2f ms, 99-row page %.2f ms, 1-row page %.2f ms\n",
           SAMPLES, tok, conn, page, small);
    if (sh.accounts != (size_t)n || f.pages != sh.all_pages + sh.conn_pages) {
        printf("  FAIL data check: expected %ld accounts and %zu pages\n", n, sh.all_pages + sh.conn_pages);
        rc = 1;
    }
    double chain_ms = (double)sh.chain * page, spread = (double)sh.all_pages * page / CONCURRENCY;
    double bound = chain_ms > spread ? chain_ms : spread;
    double before = tok + (double)sh.conn_pages * conn;
    char name[96], note[256];
    const char *tag = n >= 1000000 ? "1m" : n >= 100000 ? "100k" : n >= 10000 ? "10k" : "1k";
    snprintf(note, sizeof note, "bound = max(%zu x page RTT, %zu x page RTT / %d)", sh.chain,
             sh.all_pages, CONCURRENCY);
    /* The round-trip formula is the target where the network sets the pace. At 0 ms a round
     * trip is the two processes' CPU on shared cores, so there it is information (with its
     * ratio) and the CPU floor below is the honest bound (issue 14). */
    double limit = latency > 0 ? 1.25 : 0;
    snprintf(name, sizeof name, "listing %s @%dms: accounts phase", tag, latency);
    rc |= !bench_result(name, f.accounts, "ms", bound, limit, note);
    snprintf(name, sizeof name, "listing %s @%dms: whole", tag, latency);
    rc |= !bench_result(name, f.whole, "ms", before + bound, limit,
                        "bound + token + connection pages");
    /* The API may name the largest connection anywhere: listed last, it is found once the
     * first pages of all have been asked, and its chain, the critical path, starts then.
     * Information, at 100,000 accounts and a real round trip (where the network sets the
     * pace), against the same bound. */
    if (latency > 0 && n == 100000 && sh.n_names > 1) {
        const char *only[64];
        size_t k = 0;
        for (size_t i = 0; i < sh.n_names; i++)
            if (strcmp(sh.names[i], sh.largest) != 0)
                only[k++] = sh.names[i];
        only[k++] = sh.largest;
        bench_run lr;
        if (bench_list_only(&e, CONCURRENCY, only, k, &lr)) {
            char last_note[512];
            snprintf(last_note, sizeof last_note, "%s named last of %zu; %s", sh.largest, k, note);
            snprintf(name, sizeof name, "listing %s @%dms: accounts phase, the largest last", tag,
                     latency);
            bench_result(name, lr.t_done - lr.t_conns, "ms", bound, 0, last_note);
            store_free(lr.store);
        } else {
            printf("  (the listing with the largest connection last failed)\n");
        }
    }
    snprintf(name, sizeof name, "listing %s @%dms: speed-up over sequential", tag, latency);
    snprintf(note, sizeof note, "one page after another: %.0f ms", f.seq);
    bench_result(name, f.seq / f.whole, "x", 0, 0, note);
    snprintf(name, sizeof name, "listing %s @%dms: client CPU per account", tag, latency);
    snprintf(note, sizeof note, "client %.0f ms CPU, skemu %.0f ms CPU over the listing (%ld cores)",
             f.cpu, f.server_cpu, sysconf(_SC_NPROCESSORS_ONLN));
    /* Issue 14's target: at most 1.0 µs of client CPU per account listed at 100,000 (at 0 ms,
     * where nothing but the work itself is counted). */
    bool cpu_target = latency == 0 && n == 100000;
    rc |= !bench_result(name, f.cpu * 1e3 / (double)n, "us", cpu_target ? 1.0 : 0,
                        cpu_target ? 1.0 : 0, note);
    /* Where that CPU goes (0 ms only: with real latency the client's CPU per request is the
     * same work with colder caches, and the split says nothing more). */
    transport tr;
    if (latency == 0 && measure_transport(&e, &sh, (unsigned long)sh.all_pages, &tr)) {
        snprintf(name, sizeof name, "listing %s @%dms: transport alone per account", tag, latency);
        snprintf(note, sizeof note, "the %zu page requests through the client (libcurl), nothing "
                 "parsed: %.0f ms CPU", sh.all_pages, tr.client_ms);
        bench_result(name, tr.client_ms * 1e3 / (double)n, "us", 0, 0, note);
        snprintf(name, sizeof name, "listing %s @%dms: plain sockets per account", tag, latency);
        snprintf(note, sizeof note, "the same requests with no HTTP library (the kernel's TCP "
                 "alone): %.0f ms CPU", tr.sockets_ms);
        bench_result(name, tr.sockets_ms * 1e3 / (double)n, "us", 0, 0, note);
        snprintf(name, sizeof name, "listing %s @%dms: CONNECT_ONLY per account", tag,
                 latency);
        snprintf(note, sizeof note, "the same requests on libcurl's connections without its HTTP "
                 "(CONNECT_ONLY): %.0f ms CPU", tr.connect_only_ms);
        bench_result(name, tr.connect_only_ms * 1e3 / (double)n, "us", 0, 0, note);
    } else if (latency == 0) {
        printf("  (the transport alone could not be measured: a request failed)\n");
    }
    /* At a short round trip a "round trip" is itself CPU of the client and skemu, which share
     * the machine's cores: the listing cannot beat the client's own CPU time (one thread) nor
     * both processes' CPU spread over the cores, whatever the schedule. Reported, not a target,
     * and only at 0 ms (with real latency the listing waits, and the floor says nothing). */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    double spread_cpu = (f.cpu + f.server_cpu) / (double)(cores > 0 ? cores : 1);
    double floor_ms = f.cpu > spread_cpu ? f.cpu : spread_cpu;
    snprintf(name, sizeof name, "listing %s @%dms: accounts phase / CPU floor", tag, latency);
    snprintf(note, sizeof note, "floor = max(client CPU %.0f ms, (client + skemu CPU) / %ld cores"
             " %.0f ms) = %.0f ms; meanwhile other processes %.0f ms CPU, steal %.0f ms",
             f.cpu, cores, spread_cpu, floor_ms, f.others, f.steal);
    /* At 1,000,000 accounts (bench-1m) the floor is the target: at most 1.25 times it. */
    if (latency == 0 && n >= 1000000)
        rc |= !bench_result(name, f.accounts, "ms", floor_ms, 1.25, note);
    else if (latency == 0)
        bench_result(name, floor_ms > 0 ? f.accounts / floor_ms : 0, "x", 0, 0, note);
    snprintf(name, sizeof name, "first rows %s @%dms (core)", tag, latency);
    rc |= !bench_result(name, f.first, "ms", before + page + 50, 1.0,
                        "bound = token + connection pages + first page + 50 ms");
out:
    bench_env_stop(&e);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_listing N LATENCY_MS [SEED]\n");
        return 2;
    }
    long n = strtol(argv[1], NULL, 10);
    int latency = (int)strtol(argv[2], NULL, 10);
    unsigned seed = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 10) : 42;
    if (n < 1 || latency < 0)
        return 2;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = scenario(n, latency, seed);
    curl_global_cleanup();
    return rc;
}
