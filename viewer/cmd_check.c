/* cmd_check: `allocprof check`, the allocation gate of a CI job. It compares
 * NEW with a baseline (a profile or `stat --json` output) or with a budget
 * file, figure by figure, and exits 1 when one grew beyond its tolerance:
 * 0 for exact inputs, three standard errors of the difference for sampled
 * ones, or what --max-increase and the per-figure options say. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "figures.h"
#include "usage.h"

/* An allowed increase: a share of the reference ("5%") or an amount. */
struct tolerance {
	bool set, percent;
	double v;
};

/* One line of a budget file, or one figure of a comparison. */
struct limit {
	int fig;         /* FIG_* (sites: FIG_ALLOCS or FIG_BYTES) */
	char *site;      /* NULL: a total */
	int64_t value;   /* the limit, or the baseline's figure */
	double sigma;    /* the baseline's standard error */
	int line;        /* in the budget file; 0 in a comparison */
};

struct verdict {
	const struct limit *lim;
	bool known;
	int64_t now;
	double allowed;
	const char *status; /* fail, pass, improved, unknown */
};

static int parse_tolerance(const char *s, struct tolerance *t)
{
	char *e;
	errno = 0;
	double v = strtod(s, &e);
	if (e == s || errno || v < 0 || (*e && strcmp(e, "%")))
		return -1;
	*t = (struct tolerance){true, *e == '%', v};
	return 0;
}

/* An option's tolerance, when given; -1 after the usage error. */
static int tolerance_option(const char *option, const char *val, struct tolerance *t)
{
	if (val && parse_tolerance(val, t) < 0) {
		cli_usage_error("check", "%s takes a percentage (5%%) or an amount (100), not '%s'", option, val);
		return -1;
	}
	return 0;
}

static int figure_index(const char *name)
{
	for (int i = 0; i < FIG_COUNT; i++)
		if (!strcmp(name, figure_names[i]))
			return i;
	return -1;
}

static const char *figure_unit(int fig)
{
	return fig == FIG_ALLOCS ? "" : " B";
}

/* Budget file: "FIGURE LIMIT" for a total, "site FIGURE LIMIT WHERE" for a
 * site; '#' starts a comment. */
static int read_budget(const char *path, struct limit **out, size_t *n)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "allocprof: %s: %s\n", path, strerror(errno));
		return 2;
	}
	char line[4096];
	int ln = 0, rc = 0;
	*out = NULL;
	*n = 0;
	while (fgets(line, sizeof(line), f)) {
		ln++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		size_t len = strlen(line);
		while (len && isspace((unsigned char)line[len - 1]))
			line[--len] = 0;
		char a[32], b[32], c[32];
		int used = 0;
		struct limit l = {.line = ln};
		int k = sscanf(line, "%31s %31s %31s %n", a, b, c, &used);
		if (k <= 0)
			continue;
		char *end = NULL;
		if (!strcmp(a, "site") && k == 3 && used && line[used]) {
			l.fig = figure_index(b);
			l.value = strtoll(c, &end, 10);
			l.site = strdup(line + used);
		} else if (k == 2 && strcmp(a, "site")) {
			l.fig = figure_index(a);
			l.value = strtoll(b, &end, 10);
		} else
			l.fig = -1;
		if (l.fig < 0 || !end || *end || l.value < 0 || (!strcmp(a, "site") && l.fig > FIG_BYTES)) {
			fprintf(stderr, "%s:%d: error: not 'FIGURE LIMIT' or 'site allocs|bytes LIMIT WHERE' "
					"(FIGURE: allocs, bytes, peak, inuse): %s\n", path, ln, line);
			free(l.site);
			rc = 2;
			continue;
		}
		struct limit *g = realloc(*out, (*n + 1) * sizeof(*g));
		if (!g) {
			rc = 2;
			break;
		}
		*out = g;
		(*out)[(*n)++] = l;
	}
	fclose(f);
	return rc;
}

static double allowed_increase(const struct limit *l, double sigma_new, const struct tolerance *all,
			       const struct tolerance *per)
{
	const struct tolerance *t = per[l->fig].set ? &per[l->fig] : all;
	if (t->set)
		return t->percent ? (double)l->value * t->v / 100 : t->v;
	/* exact: nothing; sampled: three standard errors of the difference */
	return 3 * sqrt(l->sigma * l->sigma + sigma_new * sigma_new);
}

