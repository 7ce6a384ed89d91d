/* buf.c: sk_buf, a growable NUL-terminated string (doubling growth, one allocation per
 * reserve). */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(sk_buf *b)
{
    b->s = NULL;
    b->len = b->cap = 0;
}

void buf_free(sk_buf *b)
{
    free(b->s);
    buf_init(b);
}

void buf_reset(sk_buf *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

bool buf_reserve(sk_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap && b->s)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) {
        if (cap > (size_t)-1 / 2)
            return false;
        cap *= 2;
    }
    char *s = realloc(b->s, cap);
    if (!s)
        return false;
    b->s = s;
    b->cap = cap;
    b->s[b->len] = '\0';   /* a fresh buffer is a valid empty string at once */
    return true;
}

bool buf_add(sk_buf *b, const char *s, size_t n)
{
    if (!buf_reserve(b, n))
        return false;
    if (n)
        memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    return true;
}

bool buf_adds(sk_buf *b, const char *s)
{
    return buf_add(b, s ? s : "", s ? strlen(s) : 0);
}

bool buf_addc(sk_buf *b, char c)
{
    return buf_add(b, &c, 1);
}

bool buf_printf(sk_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !buf_reserve(b, (size_t)n))
        return false;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return true;
}
