/* pprof_write: encodes the in-memory profile as profile.proto, optionally
 * gzipped, the format go tool pprof and every pprof consumer reads. */
#ifndef ALLOCPROF_PPROF_WRITE_H
#define ALLOCPROF_PPROF_WRITE_H

#include "pbuf.h"
#include "profile.h"

/* Appends the uncompressed encoding to out. Returns 0, -ENOMEM, or -EFBIG
 * when the profile is beyond what the reader accepts (pprof_limits.h). */
int pprof_encode(const struct profile *p, struct pbuf *out);
/* Encodes and gzips into out. */
int pprof_encode_gzip(const struct profile *p, struct pbuf *out);
/* Encodes, gzips and writes all of it to fd. Returns 0 or -errno. */
int pprof_write_fd(const struct profile *p, int fd);
/* Encodes, gzips and writes to path ("-" is standard output) through a
 * temporary file renamed over path when complete (see safefile.h), so path
 * never holds half a profile. Returns 0 or -errno. */
int pprof_write_file(const struct profile *p, const char *path);
/* The message for a negative return of the functions above. */
const char *pprof_write_strerror(int rc);

#endif
