/* counted: known allocation counts, read back through allocprof_counters.
 * Prints "PHASE allocs bytes frees inuse" per phase, each a difference of
 * two readings, or "no-shim" when run without liballocprof.so. */
#include <allocprof.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 1000

static void *blocks[N];
static struct allocprof_counters thread_delta;

static void show(const char *phase, const struct allocprof_counters *a, const struct allocprof_counters *b)
{
	printf("%s %llu %llu %llu %lld\n", phase, b->allocs - a->allocs, b->bytes - a->bytes, b->frees - a->frees,
	       b->inuse - a->inuse);
}

/* frees what main allocated and allocates nothing: never on the
 * allocation slow path */
static void *freer(void *arg)
{
	(void)arg;
	struct allocprof_counters a, b;
	allocprof_thread_counters(&a);
	for (int i = 0; i < N; i++)
		free(blocks[i]);
	allocprof_thread_counters(&b);
	thread_delta.allocs = b.allocs - a.allocs;
	thread_delta.bytes = b.bytes - a.bytes;
	thread_delta.frees = b.frees - a.frees;
	thread_delta.inuse = b.inuse - a.inuse;
	return NULL;
}

static void *allocator(void *arg)
{
	(void)arg;
	for (int i = 0; i < N; i++)
		blocks[i] = malloc(64);
	return NULL;
}

#define WORKERS 4
#define WORK 20000
static _Atomic int running;
static unsigned long long worker_allocs[WORKERS];

/* allocates and frees while main reads the process's counts */
static void *worker(void *arg)
{
	int k = (int)(long)arg;
	struct allocprof_counters a, b;
	allocprof_thread_counters(&a);
	for (int i = 0; i < WORK; i++)
		free(malloc(8));
	allocprof_thread_counters(&b);
	worker_allocs[k] = b.allocs - a.allocs + (b.frees - a.frees) * 1000000ULL;
	running--;
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "term")) {
		/* ten blocks, then the end by SIGTERM: the counts still come out */
		for (int i = 0; i < 10; i++)
			blocks[i] = malloc(100);
		raise(SIGTERM);
		return 0;
	}
	if (!allocprof_counters) {
		printf("no-shim\n");
		return 0;
	}
	struct allocprof_counters a, b, z = {0};
	allocprof_counters(&a);
	for (int i = 0; i < N; i++)
		blocks[i] = malloc(40);
	for (int i = 0; i < N; i++)
		free(blocks[i]);
	void *c = calloc(3, 8);                 /* 1 alloc, 24 bytes */
	void *r = realloc(NULL, 100);           /* 1 alloc, 100 bytes */
	r = realloc(r, 1000);                   /* 1 alloc, 1000 bytes, 1 free */
	r = realloc(r, 0);                      /* 1 free */
	free(c);
	free(NULL);                             /* nothing */
	allocprof_counters(&b);
	show("main", &a, &b);                   /* 1003 41124 1003 0 */

	for (int i = 0; i < N; i++)
		blocks[i] = malloc(16);
	pthread_t t;
	allocprof_counters(&a);
	pthread_create(&t, NULL, freer, NULL);
	pthread_join(t, NULL);
	allocprof_counters(&b);
	show("freer-thread", &z, &thread_delta); /* 0 0 1000 -1000 */
	show("freer-process", &a, &b);           /* the same, from the process */

	allocprof_counters(&a);
	pthread_create(&t, NULL, allocator, NULL);
	pthread_join(t, NULL);
	allocprof_counters(&b);
	/* the ended thread's 1000 blocks of 64 bytes are in the total, with
	 * what creating and ending a thread allocates */
	show("after-thread", &a, &b);
	for (int i = 0; i < N; i++)
		free(blocks[i]);

	/* readers while threads allocate, start and end: every reading at
	 * least the one before, each thread's own count exact */
	pthread_t w[WORKERS];
	allocprof_counters(&a);
	running = WORKERS;
	for (long k = 0; k < WORKERS; k++)
		pthread_create(&w[k], NULL, worker, (void *)k);
	struct allocprof_counters prev = a, cur;
	int backwards = 0;
	while (running) {
		allocprof_counters(&cur);
		backwards += cur.allocs < prev.allocs || cur.frees < prev.frees;
		prev = cur;
	}
	for (int k = 0; k < WORKERS; k++)
		pthread_join(w[k], NULL);
	allocprof_counters(&b);
	printf("concurrent %d", backwards);
	for (int k = 0; k < WORKERS; k++)
		printf(" %llu", worker_allocs[k]);
	printf(" %d %d\n", b.allocs - a.allocs >= WORKERS * WORK, b.frees - a.frees >= WORKERS * WORK);
	return 0;
}
