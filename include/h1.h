/* h1.h: reads one HTTP/1.1 answer off a connection on which the client writes its own
 * requests (the page lane, client.c): the status line, the headers the client acts on, and the
 * body by Content-Length, by chunks, or to the connection's close.
 * The bytes are the server's and untrusted: every length is bounded (a decoded body too), and
 * an answer the lane never asked for (a content encoding other than gzip or deflate, a transfer
 * encoding other than chunked, an upgrade, a header folded over lines) is refused with a
 * reason, never guessed at. */
#ifndef H1_H
#define H1_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

#define H1_LINE_MAX 8192   /* one line of the head */
#define H1_HEAD_MAX 65536  /* the status line and headers together (interim answers too) */

typedef enum {
    H1_MORE,     /* the answer goes on: feed more bytes */
    H1_DONE,     /* the answer is whole */
    H1_BAD,      /* not HTTP/1.x as the lane speaks it (why says how) */
    H1_TOO_BIG,  /* the body would pass body_max */
    H1_EMPTY,    /* (h1_eof) the connection closed before a byte of the answer */
    H1_PARTIAL,  /* (h1_eof) it closed inside the answer */
    H1_NOMEM
} h1_result;

typedef enum { H1_IDENTITY, H1_GZIP, H1_DEFLATE } h1_encoding;

/* The Accept-Encoding the lane sends: what h1_decode decodes. */
#define H1_ACCEPT_ENCODING "deflate, gzip"

typedef struct {
    int state;
    h1_encoding encoding;      /* Content-Encoding */
    long status;
    long retry_after_s;        /* Retry-After in seconds (a date: seconds from now); 0 none */
    long long length;          /* Content-Length; -1 none */
    unsigned long long left;   /* bytes of the body or of the chunk still to come */
    bool chunked;
    bool close;                /* the connection cannot carry another request after this */
    bool keep_alive;           /* "Connection: keep-alive" (what keeps an HTTP/1.0 answer's) */
    bool http10;
    size_t head;               /* bytes of heads read, bounded by H1_HEAD_MAX */
    size_t got;                /* every byte fed */
    size_t line_len;
    char line[H1_LINE_MAX];
    char why[160];             /* H1_BAD, H1_TOO_BIG, H1_PARTIAL: what was wrong */
} h1_reader;

void h1_init(h1_reader *h);

/* Reads n bytes of the answer; its body goes to body (no more than body_max bytes in all).
 * *used: how many were read, fewer than n only once the answer is whole (the rest is not
 * part of it). */
h1_result h1_feed(h1_reader *h, const char *p, size_t n, sk_buf *body, size_t body_max,
                  size_t *used);

/* After H1_DONE: the body decoded in place (its Content-Encoding undone; nothing to do for
 * identity), no more than body_max bytes of it. H1_BAD (why says how) or H1_TOO_BIG otherwise,
 * the body then left encoded. The encoded bytes are wiped before they are freed. */
h1_result h1_decode(h1_reader *h, sk_buf *body, size_t body_max);

/* The connection closed: H1_DONE for a body that runs to the close, else H1_EMPTY or
 * H1_PARTIAL. */
h1_result h1_eof(h1_reader *h, const sk_buf *body);

#endif
