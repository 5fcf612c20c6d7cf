/* counters: the exact count of allocation calls, bytes asked for and frees,
 * per thread and per process, kept at every rate; and ALLOCPROF_STAT, the
 * mode that keeps only these counts (with bytes in use and the peak) and
 * never unwinds a stack. */
#ifndef ALLOCPROF_COUNTERS_H
#define ALLOCPROF_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One per thread, in initial-exec TLS: the fast path adds to it with plain
 * instructions (no atomics). A reader of the process totals walks the list
 * of the live threads' tallies under a lock and adds what threads that
 * ended left behind. */
struct alloc_tally {
	/* allocs and bytes apart: side by side, the compiler adds them as one
	 * vector, with a spill to the stack on malloc's path */
	uint64_t allocs, frees, bytes;
	uint64_t saved_allocs, saved_bytes, saved_frees; /* while the guard is held */
	int state; /* TALLY_* */
	/* free()'s one test besides the count: false (as a new thread's TLS
	 * starts) sends it out of its plain way, to be listed or, in exact
	 * mode, recorded. Kept by the interposer (interpose.c: free_way). */
	bool free_plain;
	struct alloc_tally *prev, *next;
};

enum { TALLY_NEW, TALLY_LISTED, TALLY_RETIRED };

extern __thread struct alloc_tally counters_tls __attribute__((tls_model("initial-exec")));
extern bool counters_stat_mode;

/* A successful allocation of n bytes (p NULL: a failed one, not counted). */
static inline void counters_alloc(const void *p, size_t n)
{
	struct alloc_tally *c = &counters_tls;
	if (__builtin_expect(p != NULL, 1)) { /* a branch never mispredicted: cheaper than cmov */
		c->allocs++;
		c->bytes += n;
	}
}

void counters_thread_start(void);

/* A free of p (NULL frees nothing). A thread that only frees never takes
 * the allocation slow path, so its first free lists it: true means the
 * caller must call counters_thread_start (out of line, where it costs the
 * fast path no saved registers). */
static inline bool counters_free(const void *p)
{
	struct alloc_tally *c = &counters_tls;
	c->frees += p != NULL;
	return __builtin_expect(c->state == TALLY_NEW, 0);
}

/* free()'s count and test: true sends the free out of its plain way (see
 * free_plain). */
static inline bool counters_free_detour(const void *p)
{
	struct alloc_tally *c = &counters_tls;
	c->frees += p != NULL;
	return __builtin_expect(!c->free_plain, 0);
}

/* The shim's own allocations, made with the guard held, are not the
 * program's: the counts are set aside when the guard is taken and put
 * back when it is left. */
static inline void counters_park(void)
{
	struct alloc_tally *c = &counters_tls;
	c->saved_allocs = c->allocs;
	c->saved_bytes = c->bytes;
	c->saved_frees = c->frees;
}

static inline void counters_unpark(void)
{
	struct alloc_tally *c = &counters_tls;
	c->allocs = c->saved_allocs;
	c->bytes = c->saved_bytes;
	c->frees = c->saved_frees;
}

/* From shim_init, after the configuration: reads ALLOCPROF_STAT. */
void counters_init(void);

/* ALLOCPROF_STAT: every allocation and free comes here, with the usable
 * size of its block (what it really holds), for the bytes in use and the
 * peak of the process. */
void counters_stat_alloc(size_t usable);
void counters_stat_free(size_t usable);
/* At exit in ALLOCPROF_STAT mode, or on a signal that ends the program
 * (in_signal: only what a handler may do): the counts as a "stat" record of
 * the manifest, or one line on stderr without one. */
void counters_write_stat(bool in_signal);

#endif
