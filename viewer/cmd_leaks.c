/* cmd_leaks: `allocprof leaks SNAPSHOTS...`, leaks told from caches over a
 * series of profiles of one run (ALLOCPROF_INTERVAL's numbered snapshots).
 * Each profile's in-use bytes are taken per site (site.h), the profiles put
 * in the order of the time they were written, and a site is a leak when its
 * in-use kept growing through the second half of that time: a cache grows
 * too, but then holds steady, and is named apart. */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "commands.h"
#include "strtab.h"
#include "pprof_read.h"
#include "report.h"
#include "units.h"

/* A leak's in-use rises in at least this share of the pairs of snapshots of
 * the second half (Kendall's tau against time, ties counting as neither). */
#define LEAK_MIN_TAU 0.5
enum { MIN_SNAPSHOTS = 4 };

struct snapshot {
	char *path;
	char *real;  /* realpath: one file named twice is one snapshot */
	long pid;    /* the "pid: N" comment, -1 without one */
	double t;   /* seconds: when the profile was written */
	double *v;  /* in-use bytes per site id (strtab id) */
	size_t nv;
};

struct series {
	struct snapshot *snaps;
	size_t n, cap;
	struct strtab sites;
};

static int add_path(struct series *s, const char *path)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct snapshot *m = realloc(s->snaps, cap * sizeof(*m));
		if (!m)
			return -ENOMEM;
		s->snaps = m;
		s->cap = cap;
	}
	char *real = realpath(path, NULL);
	if (!real)
		return -errno;
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->snaps[i].real, real)) {
			free(real);
			return 0; /* a directory and a pattern over the same files */
		}
	memset(&s->snaps[s->n], 0, sizeof(s->snaps[0]));
	s->snaps[s->n].real = real;
	if (!(s->snaps[s->n].path = strdup(path)))
		return -ENOMEM;
	s->n++;
	return 0;
}

static bool ends_with(const char *s, const char *end)
{
	size_t n = strlen(s), m = strlen(end);
	return n >= m && !strcmp(s + n - m, end);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory's profiles: its *.pb.gz files, the peak profiles (a moment,
 * not a point of the series) left out. */
static int add_dir(struct series *s, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -errno;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	for (struct dirent *e; rc == 0 && (e = readdir(d));) {
		if (!ends_with(e->d_name, ".pb.gz") || ends_with(e->d_name, ".peak.pb.gz") || e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			char **m = realloc(names, cap * sizeof(*m));
			if (!m) {
				rc = -ENOMEM;
				break;
			}
			names = m;
		}
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		if (!(names[n] = malloc(len))) {
			rc = -ENOMEM;
			break;
		}
		snprintf(names[n++], len, "%s/%s", dir, e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name); /* the same order every time */
	for (size_t i = 0; i < n; i++) {
		if (rc == 0)
			rc = add_path(s, names[i]);
		free(names[i]);
	}
	free(names);
	return rc;
}

/* An operand: a file, a directory, or a pattern the shell left alone. */
static int add_operand(struct series *s, const char *arg)
{
	struct stat st;
	if (stat(arg, &st) == 0)
		return S_ISDIR(st.st_mode) ? add_dir(s, arg) : add_path(s, arg);
	if (!strpbrk(arg, "*?["))
		return -errno;
	glob_t g;
	if (glob(arg, 0, NULL, &g) != 0)
		return -ENOENT;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < g.gl_pathc; i++)
		if (!ends_with(g.gl_pathv[i], ".peak.pb.gz"))
			rc = add_path(s, g.gl_pathv[i]);
	globfree(&g);
	return rc;
}

/* Reads one snapshot: its time and its in-use bytes per site. 0, or 1
 * after saying why not. */
