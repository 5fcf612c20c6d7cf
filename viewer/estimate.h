/* estimate: how well a profile knows its totals. A profile sampled by bytes
 * (allocprof below rate 1, Go's heap profiles) holds estimates; this module
 * says how many samples stand behind a total and how far off it may be, so
 * no figure prints more exactly than it is known. */
#ifndef ALLOCPROF_ESTIMATE_H
#define ALLOCPROF_ESTIMATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "profile.h"

struct estimate {
	int64_t value;  /* the total, as the profile holds it */
	bool sampled;   /* an estimate; false: exact (rate 1, or not a heap sample type) */
	double error;   /* two standard errors (95%), in the type's unit; -1 unknown
			 * (object counts: see estimate.c) */
	double samples; /* sampled blocks behind the value */
};

/* Sampled by bytes: period type "space" with a period above 1. */
bool estimate_profile_sampled(const struct profile *p);
/* The total of sample type `type` (an index) over the samples with
 * on[s] (all when on is NULL), and how well it is known. */
void estimate_total(const struct profile *p, int type, const bool *on, struct estimate *e);
/* True when a rerun at a lower rate would change the picture: an estimate
 * whose error is above a fifth of it. */
bool estimate_rough(const struct estimate *e);

#define ESTIMATE_BUF 160
/* "2.05MB" when exact; "2.05MB ±0.41MB (98 samples)" when estimated;
 * "~1383 (55 samples)" when the error is unknown. */
const char *estimate_label(const struct estimate *e, const char *unit, char *buf);
/* The value alone: "2.05MB", or "~1383" when its error is unknown. */
const char *estimate_value_label(const struct estimate *e, const char *unit, char *buf);
/* Only what follows the value: "±0.41MB (98 samples)", "(55 samples)",
 * "(no sample)", or "" when exact. */
const char *estimate_error_label(const struct estimate *e, const char *unit, char *buf);
/* The allocator's own in-use bytes recorded by the shim at the dump
 * ("allocator in use: N bytes ..."), or -1. */
int64_t estimate_allocator_inuse(const struct profile *p);
/* A comment as it should be read: the shim's "peak in use: N bytes, T ms
 * after start" in units (kB, MB), and of a sampled profile with its error
 * and sample count; every other comment comes back unchanged. */
const char *estimate_comment(const struct profile *p, const char *comment, char *buf, size_t cap);

#endif
