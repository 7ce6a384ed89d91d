/* mem.c: allocation that never asks malloc for 0 bytes, and wiping secrets (tokens, the client
 * secret) in a way the compiler may not elide. */
#include "mem.h"

#include <stdlib.h>
#include <string.h>

void *mem_alloc(size_t n)
{
    return malloc(n ? n : 1);
}

/* explicit_bzero runs at memset speed and is never elided; the old volatile byte loop cost
 * 2.5% of a 100,000-account listing, wiping every 64 KiB answer buffer a byte at a time. */
void mem_wipe(void *p, size_t n)
{
    if (p && n)
        explicit_bzero(p, n);
}
