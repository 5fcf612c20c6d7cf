/* addrtab: one open-addressing table, linear probing with backward-shift
 * deletion, in its own mapping, doubled at 3/4 load. */
#include "addrtab.h"
#include "collector.h"

#include <sys/mman.h>

#include "arena.h"

static COLLECTOR_OWNED struct addr_entry *slots;
static COLLECTOR_OWNED uint64_t cap, count;

static uint64_t home(uint64_t addr)
{
	return ((addr >> 4) * 0x9e3779b97f4a7c15ULL >> 20) & (cap - 1);
}

static bool grow(void)
{
	uint64_t ncap = cap ? cap * 2 : 1 << 16;
	struct addr_entry *n = pages_map(ncap * sizeof(*n));
	if (!n)
		return false;
	/* A grown table is at least 3/8 full, hashed all over: every page of
	 * it is touched within moments. Its pages are made now, in one call,
	 * rather than by two faults each (a probe reads a page before anything
	 * writes it: the zero page, then a copy). Kernels before 5.14 refuse
	 * the advice, and the faults make them as before. */
	if (cap)
		madvise(n, ncap * sizeof(*n), MADV_POPULATE_WRITE);
	struct addr_entry *old = slots;
	uint64_t ocap = cap;
	slots = n;
	cap = ncap;
	for (uint64_t i = 0; i < ocap; i++) {
		if (!old[i].addr)
			continue;
		uint64_t j = home(old[i].addr);
		while (slots[j].addr)
			j = (j + 1) & (cap - 1);
		slots[j] = old[i];
	}
	pages_unmap(old, ocap * sizeof(*old));
	return true;
}

static uint64_t find(uint64_t addr)
{
	if (!cap)
		return UINT64_MAX;
	for (uint64_t i = home(addr);; i = (i + 1) & (cap - 1)) {
		if (slots[i].addr == addr)
			return i;
		if (!slots[i].addr)
			return UINT64_MAX;
	}
}

static void delete_at(uint64_t i)
{
	uint64_t mask = cap - 1;
	for (uint64_t j = (i + 1) & mask; slots[j].addr; j = (j + 1) & mask) {
		uint64_t h = home(slots[j].addr);
		if (((j - h) & mask) >= ((j - i) & mask)) {
			slots[i] = slots[j];
			i = j;
		}
	}
	slots[i].addr = 0;
	count--;
}

bool addrtab_insert(const struct addr_entry *e, struct addr_entry *old)
{
	if ((count + 1) * 4 > cap * 3 && !grow())
		return false; /* out of memory: this block goes untracked */
	/* one probe: where it stops, the address is, or it goes */
	uint64_t i = home(e->addr);
	for (; slots[i].addr; i = (i + 1) & (cap - 1)) {
		if (slots[i].addr == e->addr) {
			*old = slots[i];
			slots[i] = *e;
			return true;
		}
	}
	slots[i] = *e;
	count++;
	return false;
}

bool addrtab_remove(uint64_t addr, struct addr_entry *out)
{
	uint64_t i = find(addr);
	if (i == UINT64_MAX)
		return false;
	*out = slots[i];
	delete_at(i);
	return true;
}

void addrtab_prefetch(uint64_t addr)
{
	if (cap)
		__builtin_prefetch(&slots[home(addr)], 1, 1);
}

uint64_t addrtab_count(void)
{
	return count;
}

uint64_t addrtab_memory(void)
{
	return cap * sizeof(struct addr_entry);
}
