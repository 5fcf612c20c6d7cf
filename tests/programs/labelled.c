/* labelled: named threads and request labels, for the labels every sample
 * carries. Worker k, named "worker-k" by itself, makes k+1 times PER blocks
 * of 40 bytes at worker_site; main, labelled request=GET /users then
 * request=POST /users, makes PER and 2*PER blocks of 24 bytes at
 * request_site, then PER unlabelled ones. With "rename", one more thread
 * named "before" makes PER blocks at rename_site, renames itself "after",
 * sleeps 30 ms (the shim reads a name again after 10 ms) and makes 2*PER.
 * usage: labelled NWORKERS PER [rename] */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "allocprof.h"

static int per = 1000;

__attribute__((noinline)) static void *worker_site(void) { return malloc(40); }
__attribute__((noinline)) static void *request_site(void) { return malloc(24); }
__attribute__((noinline)) static void *rename_site(void) { return malloc(56); }

static void *renamer(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "before");
	for (int i = 0; i < per; i++)
		free(rename_site());
	pthread_setname_np(pthread_self(), "after");
	struct timespec ts = {0, 30000000};
	while (nanosleep(&ts, &ts))
		;
	for (int i = 0; i < 2 * per; i++)
		free(rename_site());
	return NULL;
}

static void *worker(void *arg)
{
	long k = (long)arg;
	char name[16];
	snprintf(name, sizeof(name), "worker-%ld", k);
	pthread_setname_np(pthread_self(), name);
	for (long i = 0; i < (k + 1) * per; i++)
		free(worker_site());
	return NULL;
}

static void serve(const char *request, int n)
{
	allocprof_set_label("request", request);
	for (int i = 0; i < n; i++)
		free(request_site());
	allocprof_set_label("request", NULL);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3;
	if (argc > 2)
		per = atoi(argv[2]);
	pthread_setname_np(pthread_self(), "main");
	pthread_t *t = calloc((size_t)n, sizeof(*t));
	for (long i = 0; i < n; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	if (argc > 3 && !strcmp(argv[3], "rename")) {
		pthread_t r;
		pthread_create(&r, NULL, renamer, NULL);
		pthread_join(r, NULL);
	}
	serve("GET /users", per);
	serve("POST /users", 2 * per);
	for (int i = 0; i < per; i++)
		free(request_site());
	free(t);
	printf("done\n");
	return 0;
}
