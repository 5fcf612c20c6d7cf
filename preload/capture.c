/* capture: from a sampled malloc or free to an event in the thread's ring.
 * Frames are unwound straight into the reserved ring slot (no copy); a
 * per-ring cache of stack hashes sends each stack's frames once per ring,
 * later events carry only the hash. When a ring is full the thread drains
 * all rings itself instead of waiting: nothing is dropped and nothing can
 * wait on a collector thread that a fork left behind. */
#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "../src/hmap.h"
#include "arena.h"
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
static size_t alloc_max; /* the most an allocation's record can take */
static atomic_uint_fast64_t n_drops, n_stale, n_inline; /* rare: global counters are fine */
/* exact mode's allocations may take capture_exact_alloc's short way: the
 * chain cache in use (unwind_lookup_ready) and the TSC the clock */
static bool lookup_fast;

static void on_thread_exit(void *arg)
{
	(void)arg;
	struct thread_state *t = &shim_tls;
	guard_enter(t);
	capture_thread_exit(t);
	guard_leave(t);
}

/* evclock_now where evclock_tsc was seen true, without the call to
 * clock_gettime in its other branch (a call would cost the free below its
 * stack frame). */
static inline bool tsc_is_clock(void)
{
#if defined(__x86_64__)
	return evclock_tsc;
#else
	return false;
#endif
}

static inline uint64_t tsc_clock(struct thread_state *t)
{
#if defined(__x86_64__)
	return t->last_stamp = __builtin_ia32_rdtsc();
#else
	return t->last_stamp = evclock_now();
#endif
}

void capture_init(void)
{
	pthread_key_create(&exit_key, on_thread_exit);
	evclock_init();
	labels_init();
	rss_every = evclock_nominal_ticks(10000000); /* 10 ms */
	if (exact_mode())
		exact_capture_init();
	lookup_fast = exact_mode() && unwind_lookup_ready() && tsc_is_clock();
	/* sampled events are rare, and a ring's pages count in the program's
	 * RSS */
	ring_size = exact_mode() ? EXACT_RING_BYTES : (64u << 10);
	alloc_max = sizeof(struct event) + (config.depth + UNWIND_SKIP_MAX + 1) * 8;
	while (ring_size < 4 * alloc_max)
		ring_size *= 2;
	ring_init(alloc_max); /* the free's record (struct event at most) is smaller */
}

/* The RSS for the timeline, read at most every ~10 ms per thread and only on
 * the sampled path (a few microseconds per 10 ms). */
static __attribute__((noinline)) uint64_t read_rss(struct thread_state *t, uint64_t now)
{
	t->rss_due = now + rss_every;
	return statm_rss_bytes();
}

static inline uint64_t maybe_rss(struct thread_state *t, uint64_t now)
{
	if (likely(now < t->rss_due))
		return 0;
	return read_rss(t, now);
}

/* The ring now belongs to the calling thread: its unwinder's memory (rules,
 * and in exact mode the chain cache: unwind.h), emptied for this thread's
 * stack. Pages are touched as used. */
static void ring_unwinder(struct ring *r)
{
	struct unwind_cache *c = ring_unwind_cache(r);
	if (!c) {
		c = pages_map(unwind_cache_bytes(config.depth));
		if (!c)
			return;
		ring_set_unwind_cache(r, c);
	}
	unwind_cache_reset(c);
}

static __attribute__((noinline)) struct ring *thread_ring_slow(struct thread_state *t)
{
	/* rings of exited threads are reused once drained: without a
	 * collector thread nobody else may drain them */
	if (ring_orphans())
		collector_drain_now(true);
	/* a thread whose first event is a free (one handed a block, or any
	 * thread once an attach redirected free) has not met sample_alloc */
	if (!t->tid)
		t->tid = (uint32_t)syscall(SYS_gettid);
	t->ring = ring_acquire(t->tid, ring_size);
	if (t->ring) {
		pthread_setspecific(exit_key, t->ring);
		ring_unwinder(t->ring);
		signals_thread_start();
		if (!t->last_stamp)
			t->last_stamp = 1; /* ring_stamp's floor: not 0, which says "none" */
	}
	return t->ring;
}

static inline struct ring *thread_ring(struct thread_state *t)
{
	struct ring *r = t->ring;
	return likely(r) ? r : thread_ring_slow(t);
}

/* ring_reserve_fast said no: most often the ring is past 3/4 (the
 * collector behind, and every event comes here until it catches up) or at
 * the end of the buffer's lap. ring_reserve again, the collector woken
 * while the ring fills; NULL for a full ring. Neither allocates nor leaves
 * errno changed, so the exact paths call it with the guard alone. */
