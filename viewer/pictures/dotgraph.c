/* dotgraph: a transcription of pprof's graph.ComposeDot and the legend of
 * report.GetDOT. Labels are built with the same rules (shortened names
 * split at "::" and ".", values in the report's unit, percentages of the
 * total), so the file equals pprof's for the same profile and options. */
#include "dotgraph.h"

#include <errno.h>
#include <math.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "esc.h"
#include "gopath.h"
#include "shorten.h"
#include "units.h"

#define MAX_NODELETS 4

/* pprof's dotColor: score -1 (green) .. 0 (grey) .. 1 (red). */
static void dot_color(char *buf, double score, bool background)
{
	const double shift = 0.7;
	double saturation = background ? 0.1 : 1.0, value = background ? 0.93 : 0.7;
	score = fmax(-1.0, fmin(1.0, score));
	if (fabs(score) < 0.2)
		saturation *= fabs(score) / 0.2;
	if (score > 0.0)
		score = pow(score, 1.0 - shift);
	if (score < 0.0)
		score = -pow(-score, 1.0 - shift);
	double r, g, b;
	if (score < 0.0) {
		g = value;
		r = value * (1 + saturation * score);
	} else {
		r = value;
		g = value * (1 - saturation * score);
	}
	b = value * (1 - saturation);
	snprintf(buf, 16, "#%02x%02x%02x", (unsigned)(uint8_t)(r * 255.0), (unsigned)(uint8_t)(g * 255.0),
		 (unsigned)(uint8_t)(b * 255.0));
}

static char *str_replace(const char *s, const char *from, const char *to)
{
	size_t nf = strlen(from), nt = strlen(to), count = 0;
	for (const char *p = s; (p = strstr(p, from)); p += nf)
		count++;
	char *out = malloc(strlen(s) + count * (nt > nf ? nt - nf : 0) + 1), *w = out;
	if (!out)
		return NULL;
	for (const char *p = s, *q; ; p = q + nf) {
		q = strstr(p, from);
		size_t n = q ? (size_t)(q - p) : strlen(p);
		memcpy(w, p, n);
		w += n;
		if (!q)
			break;
		memcpy(w, to, nt);
		w += nt;
	}
	*w = 0;
	return out;
}

/* pprof's multilinePrintableName, into f. */
static void multiline_name(FILE *f, const struct graph *g, const struct ginfo *i)
{
	const char *name = strtab_get(g->strs, i->name), *file = strtab_get(g->strs, i->file);
	if (i->address)
		fprintf(f, "%016llx\\n", (unsigned long long)i->address);
	if (*name) {
		char *shortname = malloc(strlen(name) + 1), *escaped = NULL;
		size_t elen = 0;
		FILE *m = shortname ? open_memstream(&escaped, &elen) : NULL;
		if (m) {
			shorten_name(name, shortname);
			esc_dot(m, shortname);
			fclose(m);
			char *a = escaped ? str_replace(escaped, "::", "\\n") : NULL;
			char *b = a ? str_replace(a, "[...]", "[\xe2\x80\xa6]") : NULL;
			char *c = b ? str_replace(b, ".", "\\n") : NULL;
			if (c)
				fprintf(f, "%s\\n", c);
			free(a);
			free(b);
			free(c);
		}
		free(shortname);
		free(escaped);
	}
	size_t blen;
	const char *base = gopath_base(file, strlen(file), &blen);
	char *fb = strndup(base, blen);
	if (i->lineno != 0) {
		esc_dot(f, *file && fb ? fb : "");
		fprintf(f, ":%lld\\n", (long long)i->lineno);
	} else if (*file) {
		esc_dot(f, fb ? fb : "");
		fputs("\\n", f);
	} else if (*name) {
		/* the name is all */
	} else if (i->objfile) {
		const char *obj = strtab_get(g->strs, i->objfile);
		const char *ob = gopath_base(obj, strlen(obj), &blen);
		fputc('[', f);
		char *o = strndup(ob, blen);
		esc_dot(f, o ? o : "");
		free(o);
		fputs("]\\n", f);
	} else {
		fputs("<unknown>\\n", f);
	}
	free(fb);
}

