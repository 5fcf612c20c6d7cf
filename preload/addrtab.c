/* addrtab: two open-addressing tables, linear probing with backward-shift
 * deletion, each in its own mapping, doubled at 3/4 load: the wide one of
 * whole entries (40 bytes), the packed one of 24-byte entries. While the
 * blocks are few (ADDRTAB_PACK_FROM) all are whole; after, a block goes
 * whole only if it does not pack (an address at or above 2^47, 8 GiB or
 * more, a realloc chain 512 deep, a thread id past 2^22) or lives long
 * enough for its packed time to become ambiguous. An address is in one
 * table at most. */
#include "addrtab.h"
#include "collector.h"

#include <string.h>
#include <sys/mman.h>

#include "arena.h"

/* A packed time t is read as now less the 48-bit difference, signed: right
 * for blocks younger than 2^47 ticks (13 hours of a 3 GHz clock) or a
 * little older than their free (two CPUs' clocks). So every SWEEP_EVERY
 * ticks (addrtab_tick) the blocks older than OLD are moved to the wide
 * table: no packed block gets older than OLD + SWEEP_EVERY and the moment
 * between two drains, well under 2^47. */
static const uint64_t SWEEP_EVERY = 1ULL << 44, OLD = 1ULL << 45;

/* Before its first block each table is one empty slot that nothing writes
 * (it grows first): a lookup needs no test for a table not made yet. */
static const struct addr_entry no_slots[1];
static COLLECTOR_OWNED struct addrtab_table packed = {(char *)no_slots, 1, 0, 0};
COLLECTOR_OWNED struct addrtab_table addrtab_wide = {(char *)no_slots, 1, 0, 0};
static COLLECTOR_OWNED uint64_t swept; /* when the last sweep was */
COLLECTOR_OWNED bool addrtab_packing;

COLLECTOR_OWNED struct addrtab_first addrtab_first = {(const char *)no_slots, 1, sizeof(struct addr_entry)};

static uint64_t home(uint64_t addr, uint64_t cap)
{
	return addrtab_home(addr, cap);
}

static void note_first(void)
{
	const struct addrtab_table *t = addrtab_packing ? &packed : &addrtab_wide;
	addrtab_first = (struct addrtab_first){t->slots, t->cap, addrtab_packing ? sizeof(struct addrtab_packed) : sizeof(struct addr_entry)};
}

/* The table code is written once for both layouts: `w` is a constant at
 * every call, and inlining makes two copies of it. */
#define TABLE_OP static inline __attribute__((always_inline))

TABLE_OP size_t entry_bytes(bool w)
{
	return w ? sizeof(struct addr_entry) : sizeof(struct addrtab_packed);
}

TABLE_OP void *slot_at(const struct addrtab_table *t, bool w, uint64_t i)
{
	return t->slots + i * entry_bytes(w);
}

/* 0 for an empty slot */
TABLE_OP uint64_t key_at(const struct addrtab_table *t, bool w, uint64_t i)
{
	if (w)
		return ((const struct addr_entry *)slot_at(t, w, i))->addr;
	return ((const struct addrtab_packed *)slot_at(t, w, i))->addr_size & ADDRTAB_ADDR_MASK;
}

TABLE_OP void read_entry(const struct addrtab_table *t, bool w, uint64_t i, uint64_t now, struct addr_entry *out)
{
	if (w)
		*out = *(const struct addr_entry *)slot_at(t, w, i);
	else
		addrtab_unpack(slot_at(t, w, i), now, out);
}

TABLE_OP bool grow(struct addrtab_table *t, bool w, uint64_t first_cap)
{
	uint64_t ncap = t->cap > 1 ? t->cap * 2 : first_cap;
	size_t bytes = ncap * entry_bytes(w);
	char *n = pages_map(bytes);
	if (!n)
		return false;
	/* A grown table is at least 3/8 full, hashed all over: every page of
	 * it is touched within moments. Its pages are made now, in one call,
	 * rather than by two faults each (a probe reads a page before anything
	 * writes it: the zero page, then a copy). Kernels before 5.14 refuse
	 * the advice, and the faults make them as before. */
	if (t->cap > 1)
		madvise(n, bytes, MADV_POPULATE_WRITE);
	struct addrtab_table old = *t;
	t->slots = n;
	t->cap = ncap;
	t->room = ncap / 4 * 3;
	for (uint64_t i = 0; i < old.cap; i++) {
		uint64_t a = key_at(&old, w, i);
		if (!a)
			continue;
		uint64_t j = home(a, ncap);
		while (key_at(t, w, j))
			j = (j + 1) & (ncap - 1);
		memcpy(slot_at(t, w, j), slot_at(&old, w, i), entry_bytes(w));
	}
	if (old.cap > 1)
		pages_unmap(old.slots, old.cap * entry_bytes(w));
	note_first();
	return true;
}

/* Out of line: the inserts keep few registers. */
static __attribute__((noinline, cold)) bool grow_packed(void)
{
	return grow(&packed, false, 1 << 16);
}

static __attribute__((noinline, cold)) bool grow_wide(void)
{
	return grow(&addrtab_wide, true, 1 << 10);
}

/* The slot of addr, or the empty one where it would go. */
TABLE_OP uint64_t probe(const struct addrtab_table *t, bool w, uint64_t addr)
{
	uint64_t i = home(addr, t->cap);
	for (uint64_t k; (k = key_at(t, w, i)) && k != addr;)
		i = (i + 1) & (t->cap - 1);
	return i;
}

