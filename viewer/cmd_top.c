/* cmd_top: `allocprof top`, the table of go tool pprof -top. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "report.h"
#include "table.h"

int cmd_top(int argc, char **argv)
{
	struct cli c;
	int rc = cli_parse(argc, argv, CLI_SAMPLE | CLI_BY | CLI_SITES | CLI_SORT | CLI_NODES | CLI_FILTER, &c);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (c.nargs != 1)
		return cli_usage_error(argv[0], c.nargs ? "one profile at a time" : "no profile given");
	struct profile p;
	if (cli_load(c.args[0], &p))
		return 1;
	struct report r;
	rc = report_open(&r, &p, &c.r);
	if (!rc)
		rc = table_print(&r, stdout, true);
	if (!rc)
		report_hint_names(&r, c.args[0]);
	report_close(&r);
	profile_release(&p);
	return rc;
}
