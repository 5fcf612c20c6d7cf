/* launch: a program started with the shim preloaded, and the manifest its
 * processes append to: what `allocprof run` and `allocprof stat` share. */
#include "launch.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The records of the manifest, pointing into *data. */
size_t launch_read_manifest(int fd, char **data, struct launch_record **recs)
{
	size_t len = 0, cap = 0, n = 0;
	*data = NULL;
	*recs = NULL;
	for (;;) {
		if (len + 4096 > cap) {
			char *d = realloc(*data, cap = cap * 2 + 65536);
			if (!d)
				return 0;
			*data = d;
		}
		ssize_t r = pread(fd, *data + len, cap - len - 1, (off_t)len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	if (!*data)
		return 0;
	(*data)[len] = 0;
	for (size_t off = 0; off < len;) {
		const char *f[3];
		for (int i = 0; i < 3; i++) {
			f[i] = *data + off;
			off += strnlen(f[i], len - off) + 1;
		}
		if (off > len + 1)
			break; /* a record cut short */
		struct launch_record r;
		memset(&r, 0, sizeof(r));
		if (sscanf(f[0], "%15s %ld", r.kind, &r.pid) != 2)
			continue;
		r.program = f[1];
		r.path = f[2];
		struct launch_record *g = realloc(*recs, (n + 1) * sizeof(**recs));
		if (!g)
			break;
		*recs = g;
		(*recs)[n++] = r;
	}
	return n;
}

int launch_make_manifest(char *path, size_t len)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	snprintf(path, len, "%s/allocprof-run.XXXXXX", dir);
	int fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		fprintf(stderr, "allocprof: cannot create a temporary file in %s: %s\n", dir, strerror(errno));
	return fd;
}

/* name=a:b */
static int setenv_joined(const char *name, const char *a, const char *b)
{
	char *v;
	if (asprintf(&v, "%s:%s", a, b) < 0)
		return -1;
	int rc = setenv(name, v, 1);
	free(v);
	return rc;
}

/* A program built with -fsanitize=address refuses to start when its runtime
 * is not first in the library list, and the shim is: the check is turned
 * off (the shim calls the sanitizer's malloc, which keeps checking). */
static int allow_sanitizer_after_shim(void)
{
	static const char opt[] = "verify_asan_link_order=0";
	const char *old = getenv("ASAN_OPTIONS");
	if (old && strstr(old, "verify_asan_link_order"))
		return 0; /* the user's choice stands */
	if (!old || !*old)
		return setenv("ASAN_OPTIONS", opt, 1);
	return setenv_joined("ASAN_OPTIONS", old, opt);
}

int launch_set_preload(const char *shim)
{
	if (allow_sanitizer_after_shim() < 0)
		return -1;
	const char *old = getenv("LD_PRELOAD");
	if (strchr(shim, ' ') || strchr(shim, ':'))
		fprintf(stderr, "allocprof: warning: the path %s has a space or colon; the loader may not find it\n", shim);
	if (!old || !*old)
		return setenv("LD_PRELOAD", shim, 1);
	return setenv_joined("LD_PRELOAD", shim, old);
}

/* The program SIGTERM and SIGHUP are passed to (launch_run). */
static volatile sig_atomic_t forward_to;

/* fork and exec; an exec failure comes back through a close-on-exec pipe so
 * the parent can tell "could not start" from "ran and failed". */
int launch_spawn(char **argv, pid_t *pid)
{
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	*pid = fork();
	if (*pid < 0) {
		int e = errno;
		close(pfd[0]);
		close(pfd[1]);
		return -e;
	}
	if (*pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		execvp(argv[0], argv);
		int e = errno;
		ssize_t w = write(pfd[1], &e, sizeof(e));
		(void)w;
		_exit(127);
	}
	forward_to = *pid;
	close(pfd[1]);
	int e = 0;
	ssize_t r;
	do
		r = read(pfd[0], &e, sizeof(e));
	while (r < 0 && errno == EINTR);
	close(pfd[0]);
	return r == (ssize_t)sizeof(e) ? -e : 0;
}

static void forward(int sig)
{
	if (forward_to > 0)
		kill((pid_t)forward_to, sig);
}

int launch_run(char **argv, pid_t *pid, int *status)
{
	/* like a shell: ^C and ^\ go to the program; we stay to report */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	/* kill and a closed terminal are meant for the program: pass them on,
	 * then report how it ended */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	*status = 0;
	int rc = launch_spawn(argv, pid);
	if (rc < 0) {
		fprintf(stderr, "allocprof: cannot run %s: %s\n", argv[0], strerror(-rc));
		if (*pid > 0)
			waitpid(*pid, NULL, 0);
		forward_to = 0;
		*pid = -1;
		return rc == -ENOENT ? 127 : 126;
	}
	while (waitpid(*pid, status, 0) < 0 && errno == EINTR)
		;
	forward_to = 0;
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	return WIFEXITED(*status) ? WEXITSTATUS(*status) : WIFSIGNALED(*status) ? 128 + WTERMSIG(*status) : 1;
}

int launch_profiled(const char *shim, char **argv, const char *const *env, pid_t *pid, int *status, int *mfd)
{
	char manifest[PATH_MAX];
	*pid = -1;
	*mfd = launch_make_manifest(manifest, sizeof(manifest));
	if (*mfd < 0)
		return 1;
	bool set = launch_set_preload(shim) == 0 && setenv("ALLOCPROF_MANIFEST", manifest, 1) == 0;
	for (size_t i = 0; set && env[i]; i += 2)
		set = !env[i + 1] || setenv(env[i], env[i + 1], 1) == 0;
	int code = 1;
	if (!set)
		fprintf(stderr, "allocprof: out of memory\n");
	else
		code = launch_run(argv, pid, status);
	unlink(manifest);
	if (*pid < 0) {
		close(*mfd);
		*mfd = -1;
	}
	return code;
}

/* The file execvp would run for name, or false. */
bool launch_which(const char *name, char *out, size_t cap)
{
	if (strchr(name, '/'))
		return snprintf(out, cap, "%s", name) < (int)cap;
	const char *path = getenv("PATH");
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		const char *e = strchr(p, ':');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (snprintf(out, cap, "%.*s/%s", (int)n, n ? p : ".", name) < (int)cap && access(out, X_OK) == 0)
			return true;
		p += n + (e ? 1 : 0);
	}
	return false;
}