static int load(struct series *s, struct snapshot *sn)
{
	struct profile p;
	struct pprof_error err;
	if (pprof_read_file(sn->path, &p, &err) < 0) {
		fprintf(stderr, "allocprof leaks: %s: %s\n", sn->path, err.msg);
		return 1;
	}
	int rc = 1;
	if (profile_sample_type_index(&p, "inuse_space") < 0) {
		fprintf(stderr, "allocprof leaks: %s: no inuse_space: not a heap profile\n", sn->path);
		profile_release(&p);
		return 1;
	}
	sn->t = (double)(p.time_nanos + p.duration_nanos) / 1e9;
	sn->pid = -1;
	for (size_t i = 0; i < p.ncomments; i++) {
		const char *c = profile_str(&p, p.comments[i]);
		if (!strncmp(c, "pid: ", 5)) {
			char *end;
			long pid = strtol(c + 5, &end, 10);
			if (end != c + 5 && !*end)
				sn->pid = pid;
			break;
		}
	}
	struct ropts o = {0};
	o.sample_index = "inuse_space";
	o.gran = GRAN_LINES;
	o.by_site = true;
	o.nodecount = -1;
	struct report r;
	if (report_open(&r, &p, &o) == 0 && report_trim(&r, EDGES_NONE) == 0) {
		rc = 0;
		for (size_t i = 0; i < r.norder && rc == 0; i++) {
			const struct gnode *n = &r.g.nodes[r.order[i]];
			if (n->flat == 0)
				continue;
			uint32_t id = strtab_intern_cstr(&s->sites, n->printable);
			if (s->sites.failed)
				rc = 1;
			else if (id >= sn->nv) {
				size_t nv = id + 64;
				double *v = realloc(sn->v, nv * sizeof(double));
				if (!v) {
					rc = 1;
					break;
				}
				memset(v + sn->nv, 0, (nv - sn->nv) * sizeof(double));
				sn->v = v;
				sn->nv = nv;
			}
			if (rc == 0)
				sn->v[id] += (double)n->flat;
		}
		if (rc)
			fprintf(stderr, "allocprof leaks: out of memory\n");
	}
	report_close(&r);
	profile_release(&p);
	return rc;
}

static double value(const struct snapshot *sn, uint32_t id)
{
	return id < sn->nv ? sn->v[id] : 0;
}

static int by_time(const void *a, const void *b)
{
	const struct snapshot *x = a, *y = b;
	return (x->t > y->t) - (x->t < y->t);
}

struct verdict {
	uint32_t id;
	double rate;      /* bytes/s, least squares over the second half */
	double first, mid, last;
	bool leak;
};

static void judge(const struct series *s, uint32_t id, struct verdict *v)
{
	size_t from = (s->n - 1) / 2, k = s->n - from;
	v->id = id;
	v->first = value(&s->snaps[0], id);
	v->mid = value(&s->snaps[from], id);
	v->last = value(&s->snaps[s->n - 1], id);
	double st = 0, sv = 0;
	for (size_t i = from; i < s->n; i++) {
		st += s->snaps[i].t;
		sv += value(&s->snaps[i], id);
	}
	double mt = st / (double)k, mv = sv / (double)k, cov = 0, var = 0;
	long concord = 0;
	for (size_t i = from; i < s->n; i++) {
		double dt = s->snaps[i].t - mt, vi = value(&s->snaps[i], id);
		cov += dt * (vi - mv);
		var += dt * dt;
		for (size_t j = i + 1; j < s->n; j++) {
			double vj = value(&s->snaps[j], id);
			concord += (vj > vi) - (vj < vi);
		}
	}
	v->rate = var > 0 ? cov / var : 0;
	double tau = (double)concord / ((double)k * (double)(k - 1) / 2);
	v->leak = tau >= LEAK_MIN_TAU && v->last > v->mid && v->rate > 0;
}

static int by_rate(const void *a, const void *b)
{
	const struct verdict *x = a, *y = b;
	return (x->rate < y->rate) - (x->rate > y->rate);
}

static int by_growth(const void *a, const void *b)
{
	const struct verdict *x = a, *y = b;
	double gx = x->last - x->first, gy = y->last - y->first;
	return (gx < gy) - (gx > gy);
}

/* The leaks among the verdicts vs (reordered), fastest first. */
static void print_leaks(const struct series *s, struct verdict *vs, size_t nv, int max)
{
	char b1[UNITS_BUF], b2[UNITS_BUF], b3[UNITS_BUF];
	double span = s->snaps[s->n - 1].t - s->snaps[0].t;
	size_t nleaks = 0;
	for (size_t i = 0; i < nv; i++) {
		if (vs[i].leak)
			vs[nleaks++] = vs[i];
	}
	qsort(vs, nleaks, sizeof(*vs), by_rate);
	printf("%zu snapshots over %.2fs; sites whose in-use kept growing through the second half,\n"
	       "by growth rate:\n", s->n, span);
	printf("%12s %10s %10s  %s\n", "rate", "first", "last", "site");
	for (size_t i = 0; i < nleaks && (max < 0 || (int)i < max); i++) {
		char rate[UNITS_BUF + 4];
		snprintf(rate, sizeof(rate), "%s/s", units_label(llround(vs[i].rate), "bytes", "auto", b1));
		printf("%12s %10s %10s  %s\n", rate, units_label(llround(vs[i].first), "bytes", "auto", b2),
		       units_label(llround(vs[i].last), "bytes", "auto", b3), strtab_get(&s->sites, vs[i].id));
	}
	if (!nleaks)
		printf("%12s\n", "none");
}