static void judge(const struct limit *l, const struct figures *now, const struct tolerance *all,
		  const struct tolerance *per, struct verdict *v)
{
	v->lim = l;
	v->known = true;
	double sigma = 0;
	if (l->site) {
		const struct site_figures *s = figures_site(now, l->site);
		v->now = s ? (l->fig == FIG_ALLOCS ? s->allocs : s->bytes) : 0;
		/* a site's error: its share of the total's */
		const struct figure *t = &now->f[l->fig];
		sigma = t->value > 0 ? t->sigma * sqrt((double)v->now / (double)t->value) : 0;
	} else {
		v->known = now->f[l->fig].known;
		v->now = now->f[l->fig].value;
		sigma = now->f[l->fig].sigma;
	}
	v->allowed = allowed_increase(l, sigma, all, per);
	/* a sampled figure improved only when it fell by more than its noise */
	double noise = 3 * sqrt(l->sigma * l->sigma + sigma * sigma);
	if (!v->known)
		v->status = "unknown";
	else if ((double)(v->now - l->value) > v->allowed)
		v->status = "fail";
	else if ((double)(l->value - v->now) > noise)
		v->status = "improved";
	else
		v->status = "pass";
}

static void limit_name(const struct limit *l, char *buf, size_t cap)
{
	if (l->site)
		snprintf(buf, cap, "%s at %s", figure_names[l->fig], l->site);
	else
		snprintf(buf, cap, "%s", figure_names[l->fig]);
}

/* "+99.97%", or "new" from nothing */
static void percent(int64_t from, int64_t to, char *buf, size_t cap)
{
	if (from)
		snprintf(buf, cap, "%+.2f%%", 100.0 * (double)(to - from) / (double)from);
	else
		snprintf(buf, cap, to ? "new" : "+0%%");
}

/* One line a CI log viewer shows as an error: "WHERE: error: ...". */
static void failure_line(FILE *f, const char *where, const struct verdict *v, bool budget)
{
	char name[512], pc[32];
	limit_name(v->lim, name, sizeof(name));
	percent(v->lim->value, v->now, pc, sizeof(pc));
	if (budget)
		fprintf(f, "%s:%d: error: %s %" PRId64 "%s is over the budget %" PRId64 " (%s, allowed +%.0f)\n", where,
			v->lim->line, name, v->now, figure_unit(v->lim->fig), v->lim->value, pc, v->allowed);
	else
		fprintf(f, "%s: error: %s grew from %" PRId64 " to %" PRId64 "%s (%s, allowed +%.0f)\n", where, name,
			v->lim->value, v->now, figure_unit(v->lim->fig), pc, v->allowed);
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c == '"' || *c == '\\')
			fprintf(f, "\\%c", *c);
		else if (*c < 0x20)
			fprintf(f, "\\u%04x", *c);
		else
			fputc(*c, f);
	fputc('"', f);
}

static void xml_str(FILE *f, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
				fputc(*s, f);
		}
}

struct site_change {
	const char *name;
	int64_t base_allocs, new_allocs, base_bytes, new_bytes;
};

static int by_change(const void *a, const void *b)
{
	const struct site_change *x = a, *y = b;
	int64_t dx = llabs(x->new_allocs - x->base_allocs), dy = llabs(y->new_allocs - y->base_allocs);
	if (dx != dy)
		return dx < dy ? 1 : -1;
	dx = llabs(x->new_bytes - x->base_bytes);
	dy = llabs(y->new_bytes - y->base_bytes);
	return dx < dy ? 1 : dx > dy ? -1 : strcmp(x->name, y->name);
}

/* The sites of both, sorted by the size of their change; *n of them. */
static struct site_change *site_changes(const struct figures *base, const struct figures *now, size_t *n)
{
	struct site_change *c = calloc(base->nsites + now->nsites + 1, sizeof(*c));
	*n = 0;
	if (!c)
		return NULL;
	for (size_t i = 0; i < now->nsites; i++) {
		const struct site_figures *s = &now->sites[i], *b = figures_site(base, s->name);
		c[(*n)++] = (struct site_change){s->name, b ? b->allocs : 0, s->allocs, b ? b->bytes : 0, s->bytes};
	}
	for (size_t i = 0; i < base->nsites; i++)
		if (!figures_site(now, base->sites[i].name))
			c[(*n)++] = (struct site_change){base->sites[i].name, base->sites[i].allocs, 0, base->sites[i].bytes, 0};
	size_t k = 0;
	for (size_t i = 0; i < *n; i++)
		if (c[i].new_allocs != c[i].base_allocs || c[i].new_bytes != c[i].base_bytes)
			c[k++] = c[i];
	*n = k;
	qsort(c, *n, sizeof(*c), by_change);
	return c;
}

