/* arena.c: a bump allocator for many small strings freed at once (a parsed page, the store).
 * Large allocations get blocks of their own so they do not waste the rest of a normal one. */
#define _GNU_SOURCE   /* mremap */
#include "arena.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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
    void **adopted;         /* malloc'd blocks given to the arena (arena_adopt): a chain of
                             * { block, next } pairs in the arena */
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

bool arena_adopt(sk_arena *a, void *p, size_t bytes)
{
    void **node = arena_alloc(a, 2 * sizeof *node);
    if (!node)
        return false;
    node[0] = p;
    node[1] = a->adopted;
    a->adopted = node;
    a->bytes += bytes;
    return true;
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
    for (void **n = a->adopted; n; n = n[1])
        free(n[0]);
    arena_chain_free(a->head);
    arena_chain_free(a->big);
    free(a);
}

/* ---------------------------------------------------------------- string pool */

void pool_init(sk_pool *p)
{
    memset(p, 0, sizeof *p);
    p->cur = SIZE_MAX;
}

/* A new chunk of `cap` bytes; its index, or SIZE_MAX. */
static size_t pool_chunk_new(sk_pool *p, size_t cap)
{
    if (p->n_chunks >= POOL_MAX_CHUNKS)
        return SIZE_MAX;
    if (p->n_chunks == p->cap_chunks) {
        size_t c = p->cap_chunks ? p->cap_chunks * 2 : 64;
        char **q = realloc(p->chunk, c * sizeof *q);
        if (!q)
            return SIZE_MAX;
        p->chunk = q;
        p->cap_chunks = c;
    }
    char *b = malloc(cap);
    if (!b)
        return SIZE_MAX;
    p->chunk[p->n_chunks] = b;
    p->bytes += cap;
    return p->n_chunks++;
}

uint32_t pool_add2(sk_pool *p, const char *a, size_t na, const char *b, size_t nb)
{
    size_t need = na + 1 + (b ? nb + 1 : 0);
    if (need < na || need > SIZE_MAX / 2)
        return 0;
    char *dst;
    size_t chunk, off;
    if (need > POOL_CHUNK / 4) {
        /* A long string gets a chunk of its own (so any length is addressed), at offset 1 as in
         * every chunk: offset 0 of chunk 0 would be handle 0 ("none"). */
        chunk = pool_chunk_new(p, need + 1);
        if (chunk == SIZE_MAX)
            return 0;
        off = 1;
    } else {
        if (p->cur == SIZE_MAX || POOL_CHUNK - p->used < need) {
            size_t c = pool_chunk_new(p, POOL_CHUNK);
            if (c == SIZE_MAX)
                return 0;
            p->cur = c;
            p->used = 1;
        }
        chunk = p->cur;
        off = p->used;
        p->used += need;
    }
    dst = p->chunk[chunk] + off;
    memcpy(dst, a, na);
    dst[na] = '\0';
    if (b) {
        memcpy(dst + na + 1, b, nb);
        dst[na + 1 + nb] = '\0';
    }
    return (uint32_t)(chunk << POOL_CHUNK_BITS | off);
}

size_t pool_bytes(const sk_pool *p)
{
    return p->bytes + p->cap_chunks * sizeof *p->chunk;
}

void pool_free(sk_pool *p)
{
    for (size_t i = 0; i < p->n_chunks; i++)
        free(p->chunk[i]);
    free(p->chunk);
    pool_init(p);
}

/* ---------------------------------------------------------------- large arrays */

#define BIG_BYTES ((size_t)1 << 20)

/* A mapping's length. Up to 4 MiB in whole huge pages (2 MiB), so that all of it can be one,
 * not only the aligned 2 MiB stretches inside it (the rest faulted in 4 kB at a time: the
 * 2.6 MB of rows of 100,000 accounts were 600 faults a listing); larger ones in pages, where
 * a last huge page would hold up to 2 MB more and the faults left at the tail are few beside
 * the whole (a million rows are 26 MB). */
#define BIG_HUGE_ROUND ((size_t)4 << 20)

static size_t big_round(size_t n)
{
    size_t page = n <= BIG_HUGE_ROUND ? (size_t)2 << 20 : 4096;
    return (n + page - 1) & ~(page - 1);
}

/* Transparent huge pages for a mapping, where the system gives them on request: a million rows
 * are 26 MB, 6,300 page faults of 4 kB as a load first writes them, a dozen of 2 MB; the id hash
 * (5 MB, read at random) misses the TLB less. Only the 2 MB stretches written to are resident
 * (the rows are filled from their start; the hash is written all over anyway), so the resident
 * size grows by one huge page at most. */
static void big_huge(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    (void)madvise(p, big_round(bytes), MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

void *big_resize(void *p, size_t old_bytes, size_t new_bytes)
{
    if (!p)
        old_bytes = 0;
    bool old_big = old_bytes >= BIG_BYTES, new_big = new_bytes >= BIG_BYTES;
    if (!old_big && !new_big)
        return realloc(p, new_bytes ? new_bytes : 1);
#ifdef __linux__
    if (old_big && new_big) {
        void *q = mremap(p, big_round(old_bytes), big_round(new_bytes), MREMAP_MAYMOVE);
        if (q == MAP_FAILED)
            return NULL;
        big_huge(q, new_bytes);
        return q;
    }
#endif
    void *q;
    if (new_big) {
        q = mmap(NULL, big_round(new_bytes), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                 -1, 0);
        if (q == MAP_FAILED)
            return NULL;
        big_huge(q, new_bytes);
    } else if (!(q = malloc(new_bytes ? new_bytes : 1))) {
        return NULL;
    }
    if (p)
        memcpy(q, p, old_bytes < new_bytes ? old_bytes : new_bytes);
    big_free(p, old_bytes);
    return q;
}

void *big_zalloc(size_t bytes)
{
    if (bytes < BIG_BYTES)
        return calloc(1, bytes ? bytes : 1);
    return big_resize(NULL, 0, bytes);   /* a fresh mapping: zero pages */
}

void big_free(void *p, size_t bytes)
{
    if (!p)
        return;
    if (bytes >= BIG_BYTES)
        munmap(p, big_round(bytes));
    else
        free(p);
}
