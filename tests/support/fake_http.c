/* fake_http.c: the loopback server behind tests' scripted answers: accept, read a request
 * (headers and Content-Length body), hand its request line to the test's answer function. */
#include "fake_http.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

bool fake_http_send(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
        if (w <= 0)
            return false;
        c += w;
        n -= (size_t)w;
    }
    return true;
}

bool fake_http_send_str(int fd, const char *s)
{
    return fake_http_send(fd, s, strlen(s));
}

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

bool fake_http_reply(int fd, int status, const char *body)
{
    char hdr[256];
    snprintf(hdr, sizeof hdr, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
             "Content-Length: %zu\r\n\r\n", status, reason(status), strlen(body));
    return fake_http_send_str(fd, hdr) && fake_http_send_str(fd, body);
}

/* Reads one request (headers, then as much body as Content-Length says) and copies its first
 * line into `line` and its head into s->headers; false at EOF or on a request too large to be
 * one of ours. */
static bool read_request(fake_http *s, int fd, char *line, size_t n)
{
    char buf[16384];
    size_t len = 0;
    char *end = NULL;
    while (!end) {
        if (len + 1 >= sizeof buf)
            return false;
        ssize_t r = recv(fd, buf + len, sizeof buf - 1 - len, 0);
        if (r <= 0)
            return false;
        len += (size_t)r;
        buf[len] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    size_t have = len - (size_t)(end + 4 - buf);
    const char *cl = strstr(buf, "Content-Length:");
    size_t want = cl && cl < end ? (size_t)strtoul(cl + 15, NULL, 10) : 0;
    size_t l = strcspn(buf, "\r\n");
    snprintf(line, n, "%.*s", (int)l, buf);
    snprintf(s->headers, sizeof s->headers, "%.*s", (int)(end + 4 - buf), buf);
    while (have < want) {
        ssize_t r = recv(fd, buf, sizeof buf, 0);
        if (r <= 0)
            return false;
        have += (size_t)r;
    }
    return true;
}

/* One thread, one request at a time, but every connection the client holds open is served:
 * the client's page lane keeps connections of its own beside curl's (client.c), so waiting on
 * one connection until it closes would starve the other. */
#define FAKE_CONNS 32

static long long mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void *serve(void *ud)
{
    fake_http *s = ud;
    int conns[FAKE_CONNS];
    long long since[FAKE_CONNS];   /* accepted or last answered (idle_close_ms) */
    int n = 0;
    for (;;) {
        struct pollfd p[FAKE_CONNS + 2];
        p[0] = (struct pollfd){ s->wake[0], POLLIN, 0 };
        p[1] = (struct pollfd){ s->fd, POLLIN, 0 };
        int wait = -1;
        long long now = mono_ms();
        for (int i = 0; i < n; i++) {
            p[i + 2] = (struct pollfd){ conns[i], POLLIN, 0 };
            long long left = since[i] + s->idle_close_ms - now;
            if (s->idle_close_ms > 0 && (wait < 0 || left < wait))
                wait = left > 0 ? (int)left : 0;
        }
        if (poll(p, (nfds_t)n + 2, wait) < 0)
            continue;
        if (p[0].revents)
            break;
        now = mono_ms();
        for (int i = n - 1; i >= 0; i--) {
            if (!p[i + 2].revents) {
                if (s->idle_close_ms > 0 && now - since[i] >= s->idle_close_ms) {
                    close(conns[i]);
                    since[i] = since[n - 1];
                    conns[i] = conns[--n];
                }
                continue;
            }
            char line[512];
            if (!read_request(s, conns[i], line, sizeof line) ||
                !s->answer(s->ud, conns[i], line)) {
                close(conns[i]);
                since[i] = since[n - 1];
                conns[i] = conns[--n];
            } else {
                since[i] = mono_ms();
            }
        }
        if (p[1].revents & POLLIN) {
            int c = accept(s->fd, NULL, NULL);
            if (c >= 0 && n < FAKE_CONNS) {
                since[n] = mono_ms();
                conns[n++] = c;
            } else if (c >= 0) {
                close(c);
            }
        }
    }
    for (int i = 0; i < n; i++)
        close(conns[i]);
    return NULL;
}

void fake_http_start(fake_http *s, fake_http_fn answer, void *ud)
{
    fake_http_start_idle(s, answer, ud, 0);
}

void fake_http_start_idle(fake_http *s, fake_http_fn answer, void *ud, int idle_close_ms)
{
    memset(s, 0, sizeof *s);
    s->answer = answer;
    s->ud = ud;
    s->idle_close_ms = idle_close_ms;
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s->fd >= 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(s->fd, 16), 0);
    socklen_t al = sizeof a;
    assert_int_equal(getsockname(s->fd, (struct sockaddr *)&a, &al), 0);
    s->port = ntohs(a.sin_port);
    snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d", s->port);
    assert_int_equal(pipe(s->wake), 0);
    assert_int_equal(pthread_create(&s->th, NULL, serve, s), 0);
}

void fake_http_stop(fake_http *s)
{
    if (write(s->wake[1], "x", 1) != 1)
        shutdown(s->fd, SHUT_RDWR);
    pthread_join(s->th, NULL);
    close(s->fd);
    close(s->wake[0]);
    close(s->wake[1]);
}
