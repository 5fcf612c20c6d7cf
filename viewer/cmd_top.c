/* cmd_top: `allocprof top` (not written yet). */
#include <stdio.h>

#include "commands.h"

int cmd_top(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "allocprof: 'top' is not implemented yet\n");
	return 2;
}
