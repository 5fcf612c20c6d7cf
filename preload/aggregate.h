/* aggregate: what each event adds to the stack that allocated its block
 * (the heap figures and the block's fate) and to the process's totals, the
 * in-use peak and the timeline. Collector lock held. */
#ifndef ALLOCPROF_AGGREGATE_H
#define ALLOCPROF_AGGREGATE_H

#include <stdint.h>

#include "event.h"
#include "stacktab.h"

/* An allocation of e->size bytes, made at e->alloc_time by s; with its
 * realloc depth when it ends a realloc. */
void aggregate_alloc(struct stack_rec *s, const struct event *e);
/* The free of a block s allocated: e describes the block (size, allocation
 * time and thread, realloc depth) and its free. */
void aggregate_free(struct stack_rec *s, const struct event *e);
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
