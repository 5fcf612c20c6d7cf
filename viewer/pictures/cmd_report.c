/* cmd_report: `allocprof report` (not written yet). */
#include <stdio.h>

#include "commands.h"

int cmd_report(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "allocprof: 'report' is not implemented yet\n");
	return 2;
}
