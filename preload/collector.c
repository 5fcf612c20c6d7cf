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
#include "dump.h"
#include "addrtab.h"
#include "event.h"
#include "ring.h"
#include "sampler.h"
#include "shim.h"
#include "stacktab.h"
#include "timeline.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int started;
static struct collector_totals totals;
static volatile sig_atomic_t dump_requested;
static atomic_int sleeping; /* the futex word: 1 while the thread waits */

/* A peak snapshot costs one pass over the stacks, so take one only when the
 * in-use estimate beats the last snapshot by 2% (and 64 KiB): the kept peak
 * is within 2% of the true one, and a growing heap costs a few hundred
 * snapshots over its whole life. */
static void maybe_snapshot_peak(uint64_t now_ns)
{
	double last = totals.snapshot_inuse_bytes;
	if (totals.inuse_bytes > last * 1.02 && totals.inuse_bytes > last + 65536) {
		stacktab_snapshot_peak();
		totals.snapshot_inuse_bytes = totals.inuse_bytes;
		totals.snapshot_ns = now_ns;
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
	uint64_t life = e->free_ns > e->alloc_ns ? e->free_ns - e->alloc_ns : 0;
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
	maybe_snapshot_peak(e->alloc_ns);
	timeline_inuse(e->alloc_ns, totals.inuse_bytes);
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
	timeline_inuse(e->free_ns, totals.inuse_bytes);
}

/* A free in exact mode: the block is looked up here. */
static void exact_free(struct ring *r, const struct event *e)
{
	struct addr_entry b;
	if (!addrtab_remove(e->addr, &b))
		goto unknown; /* not allocated by the program while we watched */
	if (b.alloc_ns > e->free_ns) {
		/* an earlier block at this address, already accounted when the
		 * allocator handed the address out again: this one stays */
		struct addr_entry again;
		addrtab_insert(&b, &again);
		goto unknown;
	}
	struct event x = *e;
	x.size = b.size;
	x.alloc_ns = b.alloc_ns;
	x.tid = b.tid;
	x.realloc_depth = (uint32_t)b.realloc_depth;
	apply_free(stacktab_at(b.stack), &x);
	if (e->flags & EVENT_REALLOC)
		r->realloc_depth = (uint32_t)b.realloc_depth + 1;
	return;
unknown:
	if (e->flags & EVENT_REALLOC)
		r->realloc_depth = 1;
}

static void exact_alloc(struct ring *r, struct stack_rec *s, const struct event *e)
{
	struct event x = *e;
	x.realloc_depth = e->flags & EVENT_REALLOC ? r->realloc_depth : 0;
	apply_alloc(s, &x);
	struct addr_entry n = {e->addr, e->alloc_ns, e->size, x.realloc_depth > 0xffff ? 0xffff : x.realloc_depth,
			       stacktab_index(s), e->tid};
	struct addr_entry old;
	if (addrtab_insert(&n, &old)) {
		/* the allocator reused an address whose free we have not seen yet:
		 * it was freed by now; its own free event will find a newer entry */
		struct event f = *e;
		f.kind = EVENT_FREE;
		f.flags = 0;
		f.size = old.size;
		f.alloc_ns = old.alloc_ns;
		f.free_ns = e->alloc_ns;
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
	return e->kind == EVENT_FREE ? e->free_ns : e->alloc_ns;
}

enum { MERGE_MAX = 256 };

/* At equal times a free goes first: it was stamped before the real free,
 * so an allocation stamped at the same nanosecond may reuse its address. */
static bool before(const struct event *a, const struct event *b)
{
	uint64_t ta = event_time(a), tb = event_time(b);
	return ta < tb || (ta == tb && a->kind == EVENT_FREE && b->kind != EVENT_FREE);
}

/* Events reach the tables in the order they happened across threads (each
 * ring is in order; the merge picks the earliest head), so the peak and the
 * timeline follow the program, not the order rings happen to be drained. */
size_t collector_drain_locked(void)
{
	struct ring *rings[MERGE_MAX];
	struct ring_span spans[MERGE_MAX];
	const struct event *heads[MERGE_MAX];
	size_t n = 0, events = 0;
	struct ring *r = ring_first();
	while (r) {
		unsigned k = 0;
		for (; r && k < MERGE_MAX; r = r->next) {
			if (!ring_span_begin(r, &spans[k]))
				continue;
			rings[k] = r;
			heads[k] = ring_span_peek(r, &spans[k]);
			k++;
		}
		for (;;) {
			int best = -1;
			for (unsigned i = 0; i < k; i++)
				if (heads[i] && (best < 0 || before(heads[i], heads[best])))
					best = (int)i;
			if (best < 0)
				break;
			on_event(rings[best], heads[best]);
			events++;
			ring_span_pop(rings[best], &spans[best]);
			heads[best] = ring_span_peek(rings[best], &spans[best]);
		}
		for (unsigned i = 0; i < k; i++)
			ring_span_end(rings[i], &spans[i]);
		n += k;
	}
	if (events)
		timeline_rss(capture_now_ns());
	(void)n;
	return events;
}

void collector_drain_now(void)
{
	collector_lock();
	collector_drain_locked();
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
	uint64_t next_interval = config.interval_ns ? capture_now_ns() + config.interval_ns : 0;
	while (shim_state == SHIM_ON) {
		collector_lock();
		size_t n = collector_drain_locked();
		collector_unlock();
		if (dump_requested) {
			dump_requested = 0;
			dump_write(NULL, DUMP_SIGNAL);
		}
		if (next_interval && capture_now_ns() >= next_interval) {
			dump_write(NULL, DUMP_INTERVAL);
			/* a slow dump skips intervals rather than queueing them */
			while (next_interval <= capture_now_ns())
				next_interval += config.interval_ns;
		}
		/* exact mode, busy: go round again at once (this thread exists to
		 * keep the program's threads from draining their own rings); busy
		 * sampling: every millisecond; idle: back off to 50 ms */
		if (n && config.rate == 1 && !dump_requested) {
			sleep_ns = 100000;
			if (n > 64)
				continue;
		} else {
			sleep_ns = n ? 1000000 : sleep_ns * 2 > 50000000 ? 50000000 : sleep_ns * 2;
		}
		if (next_interval) {
			uint64_t now = capture_now_ns();
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
	if (config.rate != 1 && !config.interval_ns && !config.dump_signal)
		return;
	if (atomic_load_explicit(&started, memory_order_relaxed))
		return; /* every sample comes here: no read-modify-write once started */
	int expect = 0;
	if (!atomic_compare_exchange_strong(&started, &expect, 1))
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

void collector_wake(void)
{
	if (atomic_load_explicit(&sleeping, memory_order_relaxed) &&
	    atomic_exchange(&sleeping, 0))
		syscall(SYS_futex, &sleeping, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
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
	atomic_store(&started, 0); /* the thread did not survive the fork; the next sample restarts it */
}

int collector_trylock_for(uint64_t ns)
{
	uint64_t end = capture_now_ns() + ns;
	while (pthread_mutex_trylock(&lock) != 0) {
		if (capture_now_ns() > end)
			return -1;
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
	return 0;
}
