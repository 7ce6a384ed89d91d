/* buf.h: sk_buf, a growable NUL-terminated string; every function returns false on OOM and
 * leaves the buffer as it was. */
#ifndef BUF_H
#define BUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct sk_buf { char *s; size_t len, cap; } sk_buf;
void buf_init(sk_buf *b);
void buf_free(sk_buf *b);
void buf_reset(sk_buf *b);
/* Room for extra more bytes (and the terminating NUL) in one allocation. */
bool buf_reserve(sk_buf *b, size_t extra);
bool buf_add(sk_buf *b, const char *s, size_t n);
bool buf_adds(sk_buf *b, const char *s);
bool buf_addc(sk_buf *b, char c);
bool buf_printf(sk_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
