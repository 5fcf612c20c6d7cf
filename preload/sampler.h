/* sampler: the Poisson byte sampler. Each thread counts down bytes to its
 * next sample, drawn from an exponential distribution of mean `rate` (Go's
 * runtime does the same); a sample of size s then stands for
 * 1/(1-exp(-s/rate)) allocations. */
#ifndef ALLOCPROF_SAMPLER_H
#define ALLOCPROF_SAMPLER_H

#include <stdint.h>

/* Seeds a thread's generator: from (seed, ordinal) when reproducible,
 * otherwise from the clock and the thread's identity. */
uint64_t sampler_seed(uint64_t seed, int seeded, uint64_t ordinal);
/* Bytes until the next sample (0 when rate is 1: every allocation). */
int64_t sampler_next_countdown(uint64_t *rng, uint64_t rate);

struct sample_weight {
	double objects, bytes;
};
/* The unbiased estimate one sampled allocation of size bytes stands for. */
struct sample_weight sampler_weight(uint64_t size, uint64_t rate);
/* The same, inline for the collector, which weighs every event: at rate 1
 * (every block recorded) one block is one block. */
static inline struct sample_weight sampler_weight_fast(uint64_t size, uint64_t rate)
{
	if (rate <= 1 || size == 0)
		return (struct sample_weight){1.0, (double)size};
	return sampler_weight(size, rate);
}

#endif
