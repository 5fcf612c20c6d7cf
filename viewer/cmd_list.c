/* cmd_list: `allocprof list`, the source of matching functions with flat
 * and cum beside each line, showing the allocating lines and a few lines of
 * context around them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "report.h"
#include "srcfile.h"
#include "units.h"

struct row {
	int64_t line, flat, cum;
};

static int by_site(const void *x, const void *y, void *ctx)
{
	const struct graph *g = ctx;
	const struct gnode *a = &g->nodes[*(const uint32_t *)x], *b = &g->nodes[*(const uint32_t *)y];
	int c = strcmp(strtab_get(g->strs, a->info.name), strtab_get(g->strs, b->info.name));
	if (!c)
		c = strcmp(strtab_get(g->strs, a->info.file), strtab_get(g->strs, b->info.file));
	if (!c && a->info.lineno != b->info.lineno)
		c = a->info.lineno < b->info.lineno ? -1 : 1;
	return c;
}

struct fsum {
	size_t first, count; /* a function's run of ids */
	int64_t flat, cum;
};

static int by_size(const void *x, const void *y)
{
	const struct fsum *a = x, *b = y;
	int64_t fa = i64_abs(a->flat), fb = i64_abs(b->flat), ca = i64_abs(a->cum), cb = i64_abs(b->cum);
	if (fa != fb)
		return fa > fb ? -1 : 1;
	if (ca != cb)
		return ca > cb ? -1 : 1;
	return a->first < b->first ? -1 : 1;
}

/* -n N: only the N functions with the biggest flat (then cum), biggest
 * first. ids is sorted by function; rewrites it in place. */
static int keep_biggest(const struct graph *g, uint32_t *ids, size_t *n, size_t keep)
{
	struct fsum *f = malloc((*n + 1) * sizeof(*f));
	uint32_t *out = malloc((*n + 1) * sizeof(*out));
	size_t nf = 0, w = 0;
	if (!f || !out) {
		free(f);
		free(out);
		return -1;
	}
	for (size_t i = 0; i < *n;) {
		struct fsum s = {i, 0, 0, 0};
		uint32_t name = g->nodes[ids[i]].info.name;
		for (; i < *n && g->nodes[ids[i]].info.name == name; i++) {
			s.flat = i64_add(s.flat, g->nodes[ids[i]].flat);
			s.cum = i64_add(s.cum, g->nodes[ids[i]].cum);
		}
		s.count = i - s.first;
		f[nf++] = s;
	}
	qsort(f, nf, sizeof(*f), by_size);
	for (size_t k = 0; k < nf && k < keep; k++)
		for (size_t j = 0; j < f[k].count; j++)
			out[w++] = ids[f[k].first + j];
	memcpy(ids, out, w * sizeof(*ids));
	*n = w;
	free(f);
	free(out);
	return 0;
}

static const char *dot(const struct report *r, int64_t v, char *buf)
{
	return v ? report_value(r, v, buf) : ".";
}

static void print_row(const struct report *r, const struct row *w, const char *text, size_t len)
{
	char b1[UNITS_BUF], b2[UNITS_BUF];
	printf("%10s %10s %6lld:%.*s\n", dot(r, w->flat, b1), dot(r, w->cum, b2), (long long)w->line,
	       (int)len, text);
}

/* Source is shown around lines up to this; a larger "line" is no real
 * source line, and its figures print without text. */
enum { MAX_SOURCE_LINE = 100000000 };

/* Prints rows[0..n) (sorted by line) inside their file: each row with ctx
 * lines around it, "..." where lines are left out. */
static void print_source(const struct report *r, const struct srcfile *f, const struct row *rows,
			 size_t n, int64_t start_line, int ctx)
{
	int64_t last = 0; /* last line printed */
	size_t k = 0, next = 0;
	while (k < n && rows[k].line < 1)
		print_row(r, &rows[k++], "", 0);
	if (k < n && start_line > 0 && start_line < rows[k].line - ctx && start_line <= MAX_SOURCE_LINE) {
		size_t len;
		const char *t = srcfile_line(f, (size_t)start_line, &len);
		if (t) {
			struct row w = {start_line, 0, 0};
			print_row(r, &w, t, len);
			last = start_line;
		}
	}
	next = k;
	while (k < n && rows[k].line <= MAX_SOURCE_LINE) {
		int64_t from = rows[k].line - ctx, to = rows[k].line + ctx;
		while (k + 1 < n && rows[k + 1].line <= MAX_SOURCE_LINE && rows[k + 1].line - ctx <= to + 1)
			to = rows[++k].line + ctx;
		k++;
		if (from <= last)
			from = last + 1;
		if (from < 1)
			from = 1;
		if (last && from > last + 1)
			printf("%28s\n", "...");
		for (int64_t l = from; l <= to; l++) {
			size_t len = 0;
			const char *t = srcfile_line(f, (size_t)l, &len);
			struct row w = {l, 0, 0};
			while (next < n && rows[next].line < l)
				next++;
			if (next < n && rows[next].line == l)
				w = rows[next];
			if (!t && !w.flat && !w.cum) {
				/* past the end of the file: only the rows themselves */
				if (next >= k)
					break;
				continue;
			}
			print_row(r, &w, t ? t : "", len);
			last = l;
		}
	}
	for (; k < n; k++)
		print_row(r, &rows[k], "", 0);
}