static int write_budget(const char *path, const char *from, const struct figures *now, const struct tolerance *all,
			int nsites)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "allocprof: cannot write %s: %s\n", path, strerror(errno));
		return 2;
	}
	double head = all->set ? (all->percent ? all->v / 100 : 0) : 0;
	double add = all->set && !all->percent ? all->v : 0;
	fprintf(f, "# allocprof budget, checked with: allocprof check --budget %s NEW\n", path);
	fprintf(f, "# written from %s%s; rewrite it with allocprof check --write-budget %s NEW\n", from,
		now->sampled ? " (sampled: the limits are estimates)" : "", path);
	fprintf(f, "# FIGURE LIMIT: allocs (calls), bytes (asked for), peak (bytes in use at the\n"
		   "# peak), inuse (bytes in use at exit); site allocs|bytes LIMIT WHERE: one site\n");
	for (int i = 0; i < FIG_COUNT; i++)
		if (now->f[i].known)
			fprintf(f, "%s %" PRId64 "\n", figure_names[i], (int64_t)ceil((double)now->f[i].value * (1 + head) + add));
	struct figures none = {0};
	size_t n;
	struct site_change *c = site_changes(&none, now, &n);
	for (size_t i = 0; c && i < n && (int)i < nsites; i++)
		if (c[i].new_allocs)
			fprintf(f, "site allocs %" PRId64 " %s\n", (int64_t)ceil((double)c[i].new_allocs * (1 + head) + add), c[i].name);
	free(c);
	if (fclose(f) != 0) {
		fprintf(stderr, "allocprof: cannot write %s: %s\n", path, strerror(errno));
		return 2;
	}
	fprintf(stderr, "allocprof: wrote %s\n", path);
	return 0;
}

static void print_text(FILE *o, const struct verdict *v, size_t nv, bool budget, const struct site_change *c,
		       size_t nc, int nsites)
{
	fprintf(o, "%-40s %14s %14s %12s %10s %10s  %s\n", "figure", budget ? "budget" : "base", "new", "delta",
		"delta%", "allowed", "");
	for (size_t i = 0; i < nv; i++) {
		char name[512], pc[32], dl[32];
		limit_name(v[i].lim, name, sizeof(name));
		if (!v[i].known) {
			fprintf(o, "%-40.40s %14" PRId64 " %14s %12s %10s %10s  %s\n", name, v[i].lim->value, "-", "-", "-", "-",
				"not in NEW");
			continue;
		}
		percent(v[i].lim->value, v[i].now, pc, sizeof(pc));
		snprintf(dl, sizeof(dl), "%+" PRId64, v[i].now - v[i].lim->value);
		fprintf(o, "%-40.40s %14" PRId64 " %14" PRId64 " %12s %10s %10.0f  %s\n", name, v[i].lim->value, v[i].now, dl,
			pc, v[i].allowed, !strcmp(v[i].status, "fail") ? "FAIL" : !strcmp(v[i].status, "improved") ? "improved" : "ok");
	}
	if (nc && nsites) {
		fprintf(o, "\nSites that changed most (allocations; the frame nearest the allocation outside system libraries):\n");
		fprintf(o, "%12s %12s %12s %14s  %s\n", "base", "new", "delta", "delta bytes", "site");
		for (size_t i = 0; i < nc && (int)i < nsites; i++)
			fprintf(o, "%12" PRId64 " %12" PRId64 " %+12" PRId64 " %+14" PRId64 "  %s\n", c[i].base_allocs,
				c[i].new_allocs, c[i].new_allocs - c[i].base_allocs, c[i].new_bytes - c[i].base_bytes, c[i].name);
	}
}

static void print_json(FILE *o, const struct verdict *v, size_t nv, bool pass, const struct site_change *c, size_t nc,
		       int nsites)
{
	fprintf(o, "{\n  \"pass\": %s,\n  \"figures\": [", pass ? "true" : "false");
	for (size_t i = 0; i < nv; i++) {
		fprintf(o, "%s\n    {\"figure\": \"%s\", \"site\": ", i ? "," : "", figure_names[v[i].lim->fig]);
		if (v[i].lim->site)
			json_str(o, v[i].lim->site);
		else
			fputs("null", o);
		fprintf(o, ", \"reference\": %" PRId64 ", ", v[i].lim->value);
		if (v[i].known)
			fprintf(o, "\"new\": %" PRId64 ", \"delta\": %" PRId64 ", ", v[i].now, v[i].now - v[i].lim->value);
		else
			fprintf(o, "\"new\": null, \"delta\": null, ");
		fprintf(o, "\"allowed\": %.0f, \"status\": \"%s\"", v[i].allowed, v[i].status);
		if (v[i].lim->line)
			fprintf(o, ", \"line\": %d", v[i].lim->line);
		fputc('}', o);
	}
	fprintf(o, "\n  ],\n  \"sites\": [");
	for (size_t i = 0; i < nc && (int)i < nsites; i++) {
		fprintf(o, "%s\n    {\"site\": ", i ? "," : "");
		json_str(o, c[i].name);
		fprintf(o, ", \"base_allocs\": %" PRId64 ", \"new_allocs\": %" PRId64 ", \"base_bytes\": %" PRId64
			   ", \"new_bytes\": %" PRId64 "}",
			c[i].base_allocs, c[i].new_allocs, c[i].base_bytes, c[i].new_bytes);
	}
	fprintf(o, "%s]\n}\n", nc && nsites ? "\n  " : "");
}

