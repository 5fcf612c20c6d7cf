/* cmd_peek: `allocprof peek` (not written yet). */
#include <stdio.h>

#include "commands.h"

int cmd_peek(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "allocprof: 'peek' is not implemented yet\n");
	return 2;
}
