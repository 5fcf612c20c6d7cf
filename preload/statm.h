/* statm: the process's resident set size, read from /proc/self/statm. The
 * file is opened for each reading: a descriptor kept open would be the
 * program's to close, and the number it then reuses would be ours to read. */
#ifndef ALLOCPROF_STATM_H
#define ALLOCPROF_STATM_H

#include <stdint.h>

/* RSS in bytes, or 0 when the file cannot be read. No malloc; async-signal-safe. */
uint64_t statm_rss_bytes(void);

#endif
