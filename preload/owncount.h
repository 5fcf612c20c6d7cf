/* owncount: a count that one thread writes and others read (a ring's
 * samples and frees, an unwind cache's hits): never a locked
 * read-modify-write, and as few instructions as the machine allows. */
#ifndef ALLOCPROF_OWNCOUNT_H
#define ALLOCPROF_OWNCOUNT_H

#include <stdatomic.h>
#include <stdint.h>

static inline void owncount_add(_Atomic uint64_t *c)
{
#if defined(__x86_64__)
	/* one add to memory, not locked: only this thread writes c, and its
	 * aligned 8-byte store is read whole (a relaxed load and store make
	 * three instructions) */
	__asm__("addq $1, %0" : "+m"(*(uint64_t *)c));
#else
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + 1, memory_order_relaxed);
#endif
}

#endif
