/* allocstat: the allocator's own figures, read at a dump: the bytes in use
 * to print beside the sampled estimate, and what the RSS breakdown needs
 * (rssmap.c). glibc's mallinfo2, jemalloc's mallctl, tcmalloc's
 * MallocExtension, each only when the malloc the shim forwards to is theirs. */
#ifndef ALLOCPROF_ALLOCSTAT_H
#define ALLOCPROF_ALLOCSTAT_H

#include <stdbool.h>
#include <stdint.h>

/* Bytes the allocator has handed out and not taken back (its chunk headers
 * and rounding included), and the file name of the library that said so.
 * false when no such figure is available: another malloc (jemalloc,
 * tcmalloc) or a C library without mallinfo2. */
bool allocstat_inuse(uint64_t *bytes, const char **library);

enum allocstat_kind { ALLOCSTAT_GLIBC, ALLOCSTAT_JEMALLOC, ALLOCSTAT_TCMALLOC };

struct allocstat {
	enum allocstat_kind kind;
	const char *library; /* file name of the allocator's library */
	uint64_t inuse;      /* handed out and not taken back */
	/* glibc: bytes in chunks of their own mapping (mallinfo2's hblkhd),
	 * anonymous mappings smaps cannot tell from the program's */
	uint64_t mmapped;
	/* jemalloc, tcmalloc: the allocator's own count of its resident
	 * pages, all in anonymous mappings; 0 for glibc */
	uint64_t resident;
};
/* false when the malloc in use is none of those three. */
bool allocstat_read(struct allocstat *s);

#endif
