/* report: one report over one profile as go tool pprof builds it: sample
 * type, filters, total, the graph trimmed and sorted, the unit values print
 * in, and the header lines; shared by every command that reads profiles. */
#ifndef ALLOCPROF_REPORT_H
#define ALLOCPROF_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "graph.h"
#include "strtab.h"
#include "profile.h"
#include "rx.h"

struct ropts {
	const char *sample_index; /* NULL: the profile's default */
	enum gran gran;
	bool noinlines;
	bool cum;                 /* sort by cum instead of flat */
	int nodecount;            /* <0: no limit */
	double nodefraction, edgefraction;
	const char *focus, *ignore;
	bool objnames;            /* list: keep object names */
	bool rawpaths;            /* traces: do not trim build prefixes */
	bool by_site;             /* rows are sites (site.h), at line granularity */
	const char *hide;         /* pprof's -hide: frames taken out of the stacks */
	const char *tagfocus, *tagignore; /* applied by cli_start (tags.h); shown here */
};

struct report {
	struct profile *p;
	struct ropts o;
	struct strtab strs;
	struct graph g;
	bool have_graph;
	int value;                /* sample value index */
	const char *type, *unit;  /* of that value */
	int64_t total;
	bool *sample_on;
	struct rx focus, ignore, hide;
	const char *out_unit;     /* "minimum" until report_select_unit */
	uint32_t *order;          /* the report's nodes, sorted */
	size_t norder, orig_count, dropped_nodes;
};

/* Picks the sample type (pprof's SampleIndexByName rules: a name, a
 * number, "" for the default), compiles and applies the filters, computes
 * the total and builds the graph. On error prints one line and returns 1
 * (bad profile or no memory) or 2 (bad option). */
int report_open(struct report *r, struct profile *p, const struct ropts *o);

/* A profile's comments are shown bounded: the first REPORT_MAX_COMMENTS that
 * are not empty and do not start with '#', each up to its first newline and
 * at most REPORT_COMMENT_BYTES. */
#define REPORT_MAX_COMMENTS 64
#define REPORT_COMMENT_BYTES 512
/* Whether comment i is shown, and how many of its bytes. */
bool report_comment_shown(const struct profile *p, size_t i, size_t *len);
/* Prints the shown comments, one a line after indent, then how many more. */
void report_comments(FILE *out, const struct profile *p, const char *indent);
/* The same, each shown comment passed through rewrite first (which returns
 * it, its rewritten form in buf, or NULL to leave it out). */
typedef const char *report_rewrite_fn(const struct profile *p, const char *comment, char *buf, size_t cap);
void report_comments_rewritten(FILE *out, const struct profile *p, const char *indent, report_rewrite_fn *rewrite);
void report_close(struct report *r);

enum report_edges {
	EDGES_NONE,
	EDGES_INLINE, /* enough for the inline labels of top */
	EDGES_ALL,    /* every caller and callee, for peek */
};

/* pprof's newTrimmedGraph: fills r->order, and the edges asked for.
 * 0 or 1 (no memory). */
int report_trim(struct report *r, enum report_edges with_edges);
/* pprof's selectOutputUnit over r->order. */
void report_select_unit(struct report *r);

/* A value in the report's unit ("2.29MB", "1000"). buf: UNITS_BUF bytes. */
const char *report_value(const struct report *r, int64_t v, char *buf);

/* The header of a profile (File, Build ID, comments, Type, Time, Duration). */
void report_profile_labels(const struct report *r, FILE *out);
/* The full header of a top/peek table: profile labels (or only the type),
 * active filters and what the table shows and drops. */
void report_labels(const struct report *r, FILE *out, bool profile_labels);

/* When no function in the profile has a name, says on stderr how to add
 * them (reports of such a profile only name binaries). */
void report_hint_names(const struct report *r, const char *path);

/* " (inline)" / " (partial-inline)" / "" for a node, as pprof's top. */
const char *report_inline_label(const struct report *r, uint32_t node);

#endif
