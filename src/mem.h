/* mem: the one allocation seam of the core library.
 * Everything in src/ allocates through mem_alloc/mem_realloc/mem_free, so the
 * viewer can use libc while the shim plugs in its mmap arena and never calls
 * the allocator it intercepts. */
#ifndef ALLOCPROF_MEM_H
#define ALLOCPROF_MEM_H

#include <stddef.h>

struct mem_allocator {
	void *(*alloc)(size_t size);
	void *(*realloc)(void *p, size_t old_size, size_t new_size);
	void (*free)(void *p, size_t size);
};

/* Install an allocator for all of src/; NULL restores libc. Not thread-safe:
 * call once before any other src/ function. */
void mem_set_allocator(const struct mem_allocator *a);

/* All three return NULL / do nothing on failure; sizes are passed back to
 * free and realloc so an mmap arena needs no headers. */
void *mem_alloc(size_t size);
void *mem_calloc(size_t n, size_t size);
void *mem_realloc(void *p, size_t old_size, size_t new_size);
void mem_free(void *p, size_t size);

/* Grow *arr (of *cap elements of elem_size) so that it holds at least need
 * elements. Returns 0 or -ENOMEM. */
int mem_grow(void **arr, size_t *cap, size_t need, size_t elem_size);

#define MEM_GROW(arr, cap, need) \
	mem_grow((void **)&(arr), &(cap), (need), sizeof(*(arr)))

#endif
