/* arena.c: a bump allocator for many small strings freed at once (a parsed page, the store).
 * Large allocations get blocks of their own so they do not waste the rest of a normal one. */
#include "arena.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct arena_block {
    struct arena_block *next;
    size_t cap, used;
    /* data follows, 16-byte aligned by the union below */
    union { max_align_t a; unsigned char b[1]; } data[];
} arena_block;

struct sk_arena {
    arena_block *head;      /* the block small allocations come from */
    arena_block *big;       /* blocks that each hold one large allocation */
    size_t block;
    size_t bytes;           /* total bytes asked of malloc, for budgets */
};

static arena_block *arena_block_new(size_t cap)
{
    arena_block *b = malloc(sizeof *b + cap);
    if (!b)
        return NULL;
    b->next = NULL;
    b->cap = cap;
    b->used = 0;
    return b;
}

sk_arena *arena_new(size_t block)
{
    sk_arena *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->block = block < 256 ? 256 : block;
    return a;
}

void *arena_alloc(sk_arena *a, size_t n)
{
    if (!a)
        return NULL;
    size_t need = (n + 7) & ~(size_t)7;
    if (need < n)
        return NULL;
    /* A large allocation gets its own block so it does not waste the rest of a normal one. */
    if (need > a->block / 4) {
        arena_block *b = arena_block_new(need);
        if (!b)
            return NULL;
        b->used = need;
        b->next = a->big;
        a->big = b;
        a->bytes += sizeof *b + need;
        return (unsigned char *)b->data;
    }
    if (!a->head || a->head->cap - a->head->used < need) {
        arena_block *b = arena_block_new(a->block);
        if (!b)
            return NULL;
        b->next = a->head;
        a->head = b;
        a->bytes += sizeof *b + a->block;
    }
    void *p = (unsigned char *)a->head->data + a->head->used;
    a->head->used += need;
    return p;
}

char *arena_strndup(sk_arena *a, const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *p = arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(sk_arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

size_t arena_bytes(const sk_arena *a)
{
    return a ? a->bytes : 0;
}

static void arena_chain_free(arena_block *b)
{
    while (b) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
}

void arena_free(sk_arena *a)
{
    if (!a)
        return;
    arena_chain_free(a->head);
    arena_chain_free(a->big);
    free(a);
}
