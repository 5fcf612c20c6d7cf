/* main: the `allocprof` command's dispatcher. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "usage.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage_overview(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage_overview(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("allocprof %s\n", ALLOCPROF_VERSION);
		return 0;
	}
	command_fn fn = command_lookup(argv[1]);
	if (fn)
		return fn(argc - 1, argv + 1);
	const char *near = command_nearest(argv[1]);
	if (near)
		fprintf(stderr, "allocprof: unknown command '%s'; did you mean '%s'? (see 'allocprof help')\n", argv[1],
			near);
	else
		fprintf(stderr, "allocprof: unknown command '%s' (see 'allocprof help')\n", argv[1]);
	return 2;
}
