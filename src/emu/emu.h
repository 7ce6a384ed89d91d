/* emu.h: skemu, the local Scalekit emulator, as a library: options, the emulator state and
 * its request handler (no sockets here, so tests and fuzzers can drive it in-process). */
#ifndef EMU_H
#define EMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define EMU_VERSION "0.1.0"
#define EMU_MAX_BODY (1024 * 1024)

typedef struct emu_options {
    int port;                 /* 0 = pick a free one; default 8484 */
    const char *data_path;    /* --data FILE, or NULL */
    long generate;            /* --generate N (-1 = not given) */
    long connections;         /* --connections M (-1 = not given) */
    uint64_t seed;            /* --seed S (default 1) */
    int64_t epoch;            /* --epoch SECS: anchor of generated timestamps; -1 = today 00:00Z */
    const char *client_id;
    const char *client_secret;
    long token_ttl;           /* seconds, default 3600 */
    long link_ttl;            /* seconds, default 600 */
    long link_pad;            /* --link-pad N: magic links get "?pad=" and N more characters */
    long latency_ms;
    double fail_rate;
    long rate_limit;          /* requests per 1-second window; 0 = off */
    long retry_after;         /* seconds for Retry-After; 0 = no header; default 1 */
    double truncate_rate;
    double malformed_rate;
    double wrong_types_rate;
    double hang_rate;
    double lose_rate;         /* mutating API requests carried out, then left unanswered */
    bool no_connections_endpoint;
    int no_disconnect;        /* --no-disconnect[=404|501]: the status disconnect answers; 0 = offered */
    long fault_after;         /* faults start after this many requests */
    bool quiet;               /* no request log */
    const char *tls_cert;     /* --tls-cert PEM: serve HTTPS with this certificate (chain) */
    const char *tls_key;      /* --tls-key PEM: ... and its private key (both or neither) */
} emu_options;

/* Fills o with the defaults. */
void emu_options_default(emu_options *o);
/* Parses argv. Returns 0 to run, 1 when --help/--version was printed (exit 0),
 * 2 on a bad flag (message already on err). */
int emu_options_parse(emu_options *o, int argc, char **argv, FILE *out, FILE *err);
void emu_usage(FILE *f);

typedef struct emu emu;

/* Builds the emulator (loads or generates data). NULL with a message in err on failure. */
emu *emu_new(const emu_options *o, char *err, size_t errlen);
void emu_free(emu *e);
/* Origin used in magic links, e.g. "http://127.0.0.1:8484". */
void emu_set_base_url(emu *e, const char *url);

typedef struct emu_request {
    const char *method;
    const char *uri;           /* path plus query, as sent (still percent-encoded) */
    const char *authorization; /* Authorization header or NULL */
    const char *content_type;  /* Content-Type header or NULL */
    const char *body;
    size_t body_len;
    bool body_too_large;       /* the body was cut at EMU_MAX_BODY */
} emu_request;

typedef struct emu_response {
    int status;
    char *body;                /* malloc'd */
    size_t body_len;
    const char *content_type;
    long retry_after;          /* > 0: send Retry-After */
    long delay_ms;             /* wait this long before answering */
    bool hang;                 /* never answer; hold the connection until shutdown */
    bool lost;                 /* carried out, but the answer is dropped: close the connection */
} emu_response;

/* Handles one request; thread-safe (listings share the emulator's lock; the rest take it
 * alone). */
void emu_handle(emu *e, const emu_request *rq, emu_response *rs);
void emu_response_free(emu_response *rs);

#endif
