/* main: the `allocprof` command's dispatcher. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "usage.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
} commands[] = {
	{"run", cmd_run},
	{"top", cmd_top},
	{"list", cmd_list},
	{"peek", cmd_peek},
	{"traces", cmd_traces},
	{"diff", cmd_diff},
	{"summary", cmd_summary},
	{"symbolize", cmd_symbolize},
	{"help", cmd_help},
};

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
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "allocprof: unknown command '%s' (see 'allocprof help')\n", argv[1]);
	return 2;
}