static int write_junit(const char *path, const char *where, const struct verdict *v, size_t nv, bool budget)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "allocprof: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	size_t fails = 0;
	for (size_t i = 0; i < nv; i++)
		fails += !strcmp(v[i].status, "fail");
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
		   "<testsuite name=\"allocprof check\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\">\n", nv, fails);
	for (size_t i = 0; i < nv; i++) {
		char name[512];
		limit_name(v[i].lim, name, sizeof(name));
		fputs("  <testcase classname=\"allocprof.check\" name=\"", f);
		xml_str(f, name);
		fputs("\">", f);
		if (!strcmp(v[i].status, "fail")) {
			char *msg = NULL;
			size_t len = 0;
			FILE *m = open_memstream(&msg, &len);
			if (m) {
				failure_line(m, where, &v[i], budget);
				fclose(m);
				fputs("<failure message=\"", f);
				xml_str(f, msg);
				fputs("\"/>", f);
				free(msg);
			}
		}
		fputs("</testcase>\n", f);
	}
	fputs("</testsuite>\n</testsuites>\n", f);
	return fclose(f) == 0 ? 0 : -1;
}

int cmd_check(int argc, char **argv)
{
	static const struct cli_spec spec = {CLI_CHECK | CLI_JSON, CLI_FIGURES, NULL};
	struct cli o;
	int status;
	if (!cli_start(argc, argv, &spec, &o, &status))
		return status;
	const char *budget = o.budget, *write = o.write_budget, *junit = o.junit;
	struct tolerance all = {0}, per[FIG_COUNT] = {{0}};
	if (tolerance_option("--max-increase", o.max_increase, &all) < 0)
		return 2;
	for (int i = 0; i < FIG_COUNT; i++) {
		char name[32];
		snprintf(name, sizeof(name), "--max-%s", figure_names[i]);
		if (tolerance_option(name, o.max_figure[i], &per[i]) < 0)
			return 2;
	}
	int nsites = o.sites;
	bool json = o.json;
	const char *new_path = o.args[o.nargs - 1];
	struct figures now, base = {0};
	if (figures_load(new_path, &now))
		return 2;
	if (write) {
		int rc = write_budget(write, new_path, &now, &all, nsites ? nsites : 5);
		figures_release(&now);
		return rc;
	}

	struct limit *lims = NULL;
	size_t nl = 0;
	if (budget) {
		if (read_budget(budget, &lims, &nl)) {
			for (size_t i = 0; i < nl; i++)
				free(lims[i].site);
			free(lims);
			figures_release(&now);
			return 2;
		}
	} else {
		if (figures_load(o.args[0], &base)) {
			figures_release(&now);
			return 2;
		}
		lims = calloc(FIG_COUNT, sizeof(*lims));
		for (int i = 0; lims && i < FIG_COUNT; i++)
			if (base.f[i].known)
				lims[nl++] = (struct limit){i, NULL, base.f[i].value, base.f[i].sigma, 0};
	}
	struct verdict *v = calloc(nl + 1, sizeof(*v));
	size_t nc = 0;
	struct site_change *c = site_changes(&base, &now, &nc);
	if (!v || (!lims && nl)) {
		fprintf(stderr, "allocprof: out of memory\n");
		return 2;
	}
	bool pass = true;
	for (size_t i = 0; i < nl; i++) {
		judge(&lims[i], &now, &all, per, &v[i]);
		pass &= strcmp(v[i].status, "fail") != 0;
	}
	const char *where = budget ? budget : new_path;
	if (json)
		print_json(stdout, v, nl, pass, c, nc, nsites);
	else {
		print_text(stdout, v, nl, budget != NULL, c, nc, nsites);
		fputc('\n', stdout);
		size_t fails = 0, better = 0;
		for (size_t i = 0; i < nl; i++) {
			if (!strcmp(v[i].status, "fail")) {
				failure_line(stdout, where, &v[i], budget != NULL);
				fails++;
			}
			better += !strcmp(v[i].status, "improved");
		}
		if (fails)
			printf("allocprof check: FAIL: %zu of %zu figures grew beyond what is allowed\n", fails, nl);
		else
			printf("allocprof check: ok: no figure grew beyond what is allowed%s\n",
			       better ? " (some improved)" : "");
	}
	int rc = pass ? 0 : 1;
	if (junit && write_junit(junit, where, v, nl, budget != NULL) < 0)
		rc = 2;
	for (size_t i = 0; i < nl; i++)
		free(lims[i].site);
	free(lims);
	free(v);
	free(c);
	figures_release(&now);
	figures_release(&base);
	return rc;
}
