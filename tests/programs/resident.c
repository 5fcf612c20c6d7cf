/* resident: memory with known whereabouts, for the RSS breakdown.
 * `resident heap`: keeps 50 MiB of 1000-byte blocks, allocates 100 MiB more
 * and frees every other one of those (glibc keeps the holes: each sits
 * between two live blocks), and maps 30 MiB with mmap and touches it:
 * ~100 MiB live heap, ~50 MiB held free, 30 MiB outside malloc.
 * `resident arena`: 64 MiB from an arena of its own on mmap, 1 MiB
 * through malloc: a heap profiler sees almost nothing of it.
 * `resident threads`: 8 threads each touch 1 MiB of their stacks and stay
 * parked while the program exits: 8 MiB of thread stacks at the exit dump.
 * With `raise`, sends itself SIGUSR1 and waits (a minute at most) for the
 * dump it asks for, allocprof.resident.PID.pb.gz in the current directory,
 * before it exits: a test sets ALLOCPROF_SIGNAL=USR1. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MIB ((size_t)1 << 20)
enum { BLOCK = 1000 };

static void *touched_map(size_t bytes)
{
	char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	memset(p, 1, bytes);
	return p;
}

static void **blocks(size_t n)
{
	void **b = touched_map(n * sizeof(void *));
	for (size_t i = 0; i < n; i++) {
		b[i] = malloc(BLOCK);
		memset(b[i], 2, BLOCK);
	}
	return b;
}

static void heap(void)
{
	size_t kept = 50 * MIB / BLOCK, more = 100 * MIB / BLOCK;
	void **a = blocks(kept), **b = blocks(more);
	for (size_t i = 0; i < more; i += 2)
		free(b[i]);
	touched_map(30 * MIB);
	printf("%zu blocks kept, %zu freed, 30 MiB mapped\n", kept + more - more / 2, more / 2);
	(void)a;
}

/* The program's own allocator: a bump pointer in one mapping. */
static char *arena_cur, *arena_end;

static void *arena_alloc(size_t n)
{
	if (!arena_cur) {
		arena_cur = mmap(NULL, 128 * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		arena_end = arena_cur + 128 * MIB;
	}
	if (arena_cur == MAP_FAILED || (size_t)(arena_end - arena_cur) < n)
		return NULL;
	void *p = arena_cur;
	arena_cur += (n + 15) & ~(size_t)15;
	return p;
}

static void arena(void)
{
	for (size_t i = 0; i < 64 * MIB / 4096; i++)
		memset(arena_alloc(4096), 3, 4096);
	for (size_t i = 0; i < MIB / 1024; i++)
		memset(malloc(1024), 4, 1024);
	printf("64 MiB from the arena, 1 MiB from malloc\n");
}

enum { THREADS = 8 };
static pthread_barrier_t parked;

static void *deep_thread(void *arg)
{
	volatile char stack[MIB];
	memset((char *)stack, 5, sizeof(stack));
	pthread_barrier_wait(&parked);
	for (;;)
		pause();
	return arg;
}

static void threads(void)
{
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 2 * MIB);
	pthread_barrier_init(&parked, NULL, THREADS + 1);
	for (int i = 0; i < THREADS; i++) {
		pthread_t t;
		pthread_create(&t, &a, deep_thread, NULL);
	}
	pthread_barrier_wait(&parked);
	printf("%d threads with 1 MiB of stack each\n", THREADS);
}

int main(int argc, char **argv)
{
	if (argc < 2 || (strcmp(argv[1], "heap") && strcmp(argv[1], "arena") && strcmp(argv[1], "threads"))) {
		fprintf(stderr, "usage: resident heap|arena|threads [raise]\n");
		return 2;
	}
	if (!strcmp(argv[1], "heap"))
		heap();
	else if (!strcmp(argv[1], "arena"))
		arena();
	else
		threads();
	fflush(stdout);
	if (argc > 2 && !strcmp(argv[2], "raise")) {
		/* the collector thread writes it: exit must not come first */
		char name[64];
		struct stat st;
		snprintf(name, sizeof(name), "allocprof.resident.%d.pb.gz", (int)getpid());
		raise(SIGUSR1);
		struct timespec tick = {0, 10000000};
		for (int i = 0; i < 6000 && stat(name, &st) != 0; i++)
			nanosleep(&tick, NULL);
	}
	return 0;
}
