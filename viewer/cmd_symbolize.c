/* cmd_symbolize: `allocprof symbolize` (not written yet). */
#include <stdio.h>

#include "commands.h"

int cmd_symbolize(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "allocprof: 'symbolize' is not implemented yet\n");
	return 2;
}
