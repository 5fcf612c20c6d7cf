/* pprof_read: decodes a gzipped or plain profile.proto into the in-memory
 * profile, validating every length, index and id. Hostile input gets an
 * error message, never a crash, a hang or memory beyond a fixed multiple of
 * the input size. */
#ifndef ALLOCPROF_PPROF_READ_H
#define ALLOCPROF_PPROF_READ_H

#include <stddef.h>
#include <stdint.h>

#include "pprof_limits.h"
#include "profile.h"

struct pprof_error {
	char msg[256];
};

/* Returns 0, or -1 with err->msg set; out is released on failure. */
int pprof_read_bytes(const uint8_t *data, size_t len, struct profile *out, struct pprof_error *err);
int pprof_read_file(const char *path, struct profile *out, struct pprof_error *err);

#endif
