/* timeline: the heap over time as an SVG line chart: estimated in-use bytes
 * and RSS over the run (the series the shim stores in the profile), the peak
 * marked and labelled with the site that held the most memory then. */
#ifndef ALLOCPROF_PICTURES_TIMELINE_H
#define ALLOCPROF_PICTURES_TIMELINE_H

#include <stdbool.h>
#include <stdio.h>

#include "peak.h"
#include "profile.h"

struct timeline_opts {
	int width, height;
	const char *title;
	const char *id;
	bool standalone; /* an SVG document; else an element for an HTML page */
};

#define TIMELINE_DEFAULT_WIDTH 1000
#define TIMELINE_DEFAULT_HEIGHT 420

/* Whether the profile carries a timeline at all. */
bool timeline_present(const struct profile *p);
/* 0 or -EIO. */
int timeline_write(FILE *f, const struct profile *p, const struct peak_info *pk, const struct timeline_opts *o);

#endif
