/* filter: what go tool pprof does to a profile between reading it and
 * reporting: drop_frames pruning, --focus/--ignore sample selection, merging
 * equal samples, and the report total (base samples only in a diff). */
#ifndef ALLOCPROF_FILTER_H
#define ALLOCPROF_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "profile.h"
#include "rx.h"

/* Applies the profile's drop_frames and keep_frames in place (pprof's
 * RemoveUninteresting); a pattern that does not compile is ignored. */
void filter_prune(struct profile *p);

/* Which samples have a frame matching focus (NULL: any) and none matching
 * ignore. Returns a malloc'd array of p->nsamples flags, or NULL when no
 * filter is set or memory runs out (*nomem tells which). *any_focus and
 * *any_ignore say whether the patterns matched anything at all. */
bool *filter_samples(const struct profile *p, const struct rx *focus, const struct rx *ignore,
		     bool *nomem, bool *any_focus, bool *any_ignore);

/* pprof's -hide: removes the frames matching hide (function name, file
 * name or binary) from every location, and the locations left without a
 * frame from every sample, in place (again is harmless). *on (the flags of
 * filter_samples, allocated all true when NULL) turns off the samples left
 * without a location. 0, or -ENOMEM; *any says whether hide matched. */
int filter_hide(struct profile *p, const struct rx *hide, bool **on, bool *any);

/* pprof's report total: the sum of |value| over all samples, or over the
 * samples labelled pprof::base=true when there are any. */
int64_t filter_total(const struct profile *p, int value);

/* pprof merges the samples of every profile it reads: samples whose values
 * are all zero go, samples with equal stacks and labels become one, in the
 * order of their first appearance. Sets group[s] to the index of the first
 * sample of s's group, or SIZE_MAX for a dropped sample. 0 or -ENOMEM. */
int filter_merge(const struct profile *p, size_t *group);

/* The label pprof puts on the base half of a diff profile. */
bool filter_is_base(const struct profile *p, size_t sample);

#endif