static const char *pct(int64_t v, int64_t total, char *buf)
{
	const char *p = units_percent(v, total, buf);
	while (*p == ' ')
		p++;
	return p;
}

static void legend(FILE *f, struct pgraph *pg, const char *title)
{
	struct report *r = pg->r;
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (!m)
		return;
	report_profile_labels(r, m);
	if (r->o.focus || r->o.ignore) {
		fputs("Active filters:\n", m);
		const char *k[2] = {"focus", "ignore"}, *v[2] = {r->o.focus, r->o.ignore};
		for (int i = 0; i < 2; i++) {
			if (!v[i])
				continue;
			size_t n = strlen(k[i]) + 1 + strlen(v[i]);
			if (n > 80)
				fprintf(m, "   %s=%.*s\xe2\x80\xa6\n", k[i], (int)(80 - strlen(k[i]) - 1), v[i]);
			else
				fprintf(m, "   %s=%s\n", k[i], v[i]);
		}
	}
	char b1[UNITS_BUF], b2[UNITS_BUF], b3[UNITS_BUF];
	int64_t flat = 0;
	for (size_t i = 0; i < pg->nnodes; i++)
		flat = i64_add(flat, pg->flat[pg->nodes[i]]);
	fprintf(m, "Showing nodes accounting for %s, %s of %s total\n", report_value(r, flat, b1),
		pct(flat, r->total, b2), report_value(r, r->total, b3));
	if (r->total != 0) {
		if (pg->dropped_nodes > 0)
			fprintf(m, "Dropped %zu node%s (cum <= %s)\n", pg->dropped_nodes, pg->dropped_nodes > 1 ? "s" : "",
				report_value(r, i64_abs(units_f2i((double)r->total * r->o.nodefraction)), b1));
		if (pg->dropped_edges > 0)
			fprintf(m, "Dropped %zu edge%s (freq <= %s)\n", pg->dropped_edges, pg->dropped_edges > 1 ? "s" : "",
				report_value(r, i64_abs(units_f2i((double)r->total * r->o.edgefraction)), b1));
		if (pg->nnodes > 0 && pg->nnodes < pg->orig_count)
			fprintf(m, "Showing top %zu nodes out of %zu\n", pg->nnodes, pg->orig_count);
	}
	fputs("\nSee https://git.io/JfYMW for how to read the graph", m);
	fclose(m);
	if (!text)
		return;
	char *nl = strchr(text, '\n');
	if (nl)
		*nl = 0;
	fputs("subgraph cluster_L { \"", f);
	esc_dot(f, text);
	fputs("\" [shape=box fontsize=16", f);
	if (nl)
		*nl = '\n';
	fputs(" label=\"", f);
	esc_dot(f, text);
	fputs("\\l\"", f);
	if (*title) {
		fputs(" tooltip=\"", f);
		esc_dot(f, title);
		fputc('"', f);
	}
	fputs("] }\n", f);
	free(text);
}

/* pprof's SortTags, before the name. */
static int by_tag(const struct ptag *a, const struct ptag *b, bool flat)
{
	if (!flat && a->cum != b->cum) {
		int64_t ca = i64_abs(a->cum), cb = i64_abs(b->cum);
		if (ca != cb)
			return ca > cb ? -1 : 1;
	}
	if (a->flat != b->flat) {
		int64_t fa = i64_abs(a->flat), fb = i64_abs(b->flat);
		if (fa != fb)
			return fa > fb ? -1 : 1;
	}
	return 0;
}

struct tag_sort {
	bool flat;
	const struct strtab *strs;
};

static int by_tag_named(const void *x, const void *y, void *arg)
{
	const struct tag_sort *ts = arg;
	const struct ptag *a = *(struct ptag *const *)x, *b = *(struct ptag *const *)y;
	int c = by_tag(a, b, ts->flat);
	if (c)
		return c;
	return strcmp(strtab_get(ts->strs, a->name), strtab_get(ts->strs, b->name));
}

