/* debugcopy: a copy, in memory, of a debug file whose DWARF sections are
 * compressed, with those sections inflated by ISA-L. libdw inflates every
 * compressed debug section with zlib as it opens a file (libc6-dbg's
 * libc.so.6: 10 MB, the slowest part of a dump that symbolizes); given the
 * copy it has nothing to inflate, and the sections symbolization never
 * reads are left out. */
#ifndef ALLOCPROF_DEBUGCOPY_H
#define ALLOCPROF_DEBUGCOPY_H

/* A new descriptor (a memfd) holding the copy of the ELF file open at fd,
 * or -1 when there is nothing to inflate or the copy cannot be made (the
 * caller uses fd then). fd stays open and is not moved. */
int debugcopy_open(int fd);

#endif
