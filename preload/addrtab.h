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

/* A live block as the table gives it and takes it: plain fields, since
 * the table keeps most of them packed in 24 bytes (addrtab.c). */
struct addr_entry {
	uint64_t addr;      /* 0 = empty */
	uint64_t alloc_time;
	uint64_t size;
	uint32_t stack;     /* stacktab index */
	uint32_t tid;
	uint16_t realloc_depth;
	/* this entry replaced one at the same address whose free has not
	 * arrived yet: the next free older than this entry is that one's */
	bool stale_pending;
};

/* Most entries are kept packed in 24 bytes: 47 bits of address and the
 * low 17 of size; the low 48 bits of the time (the whole time is the one
 * nearest the event that asks) and the next 16 of size; the stack, 22 bits
 * of thread id (Linux's pid_max is at most 2^22), 9 of realloc depth,
 * stale_pending. Packing and unpacking are inline, so the collector packs
 * from registers and unpacks into them. */
struct addrtab_packed {
	uint64_t addr_size;
	uint64_t time_size;
	uint64_t stack_tid;
};

enum {
	ADDRTAB_ADDR_BITS = 47,
	ADDRTAB_SIZE_LO_BITS = 64 - ADDRTAB_ADDR_BITS,
	ADDRTAB_TIME_BITS = 48,
	ADDRTAB_SIZE_BITS = ADDRTAB_SIZE_LO_BITS + 64 - ADDRTAB_TIME_BITS,
	ADDRTAB_TID_SHIFT = 32,
	ADDRTAB_TID_BITS = 22,
	ADDRTAB_DEPTH_SHIFT = ADDRTAB_TID_SHIFT + ADDRTAB_TID_BITS,
	ADDRTAB_DEPTH_BITS = 9,
	ADDRTAB_STALE_SHIFT = ADDRTAB_DEPTH_SHIFT + ADDRTAB_DEPTH_BITS,
};
#define ADDRTAB_ADDR_MASK ((1ULL << ADDRTAB_ADDR_BITS) - 1)
_Static_assert(sizeof(struct addrtab_packed) == 24, "packed entries are 24 bytes");
_Static_assert(ADDRTAB_STALE_SHIFT == 63, "the packed fields fill 64 bits");

/* False when e does not pack: it goes whole to a table of its own. */
static inline bool addrtab_pack(const struct addr_entry *e, struct addrtab_packed *p)
{
	if (e->addr >> ADDRTAB_ADDR_BITS | e->size >> ADDRTAB_SIZE_BITS | e->tid >> ADDRTAB_TID_BITS |
	    e->realloc_depth >> ADDRTAB_DEPTH_BITS)
		return false;
	p->addr_size = e->addr | e->size << ADDRTAB_ADDR_BITS;
	p->time_size = (e->alloc_time & ((1ULL << ADDRTAB_TIME_BITS) - 1)) |
		       e->size >> ADDRTAB_SIZE_LO_BITS << ADDRTAB_TIME_BITS;
	p->stack_tid = e->stack | (uint64_t)e->tid << ADDRTAB_TID_SHIFT |
		       (uint64_t)e->realloc_depth << ADDRTAB_DEPTH_SHIFT |
		       (uint64_t)e->stale_pending << ADDRTAB_STALE_SHIFT;
	return true;
}

/* How long before now the packed block was allocated (negative: a little
 * after, by another CPU's clock). */
static inline int64_t addrtab_age(const struct addrtab_packed *p, uint64_t now)
{
	return (int64_t)((now - p->time_size) << (64 - ADDRTAB_TIME_BITS)) >> (64 - ADDRTAB_TIME_BITS);
}

static inline void addrtab_unpack(const struct addrtab_packed *p, uint64_t now, struct addr_entry *e)
{
	*e = (struct addr_entry){
		.addr = p->addr_size & ADDRTAB_ADDR_MASK,
		.alloc_time = now - (uint64_t)addrtab_age(p, now),
		.size = p->addr_size >> ADDRTAB_ADDR_BITS | p->time_size >> ADDRTAB_TIME_BITS << ADDRTAB_SIZE_LO_BITS,
		.stack = (uint32_t)p->stack_tid,
		.tid = p->stack_tid >> ADDRTAB_TID_SHIFT & ((1u << ADDRTAB_TID_BITS) - 1),
		.realloc_depth = p->stack_tid >> ADDRTAB_DEPTH_SHIFT & ((1u << ADDRTAB_DEPTH_BITS) - 1),
		.stale_pending = p->stack_tid >> ADDRTAB_STALE_SHIFT,
	};
}

