/* srcfile: finding and reading the source files `allocprof list`
 * annotates: in --source-path directories, then the current directory and
 * the profiled binaries' directories and their parents, as pprof does. */
#ifndef ALLOCPROF_SRCFILE_H
#define ALLOCPROF_SRCFILE_H

#include <stdbool.h>
#include <stddef.h>

struct srcfile {
	char *path; /* where it was found */
	char *text;
	size_t *line_off; /* line k (1-based) starts at text + line_off[k - 1] */
	size_t *line_len;
	size_t nlines;
};

/* Where to look: a colon-separated list from --source-path (may be NULL)
 * and the file names of the profile's binaries. */
struct srcpath {
	char **dirs;   /* searched with every suffix of the file name */
	size_t ndirs;
	char **roots;  /* searched, with their parents, with the name as given */
	size_t nroots;
};

int srcpath_init(struct srcpath *sp, const char *source_path, const char *const *binaries,
		 size_t nbinaries);
void srcpath_release(struct srcpath *sp);

/* Opens name; false when it cannot be found or read. */
bool srcfile_open(struct srcfile *f, const struct srcpath *sp, const char *name);
void srcfile_close(struct srcfile *f);

/* Line k (1-based) without its end of line, or NULL past the end. */
const char *srcfile_line(const struct srcfile *f, size_t k, size_t *len);

#endif
