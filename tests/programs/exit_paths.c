/* exit_paths: ways a program ends while its allocations are still being
 * recorded. usage: exit_paths MODE, MODE one of
 *   return         return from main while another thread still allocates
 *   thread-exit    exit() called from a second thread while main allocates */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile int started;

__attribute__((noinline)) static void *busy_site(void) { return malloc(32); }
__attribute__((noinline)) static void *main_site(void) { return malloc(1000); }

static void *allocate_forever(void *arg)
{
	(void)arg;
	started = 1;
	for (;;)
		free(busy_site());
	return NULL;
}

static void *exit_soon(void *arg)
{
	(void)arg;
	usleep(20000);
	exit(3);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "return";
	static void *keep[10];
	for (int i = 0; i < 10; i++)
		keep[i] = main_site();
	pthread_t t;
	if (!strcmp(mode, "return")) {
		pthread_create(&t, NULL, allocate_forever, NULL);
		while (!started)
			usleep(1000);
		usleep(20000);
		return 0;
	}
	pthread_create(&t, NULL, exit_soon, NULL);
	for (;;)
		free(busy_site());
}
