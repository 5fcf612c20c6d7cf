/* pprof_limits: the bounds the reader enforces on a profile, in one place so
 * every writer (the shim's, symbolize, diff -o) refuses to produce a file
 * beyond them rather than one allocprof would then refuse to read. */
#ifndef ALLOCPROF_PPROF_LIMITS_H
#define ALLOCPROF_PPROF_LIMITS_H

#include <stddef.h>

/* Largest uncompressed profile accepted (the inflate bound). The model takes
 * up to ~16 bytes per input byte, so this bounds memory at about 4 GiB; real
 * profiles, even exact ones of big programs, are a few MiB. */
#define PPROF_READ_MAX_BYTES ((size_t)256 << 20)
/* Most comments a profile may carry. One comment costs a byte in the file
 * and a line in a report, so their number is bounded apart from the size;
 * allocprof writes about ten. */
#define PPROF_MAX_COMMENTS 4096

#endif
