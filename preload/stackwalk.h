/* stackwalk: the calling thread's return addresses, unwound with the rules
 * of cfi.h, each pc's rule kept in a per-thread table; where a rule is
 * unknown or a step leaves the thread's stack, the walk gives up and the
 * caller asks libunwind. */
#ifndef ALLOCPROF_STACKWALK_H
#define ALLOCPROF_STACKWALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { STACKWALK_RULE_SETS = 8192, STACKWALK_FRAMES_MAX = 1024 + 16 + 1 };

/* One thread's; its members belong to stackwalk.c. */
struct stackwalk {
	uint64_t lo, hi;   /* the stack: reads stay in [lo, hi) */
	bool grows;        /* the main thread's, whose lo moves down */
	uint32_t gen;      /* stackwalk_code_gen when rules[] was filled */
	uint64_t rules[2 * STACKWALK_RULE_SETS]; /* 2-way: pc << 17 | packed rule, 0 empty */
	/* the last two chains walked, pc and slot pairs: chain[last] the
	 * latest, whose outer frames the next walk may find still in place */
	unsigned last, last_n;
	bool last_limited;
	uint64_t chain[2][2 * STACKWALK_FRAMES_MAX];
	/* for each frame of a chain, where the step to it read rbp (0: kept),
	 * bit 0 set if that step's CFA came from rbp */
	uint64_t chain_bp[2][STACKWALK_FRAMES_MAX];
	uint64_t stepped, reused; /* frames unwound, and read back from the last chain */
};

/* Bumped when code may have been unmapped (dlclose): every thread's rules
 * are dropped at its next walk. */
void stackwalk_code_unmapped(void);

/* On the thread that will walk, with w zeroed or used before: learns the
 * thread's stack bounds from /proc/self/maps (no allocation). */
void stackwalk_reset(struct stackwalk *w);

/* Frames unwound step by step, and frames read back from the last chain. */
void stackwalk_counts(const struct stackwalk *w, uint64_t *stepped, uint64_t *reused);

/* Walks the calling thread's stack from the walk's own frame, keeping only
 * the frames whose return address was read above `above` (a stack address
 * of the caller, so that the caller's own frames are left out): frames[i]
 * the return address, and with pc_slot, pc_slot[2i] the same and
 * pc_slot[2i+1] the address it was read from. At most want frames
 * (STACKWALK_FRAMES_MAX at most); *limited when the stack went on. Returns
 * the frames written, or -1 when some frame could not be unwound this way. */
int stackwalk(struct stackwalk *w, uint64_t above, uint64_t *frames, uint64_t *pc_slot, int want,
	      bool *limited);

#endif
