/* lifetimes: sites whose blocks have known fates.
 *   immediate_site      1000 x 48 B, freed at once by the same function and thread
 *   kept_site           10 x 100 B, kept until exit
 *   handed_site         100 x 64 B, freed by another thread
 *   after_handed_site   50 x 24 B, made and freed by that thread after its
 *                       first calls, which were those frees
 *   slow_site           5 x 200 B, each freed after 20 ms
 *   grow_start/grow_step 5 buffers of 16 B, each grown by realloc 12 times to 64 KiB, then freed
 * `lifetimes fork`: instead, forked_site makes 50 x 32 B, then the program
 * forks; the child (whose pid goes to stdout) frees them and exits, the
 * parent frees its own copies after the child is gone. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static void *volatile sink;
static void *handed[100];

__attribute__((noinline)) static void immediate_site(void)
{
	char *p = malloc(48);
	p[0] = 1;
	sink = p;
	free(p);
}
__attribute__((noinline)) static void *kept_site(void) { return malloc(100); }
__attribute__((noinline)) static void *handed_site(void) { return malloc(64); }
__attribute__((noinline)) static void *after_handed_site(void) { return malloc(24); }
__attribute__((noinline)) static void *slow_site(void) { return malloc(200); }
__attribute__((noinline)) static void *forked_site(void) { return malloc(32); }
__attribute__((noinline)) static char *grow_start(void) { return malloc(16); }
__attribute__((noinline)) static char *grow_step(char *p, size_t n) { return realloc(p, n); }

static void *free_handed(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100; i++)
		free(handed[i]);
	for (int i = 0; i < 50; i++) {
		sink = after_handed_site();
		free(sink);
	}
	return NULL;
}

static int fork_frees(void)
{
	static void *blocks[50];
	for (int i = 0; i < 50; i++)
		blocks[i] = forked_site();
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		for (int i = 0; i < 50; i++)
			free(blocks[i]);
		exit(0);
	}
	printf("%d\n", (int)pid);
	int status;
	waitpid(pid, &status, 0);
	for (int i = 0; i < 50; i++)
		free(blocks[i]);
	return !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "fork"))
		return fork_frees();
	for (int i = 0; i < 1000; i++)
		immediate_site();
	static void *kept[10];
	for (int i = 0; i < 10; i++)
		kept[i] = kept_site();
	for (int i = 0; i < 100; i++)
		handed[i] = handed_site();
	pthread_t t;
	pthread_create(&t, NULL, free_handed, NULL);
	pthread_join(t, NULL);
	for (int i = 0; i < 5; i++) {
		void *p = slow_site();
		usleep(20000);
		free(p);
	}
	for (int b = 0; b < 5; b++) {
		char *p = grow_start();
		for (int i = 1; i <= 12; i++) {
			p = grow_step(p, (size_t)16 << i);
			p[0] = 1;
		}
		free(p);
	}
	return 0;
}
