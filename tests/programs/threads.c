/* threads: allocation in several threads, blocks freed by other threads than
 * the one that allocated them, threads that exit while holding blocks.
 * usage: threads NTHREADS PER_THREAD */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static int per_thread = 1000;
static void **handoff;

__attribute__((noinline)) static void *thread_site(void) { return malloc(48); }
__attribute__((noinline)) static void *handoff_site(void) { return malloc(64); }
__attribute__((noinline)) static void *kept_site(void) { return malloc(80); }

static void *worker(void *arg)
{
	long id = (long)arg;
	for (int i = 0; i < per_thread; i++)
		free(thread_site());
	/* blocks that another thread frees */
	for (int i = 0; i < per_thread; i++)
		handoff[id * per_thread + i] = handoff_site();
	/* one block per thread outlives the thread and is never freed */
	return kept_site();
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 4;
	if (argc > 2)
		per_thread = atoi(argv[2]);
	handoff = calloc((size_t)n * per_thread, sizeof(void *));
	pthread_t *t = calloc((size_t)n, sizeof(*t));
	void **kept = calloc((size_t)n, sizeof(void *));
	for (long i = 0; i < n; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], &kept[i]);
	for (long i = 0; i < (long)n * per_thread; i++)
		free(handoff[i]);
	printf("%d threads done\n", n);
	return 0;
}
