/* hintset: the hints of a whole profile: the rules applied to every site,
 * ranked by what they would remove (bytes or objects), cut by --min-share
 * and -n, with the totals a reader needs to judge how much they cover. */
#ifndef ALLOCPROF_HINTS_HINTSET_H
#define ALLOCPROF_HINTS_HINTSET_H

#include <stdbool.h>
#include <stddef.h>

#include "rules.h"
#include "sites.h"

struct hintset {
	const struct sites *sites;
	struct hint *v;          /* ranked; the first n are shown */
	size_t n, all;           /* shown; every hint found */
	size_t below_share;      /* of the rest: under --min-share (the others: beyond -n) */
	double bytes, objects;   /* removed by the hints shown */
	double rest_bytes, rest_objects; /* by the ones not shown */
	bool by_objects;         /* ranked by objects instead of bytes */
	double min_share;
	int limit;               /* -n; <= 0: no limit */
};

/* Applies the rules to every site of s and ranks the hints. 0 or -ENOMEM. */
int hintset_build(struct hintset *h, const struct sites *s, bool by_objects, double min_share,
		  int limit);
void hintset_release(struct hintset *h);

#endif
