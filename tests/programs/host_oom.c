/* host_oom: a program that meets its memory limit and carries on: it
 * allocates blocks of SIZE bytes until malloc fails, frees them all and
 * exits 0. Under `ulimit -v` the profiler's exit dump then finds memory
 * short, and must neither change the exit status nor stay silent.
 *
 *   host_oom SIZE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node {
	struct node *next;
};

__attribute__((noinline)) static struct node *grab(size_t n)
{
	return malloc(n);
}

int main(int argc, char **argv)
{
	size_t size = argc > 1 ? strtoul(argv[1], NULL, 10) : 216;
	struct node *head = NULL;
	long n = 0;
	for (;;) {
		struct node *x = grab(size);
		if (!x)
			break;
		memset(x, 1, size < 256 ? size : 256);
		x->next = head;
		head = x;
		n++;
	}
	printf("%ld blocks before ENOMEM\n", n);
	while (head) {
		struct node *x = head;
		head = x->next;
		free(x);
	}
	return 0;
}
