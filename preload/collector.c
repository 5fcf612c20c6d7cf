/* collector: the background thread and the lock under which rings are
 * drained into the tables (drain.c). The thread drains at the pace pace.c
 * sets and writes the periodic and signal dumps. */
#include "collector.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <linux/futex.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <time.h>

#include "config.h"
#include "drain.h"
#include "dump.h"
#include "evclock.h"
#include "exact.h"
#include "livefeed.h"
#include "pace.h"
#include "peakwatch.h"
#include "shim.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
atomic_int collector_started;
static volatile sig_atomic_t dump_requested;
static atomic_int sleeping; /* the futex word: 1 while the thread waits */

void collector_lock(void)
{
	pthread_mutex_lock(&lock);
}

void collector_unlock(void)
{
	pthread_mutex_unlock(&lock);
}

size_t collector_drain_locked(void)
{
	return drain_rings(false);
}

size_t collector_drain_all_locked(void)
{
	return drain_rings(true);
}

void collector_drain_now(bool all)
{
	collector_lock();
	drain_rings(all);
	collector_unlock();
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
		/* drain() notes it under the lock, from whichever thread drains */
		double fullest = pace_take_fullest();
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
		livefeed_tick(); /* allocprof watch: one stat a tenth of a second */
		peakwatch_poll();
		if (!pace_next(n, fullest, dump_requested, &sleep_ns))
			continue;
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
	int expect = atomic_load_explicit(&collector_started, memory_order_relaxed);
	if (expect == 1)
		return;
	/* not needed until a viewer asks (allocprof watch): until then each
	 * sample pays a clock read here, and one stat a second */
	if (!exact_mode() && !config.interval_ns && !config.dump_signal && !livefeed_asked() &&
	    !peakwatch_enabled()) {
		/* from 0 or 2 only: a thread another sample started meanwhile
		 * must not be forgotten, or a later one would start a second */
		atomic_compare_exchange_strong(&collector_started, &expect, 2);
		return;
	}
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
	dump_fork_child();
	peakwatch_fork_child();
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
