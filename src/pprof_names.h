/* pprof_names: the sample types, units and label keys of the profiles the
 * shim writes (preload/dump.c), shared with the readers that look for them
 * by name (viewer/hints), as pprof_tags.h shares the field numbers. */
#ifndef ALLOCPROF_PPROF_NAMES_H
#define ALLOCPROF_PPROF_NAMES_H

/* Sample types, in the order the full profile has them; the period is
 * ALLOCPROF_RATE in bytes of PPROF_PERIOD_TYPE, the one place readers
 * find the rate. */
#define PPROF_TYPE_ALLOC_OBJECTS "alloc_objects"
#define PPROF_TYPE_ALLOC_SPACE "alloc_space"
#define PPROF_TYPE_INUSE_OBJECTS "inuse_objects"
#define PPROF_TYPE_INUSE_SPACE "inuse_space"
#define PPROF_TYPE_SHORT_OBJECTS "short_lived_objects"
#define PPROF_TYPE_SHORT_SPACE "short_lived_space"
#define PPROF_PERIOD_TYPE "space"
#define PPROF_UNIT_COUNT "count"
#define PPROF_UNIT_BYTES "bytes"

/* Numeric labels of a sample: what became of its blocks. */
#define PPROF_LABEL_SIZE_MIN "size_min"
#define PPROF_LABEL_SIZE_MAX "size_max"
#define PPROF_LABEL_FREED "freed"
#define PPROF_LABEL_FREED_SAME_THREAD "freed_same_thread"
#define PPROF_LABEL_FREED_SAME_FUNCTION "freed_same_function"
#define PPROF_LABEL_REALLOC_MOVED "realloc_moved"
#define PPROF_LABEL_REALLOC_CHAINS "realloc_chains"
#define PPROF_LABEL_REALLOC_CHAIN_MOVES "realloc_chain_moves"
#define PPROF_LABEL_REALLOC_CHAIN_BYTES "realloc_chain_bytes"
/* The most blocks of the sample's stack live at once: the estimate, the
 * sampled blocks themselves (the same at rate 1), and the most sampled
 * blocks one thread held at once (absent when not counted). */
#define PPROF_LABEL_LIVE_MAX "live_max"
#define PPROF_LABEL_LIVE_MAX_SAMPLED "live_max_sampled"
#define PPROF_LABEL_LIVE_MAX_THREAD "live_max_thread"
/* A string label: "function file:line" of the most frequent free. */
#define PPROF_LABEL_FREED_AT "freed_at"

/* Freed blocks by lifetime, decades from 1 us to 10 s: an initializer for
 * an array of PPROF_LIFE_BUCKETS names. */
#define PPROF_LIFE_BUCKETS 9
#define PPROF_LABELS_LIFETIME                                                                   \
	{                                                                                       \
		"lifetime_le_1us", "lifetime_le_10us", "lifetime_le_100us", "lifetime_le_1ms",  \
		"lifetime_le_10ms", "lifetime_le_100ms", "lifetime_le_1s", "lifetime_le_10s",   \
		"lifetime_gt_10s",                                                              \
	}

/* The RSS breakdown of a dump (preload/rssmap.c), as profile comments any
 * pprof reader shows: "rss total: N bytes (...)", then one
 * "rss row: KEY N bytes exact|estimate" per row, in PPROF_RSS_ROWS order,
 * the rows adding up to the total; and, when RSS holds much more than the
 * heap allocprof sees, "unseen allocations: N bytes ...". */
#define PPROF_COMMENT_RSS_TOTAL "rss total: "
#define PPROF_COMMENT_RSS_ROW "rss row: "
#define PPROF_COMMENT_UNSEEN "unseen allocations: "
#define PPROF_RSS_EXACT "exact"
#define PPROF_RSS_ESTIMATE "estimate"
#define PPROF_RSS_NROWS 7
#define PPROF_RSS_ROWS                                                                          \
	{                                                                                       \
		"live_heap", "allocator_overhead", "allocator_free", "anon_outside_malloc",     \
		"thread_stacks", "files", "allocprof",                                          \
	}

#endif
