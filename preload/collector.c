/* collector: the background thread and the event aggregation. Aggregation
 * is commutative (per-stack sums), so the order in which different rings are
 * drained does not matter: a free may even be seen before its allocation. */
#include "collector.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <linux/futex.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <time.h>

#include "capture.h"
#include "config.h"
#include "evclock.h"
#include "dump.h"
#include "addrtab.h"
#include "arena.h"
#include "event.h"
#include "ring.h"
#include "sampler.h"
#include "shim.h"
#include "stacktab.h"
#include "timeline.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
atomic_int collector_started;
static struct collector_totals totals;
static volatile sig_atomic_t dump_requested;
static atomic_int sleeping; /* the futex word: 1 while the thread waits */

/* A peak snapshot costs one pass over the stacks, so take one only when the
 * in-use estimate beats the last snapshot by 2% (and 1 KiB): the kept peak
 * is within 2% of the true one, and a growing heap costs a few hundred
 * snapshots over its whole life. */
static void maybe_snapshot_peak(uint64_t now)
{
	double last = totals.snapshot_inuse_bytes;
	if (totals.inuse_bytes > last * 1.02 && totals.inuse_bytes > last + 1024) {
		stacktab_snapshot_peak();
		totals.snapshot_inuse_bytes = totals.inuse_bytes;
		totals.snapshot_ns = evclock_to_ns(now);
	}
}

void collector_snapshot_if_peak(void)
{
	/* a heap that only grew, or one too small for the thresholds above,
	 * peaks now */
	if (totals.inuse_bytes > 0 && totals.inuse_bytes >= totals.snapshot_inuse_bytes) {
		stacktab_snapshot_peak();
		totals.snapshot_inuse_bytes = totals.inuse_bytes;
		totals.snapshot_ns = evclock_mono_ns();
	}
}

void collector_lock(void)
{
	pthread_mutex_lock(&lock);
}

void collector_unlock(void)
{
	pthread_mutex_unlock(&lock);
}

static unsigned life_bucket(uint64_t ns)
{
	unsigned b = 0;
	for (uint64_t limit = 1000; b < LIFE_BUCKETS - 1 && ns > limit; limit *= 10)
		b++;
	return b;
}

static void chain_add(struct stack_fate *f, double sign, const struct event *e,
		      const struct sample_weight *w)
{
	f->chains_live += sign * w->objects;
	f->chain_moves_live += sign * w->objects * e->realloc_depth;
	f->chain_bytes_live += sign * w->bytes;
}

/* What the free of a block says about the stack that allocated it. */
static void account_fate(struct stack_fate *f, const struct event *e, const struct sample_weight *w)
{
	if (e->realloc_depth)
		chain_add(f, -1, e, w); /* no longer a live end of its chain */
	if (e->flags & EVENT_REALLOC) {
		f->moved += w->objects;
		return; /* not the end of the object: its next block takes over */
	}
	uint64_t ticks = e->free_time > e->alloc_time ? e->free_time - e->alloc_time : 0;
	uint64_t life = (uint64_t)((double)ticks * evclock_ns_per_tick());
	f->life[life_bucket(life)] += w->objects;
	if (life <= config.short_ns) {
		f->short_objects += w->objects;
		f->short_bytes += w->bytes;
	}
	f->freed += w->objects;
	if (e->tid == e->free_tid)
		f->freed_same_thread += w->objects;
	if (e->realloc_depth) {
		f->chains_ended += w->objects;
		f->chain_moves_ended += w->objects * e->realloc_depth;
		f->chain_bytes_ended += w->bytes;
	}
	if (!e->free_pc)
		return;
	for (unsigned k = 0; k < FREE_SITES; k++) {
		if (f->free_pc[k] == e->free_pc || !f->free_pc[k]) {
			f->free_pc[k] = e->free_pc;
			f->free_pc_weight[k] += w->objects;
			return;
		}
	}
}

static void apply_alloc(struct stack_rec *s, const struct event *e)
{
	struct sample_weight w = sampler_weight(e->size, config.rate);
	if (!s->alloc_objects || e->size < s->size_min)
		s->size_min = e->size;
	if (e->size > s->size_max)
		s->size_max = e->size;
	s->alloc_objects += w.objects;
	s->alloc_bytes += w.bytes;
	s->inuse_objects += w.objects;
	s->inuse_bytes += w.bytes;
	if (e->realloc_depth)
		chain_add(&s->fate, 1, e, &w);
	totals.inuse_objects += w.objects;
	totals.inuse_bytes += w.bytes;
	if (totals.inuse_bytes > totals.peak_inuse_bytes)
		totals.peak_inuse_bytes = totals.inuse_bytes;
	maybe_snapshot_peak(e->alloc_time);
	timeline_inuse(evclock_to_ns(e->alloc_time), totals.inuse_bytes);
}

