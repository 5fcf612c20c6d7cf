/* envvars: the ALLOCPROF_* variables the shim reads, one line each: name,
 * the config field it sets, type, default (as a value and as shown), range
 * and help. The shim's parser (preload/config.c) and `allocprof help`
 * (viewer/usage.c) are made from it; a test holds the README to it. */
#ifndef ALLOCPROF_ENVVARS_H
#define ALLOCPROF_ENVVARS_H

#include <stdint.h>

enum envvar_type {
	ENVVAR_SIZE,     /* unsigned decimal, k/m/g binary suffixes (uint64_t) */
	ENVVAR_COUNT,    /* the same, stored as unsigned */
	ENVVAR_SEED,     /* a size; unset means a random seed */
	ENVVAR_BOOL,     /* 1/yes/true/on or 0/no/false/off */
	ENVVAR_SECONDS,  /* decimal seconds ("0.5"), stored as nanoseconds */
	ENVVAR_SIGNAL,   /* a name (USR1, SIGUSR1) or a number */
	ENVVAR_TEMPLATE, /* the output path template */
	ENVVAR_PATH,     /* a path, stored as given */
	ENVVAR_AMOUNT,   /* a size as ENVVAR_SIZE, or a share "N%" (struct config_amount) */
};

/* X(NAME, field, type, default, shown default, min, max, help): the
 * variable is ALLOCPROF_NAME; the shown default is what the help, the
 * README and the line about a bad value say; min and max bound the
 * numeric types (SIZE, COUNT, SEED) and are 0 for the others. */
#define ALLOCPROF_ENVVARS(X)                                                                          \
	X(RATE, rate, ENVVAR_SIZE, 524288, "524288", 1, UINT64_MAX,                                   \
	  "mean bytes between samples; 1 records every allocation exactly; k/m/g suffixes accepted")  \
	X(OUT, out, ENVVAR_TEMPLATE, 0, "allocprof.%e.%p.pb.gz", 0, 0,                                \
	  "output path template: %p pid, %e program name, %n dump sequence number, %% a percent "     \
	  "sign; relative to the working directory at start; a directory (dir/) gets the default "    \
	  "name inside")                                                                              \
	X(SEED, seed, ENVVAR_SEED, 0, "random", 0, UINT64_MAX,                                        \
	  "seed of the sampler, for reproducible profiles")                                           \
	X(DEPTH, depth, ENVVAR_COUNT, 64, "64", 1, 1024, "stack frames kept per sample (1-1024)")     \
	X(SYMBOLIZE, symbolize, ENVVAR_BOOL, 1, "1", 0, 0, "0 leaves function names out of the profile") \
	X(VERBOSE, verbose, ENVVAR_BOOL, 0, "0", 0, 0,                                                \
	  "1 prints \"allocprof: wrote FILE\" on stderr after each profile")                          \
	X(INTERVAL, interval_ns, ENVVAR_SECONDS, 0, "0", 0, 0,                               \
	  "seconds between numbered snapshots (the default output becomes "                           \
	  "allocprof.%e.%p.%n.pb.gz); after SIGKILL at most one interval is lost")                    \
	X(SIGNAL, dump_signal, ENVVAR_SIGNAL, 0, "none", 0, 0,                                        \
	  "a signal (USR1, USR2, HUP, PROF, URG, WINCH or a number) that writes a snapshot; faults "   \
	  "(SEGV, BUS, ILL, FPE, TRAP, SYS, ABRT) and 32-33 are refused")                             \
	X(ON_CRASH, on_crash, ENVVAR_BOOL, 0, "0", 0, 0,                                              \
	  "1 writes an (unsymbolized) profile on a crash (SEGV, BUS, ILL, FPE, ABRT, TRAP, SYS, "     \
	  "QUIT, XCPU, XFSZ), then dies by it")                                                       \
	X(ON_TERM, on_term, ENVVAR_BOOL, 1, "1", 0, 0,                                                \
	  "on a signal that ends the program (TERM, INT, HUP, PIPE, ALRM, USR1, USR2) left at its "   \
	  "default, the profile is written first, then the program dies by it; 0 leaves those "       \
	  "signals alone")                                                                            \
	X(CHILDREN, children, ENVVAR_BOOL, 1, "1", 0, 0,                                              \
	  "0 keeps the shim out of the programs this one starts")                                     \
	X(UNWIND_CACHE, unwind_cache, ENVVAR_BOOL, 1, "1", 0, 0,                                      \
	  "with ALLOCPROF_RATE=1, a call chain seen before is checked against the stack and read "    \
	  "back instead of unwound again; 0 unwinds every stack with libunwind")                      \
	X(UNWIND, unwind, ENVVAR_PATH, 0, "cfi", 0, 0,                                                \
	  "with ALLOCPROF_RATE=1, cfi unwinds from the modules' .eh_frame (libunwind takes the "     \
	  "stacks it cannot follow), libunwind unwinds every stack with libunwind, check runs both " \
	  "on every stack and prints how many differ at exit")                                       \
	X(THREAD_LABELS, thread_labels, ENVVAR_BOOL, 1, "1", 0, 0,                                    \
	  "0 leaves the labels thread and tid off the samples (the program's own labels stay): "     \
	  "one stack record per stack instead of one per stack and thread, for programs with many " \
	  "threads running the same code at ALLOCPROF_RATE=1")                                       \
	X(SHORT_NS, short_ns, ENVVAR_SIZE, 1000000, "1000000", 0, UINT64_MAX,                         \
	  "a block freed within this many nanoseconds counts in "                                     \
	  "short_lived_objects/short_lived_space")                                                    \
	X(MANIFEST, manifest, ENVVAR_PATH, 0, "unset", 0, 0,                                          \
	  "regular file to which each profiled process appends a NUL-separated record per profile "   \
	  "written, and one when it sampled nothing (set by allocprof run); with ALLOCPROF_STAT, one " \
	  "\"stat\" record of its counts at exit (set by allocprof stat)")                              \
	X(PEAK_STEP, peak_step, ENVVAR_AMOUNT, 0, "0", 0, 0,                                        \
	  "while the program runs, rewrite the peak profile (.peak.pb.gz, unsymbolized) each time "  \
	  "the in-use peak grows by this many bytes (k/m/g) or this share of the last one written "   \
	  "(\"10%\", at least 1 MiB), so SIGKILL or the OOM killer leaves it; 0: only at exit")     \
	X(PEAK_RSS, peak_rss, ENVVAR_AMOUNT, 0, "0", 0, 0,                                          \
	  "the first time RSS reaches this many bytes (k/m/g), or this share (\"80%\") of the "      \
	  "cgroup's memory.max (of physical memory without one), rewrite the peak profile; 0: never") \
	X(STAT, stat, ENVVAR_BOOL, 0, "0", 0, 0,                                                      \
	  "1 never samples nor unwinds: the process keeps only its exact counts (allocations, "       \
	  "bytes, frees, usable bytes in use and their peak) and writes them at exit to "             \
	  "ALLOCPROF_MANIFEST, or as one line on stderr (set by allocprof stat)")

#endif
