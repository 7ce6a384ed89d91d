/* sk_status.c: errors as values: setting a safe one-line message, naming a status and mapping
 * it to the CLI's exit code. */
#include "sk_status.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void sk_error_clear(sk_error *e)
{
    if (!e)
        return;
    e->status = SK_OK;
    e->http_status = 0;
    e->grpc_code = -1;
    e->message[0] = '\0';
}

/* Cut s to fit n bytes (n > 0) without splitting a UTF-8 character or a "\xNN" escape. */
static void copy_cut(char *dst, size_t n, const char *s, size_t len)
{
    if (len < n) {
        memcpy(dst, s, len + 1);
        return;
    }
    size_t cut = n - 1;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    /* Do not leave half of an escape we wrote ("\x1", "\u20"). */
    for (size_t back = 1; back <= 9 && back <= cut; back++) {
        if (s[cut - back] == '\\') {
            char k = s[cut - back + 1];
            size_t full = k == 'x' ? 4 : k == 'u' ? 6 : k == 'U' ? 10 : 0;
            if (full && back < full)
                cut -= back;
            break;
        }
    }
    memcpy(dst, s, cut);
    dst[cut] = '\0';
}

void sk_error_set(sk_error *e, sk_status st, const char *fmt, ...)
{
    if (!e)
        return;
    e->status = st;
    char raw[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    if (n < 0)
        raw[0] = '\0';
    sk_buf b;
    buf_init(&b);
    if (sanitize_term(&b, raw, strlen(raw)) && b.s) {
        copy_cut(e->message, sizeof e->message, b.s, b.len);
    } else {
        /* Out of memory: keep only plain printable ASCII. */
        size_t j = 0;
        for (size_t i = 0; raw[i] && j + 1 < sizeof e->message; i++) {
            unsigned char c = (unsigned char)raw[i];
            e->message[j++] = (c >= 0x20 && c < 0x7F) ? (char)c : '?';
        }
        e->message[j] = '\0';
    }
    buf_free(&b);
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
