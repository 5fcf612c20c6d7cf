/* ring: per-thread single-producer single-consumer event rings in mmap'd
 * memory, and the registry the collector walks. A ring outlives its thread:
 * when the thread exits it is orphaned, drained, and handed to the next new
 * thread, so thousands of short-lived threads reuse a handful of rings. */
#ifndef ALLOCPROF_RING_H
#define ALLOCPROF_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

enum ring_state { RING_FREE, RING_OWNED, RING_ORPHANED };

enum { RING_SENT_CACHE = 1024 };

struct ring {
	/* producer side */
	_Atomic uint64_t head __attribute__((aligned(64)));
	uint64_t cached_tail;
	/* counted by the producer alone (stores, never read-modify-write), so
	 * threads never share a written cache line; summed by ring_counts */
	_Atomic uint64_t samples, frees, truncated;
	/* the time stamped on the event being built, published before its
	 * record is: nothing older can still appear in this ring (0: none) */
	_Atomic uint64_t inflight;
	/* consumer side */
	_Atomic uint64_t tail __attribute__((aligned(64)));
	uint32_t realloc_depth; /* exact mode: depth for the realloc this ring's next ALLOC ends */
	/* registry */
	_Atomic int state __attribute__((aligned(64)));
	uint32_t owner_tid;
	struct ring *next;
	size_t size; /* data bytes, a power of two */
	/* the owning thread's unwind cache (exact mode): set once by the first
	 * owner, its counters read by the dump */
	struct unwind_cache *_Atomic stack_cache;
	/* stack hashes whose frames this ring already carried (producer-only) */
	uint64_t sent[RING_SENT_CACHE];
	uint8_t data[] __attribute__((aligned(64)));
};

/* A ring for the calling thread: a reused orphan or a new mapping. */
struct ring *ring_acquire(uint32_t tid, size_t size);
/* The owning thread is gone; the collector frees the ring once drained. */
void ring_orphan(struct ring *r);
/* First ring of the registry (newest first); walk with ->next. */
struct ring *ring_first(void);
size_t ring_count(void);
/* True if some ring's thread has exited and the ring awaits its drain. */
bool ring_orphans(void);

/* Producer: space for up to max bytes, or NULL when the ring is full. */
void *ring_reserve(struct ring *r, size_t max);
/* Producer: publish len bytes (<= the max reserved) as one record. */
void ring_commit(struct ring *r, size_t len);
/* Producer: more than 3/4 of the ring not yet drained. The cached tail only
 * moves when the ring looks full, so past the first lap it overstates what
 * is used: it is refreshed before the answer is yes (a yes wakes the
 * collector, a system call). */
static inline bool ring_filling(struct ring *r)
{
	uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	if (head - r->cached_tail <= r->size / 4 * 3)
		return false;
	r->cached_tail = atomic_load_explicit(&r->tail, memory_order_acquire);
	return head - r->cached_tail > r->size / 4 * 3;
}

/* Consumer: the records published so far, read one at a time, then
 * released together. After an orphan is drained it is marked free. */
struct ring_span {
	uint64_t tail, head;
	uint64_t ahead; /* a reading position ahead of tail, for prefetching */
	int state;
};
/* False if the ring has nothing to read. */
bool ring_span_begin(struct ring *r, struct ring_span *s);
/* The next event of the span (PAD records skipped) without consuming it, or
 * NULL at the end; ring_span_pop consumes it. */
const struct event *ring_span_peek(struct ring *r, struct ring_span *s);
void ring_span_pop(struct ring *r, struct ring_span *s);
/* The next event at or after s->ahead (moving it past it), or NULL. */
const struct event *ring_span_ahead(struct ring *r, struct ring_span *s);
void ring_span_end(struct ring *r, struct ring_span *s);

static inline void ring_count_add(_Atomic uint64_t *c)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + 1, memory_order_relaxed);
}
/* Sums of all rings' counters (a live thread's may be a moment behind). */
void ring_counts(uint64_t *samples, uint64_t *frees, uint64_t *truncated);

/* fork child: every ring but the caller's belongs to a thread that does
 * not exist here. */
void ring_after_fork_child(struct ring *mine);

#endif
