/* stacktab: the collector's table of unique stacks, interned by the hash
 * the producer computed, with the four heap figures aggregated per stack;
 * their frames live in the frame tree (frametree.h). Only touched with the
 * collector lock held. */
#ifndef ALLOCPROF_STACKTAB_H
#define ALLOCPROF_STACKTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../src/pprof_names.h"

/* STACK_BIG_SIZES: a block of 4 GiB or more, its sizes kept apart */
enum { STACK_HAS_FRAMES = 1, STACK_TRUNCATED = 2, STACK_THREADS_UNCOUNTED = 4, STACK_BIG_SIZES = 8 };
/* a record's frame tree node shares a word with the four flags: a stack
 * whose node is past 2^28 (2 GiB of nodes) is kept without its frames */
#define STACK_NODE_LIMIT (1u << 28)

/* Lifetime buckets, decades from 1 us to 10 s: <=1us <=10us ... <=10s >10s */
enum { LIFE_BUCKETS = PPROF_LIFE_BUCKETS, FREE_SITES = 4 };

/* What happened to the blocks of one stack after they were allocated. All
 * figures are estimates (sums of sample weights), exact at rate 1. Kept
 * apart from the record, and compact at rate 1: stackfate.h. */
struct stack_fate {
	double life[LIFE_BUCKETS];   /* freed blocks by lifetime */
	double short_objects, short_bytes; /* freed within ALLOCPROF_SHORT_NS */
	double freed;                /* freed by free/delete (not moved by realloc) */
	double freed_same_thread;
	uint64_t free_pc[FREE_SITES];/* where they were freed: callers of free */
	double free_pc_weight[FREE_SITES];
};

/* What realloc did to a stack's blocks: kept apart, for the few stacks
 * that realloc touches (56 bytes a stack otherwise). */
struct stack_realloc {
	double moved;                /* moved away by realloc */
	/* blocks this stack made by realloc, at the end of their chain: freed,
	 * or still in use; with the number of moves and the final size */
	double chains_ended, chain_moves_ended, chain_bytes_ended;
	double chains_live, chain_moves_live, chain_bytes_live;
};

/* One per distinct stack, so every byte counts (2^17 stacks: 8 MiB), and
 * one a cache line: what
 * only some stacks need lives in side tables, the peak (stacktab_peak_of)
 * only for stacks with blocks in use at the snapshot, the estimates of
 * blocks in use (stacktab_inuse_objects) only when sampling. */
struct stack_rec {
	uint64_t hash;
	uint32_t node : 28; /* its innermost frame in the frame tree */
	uint32_t flags : 4;
	uint32_t fate_rec;  /* its fate record (stackfate.c), 0 while none was freed */
	double alloc_objects, alloc_bytes;
	double inuse_bytes;
	/* of the sampled blocks, below 4 GiB (stacktab_size_min) */
	uint32_t size_min, size_max;
	/* sampled blocks in use, and the most at once */
	uint32_t live_sampled, live_sampled_max;
	uint32_t live_thread_max; /* sampled blocks one thread held at once (threadlive.h) */
	uint32_t realloc_rec;     /* its stack_realloc + 1, 0 while realloc touched none */
};
_Static_assert(sizeof(struct stack_rec) == 64, "a stack's record: 64 bytes");

/* The record for hash, created if new. frames may be NULL (a free seen
 * before its allocation, or a hash-only event): the frames are filled in
 * when an event that carries them arrives. NULL when out of memory. */
struct stack_rec *stacktab_intern_slow(uint64_t hash, const uint64_t *frames, uint32_t nframes,
				       bool truncated);
/* The record the last intern answered: at rate 1 a program that allocates
 * in a loop sends one stack many times in a row, and that answer is
 * checked inline, without a call. rec is NULL while none (records move
 * only while stacktab_intern_slow makes one, which sets it again). */
struct stacktab_last {
	uint64_t hash;
	struct stack_rec *rec;
};
extern struct stacktab_last stacktab_last;
static inline struct stack_rec *stacktab_intern(uint64_t hash, const uint64_t *frames, uint32_t nframes,
						bool truncated);
size_t stacktab_count(void);
static inline uint32_t stacktab_index(const struct stack_rec *s);
struct stack_rec *stacktab_at(size_t i);
/* The frames of s, leaf first, into out[0..max); returns how many. */
uint32_t stacktab_frames(const struct stack_rec *s, uint64_t *out, uint32_t max);
size_t stacktab_memory(void);
struct stack_rec *stacktab_base(void);
static inline uint32_t stacktab_index(const struct stack_rec *s)
{
	return (uint32_t)(s - stacktab_base());
}

static inline struct stack_rec *stacktab_intern(uint64_t hash, const uint64_t *frames, uint32_t nframes,
						bool truncated)
{
	struct stack_rec *s = stacktab_last.rec;
	if (s && hash == stacktab_last.hash && (!frames || (s->flags & STACK_HAS_FRAMES)))
		return s;
	return stacktab_intern_slow(hash, frames, nframes, truncated);
}

/* Blocks of s in use, and the most at once: estimates, sums of weights
 * (stacktab_estimate_add), when sampling; the sampled blocks themselves at
 * rate 1, where they are the same. */
double stacktab_inuse_objects(const struct stack_rec *s);
double stacktab_live_max(const struct stack_rec *s);
/* Adds objects (negative for a free) to the estimate of s's blocks in use;
 * for a sampling collector only (config.rate > 1). */
void stacktab_estimate_add(const struct stack_rec *s, double objects);

/* A sampled block of size made by s (first: its first block). */
void stacktab_note_big_size(struct stack_rec *s, uint64_t size, bool first);
static inline void stacktab_note_size(struct stack_rec *s, uint64_t size, bool first)
{
	if (size > UINT32_MAX || (s->flags & STACK_BIG_SIZES)) {
		stacktab_note_big_size(s, size, first);
		return;
	}
	if (first || size < s->size_min)
		s->size_min = (uint32_t)size;
	if (size > s->size_max)
		s->size_max = (uint32_t)size;
}
/* The smallest and the biggest sampled block of s. */
uint64_t stacktab_size_min(const struct stack_rec *s);
uint64_t stacktab_size_max(const struct stack_rec *s);

/* The realloc figures of s, created (zero) if new; NULL when out of memory. */
struct stack_realloc *stacktab_realloc(struct stack_rec *s);
/* The same to read: NULL while realloc touched none of its blocks. */
const struct stack_realloc *stacktab_realloc_of(const struct stack_rec *s);

/* Copies every stack's in-use figures into its peak figures. */
void stacktab_snapshot_peak(void);
/* In use by s at the last peak snapshot. */
void stacktab_peak_of(const struct stack_rec *s, double *objects, double *bytes);

#endif
