/* exact: the program's threads send every allocation and every free (a free
 * carries only its address); the collector keeps the live blocks in the
 * address table and pairs each free with its allocation there. Pairing by
 * address needs the events of all threads in the order they happened: the
 * drain merges the rings by time, up to the safe horizon below. */
#include "exact.h"
#include "collector.h"

#include <string.h>

#include "addrtab.h"
#include "aggregate.h"
#include "arena.h"
#include "evclock.h"
#include "livetab.h"
#include "unwind.h"

void exact_capture_init(void)
{
	memset(livetab_filter, 0xff, sizeof(livetab_filter));
}

/* Frees that found no block yet. The collector reads the rings' heads one
 * after the other, so a batch can hold a block's free (committed by one
 * thread) but not its allocation (committed by another just after its ring
 * was looked at): the allocation comes in the next batch and takes its free
 * from here. Direct-mapped and bounded: frees of blocks never recorded
 * (allocated before the shim started, or by a library inside the shim) only
 * take a slot until something else needs it. */
enum { PENDING_FREES = 65536 };
static COLLECTOR_OWNED struct exact_free *pending;
/* slots that hold a free: none, in most programs, and then an allocation
 * need not look (the table is 2.5 MiB: a cache miss) */
static COLLECTOR_OWNED uint64_t npending;

static struct exact_free *pending_slot(uint64_t addr)
{
	if (!pending && !(pending = pages_map(PENDING_FREES * sizeof(*pending))))
		return NULL;
	return &pending[((addr >> 4) * 0x9e3779b97f4a7c15ULL >> 40) & (PENDING_FREES - 1)];
}

/* The depth of the realloc that the ring's next allocation ends: the free
 * half of a realloc comes first in its thread's ring, and leaves it here
 * for the allocation half. */
static uint32_t *realloc_depth(struct ring *r)
{
	return ring_consumer_word(r);
}

/* The free of a block a realloc made, or a realloc's free: out of line,
 * so that exact_free's common case keeps its block in registers. */
static __attribute__((noinline)) void free_realloc(struct ring *r, const struct addr_entry *b,
						    struct exact_free e)
{
	struct aggregate_block x = {
		.size = b->size,
		.alloc_time = b->alloc_time,
		.free_time = e.free_time,
		.free_pc = e.free_pc,
		.tid = b->tid,
		.free_tid = e.free_tid,
		.realloc_depth = (uint32_t)b->realloc_depth,
		.flags = e.flags,
	};
	aggregate_free(stacktab_at(b->stack), &x);
	if (e.flags & EVENT_REALLOC)
		*realloc_depth(r) = (uint32_t)b->realloc_depth + 1;
}

/* exact_free and exact_free_short, from the fields in registers: the
 * common free stores none of them. */
static __attribute__((noinline)) void free_block(struct ring *r, uint64_t addr, uint64_t free_time,
						  uint64_t free_pc, uint32_t free_tid, uint16_t flags)
{
	const struct exact_free e = {addr, free_time, free_pc, free_tid, flags};
	struct addr_entry b;
	if (!addrtab_remove(e.addr, e.free_time, &b)) {
		/* not allocated by the program while we watched, or allocated in
		 * a batch still to come */
		struct exact_free *pf = pending_slot(e.addr);
		if (pf) {
			npending += !pf->addr;
			*pf = e;
		}
		goto unknown;
	}
	if (b.stale_pending) {
		/* the free of the block that was here before, already accounted
		 * when the allocator handed the address out again: the entry
		 * stays. Decided by the flag, not by comparing times: the clocks
		 * of two CPUs may disagree by a little. */
		b.stale_pending = 0;
		struct addr_entry again;
		addrtab_insert(&b, &again);
		goto unknown;
	}
	if (b.realloc_depth || (e.flags & EVENT_REALLOC)) {
		free_realloc(r, &b, e);
		return;
	}
	aggregate_free_exact(stacktab_at(b.stack), &(struct aggregate_block){
		.size = b.size,
		.alloc_time = b.alloc_time,
		.free_time = e.free_time,
		.free_pc = e.free_pc,
		.tid = b.tid,
		.free_tid = e.free_tid,
		.flags = e.flags,
	});
	return;
unknown:
	if (e.flags & EVENT_REALLOC)
		*realloc_depth(r) = 1;
}

void exact_free(struct ring *r, const struct exact_free *e)
{
	free_block(r, e->addr, e->free_time, e->free_pc, e->free_tid, e->flags);
}

