/* addrtab: exact mode's table of live blocks, owned by the collector. With
 * ALLOCPROF_RATE=1 every block is sampled, so program threads only send
 * addresses and the table lives here, on the collector's core. A free is
 * stamped before the real free and an allocation after the real malloc, so
 * a free older than the entry it finds belongs to an earlier block at that
 * address and is ignored: address reuse is safe without any ordering of the
 * rings. Collector lock held. */
#ifndef ALLOCPROF_ADDRTAB_H
#define ALLOCPROF_ADDRTAB_H

#include <stdbool.h>
#include <stdint.h>

struct addr_entry {
	uint64_t addr;      /* 0 = empty */
	uint64_t alloc_time;
	uint64_t size : 47;
	/* this entry replaced one at the same address whose free has not
	 * arrived yet: the next free older than this entry is that one's */
	uint64_t stale_pending : 1;
	uint64_t realloc_depth : 16;
	uint32_t stack;     /* stacktab index */
	uint32_t tid;
};

_Static_assert(sizeof(struct addr_entry) == 32, "addrtab entries are 32 bytes");

/* Adds e; if its address was live, the old entry is removed into *old and
 * true is returned (its free is still on its way). */
bool addrtab_insert(const struct addr_entry *e, struct addr_entry *old);
/* Removes and returns the entry for addr, if any. */
bool addrtab_remove(uint64_t addr, struct addr_entry *out);
/* Starts loading the slot addr hashes to: the collector calls it for events
 * a few places ahead, so the lookups it makes run from cache. */
void addrtab_prefetch(uint64_t addr);
uint64_t addrtab_count(void);
uint64_t addrtab_memory(void);

#endif