/* e describes the freed block: its size, allocation time and thread, depth. */
static void apply_free(struct stack_rec *s, const struct event *e)
{
	struct sample_weight w = sampler_weight(e->size, config.rate);
	s->inuse_objects -= w.objects;
	s->inuse_bytes -= w.bytes;
	account_fate(&s->fate, e, &w);
	totals.inuse_objects -= w.objects;
	totals.inuse_bytes -= w.bytes;
	timeline_inuse(evclock_to_ns(e->free_time), totals.inuse_bytes);
}

/* Frees that found no block yet. The collector reads the rings' heads one
 * after the other, so a batch can hold a block's free (committed by one
 * thread) but not its allocation (committed by another just after its ring
 * was looked at): the allocation comes in the next batch and takes its free
 * from here. Direct-mapped and bounded: frees of blocks never recorded
 * (allocated before the shim started, or by a library inside the shim) only
 * take a slot until something else needs it. */
enum { PENDING_FREES = 65536 };
struct pending_free {
	uint64_t addr, free_time, free_pc;
	uint32_t free_tid;
	uint16_t flags;
};
static struct pending_free *pending;

static struct pending_free *pending_slot(uint64_t addr)
{
	if (!pending && !(pending = pages_map(PENDING_FREES * sizeof(*pending))))
		return NULL;
	return &pending[((addr >> 4) * 0x9e3779b97f4a7c15ULL >> 40) & (PENDING_FREES - 1)];
}

