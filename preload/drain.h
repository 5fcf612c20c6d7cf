/* drain: empties the rings into the tables, the events of all threads in
 * the order they happened. Collector lock held. */
#ifndef ALLOCPROF_DRAIN_H
#define ALLOCPROF_DRAIN_H

#include <stdbool.h>
#include <stddef.h>

/* Every event published so far (all), or in exact mode only those older
 * than the safe horizon; returns how many were taken. */
size_t drain_rings(bool all);

#endif