void exact_free_short(struct ring *r, const struct event_free *f)
{
	free_block(r, f->addr, f->free_time, f->free_pc, ring_owner_tid(r), f->flags);
}

/* The block e describes, made by a realloc depth deep (0: none). */
static struct aggregate_block block_of(const struct event *e, uint32_t depth)
{
	return (struct aggregate_block){
		.size = e->size,
		.alloc_time = e->alloc_time,
		.tid = e->tid,
		.realloc_depth = depth,
		.flags = e->flags,
	};
}

/* Out of line, as free_realloc above: an allocation that ends a realloc. */
static __attribute__((noinline)) void alloc_realloc(struct stack_rec *s, const struct event *e, uint32_t depth)
{
	struct aggregate_block x = block_of(e, depth);
	aggregate_alloc(s, &x);
}

/* Its free came first (see the pending frees above): the block is gone. */
static __attribute__((noinline)) void free_pending(struct stack_rec *s, const struct event *e, uint32_t depth,
						    struct exact_free *pf)
{
	struct aggregate_block x = block_of(e, depth);
	x.flags = pf->flags;
	x.free_time = pf->free_time;
	x.free_tid = pf->free_tid;
	x.free_pc = pf->free_pc;
	pf->addr = 0;
	npending--;
	aggregate_free(s, &x);
}

static void insert_slow(struct stack_rec *s, const struct event *e, uint16_t kept_depth);

void exact_alloc(struct ring *r, struct stack_rec *s, const struct event *e)
{
	uint32_t depth = e->flags & EVENT_REALLOC ? *realloc_depth(r) : 0;
	if (depth) {
		alloc_realloc(s, e, depth);
	} else {
		struct aggregate_block x = block_of(e, 0);
		aggregate_alloc_exact(s, &x);
	}
	/* a waiting free older than this by more than the clocks of two CPUs
	 * could disagree (1 ms is far more) was some unrecorded block's; so was
	 * one the allocating thread made: its ring puts its own free of this
	 * block after this event, so one before it freed an earlier block (made
	 * before an attach, say, the address handed straight back) */
	struct exact_free *pf = npending ? pending_slot(e->addr) : NULL;
	if (pf && pf->addr == e->addr) {
		if (pf->free_tid != e->tid && pf->free_time + (uint64_t)(1e6 / evclock_ns_per_tick()) >= e->alloc_time) {
			free_pending(s, e, depth, pf);
			return;
		}
		pf->addr = 0; /* an earlier block's: no later allocation may take it */
		npending--;
	}
	uint16_t kept_depth = depth > 0xffff ? 0xffff : (uint16_t)depth;
	if (!addrtab_insert_quick(e->addr, e->alloc_time, e->size, stacktab_index(s), e->tid, kept_depth))
		insert_slow(s, e, kept_depth);
}

/* Out of line, as free_realloc above: the table's own insert, and an
 * address the allocator reused before its free arrived. */
static __attribute__((noinline)) void insert_slow(struct stack_rec *s, const struct event *e, uint16_t kept_depth)
{
	struct addr_entry n = {
		.addr = e->addr,
		.alloc_time = e->alloc_time,
		.size = e->size,
		.realloc_depth = kept_depth,
		.stack = stacktab_index(s),
		.tid = e->tid,
	};
	struct addr_entry old;
	if (addrtab_insert(&n, &old)) {
		struct addr_entry mine;
		n.stale_pending = 1;
		addrtab_insert(&n, &mine);
		/* the allocator reused an address whose free we have not seen yet:
		 * it was freed by now; its own free event will find a newer entry */
		struct aggregate_block f = {
			.size = old.size,
			.alloc_time = old.alloc_time,
			.free_time = e->alloc_time,
			.tid = old.tid,
			.realloc_depth = (uint32_t)old.realloc_depth,
		};
		aggregate_free(stacktab_at(old.stack), &f);
	}
}

/* A producer publishes the time of the event it builds before the event
 * (ring_fast.h: ring_stamp), so no event older than any published time is
 * missing, nor any older than now less a margin for the moment between a
 * stamp and its publication and for clocks of CPUs that disagree a little. */
uint64_t exact_horizon(void)
{
	uint64_t now = evclock_now();
	addrtab_tick(now);
	uint64_t h = now - (uint64_t)(500000.0 / evclock_ns_per_tick());
	for (struct ring *r = ring_first(); r; r = ring_next(r)) {
		uint64_t t = ring_inflight(r);
		if (t && t < h)
			h = t;
	}
	return h;
}

uint64_t exact_live_blocks(void)
{
	return addrtab_count();
}
