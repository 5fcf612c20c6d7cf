/* allocstat: the allocator's own count of the bytes in use, read at a dump
 * to print beside the sampled estimate. glibc's mallinfo2 only, and only
 * when the malloc the shim forwards to is the one that function describes. */
#ifndef ALLOCPROF_ALLOCSTAT_H
#define ALLOCPROF_ALLOCSTAT_H

#include <stdbool.h>
#include <stdint.h>

/* Bytes the allocator has handed out and not taken back (its chunk headers
 * and rounding included), and the file name of the library that said so.
 * false when no such figure is available: another malloc (jemalloc,
 * tcmalloc) or a C library without mallinfo2. */
bool allocstat_inuse(uint64_t *bytes, const char **library);

#endif