static __attribute__((noinline)) void *reserve_again(struct ring *r, size_t max)
{
	bool filling;
	void *slot = ring_reserve(r, max, &filling);
	/* the collector polls on its own; a wake-up is a system call and a
	 * context switch, kept for a ring about to fill */
	if (filling) {
		int saved = errno;
		collector_wake();
		errno = saved;
	}
	return slot;
}

static __attribute__((noinline)) void *reserve_slow(struct ring *r, size_t max)
{
	bool filling;
	void *slot = reserve_again(r, max);
	if (!slot) {
		/* full: drain up to the horizon, which moves on within a
		 * millisecond; past that, drain everything rather than drop */
		atomic_fetch_add_explicit(&n_inline, 1, memory_order_relaxed);
		for (int i = 0; !slot && i < 20; i++) {
			collector_drain_now(false);
			if (!(slot = ring_reserve(r, max, &filling))) {
				struct timespec ts = {0, 100000};
				nanosleep(&ts, NULL);
			}
		}
		if (!slot) {
			collector_drain_now(true);
			slot = ring_reserve(r, max, &filling);
		}
	}
	return slot;
}

static inline void *reserve(struct ring *r, size_t max)
{
	uint64_t head;
	void *slot = ring_reserve_fast(r, max, &head);
	return likely(slot) ? slot : reserve_slow(r, max);
}

/* The ring says that an event is being built (stamp), no older than this
 * thread's last one (see ring.h: inflight): a thread's clock only moves on,
 * so that floor costs no clock reading; the event's own time is read once,
 * when it is filled (unwinding, or waiting for room, is not part of a
 * block's life). */
static inline void stamp(struct thread_state *t, struct ring *r)
{
	ring_stamp(r, t->last_stamp);
}

static inline uint64_t event_clock(struct thread_state *t)
{
	return t->last_stamp = evclock_now();
}

static inline void unstamp(struct ring *r)
{
	ring_stamp(r, 0);
}

static __attribute__((noinline, cold)) void drop(struct ring *r)
{
	if (r)
		unstamp(r);
	atomic_fetch_add_explicit(&n_drops, 1, memory_order_relaxed);
}

static void push_free(struct thread_state *t, const struct live_block *b, uint16_t flags,
		      uint64_t free_pc)
{
	struct ring *r = thread_ring(t);
	struct event *e = NULL;
	if (r) {
		stamp(t, r);
		e = reserve(r, sizeof(*e));
	}
	if (!e)
		return drop(r);
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
	ring_commit(r, e, sizeof(*e));
	unstamp(r);
	ring_count_free(r);
}

/* An exact-mode free that carries an RSS reading (every ~10 ms): the full
 * record, its block's own fields left for the collector to look up. */
static __attribute__((noinline)) void commit_free_rss(struct thread_state *t, struct ring *r,
						      struct event *f, uint64_t addr, uint16_t flags,
						      uint64_t now, uint64_t free_pc)
{
	memset(f, 0, sizeof(*f));
	f->kind = EVENT_FREE;
	f->flags = flags;
	f->addr = addr;
	f->free_time = now;
	f->free_tid = t->tid;
	f->free_pc = free_pc;
	f->rss = read_rss(t, now);
	ring_commit(r, f, sizeof(*f));
}

/* The 32-byte free, filled and committed (reserved at head). */
static inline __attribute__((always_inline)) void commit_free_short(struct ring *r, struct event_free *e,
								    uint64_t head, uint64_t addr,
								    uint16_t flags, uint64_t now,
								    uint64_t free_pc)
{
	e->kind = EVENT_FREE_SHORT;
	e->flags = flags;
	e->addr = addr;
	e->free_time = now;
	e->free_pc = free_pc;
	ring_commit_at(r, e, head, sizeof(*e));
}

/* Exact mode's free: the collector knows the block by its address, and the
 * freeing thread by the ring. Room for the full record is reserved in case
 * the RSS is due. */
static inline __attribute__((always_inline)) void push_free_short(struct thread_state *t, uint64_t addr, uint16_t flags,
				   uint64_t free_pc)
{
	struct ring *r = thread_ring(t);
	struct event_free *e = NULL;
	if (likely(r)) {
		stamp(t, r);
		e = reserve(r, sizeof(struct event));
	}
	if (unlikely(!e))
		return drop(r);
	uint64_t now = event_clock(t); /* still before the real free */
	if (likely(now < t->rss_due)) {
		commit_free_short(r, e, ring_own_head(r), addr, flags, now, free_pc);
	} else {
		commit_free_rss(t, r, (struct event *)e, addr, flags, now, free_pc);
	}
	unstamp(r);
	ring_count_free(r);
}

