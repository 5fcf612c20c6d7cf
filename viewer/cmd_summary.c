/* cmd_summary: `allocprof summary`, a profile on one screen: what was run,
 * the total of every sample type, the biggest allocation sites and what was
 * still in use when the profile was written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "estimate.h"
#include "report.h"
#include "rssrows.h"
#include "site.h"
#include "units.h"

/* What every node allocated as a site, for sample type `value`. */
static int64_t *flats_for(struct report *r, int value)
{
	int64_t *f = malloc((r->g.nnodes + 1) * sizeof(int64_t));
	if (f && site_flats(r, value, f, NULL) < 0) {
		free(f);
		f = NULL;
	}
	return f;
}

/* "alloc_space" -> index of "alloc_objects", the count beside the bytes. */
static int companion(const struct profile *p, const char *type)
{
	size_t n = strlen(type);
	if (n < 6 || strcmp(type + n - 6, "_space"))
		return -1;
	char name[256];
	snprintf(name, sizeof(name), "%.*s_objects", (int)(n - 6), type);
	return profile_sample_type_index(p, name);
}

static int sites(struct profile *p, const struct ropts *base, const char *type, const char *title,
		 int count)
{
	struct ropts o = *base;
	o.sample_index = type;
	o.gran = GRAN_LINES;
	o.by_site = true;
	o.nodecount = 0;
	o.nodefraction = o.edgefraction = 0;
	struct report r;
	int rc = report_open(&r, p, &o);
	if (rc || (rc = report_trim(&r, EDGES_NONE))) {
		report_close(&r);
		return rc;
	}
	int comp = companion(p, r.type);
	int64_t *objs = comp >= 0 ? flats_for(&r, comp) : NULL;
	int64_t rate = site_profile_rate(p);
	printf("\n%s %s (first frame in the program's own code):\n", title, r.type);
	printf("%10s %7s %10s  %s\n", "value", "share", comp >= 0 ? "objects" : "", "site");
	int shown = 0;
	char b1[UNITS_BUF], b2[UNITS_BUF];
	for (size_t i = 0; i < r.norder && shown < count; i++) {
		uint32_t id = r.order[i];
		const struct gnode *n = &r.g.nodes[id];
		if (n->flat == 0)
			break;
		char num[32] = "", spread[32] = "";
		if (objs)
			snprintf(num, sizeof(num), "%lld", (long long)objs[id]);
		if (objs && rate > 1) /* the row's value is the bytes of those objects */
			site_spread(site_samples((double)objs[id], (double)n->flat, rate), spread, sizeof(spread));
		printf("%10s %7s %10s  %s%s%s\n", units_label(n->flat, r.unit, "auto", b1),
		       units_percent(n->flat, r.total, b2), num, n->printable, *spread ? "  objects" : "", spread);
		shown++;
	}
	if (!shown)
		printf("%10s\n", "none");
	free(objs);
	report_close(&r);
	return 0;
}

/* The comments as summary shows them: the RSS breakdown is a table of its
 * own, the warning of unseen allocations a line below them. */
static const char *summary_comment(const struct profile *p, const char *comment, char *buf, size_t cap)
{
	if (rssrows_is_breakdown(comment) || !strncmp(comment, PPROF_COMMENT_UNSEEN, strlen(PPROF_COMMENT_UNSEEN)))
		return NULL;
	return estimate_comment(p, comment, buf, cap);
}

static int summary(struct profile *p, const struct cli *c, const char *path)
{
	printf("Profile: %s\n", path);
	struct report r;
	int rc = report_open(&r, p, &c->r);
	if (rc) {
		report_close(&r);
		return rc;
	}
	if (p->nmappings > 0 && p->mappings[0].filename)
		printf("Program: %s\n", profile_str(p, p->mappings[0].filename));
	report_comments_rewritten(stdout, p, "  ", summary_comment);
	/* a peak profile (no alloc_space) carries the breakdown taken at the
	 * end, beside its in-use figures of the peak: not shown there */
	struct rssrows rss;
	bool read_rss = rssrows_read(p, &rss);
	bool have_rss = read_rss && profile_sample_type_index(p, "alloc_space") >= 0;
	char warning[512];
	if (read_rss && *rssrows_warning(&rss, warning, sizeof(warning)))
		printf("\nWarning: %s.\n", warning);
	bool sampled = estimate_profile_sampled(p), rough = false;
	if (sampled)
		printf("\nTotals (estimated from samples taken every %lld bytes on average; \xc2\xb1 is 95%%):\n",
		       (long long)p->period);
	else
		printf("\nTotals:\n");
	/* a peak profile's in-use total is the peak; the allocator's figure is
	 * from the end */
	int64_t held = profile_sample_type_index(p, "alloc_space") >= 0 ? estimate_allocator_inuse(p) : -1;
	char b[ESTIMATE_BUF], h[UNITS_BUF];
	for (size_t t = 0; t < p->ntypes; t++) {
		const char *type = profile_str(p, p->sample_types[t].type);
		struct estimate e;
		estimate_total(p, (int)t, NULL, &e);
		rough |= estimate_rough(&e);
		bool inuse = !strncmp(type, "inuse_", 6);
		const char *unit = profile_str(p, p->sample_types[t].unit);
		estimate_error_label(&e, unit, b);
		char v[ESTIMATE_BUF];
		printf("  %-20s %12s", type, estimate_value_label(&e, unit, v));
		if (sampled && inuse)
			printf(" %-*s", 24 + (strstr(b, "\xc2\xb1") != NULL), b); /* ± is 2 bytes, 1 column */
		else if (sampled)
			printf(" %s", b);
		printf("%s", inuse ? "   still in use when the profile was written" : "");
		if (inuse && held >= 0 && !strcmp(type, "inuse_space"))
			printf(" (the allocator: %s)", units_label(held, "bytes", "auto", h));
		printf("\n");
	}
	if (rough)
		printf("  Few samples behind some of these: ALLOCPROF_RATE=1 (allocprof run --rate 1) records every allocation.\n");
	if (have_rss) {
		printf("\n");
		rssrows_print(stdout, &rss, "");
	}
	const char *type = r.type;
	int count = c->r.nodecount > 0 ? c->r.nodecount : 10;
	rc = sites(p, &c->r, type, "Biggest sites by", count);
	if (!rc && strcmp(type, "inuse_space") && profile_sample_type_index(p, "inuse_space") >= 0)
		rc = sites(p, &c->r, "inuse_space", "In use at exit (leaks) by", count);
	report_close(&r);
	return rc;
}

int cmd_summary(int argc, char **argv)
{
	static const struct cli_spec spec = {CLI_SAMPLE | CLI_NODES | CLI_MERGE, CLI_PROFILE, NULL};
	struct cli c;
	int rc;
	if (!cli_start(argc, argv, &spec, &c, &rc))
		return rc;
	rc = summary(&c.p, &c, c.path);
	cli_release(&c);
	return rc;
}
