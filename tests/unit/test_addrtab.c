/* test_addrtab: exact mode's table of live blocks against a plain array,
 * through growth, high load, replacement and deletion in random order;
 * every field of every entry comes back as it went in, packed or not (a
 * few addresses, sizes, threads and realloc depths do not pack), and
 * times stay whole across the wrap of the packed ones. */
#include <stdint.h>
#include <stdlib.h>

#include "../../preload/addrtab.h"
#include "../tap.h"

enum { KEYS = 1 << 21 };

static uint64_t rng = 0x2545f4914f6cdd1dULL;
static uint64_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static struct addr_entry *model; /* addr 0: not live */
static uint64_t live, now = 1ULL << 40;
static int wrong;
static bool odd_entries; /* some entries that do not pack */
static uint64_t quick; /* inserts that addrtab_insert_quick made */

static uint64_t addr_of(uint32_t k)
{
	if (odd_entries && k % 97 == 0)
		return 0x900000000000ULL + (uint64_t)k * 48; /* above 2^47 */
	return 0x7f0000000000ULL + (uint64_t)k * 48; /* 16-aligned, as malloc's */
}

static bool same(const struct addr_entry *a, const struct addr_entry *b)
{
	return a->addr == b->addr && a->alloc_time == b->alloc_time && a->size == b->size &&
	       a->stale_pending == b->stale_pending && a->realloc_depth == b->realloc_depth &&
	       a->stack == b->stack && a->tid == b->tid;
}

static struct addr_entry entry_of(uint32_t k, uint64_t size)
{
	struct addr_entry e = {
		.addr = addr_of(k), .alloc_time = now, .size = size, .stack = k,
		.tid = (uint32_t)(next_random() % (1u << 22)),
		.realloc_depth = next_random() % 8 ? 0 : next_random() % 400,
		.stale_pending = next_random() % 16 == 0,
	};
	if (odd_entries && k % 89 == 0)
		e.size = (1ULL << 33) + k; /* 8 GiB and more */
	if (odd_entries && k % 83 == 0)
		e.realloc_depth = 512 + k % 1000;
	if (odd_entries && k % 79 == 0)
		e.tid = (1u << 22) + k;
	return e;
}

/* As exact mode inserts: addrtab_insert_quick first (refused, with
 * nothing done, when the address is live or entries are packed), then
 * addrtab_insert. */
static void insert(uint32_t k, uint64_t size)
{
	struct addr_entry e = entry_of(k, size), old;
	if (!e.stale_pending &&
	    addrtab_insert_quick(e.addr, e.alloc_time, e.size, e.stack, e.tid, e.realloc_depth)) {
		if (model[k].addr || addrtab_packing)
			wrong++;
		quick++;
		live++;
		model[k] = e;
		return;
	}
	bool replaced = addrtab_insert(&e, &old);
	if (replaced != (model[k].addr != 0) || (replaced && !same(&old, &model[k])))
		wrong++;
	live += !model[k].addr;
	model[k] = e;
}

static void remove_key(uint32_t k)
{
	struct addr_entry out;
	bool found = addrtab_remove(addr_of(k), now, &out);
	if (found != (model[k].addr != 0) || (found && !same(&out, &model[k])))
		wrong++;
	live -= model[k].addr != 0;
	model[k].addr = 0;
}

static int remove_all(void)
{
	int absent = 0;
	for (uint32_t k = 0; k < KEYS; k++) {
		struct addr_entry out;
		if (model[k].addr && (!addrtab_remove(addr_of(k), now, &out) || !same(&out, &model[k])))
			absent++;
		model[k].addr = 0;
	}
	live = 0;
	return absent;
}

static void churn(int steps)
{
	for (int i = 0; i < steps; i++) {
		uint32_t k = (uint32_t)(next_random() % KEYS);
		now += next_random() % 1000;
		if (next_random() % 2)
			insert(k, next_random() % 4096 + 1);
		else
			remove_key(k);
	}
}

