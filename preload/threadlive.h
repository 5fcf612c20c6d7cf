/* threadlive: how many sampled blocks of one stack a single thread holds at
 * once, the most of them seen (stack_rec.live_thread_max): one buffer per
 * thread suffices only when that is 1. Touched with the collector lock held. */
#ifndef ALLOCPROF_THREADLIVE_H
#define ALLOCPROF_THREADLIVE_H

#include <stdint.h>

#include "stacktab.h"

/* A (stack, thread) pair and its blocks live now. */
struct threadlive_pair {
	uint64_t key; /* stack index + 1 << 32 | tid; 0 empty */
	uint32_t live;
};
/* The pair the last call found: allocations and frees come in runs of one
 * stack and thread, and it is checked inline. NULL when the table is made
 * again (pairs move). */
extern struct threadlive_pair *threadlive_last;
void threadlive_alloc_slow(struct stack_rec *s, uint32_t tid);
void threadlive_free_slow(struct stack_rec *s, uint32_t tid);

static inline uint64_t threadlive_key(const struct stack_rec *s, uint32_t tid)
{
	return (uint64_t)(stacktab_index(s) + 1) << 32 | tid;
}

/* A sampled block of s allocated by thread tid: live now, or freed. */
static inline void threadlive_alloc(struct stack_rec *s, uint32_t tid)
{
	struct threadlive_pair *p = threadlive_last;
	if (p && p->key == threadlive_key(s, tid)) {
		if (++p->live > s->live_thread_max)
			s->live_thread_max = p->live;
		return;
	}
	threadlive_alloc_slow(s, tid);
}

static inline void threadlive_free(struct stack_rec *s, uint32_t tid)
{
	struct threadlive_pair *p = threadlive_last;
	if (p && p->key == threadlive_key(s, tid)) {
		if (p->live)
			p->live--;
		return;
	}
	threadlive_free_slow(s, tid);
}

#endif
