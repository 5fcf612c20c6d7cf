/* attachee: a program to attach to while it runs (tests/attach). It reads
 * commands on stdin, one a line, and answers each on stdout, so a test
 * knows what it did and when without timing:
 *   alloc N   N blocks of 48 bytes at alloc_site, KEEP of them kept: "done N"
 *   freepre   frees the blocks made at pre_site before any attach: "freed"
 *   replacepre  frees each of those and allocates one of the same size at
 *             replace_site in its place (the allocator hands the address
 *             straight back): "replaced"
 *   plugin LIB N  dlopens LIB, calls its plugin_run(N): "plugin N"
 *   fork N    a child makes N blocks at alloc_site and exits: "forked N"
 *   quit      joins the threads and exits 0: "bye"
 * argv[1]: worker threads that allocate and free until quit (default 0). */
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PRE 500
#define KEEP 10

static void *pre[PRE];
static void *kept[1 << 16];
static size_t nkept;
static atomic_int stop;
static atomic_ulong worker_rounds;

__attribute__((noinline)) static void *pre_site(void)
{
	return malloc(64); /* PRE_SITE */
}

__attribute__((noinline)) static void *replace_site(void)
{
	return malloc(64); /* REPLACE_SITE */
}

__attribute__((noinline)) static void *alloc_site(void)
{
	return malloc(48); /* ALLOC_SITE */
}

__attribute__((noinline)) static void *worker_site(size_t n)
{
	return malloc(n); /* WORKER_SITE */
}

static void *worker(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;
	void *slots[64] = {0};
	while (!atomic_load(&stop)) {
		seed = seed * 1103515245u + 12345u;
		unsigned i = (seed >> 8) % 64;
		free(slots[i]);
		slots[i] = worker_site(16 + (seed >> 16) % 512);
		atomic_fetch_add(&worker_rounds, 1);
	}
	for (int i = 0; i < 64; i++)
		free(slots[i]);
	return NULL;
}

int main(int argc, char **argv)
{
	int nthreads = argc > 1 ? atoi(argv[1]) : 0;
	pthread_t th[64];
	if (nthreads > 64)
		nthreads = 64;
	for (int i = 0; i < PRE; i++)
		pre[i] = pre_site();
	for (int i = 0; i < nthreads; i++)
		pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)(i + 1));
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready\n");
	char line[128];
	while (fgets(line, sizeof(line), stdin)) {
		if (!strncmp(line, "alloc ", 6)) {
			long n = atol(line + 6);
			for (long i = 0; i < n; i++) {
				void *p = alloc_site();
				if (i < KEEP && nkept < sizeof(kept) / sizeof(kept[0]))
					kept[nkept++] = p;
				else
					free(p);
			}
			printf("done %ld\n", n);
		} else if (!strncmp(line, "rounds ", 7)) {
			/* the workers' allocations from now on: waits until they
			 * made n more, so an attach window surely holds some */
			unsigned long n = strtoul(line + 7, NULL, 10), from = atomic_load(&worker_rounds);
			while (nthreads && atomic_load(&worker_rounds) - from < n) {
				struct timespec ms = {0, 1000000};
				nanosleep(&ms, NULL);
			}
			printf("rounds %lu\n", n);
		} else if (!strcmp(line, "replacepre\n")) {
			for (int i = 0; i < PRE; i++) {
				free(pre[i]);
				pre[i] = replace_site();
			}
			printf("replaced\n");
		} else if (!strcmp(line, "freepre\n")) {
			for (int i = 0; i < PRE; i++)
				free(pre[i]);
			printf("freed\n");
		} else if (!strncmp(line, "plugin ", 7)) {
			char lib[100];
			int n = 0;
			void *h = sscanf(line + 7, "%99s %d", lib, &n) == 2 ? dlopen(lib, RTLD_NOW) : NULL;
			void (*run)(int) = h ? (void (*)(int))dlsym(h, "plugin_run") : NULL;
			if (run)
				run(n);
			printf(run ? "plugin %d\n" : "no plugin %d\n", n);
		} else if (!strncmp(line, "fork ", 5)) {
			long n = atol(line + 5);
			pid_t child = fork();
			if (child == 0) {
				for (long i = 0; i < n; i++)
					free(alloc_site());
				exit(0);
			}
			int status = -1;
			if (child > 0)
				waitpid(child, &status, 0);
			printf("forked %ld%s\n", n, status == 0 ? "" : " (the child failed)");
		} else if (!strcmp(line, "quit\n")) {
			break;
		}
	}
	atomic_store(&stop, 1);
	for (int i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	printf("bye%s\n", nthreads ? " (threads joined)" : "");
	return 0;
}
