/* outfile: where a picture is written. Output goes to a temporary file next
 * to the target and is renamed over it only when complete, so a failed or
 * interrupted run never leaves half a picture; "-" is standard output. */
#ifndef ALLOCPROF_PICTURES_OUTFILE_H
#define ALLOCPROF_PICTURES_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>

struct safefile;

struct outfile {
	FILE *f;
	char *path;
	struct safefile *sf; /* NULL for standard output */
};

/* 0 or -errno. */
int outfile_open(struct outfile *o, const char *path);
/* Flushes, closes and renames into place. 0 or -errno (the temporary file
 * is then removed). */
int outfile_commit(struct outfile *o);
void outfile_abort(struct outfile *o);

/* "dir/allocprof.prog.12.pb.gz" + ".flame.svg" -> "allocprof.prog.12.flame.svg"
 * (in the current directory). malloc'd, NULL when out of memory. */
char *outfile_default(const char *profile, const char *suffix);

/* Prints "allocprof CMD: wrote PATH" plus a note, on stderr (nothing for
 * standard output). */
void outfile_wrote(const char *cmd, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
