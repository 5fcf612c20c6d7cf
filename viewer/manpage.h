/* manpage: allocprof(1) and allocprof-env(7) in roff, made from the help
 * texts of viewer/usage.c (and of the commands that print their own) and
 * the table of src/envvars.h, so the pages say what `allocprof help` says. */
#ifndef ALLOCPROF_MANPAGE_H
#define ALLOCPROF_MANPAGE_H

#include <stdio.h>

/* Each returns 0, or 1 when a command's help could not be read. */
int manpage_commands(FILE *out);
int manpage_env(FILE *out);

#endif
