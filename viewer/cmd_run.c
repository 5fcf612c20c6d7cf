/* cmd_run: `allocprof run`, a program run under the profiler. The shim in
 * every profiled process appends "PID PATH" to the manifest file named by
 * ALLOCPROF_MANIFEST for each profile it writes; after the program exits,
 * that file says which profiles this run produced. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
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
#include "estimate.h"
#include "launch.h"
#include "pprof_read.h"
#include "rssrows.h"
#include "shimpath.h"
#include "site.h"
#include "units.h"
#include "usage.h"

/* Up to this many processes with profiles, run names the merged view. */
enum { MERGE_SUGGEST_UP_TO = 8 };

/* A path as the user can paste it into a shell: as is when it is made of
 * ordinary characters, else in $'...' with every other byte escaped, so a
 * newline or a terminal escape in a file name cannot garble the report. */
static const char *shell_path(const char *path, char *buf, size_t cap)
{
	if (*path && strspn(path, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./%+,:=@-") ==
			     strlen(path))
		return path;
	size_t n = 0;
	n += (size_t)snprintf(buf, cap, "$'");
	for (const unsigned char *c = (const unsigned char *)path; *c && n + 8 < cap; c++) {
		if (*c == '\'' || *c == '\\')
			n += (size_t)snprintf(buf + n, cap - n, "\\%c", *c);
		else if (*c == '\n')
			n += (size_t)snprintf(buf + n, cap - n, "\\n");
		else if (*c < 0x20 || *c == 0x7f)
			n += (size_t)snprintf(buf + n, cap - n, "\\x%02x", *c);
		else
			buf[n++] = (char)*c;
	}
	snprintf(buf + n, cap - n, "'");
	return buf;
}

/* value ±error of a total, "" suffix when exact */
static const char *figure(const struct estimate *e, const char *unit, char *buf)
{
	char v[ESTIMATE_BUF], err[UNITS_BUF];
	estimate_value_label(e, unit, v);
	if (!e->sampled || e->samples < 0.5 || e->error < 0) {
		snprintf(buf, ESTIMATE_BUF, "%s", v);
		return buf;
	}
	const char *scaled = "";
	if (e->value)
		units_scale(e->value, unit, "auto", &scaled);
	snprintf(buf, ESTIMATE_BUF, "%.64s \xc2\xb1%s", v, units_label(llround(e->error), unit, *scaled ? scaled : "auto", err));
	return buf;
}

static const char *samples_note(const struct estimate *e, char *buf)
{
	long long n = llround(e->samples);
	if (!e->sampled)
		buf[0] = 0;
	else if (e->samples < 0.5)
		snprintf(buf, 32, " (no sample)");
	else
		snprintf(buf, 32, " (%lld sample%s)", n ? n : 1, n > 1 ? "s" : "");
	return buf;
}

static bool is_heap(const struct profile *p)
{
	return profile_sample_type_index(p, "alloc_space") >= 0 && profile_sample_type_index(p, "alloc_objects") >= 0;
}

/* What one process wrote: its profile's totals, the allocator's own figure
 * beside what was in use, and the peak; direct says it is the program run,
 * among others. Returns whether a figure rests on too few samples. */
static bool describe(const struct launch_record *prof, const struct launch_record *peak, bool direct, int earlier)
{
	struct profile p;
	struct pprof_error err;
	char q[3 * PATH_MAX], b1[ESTIMATE_BUF], b2[ESTIMATE_BUF], n1[32];
	if (pprof_read_file(prof->path, &p, &err) < 0) {
		fprintf(stderr, "allocprof: %s\n", err.msg);
		return false;
	}
	fprintf(stderr, "allocprof: wrote %s (pid %ld)%s\n", shell_path(prof->path, q, sizeof(q)), prof->pid,
		direct ? ": the program run" : "");
	if (earlier)
		fprintf(stderr, "           and %d snapshot%s before it\n", earlier, earlier == 1 ? "" : "s");
	bool rough = false;
	if (!is_heap(&p)) {
		for (size_t t = 0; t < p.ntypes; t++) {
			struct estimate e;
			estimate_total(&p, (int)t, NULL, &e);
			fprintf(stderr, "           %s %s\n", profile_str(&p, p.sample_types[t].type),
				estimate_label(&e, profile_str(&p, p.sample_types[t].unit), b1));
		}
		profile_release(&p);
		return false;
	}
	struct estimate bytes, objs;
	estimate_total(&p, profile_sample_type_index(&p, "alloc_space"), NULL, &bytes);
	estimate_total(&p, profile_sample_type_index(&p, "alloc_objects"), NULL, &objs);
	rough |= estimate_rough(&bytes);
	fprintf(stderr, "           allocated %s in %s object%s%s\n", figure(&bytes, "bytes", b1), figure(&objs, "count", b2),
		objs.value == 1 ? "" : "s", samples_note(&bytes, n1));
	int64_t site_bytes = 0, all_bytes = 0;
	char *site = site_biggest(&p, "alloc_space", &site_bytes, &all_bytes);
	if (site)
		fprintf(stderr, "           biggest site: %s, %s (%s)\n", site,
			units_label(site_bytes, "bytes", "auto", b1), units_percent(site_bytes, all_bytes, b2));
	free(site);
	if (profile_sample_type_index(&p, "inuse_space") >= 0) {
		estimate_total(&p, profile_sample_type_index(&p, "inuse_space"), NULL, &bytes);
		estimate_total(&p, profile_sample_type_index(&p, "inuse_objects"), NULL, &objs);
		rough |= estimate_rough(&bytes);
		int64_t held = estimate_allocator_inuse(&p);
		char h[UNITS_BUF + 40] = "";
		if (held >= 0)
			snprintf(h, sizeof(h), "; the allocator holds %s", units_label(held, "bytes", "auto", b2));
		fprintf(stderr, "           in use at exit %s in %s object%s%s%s\n", figure(&bytes, "bytes", b1),
			figure(&objs, "count", b2), objs.value == 1 ? "" : "s", samples_note(&bytes, n1), h);
	}
	struct rssrows rss;
	char warning[512];
	if (rssrows_read(&p, &rss) && *rssrows_warning(&rss, warning, sizeof(warning)))
		fprintf(stderr, "           warning: %s\n", warning);
	profile_release(&p);
	if (peak && pprof_read_file(peak->path, &p, &err) == 0) {
		char line[1024];
		for (size_t i = 0; i < p.ncomments; i++) {
			const char *c = profile_str(&p, p.comments[i]);
			if (!strncmp(c, "peak in use: ", 13))
				fprintf(stderr, "           %s\n", estimate_comment(&p, c, line, sizeof(line)));
		}
		struct estimate e;
		estimate_total(&p, profile_sample_type_index(&p, "inuse_space"), NULL, &e);
		rough |= estimate_rough(&e);
		profile_release(&p);
	}
	return rough;
}

struct group {
	const char *program;
	int processes;
	struct estimate bytes; /* summed; error combined */
	const char *largest;
	int64_t largest_bytes;
};

/* Many processes: one line per program instead of one block per process. */
static void describe_groups(const struct launch_record *recs, const size_t *last, size_t n)
{
	struct group *g = calloc(n + 1, sizeof(*g));
	size_t ng = 0;
	if (!g)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct launch_record *r = &recs[last[i]];
		size_t k = 0;
		while (k < ng && strcmp(g[k].program, r->program))
			k++;
		if (k == ng) {
			g[ng].program = r->program;
			g[ng].bytes.sampled = false;
			ng++;
		}
		g[k].processes++;
		struct profile p;
		struct pprof_error err;
		if (pprof_read_file(r->path, &p, &err) < 0)
			continue;
		struct estimate e;
		estimate_total(&p, profile_sample_type_index(&p, "alloc_space"), NULL, &e);
		double var = g[k].bytes.error / 2 * g[k].bytes.error / 2 + (e.error > 0 ? e.error / 2 * e.error / 2 : 0);
		g[k].bytes.value = i64_add(g[k].bytes.value, e.value);
		g[k].bytes.sampled |= e.sampled;
		g[k].bytes.samples += e.samples;
		g[k].bytes.error = 2 * sqrt(var);
		if (!g[k].largest || e.value > g[k].largest_bytes) {
			g[k].largest = r->path;
			g[k].largest_bytes = e.value;
		}
		profile_release(&p);
	}
	char b[ESTIMATE_BUF], q[3 * PATH_MAX], n1[32];
	for (size_t k = 0; k < ng; k++) {
		fprintf(stderr, "           %s \xc3\x97%d: allocated %s%s; the largest: %s\n", g[k].program, g[k].processes,
			figure(&g[k].bytes, "bytes", b), samples_note(&g[k].bytes, n1),
			g[k].largest ? shell_path(g[k].largest, q, sizeof(q)) : "unreadable");
	}
	free(g);
}

