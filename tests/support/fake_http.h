/* fake_http.h: a scripted HTTP/1.1 server on a free loopback port (one thread answering one
 * request at a time, on every connection the client keeps alive) for
 * the answers skemu cannot be asked for: lost, hung, huge, refused or hostile ones. */
#ifndef FAKE_HTTP_H
#define FAKE_HTTP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

/* Answers one request; `line` is its request line ("GET /path HTTP/1.1"), the headers and body
 * already read. Returns false to close the connection (an answer lost or cut). */
typedef bool (*fake_http_fn)(void *ud, int fd, const char *line);

typedef struct fake_http {
    int fd, port;
    int wake[2];    /* fake_http_stop's pipe to the serving thread */
    char url[64];   /* http://127.0.0.1:PORT */
    pthread_t th;
    fake_http_fn answer;
    void *ud;
    int idle_close_ms;    /* > 0: a connection that sends no request for this long is closed */
    char headers[4096];   /* the head of the request being answered (the answer's thread) */
} fake_http;

/* Listens and serves on a thread of its own; fails the test when it cannot. */
void fake_http_start(fake_http *s, fake_http_fn answer, void *ud);
/* The same, closing each connection that sends no request for idle_close_ms (from its accept
 * or its last answer), as servers close idle kept connections. */
void fake_http_start_idle(fake_http *s, fake_http_fn answer, void *ud, int idle_close_ms);
/* Joins the thread (once the answer being written, if any, is done) and closes every
 * connection. */
void fake_http_stop(fake_http *s);

/* Writes all of p (false once the peer is gone). */
bool fake_http_send(int fd, const void *p, size_t n);
bool fake_http_send_str(int fd, const char *s);
/* A whole JSON answer with its Content-Length. */
bool fake_http_reply(int fd, int status, const char *body);

#endif
