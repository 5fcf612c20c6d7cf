/* churn: NTHREADS threads allocate at full speed for SECONDS, each freeing
 * blocks that other threads allocated (a shared table of slots swapped
 * atomically), from a fixed set of call sites. At the end it prints how
 * many blocks are still held, which is what must be in use at exit.
 * usage: churn NTHREADS SECONDS */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { SLOTS = 4096 };
static _Atomic(void *) slots[SLOTS];
static volatile int stop;

__attribute__((noinline)) static void *churn_small(void) { return malloc(24); }
__attribute__((noinline)) static void *churn_medium(size_t n) { return malloc(n); }
__attribute__((noinline)) static void *churn_big(void) { return calloc(1, 70000); }

static void *worker(void *arg)
{
	unsigned seed = (unsigned)(long)arg * 7919u + 1;
	while (!stop) {
		for (int k = 0; k < 1000; k++) {
			unsigned r = (unsigned)rand_r(&seed);
			void *p = r % 97 == 0 ? churn_big() : r % 3 ? churn_small() : churn_medium(32 + r % 2000);
			void *old = atomic_exchange(&slots[r % SLOTS], p);
			free(old);
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 32;
	double secs = argc > 2 ? atof(argv[2]) : 2;
	pthread_t *t = malloc(sizeof(*t) * (size_t)n);
	for (long i = 0; i < n; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	struct timespec ts = {(time_t)secs, (long)((secs - (time_t)secs) * 1e9)};
	nanosleep(&ts, NULL);
	stop = 1;
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	long held = 0;
	for (int i = 0; i < SLOTS; i++)
		held += slots[i] != NULL;
	free(t);
	printf("held %ld\n", held);
	return 0;
}
