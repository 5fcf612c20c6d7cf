/* cmd_run: `allocprof run`, a program run under the profiler. The shim in
 * every profiled process appends "PID PATH" to the manifest file named by
 * ALLOCPROF_MANIFEST for each profile it writes; after the program exits,
 * that file says which profiles this run produced. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buildid.h"
#include "cli.h"
#include "commands.h"
#include "pprof_read.h"
#include "shimpath.h"
#include "site.h"
#include "units.h"
#include "usage.h"

/* What the shim's ALLOCPROF_RATE accepts: a positive number, then k, m or
 * g (and an optional b). Checked here so a typo fails before the program
 * runs instead of being replaced by the default. */
static bool valid_rate(const char *s)
{
	bool nonzero = false;
	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++)
		nonzero |= *s != '0';
	bool suffix = *s && strchr("kKmMgG", *s);
	if (suffix)
		s++;
	if (suffix && (*s == 'b' || *s == 'B'))
		s++;
	return nonzero && *s == 0;
}

static int64_t total_of(const struct profile *p, const char *type)
{
	int t = profile_sample_type_index(p, type);
	int64_t sum = 0;
	for (size_t s = 0; t >= 0 && s < p->nsamples; s++)
		sum = i64_add(sum, p->values[s * p->ntypes + (size_t)t]);
	return sum;
}

static void describe(const char *path, long pid)
{
	struct profile p;
	struct pprof_error err;
	if (pprof_read_file(path, &p, &err) < 0) {
		fprintf(stderr, "allocprof: %s\n", err.msg);
		return;
	}
	char b1[UNITS_BUF], b2[UNITS_BUF];
	fprintf(stderr, "allocprof: wrote %s (pid %ld)\n", path, pid);
	bool alloc = profile_sample_type_index(&p, "alloc_space") >= 0;
	if (alloc) {
		int64_t objs = total_of(&p, "alloc_objects");
		fprintf(stderr, "           allocated %s in %lld object%s\n",
			units_label(total_of(&p, "alloc_space"), "bytes", "auto", b1), (long long)objs,
			objs == 1 ? "" : "s");
		int64_t v = 0, all = 0;
		char *site = site_biggest(&p, "alloc_space", &v, &all);
		if (site)
			fprintf(stderr, "           biggest site: %s, %s (%s)\n", site,
				units_label(v, "bytes", "auto", b1), units_percent(v, all, b2));
		free(site);
	}
	if (profile_sample_type_index(&p, "inuse_space") >= 0) {
		int64_t live = total_of(&p, "inuse_objects");
		fprintf(stderr, "           in use %s %s in %lld object%s\n", alloc ? "at exit" : "then",
			units_label(total_of(&p, "inuse_space"), "bytes", "auto", b2), (long long)live,
			live == 1 ? "" : "s");
	}
	for (size_t i = 0; i < p.ncomments; i++) {
		const char *c = profile_str(&p, p.comments[i]);
		if (!alloc && !strncmp(c, "peak", 4))
			fprintf(stderr, "           %s\n", c);
	}
	if (!alloc && profile_sample_type_index(&p, "inuse_space") < 0) {
		for (size_t t = 0; t < p.ntypes; t++)
			fprintf(stderr, "           %s %s\n", profile_str(&p, p.sample_types[t].type),
				units_label(total_of(&p, profile_str(&p, p.sample_types[t].type)),
					    profile_str(&p, p.sample_types[t].unit), "auto", b1));
	}
	profile_release(&p);
}

/* Reads the manifest and describes every profile in it. Returns how many. */
static int report_profiles(int fd)
{
	FILE *f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return 0;
	}
	rewind(f);
	char *line = NULL, *first = NULL;
	size_t cap = 0;
	ssize_t n;
	int count = 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = 0;
		char *end;
		long pid = strtol(line, &end, 10);
		if (end == line || *end != ' ' || !end[1])
			continue;
		describe(end + 1, pid);
		if (!first)
			first = strdup(end + 1);
		count++;
	}
	if (first)
		fprintf(stderr, "allocprof: next: allocprof top %s\n", first);
	free(first);
	free(line);
	fclose(f);
	return count;
}

static int make_manifest(char *path, size_t len)
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

static int set_preload(const char *shim)
{
	const char *old = getenv("LD_PRELOAD");
	if (strchr(shim, ' ') || strchr(shim, ':'))
		fprintf(stderr, "allocprof: warning: the path %s has a space or colon; the loader may not find it\n", shim);
	if (!old || !*old)
		return setenv("LD_PRELOAD", shim, 1);
	char *v;
	if (asprintf(&v, "%s:%s", shim, old) < 0)
		return -1;
	int rc = setenv("LD_PRELOAD", v, 1);
	free(v);
	return rc;
}

/* The file execvp would run for name, or false. */
static bool which(const char *name, char *out, size_t cap)
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

