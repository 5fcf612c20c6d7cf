/* outfile: output names and safe creation. A profile is written to a fresh
 * temporary file in the target directory and then linked into place, so a
 * reader never sees half a file, a symlink at the target is never followed,
 * and an existing file is never overwritten (a numeric suffix is added),
 * except by the process that wrote it (outfile_replace). */
#ifndef ALLOCPROF_OUTFILE_H
#define ALLOCPROF_OUTFILE_H

#include <stddef.h>

/* Expands %p (pid), %e (program name), %n (dump sequence), %% in tmpl.
 * Returns 0 or -ENAMETOOLONG. */
int outfile_expand(const char *tmpl, unsigned seq, char *out, size_t cap);
/* The peak profile's name: %n becomes "peak"; a template without %n gets
 * ".peak" before ".pb.gz" (or at the end). 0 or -ENAMETOOLONG. */
int outfile_expand_peak(const char *tmpl, char *out, size_t cap);
/* Writes data to path (or path with a suffix, returned in final). 0/-errno. */
int outfile_write(const char *path, const void *data, size_t len, char *final, size_t cap);

/* Writes data to a temporary file and renames it over path: for a file this
 * process wrote itself and rewrites in place. 0/-errno. */
int outfile_replace(const char *path, const void *data, size_t len);

#endif
