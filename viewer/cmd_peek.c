/* cmd_peek: `allocprof peek`, callers and callees of matching rows, in the
 * layout of go tool pprof -peek. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "commands.h"
#include "report.h"
#include "units.h"

static const char separator[] = "----------------------------------------------------------+-------------";
static const char legend[] = "      flat  flat%   sum%        cum   cum%   calls calls% + context \t \t ";

static void print_edges(const struct report *r, const uint32_t *ids, size_t n, int64_t cum, bool in)
{
	char b1[UNITS_BUF], b2[UNITS_BUF];
	for (size_t i = 0; i < n; i++) {
		const struct gedge *e = &r->g.edges[ids[i]];
		const struct gnode *other = &r->g.nodes[in ? e->src : e->dst];
		fprintf(stdout, "%50s %s |   %s%s\n", report_value(r, e->weight, b1),
			units_percent(e->weight, cum, b2), other->printable,
			e->is_inline ? " (inline)" : "");
	}
}

static int peek(struct report *r, const struct rx *re, const char *pattern)
{
	if (report_trim(r, EDGES_ALL))
		return 1;
	size_t any = 0;
	for (size_t i = 0; i < r->norder && !any; i++)
		any = rx_match(re, r->g.nodes[r->order[i]].printable);
	if (!any) {
		fprintf(stderr, "allocprof: no matches found for regexp: %s\n", pattern);
		return 1;
	}
	report_select_unit(r);
	report_labels(r, stdout, true);
	printf("%s\n%s\n", separator, legend);
	char b1[UNITS_BUF], b2[UNITS_BUF], b3[UNITS_BUF], b4[UNITS_BUF], b5[UNITS_BUF];
	int64_t sum = 0;
	for (size_t i = 0; i < r->norder; i++) {
		uint32_t id = r->order[i];
		const struct gnode *n = &r->g.nodes[id];
		if (!rx_match(re, n->printable))
			continue;
		printf("%s\n", separator);
		size_t nin, nout;
		uint32_t *in = graph_in_edges(&r->g, id, &nin);
		print_edges(r, in, nin, n->cum, true);
		free(in);
		sum = i64_add(sum, n->flat);
		printf("%10s %s %s %10s %s                | %s\n", report_value(r, n->flat, b1),
		       units_percent(n->flat, r->total, b2), units_percent(sum, r->total, b3),
		       report_value(r, n->cum, b4), units_percent(n->cum, r->total, b5), n->printable);
		uint32_t *out = graph_out_edges(&r->g, id, &nout);
		print_edges(r, out, nout, n->cum, false);
		free(out);
	}
	if (r->norder > 0)
		printf("%s\n", separator);
	return ferror(stdout) ? 1 : 0;
}

int cmd_peek(int argc, char **argv)
{
	static const struct cli_spec spec = {CLI_SAMPLE | CLI_BY | CLI_SORT | CLI_FILTER | CLI_MERGE, CLI_REGEX_PROFILE, NULL};
	struct cli c;
	int rc;
	if (!cli_start(argc, argv, &spec, &c, &rc))
		return rc;
	/* pprof does not trim peek's graph: every caller and callee shows */
	c.r.nodecount = 0;
	c.r.nodefraction = c.r.edgefraction = 0;
	struct report r;
	rc = report_open(&r, &c.p, &c.r);
	if (!rc)
		rc = peek(&r, &c.re, c.args[0]);
	report_close(&r);
	cli_release(&c);
	return rc;
}