/* The allocation's record, filled and committed; r, e and head from reserve, the
 * stack unwound (nf frames at e->frames, or the cached chain to copy them
 * from, ch), h its hash (mixed with set already where mixed). In exact mode
 * (exact: a constant where the caller knows) that is all: the collector
 * keeps the live blocks and the realloc depths (exact.h), and a stack the
 * ring carried before goes in the 48-byte record unless the RSS is due. */
static inline __attribute__((always_inline)) void commit_alloc(struct thread_state *t, struct ring *r,
							       struct event *e, uint64_t head, void *p,
							       size_t size, uint16_t flags, bool exact,
							       unsigned nf, bool truncated, uint64_t h,
							       const struct unwind_chain *ch, uint64_t now,
							       uint32_t set, uint64_t rss, bool mixed)
{
	if (!mixed)
		h = labels_mix(h, set);
	uint16_t fl = (uint16_t)(flags | (truncated ? EVENT_TRUNCATED : 0));
	bool sent = ring_sent_before(r, h);
	if (exact && likely(sent && !rss)) {
		struct event_alloc *a = (struct event_alloc *)e;
		a->kind = EVENT_ALLOC_SHORT;
		a->flags = fl;
		a->label_set = set;
		a->tid = t->tid;
		a->addr = (uint64_t)(uintptr_t)p;
		a->size = size;
		a->stack_hash = h;
		a->alloc_time = now;
		ring_commit_at(r, a, head, sizeof(*a));
		unstamp(r);
		ring_count_sample(r, truncated);
		return;
	}
	e->kind = EVENT_ALLOC;
	e->flags = fl;
	e->tid = t->tid;
	e->addr = (uint64_t)(uintptr_t)p;
	e->size = size;
	e->stack_hash = h;
	e->alloc_time = now;
	e->rss = rss;
	e->free_time = 0;
	e->label_set = set;
	e->realloc_depth = !exact && (flags & EVENT_REALLOC) ? t->realloc_depth : 0;
	e->free_pc = 0;
	size_t len = sizeof(*e);
	if (sent) {
		e->nframes = 0;
	} else {
		if (ch)
			nf = unwind_chain_frames(ch, e->frames);
		e->nframes = nf;
		len += nf * sizeof(uint64_t);
	}
	if (exact) {
		ring_commit_at(r, e, head, len);
		unstamp(r);
		ring_count_sample(r, truncated);
		return;
	}
	struct live_block b = {(uint64_t)(uintptr_t)p, h, size, now, t->tid, flags,
			       (uint16_t)(e->realloc_depth < UINT16_MAX ? e->realloc_depth : UINT16_MAX)};
	struct live_block stale;
	bool had_stale = livetab_insert(&b, &stale);
	ring_commit_at(r, e, head, len);
	unstamp(r);
	ring_count_sample(r, truncated);
	if (had_stale) {
		/* the old block's free happened where we could not see it */
		atomic_fetch_add_explicit(&n_stale, 1, memory_order_relaxed);
		push_free(t, &stale, 0, 0);
	}
}

/* The event's time is read after the unwind, its label set and RSS with
 * it; ch: the cached chain the stack came from, or NULL (frames unwound
 * into e). */
static inline __attribute__((always_inline)) void fill_unwound(struct thread_state *t, struct ring *r,
							       struct event *e, void *p, size_t size,
							       uint16_t flags, bool exact, unsigned nf,
							       bool truncated, uint64_t h,
							       const struct unwind_chain *ch)
{
	/* after the real malloc, before anyone can have freed the block */
	uint64_t now = event_clock(t);
	uint32_t set = labels_current(t->tid, now);
	uint64_t rss = maybe_rss(t, now);
	commit_alloc(t, r, e, ring_own_head(r), p, size, flags, exact, nf, truncated, h, ch, now, set,
		     rss, false);
}

/* anchor: the unwind cache's key (unwind_stack_at). */
static inline __attribute__((always_inline)) void fill_alloc(struct thread_state *t, struct ring *r,
							     struct event *e, void *p, size_t size,
							     uint16_t flags, bool exact, uint64_t anchor)
{
	bool truncated;
	uint64_t h;
	unsigned nf = unwind_stack_at(e->frames, config.depth, &truncated, &h,
				      ring_own_unwind_cache(r), anchor);
	fill_unwound(t, r, e, p, size, flags, exact, nf, truncated, h, NULL);
}

