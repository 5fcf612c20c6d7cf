/* cmd_stat: `allocprof stat`, `perf stat` for allocations. The program runs
 * with the shim in ALLOCPROF_STAT mode, which never samples or unwinds; each
 * process appends its exact counts to the manifest at exit, and this prints
 * them per process, as a table or as JSON (the input of `allocprof check`). */
#include <errno.h>
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
	static const struct cli_spec spec = {CLI_JSON | CLI_OUTPUT, CLI_PROGRAM, NULL};
	struct cli c;
	int rc;
	if (!cli_start(argc, argv, &spec, &c, &rc))
		return rc;
	bool json = c.json;
	const char *out = c.output;
	char **prog = c.args;
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
	static const char *const env[] = {"ALLOCPROF_STAT", "1", NULL};
	pid_t pid;
	int status, mfd;
	int code = launch_profiled(shim, prog, env, &pid, &status, &mfd);
	if (mfd < 0) {
		if (out)
			fclose(f);
		return code;
	}
	char *data;
	struct launch_record *recs;
	size_t n = launch_read_manifest(mfd, &data, &recs);
	close(mfd);
	if (WIFSIGNALED(status)) {
		bool reported = false;
		for (size_t i = 0; i < n; i++)
			reported |= recs[i].pid == (long)pid && !strcmp(recs[i].kind, "stat");
		fprintf(stderr, "allocprof: %s was killed by signal %d (%s)%s\n", prog[0], WTERMSIG(status),
			strsignal(WTERMSIG(status)), reported ? "; its counts up to then:" : ": its counts are lost");
	}
	struct stat_run s;
	stat_run_init(&s);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(recs[i].kind, "stat"))
			stat_run_add_record(&s, recs[i].pid, recs[i].program, recs[i].path);
	if (json)
		stat_run_write_json(f, &s, prog, code);
	else
		print_table(f, &s);
	if (out)
		fclose(f);
	stat_run_release(&s);
	free(recs);
	free(data);
	return code;
}
