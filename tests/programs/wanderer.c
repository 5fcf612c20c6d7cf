/* wanderer: a process that changes directory and then starts another, the
 * way `git -C repo` and `make -C dir` do. It allocates, moves into DIR,
 * forks, and the child execs this program again as a leaf, which starts in
 * DIR, allocates and exits; the parent waits and exits in DIR.
 * usage: wanderer DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void *volatile sink;

__attribute__((noinline)) static void *wander_site(void) { return malloc(1000); }
__attribute__((noinline)) static void *leaf_site(void) { return malloc(2000); }

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "-leaf")) {
		for (int i = 0; i < 10; i++)
			free(sink), sink = leaf_site();
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: wanderer DIR\n");
		return 2;
	}
	for (int i = 0; i < 10; i++)
		free(sink), sink = wander_site();
	if (chdir(argv[1]) < 0) {
		perror(argv[1]);
		return 1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		execl("/proc/self/exe", "wanderer", "-leaf", (char *)NULL);
		_exit(127);
	}
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
