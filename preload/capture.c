/* capture: from a sampled malloc or free to an event in the thread's ring.
 * Frames are unwound straight into the reserved ring slot (no copy); a
 * per-ring cache of stack hashes sends each stack's frames once per ring,
 * later events carry only the hash. When a ring is full the thread drains
 * all rings itself instead of waiting: nothing is dropped and nothing can
 * wait on a collector thread that a fork left behind. */
#include "capture.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../src/hmap.h"
#include "collector.h"
#include "config.h"
#include "evclock.h"
#include "event.h"
#include "exact.h"
#include "labels.h"
#include "livetab.h"
#include "ring_fast.h"
#include "signals.h"
#include "statm.h"
#include "unwind.h"

static pthread_key_t exit_key;
static uint64_t rss_every; /* capture clock ticks between RSS readings of a thread */
static size_t ring_size;
static atomic_uint_fast64_t n_drops, n_stale, n_inline; /* rare: global counters are fine */

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
	evclock_init();
	labels_init();
	rss_every = evclock_nominal_ticks(10000000); /* 10 ms */
	if (exact_mode())
		exact_capture_init();
	/* sampled events are rare, and a ring's pages count in the program's
	 * RSS */
	ring_size = exact_mode() ? EXACT_RING_BYTES : (64u << 10);
	size_t biggest = sizeof(struct event) + (config.depth + UNWIND_SKIP_MAX + 1) * 8;
	while (ring_size < 4 * biggest)
		ring_size *= 2;
}

/* The RSS for the timeline, read at most every ~10 ms per thread and only on
 * the sampled path (a few microseconds per 10 ms). */
static uint64_t maybe_rss(struct thread_state *t, uint64_t now)
{
	if (now - t->rss_time < rss_every)
		return 0;
	t->rss_time = now;
	return statm_rss_bytes();
}

static struct ring *thread_ring(struct thread_state *t)
{
	if (!t->ring) {
		/* rings of exited threads are reused once drained: without a
		 * collector thread nobody else may drain them */
		if (ring_orphans())
			collector_drain_now(true);
		t->ring = ring_acquire(t->tid, ring_size);
		if (t->ring) {
			pthread_setspecific(exit_key, t->ring);
			if (exact_mode())
				exact_ring_acquired(t->ring);
			signals_thread_start();
		}
	}
	return t->ring;
}

static void *reserve(struct thread_state *t, size_t max)
{
	struct ring *r = thread_ring(t);
	if (!r)
		return NULL;
	void *slot = ring_reserve(r, max);
	if (!slot) {
		/* full: drain up to the horizon, which moves on within a
		 * millisecond; past that, drain everything rather than drop */
		atomic_fetch_add_explicit(&n_inline, 1, memory_order_relaxed);
		for (int i = 0; !slot && i < 20; i++) {
			collector_drain_now(false);
			if (!(slot = ring_reserve(r, max))) {
				struct timespec ts = {0, 100000};
				nanosleep(&ts, NULL);
			}
		}
		if (!slot) {
			collector_drain_now(true);
			slot = ring_reserve(r, max);
		}
	}
	return slot;
}

/* Says in the ring that an event is being built, no older than this
 * thread's last one (see ring.h: inflight): a thread's clock only moves on,
 * so that floor costs no clock reading; the event's own time is read once,
 * when it is filled (unwinding, or waiting for room, is not part of a
 * block's life). */
static void stamp(struct thread_state *t)
{
	if (t->ring)
		ring_stamp(t->ring, t->last_stamp ? t->last_stamp : 1);
}

static uint64_t event_clock(struct thread_state *t)
{
	return t->last_stamp = evclock_now();
}

static void unstamp(struct thread_state *t)
{
	if (t->ring)
		ring_stamp(t->ring, 0);
}

static void push_free(struct thread_state *t, const struct live_block *b, uint16_t flags,
		      uint64_t free_pc)
{
	thread_ring(t);
	stamp(t);
	struct event *e = reserve(t, sizeof(*e));
	if (!e) {
		unstamp(t);
		atomic_fetch_add_explicit(&n_drops, 1, memory_order_relaxed);
		return;
	}
	e->kind = EVENT_FREE;
	e->flags = flags;
	e->nframes = 0;
	e->tid = b->tid;
	e->size = b->size;
	e->stack_hash = b->stack_hash;
	e->alloc_time = b->alloc_time;
	e->free_time = event_clock(t); /* still before the real free */
	e->rss = maybe_rss(t, e->free_time);
	e->free_tid = t->tid;
	e->realloc_depth = b->realloc_depth;
	e->free_pc = free_pc;
	e->addr = b->addr;
	ring_commit(t->ring, sizeof(*e));
	unstamp(t);
	ring_count_free(t->ring);
}

/* Exact mode's free: the collector knows the block by its address, and the
 * freeing thread by the ring. An RSS reading, every ~10 ms, needs the full
 * record. */
