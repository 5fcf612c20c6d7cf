/* cmd_graph: `allocprof graph` (not written yet). */
#include <stdio.h>

#include "commands.h"

int cmd_graph(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "allocprof: 'graph' is not implemented yet\n");
	return 2;
}
