/* cmd_help: `allocprof help` (not written yet). */
#include <stdio.h>

#include "commands.h"

int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "allocprof: 'help' is not implemented yet\n");
	return 2;
}
