/* livefeed: the shim's side of `allocprof watch`. The viewer asks by making
 * a request file; the collector thread looks for it (one stat) at most ten
 * times a second and answers with a snapshot of the stack table
 * (src/livefmt.h). No descriptor is kept between answers, no signal taken,
 * nothing added to the allocation paths. */
#ifndef ALLOCPROF_LIVEFEED_H
#define ALLOCPROF_LIVEFEED_H

#include <stdbool.h>

/* From the collector thread, once per tick, without the collector lock:
 * answers a pending request (taking the lock while it reads the tables). */
void livefeed_tick(void);
/* Whether a viewer is asking, looked at most once a second (a clock read
 * otherwise): how a process that runs no collector thread (the default rate,
 * no interval) finds out it should start one. Any thread, sampled path. */
bool livefeed_asked(void);

#endif
