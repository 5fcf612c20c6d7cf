/* graph: nodes live in one array and are found through a hash of their
 * info; every location keeps the ids of its nodes, so walking a sample is a
 * few array reads per frame. Stamps (the sample number that last touched a
 * node or edge) replace pprof's per-sample "seen" maps. */
#include "graph.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gopath.h"
#include "units.h"
#include "mem.h"

static uint64_t info_hash(const struct ginfo *i)
{
	uint64_t h = hash_mix64(i->address ^ 0x51ed270b27a5f1c3ULL);
	h = hash_mix64(h ^ (uint64_t)i->startline);
	h = hash_mix64(h ^ (uint64_t)i->lineno);
	h = hash_mix64(h ^ i->name ^ ((uint64_t)i->file << 32));
	return hash_mix64(h ^ i->objfile);
}

static bool info_eq(const struct ginfo *a, const struct ginfo *b)
{
	return a->address == b->address && a->startline == b->startline && a->lineno == b->lineno &&
	       a->name == b->name && a->file == b->file && a->objfile == b->objfile;
}

/* pprof's NodeInfo.PrintableName. */
static const char *printable(struct graph *g, const struct ginfo *i)
{
	const struct strtab *t = g->strs;
	const char *name = strtab_get(t, i->name), *file = strtab_get(t, i->file);
	size_t need = strlen(name) + strlen(file) + strlen(strtab_get(t, i->objfile)) + 64;
	char stackbuf[512];
	char *buf = need <= sizeof(stackbuf) ? stackbuf : malloc(need);
	if (!buf) {
		g->strs->failed = 1;
		return "";
	}
	size_t w = 0;
	if (i->address)
		w += (size_t)sprintf(buf + w, "%016" PRIx64, i->address);
	if (*name)
		w += (size_t)sprintf(buf + w, "%s%s", w ? " " : "", name);
	const char *sep = w ? " " : "";
	if (i->lineno != 0) {
		w += (size_t)sprintf(buf + w, "%s%s:%" PRId64, sep, file, i->lineno);
	} else if (*file) {
		w += (size_t)sprintf(buf + w, "%s%s", sep, file);
	} else if (*name) {
		/* the name is all */
	} else if (i->objfile) {
		const char *obj = strtab_get(t, i->objfile);
		size_t blen;
		const char *base = gopath_base(obj, strlen(obj), &blen);
		w += (size_t)sprintf(buf + w, "%s[%.*s]", sep, (int)blen, base);
	} else {
		w += (size_t)sprintf(buf + w, "%s<unknown>", sep);
	}
	uint32_t id = strtab_intern(g->strs, buf, w);
	if (buf != stackbuf)
		free(buf);
	return strtab_get(g->strs, id);
}

static int64_t find_or_add(struct graph *g, const struct ginfo *info)
{
	uint64_t h = info_hash(info);
	for (size_t s = hmap_first(&g->index, h); s != HMAP_END; s = hmap_next(&g->index, h, s)) {
		uint32_t id = (uint32_t)g->index.e[s].val;
		if (info_eq(&g->nodes[id].info, info))
			return id;
	}
	if (MEM_GROW(g->nodes, g->cap_nodes, g->nnodes + 1) < 0)
		return -ENOMEM;
	struct gnode *n = &g->nodes[g->nnodes];
	memset(n, 0, sizeof(*n));
	n->info = *info;
	n->kept = true;
	n->printable = printable(g, info);
	if (g->strs->failed || hmap_insert(&g->index, h, g->nnodes) < 0)
		return -ENOMEM;
	return (int64_t)g->nnodes++;
}

