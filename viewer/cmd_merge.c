/* cmd_merge: `allocprof merge -o OUT PROFILE...`, the profiles merged into
 * one file as go tool pprof -proto merges them: the same samples, headers
 * combined (cli.h's CLI_MERGE, merge.h). */
#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "pprof_write.h"

int cmd_merge(int argc, char **argv)
{
	static const struct cli_spec spec = {CLI_OUTPUT | CLI_MERGE, CLI_PROFILE, NULL};
	struct cli c;
	int rc;
	if (!cli_start(argc, argv, &spec, &c, &rc))
		return rc;
	if (!c.output) {
		cli_release(&c);
		return cli_usage_error(argv[0], "-o OUT is needed: where to write the merged profile");
	}
	rc = pprof_write_file(&c.p, c.output);
	if (rc < 0)
		fprintf(stderr, "allocprof: cannot write %s: %s\n", c.output, pprof_write_strerror(rc));
	cli_release(&c);
	return rc < 0 ? 1 : 0;
}
