/* table: the flat/flat%/sum%/cum/cum% table of top and diff, printed the
 * way go tool pprof -top prints it. */
#ifndef ALLOCPROF_TABLE_H
#define ALLOCPROF_TABLE_H

#include <stdbool.h>
#include <stdio.h>

#include "report.h"

/* Trims the report's graph, picks the unit, and prints header and rows. */
int table_print(struct report *r, FILE *out, bool profile_labels);

#endif