static int list(struct report *r, const struct rx *re, const char *pattern, const struct cli *c)
{
	struct graph *g = &r->g;
	const struct profile *p = r->p;
	uint32_t *ids = malloc((g->nnodes + 1) * sizeof(uint32_t));
	struct row *rows = malloc((g->nnodes + 1) * sizeof(struct row));
	const char **bins = malloc((p->nmappings + 1) * sizeof(char *));
	struct srcpath sp;
	size_t n = 0, nbins = 0;
	int rc = 1;
	memset(&sp, 0, sizeof(sp));
	if (!ids || !rows || !bins)
		goto nomem;
	for (size_t i = 0; i < p->nmappings; i++)
		if (p->mappings[i].filename)
			bins[nbins++] = profile_str(p, p->mappings[i].filename);
	if (srcpath_init(&sp, c->source_path, bins, nbins) < 0)
		goto nomem;
	for (size_t i = 0; i < g->nnodes; i++) {
		const struct gnode *nd = &g->nodes[i];
		if ((nd->flat || nd->cum) && rx_match(re, strtab_get(g->strs, nd->info.name)))
			ids[n++] = (uint32_t)i;
	}
	if (!n) {
		fprintf(stderr, "allocprof: no matches found for regexp: %s\n", pattern);
		report_hint_names(r, c->args[1]);
		goto out;
	}
	qsort_r(ids, n, sizeof(*ids), by_site, g);
	if (c->r.nodecount > 0 && keep_biggest(g, ids, &n, (size_t)c->r.nodecount) < 0)
		goto nomem;
	char b1[UNITS_BUF], b2[UNITS_BUF], b3[UNITS_BUF];
	printf("Total: %s\n", report_value(r, r->total, b1));
	for (size_t i = 0; i < n;) {
		uint32_t name = g->nodes[ids[i]].info.name;
		size_t end = i;
		bool any_file = false;
		while (end < n && g->nodes[ids[end]].info.name == name)
			any_file |= g->nodes[ids[end++]].info.file != 0;
		if (!any_file)
			printf("No source information for %s\n", strtab_get(g->strs, name));
		for (size_t j = i; j < end;) {
			uint32_t file = g->nodes[ids[j]].info.file;
			size_t fend = j, nrows = 0;
			int64_t flat = 0, cum = 0, start_line = 0;
			for (; fend < end && g->nodes[ids[fend]].info.file == file; fend++) {
				const struct gnode *nd = &g->nodes[ids[fend]];
				flat = i64_add(flat, nd->flat);
				cum = i64_add(cum, nd->cum);
				if (nd->info.startline > 0 && (!start_line || nd->info.startline < start_line))
					start_line = nd->info.startline;
				if (nrows && rows[nrows - 1].line == nd->info.lineno) {
					rows[nrows - 1].flat = i64_add(rows[nrows - 1].flat, nd->flat);
					rows[nrows - 1].cum = i64_add(rows[nrows - 1].cum, nd->cum);
				} else {
					rows[nrows++] = (struct row){nd->info.lineno, nd->flat, nd->cum};
				}
			}
			j = fend;
			if (!file)
				continue;
			const char *fname = strtab_get(g->strs, file);
			printf("ROUTINE ======================== %s in %s\n", strtab_get(g->strs, name), fname);
			printf("%10s %10s (flat, cum) %s of Total\n", report_value(r, flat, b1),
			       report_value(r, cum, b2), units_percent(cum, r->total, b3));
			struct srcfile f;
			if (srcfile_open(&f, &sp, fname)) {
				print_source(r, &f, rows, nrows, start_line, c->context);
				srcfile_close(&f);
				continue;
			}
			printf(" (source file %s not found; give its directory with --source-path)\n", fname);
			for (size_t k = 0; k < nrows; k++)
				print_row(r, &rows[k], "", 0);
		}
		i = end;
	}
	rc = ferror(stdout) ? 1 : 0;
	goto out;
nomem:
	fprintf(stderr, "allocprof: out of memory\n");
out:
	srcpath_release(&sp);
	free(ids);
	free(rows);
	free(bins);
	return rc;
}

int cmd_list(int argc, char **argv)
{
	static const struct cli_spec spec = {CLI_SAMPLE | CLI_SOURCE | CLI_FILTER | CLI_NODES | CLI_MERGE, CLI_REGEX_PROFILE,
					     NULL};
	struct cli c;
	int rc;
	if (!cli_start(argc, argv, &spec, &c, &rc))
		return rc;
	/* pprof's list: per line, inlined frames kept, object names kept */
	c.r.gran = GRAN_LINES;
	c.r.objnames = true;
	struct report r;
	rc = report_open(&r, &c.p, &c.r);
	if (!rc)
		rc = list(&r, &c.re, c.args[0], &c);
	report_close(&r);
	cli_release(&c);
	return rc;
}
