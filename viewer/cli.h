/* cli: the options the report commands share, in GNU spelling (--by line,
 * -n 20) and pprof's (-lines, -nodecount=20), parsed in one place; and
 * loading a profile with one clear error line. */
#ifndef ALLOCPROF_CLI_H
#define ALLOCPROF_CLI_H

#include <stdbool.h>

#include "profile.h"
#include "report.h"

/* Which option groups a command accepts. */
enum {
	CLI_SAMPLE = 1 << 0, /* --sample-index and pprof's -alloc_space ... */
	CLI_BY = 1 << 1,     /* --by, -lines, -functions, ..., --noinlines */
	CLI_SORT = 1 << 2,   /* --cum, --flat */
	CLI_NODES = 1 << 3,  /* -n, --nodefraction, --edgefraction */
	CLI_FILTER = 1 << 4, /* --focus, --ignore */
	CLI_OUTPUT = 1 << 5, /* -o FILE */
	CLI_SOURCE = 1 << 6, /* --source-path, --context */
	CLI_DIFF = 1 << 7,   /* --diff-base */
	CLI_SITES = 1 << 8,  /* --by site */
};

struct cli {
	struct ropts r;
	const char *output, *source_path, *diff_base;
	int context;
	char **args; /* the operands */
	int nargs;
};

/* Parses argv (argv[0] is the command) with the given groups allowed and
 * pprof's defaults for top. Returns 0 to go on, 2 after printing a usage
 * error, or -1 after printing the command's help (exit 0). */
int cli_parse(int argc, char **argv, unsigned groups, struct cli *c);

/* "allocprof CMD: MESSAGE" plus a pointer to the help, status 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reads a profile and applies its drop_frames. 0, or 1 after printing
 * "allocprof: PATH: what is wrong". */
int cli_load(const char *path, struct profile *p);

/* For REGEX PROFILE commands (list, peek): compiles c->args[0] and loads
 * c->args[1]. 0, and the caller releases both; or the exit status after
 * saying what is wrong (2: the expression, 1: the file), nothing held. */
int cli_load_regex(const struct cli *c, struct rx *re, struct profile *p);

#endif
