/* aggregate: what each event adds to the stack that allocated its block
 * (the heap figures and the block's fate) and to the process's totals, the
 * in-use peak and the timeline. Collector lock held. */
#ifndef ALLOCPROF_AGGREGATE_H
#define ALLOCPROF_AGGREGATE_H

#include <stdint.h>

#include "event.h"
#include "stacktab.h"

/* What the figures need of a block and of its free: exact mode builds it
 * from its address table, the sampled mode from the ring's events. */
struct aggregate_block {
	uint64_t size;          /* bytes the program asked for */
	uint64_t alloc_time;    /* event clock */
	uint64_t free_time;     /* event clock; frees only */
	uint64_t free_pc;       /* return address of free's caller, or 0 */
	uint32_t tid;           /* thread that allocated */
	uint32_t free_tid;      /* thread that freed; frees only */
	uint32_t realloc_depth; /* reallocs that moved the block so far */
	uint16_t flags;         /* EVENT_REALLOC: made by / freed by realloc */
};

/* An allocation of b->size bytes, made at b->alloc_time by s; with its
 * realloc depth when it ends a realloc. */
void aggregate_alloc(struct stack_rec *s, const struct aggregate_block *b);
/* The free of a block s allocated, described with its free. */
void aggregate_free(struct stack_rec *s, const struct aggregate_block *b);
/* The same two in exact mode (config.rate == 1), where a block weighs one
 * object of its size, for a block that no realloc made or freed
 * (realloc_depth 0, no EVENT_REALLOC): the same sums, without weights to
 * compute or test, estimates to keep, or realloc chains. Realloc's blocks
 * take the two above. */
void aggregate_alloc_exact(struct stack_rec *s, const struct aggregate_block *b);
void aggregate_free_exact(struct stack_rec *s, const struct aggregate_block *b);
/* The event clock's rate may have changed (evclock_calibrate): what was
 * kept converted at the old rate is redone. The drain calls it after each
 * calibration, the one place the rate changes, so the per-event paths do
 * not compare rates. */
void aggregate_clock_rate(void);
/* An event that carries an RSS reading (e->rss, at most one per thread
 * every 10 ms): the reading goes into the timeline. */
void aggregate_rss(const struct event *e);

struct aggregate_totals {
	double inuse_bytes, inuse_objects;
	double peak_inuse_bytes;    /* the highest in-use estimate seen */
	double snapshot_inuse_bytes;/* in use at the last peak snapshot */
	uint64_t snapshot_ns;       /* when it was taken (CLOCK_MONOTONIC) */
};
void aggregate_get_totals(struct aggregate_totals *t);
/* Before a dump: if in use now is at least the last peak snapshot, this is
 * the peak. */
void aggregate_snapshot_if_peak(void);

#endif
