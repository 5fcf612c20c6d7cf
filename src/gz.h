/* gz: gzip compression (ISA-L's igzip, else zlib) and bounded decompression
 * (zlib), allocating through mem.h so the shim can use it without touching
 * the intercepted malloc. */
#ifndef ALLOCPROF_GZ_H
#define ALLOCPROF_GZ_H

#include <stdbool.h>
#include <stddef.h>

#include "pbuf.h"

bool gz_is_gzip(const void *data, size_t len);
/* Appends the gzip of in to out. Returns 0 or -ENOMEM. */
int gz_compress(const void *in, size_t len, struct pbuf *out);
/* The same in pieces, so the input never has to be whole in memory: begin
 * (NULL when out of memory), write any number of times, and finish, which
 * ends the stream, frees it and returns 0 or the first error (-ENOMEM,
 * -EINVAL) of the whole stream. */
struct gz_stream;
struct gz_stream *gz_stream_begin(struct pbuf *out);
void gz_stream_write(struct gz_stream *s, const void *in, size_t len);
int gz_stream_finish(struct gz_stream *s);
/* Appends the inflated content of a gzip stream (concatenated members
 * allowed) to out, refusing more than max_out bytes: 0, -EINVAL (corrupt or
 * truncated), -EFBIG (over max_out) or -ENOMEM. */
int gz_decompress(const void *in, size_t len, struct pbuf *out, size_t max_out);

#endif
