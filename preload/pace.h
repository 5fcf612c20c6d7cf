/* pace: how long the collector thread sleeps between drains, from how much
 * the last drain found and how full the fullest ring was. */
#ifndef ALLOCPROF_PACE_H
#define ALLOCPROF_PACE_H

#include <stdbool.h>
#include <stddef.h>

/* The drain saw a ring this full (0 to 1). With the collector lock held. */
void pace_note_fill(double used);
/* With the collector lock held: the fullest fill noted since the last call. */
double pace_take_fullest(void);
/* After a drain of events events that saw rings at most fullest full: false
 * to go round again at once, else true with *sleep_ns set from its previous
 * value (which the caller may have shortened since). */
bool pace_next(size_t events, double fullest, bool dump_pending, long *sleep_ns);

#endif
