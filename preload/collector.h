/* collector: the lock under which the rings are drained and the tables
 * read, and the background thread that drains them most of the time; a
 * program thread whose ring is full, a dlclose and every dump drain
 * themselves under the same lock. */
#ifndef ALLOCPROF_COLLECTOR_H
#define ALLOCPROF_COLLECTOR_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* State the collector writes on every event, kept off the cache lines that
 * the program's threads read on every allocation: a line shared with the
 * unwinder's sizes or the real malloc's address cost each allocation a
 * transfer between cores (a third of exact mode's time on a churn). Put
 * after `static`; each such object starts a line of a section of its own. */
#define COLLECTOR_OWNED __attribute__((section("allocprof_collector"), aligned(64)))

/* Starts the background thread once, if it pays: in exact mode (it takes
 * the aggregation to another core), for periodic, signal and peak dumps, or
 * once `allocprof watch` asks for snapshots (livefeed.h). A
 * program that had one thread keeps one otherwise: creating a thread turns
 * off glibc malloc's single-thread fast paths for good. Without the thread,
 * rings are drained by their producers when full, and by every dump. */
void collector_start(void);
extern atomic_int collector_started;
/* What every sample calls: one relaxed load once the thread is there;
 * while it is not needed (2), a call that reads the clock. */
static inline void collector_ensure_started(void)
{
	if (atomic_load_explicit(&collector_started, memory_order_relaxed) != 1)
		collector_start();
}
/* A producer's ring is filling: wake the thread if it sleeps (one atomic
 * load when it does not). */
void collector_wake(void);
/* How many times a filling ring woke the thread: a healthy pace needs few. */
uint64_t collector_wakes(void);
/* Async-signal-safe: asks the collector thread to write a profile soon. */
void collector_request_dump(void);
/* Lock, drain every ring, unlock (all: past the safe horizon too). */
void collector_drain_now(bool all);

void collector_lock(void);
void collector_unlock(void);
/* Async-signal-safe enough for the crash path: polls trylock for up to ns
 * nanoseconds. 0 when locked, -1 when it gave up. */
int collector_trylock_for(uint64_t ns);
/* With the lock held: drain every ring up to the safe horizon (exact mode,
 * see exact.h), or everything; returns the number of events. */
size_t collector_drain_locked(void);
size_t collector_drain_all_locked(void);

void collector_fork_prepare(void);
void collector_fork_parent(void);
void collector_fork_child(void);

#endif
