/* gz: gzip compression and bounded decompression (zlib), allocating through
 * mem.h so the shim can use it without touching the intercepted malloc. */
#ifndef ALLOCPROF_GZ_H
#define ALLOCPROF_GZ_H

#include <stdbool.h>
#include <stddef.h>

#include "pbuf.h"

bool gz_is_gzip(const void *data, size_t len);
/* Appends the gzip of in to out. Returns 0 or -ENOMEM. */
int gz_compress(const void *in, size_t len, struct pbuf *out);
/* Appends the inflated content of a gzip stream (concatenated members
 * allowed) to out, refusing more than max_out bytes: 0, -EINVAL (corrupt or
 * truncated), -EFBIG (over max_out) or -ENOMEM. */
int gz_decompress(const void *in, size_t len, struct pbuf *out, size_t max_out);

#endif
