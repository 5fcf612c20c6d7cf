/* rssmap: where the process's resident memory is, taken at a dump: live
 * heap, what the allocator holds beside it, anonymous mappings made outside
 * malloc, thread stacks, files, and allocprof's own pages; rows that add up
 * to the RSS, written into the profile as comments (pprof_names.h). */
#ifndef ALLOCPROF_RSSMAP_H
#define ALLOCPROF_RSSMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "../src/pprof_names.h"
#include "../src/profile.h"

struct rssmap {
	uint64_t total;       /* the sum of smaps' Rss: what the rows add up to */
	uint64_t statm;       /* the kernel's RSS counter, for comparison */
	uint64_t row[PPROF_RSS_NROWS];
	bool estimate[PPROF_RSS_NROWS];
	uint64_t seen_heap;   /* the heap allocprof sees in use (the live row is
			       * at most what the allocator has resident) */
	uint64_t unseen;      /* anonymous bytes outside malloc worth a warning, or 0 */
};

/* Reads /proc/self/smaps (one descriptor, closed before returning, static
 * buffers: the allocator is never called), the allocator's own figures
 * and the residency of the shim's mappings. live_bytes: the heap the shim
 * sees in use; live_exact: every allocation counted (rate 1). Collector
 * lock held; never from a signal handler. false when smaps is unreadable. */
bool rssmap_take(struct rssmap *m, double live_bytes, bool live_exact);
/* The comments that carry it. */
void rssmap_comment(struct profile *p, const struct rssmap *m);

#endif
