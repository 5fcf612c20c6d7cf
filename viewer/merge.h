/* merge: several profiles as one, as go tool pprof merges the files it is
 * given (`allocprof top a b c`, `allocprof merge`); and NEW - BASE as one
 * profile, as go tool pprof -diff_base builds it (base samples negated and
 * labelled pprof::base=true, so totals are the base's); `diff -o` writes it
 * and go tool pprof opens it. */
#ifndef ALLOCPROF_MERGE_H
#define ALLOCPROF_MERGE_H

#include "profile.h"

/* Builds out (initialised here) from base and new. Sample types are new's;
 * base values are matched by type name (0 where base lacks the type).
 * Returns 0 or -ENOMEM (out is then empty). */
int merge_diff(struct profile *out, const struct profile *base, const struct profile *new_);

/* Builds out (initialised here) from ins[0..n), which must have the same
 * period type and sample types (pprof's rule). Headers combine as pprof's:
 * the earliest time, durations summed, the largest period, each comment
 * once. Timelines (field 101) are not merged. 0, -EINVAL (incompatible:
 * err says why) or -ENOMEM; out is empty on failure. */
int merge_profiles(struct profile *out, struct profile *const *ins, size_t n, char *err, size_t errlen);
/* Whether b can be merged into a (pprof's rule: the same period type and
 * sample types); if not, why in err. */
bool merge_compatible(const struct profile *a, const struct profile *b, char *err, size_t errlen);

#endif
