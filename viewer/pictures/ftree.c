/* ftree: nodes in one array, found by a hash of (parent, name); a sample is
 * a walk from the root through its frames, outermost first, adding its
 * value to every node on the way. */
#include "ftree.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "gopath.h"
#include "shorten.h"
#include "units.h"
#include "mem.h"

static int grow_labels(struct ftree *t, size_t need)
{
	if (need <= t->cap_label)
		return 0;
	size_t cap = t->cap_label ? t->cap_label : 256;
	while (cap < need)
		cap *= 2;
	uint32_t *l = realloc(t->label, cap * sizeof(*l));
	if (!l)
		return -ENOMEM;
	t->label = l;
	t->cap_label = cap;
	return 0;
}

static uint64_t key_hash(uint32_t parent, uint32_t name)
{
	return hash_mix64(((uint64_t)parent << 32 | name) ^ 0x9e3779b97f4a7c15ULL);
}

static int64_t add_node(struct ftree *t, uint32_t parent, uint32_t name)
{
	if (MEM_GROW(t->n, t->cap, t->nn + 1) < 0)
		return -ENOMEM;
	struct fnode *nd = &t->n[t->nn];
	memset(nd, 0, sizeof(*nd));
	nd->name = name;
	nd->parent = parent;
	nd->child = nd->sibling = FT_NONE;
	if (parent != FT_NONE) {
		nd->depth = t->n[parent].depth + 1;
		nd->sibling = t->n[parent].child;
		t->n[parent].child = (uint32_t)t->nn;
		if (nd->depth > t->maxdepth)
			t->maxdepth = nd->depth;
		if (hmap_insert(&t->index, key_hash(parent, name), t->nn) < 0)
			return -ENOMEM;
	}
	return (int64_t)t->nn++;
}

static int64_t child_of(struct ftree *t, uint32_t parent, uint32_t name)
{
	uint64_t h = key_hash(parent, name);
	for (size_t s = hmap_first(&t->index, h); s != HMAP_END; s = hmap_next(&t->index, h, s)) {
		uint32_t id = (uint32_t)t->index.e[s].val;
		if (t->n[id].parent == parent && t->n[id].name == name)
			return id;
	}
	return add_node(t, parent, name);
}

int ftree_init(struct ftree *t)
{
	memset(t, 0, sizeof(*t));
	strtab_init(&t->names);
	hmap_init(&t->index);
	uint32_t root = strtab_intern_cstr(&t->names, "all");
	if (t->names.failed || grow_labels(t, (size_t)root + 1) < 0)
		return -ENOMEM;
	t->label[root] = root;
	return add_node(t, FT_NONE, root) < 0 ? -ENOMEM : 0;
}

void ftree_release(struct ftree *t)
{
	strtab_release(&t->names);
	free(t->label);
	free(t->n);
	hmap_release(&t->index);
	memset(t, 0, sizeof(*t));
}

/* The label drawn in a frame: the components of pprof's printable name,
 * with the function name shortened as pprof's flame graph does and the file
 * reduced to its base name, so "shapes::Canvas::add_point(double)
 * /src/shapes.cc:12" shows as "Canvas::add_point shapes.cc:12". */
static uint32_t label_of(struct ftree *t, const struct graph *g, const struct gnode *gn)
{
	const struct ginfo *i = &gn->info;
	const char *name = strtab_get(g->strs, i->name), *file = strtab_get(g->strs, i->file);
	size_t need = strlen(name) + strlen(file) + strlen(strtab_get(g->strs, i->objfile)) + 64;
	char *buf = malloc(need), *shortname = malloc(strlen(name) + 1);
	if (!buf || !shortname) {
		free(buf);
		free(shortname);
		t->names.failed = 1;
		return 0;
	}
	size_t w = 0;
	if (i->address)
		w += (size_t)sprintf(buf + w, "%016llx", (unsigned long long)i->address);
	if (*name) {
		shorten_name(name, shortname);
		w += (size_t)sprintf(buf + w, "%s%s", w ? " " : "", shortname);
	}
	const char *sep = w ? " " : "";
	size_t blen;
	const char *base = gopath_base(file, strlen(file), &blen);
	if (i->lineno != 0)
		w += (size_t)sprintf(buf + w, "%s%.*s:%lld", sep, (int)blen, base, (long long)i->lineno);
	else if (*file)
		w += (size_t)sprintf(buf + w, "%s%.*s", sep, (int)blen, base);
	else if (!*name)
		w += (size_t)sprintf(buf + w, "%s%s", sep, gn->printable + (i->address ? 17 : 0));
	uint32_t id = strtab_intern(&t->names, buf, w);
	free(buf);
	free(shortname);
	return id;
}

