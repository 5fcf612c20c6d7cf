/* ring_fast: the layout of struct ring and the producer's per-event
 * operations on it, inline because they run on every sampled block. Only
 * ring.c and capture.c include it; everyone else sees ring.h's opaque ring. */
#ifndef ALLOCPROF_RING_FAST_H
#define ALLOCPROF_RING_FAST_H

#include "owncount.h"
#include "ring.h"

enum ring_state { RING_FREE, RING_OWNED, RING_ORPHANED };

enum { RING_SENT_CACHE = 1024 };

struct ring {
	/* producer side */
	_Atomic uint64_t head __attribute__((aligned(64)));
	uint64_t cached_tail;
	/* ring_fits_fast's one test: a record of up to ring_fast_max bytes
	 * fits at head if head < fast_end, that is if it ends before the end
	 * of the buffer (no PAD needed) and within 3/4 of the ring as of
	 * cached_tail (no need to wake the collector). 0: ask ring_reserve.
	 * Set by ring_reserve, producer-only. */
	uint64_t fast_end;
	/* r->data less the ring position where the current lap of the buffer
	 * began, as an address: a record at head (below fast_end, so in this
	 * lap) is at lap_base + head. Set with fast_end. */
	uintptr_t lap_base;
	/* counted by the producer alone (stores, never read-modify-write), so
	 * threads never share a written cache line; summed by ring_counts */
	_Atomic uint64_t samples, frees, truncated;
	/* the time stamped on the event being built, published before its
	 * record is: nothing older can still appear in this ring (0: none) */
	_Atomic uint64_t inflight;
	/* consumer side */
	_Atomic uint64_t tail __attribute__((aligned(64)));
	uint32_t consumer_word; /* ring_consumer_word */
	/* registry */
	_Atomic int state __attribute__((aligned(64)));
	uint32_t owner_tid;
	struct ring *next;
	size_t size; /* data bytes, a power of two */
	struct unwind_cache *_Atomic stack_cache; /* ring_unwind_cache */
	/* stack hashes whose frames this ring already carried (producer-only) */
	uint64_t sent[RING_SENT_CACHE];
	uint8_t data[] __attribute__((aligned(64)));
};

/* The most a record reserved by ring_fits_fast may take (ring_init). */
extern size_t ring_fast_max;

/* Producer: true if a record of up to ring_fast_max bytes fits at *head
 * without ring_reserve (false: the buffer's end is near, the ring looks
 * 3/4 full, or it is a new ring). One load of head, one compare: it runs
 * on every event. */
static inline bool ring_fits_fast(struct ring *r, uint64_t *head)
{
	*head = atomic_load_explicit(&r->head, memory_order_relaxed);
	return __builtin_expect(*head < r->fast_end, 1);
}

/* Producer: where the record at head goes, once ring_fits_fast said so. */
static inline void *ring_slot_at(struct ring *r, uint64_t head)
{
	return (void *)(r->lap_base + head);
}

/* Producer: space for up to max bytes at head (*head, for ring_commit_at),
 * or NULL when that needs ring_reserve. */
static inline void *ring_reserve_fast(struct ring *r, size_t max, uint64_t *head)
{
	return max <= ring_fast_max && ring_fits_fast(r, head) ? ring_slot_at(r, *head) : NULL;
}

/* Producer: publish the record at slot (from a reserve at head), len bytes
 * (<= the max reserved). */
static inline void ring_commit_at(struct ring *r, void *slot, uint64_t head, size_t len)
{
	((struct event *)slot)->len = (uint32_t)len;
	atomic_store_explicit(&r->head, head + len, memory_order_release);
}

/* Producer: where the next record goes (the owner's read of head). */
static inline uint64_t ring_own_head(struct ring *r)
{
	return atomic_load_explicit(&r->head, memory_order_relaxed);
}

/* Producer: ring_commit_at where the head is not at hand. */
static inline void ring_commit(struct ring *r, void *slot, size_t len)
{
	ring_commit_at(r, slot, atomic_load_explicit(&r->head, memory_order_relaxed), len);
}

/* Producer: says that an event no older than t is being built (t != 0), or
 * that none is (t == 0). A plain release store: the collector's horizon
 * keeps a margin far wider than a store can take to be seen. */
static inline void ring_stamp(struct ring *r, uint64_t t)
{
	atomic_store_explicit(&r->inflight, t, memory_order_release);
}

/* Producer: true if the ring already carried the frames of stack hash h;
 * remembers h otherwise (a direct-mapped cache: a collision sends the
 * frames again, never loses them). */
static inline bool ring_sent_before(struct ring *r, uint64_t h)
{
	uint64_t *sent = &r->sent[h & (RING_SENT_CACHE - 1)];
	if (*sent == h)
		return true;
	*sent = h;
	return false;
}

/* Producer: the owner's read of ring_unwind_cache, without ordering (the
 * owner set it). */
static inline struct unwind_cache *ring_own_unwind_cache(struct ring *r)
{
	return atomic_load_explicit(&r->stack_cache, memory_order_relaxed);
}

/* Producer: counts for ring_counts. */
static inline void ring_count_sample(struct ring *r, bool truncated)
{
	owncount_add(&r->samples);
	if (truncated)
		owncount_add(&r->truncated);
}
static inline void ring_count_free(struct ring *r)
{
	owncount_add(&r->frees);
}

#endif
