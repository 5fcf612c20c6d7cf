/* report: the order of operations is pprof's (driver.generateRawReport and
 * report.newTrimmedGraph): total before focus, nodes cut by node fraction
 * of the total, sorted, cut to the node count, edges cut by edge fraction. */
#include "report.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "filter.h"
#include "gopath.h"
#include "site.h"
#include "tags.h"
#include "units.h"

static int sample_index(const struct profile *p, const char *want)
{
	if (!want || !*want) {
		const char *dflt = profile_str(p, p->default_sample_type);
		if (*dflt)
			for (size_t i = 0; i < p->ntypes; i++)
				if (!strcmp(profile_str(p, p->sample_types[i].type), dflt))
					return (int)i;
		return (int)p->ntypes - 1;
	}
	char *end;
	long n = strtol(want, &end, 10);
	if (*want && !*end) {
		if (n < 0 || (size_t)n >= p->ntypes)
			return -2;
		return (int)n;
	}
	const char *noinuse = !strncmp(want, "inuse_", 6) ? want + 6 : want;
	for (size_t i = 0; i < p->ntypes; i++) {
		const char *t = profile_str(p, p->sample_types[i].type);
		if (!strcmp(t, want) || !strcmp(t, noinuse))
			return (int)i;
	}
	return -1;
}

static void bad_index(const struct profile *p, const char *want, int why)
{
	if (why == -2) {
		fprintf(stderr, "allocprof: sample index %s is outside the range [0..%zu]\n", want,
			p->ntypes - 1);
		return;
	}
	fprintf(stderr, "allocprof: sample index \"%s\" must be one of:", want);
	for (size_t i = 0; i < p->ntypes; i++)
		fprintf(stderr, " %s", profile_str(p, p->sample_types[i].type));
	fputc('\n', stderr);
}

bool report_comment_shown(const struct profile *p, size_t i, size_t *len)
{
	const char *c = profile_str(p, p->comments[i]);
	size_t n = strcspn(c, "\n");
	*len = n < REPORT_COMMENT_BYTES ? n : REPORT_COMMENT_BYTES;
	return c[0] != '#' && n > 0;
}

void report_comments_rewritten(FILE *out, const struct profile *p, const char *indent, report_rewrite_fn *rewrite)
{
	size_t shown = 0, hidden = 0, len;
	char line[1024];
	for (size_t i = 0; i < p->ncomments; i++) {
		if (!report_comment_shown(p, i, &len))
			continue;
		if (shown++ >= REPORT_MAX_COMMENTS) {
			hidden++;
			continue;
		}
		const char *c = profile_str(p, p->comments[i]);
		const char *r = rewrite ? rewrite(p, c, line, sizeof(line)) : c;
		if (!r) {
			shown--;
			continue;
		}
		fprintf(out, "%s%.*s\n", indent, (int)(r == c ? len : strlen(r)), r);
	}
	if (hidden)
		fprintf(out, "%s(%zu more comments)\n", indent, hidden);
}

void report_comments(FILE *out, const struct profile *p, const char *indent)
{
	report_comments_rewritten(out, p, indent, NULL);
}

int report_open(struct report *r, struct profile *p, const struct ropts *o)
{
	memset(r, 0, sizeof(*r));
	r->p = p;
	r->o = *o;
	r->out_unit = "minimum";
	strtab_init(&r->strs);
	if (p->ntypes == 0) {
		fprintf(stderr, "allocprof: the profile has no sample types\n");
		return 1;
	}
	r->value = sample_index(p, o->sample_index);
	if (r->value < 0) {
		bad_index(p, o->sample_index, r->value);
		return 2;
	}
	r->type = profile_str(p, p->sample_types[r->value].type);
	r->unit = profile_str(p, p->sample_types[r->value].unit);
	char err[300];
	if (o->focus && !rx_compile(&r->focus, o->focus, err, sizeof(err))) {
		fprintf(stderr, "allocprof: --focus: %s\n", err);
		return 2;
	}
	if (o->ignore && !rx_compile(&r->ignore, o->ignore, err, sizeof(err))) {
		fprintf(stderr, "allocprof: --ignore: %s\n", err);
		return 2;
	}
	if (o->hide && !rx_compile(&r->hide, o->hide, err, sizeof(err))) {
		fprintf(stderr, "allocprof: --hide: %s\n", err);
		return 2;
	}
	r->total = filter_total(p, r->value);
	bool nomem, any_focus, any_ignore;
	r->sample_on = filter_samples(p, o->focus ? &r->focus : NULL, o->ignore ? &r->ignore : NULL,
				      &nomem, &any_focus, &any_ignore);
	if (nomem)
		goto nomem;
	if (o->focus && !any_focus)
		fprintf(stderr, "allocprof: no frame matches --focus '%s'\n", o->focus);
	if (o->ignore && !any_ignore)
		fprintf(stderr, "allocprof: no frame matches --ignore '%s'\n", o->ignore);
	int trc = tags_select(p, o->tagfocus, o->tagignore, &r->sample_on);
	if (trc == 1)
		goto nomem;
	if (trc)
		return trc;
	/* no warning when nothing matches: a second report over the same
	 * profile finds the frames already hidden */
	bool any_hide;
	if (o->hide && filter_hide(p, &r->hide, &r->sample_on, &any_hide) < 0)
		goto nomem;
	struct gopts go = {r->value, o->gran, o->noinlines, o->objnames, o->rawpaths, r->sample_on};
	if (graph_build(&r->g, p, &r->strs, &go) < 0)
		goto nomem;
	r->have_graph = true;
	graph_values(&r->g);
	if (o->by_site && site_apply(r))
		return 1;
	return 0;
nomem:
	fprintf(stderr, "allocprof: out of memory\n");
	return 1;
}

