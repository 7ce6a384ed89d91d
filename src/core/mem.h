/* mem.h: memory helpers private to the core: an allocation that never asks malloc for 0 bytes,
 * and wiping secrets so that the compiler cannot elide it. */
#ifndef MEM_H
#define MEM_H

#include <stddef.h>

void *mem_alloc(size_t n);
/* Wipe memory the compiler may not elide (secrets). */
void mem_wipe(void *p, size_t n);

#endif