/* Set once whole entries fill ADDRTAB_PACK_FROM slots (98304 blocks, a
 * 5 MiB table): below, every entry is kept whole, and packing (some 60
 * instructions a malloc+free pair) would save memory that hardly matters. */
extern bool addrtab_packing;
enum { ADDRTAB_PACK_FROM = 1 << 17 };

/* The two halves of addrtab_insert and addrtab_remove, for them alone. */
bool addrtab_insert_packed(const struct addrtab_packed *p, uint64_t now, struct addr_entry *old);
bool addrtab_insert_whole(const struct addr_entry *e, struct addr_entry *old);
bool addrtab_take_packed(uint64_t addr, struct addrtab_packed *out);
bool addrtab_take_whole(uint64_t addr, uint64_t now, struct addr_entry *out);

/* The slot an address hashes to, in a table of cap slots. */
static inline uint64_t addrtab_home(uint64_t addr, uint64_t cap)
{
	return ((addr >> 4) * 0x9e3779b97f4a7c15ULL >> 20) & (cap - 1);
}

/* An open-addressing table (addrtab.c); the one of whole entries is
 * addrtab_wide, for addrtab_insert_quick. */
struct addrtab_table {
	char *slots;
	uint64_t cap, count;
	uint64_t room; /* the count it grows at: 3/4 of cap */
};
extern struct addrtab_table addrtab_wide;

/* Adds a block in the common case, inline, its fields going from
 * registers to its slot: while entries are kept whole (none packed), with
 * room, and the address not in the table. False, with nothing done,
 * otherwise: addrtab_insert then. */
static inline bool addrtab_insert_quick(uint64_t addr, uint64_t alloc_time, uint64_t size, uint32_t stack,
					uint32_t tid, uint16_t realloc_depth)
{
	struct addrtab_table *t = &addrtab_wide;
	if (addrtab_packing || t->count >= t->room)
		return false;
	uint64_t mask = t->cap - 1;
	struct addr_entry *s;
	for (uint64_t i = addrtab_home(addr, t->cap); (s = (struct addr_entry *)t->slots + i)->addr; i = (i + 1) & mask)
		if (s->addr == addr)
			return false;
	*s = (struct addr_entry){.addr = addr, .alloc_time = alloc_time, .size = size, .stack = stack,
				 .tid = tid, .realloc_depth = realloc_depth};
	t->count++;
	return true;
}

/* Adds e; if its address was live, the old entry is removed into *old and
 * true is returned (its free is still on its way). */
static inline bool addrtab_insert(const struct addr_entry *e, struct addr_entry *old)
{
	struct addrtab_packed p;
	if (addrtab_packing && addrtab_pack(e, &p))
		return addrtab_insert_packed(&p, e->alloc_time, old);
	return addrtab_insert_whole(e, old);
}

/* Removes and returns the entry for addr, if any; now is the time of the
 * event that asks (event clock), a little before or any time after the
 * entry's allocation. */
static inline bool addrtab_remove(uint64_t addr, uint64_t now, struct addr_entry *out)
{
	struct addrtab_packed p;
	if (addrtab_packing && addrtab_take_packed(addr, &p)) {
		addrtab_unpack(&p, now, out);
		return true;
	}
	return addrtab_take_whole(addr, now, out);
}

/* The drain's clock, read at least every few minutes (exact_horizon):
 * packed entries keep only the low bits of their time, and those that grow
 * old enough to be ambiguous move to where the whole time is kept. */
void addrtab_tick(uint64_t now);

/* The table an address is looked up in first, for addrtab_prefetch. */
struct addrtab_first {
	const char *slots;
	uint64_t cap, entry_bytes;
};
extern struct addrtab_first addrtab_first;

/* Starts loading the slot addr hashes to: the collector calls it for events
 * a few places ahead, so the lookups it makes run from cache. Inlined
 * always, as is every caller up to the loop that uses it: a function that
 * only prefetches writes nothing and returns nothing, and gcc deletes the
 * calls to it (no prefetch was left in the drain). */
static inline __attribute__((always_inline)) void addrtab_prefetch(uint64_t addr)
{
	/* a slot may end on the next line */
	const char *s = addrtab_first.slots + addrtab_home(addr, addrtab_first.cap) * addrtab_first.entry_bytes;
	__builtin_prefetch(s, 1, 1);
	__builtin_prefetch(s + addrtab_first.entry_bytes - 1, 1, 1);
}
uint64_t addrtab_count(void);
uint64_t addrtab_memory(void);

#endif
