/* peakwatch: when the collector thread rewrites the peak profile while the
 * program runs: each time the in-use peak grows by ALLOCPROF_PEAK_STEP past
 * the one last written, and once when RSS reaches ALLOCPROF_PEAK_RSS. */
#ifndef ALLOCPROF_PEAKWATCH_H
#define ALLOCPROF_PEAKWATCH_H

#include <stdbool.h>
#include <stdint.h>

/* Either variable is set: the collector thread must run. */
bool peakwatch_enabled(void);
/* On the collector thread, after a drain, without the collector lock: reads
 * the totals (and RSS every 10 ms) and writes the peak profile when due. */
void peakwatch_poll(void);
/* In a forked child: its peak starts from nothing. */
void peakwatch_fork_child(void);

/* What a share of ALLOCPROF_PEAK_RSS is a share of: the smallest memory
 * limit of the cgroups the process is in (v2 memory.max, v1
 * memory.limit_in_bytes), else physical memory. *from says which. */
uint64_t peakwatch_memory_limit(const char **from);

#endif