/* A free in exact mode: the block is looked up here. */
static void exact_free(struct ring *r, const struct event *e)
{
	struct addr_entry b;
	if (!addrtab_remove(e->addr, &b)) {
		/* not allocated by the program while we watched, or allocated in
		 * a batch still to come */
		struct pending_free *pf = pending_slot(e->addr);
		if (pf)
			*pf = (struct pending_free){e->addr, e->free_time, e->free_pc, e->free_tid, e->flags};
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
	struct event x = *e;
	x.size = b.size;
	x.alloc_time = b.alloc_time;
	x.tid = b.tid;
	x.realloc_depth = (uint32_t)b.realloc_depth;
	apply_free(stacktab_at(b.stack), &x);
	if (e->flags & EVENT_REALLOC)
		*ring_consumer_word(r) = (uint32_t)b.realloc_depth + 1;
	return;
unknown:
	if (e->flags & EVENT_REALLOC)
		*ring_consumer_word(r) = 1;
}

static void exact_alloc(struct ring *r, struct stack_rec *s, const struct event *e)
{
	struct event x = *e;
	x.realloc_depth = e->flags & EVENT_REALLOC ? *ring_consumer_word(r) : 0;
	apply_alloc(s, &x);
	/* a waiting free older than this by more than the clocks of two CPUs
	 * could disagree (1 ms is far more) was some unrecorded block's */
	struct pending_free *pf = pending_slot(e->addr);
	uint64_t skew = (uint64_t)(1e6 / evclock_ns_per_tick());
	if (pf && pf->addr == e->addr && pf->free_time + skew >= e->alloc_time) {
		/* its free came first (see pending_free): the block is gone */
		x.kind = EVENT_FREE;
		x.flags = pf->flags;
		x.free_time = pf->free_time;
		x.free_tid = pf->free_tid;
		x.free_pc = pf->free_pc;
		pf->addr = 0;
		apply_free(s, &x);
		return;
	}
	struct addr_entry n = {
		.addr = e->addr,
		.alloc_time = e->alloc_time,
		.size = e->size,
		.realloc_depth = x.realloc_depth > 0xffff ? 0xffff : x.realloc_depth,
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
		struct event f = *e;
		f.kind = EVENT_FREE;
		f.flags = 0;
		f.size = old.size;
		f.alloc_time = old.alloc_time;
		f.free_time = e->alloc_time;
		f.tid = old.tid;
		f.free_tid = 0;
		f.free_pc = 0;
		f.realloc_depth = (uint32_t)old.realloc_depth;
		apply_free(stacktab_at(old.stack), &f);
	}
}

static void on_event(struct ring *r, const struct event *e)
{
	totals.events++;
	if (e->rss)
		timeline_rss(evclock_to_ns(e->kind == EVENT_FREE ? e->free_time : e->alloc_time), e->rss);
	if (e->kind == EVENT_ALLOC) {
		struct stack_rec *s = stacktab_intern(e->stack_hash, e->nframes ? e->frames : NULL,
						      e->nframes, e->flags & EVENT_TRUNCATED);
		if (!s)
			return;
		if (config.rate == 1)
			exact_alloc(r, s, e);
		else
			apply_alloc(s, e);
	} else if (e->kind == EVENT_FREE) {
		if (config.rate == 1) {
			exact_free(r, e);
			return;
		}
		struct stack_rec *s = stacktab_intern(e->stack_hash, NULL, 0, false);
		if (s)
			apply_free(s, e);
	}
}

static uint64_t event_time(const struct event *e)
{
	return e->kind == EVENT_FREE ? e->free_time : e->alloc_time;
}

enum { MERGE_MAX = 256, PREFETCH_AHEAD = 12 };

/* Exact mode's table is as big as the program's heap is numerous: a lookup
 * is a cache miss. Events are read in ring order, so the slots of the next
 * dozen are loaded while this one is handled: the misses overlap. */
static void prefetch(const struct event *e)
{
	if (e)
		addrtab_prefetch(e->addr);
}

/* At equal times a free goes first: it was stamped before the real free,
 * so an allocation stamped at the same nanosecond may reuse its address. */
static bool before(const struct event *a, const struct event *b)
{
	uint64_t ta = event_time(a), tb = event_time(b);
	return ta < tb || (ta == tb && a->kind == EVENT_FREE && b->kind != EVENT_FREE);
}

/* The safe horizon of exact mode: events older than this can all be seen
 * already. A producer publishes the time of the event it builds before the
 * event (ring.h: inflight), so no event older than any published time is
 * missing, nor any older than now less a margin for the moment between a
 * stamp and its publication and for clocks of CPUs that disagree a little. */
static uint64_t horizon(void)
{
	uint64_t h = evclock_now() - (uint64_t)(500000.0 / evclock_ns_per_tick());
	for (struct ring *r = ring_first(); r; r = ring_next(r)) {
		uint64_t t = ring_inflight(r);
		if (t && t < h)
			h = t;
	}
	return h;
}

/* How full the fullest ring was when last drained: the collector's pace. */
static double fullest_seen;

/* Events reach the tables in the order they happened across threads (each
 * ring is in order; the merge picks the earliest head), so the peak and the
 * timeline follow the program, not the order rings happen to be drained. In
 * exact mode, where a free finds its block by address, only events older
 * than the safe horizon are taken (unless all is asked for), which makes
 * that order exact. */
static size_t drain(bool all)
{
	evclock_calibrate();
	uint64_t limit = all || config.rate != 1 ? UINT64_MAX : horizon();
	struct ring *rings[MERGE_MAX];
	struct ring_span spans[MERGE_MAX];
	const struct event *heads[MERGE_MAX];
	size_t n = 0, events = 0;
	struct ring *r = ring_first();
	while (r) {
		unsigned k = 0;
		for (; r && k < MERGE_MAX; r = ring_next(r)) {
			if (!ring_span_begin(r, &spans[k]))
				continue;
			double used = ring_span_fill(r, &spans[k]);
			if (used > fullest_seen)
				fullest_seen = used;
			rings[k] = r;
			heads[k] = ring_span_peek(r, &spans[k]);
			if (config.rate == 1)
				for (int a = 0; a < PREFETCH_AHEAD; a++)
					prefetch(ring_span_ahead(r, &spans[k]));
			k++;
		}
		for (;;) {
			int best = -1;
			for (unsigned i = 0; i < k; i++)
				if (heads[i] && (best < 0 || before(heads[i], heads[best])))
					best = (int)i;
			if (best < 0 || event_time(heads[best]) >= limit)
				break;
			on_event(rings[best], heads[best]);
			events++;
			ring_span_pop(rings[best], &spans[best]);
			if (config.rate == 1)
				prefetch(ring_span_ahead(rings[best], &spans[best]));
			heads[best] = ring_span_peek(rings[best], &spans[best]);
		}
		for (unsigned i = 0; i < k; i++)
			ring_span_end(rings[i], &spans[i]);
		n += k;
	}

	(void)n;
	return events;
}

size_t collector_drain_locked(void)
{
	return drain(false);
}

size_t collector_drain_all_locked(void)
{
	return drain(true);
}

void collector_drain_now(bool all)
{
	collector_lock();
	drain(all);
	collector_unlock();
}

void collector_get_totals(struct collector_totals *t)
{
	*t = totals;
}

static void *collector_main(void *arg)
{
	(void)arg;
	struct thread_state *t = &shim_tls;
	t->is_collector = true;
	guard_enter(t); /* for good: nothing this thread allocates is the program's */
	prctl(PR_SET_NAME, "allocprof", 0, 0, 0);
	long sleep_ns = 1000000;
	uint64_t next_interval = config.interval_ns ? evclock_mono_ns() + config.interval_ns : 0;
	while (shim_state == SHIM_ON) {
		collector_lock();
		size_t n = collector_drain_locked();
		collector_unlock();
		if (dump_requested) {
			dump_requested = 0;
			dump_write(NULL, DUMP_SIGNAL);
		}
		if (next_interval && evclock_mono_ns() >= next_interval) {
			dump_write(NULL, DUMP_INTERVAL);
			/* a slow dump skips intervals rather than queueing them */
			while (next_interval <= evclock_mono_ns())
				next_interval += config.interval_ns;
		}
		/* exact mode, busy: go round again at once (this thread exists to
		 * keep the program's threads from draining their own rings); busy
		 * sampling: every millisecond; idle: back off to 50 ms */
		if (n && config.rate == 1 && !dump_requested) {
			/* a ring holds thousands of events: polling keeps up without
			 * waking anyone, and yields the core in between to programs
			 * that spin on theirs. Each wake-up is a context switch, so
			 * the pace follows the fullest ring: 1 ms while rings stay
			 * under 1/32 full, 200 us once one passes 1/8 */
			double fullest = fullest_seen;
			fullest_seen = 0;
			sleep_ns = fullest > 0.125 ? 200000 : fullest > 0.03125 ? 500000 : 1000000;
			if (n > 4096 && fullest > 0.125)
				continue;
		} else {
			/* exact mode never sleeps long: events wait for the horizon */
			long most = config.rate == 1 ? 1000000 : 50000000;
			sleep_ns = n ? 1000000 : sleep_ns * 2 > most ? most : sleep_ns * 2;
		}
		if (next_interval) {
			uint64_t now = evclock_mono_ns();
			uint64_t left = next_interval > now ? next_interval - now : 0;
			if ((uint64_t)sleep_ns > left)
				sleep_ns = (long)left;
		}
		struct timespec ts = {0, sleep_ns};
		atomic_store(&sleeping, 1);
		syscall(SYS_futex, &sleeping, FUTEX_WAIT_PRIVATE, 1, &ts, NULL, 0);
		atomic_store(&sleeping, 0);
	}
	return NULL;
}

void collector_start(void)
{
	if (config.rate != 1 && !config.interval_ns && !config.dump_signal) {
		atomic_store_explicit(&collector_started, 2, memory_order_relaxed); /* not needed */
		return;
	}
	int expect = 0;
	if (!atomic_compare_exchange_strong(&collector_started, &expect, 1))
		return;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	/* the program's signal handlers must never run on our thread */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_t th;
	if (pthread_create(&th, &attr, collector_main, NULL) != 0) {
		/* no retry: full rings are drained inline by their producers */
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
}

static atomic_uint_fast64_t n_wakes; /* a wake is a system call already: counting it is free */

void collector_wake(void)
{
	if (atomic_load_explicit(&sleeping, memory_order_relaxed) &&
	    atomic_exchange(&sleeping, 0)) {
		atomic_fetch_add_explicit(&n_wakes, 1, memory_order_relaxed);
		syscall(SYS_futex, &sleeping, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	}
}

uint64_t collector_wakes(void)
{
	return atomic_load_explicit(&n_wakes, memory_order_relaxed);
}

void collector_request_dump(void)
{
	dump_requested = 1;
}

void collector_fork_prepare(void)
{
	collector_lock();
}

void collector_fork_parent(void)
{
	collector_unlock();
}

void collector_fork_child(void)
{
	pthread_mutex_init(&lock, NULL);
	atomic_store(&collector_started, 0); /* the thread did not survive the fork; the next sample restarts it */
}

int collector_trylock_for(uint64_t ns)
{
	uint64_t end = evclock_mono_ns() + ns;
	while (pthread_mutex_trylock(&lock) != 0) {
		if (evclock_mono_ns() > end)
			return -1;
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
	return 0;
}
