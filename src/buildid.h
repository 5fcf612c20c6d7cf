/* buildid: reads the GNU build ID note of an ELF file with pread into stack
 * buffers (no allocation), so the shim can label its mappings. */
#ifndef ALLOCPROF_BUILDID_H
#define ALLOCPROF_BUILDID_H

#include <stddef.h>
#include <stdint.h>

enum { BUILDID_MAX = 64 };

/* Returns the build ID length (> 0), or -errno (-ENOENT if there is none). */
int buildid_read_fd(int fd, uint8_t *out, size_t cap);
int buildid_read_path(const char *path, uint8_t *out, size_t cap);
/* Lower-case hex, NUL-terminated; hex must hold 2 * n + 1 bytes. */
void buildid_hex(const uint8_t *id, size_t n, char *hex);

#endif