/* A collapsed group of numeric tags (pprof's tagGroupLabel). */
struct ctag {
	char name[2 * UNITS_BUF + 4];
	int64_t flat, cum;
};

static int by_ctag(const void *x, const void *y, void *arg)
{
	const struct ctag *a = x, *b = y;
	const bool *flat = arg;
	if (!*flat && a->cum != b->cum) {
		int64_t ca = i64_abs(a->cum), cb = i64_abs(b->cum);
		if (ca != cb)
			return ca > cb ? -1 : 1;
	}
	if (a->flat != b->flat) {
		int64_t fa = i64_abs(a->flat), fb = i64_abs(b->flat);
		if (fa != fb)
			return fa > fb ? -1 : 1;
	}
	return strcmp(a->name, b->name);
}

/* pprof's numericNodelets, for the numeric tags of one label set. */
static void numeric_nodelets(FILE *f, struct pgraph *pg, struct ptag **ts, size_t n, bool flat_tags,
			     const char *source, bool *any)
{
	struct report *r = pg->r;
	struct tag_sort sorter = {flat_tags, &pg->strs};
	qsort_r(ts, n, sizeof(*ts), by_tag_named, &sorter);
	size_t ng = n < MAX_NODELETS ? n : MAX_NODELETS;
	struct ctag groups[MAX_NODELETS];
	if (n <= MAX_NODELETS) {
		for (size_t i = 0; i < n; i++) {
			snprintf(groups[i].name, sizeof(groups[i].name), "%s", strtab_get(&pg->strs, ts[i]->name));
			groups[i].flat = ts[i]->flat;
			groups[i].cum = ts[i]->cum;
		}
	} else {
		/* the first four seed the groups; each other tag joins the
		 * group whose seed value is nearest */
		struct ptag *min[MAX_NODELETS], *max[MAX_NODELETS];
		size_t count[MAX_NODELETS];
		for (size_t g = 0; g < ng; g++) {
			min[g] = max[g] = ts[g];
			count[g] = 1;
			groups[g].flat = ts[g]->flat;
			groups[g].cum = ts[g]->cum;
		}
		for (size_t i = ng; i < n; i++) {
			size_t best = 0;
			double d = fabs((double)ts[i]->value - (double)ts[0]->value);
			for (size_t g = 1; g < ng; g++) {
				double nd = fabs((double)ts[i]->value - (double)ts[g]->value);
				if (nd < d) {
					best = g;
					d = nd;
				}
			}
			struct ptag *t = ts[i];
			if (t->value < min[best]->value)
				min[best] = t;
			if (t->value > max[best]->value)
				max[best] = t;
			groups[best].flat = i64_add(groups[best].flat, t->flat);
			groups[best].cum = i64_add(groups[best].cum, t->cum);
			count[best]++;
		}
		for (size_t g = 0; g < ng; g++) {
			char b1[UNITS_BUF], b2[UNITS_BUF];
			if (count[g] == 1)
				snprintf(groups[g].name, sizeof(groups[g].name), "%s",
					 units_label(min[g]->value, min[g]->unit, "auto", b1));
			else
				snprintf(groups[g].name, sizeof(groups[g].name), "%s..%s",
					 units_label(min[g]->value, min[g]->unit, "auto", b1),
					 units_label(max[g]->value, max[g]->unit, "auto", b2));
		}
		qsort_r(groups, ng, sizeof(groups[0]), by_ctag, &flat_tags);
	}
	for (size_t j = 0; j < ng; j++) {
		int64_t w = groups[j].cum;
		const char *attr = " style=\"dotted\"";
		if (flat_tags || groups[j].flat == groups[j].cum) {
			w = groups[j].flat;
			attr = "";
		}
		if (w == 0)
			continue;
		char b[UNITS_BUF];
		const char *weight = report_value(r, w, b);
		fprintf(f, "N%s_%zu [label = \"", source, j);
		esc_dot(f, groups[j].name);
		fprintf(f, "\" id=\"N%s_%zu\" fontsize=8 shape=box3d tooltip=\"%s\"]\n", source, j, weight);
		fprintf(f, "%s -> N%s_%zu [label=\" %s\" weight=100 tooltip=\"%s\" labeltooltip=\"%s\"%s]\n", source,
			source, j, weight, weight, weight, attr);
		*any = true;
	}
}