/* "sh ×40, as ×6": the programs of the processes that wrote nothing. */
static void list_programs(const struct launch_record *recs, const size_t *idx, size_t n)
{
	bool *done = calloc(n + 1, 1);
	for (size_t i = 0; done && i < n; i++) {
		if (done[i])
			continue;
		int count = 0;
		for (size_t j = i; j < n; j++)
			if (!done[j] && !strcmp(recs[idx[j]].program, recs[idx[i]].program))
				done[j] = true, count++;
		fprintf(stderr, "%s%s", i ? ", " : "", recs[idx[i]].program);
		if (count > 1)
			fprintf(stderr, " \xc3\x97%d", count);
	}
	free(done);
}

enum { DESCRIBE_EACH_UP_TO = 8 };

/* Reads the manifest and says what every process of the run wrote, which
 * sampled nothing, and what to look at next. Returns how many profiles. */
/* A profile written from a signal handler, or while memory was short, has
 * addresses only: its frames are named now, while the binaries on disk are
 * the ones that ran (`allocprof symbolize`, run as a command of its own,
 * writing in place). */
static void name_frames(const char *path)
{
	struct profile p;
	struct pprof_error err;
	if (pprof_read_file(path, &p, &err) < 0)
		return;
	bool files = false, named = false;
	for (size_t i = 0; i < p.nmappings; i++) {
		files |= profile_str(&p, p.mappings[i].filename)[0] == '/';
		named |= p.mappings[i].has_functions;
	}
	profile_release(&p);
	char self[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (!files || named || len <= 0)
		return;
	self[len] = 0;
	/* the program has ended: what run set up for it must not profile this */
	unsetenv("LD_PRELOAD");
	unsetenv("ALLOCPROF_MANIFEST");
	char *args[] = {self, "symbolize", "-q", "--skip-mismatch", (char *)path, "-o", (char *)path, NULL};
	pid_t pid;
	if (launch_spawn(args, &pid) == 0)
		waitpid(pid, NULL, 0);
}

static int report_profiles(int fd, pid_t child, const char *prog, const char *dir, const char *rate)
{
	char *data;
	struct launch_record *recs;
	size_t n = launch_read_manifest(fd, &data, &recs);
	close(fd);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(recs[i].kind, "profile") || !strcmp(recs[i].kind, "peak"))
			name_frames(recs[i].path);
	/* per process: the last profile it wrote (an exit profile comes last),
	 * how many came before, its peak; or that it sampled nothing */
	size_t *last = calloc(n + 1, sizeof(size_t)), *empty = calloc(n + 1, sizeof(size_t));
	int *earlier = calloc(n + 1, sizeof(int));
	size_t nlast = 0, nempty = 0, direct = SIZE_MAX;
	bool child_empty = false;
	for (size_t i = 0; last && empty && earlier && i < n; i++) {
		const struct launch_record *r = &recs[i];
		if (!strcmp(r->kind, "profile")) {
			size_t k = 0;
			while (k < nlast && recs[last[k]].pid != r->pid)
				k++;
			if (k < nlast)
				earlier[k]++;
			else
				nlast++;
			last[k] = i;
			if (r->pid == (long)child)
				direct = k;
		} else if (!strcmp(r->kind, "empty")) {
			empty[nempty++] = i;
			child_empty |= r->pid == (long)child;
		} else if (!strcmp(r->kind, "failed")) {
			char q[3 * PATH_MAX];
			fprintf(stderr, "allocprof: pid %ld (%s) could not write %s\n", r->pid, r->program,
				shell_path(r->path, q, sizeof(q)));
		}
	}
	bool rough = false;
	char q[3 * PATH_MAX];
	/* the program run first, then the others in the order they ended */
	for (size_t pass = 0; pass < 2; pass++) {
		for (size_t k = 0; k < nlast; k++) {
			if ((pass == 0) != (k == direct) || (pass == 1 && nlast > DESCRIBE_EACH_UP_TO))
				continue;
			const struct launch_record *peak = NULL;
			for (size_t i = last[k] + 1; i < n && !peak; i++)
				if (!strcmp(recs[i].kind, "peak") && recs[i].pid == recs[last[k]].pid)
					peak = &recs[i];
			rough |= describe(&recs[last[k]], peak, k == direct && nlast > 1, earlier[k]);
		}
	}
	if (nlast > DESCRIBE_EACH_UP_TO) {
		size_t *others = calloc(nlast, sizeof(size_t)), no = 0;
		for (size_t k = 0; others && k < nlast; k++)
			if (k != direct)
				others[no++] = last[k];
		fprintf(stderr, "allocprof: %zu %sprocesses wrote profiles, by program:\n", no, direct != SIZE_MAX ? "other " : "");
		describe_groups(recs, others, no);
		free(others);
	}
	if (nlast + nempty > 1 || (nempty && nlast)) {
		fprintf(stderr, "allocprof: %zu processes: %zu wrote profiles", nlast + nempty, nlast);
		if (dir)
			fprintf(stderr, " into %s", shell_path(dir, q, sizeof(q)));
		fprintf(stderr, ", %zu sampled nothing", nempty);
		if (nempty) {
			fprintf(stderr, " (");
			list_programs(recs, empty, nempty);
			fprintf(stderr, ")");
		}
		fprintf(stderr, "\n");
	}
	/* a process killed before its exit (SIGKILL, the OOM killer) leaves
	 * only the peak profile ALLOCPROF_PEAK_STEP or _RSS had written */
	for (size_t i = 0; i < n; i++) {
		if (strcmp(recs[i].kind, "peak"))
			continue;
		bool ended = false, again = false;
		for (size_t j = 0; j < n && !ended; j++)
			ended = recs[j].pid == recs[i].pid && !strcmp(recs[j].kind, "profile");
		for (size_t j = 0; j < i && !again; j++)
			again = recs[j].pid == recs[i].pid && !strcmp(recs[j].kind, "peak");
		if (!ended && !again)
			fprintf(stderr, "allocprof: pid %ld (%s) wrote no profile at its end; its peak profile: %s\n",
				recs[i].pid, recs[i].program, shell_path(recs[i].path, q, sizeof(q)));
	}
	const char *rate_said = rate ? rate : "524288 (the default)";
	if (!nlast) {
		fprintf(stderr, "allocprof: no profile was written");
		if (child_empty)
			fprintf(stderr, ": %s allocated too little to be sampled at rate %s, one sample per that many bytes "
					"on average; --rate 1 records every allocation\n", prog, rate_said);
		else
			fprintf(stderr, "\n");
	} else if (rough || (nempty && (!rate || strcmp(rate, "1")))) {
		fprintf(stderr, "allocprof: %s; --rate 1 records every allocation (or a lower --rate samples more)\n",
			rough ? "few samples behind some of these figures" : "some processes allocated too little to be sampled");
	}
	/* what to read next: the program run, else the biggest profile */
	size_t next = direct;
	if (next == SIZE_MAX && nlast) {
		int64_t best = -1;
		for (size_t k = 0; k < nlast; k++) {
			struct stat st;
			if (stat(recs[last[k]].path, &st) == 0 && st.st_size > best)
				best = st.st_size, next = k;
		}
	}
	if (next != SIZE_MAX)
		fprintf(stderr, "allocprof: next: allocprof top %s%s\n", shell_path(recs[last[next]].path, q, sizeof(q)),
			next == direct ? "" : "   (the largest profile; the program run wrote none)");
	if (nlast > 1 && nlast <= MERGE_SUGGEST_UP_TO) {
		/* the whole run as one profile, as go tool pprof merges them */
		fprintf(stderr, "allocprof: all of them: allocprof top");
		for (size_t k = 0; k < nlast; k++)
			fprintf(stderr, " %s", shell_path(recs[last[k]].path, q, sizeof(q)));
		fprintf(stderr, "\n");
	}
	int count = (int)nlast;
	free(last);
	free(empty);
	free(earlier);
	free(recs);
	free(data);
	return count;
}