/* Says up front why a program cannot be profiled: LD_PRELOAD never reaches a
 * statically linked one, the loader ignores it for setuid/setgid programs,
 * and a Go program's heap belongs to the Go runtime. It still runs. */
static void warn_unprofilable(const char *name)
{
	char path[PATH_MAX];
	struct elf_facts f;
	struct stat st;
	if (!which(name, path, sizeof(path)) || elf_facts_path(path, &f) < 0 || !f.elf)
		return; /* not found (exec will say so), or a script: its interpreter is profiled */
	if (f.go)
		fprintf(stderr, "allocprof: %s is a Go program: the Go runtime manages its heap%s; "
			"use runtime/pprof heap profiles for it\n", name,
			f.dynamic ? ", so only C (cgo) allocations are seen" : " and nothing can be recorded");
	else if (!f.dynamic)
		fprintf(stderr, "allocprof: %s is statically linked: LD_PRELOAD cannot reach its "
			"allocations, so no profile will be written\n", name);
	else if (stat(path, &st) == 0 && (st.st_mode & (S_ISUID | S_ISGID)) &&
		 (st.st_uid != geteuid() || ((st.st_mode & S_ISGID) && st.st_gid != getegid())))
		fprintf(stderr, "allocprof: %s is setuid or setgid: the dynamic loader ignores "
			"LD_PRELOAD for it, so no profile will be written\n", name);
}

/* fork and exec; an exec failure comes back through a close-on-exec pipe so
 * the parent can tell "could not start" from "ran and failed". */
static int spawn(char **argv, pid_t *pid)
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
		execvp(argv[0], argv);
		int e = errno;
		ssize_t w = write(pfd[1], &e, sizeof(e));
		(void)w;
		_exit(127);
	}
	close(pfd[1]);
	int e = 0;
	ssize_t r;
	do
		r = read(pfd[0], &e, sizeof(e));
	while (r < 0 && errno == EINTR);
	close(pfd[0]);
	return r == (ssize_t)sizeof(e) ? -e : 0;
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{"rate", required_argument, NULL, 'r'},
		{"output", required_argument, NULL, 'o'},
		{"seed", required_argument, NULL, 's'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *rate = NULL, *out = NULL, *seed = NULL;
	bool quiet = false;
	int ch;
	opterr = 0;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "+:o:qh", opts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			rate = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 's':
			seed = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage_print(stdout, "run");
			return 0;
		case ':':
			return cli_usage_error("run", "option '%s' needs a value", argv[optind - 1]);
		default:
			return cli_usage_error("run", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error("run", "no program given");
	if (rate && !valid_rate(rate))
		return cli_usage_error("run", "--rate takes a number of bytes (1 or more, k/m/g suffixes), not '%s'", rate);
	if (seed && strspn(seed, "0123456789") != strlen(seed))
		return cli_usage_error("run", "--seed takes a decimal number, not '%s'", seed);

	char shim[PATH_MAX], tried[2 * PATH_MAX + 200];
	if (shimpath_find(shim, sizeof(shim), tried, sizeof(tried)) < 0) {
		fprintf(stderr, "allocprof: cannot find liballocprof.so (looked at %s)\n", tried);
		return 1;
	}
	char manifest[PATH_MAX];
	int mfd = make_manifest(manifest, sizeof(manifest));
	if (mfd < 0)
		return 1;
	if (set_preload(shim) < 0 || setenv("ALLOCPROF_MANIFEST", manifest, 1) < 0 ||
	    (rate && setenv("ALLOCPROF_RATE", rate, 1) < 0) ||
	    (out && setenv("ALLOCPROF_OUT", out, 1) < 0) || (seed && setenv("ALLOCPROF_SEED", seed, 1) < 0)) {
		fprintf(stderr, "allocprof: out of memory\n");
		unlink(manifest);
		close(mfd);
		return 1;
	}
	if (!quiet)
		warn_unprofilable(argv[optind]);
	/* like a shell: ^C goes to the program; we stay to report */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	pid_t pid = -1;
	int rc = spawn(argv + optind, &pid);
	if (rc < 0) {
		fprintf(stderr, "allocprof: cannot run %s: %s\n", argv[optind], strerror(-rc));
		if (pid > 0)
			waitpid(pid, NULL, 0);
		unlink(manifest);
		close(mfd);
		return rc == -ENOENT ? 127 : 126;
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
	unlink(manifest);
	if (quiet) {
		close(mfd);
		return code;
	}
	if (WIFSIGNALED(status))
		fprintf(stderr, "allocprof: %s was killed by signal %d (%s)\n", argv[optind], WTERMSIG(status),
			strsignal(WTERMSIG(status)));
	if (report_profiles(mfd) == 0)
		fprintf(stderr, "allocprof: no profile was written\n");
	return code;
}
