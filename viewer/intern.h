/* intern: the viewer's string table. Strings with equal bytes get the same
 * small id, so nodes of the report graph compare names by id, across
 * profiles whose own string tables differ. Id 0 is "". */
#ifndef ALLOCPROF_INTERN_H
#define ALLOCPROF_INTERN_H

#include <stddef.h>
#include <stdint.h>

#include "hmap.h"

struct intern {
	const char **strs;
	uint32_t *lens;
	size_t n, cap;
	struct hmap index;
	struct intern_chunk *chunks;
	int failed; /* sticky: out of memory */
};

void intern_init(struct intern *t);
void intern_release(struct intern *t);
/* Returns the id of s (copied on first sight); 0 with t->failed set when
 * memory runs out. */
uint32_t intern_bytes(struct intern *t, const char *s, size_t len);
uint32_t intern_str(struct intern *t, const char *s);
static inline const char *intern_get(const struct intern *t, uint32_t id)
{
	return t->strs[id];
}

#endif
