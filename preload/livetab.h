/* livetab: the set of live sampled blocks, keyed by address, owned by the
 * program threads themselves (not the collector) so a sampled block leaves
 * it before the real free: an address the allocator hands out again is
 * never confused with the old block. In front of it sits a bitmap filter
 * that lets an unsampled free be rejected with a single load. */
#ifndef ALLOCPROF_LIVETAB_H
#define ALLOCPROF_LIVETAB_H

#include <stdbool.h>
#include <stdint.h>

#include "shim.h"

enum { LIVETAB_FILTER_BITS = 19 }; /* 64 KiB of bitmap */

struct live_block {
	uint64_t addr;       /* 0 = empty slot */
	uint64_t stack_hash;
	uint64_t size;
	uint64_t alloc_time;
	uint32_t tid;
	uint16_t flags;
	uint16_t realloc_depth; /* 0: from malloc; n: moved by n reallocs (saturates) */
};

extern uint8_t livetab_filter[(1u << LIVETAB_FILTER_BITS) / 8];

/* One bit per 4 KiB page: a cache line of the bitmap covers 2 MiB of heap,
 * so frees of neighbouring blocks read the same line (per 16 bytes, a line
 * covered 8 KiB and a program with a big heap missed cache on most frees).
 * The price: a free in a page that holds a live sampled block looks it up
 * in the table, well under 1% of frees at the default rate. */
static inline uint32_t livetab_slot(const void *p)
{
	return (uint32_t)((uintptr_t)p >> 12) & ((1u << LIVETAB_FILTER_BITS) - 1);
}

/* False means p is certainly not a live sampled block. A relaxed load: the
 * program's own synchronisation orders a malloc before the free of the
 * same block, so the bit set by a sampled malloc is seen here. */
static inline bool livetab_maybe(const void *p)
{
	uint32_t s = livetab_slot(p);
	return __atomic_load_n(&livetab_filter[s >> 3], __ATOMIC_RELAXED) & (1u << (s & 7));
}

/* Adds a block. If the address was still present (its free was missed, e.g.
 * made from a signal handler inside the shim), the stale entry is returned
 * in *stale and true is returned, so the caller can account its free. */
bool livetab_insert(const struct live_block *b, struct live_block *stale);
/* Removes p; true and *out if it was a live sampled block. */
bool livetab_remove(const void *p, struct live_block *out);
uint64_t livetab_count(void);
uint64_t livetab_mapped_bytes(void);

/* fork: all shards locked across fork so the child's copy is consistent */
void livetab_lock_all(void);
void livetab_unlock_all(void);
void livetab_reset_locks(void);

#endif
