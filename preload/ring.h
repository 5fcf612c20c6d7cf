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

/* Opaque: its layout is ring_fast.h's, read by ring.c and by the
 * producer's inline operations only. */
struct ring;
struct unwind_cache;

/* Once, before the first ring: the most a record reserved on the fast
 * test (ring_fast.h) may take. */
void ring_init(size_t fast_max);
/* A ring for the calling thread: a reused orphan or a new mapping. */
struct ring *ring_acquire(uint32_t tid, size_t size);
/* The owning thread is gone; the collector frees the ring once drained. */
void ring_orphan(struct ring *r);
/* First ring of the registry (newest first); walk with ring_next. */
struct ring *ring_first(void);
struct ring *ring_next(const struct ring *r);
size_t ring_count(void);
/* True if some ring's thread has exited and the ring awaits its drain. */
bool ring_orphans(void);

/* Producer: space for up to max bytes, or NULL when the ring is full;
 * *filling when more than 3/4 of the ring is not yet drained (time to wake
 * the collector). The slow half of ring_fast.h's ring_reserve_fast, which
 * it makes fast again; ring_commit (ring_fast.h) publishes the record. */
void *ring_reserve(struct ring *r, size_t max, bool *filling);
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
/* ring_span_pop, then ring_span_peek. */
const struct event *ring_span_next(struct ring *r, struct ring_span *s);
/* The next event at or after s->ahead (moving it past it), or NULL. */
const struct event *ring_span_ahead(struct ring *r, struct ring_span *s);
void ring_span_end(struct ring *r, struct ring_span *s);
/* The share of the ring the span held when it began, 0 to 1. */
double ring_span_fill(const struct ring *r, const struct ring_span *s);

/* The time stamped on the event the producer is building, or 0 (see
 * ring_fast.h: ring_stamp). */
uint64_t ring_inflight(const struct ring *r);
/* The thread whose events the ring holds (consumer: read only while a span
 * of them is open, which keeps the ring from being handed on). */
uint32_t ring_owner_tid(const struct ring *r);
/* A word the consumer keeps with the ring, for state that follows the
 * ring's own order of events; 0 in a new ring. */
uint32_t *ring_consumer_word(struct ring *r);
/* The owning thread's unwind cache (exact mode): set once by the first
 * owner, read by anyone (its counters go into the dump). */
struct unwind_cache *ring_unwind_cache(const struct ring *r);
void ring_set_unwind_cache(struct ring *r, struct unwind_cache *c);

/* Sums of all rings' counters (a live thread's may be a moment behind). */
void ring_counts(uint64_t *samples, uint64_t *frees, uint64_t *truncated);

/* fork child: every ring but the caller's belongs to a thread that does
 * not exist here. */
void ring_after_fork_child(struct ring *mine);

#endif
