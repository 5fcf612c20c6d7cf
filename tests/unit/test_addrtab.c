/* test_addrtab: exact mode's table of live blocks against a plain array,
 * through growth, high load, replacement and deletion in random order. */
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

static uint8_t *present;
static uint32_t *sizes;
static uint64_t live;
static int wrong;

static uint64_t addr_of(uint32_t k)
{
	return 0x7f0000000000ULL + (uint64_t)k * 48; /* 16-aligned, as malloc's */
}

static void insert(uint32_t k, uint32_t size)
{
	struct addr_entry e = {.addr = addr_of(k), .size = size, .stack = k}, old;
	bool replaced = addrtab_insert(&e, &old);
	if (replaced != (present[k] != 0) || (replaced && (old.size != sizes[k] || old.stack != k)))
		wrong++;
	live += !present[k];
	present[k] = 1;
	sizes[k] = size;
}

static void remove_key(uint32_t k)
{
	struct addr_entry out;
	bool found = addrtab_remove(addr_of(k), &out);
	if (found != (present[k] != 0) || (found && (out.size != sizes[k] || out.addr != addr_of(k))))
		wrong++;
	live -= present[k];
	present[k] = 0;
}

int main(void)
{
	present = calloc(KEYS, 1);
	sizes = calloc(KEYS, sizeof(*sizes));
	if (!present || !sizes)
		return 1;

	/* 1.5 M live blocks fit 2 M slots (it doubles at 3/4 load) */
	for (uint32_t k = 0; k < 1500000; k++)
		insert(k, k % 1000 + 1);
	TAP_EQ_INT(wrong, 0, "1.5 M inserts of new addresses");
	TAP_EQ_INT(addrtab_count(), 1500000, "1.5 M live");
	TAP_EQ_INT(addrtab_memory() >> 20, 64, "1.5 M live blocks take 2 M slots (MiB)");

	/* past 3/4 of 2 M: the table doubles, and every entry moves */
	for (uint32_t k = 1500000; k < 1900000; k++)
		insert(k, 7);
	TAP_EQ_INT(addrtab_memory() >> 20, 128, "1.9 M live blocks take 4 M slots (MiB)");
	TAP_EQ_INT(wrong, 0, "entries found the same after growing");

	/* churn at high load: each step replaces, inserts or removes a random
	 * address, as a program's reuse of addresses does */
	for (int i = 0; i < 4000000; i++) {
		uint32_t k = (uint32_t)(next_random() % KEYS);
		if (next_random() % 2)
			insert(k, (uint32_t)(next_random() % 4096) + 1);
		else
			remove_key(k);
	}
	TAP_EQ_INT(wrong, 0, "4 M random inserts and removes agree with the array");
	TAP_EQ_INT(addrtab_count(), live, "count agrees");
	int absent = 0;
	for (uint32_t k = 0; k < KEYS; k++) {
		struct addr_entry out;
		if (present[k] && !addrtab_remove(addr_of(k), &out))
			absent++;
		present[k] = 0;
	}
	TAP_EQ_INT(absent, 0, "every live address is found once more, and removed");
	TAP_EQ_INT(addrtab_count(), 0, "the table is empty");
	struct addr_entry out;
	TAP_OK(!addrtab_remove(addr_of(5), &out), "an empty table finds nothing");
	free(present);
	free(sizes);
	return tap_done();
}
