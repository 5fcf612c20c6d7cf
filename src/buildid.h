/* buildid: what allocprof reads from an ELF file's headers with pread into
 * stack buffers (no allocation): the GNU build ID that labels a mapping, and
 * whether a program can be profiled at all (dynamically linked, not Go). */
#ifndef ALLOCPROF_BUILDID_H
#define ALLOCPROF_BUILDID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { BUILDID_MAX = 64 };

/* Returns the build ID length (> 0), or -errno (-ENOENT if there is none). */
int buildid_read_fd(int fd, uint8_t *out, size_t cap);
int buildid_read_path(const char *path, uint8_t *out, size_t cap);
struct elf_facts {
	bool elf;     /* a 64-bit little-endian ELF file */
	bool dynamic; /* has an interpreter (PT_INTERP): LD_PRELOAD can reach it */
	bool go;      /* built by the Go toolchain (its "Go" build ID note) */
};
/* 0 or -errno. */
int elf_facts_path(const char *path, struct elf_facts *f);

/* Lower-case hex, NUL-terminated; hex must hold 2 * n + 1 bytes. */
void buildid_hex(const uint8_t *id, size_t n, char *hex);

#endif
