/* sampler: exponential draws from a xorshift64* generator. */
#include "sampler.h"

#include <math.h>
#include <time.h>

#include "../src/hmap.h"

uint64_t sampler_seed(uint64_t seed, int seeded, uint64_t ordinal)
{
	if (!seeded) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)(uintptr_t)&ts;
	}
	uint64_t s = hash_mix64(seed ^ hash_mix64(ordinal + 0x9e3779b97f4a7c15ULL));
	return s ? s : 0x2545f4914f6cdd1dULL;
}

static uint64_t next_random(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

int64_t sampler_next_countdown(uint64_t *rng, uint64_t rate)
{
	if (rate <= 1)
		return 0;
	/* u in (0, 1]: 53 random bits, never 0 so log stays finite */
	double u = (double)((next_random(rng) >> 11) + 1) * (1.0 / 9007199254740992.0);
	double v = -log(u) * (double)rate;
	if (v > 4e18)
		v = 4e18;
	int64_t n = (int64_t)v;
	return n > 0 ? n : 1;
}

struct sample_weight sampler_weight(uint64_t size, uint64_t rate)
{
	struct sample_weight w;
	if (rate <= 1 || size == 0) {
		w.objects = 1.0;
		w.bytes = (double)size;
		return w;
	}
	double p = -expm1(-(double)size / (double)rate); /* 1 - exp(-s/R), exact for small s */
	w.objects = 1.0 / p;
	w.bytes = (double)size / p;
	return w;
}