/* pprof's addNodelets: the label sets of a node, then its numeric tags. */
static bool nodelets(FILE *f, struct pgraph *pg, uint32_t node, size_t id, bool flat_tags)
{
	struct report *r = pg->r;
	size_t n = 0;
	const uint32_t *mine = pg->tag_list + pg->tag_start[node];
	size_t nmine = pg->tag_start[node + 1] - pg->tag_start[node];
	for (size_t i = 0; i < nmine; i++)
		if (!pg->tags[mine[i]].dropped)
			n++;
	if (!n)
		return false;
	struct ptag **sets = malloc(n * sizeof(*sets)), **nums = malloc(n * sizeof(*nums));
	if (!sets || !nums) {
		free(sets);
		free(nums);
		return false;
	}
	size_t ns = 0;
	for (size_t i = 0; i < nmine; i++)
		if (!pg->tags[mine[i]].dropped && !pg->tags[mine[i]].numeric)
			sets[ns++] = &pg->tags[mine[i]];
	struct tag_sort sorter = {flat_tags, &pg->strs};
	qsort_r(sets, ns, sizeof(*sets), by_tag_named, &sorter);
	bool any = false;
	char b[UNITS_BUF];
	for (size_t i = 0; i < ns && i < MAX_NODELETS; i++) {
		struct ptag *t = sets[i];
		int64_t w = flat_tags ? t->flat : t->cum;
		if (w == 0)
			continue;
		const char *weight = report_value(r, w, b);
		/* pprof writes a label set as it is: its \n separators are DOT's */
		const char *name = strtab_get(&pg->strs, t->name);
		fprintf(f, "N%zu_%zu [label = \"", id, i);
		for (const char *p = name; *p; p++) {
			if (*p == '"')
				fputs("\\\"", f);
			else if ((unsigned char)*p >= 0x20 || *p == '\t')
				fputc(*p, f);
		}
		fprintf(f, "\" id=\"N%zu_%zu\" fontsize=8 shape=box3d tooltip=\"%s\"]\n", id, i, weight);
		fprintf(f, "N%zu -> N%zu_%zu [label=\" %s\" weight=100 tooltip=\"%s\" labeltooltip=\"%s\"]\n", id, id, i,
			weight, weight, weight);
		any = true;
		size_t nn = 0;
		for (size_t k = 0; k < nmine; k++) {
			struct ptag *u = &pg->tags[mine[k]];
			if (!u->dropped && u->numeric && u->set == t->set)
				nums[nn++] = u;
		}
		if (nn) {
			char src[64];
			snprintf(src, sizeof(src), "N%zu_%zu", id, i);
			numeric_nodelets(f, pg, nums, nn, flat_tags, src, &any);
		}
	}
	size_t nn = 0;
	for (size_t k = 0; k < nmine; k++) {
		struct ptag *u = &pg->tags[mine[k]];
		if (!u->dropped && u->numeric && u->set == 0)
			nums[nn++] = u;
	}
	if (nn) {
		char src[64];
		snprintf(src, sizeof(src), "N%zu", id);
		numeric_nodelets(f, pg, nums, nn, flat_tags, src, &any);
	}
	free(sets);
	free(nums);
	return any;
}