/* The output template every process gets, absolute and fixed now: a
 * process that changes directory and starts another (git -C repo, make -C
 * dir) would otherwise write where that one starts. Without --output (or
 * ALLOCPROF_OUT), and for a directory, it is the directory with a trailing
 * '/': the shim puts its default name inside. dir gets the directory every
 * profile goes to, or "" when the template's directory part varies (%p). */
static int out_template(const char *out, char *tmpl, char *dir)
{
	char cwd[PATH_MAX];
	if (!out || !*out)
		out = getenv("ALLOCPROF_OUT");
	if (!out || !*out)
		out = "./";
	if (out[0] != '/' && !getcwd(cwd, sizeof(cwd))) {
		fprintf(stderr, "allocprof: cannot name the current directory: %s\n", strerror(errno));
		return -1;
	}
	struct stat st;
	size_t n = strlen(out);
	bool is_dir = out[n - 1] == '/' || (stat(out, &st) == 0 && S_ISDIR(st.st_mode));
	while (out[0] == '.' && out[1] == '/')
		out += 2; /* "./x" -> "x" */
	int len = out[0] == '/' ? snprintf(tmpl, PATH_MAX, "%s%s", out, is_dir && out[strlen(out) - 1] != '/' ? "/" : "")
				: snprintf(tmpl, PATH_MAX, "%s%s%s%s", cwd, strcmp(cwd, "/") ? "/" : "", out,
					   is_dir && *out && out[strlen(out) - 1] != '/' ? "/" : "");
	if (len < 0 || len >= PATH_MAX) {
		fprintf(stderr, "allocprof: the output path is too long\n");
		return -1;
	}
	const char *slash = strrchr(tmpl, '/');
	snprintf(dir, PATH_MAX, "%.*s", (int)(slash - tmpl > 0 ? slash - tmpl : 1), tmpl);
	if (strchr(dir, '%'))
		dir[0] = 0;
	return 0;
}

