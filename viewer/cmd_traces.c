/* cmd_traces: `allocprof traces` (not written yet). */
#include <stdio.h>

#include "commands.h"

int cmd_traces(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "allocprof: 'traces' is not implemented yet\n");
	return 2;
}
