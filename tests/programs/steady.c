/* steady: a process for `allocprof watch` to look at.
 *   steady forever [T]   allocates 100 blocks of 4 KiB at churn_site every
 *                        millisecond, each freed 1000 allocations later, until
 *                        killed; in T threads at once (1)
 *   steady count N SIZE  allocates N blocks of SIZE bytes at counted_site and
 *                        keeps them, prints "ready", then waits for EOF on
 *                        standard input and exits 0
 *   steady stacks N      the same with N blocks of 32 bytes, each allocated at
 *                        counted_site through a stack of its own (N <= 65536),
 *                        to measure what a snapshot of many stacks costs */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define KEEP 1000

__attribute__((noinline)) void *churn_site(size_t n)
{
	return malloc(n); /* line 23: the site of forever */
}

__attribute__((noinline)) void *counted_site(size_t n)
{
	return malloc(n); /* line 28: the site of count and stacks */
}

__attribute__((noinline)) void *walk(unsigned i, int level);
__attribute__((noinline)) void *walk_left(unsigned i, int level)
{
	return walk(i, level);
}
__attribute__((noinline)) void *walk_right(unsigned i, int level)
{
	return walk(i, level);
}
/* one path of 16 left or right calls per i: a stack of its own */
__attribute__((noinline)) void *walk(unsigned i, int level)
{
	if (!level)
		return counted_site(32);
	return (i >> (level - 1)) & 1 ? walk_right(i, level - 1) : walk_left(i, level - 1);
}

static void *forever(void *arg)
{
	void **kept = arg;
	struct timespec ms = {0, 1000000};
	for (unsigned long i = 0;; i++) {
		for (int k = 0; k < 100; k++, i++) {
			free(kept[i % KEEP]);
			kept[i % KEEP] = churn_site(4096);
		}
		nanosleep(&ms, NULL);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if ((argc == 2 || argc == 3) && !strcmp(argv[1], "forever")) {
		int threads = argc == 3 ? atoi(argv[2]) : 1;
		for (int k = 1; k < threads; k++) {
			pthread_t th;
			pthread_create(&th, NULL, forever, calloc(KEEP, sizeof(void *)));
		}
		forever(calloc(KEEP, sizeof(void *)));
	}
	bool stacks = argc == 3 && !strcmp(argv[1], "stacks");
	if (!stacks && (argc != 4 || strcmp(argv[1], "count"))) {
		fprintf(stderr, "usage: steady forever [THREADS] | steady count N SIZE | steady stacks N\n");
		return 2;
	}
	long n = atol(argv[2]);
	size_t size = stacks ? 32 : (size_t)atol(argv[3]);
	void **blocks = calloc((size_t)n, sizeof(*blocks));
	for (long i = 0; i < n; i++)
		blocks[i] = stacks ? walk((unsigned)i, 16) : counted_site(size);
	printf("ready\n");
	fflush(stdout);
	char c;
	while (read(0, &c, 1) > 0)
		;
	for (long i = 0; i < n; i++)
		free(blocks[i]);
	free(blocks);
	return 0;
}