static void node_line(FILE *f, struct pgraph *pg, uint32_t node, size_t id, double max_flat)
{
	struct report *r = pg->r;
	const struct gnode *gn = &r->g.nodes[node];
	int64_t flat = pg->flat[node], cum = pg->cum[node];
	char b1[UNITS_BUF], b2[UNITS_BUF], b3[UNITS_BUF], c1[16], c2[16];
	fputs("N", f);
	fprintf(f, "%zu [label=\"", id);
	multiline_name(f, &r->g, &gn->info);
	const char *flat_value = report_value(r, flat, b1);
	if (flat != 0)
		fprintf(f, "%s (%s)", flat_value, pct(flat, r->total, b2));
	else
		fputs("0", f);
	const char *cum_value = flat_value;
	if (cum != flat) {
		fputs(flat != 0 ? "\\n" : " ", f);
		cum_value = report_value(r, cum, b3);
		fprintf(f, "of %s (%s)", cum_value, pct(cum, r->total, b2));
	}
	int font = 8;
	/* magnitudes as doubles: i64_abs(INT64_MIN) is still negative */
	if (max_flat > 0 && flat != 0 && fabs((double)flat) <= max_flat)
		font += (int)ceil(16.0 * sqrt(fabs((double)flat) / max_flat));
	double score = (double)cum / fabs((double)r->total);
	dot_color(c1, score, false);
	dot_color(c2, score, true);
	fprintf(f, "\" id=\"node%zu\" fontsize=%d shape=box tooltip=\"", id, font);
	esc_dot(f, gn->printable);
	fprintf(f, " (%s)\" color=\"%s\" fillcolor=\"%s\"]\n", cum_value, c1, c2);
}

/* |value * scale / total| at most scale, in pprof's integer arithmetic but
 * wide enough that no product overflows and INT64_MIN / -1 cannot trap. */
static int share_of(int64_t value, int64_t total, int scale)
{
	__int128 q = (__int128)value * scale / total;
	if (q < 0)
		q = -q;
	return q < scale ? (int)q : scale;
}

static void edge_line(FILE *f, struct pgraph *pg, const struct pedge *e, size_t from, size_t to,
		      bool has_nodelets)
{
	struct report *r = pg->r;
	char b[UNITS_BUF], c[16];
	const char *w = report_value(r, e->weight, b);
	fprintf(f, "N%zu -> N%zu [label=\" %s%s\"", from, to, w, e->is_inline ? "\\n (inline)" : "");
	if (r->total != 0) {
		int weight = 1 + share_of(e->weight, r->total, 100);
		if (weight > 1)
			fprintf(f, " weight=%d", weight);
		int width = 1 + share_of(e->weight, r->total, 5);
		if (width > 1)
			fprintf(f, " penwidth=%d", width);
		dot_color(c, (double)e->weight / fabs((double)r->total), false);
		fprintf(f, " color=\"%s\"", c);
	}
	const char *arrow = e->residual ? "..." : "->";
	for (int k = 0; k < 2; k++) {
		fputs(k ? " labeltooltip=\"" : " tooltip=\"", f);
		esc_dot(f, r->g.nodes[e->src].printable);
		fprintf(f, " %s ", arrow);
		esc_dot(f, r->g.nodes[e->dst].printable);
		fprintf(f, " (%s)\"", w);
	}
	if (e->residual)
		fputs(" style=\"dotted\"", f);
	if (has_nodelets)
		fputs(" minlen=2", f);
	fputs("]\n", f);
}

