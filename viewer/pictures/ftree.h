/* ftree: the call tree a flame graph draws: a node per distinct path of
 * frames (the report's nodes, pprof's names) with the value of the samples
 * through it, and optionally a base profile's value on the same path. */
#ifndef ALLOCPROF_PICTURES_FTREE_H
#define ALLOCPROF_PICTURES_FTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmap.h"
#include "strtab.h"
#include "report.h"

#define FT_NONE UINT32_MAX

struct fnode {
	uint32_t name;            /* id in names: pprof's printable name */
	uint32_t parent, child, sibling; /* FT_NONE when absent */
	uint32_t depth;           /* the root is 0 */
	int64_t value, base;
};

struct ftree {
	struct strtab names; /* full names, then the short labels */
	uint32_t *label;     /* name id -> id of the label drawn in the frame */
	size_t cap_label;
	struct fnode *n;     /* n[0] is the root */
	size_t nn, cap;
	struct hmap index;   /* (parent, name) -> node */
	uint32_t maxdepth;
	int64_t total, base_total; /* report totals, the 100% of percentages */
	bool has_base;
	size_t negative;     /* samples left out for a negative value */
};

/* The root alone. 0 or -ENOMEM. */
int ftree_init(struct ftree *t);
void ftree_release(struct ftree *t);

/* Adds the samples of an open report (its sample type, filters and node
 * granularity) as the new profile, or as the base. Samples of a diff
 * profile labelled pprof::base count, negated, as the base. 0 or -ENOMEM. */
int ftree_add(struct ftree *t, const struct report *r, bool as_base);

static inline const char *ftree_name(const struct ftree *t, uint32_t node)
{
	return strtab_get(&t->names, t->n[node].name);
}
static inline const char *ftree_label(const struct ftree *t, uint32_t node)
{
	return strtab_get(&t->names, t->label[t->n[node].name]);
}

/* The children of node sorted by name (the left-to-right order of the
 * frames), into a malloc'd array; *count set. NULL with *count 0 when there
 * are none or memory ran out (*nomem tells). */
uint32_t *ftree_children(const struct ftree *t, uint32_t node, size_t *count, bool *nomem);

#endif
