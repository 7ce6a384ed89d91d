/* emu_server.c: libmicrohttpd glue for skemu: one thread per connection (so one slow or hung
 * request never holds up the others), bodies collected up to 1 MiB, one log line per request. */
#include "emu_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "emu_util.h"

struct emu_server {
    emu *e;
    struct MHD_Daemon *d;
    int port;
    bool quiet;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stopping;
};

/* What one request collects between MHD's calls. */
typedef struct req_state {
    char *uri;
    emu_buf body;
    bool too_large;
    bool started;
    double t0;
} req_state;

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)cls;
    (void)conn;
    req_state *r = calloc(1, sizeof *r);
    if (r) r->uri = emu_strdup(uri ? uri : "/");
    return r;
}

static void on_done(void *cls, struct MHD_Connection *conn, void **con_cls,
                    enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    req_state *r = *con_cls;
    if (!r) return;
    free(r->uri);
    free(r->body.data);
    free(r);
    *con_cls = NULL;
}

/* Sleeps up to ms (forever when ms < 0); returns false when skemu is shutting down. */
static bool wait_ms(emu_server *s, long ms)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    if (ms >= 0) {
        until.tv_sec += ms / 1000;
        until.tv_nsec += (ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
    }
    pthread_mutex_lock(&s->lock);
    int rc = 0;
    while (!s->stopping && rc != ETIMEDOUT) {
        if (ms < 0) pthread_cond_wait(&s->cond, &s->lock);
        else rc = pthread_cond_timedwait(&s->cond, &s->lock, &until);
    }
    bool alive = !s->stopping;
    pthread_mutex_unlock(&s->lock);
    return alive;
}

static void log_line(emu_server *s, const char *method, const char *uri, const char *status,
                     double t0)
{
    if (s->quiet) return;
    /* The URI is whatever the client sent: keep control bytes off the terminal. */
    char clean[1024];
    size_t n = 0;
    for (const char *p = uri; *p && n + 4 < sizeof clean; p++)
        clean[n++] = ((unsigned char)*p < 0x20 || *p == 0x7f) ? '?' : *p;
    if (*uri && n + 4 >= sizeof clean) {
        memcpy(clean + n, "...", 3);
        n += 3;
    }
    clean[n] = '\0';
    fprintf(stderr, "%s %s %s %ldms\n", method, clean, status,
            (long)((emu_now_mono() - t0) * 1000.0 + 0.5));
}

static enum MHD_Result answer(emu_server *s, struct MHD_Connection *conn, const char *method,
                              req_state *r)
{
    emu_request rq = {
        .method = method,
        .uri = r->uri,
        .authorization = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization"),
        .content_type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type"),
        .body = r->body.data,
        .body_len = r->body.len,
        .body_too_large = r->too_large,
    };
    emu_response rs;
    emu_handle(s->e, &rq, &rs);
    if (rs.hang) {
        wait_ms(s, -1);
        log_line(s, method, r->uri, "hung", r->t0);
        emu_response_free(&rs);
        return MHD_NO;
    }
    if (rs.delay_ms > 0 && !wait_ms(s, rs.delay_ms)) {
        emu_response_free(&rs);
        return MHD_NO;
    }
    if (rs.lost) {
        /* --lose-rate: the request was carried out; MHD_NO closes the connection with no
         * response at all, as a proxy or a network dropping the answer would. */
        char st[24];
        snprintf(st, sizeof st, "lost(%d)", rs.status);
        log_line(s, method, r->uri, st, r->t0);
        emu_response_free(&rs);
        return MHD_NO;
    }
    struct MHD_Response *resp = MHD_create_response_from_buffer(rs.body_len, rs.body,
                                                                MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        emu_response_free(&rs);
        return MHD_NO;
    }
    rs.body = NULL;
    if (rs.content_type) MHD_add_response_header(resp, "Content-Type", rs.content_type);
    if (rs.retry_after > 0) {
        char ra[32];
        snprintf(ra, sizeof ra, "%ld", rs.retry_after);
        MHD_add_response_header(resp, "Retry-After", ra);
    }
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    enum MHD_Result ok = MHD_queue_response(conn, (unsigned)rs.status, resp);
    MHD_destroy_response(resp);
    char st[16];
    snprintf(st, sizeof st, "%d", rs.status);
    log_line(s, method, r->uri, st, r->t0);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)version;
    emu_server *s = cls;
    req_state *r = *con_cls;
    if (!r) {
        /* Only when the URI callback could not allocate. */
        r = calloc(1, sizeof *r);
        if (!r) return MHD_NO;
        r->uri = emu_strdup(url);
        *con_cls = r;
    }
    if (!r->started) {
        r->started = true;
        r->t0 = emu_now_mono();
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        /* Past 1 MiB keep reading (and dropping) so the client gets a clean 413. */
        if (!r->too_large && r->body.len + *upload_data_size <= EMU_MAX_BODY)
            emu_buf_append(&r->body, upload_data, *upload_data_size);
        else r->too_large = true;
        *upload_data_size = 0;
        return MHD_YES;
    }
    return answer(s, conn, method, r);
}

static int bound_port(struct MHD_Daemon *d)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_LISTEN_FD);
    if (!info) return -1;
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    if (getsockname(info->listen_fd, (struct sockaddr *)&sa, &len) != 0) return -1;
    return ntohs(sa.sin_port);
}

emu_server *emu_server_start(emu *e, int port, bool quiet, const char *cert_pem,
                             const char *key_pem, char *err, size_t errlen)
{
    bool tls = cert_pem && key_pem;
    if (tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        snprintf(err, errlen, "this libmicrohttpd was built without TLS");
        return NULL;
    }
    emu_server *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->e = e;
    s->quiet = quiet;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cond, NULL);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /* Without TLS the array is empty (it ends at once); MHD copies neither string. */
    struct MHD_OptionItem tls_opts[] = {
        { tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, (void *)cert_pem },
        { MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)key_pem },
        { MHD_OPTION_END, 0, NULL },
    };
    s->d = MHD_start_daemon(MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD |
                                MHD_USE_THREAD_PER_CONNECTION | (tls ? MHD_USE_TLS : 0),
                            (uint16_t)port, NULL, NULL, on_request, s,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                            MHD_OPTION_ARRAY, tls_opts,
                            MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
                            MHD_OPTION_NOTIFY_COMPLETED, on_done, s,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)300,
                            MHD_OPTION_END);
    if (!s->d) {
        snprintf(err, errlen, tls ? "cannot serve HTTPS on 127.0.0.1:%d (port in use, or a "
                                    "certificate or key GnuTLS cannot read?)"
                                  : "cannot listen on 127.0.0.1:%d (in use?)", port);
        pthread_cond_destroy(&s->cond);
        pthread_mutex_destroy(&s->lock);
        free(s);
        return NULL;
    }
    s->port = bound_port(s->d);
    return s;
}

int emu_server_port(const emu_server *s)
{
    return s->port;
}

void emu_server_stop(emu_server *s)
{
    if (!s) return;
    pthread_mutex_lock(&s->lock);
    s->stopping = true;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
    MHD_stop_daemon(s->d);
    pthread_cond_destroy(&s->cond);
    pthread_mutex_destroy(&s->lock);
    free(s);
}
