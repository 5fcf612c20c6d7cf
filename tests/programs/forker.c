/* forker: fork from a multi-threaded program while other threads allocate.
 * Each child allocates at child_site and ends with exit() or _exit()
 * (alternating); a child that hangs is a deadlock and fails the run.
 * usage: forker NFORKS NTHREADS */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile int stop;

__attribute__((noinline)) static void *worker_site(size_t n) { return malloc(n); }
__attribute__((noinline)) static void *child_site(void) { return malloc(100); }
__attribute__((noinline)) static void *parent_site(void) { return malloc(200); }

static void *worker(void *arg)
{
	unsigned seed = (unsigned)(long)arg;
	void *keep[64] = {0};
	while (!stop) {
		int i = rand_r(&seed) % 64;
		free(keep[i]);
		keep[i] = worker_site(16 + (size_t)(rand_r(&seed) % 4096));
	}
	for (int i = 0; i < 64; i++)
		free(keep[i]);
	return NULL;
}

int main(int argc, char **argv)
{
	int nforks = argc > 1 ? atoi(argv[1]) : 100;
	int nthreads = argc > 2 ? atoi(argv[2]) : 4;
	pthread_t t[64];
	for (long i = 0; i < nthreads && i < 64; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	int hung = 0, bad = 0;
	for (int f = 0; f < nforks; f++) {
		free(parent_site());
		pid_t pid = fork();
		if (pid == 0) {
			for (int i = 0; i < 10; i++)
				free(child_site());
			if (f % 2)
				_exit(7);
			exit(7);
		}
		/* a child gets 10 s; one that needs more is stuck */
		int status = 0;
		struct timespec start, now;
		clock_gettime(CLOCK_MONOTONIC, &start);
		for (;;) {
			pid_t w = waitpid(pid, &status, WNOHANG);
			if (w == pid)
				break;
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (now.tv_sec - start.tv_sec > 10) {
				kill(pid, SIGKILL);
				waitpid(pid, &status, 0);
				hung++;
				break;
			}
			usleep(200);
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 7)
			bad++;
	}
	stop = 1;
	for (int i = 0; i < nthreads && i < 64; i++)
		pthread_join(t[i], NULL);
	printf("forks %d hung %d bad %d\n", nforks, hung, bad);
	fprintf(stderr, "parent %d\n", (int)getpid());
	return hung || bad;
}
