/* cmd_diff: `allocprof diff`, the benchcmp view of two profiles (totals old,
 * new, delta, delta%) and the top table of NEW - BASE, which is
 * go tool pprof -top -diff_base BASE NEW row for row. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "kinds.h"
#include "merge.h"
#include "pprof_write.h"
#include "report.h"
#include "table.h"
#include "units.h"

static int64_t type_total(const struct profile *p, int t)
{
	int64_t sum = 0;
	for (size_t s = 0; t >= 0 && s < p->nsamples; s++)
		sum = i64_add(sum, p->values[s * p->ntypes + (size_t)t]);
	return sum;
}

static void totals(const struct profile *base, const struct profile *new_)
{
	int w = 4;
	for (size_t t = 0; t < new_->ntypes; t++) {
		int n = (int)strlen(profile_str(new_, new_->sample_types[t].type));
		if (n > w)
			w = n;
	}
	printf("%-*s %12s %12s %12s %9s\n", w, "type", "base", "new", "delta", "delta%");
	for (size_t t = 0; t < new_->ntypes; t++) {
		const char *type = profile_str(new_, new_->sample_types[t].type);
		const char *unit = profile_str(new_, new_->sample_types[t].unit);
		int bt = profile_sample_type_index(base, type);
		int64_t old = type_total(base, bt), now = type_total(new_, (int)t);
		int64_t delta = i64_add(now, i64_neg(old));
		char b1[UNITS_BUF], b2[UNITS_BUF], b3[UNITS_BUF], pct[UNITS_BUF];
		if (bt < 0)
			snprintf(pct, sizeof(pct), "-");
		else if (old == 0)
			snprintf(pct, sizeof(pct), delta ? "+inf%%" : "~");
		else
			snprintf(pct, sizeof(pct), "%+.2f%%", (double)delta / (double)old * 100);
		printf("%-*s %12s %12s %12s %9s\n", w, type,
		       bt < 0 ? "-" : units_label(old, unit, "auto", b1), units_label(now, unit, "auto", b2),
		       units_label(delta, unit, "auto", b3), pct);
	}
}

static int write_profile(const struct profile *p, const char *path)
{
	int rc = pprof_write_file(p, path);
	if (rc < 0) {
		fprintf(stderr, "allocprof: cannot write %s: %s\n", path, pprof_write_strerror(rc));
		return 1;
	}
	return 0;
}

int cmd_diff(int argc, char **argv)
{
	static const struct cli_spec spec = {
		CLI_SAMPLE | CLI_BY | CLI_SITES | CLI_SORT | CLI_NODES | CLI_FILTER | CLI_OUTPUT | CLI_DIFF, CLI_BASE_NEW,
		NULL};
	struct cli c;
	int rc;
	if (!cli_start(argc, argv, &spec, &c, &rc))
		return rc;
	const char *base_path = c.base_path, *new_path = c.path;
	struct profile *base = &c.base, *new_ = &c.p, diff;
	if (!kinds_comparable("diff", base, base_path, new_, new_path)) {
		cli_release(&c);
		return 1;
	}
	if (merge_diff(&diff, base, new_) < 0) {
		fprintf(stderr, "allocprof: out of memory\n");
		profile_release(&diff);
		cli_release(&c);
		return 1;
	}
	struct report r;
	rc = report_open(&r, &diff, &c.r);
	if (!rc && !kinds_both_have("diff", r.type, base, base_path, new_, new_path))
		rc = 1;
	else if (!rc) {
		kinds_warn_one_sided("diff", base, base_path, new_, new_path);
		static const char *const per[] = {"function", "file and function", "file", "line", "address"};
		printf("Base: %s\nNew:  %s\n", base_path, new_path);
		totals(base, new_);
		printf("\nRows: NEW - BASE per %s, sorted by the size of the change; %% of the BASE total.\n",
		       c.r.by_site ? "site (see 'allocprof help top')" : per[c.r.gran]);
		rc = table_print(&r, stdout, false);
	}
	report_close(&r);
	if (!rc && c.output)
		rc = write_profile(&diff, c.output);
	profile_release(&diff);
	cli_release(&c);
	return rc;
}
