/* dump: turns the collector's tables into a pprof profile and writes it.
 * Called with the guard held, from exit, an interval, a signal or the API. */
#ifndef ALLOCPROF_DUMP_H
#define ALLOCPROF_DUMP_H

#include <stdbool.h>

enum dump_reason { DUMP_EXIT, DUMP_INTERVAL, DUMP_SIGNAL, DUMP_API };

/* path NULL: expand ALLOCPROF_OUT. Returns 0 or -errno (already reported
 * on stderr). */
int dump_write(const char *path, enum dump_reason why);

#endif
