/* lifecycle: one program for the ways a profile gets written.
 * usage: lifecycle MODE
 *   api      allocprof_dump() half way, then more allocations
 *   peak     10 x 1 MiB at peak_site, all freed, then 4 x 1 MiB leaked at after_site
 *   segv     leaks 3 blocks at crash_site, then dereferences NULL
 *   abort    leaks 3 blocks at crash_site, then abort()
 *   run SEC  allocates at run_site (kept 1 s, then freed) for SEC seconds
 *   wait     allocates a little, then waits for signals until SIGTERM-free exit on stdin EOF */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "allocprof.h"

__attribute__((noinline)) static void *api_site_before(void) { return malloc(111); }
__attribute__((noinline)) static void *api_site_after(void) { return malloc(222); }
__attribute__((noinline)) static void *peak_site(void) { return malloc(1 << 20); }
__attribute__((noinline)) static void *after_site(void) { return malloc(1 << 20); }
__attribute__((noinline)) static void *crash_site(void) { return malloc(4321); }
__attribute__((noinline)) static void *run_site(size_t n) { return malloc(n); }

static void *volatile sink;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (!strcmp(mode, "api")) {
		for (int i = 0; i < 5; i++)
			sink = api_site_before();
		int rc = allocprof_dump ? allocprof_dump("api.pb.gz") : -1;
		printf("dump %s %d\n", allocprof_dump ? "linked" : "absent", rc);
		for (int i = 0; i < 7; i++)
			sink = api_site_after();
		return 0;
	}
	if (!strcmp(mode, "peak")) {
		void *b[10];
		for (int i = 0; i < 10; i++)
			b[i] = peak_site();
		for (int i = 0; i < 10; i++)
			free(b[i]);
		for (int i = 0; i < 4; i++)
			sink = after_site();
		return 0;
	}
	if (!strcmp(mode, "segv") || !strcmp(mode, "abort")) {
		for (int i = 0; i < 3; i++)
			sink = crash_site();
		if (!strcmp(mode, "abort"))
			abort();
		*(volatile int *)sink = 1;
		volatile int *null = NULL;
		return *null;
	}
	if (!strcmp(mode, "run")) {
		double end = now() + (argc > 2 ? atof(argv[2]) : 1.0);
		void *ring[64] = {0};
		unsigned i = 0;
		while (now() < end) {
			free(ring[i % 64]);
			ring[i % 64] = run_site(1000 + i % 5000);
			i++;
			usleep(100);
		}
		for (int k = 0; k < 64; k++)
			free(ring[k]);
		return 0;
	}
	if (!strcmp(mode, "wait")) {
		for (int i = 0; i < 9; i++)
			sink = run_site(999);
		char buf[64];
		while (fgets(buf, sizeof(buf), stdin))
			sink = run_site(strlen(buf));
		return 0;
	}
	fprintf(stderr, "unknown mode\n");
	return 2;
}
