/* cmd_stat: `allocprof stat`, `perf stat` for allocations. The program runs
 * with the shim in ALLOCPROF_STAT mode, which never samples or unwinds; each
 * process appends its exact counts to the manifest at exit, and this prints
 * them per process, as a table or as JSON (the input of `allocprof check`). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "launch.h"
#include "shimpath.h"
#include "statfile.h"
#include "usage.h"

static void print_table(FILE *f, const struct stat_run *s)
{
	fprintf(f, "allocprof: exact counts of every allocation, no stack unwound\n");
	fprintf(f, "%8s  %-16s %12s %14s %12s %14s %14s %10s\n", "pid", "program", "allocs", "bytes", "frees",
		"peak in use", "in use at exit", "(blocks)");
	for (size_t i = 0; i < s->nprocs; i++) {
		const struct stat_figures *p = &s->procs[i];
		fprintf(f, "%8ld  %-16.16s %12" PRIu64 " %14" PRIu64 " %12" PRIu64 " %14" PRId64 " %14" PRId64 " %10" PRId64 "\n",
			p->pid, p->program, p->allocs, p->bytes, p->frees, p->peak_bytes, p->inuse_bytes, p->inuse_objects);
	}
	if (s->nprocs > 1) {
		const struct stat_figures *t = &s->total;
		fprintf(f, "%8s  %-16s %12" PRIu64 " %14" PRIu64 " %12" PRIu64 " %14" PRId64 " %14" PRId64 " %10" PRId64 "\n",
			"", "total", t->allocs, t->bytes, t->frees, t->peak_bytes, t->inuse_bytes, t->inuse_objects);
	}
	if (!s->nprocs)
		fprintf(f, "allocprof: no process reported its counts (statically linked, killed, or "
			   "LD_PRELOAD removed?)\n");
	fprintf(f, "bytes: what the calls asked for; peak and in use: the blocks' usable sizes\n");
}

int cmd_stat(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool json = false;
	const char *out = NULL;
	int ch;
	opterr = 0;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "+:o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = true;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			if (!cli_help_asked("stat", argv, optind))
				return 2;
			usage_print(stdout, "stat");
			return 0;
		case ':':
			return cli_usage_error("stat", "option '%s' needs a value", argv[optind - 1]);
		default:
			return cli_usage_error("stat", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error("stat", "no program given");
	char shim[PATH_MAX], tried[2 * PATH_MAX + 200];
	if (shimpath_find(shim, sizeof(shim), tried, sizeof(tried)) < 0) {
		fprintf(stderr, "allocprof: cannot find liballocprof.so (looked at %s)\n", tried);
		return 1;
	}
	FILE *f = stderr;
	if (out && !(f = fopen(out, "w"))) {
		fprintf(stderr, "allocprof: cannot write %s: %s\n", out, strerror(errno));
		return 1;
	}
	char manifest[PATH_MAX];
	int mfd = launch_make_manifest(manifest, sizeof(manifest));
	if (mfd < 0)
		return 1;
	if (launch_set_preload(shim) < 0 || setenv("ALLOCPROF_MANIFEST", manifest, 1) < 0 ||
	    setenv("ALLOCPROF_STAT", "1", 1) < 0) {
		fprintf(stderr, "allocprof: out of memory\n");
		unlink(manifest);
		return 1;
	}
	pid_t pid;
	int status;
	int code = launch_run(argv + optind, &pid, &status);
	if (pid < 0) {
		unlink(manifest);
		close(mfd);
		return code;
	}
	unlink(manifest);
	char *data;
	struct launch_record *recs;
	size_t n = launch_read_manifest(mfd, &data, &recs);
	close(mfd);
	if (WIFSIGNALED(status)) {
		bool reported = false;
		for (size_t i = 0; i < n; i++)
			reported |= recs[i].pid == (long)pid && !strcmp(recs[i].kind, "stat");
		fprintf(stderr, "allocprof: %s was killed by signal %d (%s)%s\n", argv[optind], WTERMSIG(status),
			strsignal(WTERMSIG(status)), reported ? "; its counts up to then:" : ": its counts are lost");
	}
	struct stat_run s;
	stat_run_init(&s);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(recs[i].kind, "stat"))
			stat_run_add_record(&s, recs[i].pid, recs[i].program, recs[i].path);
	if (json)
		stat_run_write_json(f, &s, argv + optind, code);
	else
		print_table(f, &s);
	if (out)
		fclose(f);
	stat_run_release(&s);
	free(recs);
	free(data);
	return code;
}
