/* sk_status.c: errors as values: setting a safe one-line message, naming a status and mapping
 * it to the CLI's exit code. */
#include "sk_status.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

void sk_error_clear(sk_error *e)
{
    if (!e)
        return;
    e->status = SK_OK;
    e->http_status = 0;
    e->grpc_code = -1;
    e->message[0] = '\0';
}

void sk_error_set(sk_error *e, sk_status st, const char *fmt, ...)
{
    if (!e)
        return;
    e->status = st;
    va_list ap;
    va_start(ap, fmt);
    text_safe_vformat(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
}

const char *sk_status_name(sk_status st)
{
    switch (st) {
    case SK_OK: return "ok";
    case SK_ERR_USAGE: return "usage";
    case SK_ERR_CONFIG: return "config";
    case SK_ERR_AUTH: return "auth";
    case SK_ERR_NOT_FOUND: return "not found";
    case SK_ERR_API: return "api";
    case SK_ERR_NETWORK: return "network";
    case SK_ERR_PARSE: return "parse";
    case SK_ERR_NOMEM: return "out of memory";
    case SK_ERR_CANCELLED: return "cancelled";
    }
    return "unknown";
}

int sk_status_exit_code(sk_status st)
{
    switch (st) {
    case SK_OK: return SK_EXIT_OK;
    case SK_ERR_USAGE: return SK_EXIT_USAGE;
    case SK_ERR_CONFIG:
    case SK_ERR_AUTH: return SK_EXIT_CONFIG;
    case SK_ERR_NOT_FOUND: return SK_EXIT_NOT_FOUND;
    default: return SK_EXIT_API;
    }
}
