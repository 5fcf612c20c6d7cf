/* host_errno: errno must be the program's own across every allocator call,
 * sampled or not: a value set before a call is still there after it, and a
 * failing call reports its own ENOMEM. Also the idiom that broke: a readdir
 * loop that strdup's each name and tells the end of the directory from an
 * error by errno.
 *
 *   host_errno DIR
 *
 * Prints the number of checks that failed and exits 1 if any did. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

static void expect(const char *what, int got, int want, int round)
{
	if (got != want && failures++ < 5)
		fprintf(stderr, "host_errno: %s in round %d: errno %d, expected %d\n", what, round, got, want);
}

static int scan(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int names = 0;
	struct dirent *de;
	for (errno = 0; (de = readdir(d)); errno = 0) {
		char *copy = strdup(de->d_name);
		free(copy);
		names++;
	}
	int err = errno;
	closedir(d);
	return err ? -err : names;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: host_errno DIR\n");
		return 2;
	}
	for (int round = 0; round < 20000; round++) {
		size_t n = 16 + (size_t)(round % 50) * 1024;
		errno = 1000 + round;
		void *p = malloc(n);
		expect("malloc", errno, 1000 + round, round);
		p = realloc(p, n * 2);
		expect("realloc", errno, 1000 + round, round);
		void *q = calloc(4, n);
		expect("calloc", errno, 1000 + round, round);
		free(p);
		expect("free", errno, 1000 + round, round);
		free(q);
		expect("free", errno, 1000 + round, round);
		errno = 0;
		void *huge = malloc(SIZE_MAX / 2);
		expect("failed malloc", huge ? ENOMEM : errno, ENOMEM, round);
	}
	for (int round = 0; round < 200; round++) {
		int names = scan(argv[1]);
		if (names < 0 && failures++ < 5)
			fprintf(stderr, "host_errno: readdir loop in round %d failed: %s\n", round, strerror(-names));
	}
	printf("%d failed\n", failures);
	return failures ? 1 : 0;
}
