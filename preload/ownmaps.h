/* ownmaps: the address ranges of the shim's own page mappings (arena
 * chunks, rings, tables), so a dump can say how much of the process's RSS
 * is allocprof's. Each is marked MADV_DONTDUMP: the kernel then never
 * merges it with a mapping of the program's, and smaps can tell them apart
 * (and a core dump of the program leaves them out). */
#ifndef ALLOCPROF_OWNMAPS_H
#define ALLOCPROF_OWNMAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Called by whoever maps or unmaps: lock-free (a claimed slot per range),
 * so fork in another thread can never leave it held. */
void ownmaps_note(void *start, size_t size);
void ownmaps_forget(void *start);

/* Dump time: true when [start, end) holds one of the noted ranges. */
bool ownmaps_overlaps(uint64_t start, uint64_t end);
/* Bytes mapped while the table was full, whose ranges are not known. */
uint64_t ownmaps_untracked(void);

#endif