void report_close(struct report *r)
{
	if (r->have_graph)
		graph_release(&r->g);
	rx_free(&r->focus);
	rx_free(&r->ignore);
	rx_free(&r->hide);
	free(r->sample_on);
	free(r->order);
	strtab_release(&r->strs);
	memset(r, 0, sizeof(*r));
}

int report_trim(struct report *r, enum report_edges with_edges)
{
	struct graph *g = &r->g;
	free(r->order);
	r->order = malloc((g->nnodes + 1) * sizeof(uint32_t));
	if (!r->order) {
		fprintf(stderr, "allocprof: out of memory\n");
		return 1;
	}
	/* pprof cuts by fractions of the graph's flat sum (after focus), but
	 * labels the cut with fractions of the report total */
	int64_t flat_sum = 0;
	for (size_t i = 0; i < g->nnodes; i++)
		flat_sum = i64_add(flat_sum, g->nodes[i].flat);
	int64_t node_cut = i64_abs(units_f2i((double)flat_sum * r->o.nodefraction));
	int64_t edge_cut = i64_abs(units_f2i((double)flat_sum * r->o.edgefraction));
	size_t n = 0;
	r->dropped_nodes = 0;
	for (size_t i = 0; i < g->nnodes; i++) {
		struct gnode *nd = &g->nodes[i];
		nd->kept = nd->flat != 0 || nd->cum != 0;
		if (!nd->kept)
			continue;
		if (node_cut > 0 && i64_abs(nd->cum) < node_cut) {
			nd->kept = false;
			r->dropped_nodes++;
			continue;
		}
		r->order[n++] = (uint32_t)i;
	}
	r->orig_count = n;
	graph_sort(g, r->order, n, r->o.cum);
	if (r->o.nodecount > 0 && (size_t)r->o.nodecount < n) {
		for (size_t i = (size_t)r->o.nodecount; i < n; i++)
			g->nodes[r->order[i]].kept = false;
		n = (size_t)r->o.nodecount;
	}
	r->norder = n;
	if (with_edges != EDGES_NONE && graph_edges(g, edge_cut, with_edges == EDGES_INLINE) < 0) {
		fprintf(stderr, "allocprof: out of memory\n");
		return 1;
	}
	return 0;
}

void report_select_unit(struct report *r)
{
	const struct graph *g = &r->g;
	if (strcmp(r->out_unit, "minimum") || r->norder == 0)
		return;
	int64_t minv = 0;
	for (size_t i = 0; i < r->norder; i++) {
		const struct gnode *n = &g->nodes[r->order[i]];
		int64_t m = i64_abs(n->flat);
		if (m == 0)
			m = i64_abs(n->cum);
		if (m > 0 && (minv == 0 || m < minv))
			minv = m;
	}
	int64_t maxv = r->total;
	if (minv == 0)
		minv = maxv;
	const char *minu, *maxu, *u;
	units_scale(minv, r->unit, "minimum", &minu);
	units_scale(maxv, r->unit, "minimum", &maxu);
	u = minu;
	if (strcmp(minu, maxu) && (int64_t)((uint64_t)minv * 100) < maxv)
		units_scale((int64_t)((uint64_t)minv * 100), r->unit, "minimum", &u);
	r->out_unit = *u ? u : r->unit;
}

const char *report_value(const struct report *r, int64_t v, char *buf)
{
	return units_label(v, r->unit, r->out_unit, buf);
}

