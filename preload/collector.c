/* collector: the background thread and the event aggregation. Aggregation
 * is commutative (per-stack sums), so the order in which different rings are
 * drained does not matter: a free may even be seen before its allocation. */
#include "collector.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/prctl.h>
#include <time.h>

#include "config.h"
#include "event.h"
#include "ring.h"
#include "sampler.h"
#include "shim.h"
#include "stacktab.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int started;
static struct collector_totals totals;

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
	while (shim_state != SHIM_FINAL) {
		collector_lock();
		size_t n = collector_drain_locked();
		collector_unlock();
		/* busy rings: poll every millisecond; idle: back off to 50 ms */
		sleep_ns = n ? 1000000 : sleep_ns * 2 > 50000000 ? 50000000 : sleep_ns * 2;
		struct timespec ts = {0, sleep_ns};
		nanosleep(&ts, NULL);
	}
	return NULL;
}

void collector_start(void)
{
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
	atomic_store(&started, 0); /* the thread did not survive the fork */
}