/* Sites that grew in the first half and are no leak. */
static void print_caches(const struct series *s, int max)
{
	char b1[UNITS_BUF], b2[UNITS_BUF];
	size_t n = 0;
	struct verdict *vs = malloc((s->sites.n + 1) * sizeof(*vs));
	for (uint32_t id = 1; vs && id < s->sites.n; id++) {
		judge(s, id, &vs[n]);
		if (!vs[n].leak && vs[n].mid > vs[n].first && vs[n].last > vs[n].first)
			n++;
	}
	if (!n) {
		free(vs);
		return;
	}
	qsort(vs, n, sizeof(*vs), by_growth);
	printf("\ngrew, then held steady (caches, not leaks):\n");
	printf("%12s %10s %10s  %s\n", "", "first", "last", "site");
	for (size_t i = 0; i < n && (max < 0 || (int)i < max); i++)
		printf("%12s %10s %10s  %s\n", "", units_label(llround(vs[i].first), "bytes", "auto", b1),
		       units_label(llround(vs[i].last), "bytes", "auto", b2), strtab_get(&s->sites, vs[i].id));
	free(vs);
}

/* A series is one process's: snapshots of two (a program's fork children
 * too) would pass for growth. Those without a pid comment are let be. 0, or
 * 1 after naming two that differ. */
static int one_process(const struct series *s)
{
	const struct snapshot *first = NULL;
	for (size_t i = 0; i < s->n; i++) {
		const struct snapshot *sn = &s->snaps[i];
		if (sn->pid < 0)
			continue;
		if (!first) {
			first = sn;
		} else if (sn->pid != first->pid) {
			fprintf(stderr, "allocprof leaks: %s is pid %ld's, %s pid %ld's: a series is one process's snapshots\n",
				first->path, first->pid, sn->path, sn->pid);
			return 1;
		}
	}
	return 0;
}

int cmd_leaks(int argc, char **argv)
{
	static const struct cli_spec spec = {CLI_LEAKS, CLI_PROFILE, NULL};
	struct cli c;
	int rc = cli_parse(argc, argv, &spec, &c);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (!c.nargs)
		return cli_usage_error("leaks", "no snapshots given");
	struct series s = {0};
	strtab_init(&s.sites);
	rc = 0;
	for (int i = 0; i < c.nargs && rc == 0; i++) {
		int e = add_operand(&s, c.args[i]);
		if (e < 0) {
			fprintf(stderr, "allocprof leaks: %s: %s\n", c.args[i], strerror(-e));
			rc = 1;
		}
	}
	if (rc == 0 && s.n < MIN_SNAPSHOTS) {
		fprintf(stderr, "allocprof leaks: %zu profile%s: a series needs at least %d (ALLOCPROF_INTERVAL "
				"writes one per interval)\n", s.n, s.n == 1 ? "" : "s", MIN_SNAPSHOTS);
		rc = 1;
	}
	for (size_t i = 0; rc == 0 && i < s.n; i++)
		rc = load(&s, &s.snaps[i]);
	rc = rc ? rc : one_process(&s);
	if (rc == 0) {
		qsort(s.snaps, s.n, sizeof(*s.snaps), by_time);
		struct verdict *vs = malloc((s.sites.n + 1) * sizeof(*vs));
		size_t nv = 0;
		for (uint32_t id = 1; vs && id < s.sites.n; id++)
			judge(&s, id, &vs[nv++]);
		if (!vs) {
			fprintf(stderr, "allocprof leaks: out of memory\n");
			rc = 1;
		} else {
			print_leaks(&s, vs, nv, c.r.nodecount);
			print_caches(&s, c.r.nodecount);
		}
		free(vs);
	}
	for (size_t i = 0; i < s.n; i++) {
		free(s.snaps[i].path);
		free(s.snaps[i].real);
		free(s.snaps[i].v);
	}
	free(s.snaps);
	strtab_release(&s.sites);
	return rc;
}
