/* flame: draws an ftree as a flame graph (or icicle) in one SVG: frames
 * sized by value, labels that fit, hover titles, an inline script to zoom and
 * search; frames too narrow to see are merged into one grey frame per parent. */
#ifndef ALLOCPROF_PICTURES_FLAME_H
#define ALLOCPROF_PICTURES_FLAME_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ftree.h"

struct flame_opts {
	int width;            /* px */
	double min_width;     /* px: narrower frames are merged */
	bool icicle;          /* root at the top */
	const char *title, *subtitle;
	const char *id;       /* the <svg> element's id */
	bool standalone;      /* an SVG document with its own script; else an
				 element for an HTML page that loads the script once */
	const char *unit;     /* of the values ("bytes", "count", ...) */
};

struct flame_stats {
	size_t drawn;         /* frames drawn */
	size_t merged;        /* frames merged into grey ones */
	int64_t merged_value; /* their value at the top of each merge */
	size_t cut;           /* frames below the depth limit */
	int64_t gone;         /* diff: value of base paths absent from new */
};

/* Stacks deeper than this are cut (a note says so). */
#define FLAME_MAX_DEPTH 1024
#define FLAME_DEFAULT_WIDTH 1200
#define FLAME_DEFAULT_MIN_WIDTH 1.0

/* Lays out and writes the graph. 0, or -ENOMEM (nothing usable written). */
int flame_write(FILE *f, const struct ftree *t, const struct flame_opts *o, struct flame_stats *st);

#endif
