/* tags: pprof's sample labels ("tags") in reports: --tagfocus and
 * --tagignore in pprof's syntax ([KEY=]REGEX[,REGEX...], or a numeric
 * value or range such as tid=1000:2000 or 64kb:), which keep or drop whole
 * samples before anything else, and the --tags report (go tool pprof -tags). */
#ifndef ALLOCPROF_TAGS_H
#define ALLOCPROF_TAGS_H

#include <stdbool.h>
#include <stdio.h>

#include "profile.h"

/* Turns off in *on (p->nsamples flags, allocated all on when NULL) the
 * samples that focus (NULL: any) does not match and those ignore matches,
 * as pprof's FilterSamplesByTag; the report total stays the whole
 * profile's, as pprof's. Says on stderr when a filter matched nothing.
 * 0, 1 (no memory) or 2 (bad pattern, printed). */
int tags_select(const struct profile *p, const char *focus, const char *ignore, bool **on);

/* go tool pprof -tags: per label key, the total of sample value `value`
 * (unit `unit`) and its split by label value. on: the samples to count
 * (NULL: all). 0 or 1 (no memory). */
int tags_report(FILE *out, const struct profile *p, int value, const char *unit, const bool *on);

#endif
