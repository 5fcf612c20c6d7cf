/* merge: NEW - BASE as one profile, as go tool pprof -diff_base builds it
 * (base samples negated and labelled pprof::base=true, so totals are the
 * base's); `diff -o` writes it and go tool pprof opens it. */
#ifndef ALLOCPROF_MERGE_H
#define ALLOCPROF_MERGE_H

#include "profile.h"

/* Builds out (initialised here) from base and new. Sample types are new's;
 * base values are matched by type name (0 where base lacks the type).
 * Returns 0 or -ENOMEM (out is then empty). */
int merge_diff(struct profile *out, const struct profile *base, const struct profile *new_);

#endif
