/* kinds: whether two profiles may be subtracted (diff, flame --diff, report
 * with a base), decided in one place: profiles of different kinds are
 * refused as pprof refuses them; a type only one side has is shown as
 * absent there, never as a change. */
#ifndef ALLOCPROF_KINDS_H
#define ALLOCPROF_KINDS_H

#include <stdbool.h>

#include "profile.h"

/* True when base and new share a sample type and the units of the shared
 * types agree. Else says why in one line (prefixed "allocprof CMD: ") and
 * returns false. */
bool kinds_comparable(const char *cmd, const struct profile *base, const char *base_path,
		      const struct profile *new_, const char *new_path);

/* One warning line per sample type that only one side has. */
void kinds_warn_one_sided(const char *cmd, const struct profile *base, const char *base_path,
			  const struct profile *new_, const char *new_path);

/* True when both sides have the sample type `type` (the one a command
 * lists or draws). Else says so in one line and returns false. */
bool kinds_both_have(const char *cmd, const char *type, const struct profile *base, const char *base_path,
		     const struct profile *new_, const char *new_path);

#endif
