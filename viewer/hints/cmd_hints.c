/* cmd_hints: `allocprof hints` (not written yet). */
#include <stdio.h>

#include "commands.h"

int cmd_hints(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "allocprof: 'hints' is not implemented yet\n");
	return 2;
}
