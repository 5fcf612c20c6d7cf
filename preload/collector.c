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
#include "event.h"
#include "ring.h"
#include "sampler.h"
#include "shim.h"
#include "stacktab.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int started;
static struct collector_totals totals;
static volatile sig_atomic_t dump_requested;
static atomic_int sleeping; /* the futex word: 1 while the thread waits */

/* A peak snapshot costs one pass over the stacks, so take one only when the
 * in-use estimate beats the last snapshot by 2% (and 64 KiB): the kept peak
 * is within 2% of the true one, and a growing heap costs a few hundred
 * snapshots over its whole life. */
static void maybe_snapshot_peak(void)
{
	double last = totals.snapshot_inuse_bytes;
	if (totals.inuse_bytes > last * 1.02 && totals.inuse_bytes > last + 65536) {
		stacktab_snapshot_peak();
		totals.snapshot_inuse_bytes = totals.inuse_bytes;
		totals.snapshot_ns = capture_now_ns();
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

static void on_event(const struct event *e, void *ctx)
{
	(void)ctx;
	totals.events++;
	struct sample_weight w = sampler_weight(e->size, config.rate);
	if (e->kind == EVENT_ALLOC) {
		struct stack_rec *s = stacktab_intern(e->stack_hash, e->nframes ? e->frames : NULL,
						      e->nframes, e->flags & EVENT_TRUNCATED);
		if (!s)
			return;
		s->alloc_objects += w.objects;
		s->alloc_bytes += w.bytes;
		s->inuse_objects += w.objects;
		s->inuse_bytes += w.bytes;
		totals.inuse_objects += w.objects;
		totals.inuse_bytes += w.bytes;
		if (totals.inuse_bytes > totals.peak_inuse_bytes)
			totals.peak_inuse_bytes = totals.inuse_bytes;
		maybe_snapshot_peak();
	} else if (e->kind == EVENT_FREE) {
		struct stack_rec *s = stacktab_intern(e->stack_hash, NULL, 0, false);
		if (!s)
			return;
		s->inuse_objects -= w.objects;
		s->inuse_bytes -= w.bytes;
		totals.inuse_objects -= w.objects;
		totals.inuse_bytes -= w.bytes;
	}
}

size_t collector_drain_locked(void)
{
	size_t n = 0;
	for (struct ring *r = ring_first(); r; r = r->next)
		n += ring_drain(r, on_event, NULL);
	return n;
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
		/* busy rings: poll every millisecond; idle: back off to 50 ms */
		sleep_ns = n ? 1000000 : sleep_ns * 2 > 50000000 ? 50000000 : sleep_ns * 2;
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
