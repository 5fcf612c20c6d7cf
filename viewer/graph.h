/* graph: pprof's report graph over one profile: a node per function (or
 * line, file, address) with flat and cum values, and the caller-callee edges,
 * built by go tool pprof's internal/graph rules so reports match it. */
#ifndef ALLOCPROF_GRAPH_H
#define ALLOCPROF_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmap.h"
#include "strtab.h"
#include "profile.h"

enum gran { GRAN_FUNCTIONS, GRAN_FILEFUNCTIONS, GRAN_FILES, GRAN_LINES, GRAN_ADDRESSES };

struct ginfo {
	uint64_t address;
	int64_t startline, lineno;
	uint32_t name, file, objfile; /* strtab ids, 0 = "" */
};

struct gnode {
	struct ginfo info;
	int64_t flat, cum;
	const char *printable; /* the name pprof prints */
	uint32_t stamp;        /* sample (+1) that last added to cum */
	bool kept;             /* part of the (trimmed) graph */
	bool in_inline, in_call; /* kinds of in-edges left after trimming */
};

struct gedge {
	uint32_t src, dst;
	int64_t weight;
	uint32_t stamp;
	bool is_inline, dropped;
};

struct gopts {
	int value;        /* sample value index */
	enum gran gran;
	bool noinlines;   /* keep only the outermost line of each location */
	bool objnames;    /* keep object names and start lines (pprof's list) */
	bool rawpaths;    /* file names only cleaned, not trimmed (pprof's traces) */
	const bool *sample_on; /* NULL, or which samples survive focus/ignore */
};

struct graph {
	struct profile *p;
	struct strtab *strs;
	struct gopts o;
	struct gnode *nodes;
	size_t nnodes, cap_nodes;
	struct hmap index;
	uint32_t *locnodes;        /* node ids of every location's lines, innermost first */
	uint32_t *loc_first, *loc_n;
	size_t nlocnodes;
	struct gedge *edges;
	size_t nedges, cap_edges;
	struct hmap edge_index;
	uint32_t *in_start, *in_list, *out_start, *out_list; /* kept edges per node */
	bool has_inline; /* some location maps to more than one node */
};

/* Creates the nodes of every location (pprof's CreateNodes), all kept.
 * 0 or -ENOMEM. */
int graph_build(struct graph *g, struct profile *p, struct strtab *strs, const struct gopts *o);
void graph_release(struct graph *g);

/* Recomputes flat and cum of the kept nodes from the samples. */
void graph_values(struct graph *g);
/* Recomputes the edges between kept nodes, their weights and inline flags,
 * then drops those lighter than cutoff and sets each node's in_inline and
 * in_call. inline_only: only what in_inline and in_call need (the edges
 * into nodes that are inlined somewhere). 0 or -ENOMEM. */
int graph_edges(struct graph *g, int64_t cutoff, bool inline_only);

/* Sorting: flat (pprof's FlatNameOrder) or cum (CumNameOrder). */
void graph_sort(struct graph *g, uint32_t *ids, size_t n, bool cum);

/* Edges of node n in pprof's order (heaviest first), into a malloc'd array
 * (NULL when there are none); *count set. */
uint32_t *graph_in_edges(const struct graph *g, uint32_t n, size_t *count);
uint32_t *graph_out_edges(const struct graph *g, uint32_t n, size_t *count);

#endif
