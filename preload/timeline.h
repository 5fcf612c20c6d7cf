/* timeline: estimated in-use bytes over the run (at the times of the events
 * that changed it) and the process's RSS, in at most TIMELINE_POINTS points
 * each: when full, neighbours merge keeping the higher value, so peaks
 * survive any length of run. Collector-owned (collector lock held). */
#ifndef ALLOCPROF_TIMELINE_H
#define ALLOCPROF_TIMELINE_H

#include <stdint.h>

#include "../src/profile.h"

enum { TIMELINE_POINTS = 1024 };

/* t_ns: CLOCK_MONOTONIC. */
void timeline_inuse(uint64_t t_ns, double inuse_bytes);
/* The end (ns, exclusive) of the in-use series' open bucket, and the
 * highest value it holds; 0 if none is open. A point before that end and
 * not above that value changes nothing. */
uint64_t timeline_inuse_open(double *max);
/* An RSS reading (bytes) made at t_ns. */
void timeline_rss(uint64_t t_ns, uint64_t bytes);
/* Copies both series into the profile, times relative to start_ns. */
void timeline_export(struct profile *p, uint64_t start_ns);

#endif
