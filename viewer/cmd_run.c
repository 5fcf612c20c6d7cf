/* cmd_run: `allocprof run` (not written yet). */
#include <stdio.h>

#include "commands.h"

int cmd_run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "allocprof: 'run' is not implemented yet\n");
	return 2;
}
