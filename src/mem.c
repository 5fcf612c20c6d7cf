/* mem: a pluggable allocator so the same core code runs in the viewer (libc)
 * and inside the shim (mmap arena, never the intercepted malloc). */
#include "mem.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *libc_alloc(size_t size) { return malloc(size); }
static void *libc_realloc(void *p, size_t old_size, size_t new_size)
{
	(void)old_size;
	return realloc(p, new_size);
}
static void libc_free(void *p, size_t size)
{
	(void)size;
	free(p);
}

static const struct mem_allocator libc_allocator = {
	libc_alloc, libc_realloc, libc_free,
};
static const struct mem_allocator *current = &libc_allocator;

void mem_set_allocator(const struct mem_allocator *a)
{
	current = a ? a : &libc_allocator;
}

void *mem_alloc(size_t size)
{
	return current->alloc(size ? size : 1);
}

void *mem_calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	void *p = mem_alloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void *mem_realloc(void *p, size_t old_size, size_t new_size)
{
	if (!p)
		return mem_alloc(new_size);
	return current->realloc(p, old_size, new_size ? new_size : 1);
}

void mem_free(void *p, size_t size)
{
	if (p)
		current->free(p, size);
}

int mem_grow(void **arr, size_t *cap, size_t need, size_t elem_size)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap : 8;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / elem_size)
			return -ENOMEM;
		ncap *= 2;
	}
	void *n = mem_realloc(*arr, *cap * elem_size, ncap * elem_size);
	if (!n)
		return -ENOMEM;
	*arr = n;
	*cap = ncap;
	return 0;
}
