/* dwindex: per unit, entries in DIE preorder, each with its parent and the
 * end of its subtree, so the entries nested in a function are contiguous;
 * and the ranges of the functions themselves, sorted. Lookup: binary search
 * the outermost function, then the last entry of its subtree (preorder) that
 * holds pc is the innermost inlined call. */
#include "dwindex.h"

#include <dwarf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "mem.h"

#define NO_ENTRY UINT32_MAX
enum { MAX_DEPTH = 256 };

struct entry {
	Dwarf_Die die;
	uint32_t parent, end; /* end: one past the last entry of the subtree */
	uint32_t range, nranges; /* into unit.ranges */
};

struct range {
	uint64_t low, high;
	uint32_t entry;
};

struct unit {
	struct entry *e;
	size_t ne, cap_e;
	struct range *ranges; /* every entry's, in entry order */
	size_t nranges, cap_ranges;
	struct range *roots;  /* the functions' own ranges, by low address */
	size_t nroots, cap_roots;
	bool failed;
};

struct dwindex {
	struct hmap by_cu; /* CU DIE offset -> units index */
	struct unit **units;
	size_t nunits, cap_units;
};

struct dwindex *dwindex_new(void)
{
	return mem_calloc(1, sizeof(struct dwindex));
}

static void unit_free(struct unit *u)
{
	if (!u)
		return;
	mem_free(u->e, u->cap_e * sizeof(*u->e));
	mem_free(u->ranges, u->cap_ranges * sizeof(*u->ranges));
	mem_free(u->roots, u->cap_roots * sizeof(*u->roots));
	mem_free(u, sizeof(*u));
}

void dwindex_free(struct dwindex *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->nunits; i++)
		unit_free(x->units[i]);
	mem_free(x->units, x->cap_units * sizeof(*x->units));
	hmap_release(&x->by_cu);
	mem_free(x, sizeof(*x));
}

/* Adds die as an entry if it has code; returns its index or NO_ENTRY. */
static uint32_t add_entry(struct unit *u, Dwarf_Die *die, uint32_t parent)
{
	size_t first = u->nranges;
	Dwarf_Addr base, start, end;
	ptrdiff_t off = 0;
	while ((off = dwarf_ranges(die, off, &base, &start, &end)) > 0) {
		if (end <= start)
			continue;
		if (MEM_GROW(u->ranges, u->cap_ranges, u->nranges + 1) < 0) {
			u->failed = true;
			return NO_ENTRY;
		}
		u->ranges[u->nranges++] = (struct range){start, end, (uint32_t)u->ne};
	}
	if (u->nranges == first)
		return NO_ENTRY; /* an abstract instance or a declaration */
	if (MEM_GROW(u->e, u->cap_e, u->ne + 1) < 0) {
		u->failed = true;
		return NO_ENTRY;
	}
	u->e[u->ne] = (struct entry){*die, parent, 0, (uint32_t)first, (uint32_t)(u->nranges - first)};
	return (uint32_t)u->ne++;
}

static void walk(struct unit *u, Dwarf_Die *parent_die, uint32_t parent, int depth)
{
	Dwarf_Die child;
	if (depth > MAX_DEPTH || u->failed || dwarf_child(parent_die, &child) != 0)
		return;
	do {
		int tag = dwarf_tag(&child);
		uint32_t me = parent;
		bool code = tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine;
		if (code) {
			/* a function (even a GNU C nested one) is a root: its code
			 * lies outside any enclosing function's ranges */
			me = add_entry(u, &child, tag == DW_TAG_subprogram ? NO_ENTRY : parent);
			if (me == NO_ENTRY)
				continue; /* nothing inside code-less functions has code */
		}
		if (dwarf_haschildren(&child))
			walk(u, &child, me, depth + 1);
		if (code)
			u->e[me].end = (uint32_t)u->ne;
	} while (!u->failed && dwarf_siblingof(&child, &child) == 0);
}

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	return x->low < y->low ? -1 : x->low > y->low;
}

static struct unit *unit_build(Dwarf_Die *cudie)
{
	struct unit *u = mem_calloc(1, sizeof(*u));
	if (!u)
		return NULL;
	Dwarf_Die cu = *cudie;
	walk(u, &cu, NO_ENTRY, 0);
	size_t n = 0;
	for (size_t i = 0; i < u->nranges; i++)
		n += u->e[u->ranges[i].entry].parent == NO_ENTRY;
	u->cap_roots = n ? n : 1;
	u->roots = mem_alloc(u->cap_roots * sizeof(*u->roots));
	if (!u->roots)
		u->cap_roots = 0;
	if (u->failed || !u->roots) {
		unit_free(u);
		return NULL;
	}
	u->nroots = n;
	n = 0;
	for (size_t i = 0; i < u->nranges; i++)
		if (u->e[u->ranges[i].entry].parent == NO_ENTRY)
			u->roots[n++] = u->ranges[i];
	qsort(u->roots, u->nroots, sizeof(*u->roots), cmp_range);
	return u;
}

static struct unit *unit_get(struct dwindex *x, Dwarf_Die *cudie)
{
	uint64_t key = dwarf_dieoffset(cudie);
	uint64_t i = hmap_get(&x->by_cu, key);
	if (i != HMAP_EMPTY)
		return x->units[i];
	if (MEM_GROW(x->units, x->cap_units, x->nunits + 1) < 0)
		return NULL;
	struct unit *u = unit_build(cudie);
	if (!u || hmap_insert(&x->by_cu, key, x->nunits) < 0) {
		unit_free(u);
		return NULL;
	}
	x->units[x->nunits++] = u;
	return u;
}

static bool holds(const struct unit *u, uint32_t e, uint64_t pc)
{
	for (uint32_t k = 0; k < u->e[e].nranges; k++) {
		const struct range *r = &u->ranges[u->e[e].range + k];
		if (r->low <= pc && pc < r->high)
			return true;
	}
	return false;
}

int dwindex_scopes(struct dwindex *x, Dwarf_Die *cudie, Dwarf_Addr pc, Dwarf_Die *out, int cap)
{
	struct unit *u = unit_get(x, cudie);
	if (!u)
		return -ENOMEM;
	/* the last function range starting at or below pc */
	size_t lo = 0, hi = u->nroots;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (u->roots[mid].low <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	uint32_t root = NO_ENTRY;
	/* roots rarely overlap; look a few back in case they do */
	for (size_t i = lo, k = 0; i > 0 && k < 8; i--, k++) {
		if (pc < u->roots[i - 1].high) {
			root = u->roots[i - 1].entry;
			break;
		}
	}
	if (root == NO_ENTRY)
		return 0;
	uint32_t best = root;
	for (uint32_t e = root + 1; e < u->e[root].end; e++) {
		if (holds(u, e, pc))
			best = e;
		else
			e = u->e[e].end - 1; /* nothing under e holds pc either */
	}
	int n = 0;
	for (uint32_t e = best; e != NO_ENTRY && n < cap; e = u->e[e].parent)
		out[n++] = u->e[e].die;
	return n;
}
