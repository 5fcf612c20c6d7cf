/* growth: programs whose peaks and growth are known, for the peak profile
 * written while a program runs and for `allocprof leaks`.
 * usage: growth MODE
 *   kill    64 x 64 KiB at small_site, 1 MiB at temp_site (freed), then
 *           8 x 2 MiB at big_site: a peak of 20 MiB; then waits for a
 *           signal (SIGALRM after 120 s)
 *   steps   4096 x 4 KiB at step_site (16 MiB in small steps, a 1 ms pause
 *           every 32), then exits
 *   rss     64 x 1 MiB at rss_site, written to, then waits for a signal
 *   leaks   200 ticks 5 ms apart: each tick leaks 1000 bytes at leak_site,
 *           puts 4096 bytes in a cache of 32 entries that evicts its oldest
 *           at cache_site, and frees what it allocated at scratch_site */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

__attribute__((noinline)) static void *small_site(void) { return malloc(64 << 10); }
__attribute__((noinline)) static void *temp_site(void) { return malloc(1 << 20); }
__attribute__((noinline)) static void *big_site(void) { return malloc(2 << 20); }
__attribute__((noinline)) static void *step_site(void) { return malloc(4096); }
__attribute__((noinline)) static void *rss_site(void) { return malloc(1 << 20); }
__attribute__((noinline)) static void *leak_site(void) { return malloc(1000); }
__attribute__((noinline)) static void *cache_site(void) { return malloc(4096); }
__attribute__((noinline)) static void *scratch_site(void) { return malloc(512); }

static void *volatile sink;

/* for a signal: the test's, or after two minutes SIGALRM's */
static void wait_forever(void)
{
	alarm(120);
	for (;;)
		pause();
}

static void tick(void)
{
	struct timespec ts = {0, 5000000};
	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (!strcmp(mode, "kill")) {
		for (int i = 0; i < 64; i++)
			sink = small_site();
		free(temp_site());
		for (int i = 0; i < 8; i++)
			sink = big_site();
		wait_forever();
	}
	if (!strcmp(mode, "steps")) {
		for (int i = 0; i < 4096; i++) {
			sink = step_site();
			if (i % 32 == 31) { /* time for the collector to look often */
				struct timespec ts = {0, 1000000};
				nanosleep(&ts, NULL);
			}
		}
		return 0;
	}
	if (!strcmp(mode, "rss")) {
		for (int i = 0; i < 64; i++)
			memset(sink = rss_site(), 1, 1 << 20);
		wait_forever();
	}
	if (!strcmp(mode, "leaks")) {
		enum { CACHE = 32 };
		void *cache[CACHE] = {0};
		for (int t = 0; t < 200; t++) {
			sink = leak_site();
			free(cache[t % CACHE]);
			cache[t % CACHE] = cache_site();
			free(scratch_site());
			tick();
		}
		return 0;
	}
	fprintf(stderr, "usage: growth kill|steps|rss|leaks\n");
	return 2;
}
