/* bootstrap: a static arena that serves allocations made while the real
 * allocator is still being looked up (dlsym itself calls calloc). Blocks from
 * it are never freed; free() recognises and ignores them. */
#ifndef ALLOCPROF_BOOTSTRAP_H
#define ALLOCPROF_BOOTSTRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

extern char bootstrap_arena[] __attribute__((visibility("hidden")));
enum { BOOTSTRAP_SIZE = 256 * 1024 };

void *bootstrap_alloc(size_t size, size_t align);
/* The size asked for a bootstrap block. */
size_t bootstrap_size(const void *p);

static inline bool bootstrap_owns(const void *p)
{
	return (uintptr_t)p - (uintptr_t)bootstrap_arena < BOOTSTRAP_SIZE;
}

#endif