TABLE_OP void delete_at(struct addrtab_table *t, bool w, uint64_t i)
{
	uint64_t mask = t->cap - 1;
	for (uint64_t j = (i + 1) & mask, k; (k = key_at(t, w, j)); j = (j + 1) & mask) {
		uint64_t h = home(k, t->cap);
		if (((j - h) & mask) >= ((j - i) & mask)) {
			memcpy(slot_at(t, w, i), slot_at(t, w, j), entry_bytes(w));
			i = j;
		}
	}
	memset(slot_at(t, w, i), 0, entry_bytes(w));
	t->count--;
}

/* Removes addr from t into *out, if it is there. */
TABLE_OP bool take(struct addrtab_table *t, bool w, uint64_t addr, uint64_t now, struct addr_entry *out)
{
	uint64_t i = probe(t, w, addr);
	if (!key_at(t, w, i))
		return false;
	read_entry(t, w, i, now, out);
	delete_at(t, w, i);
	return true;
}

bool addrtab_take_packed(uint64_t addr, struct addrtab_packed *out)
{
	uint64_t i = probe(&packed, false, addr);
	if (!key_at(&packed, false, i))
		return false;
	*out = *(const struct addrtab_packed *)slot_at(&packed, false, i);
	delete_at(&packed, false, i);
	return true;
}

bool addrtab_take_whole(uint64_t addr, uint64_t now, struct addr_entry *out)
{
	return addrtab_wide.count && take(&addrtab_wide, true, addr, now, out);
}

/* The wide table's ways from the packed table's are out of line: those
 * keep few registers. */
static __attribute__((noinline)) bool take_whole_cold(uint64_t addr, uint64_t now, struct addr_entry *out)
{
	return take(&addrtab_wide, true, addr, now, out);
}

static __attribute__((noinline)) bool take_packed_whole(uint64_t addr, uint64_t now, struct addr_entry *out)
{
	return take(&packed, false, addr, now, out);
}

/* The whole entries move to the packed table, but those that do not pack. */
static __attribute__((noinline, cold)) void start_packing(uint64_t now)
{
	addrtab_packing = true;
	struct addrtab_table old = addrtab_wide;
	addrtab_wide = (struct addrtab_table){(char *)no_slots, 1, 0, 0};
	for (uint64_t i = 0; i < old.cap; i++) {
		const struct addr_entry *e = slot_at(&old, true, i);
		struct addrtab_packed p;
		struct addr_entry none;
		if (!e->addr)
			continue;
		if (addrtab_pack(e, &p))
			addrtab_insert_packed(&p, now, &none);
		else
			addrtab_insert_whole(e, &none);
	}
	pages_unmap(old.slots, old.cap * sizeof(struct addr_entry));
	note_first();
}

__attribute__((noinline)) bool addrtab_insert_whole(const struct addr_entry *e, struct addr_entry *old)
{
	if (addrtab_wide.count >= addrtab_wide.room) {
		if (!addrtab_packing && addrtab_wide.cap >= ADDRTAB_PACK_FROM) {
			start_packing(e->alloc_time);
			return addrtab_insert(e, old);
		}
		if (!grow_wide())
			return false; /* out of memory: this block goes untracked */
	}
	uint64_t i = probe(&addrtab_wide, true, e->addr);
	struct addr_entry *s = slot_at(&addrtab_wide, true, i);
	bool found = s->addr != 0;
	if (found)
		*old = *s;
	else
		addrtab_wide.count++;
	*s = *e;
	return found || (packed.count && take_packed_whole(e->addr, e->alloc_time, old));
}

bool addrtab_insert_packed(const struct addrtab_packed *p, uint64_t now, struct addr_entry *old)
{
	if (packed.count >= packed.room && !grow_packed())
		return false; /* out of memory: this block goes untracked */
	/* one probe: where it stops, the address is, or it goes */
	uint64_t addr = p->addr_size & ADDRTAB_ADDR_MASK;
	struct addrtab_packed *s = slot_at(&packed, false, probe(&packed, false, addr));
	bool found = s->addr_size != 0;
	if (found)
		addrtab_unpack(s, now, old);
	else
		packed.count++;
	*s = *p;
	return found || (addrtab_wide.count && take_whole_cold(addr, now, old));
}

/* Moves the blocks packed longer ago than OLD to the wide table. A
 * deletion shifts later entries back into slot i, so i is looked at
 * again; entries that wrap around from the table's start were young. */
static void sweep(uint64_t now)
{
	swept = now;
	for (uint64_t i = 0; i < packed.cap;) {
		struct addrtab_packed *p = slot_at(&packed, false, i);
		if (!p->addr_size || addrtab_age(p, now) < (int64_t)OLD) {
			i++;
			continue;
		}
		struct addr_entry e, none;
		addrtab_unpack(p, now, &e);
		delete_at(&packed, false, i);
		addrtab_insert_whole(&e, &none); /* out of memory: the block goes untracked */
	}
}

void addrtab_tick(uint64_t now)
{
	if ((int64_t)(now - swept) >= (int64_t)SWEEP_EVERY)
		sweep(now);
}

uint64_t addrtab_count(void)
{
	return packed.count + addrtab_wide.count;
}

uint64_t addrtab_memory(void)
{
	return (packed.cap > 1 ? packed.cap * sizeof(struct addrtab_packed) : 0) +
	       (addrtab_wide.cap > 1 ? addrtab_wide.cap * sizeof(struct addr_entry) : 0);
}
