/* shim: per-thread state of the LD_PRELOAD shim and the reentrancy guard.
 * Everything the allocation fast path touches lives in one initial-exec TLS
 * block, so an unsampled malloc is one TLS subtract-and-test and a forward. */
#ifndef ALLOCPROF_SHIM_H
#define ALLOCPROF_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counters.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* While the guard is held the countdown is parked at this value, so the
 * fast path forwards nested allocations without testing the guard. */
#define GUARD_COUNTDOWN ((int64_t)1 << 62)

struct ring;

struct thread_state {
	int64_t countdown;      /* bytes until the next sample; <= 0 takes the slow path */
	int64_t saved_countdown;/* the real countdown while the guard is held */
	uint32_t guard;         /* depth of shim code on this thread's stack */
	uint32_t tid;           /* kernel thread id, cached */
	bool initialized;       /* sampler seeded */
	bool is_collector;
	bool exact_ready;       /* exact mode, this thread set up and the collector started:
	                         * its allocations and frees take the short way (interpose.c) */
	int *errno_at;          /* this thread's errno (a call to __errno_location saved per event) */
	uint64_t rng;
	struct ring *ring;      /* this thread's event ring, or NULL */
	uint32_t realloc_depth; /* depth of the block the current realloc makes */
	uint64_t rss_due;       /* when this thread reads the RSS next (capture clock) */
	uint64_t last_stamp;    /* the time of this thread's last event (capture clock) */
};

extern __thread struct thread_state shim_tls __attribute__((tls_model("initial-exec")));

static inline void guard_enter(struct thread_state *t)
{
	if (t->guard++ == 0) {
		t->saved_countdown = t->countdown;
		t->countdown = GUARD_COUNTDOWN;
		counters_park();
	}
}

static inline void guard_leave(struct thread_state *t)
{
	if (--t->guard == 0) {
		t->countdown = t->saved_countdown;
		counters_unpark();
	}
}

/* Process-wide lifecycle. */
enum shim_state {
	SHIM_OFF,      /* not initialised yet */
	SHIM_ON,       /* recording */
	SHIM_FINAL,    /* the exit dump has started: forward only */
	SHIM_DISABLED, /* cannot or must not record (setuid, bad environment) */
};

extern volatile int shim_state;
/* The shim's constructor has started (before it, the first sampled
 * allocation starts the shim, unless a sanitizer's malloc is the next). */
extern volatile bool shim_constructed;

/* Initialises the process state once (config, unwinder, handlers). Called
 * from the constructor and from the first slow path, whichever is first. */
void shim_init(void);
/* The start of a shim loaded into a running process (attach.c): the same
 * state as shim_init's, without the signal handlers, which are the
 * program's to choose. */
void shim_start_attached(void);
/* False in a vfork child, which shares our memory but must never dump. */
bool shim_is_owner(void);

#endif