void capture_alloc(struct thread_state *t, void *p, size_t size, uint16_t flags)
{
	struct ring *r = thread_ring(t);
	struct event *e = NULL;
	if (likely(r)) {
		stamp(t, r);
		e = reserve(r, alloc_max);
	}
	if (unlikely(!e))
		return drop(r);
	fill_alloc(t, r, e, p, size, flags, exact_mode(), (uint64_t)(uintptr_t)__builtin_frame_address(0));
}

/* The guard of the exact paths: the caller saw it free (guard 0), so no
 * count of depth is needed, and the countdown outside it is 0 (rate 1). */
static inline __attribute__((always_inline)) void exact_guard_enter(struct thread_state *t)
{
	t->guard = 1;
	t->saved_countdown = 0;
	t->countdown = GUARD_COUNTDOWN;
	counters_park();
}

static inline __attribute__((always_inline)) void exact_guard_leave(struct thread_state *t)
{
	t->countdown = 0;
	counters_unpark();
	t->guard = 0;
}

/* The allocation's whole way: the ring to acquire or to drain, no TSC, or
 * the chain cache not in use. */
static __attribute__((noinline)) void exact_alloc_full(struct thread_state *t, void *p, size_t size,
						       uint16_t flags, uint64_t anchor)
{
	int saved_errno = *t->errno_at;
	exact_guard_enter(t);
	struct ring *r = thread_ring(t);
	struct event *e = NULL;
	if (likely(r)) {
		stamp(t, r);
		e = reserve(r, alloc_max);
	}
	if (likely(e))
		fill_alloc(t, r, e, p, size, flags, true, anchor);
	else
		drop(r);
	exact_guard_leave(t);
	*t->errno_at = saved_errno;
}

/* The rest of an allocation's way once reserved (guard held, ring
 * stamped), where the chain cache missed (ch NULL) or a label set or the
 * RSS is due: these may call into the unwinder, libc and the kernel, so
 * the counts are parked and errno kept. */
static __attribute__((noinline)) void exact_alloc_rest(struct thread_state *t, struct ring *r,
						       struct event *e, void *p, size_t size,
						       uint16_t flags, uint64_t anchor,
						       const struct unwind_chain *ch)
{
	int saved_errno = *t->errno_at;
	counters_park();
	if (ch) {
		fill_unwound(t, r, e, p, size, flags, true, 0, ch->truncated, ch->hash, ch);
	} else {
		bool truncated;
		uint64_t h;
		unsigned nf = unwind_missed(e->frames, config.depth, &truncated, &h,
					    ring_own_unwind_cache(r), anchor);
		fill_unwound(t, r, e, p, size, flags, true, nf, truncated, h, NULL);
	}
	counters_unpark();
	*t->errno_at = saved_errno;
}

/* The allocation's common way, from the guard to the record: a chain the
 * cache holds, its label set current, no RSS due (exact_alloc_rest
 * otherwise). again: the ring is reserved by reserve_again, not by the
 * fast test alone. False, with nothing recorded and the guard left, where
 * the ring cannot be reserved so. */
static inline __attribute__((always_inline)) bool exact_alloc_record(struct thread_state *t, void *p,
								     size_t size, uint16_t flags,
								     uint64_t anchor, bool again)
{
	struct ring *r = t->ring;
	if (unlikely(!r || !lookup_fast))
		return false;
	t->guard = 1;
	t->countdown = GUARD_COUNTDOWN;
	stamp(t, r);
	uint64_t head;
	struct event *e;
	if (!again && likely(ring_fits_fast(r, &head))) {
		e = ring_slot_at(r, head);
	} else if (again && (e = reserve_again(r, alloc_max))) {
		head = ring_own_head(r);
	} else {
		unstamp(r);
		t->countdown = 0;
		t->guard = 0;
		return false;
	}
	struct unwind_chain *ch = unwind_lookup(ring_own_unwind_cache(r), anchor);
	uint64_t now = 0;
	uint32_t set = 0;
	if (likely(ch) && likely((now = tsc_clock(t)) < t->rss_due) && likely(labels_fresh(t->tid, now, &set))) {
		/* the chain keeps its hash mixed with the set it was last
		 * allocated under (a thread's set seldom changes) */
		if (unlikely(ch->memo_key != set)) {
			ch->memo = labels_mix(ch->hash, set);
			ch->memo_key = set;
		}
		commit_alloc(t, r, e, head, p, size, flags, true, 0, ch->truncated, ch->memo, ch,
			     now, set, 0, true);
	} else
		exact_alloc_rest(t, r, e, p, size, flags, anchor, ch);
	t->countdown = 0;
	t->guard = 0;
	return true;
}

