/* collector: drains the rings and aggregates events per stack. A background
 * thread does it most of the time; a program thread whose ring is full, a
 * dlclose and every dump do it themselves under the same lock. */
#ifndef ALLOCPROF_COLLECTOR_H
#define ALLOCPROF_COLLECTOR_H

#include <stddef.h>
#include <stdint.h>

/* Starts the background thread once (lazily, on the first sample). */
void collector_start(void);
/* Lock, drain every ring, unlock. */
void collector_drain_now(void);

void collector_lock(void);
void collector_unlock(void);
/* With the lock held: drain every ring; returns the number of events. */
size_t collector_drain_locked(void);

struct collector_totals {
	double inuse_bytes, inuse_objects;
	double peak_inuse_bytes;
	uint64_t events;
	uint64_t orphan_frees; /* frees whose stack never arrived */
};
void collector_get_totals(struct collector_totals *t);

void collector_fork_prepare(void);
void collector_fork_parent(void);
void collector_fork_child(void);

#endif
