/* dump: turns the collector's tables into a pprof profile and writes it.
 * Called with the guard held, from exit, an interval, a signal or the API. */
#ifndef ALLOCPROF_DUMP_H
#define ALLOCPROF_DUMP_H

#include <stdbool.h>
#include <stdint.h>

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
/* From the collector thread: the in-use profile at the peak so far,
 * unsymbolized, over the peak file (a new one the first time). trigger
 * names the cause in the profile ("step", "rss"); *inuse gets the in-use
 * bytes it holds. Nothing is written when, after the drain, the peak is
 * below at_least (the step was seen before frees that undo it). 0 or
 * -errno (reported). */
int dump_write_peak(const char *trigger, uint64_t *inuse, uint64_t at_least);
/* In a forked child: the peak file so far is the parent's. */
void dump_fork_child(void);
/* A signal that ends the program, taken where the interrupted thread holds
 * no lock of an allocator (its own write raised SIGPIPE): the exit dump,
 * symbols and peak included, with the signal as its reason. */
int dump_write_ending(int sig);
/* From a signal handler that may have interrupted anything (a crash, or an
 * ending signal sent from outside): no symbolization, no lock it cannot
 * get, no allocator but a fresh mapping. fatal: a crash, not a request. */
void dump_write_crash(int sig, bool fatal);

#endif