int main(void)
{
	model = calloc(KEYS, sizeof(*model));
	if (!model)
		return 1;

	/* few blocks are kept whole; past ADDRTAB_PACK_FROM slots of them,
	 * they move to the packed table. 1.5 M live blocks fit 2 M slots (it
	 * doubles at 3/4 load) */
	for (uint32_t k = 0; k < 50000; k++)
		insert(k, k % 1000 + 1);
	TAP_OK(!addrtab_packing, "50 k blocks are kept whole");
	/* 15 in 16 are not stale_pending; of those, one a growth finds the
	 * table full and leaves it to addrtab_insert */
	TAP_OK(quick > 46000, "nearly all of them inserted inline (addrtab_insert_quick)");
	TAP_EQ_INT(addrtab_memory() >> 10, 40 * 131072 >> 10, "in 128 k slots of 40 bytes (KiB)");
	for (uint32_t k = 50000; k < 1500000; k++)
		insert(k, k % 1000 + 1);
	TAP_OK(addrtab_packing, "1.5 M blocks are packed");
	TAP_EQ_INT(wrong, 0, "1.5 M inserts of new addresses");
	TAP_EQ_INT(addrtab_count(), 1500000, "1.5 M live");
	TAP_EQ_INT(addrtab_memory() >> 20, 48, "1.5 M live blocks take 2 M slots of 24 bytes (MiB)");

	/* past 3/4 of 2 M: the table doubles, and every entry moves */
	for (uint32_t k = 1500000; k < 1900000; k++)
		insert(k, 7);
	TAP_EQ_INT(addrtab_memory() >> 20, 96, "1.9 M live blocks take 4 M slots (MiB)");
	TAP_EQ_INT(wrong, 0, "entries found the same after growing");

	/* churn at high load: each step replaces, inserts or removes a random
	 * address, as a program's reuse of addresses does */
	churn(4000000);
	TAP_EQ_INT(wrong, 0, "4 M random inserts and removes agree with the array");
	TAP_EQ_INT(addrtab_count(), live, "count agrees");
	TAP_EQ_INT(remove_all(), 0, "every live address is found once more, and removed");
	TAP_EQ_INT(addrtab_count(), 0, "the table is empty");
	struct addr_entry out;
	TAP_OK(!addrtab_remove(addr_of(5), now, &out), "an empty table finds nothing");

	/* entries that do not pack: an address above 2^47, 8 GiB, a thread
	 * id past 2^22, a realloc depth of 512; an address moves between the
	 * two tables when the block replacing it packs and the old did not,
	 * or the other way round */
	odd_entries = true;
	for (uint32_t k = 0; k < 200000; k++)
		insert(k, k % 1000 + 1);
	churn(1000000);
	TAP_EQ_INT(wrong, 0, "entries that do not pack, mixed with those that do");
	TAP_EQ_INT(addrtab_count(), live, "count agrees");
	TAP_EQ_INT(remove_all(), 0, "every one found once more, and removed");
	odd_entries = false;

	/* a free stamped a little before its allocation, by a CPU whose clock
	 * is behind */
	insert(7, 100);
	now -= 5000;
	remove_key(7);
	now += 5000;
	TAP_EQ_INT(wrong, 0, "a free 5000 ticks older than its block finds it, whole");

	/* blocks that live past the wrap of the 48-bit packed times: 2^49
	 * ticks later, with the drain's clock read every 2^42 ticks and a
	 * block allocated and freed each time, their times are whole */
	for (uint32_t k = 0; k < 100000; k++)
		insert(k, 64);
	for (int i = 0; i < 128; i++) {
		now += 1ULL << 42;
		addrtab_tick(now);
		insert(KEYS - 1, 16);
		remove_key(KEYS - 1);
	}
	TAP_EQ_INT(wrong, 0, "blocks come and go for 2^49 ticks");
	TAP_EQ_INT(addrtab_count(), 100000, "the old blocks are there");
	TAP_EQ_INT(remove_all(), 0, "and come back with their whole times");
	free(model);
	return tap_done();
}
