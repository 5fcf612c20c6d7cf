/* capture: from a sampled malloc or free to an event in the thread's ring.
 * Frames are unwound straight into the reserved ring slot (no copy); a
 * per-ring cache of stack hashes sends each stack's frames once per ring,
 * later events carry only the hash. When a ring is full the thread drains
 * all rings itself instead of waiting: nothing is dropped and nothing can
 * wait on a collector thread that a fork left behind. */
#include "capture.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "../src/hmap.h"
#include "collector.h"
#include "config.h"
#include "event.h"
#include "livetab.h"
#include "ring.h"
#include "unwind.h"

static pthread_key_t exit_key;
static size_t ring_size;
static atomic_uint_fast64_t n_drops, n_stale; /* rare: global counters are fine */

static void on_thread_exit(void *arg)
{
	(void)arg;
	struct thread_state *t = &shim_tls;
	guard_enter(t);
	capture_thread_exit(t);
	guard_leave(t);
}

void capture_init(void)
{
	pthread_key_create(&exit_key, on_thread_exit);
	/* exact mode: every block is sampled, so every free is sent, and the
	 * collector, not this thread, looks the block up */
	if (config.rate == 1)
		memset(livetab_filter, 0xff, sizeof(livetab_filter));
	/* exact mode sends every allocation: give it room for bursts; sampled
	 * events are rare, and a ring's pages count in the program's RSS */
	ring_size = config.rate == 1 ? (1u << 20) : (64u << 10);
	size_t biggest = sizeof(struct event) + (config.depth + UNWIND_SKIP_MAX + 1) * 8;
	while (ring_size < 4 * biggest)
		ring_size *= 2;
}

uint64_t capture_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static struct ring *thread_ring(struct thread_state *t)
{
	if (!t->ring) {
		/* rings of exited threads are reused once drained: without a
		 * collector thread nobody else may drain them */
		if (ring_orphans())
			collector_drain_now();
		t->ring = ring_acquire(t->tid, ring_size);
		if (t->ring)
			pthread_setspecific(exit_key, t->ring);
	}
	return t->ring;
}

/* One multiply per frame: this runs on every sample. Each round is a
 * bijection of the running value, so two stacks collide only by the 2^-64
 * chance of the final mix. */
static uint64_t hash_frames(const uint64_t *f, unsigned n, bool truncated)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n ^ (truncated ? 0x7472756e63ULL << 20 : 0);
	for (unsigned i = 0; i < n; i++) {
		h = (h ^ f[i]) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	return hash_mix64(h);
}

static void *reserve(struct thread_state *t, size_t max)
{
	struct ring *r = thread_ring(t);
	if (!r)
		return NULL;
	void *slot = ring_reserve(r, max);
	if (!slot) {
		collector_drain_now();
		slot = ring_reserve(r, max);
	}
	return slot;
}

static void push_free(struct thread_state *t, const struct live_block *b, uint16_t flags,
		      uint64_t free_pc)
{
	struct event *e = reserve(t, sizeof(*e));
	if (!e) {
		atomic_fetch_add_explicit(&n_drops, 1, memory_order_relaxed);
		return;
	}
	e->kind = EVENT_FREE;
	e->flags = flags;
	e->nframes = 0;
	e->tid = b->tid;
	e->size = b->size;
	e->stack_hash = b->stack_hash;
	e->alloc_ns = b->alloc_ns;
	e->free_ns = capture_now_ns();
	e->free_tid = t->tid;
	e->realloc_depth = b->realloc_depth;
	e->free_pc = free_pc;
	e->addr = b->addr;
	ring_commit(t->ring, sizeof(*e));
	ring_count_add(&t->ring->frees);
}

void capture_alloc(struct thread_state *t, void *p, size_t size, uint16_t flags)
{
	size_t max = sizeof(struct event) + (config.depth + UNWIND_SKIP_MAX + 1) * 8;
	struct event *e = reserve(t, max);
	if (!e) {
		atomic_fetch_add_explicit(&n_drops, 1, memory_order_relaxed);
		return;
	}
	bool truncated;
	unsigned nf = unwind_stack(e->frames, config.depth, &truncated);
	uint64_t h = hash_frames(e->frames, nf, truncated);
	uint64_t now = capture_now_ns();
	e->kind = EVENT_ALLOC;
	e->flags = (uint16_t)(flags | (truncated ? EVENT_TRUNCATED : 0));
	e->tid = t->tid;
	e->addr = (uint64_t)(uintptr_t)p;
	e->size = size;
	e->stack_hash = h;
	e->alloc_ns = now;
	e->free_ns = 0;
	e->free_tid = 0;
	e->realloc_depth = flags & EVENT_REALLOC ? t->realloc_depth : 0;
	e->free_pc = 0;
	uint64_t *sent = &t->ring->sent[h & (RING_SENT_CACHE - 1)];
	size_t len = sizeof(*e);
	if (*sent == h) {
		e->nframes = 0;
	} else {
		*sent = h;
		e->nframes = nf;
		len += nf * sizeof(uint64_t);
	}
	struct live_block b = {(uint64_t)(uintptr_t)p, h, size, now, t->tid, flags,
			       (uint16_t)(e->realloc_depth < UINT16_MAX ? e->realloc_depth : UINT16_MAX)};
	struct live_block stale;
	bool had_stale = config.rate != 1 && livetab_insert(&b, &stale);
	ring_commit(t->ring, len);
	if (ring_used(t->ring) > t->ring->size / 2)
		collector_wake();
	ring_count_add(&t->ring->samples);
	if (truncated)
		ring_count_add(&t->ring->truncated);
	if (had_stale) {
		/* the old block's free happened where we could not see it */
		atomic_fetch_add_explicit(&n_stale, 1, memory_order_relaxed);
		push_free(t, &stale, 0, 0);
	}
}

void capture_free(struct thread_state *t, void *p, uint16_t flags, uint64_t free_pc)
{
	struct live_block b;
	if (config.rate == 1) {
		if (!p)
			return;
		memset(&b, 0, sizeof(b)); /* the collector knows the rest */
		b.addr = (uint64_t)(uintptr_t)p;
		push_free(t, &b, flags, free_pc);
		return;
	}
	if (livetab_remove(p, &b)) {
		if (flags & EVENT_REALLOC)
			t->realloc_depth = (uint32_t)b.realloc_depth + 1;
		push_free(t, &b, flags, free_pc);
	}
}

void capture_thread_exit(struct thread_state *t)
{
	if (t->ring) {
		ring_orphan(t->ring);
		t->ring = NULL;
	}
}

void capture_get_stats(struct capture_stats *s)
{
	ring_counts(&s->samples, &s->frees, &s->truncated);
	s->drops = atomic_load_explicit(&n_drops, memory_order_relaxed);
	s->stale = atomic_load_explicit(&n_stale, memory_order_relaxed);
}
