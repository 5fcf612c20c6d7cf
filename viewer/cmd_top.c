/* cmd_top: `allocprof top`, the table of go tool pprof -top. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "report.h"
#include "table.h"
#include "tags.h"

int cmd_top(int argc, char **argv)
{
	static const struct cli_spec spec = {
		CLI_SAMPLE | CLI_BY | CLI_SITES | CLI_SORT | CLI_NODES | CLI_FILTER | CLI_TAGS | CLI_MERGE, CLI_PROFILE,
		NULL};
	struct cli c;
	int rc;
	if (!cli_start(argc, argv, &spec, &c, &rc))
		return rc;
	struct report r;
	rc = report_open(&r, &c.p, &c.r);
	if (!rc && c.tags)
		rc = tags_report(stdout, r.p, r.value, r.unit, r.sample_on);
	else if (!rc)
		rc = table_print(&r, stdout, true);
	if (!rc)
		report_hint_names(&r, c.path);
	report_close(&r);
	cli_release(&c);
	return rc;
}
