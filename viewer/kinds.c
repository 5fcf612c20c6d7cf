/* kinds: sample types are matched by name, as pprof's diff matches them;
 * a type missing on one side counts as 0 there in the totals (and in the
 * diff profile diff -o writes), which keeps the profiles of two allocprof
 * versions comparable on the types they share, but no command lists or
 * draws such a type as a change. */
#include "kinds.h"

#include <stdio.h>
#include <string.h>

static void print_types(const struct profile *p)
{
	for (size_t t = 0; t < p->ntypes; t++)
		fprintf(stderr, "%s%s/%s", t ? ", " : "", profile_str(p, p->sample_types[t].type),
			profile_str(p, p->sample_types[t].unit));
	fprintf(stderr, "%s", p->ntypes ? "" : "none");
}

bool kinds_comparable(const char *cmd, const struct profile *base, const char *base_path,
		      const struct profile *new_, const char *new_path)
{
	size_t shared = 0;
	bool units_agree = true;
	for (size_t t = 0; t < new_->ntypes; t++) {
		int b = profile_sample_type_index(base, profile_str(new_, new_->sample_types[t].type));
		if (b < 0)
			continue;
		shared++;
		if (strcmp(profile_str(new_, new_->sample_types[t].unit),
			   profile_str(base, base->sample_types[b].unit)))
			units_agree = false;
	}
	if (shared && units_agree)
		return true;
	fprintf(stderr, "allocprof %s: %s and %s are different kinds of profile (sample types ", cmd, base_path,
		new_path);
	print_types(base);
	fprintf(stderr, " against ");
	print_types(new_);
	fprintf(stderr, "); pprof refuses them too\n");
	return false;
}

static void warn_missing(const char *cmd, const struct profile *from, const struct profile *in, const char *in_path,
			 const char *counted)
{
	for (size_t t = 0; t < from->ntypes; t++) {
		const char *type = profile_str(from, from->sample_types[t].type);
		if (profile_sample_type_index(in, type) < 0)
			fprintf(stderr, "allocprof %s: %s has no sample type %s; %s\n", cmd, in_path, type, counted);
	}
}

void kinds_warn_one_sided(const char *cmd, const struct profile *base, const char *base_path,
			  const struct profile *new_, const char *new_path)
{
	warn_missing(cmd, new_, base, base_path, "its base counts as 0 in the totals");
	warn_missing(cmd, base, new_, new_path, "left out");
}

bool kinds_both_have(const char *cmd, const char *type, const struct profile *base, const char *base_path,
		     const struct profile *new_, const char *new_path)
{
	const struct profile *lacking = profile_sample_type_index(base, type) < 0 ? base
				       : profile_sample_type_index(new_, type) < 0 ? new_
										    : NULL;
	if (!lacking)
		return true;
	fprintf(stderr, "allocprof %s: %s has no sample type %s, so it has no change to show (its types: ", cmd,
		lacking == base ? base_path : new_path, type);
	print_types(lacking);
	fprintf(stderr, "); choose one both profiles have with -sample_index\n");
	return false;
}
