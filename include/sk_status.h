/* sk_status.h: errors as values, shared by every layer.
 * A function that can fail returns an sk_status and fills an sk_error with a one-line message. */
#ifndef SK_STATUS_H
#define SK_STATUS_H

typedef enum {
    SK_OK = 0,
    SK_ERR_USAGE,     /* the caller asked for something malformed */
    SK_ERR_CONFIG,    /* missing/unsafe configuration */
    SK_ERR_AUTH,      /* credentials refused (token endpoint 401/400, or 401 twice) */
    SK_ERR_NOT_FOUND, /* 404 / the account does not exist */
    SK_ERR_API,       /* any other error answer from the server (4xx, 5xx after retries) */
    SK_ERR_NETWORK,   /* could not connect, timed out, connection dropped (after retries) */
    SK_ERR_PARSE,     /* the server's body was not what the contract says */
    SK_ERR_NOMEM,
    SK_ERR_CANCELLED  /* the request was cancelled by the caller */
} sk_status;

typedef struct sk_error {
    sk_status status;
    long http_status;   /* 0 when no HTTP answer */
    int grpc_code;      /* "code" of Scalekit's error body, -1 when none */
    char message[256];  /* one line, already safe to print (no control characters) */
} sk_error;

/* CLI exit codes (documented in skdash(1) and the README). */
enum {
    SK_EXIT_OK = 0,
    SK_EXIT_API = 1,       /* API, network or parse error */
    SK_EXIT_USAGE = 2,
    SK_EXIT_CONFIG = 3,    /* configuration or authentication */
    SK_EXIT_NOT_FOUND = 4,
    SK_EXIT_DECLINED = 5   /* a delete or disconnect the user did not confirm: nothing done */
};

void sk_error_clear(sk_error *e);
/* printf-style; the formatted message is made safe (control characters escaped) and cut to fit. */
void sk_error_set(sk_error *e, sk_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *sk_status_name(sk_status st);
int sk_status_exit_code(sk_status st);

#endif