/* Interned, cleaned file name of every function, computed once. */
static int function_files(struct graph *g, uint32_t **out)
{
	const struct profile *p = g->p;
	uint32_t *ids = malloc((p->nfunctions + 1) * sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	char stackbuf[1024];
	for (size_t f = 0; f < p->nfunctions; f++) {
		uint32_t s = p->functions[f].filename;
		const char *name = profile_str(p, s);
		size_t len = profile_str_len(p, s);
		if (len == 0) {
			ids[f] = 0;
			continue;
		}
		size_t skip = g->o.rawpaths ? 0 : gopath_trim(name, len);
		char *buf = len + 2 <= sizeof(stackbuf) ? stackbuf : malloc(len + 2);
		if (!buf) {
			free(ids);
			return -ENOMEM;
		}
		size_t n = gopath_clean(name + skip, len - skip, buf);
		ids[f] = strtab_intern(g->strs, buf, n);
		if (buf != stackbuf)
			free(buf);
	}
	*out = ids;
	return g->strs->failed ? -ENOMEM : 0;
}

/* pprof's nodeInfo after Profile.Aggregate for the granularity. */
static void line_info(struct graph *g, const struct pf_location *l, const struct pf_line *ln,
		      const uint32_t *fnames, const uint32_t *ffiles, uint32_t objfile,
		      struct ginfo *i)
{
	const struct gopts *o = &g->o;
	bool function = o->gran != GRAN_FILES;
	bool filename = o->gran != GRAN_FUNCTIONS;
	bool lineno = o->gran == GRAN_LINES || o->gran == GRAN_ADDRESSES;
	memset(i, 0, sizeof(*i));
	if (o->gran == GRAN_ADDRESSES)
		i->address = l->address;
	if (!ln) {
		i->objfile = objfile;
		return;
	}
	const struct pf_function *f = &g->p->functions[ln->function];
	if (lineno)
		i->lineno = ln->line;
	if (function)
		i->name = fnames[ln->function];
	if (filename)
		i->file = ffiles[ln->function];
	if (o->objnames || i->name == 0) {
		i->objfile = objfile;
		i->startline = f->start_line;
	}
}

int graph_build(struct graph *g, struct profile *p, struct strtab *strs, const struct gopts *o)
{
	memset(g, 0, sizeof(*g));
	g->p = p;
	g->strs = strs;
	g->o = *o;
	hmap_init(&g->index);
	hmap_init(&g->edge_index);
	uint32_t *fnames = malloc((p->nfunctions + 1) * sizeof(*fnames));
	uint32_t *objs = malloc((p->nmappings + 1) * sizeof(*objs));
	uint32_t *ffiles = NULL;
	int rc = -ENOMEM;
	if (!fnames || !objs || function_files(g, &ffiles) < 0)
		goto out;
	for (size_t f = 0; f < p->nfunctions; f++) {
		uint32_t s = p->functions[f].name;
		fnames[f] = strtab_intern(strs, profile_str(p, s), profile_str_len(p, s));
	}
	for (size_t m = 0; m < p->nmappings; m++) {
		uint32_t s = p->mappings[m].filename;
		objs[m] = strtab_intern(strs, profile_str(p, s), profile_str_len(p, s));
	}
	if (strs->failed)
		goto out;
	size_t total = 0;
	for (size_t l = 0; l < p->nlocations; l++) {
		uint32_t n = p->locations[l].nlines;
		total += n == 0 ? 1 : o->noinlines ? 1 : n;
	}
	g->locnodes = malloc((total + 1) * sizeof(uint32_t));
	g->loc_first = malloc((p->nlocations + 1) * sizeof(uint32_t));
	g->loc_n = malloc((p->nlocations + 1) * sizeof(uint32_t));
	if (!g->locnodes || !g->loc_first || !g->loc_n)
		goto out;
	for (size_t l = 0; l < p->nlocations; l++) {
		const struct pf_location *loc = &p->locations[l];
		uint32_t objfile = loc->mapping != PF_NONE ? objs[loc->mapping] : 0;
		uint32_t first = loc->line_start, n = loc->nlines;
		if (o->noinlines && n > 1) {
			first += n - 1;
			n = 1;
		}
		g->loc_first[l] = (uint32_t)g->nlocnodes;
		g->loc_n[l] = n ? n : 1;
		if (n > 1)
			g->has_inline = true;
		for (uint32_t k = 0; k < (n ? n : 1); k++) {
			struct ginfo info;
			line_info(g, loc, n ? &p->lines[first + k] : NULL, fnames, ffiles, objfile, &info);
			int64_t id = find_or_add(g, &info);
			if (id < 0)
				goto out;
			g->locnodes[g->nlocnodes++] = (uint32_t)id;
		}
	}
	rc = 0;
out:
	free(fnames);
	free(objs);
	free(ffiles);
	return rc;
}

void graph_release(struct graph *g)
{
	free(g->nodes);
	free(g->locnodes);
	free(g->loc_first);
	free(g->loc_n);
	free(g->edges);
	free(g->in_start);
	free(g->out_start);
	free(g->in_list);
	free(g->out_list);
	hmap_release(&g->index);
	hmap_release(&g->edge_index);
	memset(g, 0, sizeof(*g));
}

void graph_values(struct graph *g)
{
	const struct profile *p = g->p;
	for (size_t i = 0; i < g->nnodes; i++) {
		g->nodes[i].flat = g->nodes[i].cum = 0;
		g->nodes[i].stamp = 0;
	}
	for (size_t s = 0; s < p->nsamples; s++) {
		if (g->o.sample_on && !g->o.sample_on[s])
			continue;
		int64_t w = p->values[s * p->ntypes + (size_t)g->o.value];
		if (w == 0)
			continue;
		uint32_t stamp = (uint32_t)s + 1;
		const struct pf_sample *sm = &p->samples[s];
		struct gnode *parent = NULL;
		bool residual = false;
		for (uint32_t li = sm->nlocs; li-- > 0;) {
			uint32_t loc = p->sample_locs[sm->loc_start + li];
			const uint32_t *ids = g->locnodes + g->loc_first[loc];
			for (uint32_t ni = g->loc_n[loc]; ni-- > 0;) {
				struct gnode *n = &g->nodes[ids[ni]];
				if (!n->kept) {
					residual = true;
					continue;
				}
				if (n->stamp != stamp) {
					n->stamp = stamp;
					n->cum = i64_add(n->cum, w);
				}
				parent = n;
				residual = false;
			}
		}
		if (parent && !residual)
			parent->flat = i64_add(parent->flat, w);
	}
}

static int64_t edge_find_or_add(struct graph *g, uint32_t src, uint32_t dst)
{
	uint64_t key = ((uint64_t)src << 32) | dst;
	uint64_t v = hmap_get(&g->edge_index, key);
	if (v != HMAP_EMPTY)
		return (int64_t)v;
	if (MEM_GROW(g->edges, g->cap_edges, g->nedges + 1) < 0)
		return -ENOMEM;
	struct gedge *e = &g->edges[g->nedges];
	memset(e, 0, sizeof(*e));
	e->src = src;
	e->dst = dst;
	e->is_inline = true;
	if (hmap_insert(&g->edge_index, key, g->nedges) < 0)
		return -ENOMEM;
	return (int64_t)g->nedges++;
}

/* Per node, the ids of its kept in- and out-edges (counting sort). */
static int adjacency(struct graph *g)
{
	free(g->in_start);
	free(g->out_start);
	free(g->in_list);
	free(g->out_list);
	g->in_start = calloc(g->nnodes + 2, sizeof(uint32_t));
	g->out_start = calloc(g->nnodes + 2, sizeof(uint32_t));
	g->in_list = malloc((g->nedges + 1) * sizeof(uint32_t));
	g->out_list = malloc((g->nedges + 1) * sizeof(uint32_t));
	if (!g->in_start || !g->out_start || !g->in_list || !g->out_list)
		return -ENOMEM;
	for (size_t i = 0; i < g->nedges; i++) {
		if (g->edges[i].dropped)
			continue;
		g->in_start[g->edges[i].dst + 2]++;
		g->out_start[g->edges[i].src + 2]++;
	}
	for (size_t i = 2; i < g->nnodes + 2; i++) {
		g->in_start[i] += g->in_start[i - 1];
		g->out_start[i] += g->out_start[i - 1];
	}
	for (size_t i = 0; i < g->nedges; i++) {
		if (g->edges[i].dropped)
			continue;
		g->in_list[g->in_start[g->edges[i].dst + 1]++] = (uint32_t)i;
		g->out_list[g->out_start[g->edges[i].src + 1]++] = (uint32_t)i;
	}
	return 0;
}

int graph_edges(struct graph *g, int64_t cutoff, bool inline_only)
{
	const struct profile *p = g->p;
	g->nedges = 0;
	hmap_release(&g->edge_index);
	/* Only a node that is somewhere an inlined (not outermost) line of a
	 * location can have inline in-edges; when labels are all that is
	 * wanted, edges into other nodes need not be counted. */
	bool *want = NULL;
	if (inline_only) {
		want = calloc(g->nnodes + 1, sizeof(bool));
		if (!want)
			return -ENOMEM;
		for (size_t l = 0; l < p->nlocations; l++)
			for (uint32_t k = 0; k + 1 < g->loc_n[l]; k++)
				want[g->locnodes[g->loc_first[l] + k]] = true;
	}
	for (size_t s = 0; s < p->nsamples; s++) {
		if (g->o.sample_on && !g->o.sample_on[s])
			continue;
		int64_t w = p->values[s * p->ntypes + (size_t)g->o.value];
		if (w == 0)
			continue;
		uint32_t stamp = (uint32_t)s + 1;
		const struct pf_sample *sm = &p->samples[s];
		int64_t parent = -1;
		for (uint32_t li = sm->nlocs; li-- > 0;) {
			uint32_t loc = p->sample_locs[sm->loc_start + li];
			const uint32_t *ids = g->locnodes + g->loc_first[loc];
			uint32_t nn = g->loc_n[loc];
			for (uint32_t ni = nn; ni-- > 0;) {
				uint32_t n = ids[ni];
				if (!g->nodes[n].kept)
					continue;
				if (parent >= 0 && (uint32_t)parent != n && (!want || want[n])) {
					int64_t e = edge_find_or_add(g, (uint32_t)parent, n);
					if (e < 0) {
						free(want);
						return -ENOMEM;
					}
					struct gedge *ed = &g->edges[e];
					if (ed->stamp != stamp) {
						ed->stamp = stamp;
						ed->weight = i64_add(ed->weight, w);
						if (ni == nn - 1)
							ed->is_inline = false;
					}
				}
				parent = n;
			}
		}
	}
	free(want);
	for (size_t i = 0; i < g->nnodes; i++)
		g->nodes[i].in_inline = g->nodes[i].in_call = false;
	for (size_t i = 0; i < g->nedges; i++) {
		struct gedge *e = &g->edges[i];
		e->dropped = i64_abs(e->weight) < cutoff;
		if (e->dropped)
			continue;
		if (e->is_inline)
			g->nodes[e->dst].in_inline = true;
		else
			g->nodes[e->dst].in_call = true;
	}
	return adjacency(g);
}

/* fmt.Sprint of pprof's NodeInfo, its last tie-breaker. */
static char *info_string(const struct graph *g, const struct ginfo *i)
{
	const struct strtab *t = g->strs;
	char *s = NULL;
	if (asprintf(&s, "{%s  %" PRIu64 " %s %" PRId64 " %" PRId64 " %s}", strtab_get(t, i->name),
		     i->address, strtab_get(t, i->file), i->startline, i->lineno,
		     strtab_get(t, i->objfile)) < 0)
		return NULL;
	return s;
}

static int compare_info(const struct graph *g, const struct gnode *a, const struct gnode *b)
{
	char *sa = info_string(g, &a->info), *sb = info_string(g, &b->info);
	int c = sa && sb ? strcmp(sa, sb) : 0;
	free(sa);
	free(sb);
	return c;
}

/* pprof's node order: by the chosen value (flat or cum), then name, then
 * the other value, then the rest of the node's identity. */
struct node_order {
	const struct graph *g;
	bool cum;
};

static int by_value(const void *x, const void *y, void *ctx)
{
	const struct node_order *o = ctx;
	const struct gnode *a = &o->g->nodes[*(const uint32_t *)x], *b = &o->g->nodes[*(const uint32_t *)y];
	int64_t pa = i64_abs(o->cum ? a->cum : a->flat), pb = i64_abs(o->cum ? b->cum : b->flat);
	if (pa != pb)
		return pa > pb ? -1 : 1;
	int c = strcmp(a->printable, b->printable);
	if (c)
		return c;
	int64_t sa = i64_abs(o->cum ? a->flat : a->cum), sb = i64_abs(o->cum ? b->flat : b->cum);
	if (sa != sb)
		return sa > sb ? -1 : 1;
	return compare_info(o->g, a, b);
}

void graph_sort(struct graph *g, uint32_t *ids, size_t n, bool cum)
{
	struct node_order o = {g, cum};
	qsort_r(ids, n, sizeof(*ids), by_value, &o);
}

/* pprof's edgeList order: heavier first, then source name, then destination. */
static int by_edge(const void *x, const void *y, void *ctx)
{
	const struct graph *g = ctx;
	const struct gedge *a = &g->edges[*(const uint32_t *)x], *b = &g->edges[*(const uint32_t *)y];
	if (a->weight != b->weight) {
		int64_t wa = i64_abs(a->weight), wb = i64_abs(b->weight);
		if (wa != wb)
			return wa > wb ? -1 : 1;
	}
	int c = strcmp(g->nodes[a->src].printable, g->nodes[b->src].printable);
	if (c)
		return c;
	return strcmp(g->nodes[a->dst].printable, g->nodes[b->dst].printable);
}

static uint32_t *edges_of(const struct graph *g, uint32_t n, bool in, size_t *count)
{
	const uint32_t *start = in ? g->in_start : g->out_start;
	const uint32_t *list = in ? g->in_list : g->out_list;
	*count = 0;
	if (!start || start[n + 1] == start[n])
		return NULL;
	size_t k = start[n + 1] - start[n];
	uint32_t *ids = malloc(k * sizeof(*ids));
	if (!ids)
		return NULL;
	memcpy(ids, list + start[n], k * sizeof(*ids));
	qsort_r(ids, k, sizeof(*ids), by_edge, (void *)g);
	*count = k;
	return ids;
}

uint32_t *graph_in_edges(const struct graph *g, uint32_t n, size_t *count)
{
	return edges_of(g, n, true, count);
}

uint32_t *graph_out_edges(const struct graph *g, uint32_t n, size_t *count)
{
	return edges_of(g, n, false, count);
}
