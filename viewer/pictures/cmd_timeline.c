/* cmd_timeline: `allocprof timeline` (not written yet). */
#include <stdio.h>

#include "commands.h"

int cmd_timeline(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "allocprof: 'timeline' is not implemented yet\n");
	return 2;
}
