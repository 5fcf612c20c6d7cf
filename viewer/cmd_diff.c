/* cmd_diff: `allocprof diff` (not written yet). */
#include <stdio.h>

#include "commands.h"

int cmd_diff(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "allocprof: 'diff' is not implemented yet\n");
	return 2;
}
