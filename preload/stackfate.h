/* stackfate: what happened to the freed blocks of each stack (lifetimes,
 * free sites), kept apart from struct stack_rec and made only for stacks
 * whose blocks were freed; compact while every figure is a whole count (rate
 * 1), widened to sums of weights otherwise. Collector lock held. */
#ifndef ALLOCPROF_STACKFATE_H
#define ALLOCPROF_STACKFATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stacktab.h"

/* One free of a block of s: its lifetime bucket, whether it was short
 * lived and freed by the thread that allocated it, the return address of
 * free's caller (0: unknown), the block's size and its weight. */
struct fate_free {
	unsigned life_bucket;
	bool is_short, same_thread;
	uint64_t free_pc;
	uint64_t size;
	double objects, bytes;
};
void stackfate_add(struct stack_rec *s, const struct fate_free *f);
/* The same for a free that weighs one block of its size (rate 1), its
 * fields as arguments. */
void stackfate_add_one(struct stack_rec *s, unsigned life_bucket, bool is_short, bool same_thread,
		       uint64_t free_pc, uint64_t size);

/* The fate of s as sums of weights; all zero while none was freed. */
void stackfate_read(const struct stack_rec *s, struct stack_fate *out);
/* Its free sites alone (stackfate_read's free_pc), 0 where none: what a
 * dump needs of every stack before it makes the samples. */
void stackfate_free_pcs(const struct stack_rec *s, uint64_t pcs[FREE_SITES]);
size_t stackfate_memory(void);

#endif