int dotgraph_write(FILE *f, struct pgraph *pg)
{
	struct report *r = pg->r;
	/* pprof picks the unit from the nodes it will draw */
	free(r->order);
	r->order = malloc((pg->nnodes + 1) * sizeof(uint32_t));
	if (!r->order)
		return -ENOMEM;
	memcpy(r->order, pg->nodes, pg->nnodes * sizeof(uint32_t));
	r->norder = pg->nnodes;
	r->out_unit = "minimum";
	report_select_unit(r);

	const struct profile *p = r->p;
	char *title = NULL;
	if (p->nmappings && p->mappings[0].filename) {
		uint32_t s = p->mappings[0].filename;
		size_t blen;
		const char *base = gopath_base(p->strings.strs[s], p->strings.lens[s], &blen);
		title = strndup(base, blen);
	}
	fputs("digraph \"", f);
	esc_dot(f, title && *title ? title : "unnamed");
	fputs("\" {\nnode [style=filled fillcolor=\"#f8f8f8\"]\n", f);
	legend(f, pg, title ? title : "");
	free(title);
	size_t nn = r->g.nnodes;
	size_t *ids = calloc(nn + 1, sizeof(size_t));
	bool *has_nodelets = calloc(nn + 1, sizeof(bool));
	if (!ids || !has_nodelets) {
		free(ids);
		free(has_nodelets);
		return -ENOMEM;
	}
	if (pg->nnodes > 0) {
		double max_flat = 0;
		for (size_t i = 0; i < pg->nnodes; i++) {
			ids[pg->nodes[i]] = i + 1;
			max_flat = fmax(max_flat, fabs((double)pg->flat[pg->nodes[i]]));
		}
		for (size_t i = 0; i < pg->nnodes; i++) {
			uint32_t n = pg->nodes[i];
			node_line(f, pg, n, i + 1, max_flat);
			size_t nout;
			uint32_t *out = pgraph_edges_of(pg, n, false, &nout);
			free(out);
			has_nodelets[n] = nodelets(f, pg, n, i + 1, nout > 0);
		}
		size_t ne = 0;
		uint32_t *edges = malloc((pg->nedges + 1) * sizeof(uint32_t));
		if (edges) {
			for (size_t i = 0; i < pg->nedges; i++)
				if (!pg->edges[i].dropped && ids[pg->edges[i].src] && ids[pg->edges[i].dst])
					edges[ne++] = (uint32_t)i;
			pgraph_sort_edges(pg, edges, ne);
			for (size_t i = 0; i < ne; i++) {
				const struct pedge *e = &pg->edges[edges[i]];
				edge_line(f, pg, e, ids[e->src], ids[e->dst], has_nodelets[e->src]);
			}
			free(edges);
		}
	}
	fputs("}\n", f);
	free(ids);
	free(has_nodelets);
	return ferror(f) ? -EIO : 0;
}

char *dotgraph_find_dot(void)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	const char *p = path;
	for (;;) {
		const char *colon = strchr(p, ':');
		size_t n = colon ? (size_t)(colon - p) : strlen(p);
		char *cand = NULL;
		if (asprintf(&cand, "%.*s/dot", (int)n, n ? p : ".") >= 0) {
			struct stat st;
			if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
				return cand;
			free(cand);
		}
		if (!colon)
			return NULL;
		p = colon + 1;
	}
}

/* The DOT text goes to dot's standard input from an in-memory file and
 * dot writes straight into the output, so nothing can block on a pipe. */
int dotgraph_render(const char *dot, const char *dot_text, size_t len, FILE *out)
{
	int in = memfd_create("allocprof-graph.dot", MFD_CLOEXEC);
	if (in < 0)
		goto fail;
	for (size_t off = 0; off < len;) {
		ssize_t w = write(in, dot_text + off, len - off);
		if (w <= 0) {
			close(in);
			goto fail;
		}
		off += (size_t)w;
	}
	if (lseek(in, 0, SEEK_SET) < 0 || fflush(out) != 0) {
		close(in);
		goto fail;
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(in);
		goto fail;
	}
	if (pid == 0) {
		if (dup2(in, 0) < 0 || dup2(fileno(out), 1) < 0)
			_exit(127);
		execl(dot, "dot", "-Tsvg", (char *)NULL);
		_exit(127);
	}
	close(in);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "allocprof graph: %s -Tsvg failed (%s %d)\n", dot,
			WIFEXITED(status) ? "exit status" : "signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		return -1;
	}
	return 0;
fail:
	fprintf(stderr, "allocprof graph: cannot run %s: %s\n", dot, strerror(errno));
	return -1;
}
