/* pprof_write: encodes the in-memory profile as profile.proto, optionally
 * gzipped, the format go tool pprof and every pprof consumer reads. */
#ifndef ALLOCPROF_PPROF_WRITE_H
#define ALLOCPROF_PPROF_WRITE_H

#include <stdbool.h>
#include <stddef.h>

#include "pbuf.h"
#include "profile.h"

/* Appends the uncompressed encoding to out. Returns 0, -ENOMEM, or -EFBIG
 * when the profile is beyond what the reader accepts (pprof_limits.h). */
int pprof_encode(const struct profile *p, struct pbuf *out);
/* Encodes and gzips into out. */
int pprof_encode_gzip(const struct profile *p, struct pbuf *out);

/* Samples made one at a time while the profile is encoded, after its own:
 * next fills *s (locations, p->ntypes values, labels; valid until the next
 * call) and returns false at the end. A profile with a sample per stack of
 * a large stack table never holds them all. next may add strings to the
 * profile (profile_cstr): the string table is encoded after the samples. */
struct pprof_sample {
	const uint32_t *locs;
	size_t nlocs;
	const int64_t *values;
	const struct pf_label *labels;
	size_t nlabels;
};
struct pprof_sample_source {
	bool (*next)(void *ctx, struct pprof_sample *s);
	void *ctx;
};
/* pprof_encode_gzip with more samples from a source (NULL: none). */
int pprof_encode_gzip_with(const struct profile *p, const struct pprof_sample_source *more,
			   struct pbuf *out);
/* Encodes, gzips and writes all of it to fd. Returns 0 or -errno. */
int pprof_write_fd(const struct profile *p, int fd);
/* Encodes, gzips and writes to path ("-" is standard output) through a
 * temporary file renamed over path when complete (see safefile.h), so path
 * never holds half a profile. Returns 0 or -errno. */
int pprof_write_file(const struct profile *p, const char *path);
/* The message for a negative return of the functions above. */
const char *pprof_write_strerror(int rc);

#endif
