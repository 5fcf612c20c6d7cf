/* elfpages: gives back the pages of an ELF file's mapping that libelf no
 * longer reads. libdw decompresses every compressed debug section into memory
 * of its own when it opens a file, and the compressed bytes, read once, stay
 * resident in the file's mapping (libc6-dbg's libc.so.6: 4 MiB of 4). */
#ifndef ALLOCPROF_ELFPAGES_H
#define ALLOCPROF_ELFPAGES_H

#include <libelf.h>
#include <stddef.h>

/* Drops from memory the whole pages of e's mapping that lie only in the
 * file ranges of sections whose data now lives elsewhere (decompressed);
 * a later read of them would fault the file's bytes back in. Does nothing
 * unless e is read through a mapping of its file. Returns the bytes given
 * back. */
size_t elfpages_release_copied(Elf *e);

#endif
