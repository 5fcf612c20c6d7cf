/* exact: ALLOCPROF_RATE=1, where every block is recorded and each free is
 * paired with its allocation by address. It owns that pairing (the address
 * table, frees that came before their allocation, realloc depths), the safe
 * horizon that orders events across threads, and what the program's
 * threads do differently (every free sent, stacks read from a cache). */
#ifndef ALLOCPROF_EXACT_H
#define ALLOCPROF_EXACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addrtab.h"
#include "config.h"
#include "event.h"
#include "ring.h"
#include "stacktab.h"

/* The one test of the mode: a load and a compare. */
static inline bool exact_mode(void)
{
	return config.rate == 1;
}

/* Program threads (exact mode only). */
/* Every allocation is sent: a ring has room for bursts. */
enum { EXACT_RING_BYTES = 1u << 21 };
/* At start: every free goes to the collector, which looks the block up,
 * instead of the thread's live set. */
void exact_capture_init(void);

/* The collector (exact mode only; lock held). */
/* An allocation by s, paired with a free that came before it, if any. */
void exact_alloc(struct ring *r, struct stack_rec *s, const struct event *e);
/* What a free says in exact mode (from an EVENT_FREE_SHORT, or an
 * EVENT_FREE that carried an RSS reading). */
struct exact_free {
	uint64_t addr, free_time, free_pc;
	uint32_t free_tid;
	uint16_t flags;
};
/* A free: applied to the block at its address, or kept until the block's
 * allocation arrives. */
void exact_free(struct ring *r, const struct exact_free *f);
/* The same for an EVENT_FREE_SHORT, read where it lies in r: nothing is
 * copied for the common free. */
void exact_free_short(struct ring *r, const struct event_free *f);
/* Events older than this (event clock) can all be seen already. */
uint64_t exact_horizon(void);
/* e will be paired soon: load its slot of the address table now. The
 * table is as big as the program's heap is numerous, so a lookup is a
 * cache miss; the drain calls this for events a dozen places ahead of the
 * one it pairs, and the misses overlap. Inlined always (addrtab.h says
 * why). */
static inline __attribute__((always_inline)) void exact_prefetch(const struct event *e)
{
	if (e)
		addrtab_prefetch(e->kind == EVENT_FREE_SHORT ? ((const struct event_free *)e)->addr : e->addr);
}
/* Whether prefetching pays: not while the live blocks' slots fit in the
 * cache (a line each: 8192 of them, 512 KiB), where it costs ~150
 * instructions a malloc+free pair and saves no miss. */
static inline bool exact_prefetch_pays(void)
{
	return addrtab_count() > 8192;
}
/* Blocks allocated and not yet freed. */
uint64_t exact_live_blocks(void);

#endif
