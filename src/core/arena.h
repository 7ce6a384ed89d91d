/* arena.h: a bump allocator for many small strings freed at once (private to the core: parsed
 * pages, the listing and the store own one each). */
#ifndef ARENA_H
#define ARENA_H

#include <stddef.h>

typedef struct sk_arena sk_arena;
sk_arena *arena_new(size_t block);
void *arena_alloc(sk_arena *a, size_t n);      /* 8-byte aligned; NULL on OOM */
char *arena_strdup(sk_arena *a, const char *s);
char *arena_strndup(sk_arena *a, const char *s, size_t n);
size_t arena_bytes(const sk_arena *a);
void arena_free(sk_arena *a);

#endif
