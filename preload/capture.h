/* capture: the sampled path. Runs with the guard held, on the program's
 * thread: unwinds into the thread's ring, tracks the block in the live set
 * and publishes alloc and free events for the collector. */
#ifndef ALLOCPROF_CAPTURE_H
#define ALLOCPROF_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shim.h"
#include "unwind.h"

void capture_init(void);
/* A sampled allocation of size bytes at p (flags: EVENT_REALLOC). */
void capture_alloc(struct thread_state *t, void *p, size_t size, uint16_t flags);
/* p is about to be freed: if it is a live sampled block, it leaves the live
 * set now, before the real free. free_pc: the caller of free, or 0. With
 * EVENT_REALLOC, t->realloc_depth becomes the moved block's depth + 1. */
void capture_free(struct thread_state *t, void *p, uint16_t flags, uint64_t free_pc);
/* Exact mode's every allocation and free, for a thread whose state is set
 * up (interpose.c: exact_ready) and not inside the shim (guard 0): the
 * guard, errno and the event in one call. The countdown is left at 0 (the
 * next allocation is recorded too). Returns p (the caller's tail call). */
void *capture_exact_alloc(struct thread_state *t, void *p, size_t size, uint16_t flags);
void capture_exact_free(struct thread_state *t, void *p, uint16_t flags, uint64_t free_pc);
/* capture_exact_free's common way alone (a ring with room, the TSC the
 * clock, no RSS due): false, with nothing recorded, where it would take the
 * whole way. */
bool capture_exact_free_short(struct thread_state *t, void *p, uint16_t flags, uint64_t free_pc);
/* and its other ways (a ring past 3/4 or to drain, the RSS due...) */
void capture_exact_free_full(struct thread_state *t, void *p, uint16_t flags, uint64_t free_pc);
/* This thread is exiting: its ring goes back to the pool. */
void capture_thread_exit(struct thread_state *t);
/* fork child, after ring_after_fork_child: the forking thread has a new
 * tid, and a short free names its thread by the ring's owner. */
void capture_fork_child(struct thread_state *t);

struct capture_stats {
	uint64_t samples, frees, drops, truncated, stale;
	uint64_t inline_drains; /* times a thread found its ring full and drained it */
	uint64_t unwind_hits, unwind_misses, unwind_walks; /* exact mode: see unwind_cache_stats */
	struct unwind_walk_stats unwind_walk;               /* exact mode: see unwind.h */
};
void capture_get_stats(struct capture_stats *s);

#endif
