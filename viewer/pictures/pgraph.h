/* pgraph: the call graph go tool pprof draws (-dot, -svg): its trimmed
 * graph in visual mode (entropy order, node count counting label boxes,
 * residual edges, redundant ones removed) over a report's nodes. */
#ifndef ALLOCPROF_PICTURES_PGRAPH_H
#define ALLOCPROF_PICTURES_PGRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmap.h"
#include "strtab.h"
#include "report.h"

struct pedge {
	uint32_t src, dst; /* graph node ids */
	int64_t weight;
	uint32_t stamp;
	bool residual, is_inline, dropped;
};

/* A node's tag: a set of string labels ("key:value" lines), or a numeric
 * "bytes" label value under such a set (set 0: no string labels). */
struct ptag {
	uint32_t node, set, name; /* name: an id in strs */
	bool numeric;
	const char *unit;
	int64_t value, flat, cum;
	bool dropped;
};

struct pgraph {
	struct report *r;
	struct strtab strs;      /* label sets and tag names */
	bool *kept;              /* per graph node */
	int64_t *flat, *cum;     /* per graph node */
	uint32_t *stamp;
	uint32_t *nodes;         /* the graph's nodes, in pprof's order */
	size_t nnodes;
	struct pedge *edges;
	size_t nedges, cap_edges;
	struct hmap edge_index;
	struct ptag *tags;
	size_t ntags, cap_tags;
	struct hmap tag_index;
	uint32_t *in_start, *in_list, *out_start, *out_list; /* edges per node */
	uint32_t *tag_start, *tag_list; /* tags per node */
	uint32_t *sample_set;    /* per sample: its label set, 0 for none */
	const char *bytes_unit;  /* unit of the numeric "bytes" label */
	size_t orig_count, dropped_nodes, dropped_edges;
};

/* Builds the trimmed graph of an open report (its filters, granularity,
 * node count, node and edge fractions). nodecount <= 0: no limit.
 * 0, or 1 after printing "out of memory". */
int pgraph_build(struct pgraph *pg, struct report *r, int nodecount);
void pgraph_release(struct pgraph *pg);

/* Kept edges into / out of node n in pprof's edge order, into a malloc'd
 * array; *count set (NULL and 0 when there are none). */
uint32_t *pgraph_edges_of(const struct pgraph *pg, uint32_t n, bool in, size_t *count);
/* pprof's edge order: heavier first, then source and destination names. */
void pgraph_sort_edges(const struct pgraph *pg, uint32_t *ids, size_t n);

#endif