/* The fast test said no (most often a ring past 3/4 whose collector is
 * behind, where every event comes here until it catches up): the common
 * way with ring_reserve, and the whole way only for a full ring. */
static __attribute__((noinline)) void exact_alloc_again(struct thread_state *t, void *p, size_t size,
							uint16_t flags, uint64_t anchor)
{
	if (!exact_alloc_record(t, p, size, flags, anchor, true))
		exact_alloc_full(t, p, size, flags, anchor);
}

/* The common allocation calls nothing but the cache lookup. Like the
 * common free it neither allocates nor touches errno, and the guard keeps
 * a signal handler's allocations out of the record being built. The anchor
 * is this frame: entered by malloc's tail call, the program's frames are
 * all above it, and the shim's below go unverified. */
void *capture_exact_alloc(struct thread_state *t, void *p, size_t size, uint16_t flags)
{
	uint64_t anchor = (uint64_t)(uintptr_t)__builtin_frame_address(0);
	if (unlikely(!exact_alloc_record(t, p, size, flags, anchor, false)))
		exact_alloc_again(t, p, size, flags, anchor);
	return p;
}

/* The free's record: the ring reserved by the fast test (again: by
 * reserve_again), the TSC the clock, no RSS due. It calls nothing on the
 * fast test's way: it neither allocates (the counters need no parking) nor
 * touches errno, and needs no stack frame. The guard still keeps a signal
 * handler's allocations and frees out of the record being built. False,
 * with nothing recorded and the guard left, where it cannot. */
static inline __attribute__((always_inline)) bool exact_free_record(struct thread_state *t, void *p,
								    uint16_t flags, uint64_t free_pc,
								    bool again)
{
	struct ring *r = t->ring;
	if (unlikely(!r || !tsc_is_clock()))
		return false;
	t->guard = 1;
	t->countdown = GUARD_COUNTDOWN;
	stamp(t, r);
	uint64_t head;
	struct event_free *e;
	if (!again && likely(ring_fits_fast(r, &head)))
		e = ring_slot_at(r, head);
	else if (again && (e = reserve_again(r, sizeof(struct event))))
		head = ring_own_head(r);
	else
		goto undo;
	uint64_t now = tsc_clock(t); /* still before the real free */
	if (unlikely(now >= t->rss_due))
		goto undo;
	commit_free_short(r, e, head, (uint64_t)(uintptr_t)p, flags, now, free_pc);
	ring_count_free(r);
	unstamp(r);
	t->countdown = 0;
	t->guard = 0;
	return true;
undo:
	unstamp(r);
	t->countdown = 0;
	t->guard = 0;
	return false;
}

inline __attribute__((always_inline)) bool capture_exact_free_short(struct thread_state *t, void *p,
								  uint16_t flags, uint64_t free_pc)
{
	return exact_free_record(t, p, flags, free_pc, false);
}

/* The free's other ways: reserve_again where the fast test said no, else
 * the whole way (the ring to acquire, or to drain, or the RSS due). */
__attribute__((noinline)) void capture_exact_free_full(struct thread_state *t, void *p, uint16_t flags,
						      uint64_t free_pc)
{
	if (exact_free_record(t, p, flags, free_pc, true))
		return;
	int saved_errno = *t->errno_at;
	exact_guard_enter(t);
	push_free_short(t, (uint64_t)(uintptr_t)p, flags, free_pc);
	exact_guard_leave(t);
	*t->errno_at = saved_errno;
}

void capture_exact_free(struct thread_state *t, void *p, uint16_t flags, uint64_t free_pc)
{
	if (unlikely(!capture_exact_free_short(t, p, flags, free_pc)))
		capture_exact_free_full(t, p, flags, free_pc);
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
	s->unwind_walk = (struct unwind_walk_stats){0, 0, 0, 0, 0, 0};
	for (struct ring *r = ring_first(); r; r = ring_next(r)) {
		uint64_t h, m, w;
		struct unwind_cache *c = ring_unwind_cache(r);
		if (c) {
			unwind_cache_stats(c, &h, &m, &w);
			s->unwind_hits += h;
			s->unwind_misses += m;
			s->unwind_walks += w;
			unwind_cache_walk_stats(c, &s->unwind_walk);
		}
	}
}
