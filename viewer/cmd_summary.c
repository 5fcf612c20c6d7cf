/* cmd_summary: `allocprof summary` (not written yet). */
#include <stdio.h>

#include "commands.h"

int cmd_summary(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "allocprof: 'summary' is not implemented yet\n");
	return 2;
}
