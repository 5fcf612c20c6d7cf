/* strtab: the one string interner of allocprof. Equal bytes get the same
 * small id, handed out in order from 0 (which is ""); the strings live in
 * chunks that never move. Used by the profile, the symbolizer and the viewer. */
#ifndef ALLOCPROF_STRTAB_H
#define ALLOCPROF_STRTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmap.h"

struct strtab {
	const char **strs; /* id -> NUL-terminated copy; strs[0] is "" */
	uint32_t *lens;    /* id -> length */
	size_t n, cap;
	bool failed; /* sticky: out of memory */
	uint64_t seed; /* of the index: per table, not guessable */
	struct hmap index; /* hash -> id */
	struct strtab_chunk *chunks;
};

void strtab_init(struct strtab *t);
void strtab_release(struct strtab *t);

/* The id of s (copied on first sight): 0 for "", and 0 with t->failed set
 * when memory runs out. */
uint32_t strtab_intern(struct strtab *t, const char *s, size_t len);
uint32_t strtab_intern_cstr(struct strtab *t, const char *s); /* NULL is "" */
/* Adds s as a new id without looking for it (a pprof reader keeps the file's
 * table as it is); strtab_reindex then makes later interning find it. */
uint32_t strtab_append(struct strtab *t, const char *s, size_t len);
/* Rebuilds the index from the table. 0 or -ENOMEM. */
int strtab_reindex(struct strtab *t);

static inline const char *strtab_get(const struct strtab *t, uint32_t id)
{
	return t->strs[id];
}

#endif
