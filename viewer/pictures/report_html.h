/* report_html: the one-file HTML report: summary, the top table of every
 * sample type, flame graphs, the timeline, and the changes since a base;
 * style, script and pictures inline, so the page fetches nothing. */
#ifndef ALLOCPROF_PICTURES_REPORT_HTML_H
#define ALLOCPROF_PICTURES_REPORT_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "peak.h"
#include "profile.h"
#include "report.h"

struct report_html_in {
	struct profile *p, *base;      /* base: NULL without a diff */
	const char *path, *base_path;  /* as the user named them */
	const struct peak_info *pk;
	const struct ropts *ro;        /* the user's report options */
	double min_width;              /* of the flame graphs */
	int width;                     /* of the flame graphs */
	const char *title;             /* NULL: from the program's name */
};

struct report_html_stats {
	size_t types, flames, left_out; /* flame graphs drawn and left out */
};

/* The largest size the flame graphs of the sample types other than the
 * selected one may add to a page; past it they are left out (and the page
 * says how to draw them). */
#define REPORT_FLAME_BUDGET ((size_t)24 << 20)

/* 0, or 1 after printing an error. */
int report_html_write(FILE *f, const struct report_html_in *in, struct report_html_stats *st);

#endif
