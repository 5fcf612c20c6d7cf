/* cmd_flame: `allocprof flame` (not written yet). */
#include <stdio.h>

#include "commands.h"

int cmd_flame(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "allocprof: 'flame' is not implemented yet\n");
	return 2;
}
