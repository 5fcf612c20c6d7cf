/* request_bench: a benchmark that prints allocs/op and B/op like Go's
 * -benchmem, from the exact counts of liballocprof.so (allocprof.h). Run it
 * under the shim:
 *
 *     allocprof run -- ./request_bench              (or LD_PRELOAD=liballocprof.so)
 *     BenchmarkRequest   200000   61 ns/op   288 B/op   2 allocs/op
 *
 * Each operation handles one request: a request object and a buffer for its
 * body. --pooled takes both from a free list instead of malloc, as the fix
 * in the README's tuning loop does. Usage: request_bench [--pooled] [N] */
#include <allocprof.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BODY 256

struct request {
	int id;
	char *body;
	struct request *next_free;
};

static long checksum;

static void handle(struct request *r)
{
	snprintf(r->body, BODY, "request %d", r->id);
	checksum += (long)strlen(r->body);
}

static struct request *new_request(int id)
{
	struct request *r = malloc(sizeof(*r));
	r->id = id;
	r->body = malloc(BODY);
	return r;
}

static void free_request(struct request *r)
{
	free(r->body);
	free(r);
}

/* The fix: requests and their bodies are kept on a free list and reused. */
static struct request *free_list;

static struct request *get_request(int id)
{
	struct request *r = free_list;
	if (r)
		free_list = r->next_free;
	else
		r = new_request(id);
	r->id = id;
	return r;
}

static void put_request(struct request *r)
{
	r->next_free = free_list;
	free_list = r;
}

/* At the end the pool gives its requests back: what it keeps is not a leak,
 * and the in-use figures at exit stay those of the unpooled version. */
static void drain_pool(void)
{
	while (free_list) {
		struct request *r = free_list;
		free_list = r->next_free;
		free_request(r);
	}
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	int pooled = argc > 1 && !strcmp(argv[1], "--pooled");
	long n = argc > 1 + pooled ? atol(argv[1 + pooled]) : 200000;
	struct allocprof_counters a, b;
	if (pooled)
		put_request(get_request(0)); /* warm the pool outside the timed loop */
	if (allocprof_counters)
		allocprof_counters(&a);
	double t0 = now();
	for (long i = 0; i < n; i++) {
		if (pooled) {
			struct request *r = get_request((int)i);
			handle(r);
			put_request(r);
		} else {
			struct request *r = new_request((int)i);
			handle(r);
			free_request(r);
		}
	}
	double t1 = now();
	int counted = allocprof_counters && allocprof_counters(&b) == 0; /* before printf allocates its buffer */
	drain_pool();
	printf("BenchmarkRequest%s\t%ld\t%.0f ns/op", pooled ? "Pooled" : "", n, (t1 - t0) / (double)n);
	if (counted)
		printf("\t%.0f B/op\t%.0f allocs/op", (double)(b.bytes - a.bytes) / (double)n,
		       (double)(b.allocs - a.allocs) / (double)n);
	else
		printf("\t(run under allocprof for B/op and allocs/op)");
	printf("\n");
	return checksum == 0;
}
