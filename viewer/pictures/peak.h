/* peak: what the timeline and the report say about the moment of highest
 * in-use memory: its size and time (from the .peak.pb.gz profile the shim
 * writes at exit) and the allocation site that held the most then. */
#ifndef ALLOCPROF_PICTURES_PEAK_H
#define ALLOCPROF_PICTURES_PEAK_H

#include <stdbool.h>
#include <stdint.h>

#include "estimate.h"
#include "profile.h"

struct peak_info {
	char *path;          /* the peak profile used, NULL when none */
	bool from_peak;      /* site and bytes come from a peak profile */
	int64_t bytes;       /* in use at the peak (-1: unknown) */
	struct estimate estimate; /* how well bytes is known (sampled profiles) */
	int64_t ms;          /* ms after start (-1: unknown) */
	char *site;          /* "function file:line", NULL when unknown */
	int64_t site_value, site_total; /* its inuse_space, and the total */
	char *source;        /* one line saying where the figures come from */
	bool ours;           /* the profile was written by allocprof's shim (its
				comments say so): without a peak profile, what
				is in use at the end still means something */
};

/* Looks for the peak profile of the profile at path (p, already loaded):
 * explicit (--peak FILE) if given, else p itself when it is a peak profile,
 * else X.peak.pb.gz next to X.pb.gz written by the same process. Without
 * one, the site is the biggest in-use site of p itself (said in source).
 * 0, or 1 after printing an error (an explicit peak that cannot be read). */
int peak_find(const char *path, const char *explicit_peak, struct profile *p, struct peak_info *pk);
void peak_release(struct peak_info *pk);

#endif
