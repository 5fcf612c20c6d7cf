/* usage: the help text of every command and the table of ALLOCPROF_*
 * environment variables, kept in one place so `allocprof help`,
 * `allocprof CMD --help` and usage errors all say the same thing. */
#ifndef ALLOCPROF_USAGE_H
#define ALLOCPROF_USAGE_H

#include <stdbool.h>
#include <stdio.h>

struct envvar {
	const char *name, *dflt, *meaning;
};

extern const struct envvar usage_envvars[];
extern const size_t usage_nenvvars;

/* Prints the help of cmd; false if there is no such command or the
 * command prints its own (usage_known tells which). */
bool usage_print(FILE *out, const char *cmd);
bool usage_known(const char *cmd);
/* The i-th command in the overview's order: its name, one-line summary and
 * help text (NULL when the command prints its own); false past the last. */
bool usage_command(size_t i, const char **name, const char **summary, const char **text);
/* The overview: every command in one line, then the variables. */
void usage_overview(FILE *out);

#endif