void report_profile_labels(const struct report *r, FILE *out)
{
	const struct profile *p = r->p;
	char b1[UNITS_BUF], b2[UNITS_BUF], b3[UNITS_BUF];
	if (p->nmappings > 0) {
		uint32_t f = p->mappings[0].filename;
		if (f) {
			size_t blen;
			const char *base = gopath_base(p->strings.strs[f], p->strings.lens[f], &blen);
			fprintf(out, "File: %.*s\n", (int)blen, base);
		}
		if (p->mappings[0].build_id)
			fprintf(out, "Build ID: %s\n", profile_str(p, p->mappings[0].build_id));
	}
	report_comments(out, p, "");
	fprintf(out, "Type: %s\n", r->type);
	if (p->time_nanos != 0) {
		time_t t = (time_t)(p->time_nanos / 1000000000);
		if (p->time_nanos % 1000000000 < 0)
			t--;
		struct tm tm;
		char buf[128];
		if (localtime_r(&t, &tm) && strftime(buf, sizeof(buf), "%b %-d, %Y at %-I:%M%P (%Z)", &tm))
			fprintf(out, "Time: %s\n", buf);
	}
	if (p->duration_nanos != 0) {
		const char *u;
		double total_ns = units_scale(r->total, r->unit, "nanoseconds", &u);
		char ratio[UNITS_BUF + 2] = "";
		if (!strcmp(u, "ns") && total_ns != 0)
			snprintf(ratio, sizeof(ratio), "(%s)",
				 units_percent(units_f2i(total_ns), p->duration_nanos, b1));
		fprintf(out, "Duration: %s, Total samples = %s %s\n",
			units_label(p->duration_nanos, "nanoseconds", "auto", b2),
			report_value(r, r->total, b3), ratio);
	}
}

static void active_filter(FILE *out, const char *k, const char *v)
{
	size_t n = strlen(k) + 1 + strlen(v);
	if (n > 80)
		fprintf(out, "   %s=%.*s\xe2\x80\xa6\n", k, (int)(80 - strlen(k) - 1), v);
	else
		fprintf(out, "   %s=%s\n", k, v);
}

void report_labels(const struct report *r, FILE *out, bool profile_labels)
{
	char b1[UNITS_BUF], b2[UNITS_BUF], b3[UNITS_BUF];
	if (profile_labels)
		report_profile_labels(r, out);
	else
		fprintf(out, "Type: %s\n", r->type);
	if (r->o.focus || r->o.ignore || r->o.hide || r->o.tagfocus || r->o.tagignore) {
		fprintf(out, "Active filters:\n");
		if (r->o.focus)
			active_filter(out, "focus", r->o.focus);
		if (r->o.ignore)
			active_filter(out, "ignore", r->o.ignore);
		if (r->o.hide)
			active_filter(out, "hide", r->o.hide);
		if (r->o.tagfocus)
			active_filter(out, "tagfocus", r->o.tagfocus);
		if (r->o.tagignore)
			active_filter(out, "tagignore", r->o.tagignore);
	}
	int64_t flat = 0;
	for (size_t i = 0; i < r->norder; i++)
		flat = i64_add(flat, r->g.nodes[r->order[i]].flat);
	const char *pct = units_percent(flat, r->total, b2);
	while (*pct == ' ')
		pct++;
	fprintf(out, "Showing nodes accounting for %s, %s of %s total\n", report_value(r, flat, b1), pct,
		report_value(r, r->total, b3));
	if (r->total != 0) {
		if (r->dropped_nodes > 0) {
			int64_t cut = i64_abs(units_f2i((double)r->total * r->o.nodefraction));
			fprintf(out, "Dropped %zu node%s (cum <= %s)\n", r->dropped_nodes,
				r->dropped_nodes > 1 ? "s" : "", report_value(r, cut, b1));
		}
		if (r->norder > 0 && r->norder < r->orig_count)
			fprintf(out, "Showing top %zu nodes out of %zu\n", r->norder, r->orig_count);
	}
}

const char *report_inline_label(const struct report *r, uint32_t node)
{
	const struct gnode *n = &r->g.nodes[node];
	if (!n->in_inline)
		return "";
	return n->in_call ? " (partial-inline)" : " (inline)";
}

void report_hint_names(const struct report *r, const char *path)
{
	const struct profile *p = r->p;
	for (size_t i = 0; i < p->nfunctions; i++)
		if (p->functions[i].name)
			return;
	if (p->nlocations)
		fprintf(stderr, "allocprof: %s has no function names; 'allocprof symbolize %s -o OUT' "
				"adds them from the binaries\n", path, path);
}
