/* figures: the four totals an allocation budget holds (allocations, bytes,
 * peak in use, in use at exit), with how well each is known, and the same
 * per allocation site, read from a profile or from `allocprof stat --json`.
 * What `allocprof check` compares. */
#ifndef ALLOCPROF_FIGURES_H
#define ALLOCPROF_FIGURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { FIG_ALLOCS, FIG_BYTES, FIG_PEAK, FIG_INUSE, FIG_COUNT };

extern const char *const figure_names[FIG_COUNT]; /* allocs bytes peak inuse */

struct figure {
	int64_t value;
	bool known;   /* false: the input does not have it (a profile without a peak) */
	double sigma; /* one standard error; 0 when exact */
};

/* A site: the frame nearest the allocation outside the system's libraries
 * ("func file:line"), or the leaf frame when every frame is theirs. */
struct site_figures {
	char *name;
	int64_t allocs, bytes;
};

struct figures {
	struct figure f[FIG_COUNT];
	bool sampled;
	struct site_figures *sites;
	size_t nsites;
};

/* Reads a pprof profile (gzipped or not) or a `stat --json` file. 0, or 1
 * after saying on stderr what is wrong. */
int figures_load(const char *path, struct figures *out);
void figures_release(struct figures *f);
/* The site named name, or NULL. */
const struct site_figures *figures_site(const struct figures *f, const char *name);

#endif
