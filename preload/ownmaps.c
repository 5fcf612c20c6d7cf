/* ownmaps: a fixed table of slots, each a (start, size) pair. A slot is
 * claimed by a compare-and-swap of its start from 0, released by storing 0:
 * mappings are made for a thread's first sample (its ring), by the
 * collector and by the dump, never on the unsampled path, so an atomic and a madvise per mapping cost
 * nothing that matters, and no lock can be inherited held by a forked
 * child. */
#include "ownmaps.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <sys/mman.h>

enum { SLOTS = 4096 };

struct slot {
	_Atomic uintptr_t start;
	_Atomic size_t size;
};

/* 64 KiB of zeroed BSS, touched only as far as slots are used */
static struct slot slots[SLOTS];
static _Atomic size_t untracked;

void ownmaps_note(void *start, size_t size)
{
	madvise(start, size, MADV_DONTDUMP);
	for (size_t i = 0; i < SLOTS; i++) {
		uintptr_t expect = 0;
		if (atomic_load_explicit(&slots[i].start, memory_order_relaxed))
			continue;
		/* claimed with 1 (which readers skip), then the size, then the
		 * start: a reader that sees the start sees its size */
		if (atomic_compare_exchange_strong_explicit(&slots[i].start, &expect, (uintptr_t)1,
							    memory_order_acquire, memory_order_relaxed)) {
			atomic_store_explicit(&slots[i].size, size, memory_order_relaxed);
			atomic_store_explicit(&slots[i].start, (uintptr_t)start, memory_order_release);
			return;
		}
	}
	atomic_fetch_add_explicit(&untracked, size, memory_order_relaxed);
}

void ownmaps_forget(void *start)
{
	for (size_t i = 0; i < SLOTS; i++)
		if (atomic_load_explicit(&slots[i].start, memory_order_acquire) == (uintptr_t)start) {
			atomic_store_explicit(&slots[i].start, 0, memory_order_release);
			return;
		}
	/* mapped while the table was full; its size is not known here, and
	 * the figure stays an upper bound */
}

static bool slot_range(size_t i, uintptr_t *start, size_t *size)
{
	*start = atomic_load_explicit(&slots[i].start, memory_order_acquire);
	if (*start <= 1)
		return false;
	*size = atomic_load_explicit(&slots[i].size, memory_order_relaxed);
	return true;
}

bool ownmaps_overlaps(uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < SLOTS; i++) {
		uintptr_t from;
		size_t size;
		if (slot_range(i, &from, &size) && from < end && start < from + size)
			return true;
	}
	return false;
}

uint64_t ownmaps_untracked(void)
{
	return atomic_load_explicit(&untracked, memory_order_relaxed);
}