/* The ftree name id of every graph node, computed on first use. */
static uint32_t name_of(struct ftree *t, const struct graph *g, uint32_t *ids, uint32_t node)
{
	if (ids[node] != FT_NONE)
		return ids[node];
	const struct gnode *gn = &g->nodes[node];
	size_t before = t->names.n;
	uint32_t id = strtab_intern_cstr(&t->names, gn->printable);
	if (!t->names.failed && id >= before) {
		uint32_t l = label_of(t, g, gn);
		if (t->names.failed || grow_labels(t, t->names.n) < 0) {
			t->names.failed = 1;
			return 0;
		}
		t->label[id] = l;
		if (l >= before)
			t->label[l] = l;
	}
	ids[node] = id;
	return id;
}

int ftree_add(struct ftree *t, const struct report *r, bool as_base)
{
	const struct graph *g = &r->g;
	const struct profile *p = r->p;
	uint32_t *ids = malloc((g->nnodes + 1) * sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	memset(ids, 0xff, (g->nnodes + 1) * sizeof(*ids));
	if (as_base) {
		t->base_total = r->total;
		t->has_base = true;
	} else {
		t->total = r->total;
	}
	int rc = 0;
	for (size_t s = 0; s < p->nsamples && rc == 0; s++) {
		if (r->sample_on && !r->sample_on[s])
			continue;
		int64_t w = p->values[s * p->ntypes + (size_t)r->value];
		if (w == 0)
			continue;
		bool base = as_base;
		if (!as_base && p->nlabels && filter_is_base(p, s)) {
			base = true;
			w = i64_neg(w);
			t->has_base = true;
		}
		if (w < 0) {
			t->negative++;
			continue;
		}
		const struct pf_sample *sm = &p->samples[s];
		uint32_t cur = 0;
		if (base)
			t->n[0].base = i64_add(t->n[0].base, w);
		else
			t->n[0].value = i64_add(t->n[0].value, w);
		for (uint32_t li = sm->nlocs; li-- > 0 && rc == 0;) {
			uint32_t loc = p->sample_locs[sm->loc_start + li];
			const uint32_t *nodes = g->locnodes + g->loc_first[loc];
			for (uint32_t k = g->loc_n[loc]; k-- > 0;) {
				uint32_t name = name_of(t, g, ids, nodes[k]);
				int64_t c = t->names.failed ? -ENOMEM : child_of(t, cur, name);
				if (c < 0) {
					rc = -ENOMEM;
					break;
				}
				cur = (uint32_t)c;
				if (base)
					t->n[cur].base = i64_add(t->n[cur].base, w);
				else
					t->n[cur].value = i64_add(t->n[cur].value, w);
			}
		}
	}
	free(ids);
	if (as_base && r->total == 0)
		t->base_total = t->n[0].base;
	return rc;
}

static int by_name(const void *a, const void *b, void *ctx)
{
	const struct ftree *t = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return strcmp(ftree_name(t, x), ftree_name(t, y));
}

uint32_t *ftree_children(const struct ftree *t, uint32_t node, size_t *count, bool *nomem)
{
	*count = 0;
	*nomem = false;
	size_t n = 0;
	for (uint32_t c = t->n[node].child; c != FT_NONE; c = t->n[c].sibling)
		n++;
	if (!n)
		return NULL;
	uint32_t *ids = malloc(n * sizeof(*ids));
	if (!ids) {
		*nomem = true;
		return NULL;
	}
	n = 0;
	for (uint32_t c = t->n[node].child; c != FT_NONE; c = t->n[c].sibling)
		ids[n++] = c;
	qsort_r(ids, n, sizeof(*ids), by_name, (void *)t);
	*count = n;
	return ids;
}
