/* arena.h: a bump allocator for many small strings freed at once (private to the core: parsed
 * pages, the listing and the store own one each). */
#ifndef ARENA_H
#define ARENA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sk_arena sk_arena;
sk_arena *arena_new(size_t block);
void *arena_alloc(sk_arena *a, size_t n);      /* 8-byte aligned; NULL on OOM */
char *arena_strdup(sk_arena *a, const char *s);
char *arena_strndup(sk_arena *a, const char *s, size_t n);
size_t arena_bytes(const sk_arena *a);
/* Hands p (malloc'd, `bytes` long) to the arena: freed with it. False on out of memory (p is
 * then still the caller's). */
bool arena_adopt(sk_arena *a, void *p, size_t bytes);
void arena_free(sk_arena *a);

/* A pool of strings named by 32-bit handles (the store's ids and identifiers: half the size of
 * a pointer a row, and no alignment padding): a string is packed after the previous one in
 * chunks that never move, so a handle's string stays where it is until the pool is freed.
 * Handle 0 is no string. */
#define POOL_CHUNK_BITS 16
#define POOL_CHUNK ((size_t)1 << POOL_CHUNK_BITS)     /* bytes of a normal chunk */
#define POOL_MAX_CHUNKS ((size_t)1 << (32 - POOL_CHUNK_BITS))

typedef struct sk_pool {
    char **chunk;           /* chunk[h >> POOL_CHUNK_BITS]; a long string has a chunk of its own */
    size_t n_chunks, cap_chunks;
    size_t cur;             /* the chunk small strings are packed into (SIZE_MAX: none yet) */
    size_t used;            /* bytes used of chunk[cur] */
    size_t bytes;           /* asked of malloc */
} sk_pool;

void pool_init(sk_pool *p);
/* Copies a[0..na) NUL and, when b is not NULL, b[0..nb) NUL right after it (a row's id and
 * identifier together); 0 on out of memory (or past 4 GiB of chunks). */
uint32_t pool_add2(sk_pool *p, const char *a, size_t na, const char *b, size_t nb);
static inline const char *pool_str(const sk_pool *p, uint32_t h)
{
    return h ? p->chunk[h >> POOL_CHUNK_BITS] + (h & (POOL_CHUNK - 1)) : NULL;
}
size_t pool_bytes(const sk_pool *p);
void pool_free(sk_pool *p);

/* An array that may grow large (the store's rows): from 1 MiB up it lives in its own mapping,
 * which grows by remapping pages, not by copying them (realloc copies once glibc's mmap
 * threshold has risen). Whether a block is mapped follows from its size, so callers pass the
 * size they have. NULL on out of memory (the old block is then untouched). */
void *big_resize(void *p, size_t old_bytes, size_t new_bytes);
/* A new array of `bytes` zero bytes (freed with big_free(p, bytes)); NULL on out of memory. */
void *big_zalloc(size_t bytes);
void big_free(void *p, size_t bytes);

#endif
