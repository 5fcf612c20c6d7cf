/* threadlive: how many sampled blocks of one stack a single thread holds at
 * once, the most of them seen (stack_rec.live_thread_max): one buffer per
 * thread suffices only when that is 1. Touched with the collector lock held. */
#ifndef ALLOCPROF_THREADLIVE_H
#define ALLOCPROF_THREADLIVE_H

#include <stdint.h>

#include "stacktab.h"

/* A sampled block of s allocated by thread tid: live now, or freed. */
void threadlive_alloc(struct stack_rec *s, uint32_t tid);
void threadlive_free(struct stack_rec *s, uint32_t tid);

#endif
