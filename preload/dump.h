/* dump: turns the collector's tables into a pprof profile and writes it.
 * Called with the guard held, from exit, an interval, a signal or the API. */
#ifndef ALLOCPROF_DUMP_H
#define ALLOCPROF_DUMP_H

#include <stdbool.h>

enum dump_reason {
	DUMP_EXIT,     /* exit, return from main, _exit: also writes the peak profile */
	DUMP_INTERVAL, /* ALLOCPROF_INTERVAL */
	DUMP_SIGNAL,   /* ALLOCPROF_SIGNAL */
	DUMP_API,      /* allocprof_dump() */
};

/* path NULL: expand ALLOCPROF_OUT. Returns 0 or -errno (already reported
 * on stderr). An exit dump of a process that sampled nothing writes
 * nothing. */
int dump_write(const char *path, enum dump_reason why);
/* From a fatal signal handler: no symbolization, no lock it cannot get,
 * no allocator but a fresh mapping. */
void dump_write_crash(int sig);

#endif
