/* host_fds: a program that treats file descriptors the way daemons do, and
 * checks that nothing else touched them. It takes every descriptor number
 * for itself (closefrom(3), dup2 over 3..9, or close 0..1023), then writes
 * numbered lines to its own files and echoes them through its own socket
 * pair, allocating through call chains of varying depth between writes so
 * that the profiler unwinds over fresh stack pages all along.
 *
 *   host_fds closefrom|dup2|closeall DIR
 *
 * Exits 0 when every echo came back intact; the files in DIR are checked by
 * the test. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

enum { LINES = 2000 };

static int failures;

static void fail(const char *what, int i)
{
	if (failures++ < 5)
		dprintf(2, "host_fds: %s at line %d: %s\n", what, i, strerror(errno));
}

static int open_log(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	if (fd < 0) {
		dprintf(2, "host_fds: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	return fd;
}

/* Each frame takes a page of stack: deeper chains reach pages the unwinder
 * has not validated before. */
__attribute__((noinline)) static void *dig(int depth, size_t n)
{
	volatile char page[4096];
	page[0] = (char)depth;
	void *p = depth > 0 ? dig(depth - 1, n) : malloc(n);
	page[1] = page[0];
	return p;
}

static void churn(int i)
{
	void *p = dig(i % 40, 1000 + (size_t)(i % 97) * 1024);
	void *q = malloc(24 + (size_t)(i % 13));
	p = realloc(p, 200000);
	free(q);
	free(p);
}

static void write_line(int fd, const char *tag, int i)
{
	char line[32];
	int n = snprintf(line, sizeof(line), "%s %d\n", tag, i);
	if (write(fd, line, (size_t)n) != n)
		fail(tag, i);
}

static void echo(int a, int b, int i)
{
	char out[16], in[16];
	int n = snprintf(out, sizeof(out), "%d", i);
	if (write(a, out, (size_t)n) != n) {
		fail("socket write", i);
		return;
	}
	ssize_t got = read(b, in, sizeof(in));
	if (got != n || memcmp(in, out, (size_t)n))
		fail("socket echo", i);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		dprintf(2, "usage: host_fds closefrom|dup2|closeall DIR\n");
		return 2;
	}
	const char *mode = argv[1], *dir = argv[2];
	if (!strcmp(mode, "closeall")) {
		for (int fd = 0; fd < 1024; fd++)
			close(fd);
	} else if (!strcmp(mode, "closefrom")) {
		closefrom(3);
	}
	int a = open_log(dir, "a.log");
	int b = open_log(dir, "b.log");
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
		dprintf(2, "host_fds: socketpair: %s\n", strerror(errno));
		return 2;
	}
	if (!strcmp(mode, "dup2")) {
		/* every number from 3 to 9 now means a.log */
		for (int fd = 3; fd <= 9; fd++)
			if (fd != a && dup2(a, fd) < 0)
				return 2;
		a = 9;
		b = open_log(dir, "b.log");
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
			return 2;
	}
	for (int i = 0; i < LINES; i++) {
		churn(i);
		/* in dup2 mode, the line goes through each of 3..9 in turn */
		write_line(!strcmp(mode, "dup2") ? 3 + i % 7 : a, "a", i);
		churn(i + 1);
		write_line(b, "b", i);
		echo(sv[0], sv[1], i);
	}
	if (!strcmp(mode, "dup2")) {
		struct stat want, st;
		fstat(a, &want);
		for (int fd = 3; fd <= 9; fd++)
			if (fstat(fd, &st) != 0 || st.st_ino != want.st_ino || st.st_dev != want.st_dev)
				fail("dup2'd descriptor changed", fd);
	}
	return failures ? 1 : 0;
}
