/* table: pprof's report.printText. */
#include "table.h"

#include "units.h"

int table_print(struct report *r, FILE *out, bool profile_labels)
{
	/* inline labels need the edges; without inlined frames there are none */
	if (report_trim(r, r->g.has_inline ? EDGES_INLINE : EDGES_NONE))
		return 1;
	report_select_unit(r);
	report_labels(r, out, profile_labels);
	fprintf(out, "%10s %5s%% %5s%% %10s %5s%%\n", "flat", "flat", "sum", "cum", "cum");
	int64_t sum = 0;
	char b1[UNITS_BUF], b2[UNITS_BUF], b3[UNITS_BUF], b4[UNITS_BUF], b5[UNITS_BUF];
	for (size_t i = 0; i < r->norder; i++) {
		uint32_t id = r->order[i];
		const struct gnode *n = &r->g.nodes[id];
		sum = i64_add(sum, n->flat);
		fprintf(out, "%10s %s %s %10s %s  %s%s\n", report_value(r, n->flat, b1),
			units_percent(n->flat, r->total, b2), units_percent(sum, r->total, b3),
			report_value(r, n->cum, b4), units_percent(n->cum, r->total, b5), n->printable,
			r->g.has_inline ? report_inline_label(r, id) : "");
	}
	return ferror(out) ? 1 : 0;
}
