/* malloc_bench: allocator cost in ns per operation, like Go's -benchmem.
 * usage: malloc_bench pair THREADS SIZE [MILLIONS]
 *          malloc+free pairs; each thread keeps a window of 16 live blocks
 *          so frees hit recently allocated memory, as in real programs
 *        malloc_bench free SIZE [MILLIONS]
 *          frees only: blocks are allocated untimed in batches, then freed
 *          timed (the free path alone)
 *        malloc_bench clock [MILLIONS]
 *          one read of the clock exact mode stamps events with (the TSC on
 *          x86-64, else CLOCK_MONOTONIC): two a pair are its floor
 *        malloc_bench floor SIZE [MILLIONS]
 *          pair's loop (one thread) doing, beside each malloc and free, the
 *          least a recorder of every event must: a clock read each, a
 *          3-frame chain checked against its cache, a 32-byte and a
 *          24-byte record written to a 2 MiB ring; no collector, no
 *          interposition: what exact mode could cost at best a pair
 * prints: MODE THREADS SIZE NS_PER_OP MOPS_PER_S (all threads together) */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static size_t size;
static long iters;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *pair_worker(void *arg)
{
	(void)arg;
	void *window[16] = {0};
	for (long i = 0; i < iters; i++) {
		int k = (int)(i & 15);
		free(window[k]);
		window[k] = malloc(size);
		if (!window[k])
			abort();
		*(volatile char *)window[k] = 1;
	}
	for (int k = 0; k < 16; k++)
		free(window[k]);
	return NULL;
}

static double free_only(void)
{
	enum { BATCH = 1 << 16 };
	static void *blocks[BATCH];
	double timed = 0;
	for (long done = 0; done < iters; done += BATCH) {
		for (int i = 0; i < BATCH; i++)
			blocks[i] = malloc(size);
		double t0 = now();
		for (int i = 0; i < BATCH; i++)
			free(blocks[i]);
		timed += now() - t0;
	}
	return timed;
}

static volatile uint64_t clock_sink;

/* floor: the records, the ring and a cached chain of three frames; a
 * record that crosses the ring's end goes on into 64 bytes of slack */
enum { FLOOR_RING = 1 << 21 };
static uint8_t floor_ring[FLOOR_RING + 64] __attribute__((aligned(64)));
static volatile uint64_t floor_head;
static uint64_t floor_chain[3] = {1, 2, 3};
static volatile uint64_t floor_slots[3] = {1, 2, 3};

static uint64_t clock_read(void);

static inline void floor_alloc(void *p, size_t n)
{
	uint64_t t = clock_read(), h = 0;
	bool same = true;
	for (int i = 0; i < 3; i++) {
		same &= floor_slots[i] == floor_chain[i];
		h = h * 31 + floor_chain[i];
	}
	uint64_t *r = (uint64_t *)(floor_ring + (floor_head & (FLOOR_RING - 1)));
	r[0] = 32 | (uint64_t)same << 32;
	r[1] = (uint64_t)(uintptr_t)p;
	r[2] = n | h << 32;
	r[3] = t;
	floor_head += 32;
}

static inline void floor_free(void *p)
{
	uint64_t t = clock_read();
	uint64_t *r = (uint64_t *)(floor_ring + (floor_head & (FLOOR_RING - 1)));
	r[0] = 24;
	r[1] = (uint64_t)(uintptr_t)p;
	r[2] = t;
	floor_head += 24;
}

static double floor_pairs(void)
{
	void *window[16] = {0};
	double t0 = now();
	for (long i = 0; i < iters; i++) {
		int k = (int)(i & 15);
		if (window[k])
			floor_free(window[k]);
		free(window[k]);
		window[k] = malloc(size);
		if (!window[k])
			abort();
		floor_alloc(window[k], size);
		*(volatile char *)window[k] = 1;
	}
	double dt = now() - t0;
	for (int k = 0; k < 16; k++)
		free(window[k]);
	return dt;
}

static uint64_t clock_read(void)
{
#if defined(__x86_64__)
	return __builtin_ia32_rdtsc();
#else
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_nsec;
#endif
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "pair";
	if (!strcmp(mode, "floor")) {
		size = argc > 2 ? (size_t)atol(argv[2]) : 64;
		iters = (long)((argc > 3 ? atof(argv[3]) : 5) * 1e6);
		double dt = floor_pairs();
		printf("floor 1 %zu %.2f %.2f\n", size, dt * 1e9 / (double)iters, (double)iters / dt / 1e6);
		return 0;
	}
	if (!strcmp(mode, "clock")) {
		iters = (long)((argc > 2 ? atof(argv[2]) : 10) * 1e6);
		double t0 = now();
		for (long i = 0; i < iters; i++)
			clock_sink = clock_read();
		double dt = now() - t0;
		printf("clock 1 0 %.2f %.2f\n", dt * 1e9 / (double)iters, (double)iters / dt / 1e6);
		return 0;
	}
	if (!strcmp(mode, "free")) {
		size = argc > 2 ? (size_t)atol(argv[2]) : 64;
		iters = (long)((argc > 3 ? atof(argv[3]) : 5) * 1e6);
		double dt = free_only();
		printf("free 1 %zu %.2f %.2f\n", size, dt * 1e9 / (double)iters, (double)iters / dt / 1e6);
		return 0;
	}
	int threads = argc > 2 ? atoi(argv[2]) : 1;
	size = argc > 3 ? (size_t)atol(argv[3]) : 64;
	iters = (long)((argc > 4 ? atof(argv[4]) : 5) * 1e6);
	if (threads < 1 || threads > 64)
		return 2;
	pthread_t t[64];
	double t0 = now();
	for (int i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, pair_worker, NULL);
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	double dt = now() - t0;
	double ops = (double)iters * threads;
	printf("pair %d %zu %.2f %.2f\n", threads, size, dt * 1e9 / (double)iters, ops / dt / 1e6);
	return 0;
}
