/* client.h: the engine. One curl multi handle, non-blocking; the token is fetched once, cached,
 * renewed shortly before it expires and once on a 401; 429/5xx/network errors are retried with
 * exponential backoff and jitter (honouring Retry-After) up to a bounded number of tries.
 * TLS is always verified against the config's CA bundle/dir (else the system's), and a TLS
 * failure is never retried; proxies come from the environment as curl reads them, and an
 * error caused by one names it (without its credentials).
 * Nothing here blocks except client_wait(), which is the event loop's single wait. */
#ifndef CLIENT_H
#define CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <curl/curl.h>
#include "sk_status.h"

struct sk_config;

typedef struct sk_client sk_client;

typedef struct sk_client_opts {
    long connect_timeout_ms;  /* default 5000 */
    long timeout_ms;          /* whole request, default 15000 */
    int max_tries;            /* default 5 (first try included) */
    long backoff_base_ms;     /* default 200 */
    long backoff_cap_ms;      /* default 5000; Retry-After is honoured up to 60 s; a 429
                                 without it waits 1 s, 2 s, 4 s... (equal jitter, capped) */
    int max_connections;      /* per host, default 8 */
    bool debug;               /* HTTP trace to the client_set_debug sink (both are needed):
                                 one line per attempt and per answer, secrets redacted */
} sk_client_opts;

void client_opts_default(sk_client_opts *o);

/* The answer handed to a request's callback. body is NUL-terminated, owned by the client,
 * valid during the callback only. On failure err->status != SK_OK (already mapped from the
 * HTTP status and error body). */
typedef struct sk_response {
    long http_status;
    const char *body;
    size_t len;
    sk_error err;
    struct sk_request *req_;   /* the client's (client_response_take) */
} sk_response;

typedef void (*sk_response_fn)(void *ud, const sk_response *r);
/* During the callback of a request marked client_request_no_secret: its body, malloc'd (len
 * bytes and a NUL), handed to the caller, who frees it; r->body is not to be read after. NULL
 * for any other request (a secret's buffer is wiped by the client) or an empty body. */
char *client_response_take(const sk_response *r);
typedef void (*sk_debug_fn)(void *ud, const char *line);

/* Copies what it needs from cfg (the secret included; wiped in client_free). */
sk_client *client_new(const struct sk_config *cfg, const sk_client_opts *opts, sk_error *err);
void client_free(sk_client *c);
void client_set_debug(sk_client *c, sk_debug_fn fn, void *ud);

typedef struct sk_request sk_request;   /* handle, valid until its callback returns */

/* Queue an authenticated request to ENV + path_and_query ("/api/v1/..."). body may be NULL
 * (then no Content-Type); for POST/PUT it is sent as application/json. Returns NULL only on
 * out-of-memory or while client_free runs; then the callback is NOT run. Otherwise the
 * callback always runs exactly once, from client_step() (or client_cancel / client_cancel_all
 * / client_free, with SK_ERR_CANCELLED). Callbacks may queue and cancel requests; they must
 * not call client_free, client_step, client_wait or client_run (nor the api_*_sync helpers). */
sk_request *client_request(sk_client *c, const char *method, const char *path_and_query,
                           const char *json_body, sk_response_fn cb, void *ud);
/* fn is told r's whole 2xx body (once, per try) as soon as its last byte is in: from the next
 * client_step, before any answer of that step is handed to its callback. For a look at the
 * raw answer that cannot wait for the answers before it to be parsed (api_peek). */
typedef void (*sk_body_fn)(void *ud, const char *body, size_t len);
void client_request_on_body(sk_request *r, sk_body_fn fn, void *ud);
/* r's answer holds no secret (a page of a listing): its buffer is freed without the wipe every
 * other answer gets (a token's, a detail's, a link's). */
void client_request_no_secret(sk_request *r);
/* Runs r's callback now with SK_ERR_CANCELLED; a no-op from inside r's own callback. */
void client_cancel(sk_client *c, sk_request *r);
void client_cancel_all(sk_client *c);
/* r goes before the queue: when every connection slot is taken it may use one slot kept
 * beyond max_connections (a search the user waits for, beside a listing that fills them). */
void client_urgent(sk_client *c, sk_request *r);
/* True while r has never been put on the wire (it waits for the token or a free slot):
 * cancelling it then costs the server nothing. */
bool client_request_unsent(const sk_request *r);

/* Number of requests queued, waiting for a retry or in flight (the token fetch included). */
int client_pending(const sk_client *c);

/* Wait for network activity, a due timer (retry/backoff), activity on the extra fds (the
 * terminal), or timeout_ms (-1: until the next event). Returns number of extra fds ready. */
int client_wait(sk_client *c, struct curl_waitfd *extra, unsigned n_extra, int timeout_ms);
/* Drive transfers and timers, run completed callbacks. Never blocks. */
void client_step(sk_client *c);
/* Bounds the work of one client_step() (the dashboard's loop reads keys between steps): once
 * budget_us microseconds have gone on callbacks, or break_fd (>= 0) has input to read, the step
 * returns and leaves the answers still waiting for the next one (client_next_timer_ms() is then
 * 0, so the next wait does not block). 0 and -1: no bound (the default). */
void client_set_step_budget(sk_client *c, long budget_us, int break_fd);
/* Send what was just queued without running any callback (a listing calls it from a page's
 * callback so that the next page is on the wire while it stores this one). */
void client_flush(sk_client *c);
/* Milliseconds until the client next needs client_step() without I/O (retry timers), -1 none. */
long client_next_timer_ms(const sk_client *c);
/* Convenience for the CLI: wait/step until nothing is pending. */
void client_run(sk_client *c);

/* Environment origin, e.g. "https://acme.scalekit.dev" (no trailing '/'). */
const char *client_env_url(const sk_client *c);
/* Counters for tests and benchmarks. */
typedef struct sk_client_stats {
    unsigned long requests_sent;   /* every HTTP attempt, token fetches included */
    unsigned long retries;         /* backoff retries (429/5xx/network); not 401 resends */
    unsigned long token_fetches;
} sk_client_stats;
void client_stats(const sk_client *c, sk_client_stats *out);

struct sk_buf;
/* URL-encode (as curl_easy_escape does) into a freshly malloc'd string, or at the end of b. */
char *client_escape(const char *s);
bool client_escape_to(struct sk_buf *b, const char *s);

#endif
