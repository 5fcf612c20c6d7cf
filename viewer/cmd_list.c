/* cmd_list: `allocprof list` (not written yet). */
#include <stdio.h>

#include "commands.h"

int cmd_list(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "allocprof: 'list' is not implemented yet\n");
	return 2;
}