/* Says up front why a program cannot be profiled: LD_PRELOAD never reaches a
 * statically linked one, the loader ignores it for setuid/setgid programs,
 * and a Go program's heap belongs to the Go runtime. It still runs. */
static void warn_unprofilable(const char *name)
{
	char path[PATH_MAX];
	struct elf_facts f;
	struct stat st;
	if (!launch_which(name, path, sizeof(path)) || elf_facts_path(path, &f) < 0 || !f.elf)
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

int cmd_run(int argc, char **argv)
{
	static const struct cli_spec spec = {CLI_RUN | CLI_OUTPUT, CLI_PROGRAM, NULL};
	struct cli c;
	int rc;
	if (!cli_start(argc, argv, &spec, &c, &rc))
		return rc;
	const char *rate = c.rate, *out = c.output, *seed = c.seed;
	bool quiet = c.quiet;
	char **prog = c.args;
	if (seed && strspn(seed, "0123456789") != strlen(seed))
		return cli_usage_error("run", "--seed takes a decimal number, not '%s'", seed);

	char shim[PATH_MAX], tried[2 * PATH_MAX + 200];
	if (shimpath_find(shim, sizeof(shim), tried, sizeof(tried)) < 0) {
		fprintf(stderr, "allocprof: cannot find liballocprof.so (looked at %s)\n", tried);
		return 1;
	}
	if (!rate && (rate = getenv("ALLOCPROF_RATE")) && !*rate)
		rate = NULL;
	char tmpl[PATH_MAX], dir[PATH_MAX];
	if (out_template(out, tmpl, dir) < 0)
		return 1;
	const char *env[] = {"ALLOCPROF_RATE", rate, "ALLOCPROF_OUT", tmpl, "ALLOCPROF_SEED", seed,
			     /* quiet means the shim's "wrote" lines too; its errors still show */
			     "ALLOCPROF_VERBOSE", quiet ? "0" : NULL, NULL};
	if (!quiet)
		warn_unprofilable(prog[0]);
	pid_t pid;
	int status, mfd;
	int code = launch_profiled(shim, prog, env, &pid, &status, &mfd);
	if (mfd < 0)
		return code;
	if (quiet) {
		close(mfd);
		return code;
	}
	if (WIFSIGNALED(status))
		fprintf(stderr, "allocprof: %s was killed by signal %d (%s)\n", prog[0], WTERMSIG(status),
			strsignal(WTERMSIG(status)));
	report_profiles(mfd, pid, prog[0], dir[0] ? dir : NULL, rate);
	return code;
}