static void push_free_short(struct thread_state *t, uint64_t addr, uint16_t flags, uint64_t free_pc)
{
	thread_ring(t);
	stamp(t);
	struct event_free *e = reserve(t, sizeof(struct event));
	if (!e) {
		unstamp(t);
		atomic_fetch_add_explicit(&n_drops, 1, memory_order_relaxed);
		return;
	}
	uint64_t now = event_clock(t); /* still before the real free */
	uint64_t rss = maybe_rss(t, now);
	if (rss) {
		struct event *f = (struct event *)e;
		memset(f, 0, sizeof(*f));
		f->kind = EVENT_FREE;
		f->flags = flags;
		f->addr = addr;
		f->free_time = now;
		f->free_tid = t->tid;
		f->free_pc = free_pc;
		f->rss = rss;
		ring_commit(t->ring, sizeof(*f));
	} else {
		e->kind = EVENT_FREE_SHORT;
		e->flags = flags;
		e->addr = addr;
		e->free_time = now;
		e->free_pc = free_pc;
		ring_commit(t->ring, sizeof(*e));
	}
	unstamp(t);
	ring_count_free(t->ring);
}

void capture_alloc(struct thread_state *t, void *p, size_t size, uint16_t flags)
{
	size_t max = sizeof(struct event) + (config.depth + UNWIND_SKIP_MAX + 1) * 8;
	thread_ring(t);
	stamp(t);
	struct event *e = reserve(t, max);
	if (!e) {
		unstamp(t);
		atomic_fetch_add_explicit(&n_drops, 1, memory_order_relaxed);
		return;
	}
	bool truncated;
	uint64_t h;
	unsigned nf = unwind_stack(e->frames, config.depth, &truncated, &h,
				   ring_own_unwind_cache(t->ring));
	/* after the real malloc, before anyone can have freed the block */
	uint64_t now = event_clock(t);
	uint32_t set = labels_current(t->tid, now);
	h = labels_mix(h, set);
	e->kind = EVENT_ALLOC;
	e->flags = (uint16_t)(flags | (truncated ? EVENT_TRUNCATED : 0));
	e->tid = t->tid;
	e->addr = (uint64_t)(uintptr_t)p;
	e->size = size;
	e->stack_hash = h;
	e->alloc_time = now;
	e->rss = maybe_rss(t, now);
	e->free_time = 0;
	e->label_set = set;
	e->realloc_depth = flags & EVENT_REALLOC ? t->realloc_depth : 0;
	e->free_pc = 0;
	size_t len = sizeof(*e);
	if (ring_sent_before(t->ring, h)) {
		e->nframes = 0;
	} else {
		e->nframes = nf;
		len += nf * sizeof(uint64_t);
	}
	struct live_block b = {(uint64_t)(uintptr_t)p, h, size, now, t->tid, flags,
			       (uint16_t)(e->realloc_depth < UINT16_MAX ? e->realloc_depth : UINT16_MAX)};
	struct live_block stale;
	/* exact mode: the collector keeps the live blocks (exact.h) */
	bool had_stale = !exact_mode() && livetab_insert(&b, &stale);
	ring_commit(t->ring, len);
	unstamp(t);
	/* the collector polls on its own; a wake-up is a system call and a
	 * context switch, kept for a ring about to fill */
	if (ring_filling(t->ring))
		collector_wake();
	ring_count_sample(t->ring, truncated);
	if (had_stale) {
		/* the old block's free happened where we could not see it */
		atomic_fetch_add_explicit(&n_stale, 1, memory_order_relaxed);
		push_free(t, &stale, 0, 0);
	}
}

void capture_free(struct thread_state *t, void *p, uint16_t flags, uint64_t free_pc)
{
	struct live_block b;
	if (exact_mode()) {
		if (p)
			push_free_short(t, (uint64_t)(uintptr_t)p, flags, free_pc);
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
		signals_thread_exit();
	}
}

void capture_fork_child(struct thread_state *t)
{
	/* the ring's events so far are the parent thread's: they keep its tid,
	 * the child's go to a ring of its own */
	if (exact_mode() && t->ring) {
		ring_orphan(t->ring);
		t->ring = NULL;
	}
}

void capture_get_stats(struct capture_stats *s)
{
	ring_counts(&s->samples, &s->frees, &s->truncated);
	s->drops = atomic_load_explicit(&n_drops, memory_order_relaxed);
	s->stale = atomic_load_explicit(&n_stale, memory_order_relaxed);
	s->inline_drains = atomic_load_explicit(&n_inline, memory_order_relaxed);
	s->unwind_hits = s->unwind_misses = s->unwind_walks = 0;
	for (struct ring *r = ring_first(); r; r = ring_next(r)) {
		uint64_t h, m, w;
		struct unwind_cache *c = ring_unwind_cache(r);
		if (c) {
			unwind_cache_stats(c, &h, &m, &w);
			s->unwind_hits += h;
			s->unwind_misses += m;
			s->unwind_walks += w;
		}
	}
}
