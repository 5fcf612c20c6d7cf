/* pgraph: a transcription of pprof's internal/graph newGraph,
 * newTrimmedGraph (visual mode), EntropyOrder, selectTopNodes,
 * TrimLowFrequencyTags/Edges and RemoveRedundantEdges. pprof rebuilds the
 * graph from the samples after each cut; so does pgraph_build, with the
 * kept flags standing in for pprof's NodeSet. */
#include "pgraph.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"
#include "mem.h"

#define MAX_NODELETS 4

/* Go's math.Log2: exact for powers of two, else Log(frac)/Ln2 + exp. */
static double go_log2(double x)
{
	int e;
	double frac = frexp(x, &e);
	if (frac == 0.5)
		return (double)(e - 1);
	return log(frac) * (1 / M_LN2) + (double)e;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* pprof's joinLabels: every string label as key:value, sorted, joined by
 * the two characters \n (a line break once in DOT). pprof::base is gone
 * (pprof removes it before building the graph). */
static int label_sets(struct pgraph *pg)
{
	const struct profile *p = pg->r->p;
	pg->sample_set = calloc(p->nsamples + 1, sizeof(uint32_t));
	if (!pg->sample_set)
		return -ENOMEM;
	pg->bytes_unit = NULL;
	for (size_t s = 0; s < p->nsamples; s++) {
		const struct pf_sample *sm = &p->samples[s];
		char **parts = NULL;
		size_t n = 0, len = 0;
		for (uint32_t i = 0; i < sm->nlabels; i++) {
			const struct pf_label *l = &p->labels[sm->label_start + i];
			const char *key = profile_str(p, l->key);
			if (!l->str) {
				if (!pg->bytes_unit && !strcmp(key, "bytes") && *profile_str(p, l->num_unit))
					pg->bytes_unit = profile_str(p, l->num_unit);
				continue;
			}
			if (!strcmp(key, "pprof::base"))
				continue;
			char **np = realloc(parts, (n + 1) * sizeof(*parts));
			if (!np)
				goto nomem;
			parts = np;
			if (asprintf(&parts[n], "%s:%s", key, profile_str(p, l->str)) < 0)
				goto nomem;
			len += strlen(parts[n]) + 2;
			n++;
		}
		if (n) {
			qsort(parts, n, sizeof(*parts), cmp_str);
			char *joined = malloc(len + 1);
			if (!joined)
				goto nomem;
			size_t w = 0;
			for (size_t i = 0; i < n; i++)
				w += (size_t)sprintf(joined + w, "%s%s", i ? "\\n" : "", parts[i]);
			pg->sample_set[s] = strtab_intern(&pg->strs, joined, w);
			free(joined);
		}
		for (size_t i = 0; i < n; i++)
			free(parts[i]);
		free(parts);
		if (pg->strs.failed)
			return -ENOMEM;
		continue;
nomem:
		for (size_t i = 0; i < n; i++)
			free(parts[i]);
		free(parts);
		return -ENOMEM;
	}
	if (!pg->bytes_unit)
		pg->bytes_unit = "bytes";
	return 0;
}

static uint64_t tag_hash(uint32_t node, uint32_t set, uint32_t name, bool numeric)
{
	return hash_mix64(hash_mix64(((uint64_t)node << 32 | set) ^ 0x27d4eb2f165667c5ULL) ^
			  ((uint64_t)name << 1 | numeric));
}

static int add_tag(struct pgraph *pg, uint32_t node, uint32_t set, uint32_t name, bool numeric,
		   int64_t value, int64_t w, bool flat)
{
	uint64_t h = tag_hash(node, set, name, numeric);
	struct ptag *t = NULL;
	for (size_t s = hmap_first(&pg->tag_index, h); s != HMAP_END; s = hmap_next(&pg->tag_index, h, s)) {
		struct ptag *c = &pg->tags[pg->tag_index.e[s].val];
		if (c->node == node && c->set == set && c->name == name && c->numeric == numeric) {
			t = c;
			break;
		}
	}
	if (!t) {
		if (MEM_GROW(pg->tags, pg->cap_tags, pg->ntags + 1) < 0)
			return -ENOMEM;
		t = &pg->tags[pg->ntags];
		memset(t, 0, sizeof(*t));
		t->node = node;
		t->set = set;
		t->name = name;
		t->numeric = numeric;
		t->value = value;
		t->unit = numeric ? pg->bytes_unit : "";
		if (hmap_insert(&pg->tag_index, h, pg->ntags) < 0)
			return -ENOMEM;
		pg->ntags++;
	}
	if (flat)
		t->flat = i64_add(t->flat, w);
	else
		t->cum = i64_add(t->cum, w);
	return 0;
}

/* pprof's Node.addSample: the value, then the string and numeric tags. */
static int add_sample(struct pgraph *pg, uint32_t node, size_t s, int64_t w, bool flat)
{
	if (flat)
		pg->flat[node] = i64_add(pg->flat[node], w);
	else
		pg->cum[node] = i64_add(pg->cum[node], w);
	const struct profile *p = pg->r->p;
	uint32_t set = pg->sample_set[s];
	if (set && add_tag(pg, node, set, set, false, 0, w, flat) < 0)
		return -ENOMEM;
	const struct pf_sample *sm = &p->samples[s];
	for (uint32_t i = 0; i < sm->nlabels; i++) {
		const struct pf_label *l = &p->labels[sm->label_start + i];
		if (l->str || strcmp(profile_str(p, l->key), "bytes"))
			continue;
		char buf[UNITS_BUF];
		/* formatted with the output unit still "minimum", as pprof does */
		const char *label = units_label(l->num, pg->bytes_unit, "minimum", buf);
		uint32_t name = strtab_intern_cstr(&pg->strs, label);
		if (pg->strs.failed || add_tag(pg, node, set, name, true, l->num, w, flat) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int64_t find_edge(struct pgraph *pg, uint32_t src, uint32_t dst)
{
	uint64_t key = (uint64_t)src << 32 | dst;
	uint64_t v = hmap_get(&pg->edge_index, key);
	if (v != HMAP_EMPTY)
		return (int64_t)v;
	if (MEM_GROW(pg->edges, pg->cap_edges, pg->nedges + 1) < 0)
		return -ENOMEM;
	struct pedge *e = &pg->edges[pg->nedges];
	memset(e, 0, sizeof(*e));
	e->src = src;
	e->dst = dst;
	e->is_inline = true;
	if (hmap_insert(&pg->edge_index, key, pg->nedges) < 0)
		return -ENOMEM;
	return (int64_t)pg->nedges++;
}

static int index_graph(struct pgraph *pg);

/* pprof's newGraph(kept): values, edges and tags from the samples. */
static int build(struct pgraph *pg)
{
	struct report *r = pg->r;
	const struct graph *g = &r->g;
	const struct profile *p = r->p;
	size_t nn = g->nnodes;
	memset(pg->flat, 0, nn * sizeof(int64_t));
	memset(pg->cum, 0, nn * sizeof(int64_t));
	memset(pg->stamp, 0, nn * sizeof(uint32_t));
	pg->nedges = pg->ntags = 0;
	hmap_release(&pg->edge_index);
	hmap_release(&pg->tag_index);
	for (size_t s = 0; s < p->nsamples; s++) {
		if (r->sample_on && !r->sample_on[s])
			continue;
		int64_t w = p->values[s * p->ntypes + (size_t)r->value];
		if (w == 0)
			continue;
		uint32_t stamp = (uint32_t)s + 1;
		const struct pf_sample *sm = &p->samples[s];
		int64_t parent = -1;
		bool residual = false;
		for (uint32_t li = sm->nlocs; li-- > 0;) {
			uint32_t loc = p->sample_locs[sm->loc_start + li];
			const uint32_t *ids = g->locnodes + g->loc_first[loc];
			uint32_t cnt = g->loc_n[loc];
			for (uint32_t ni = cnt; ni-- > 0;) {
				uint32_t n = ids[ni];
				if (!pg->kept[n]) {
					residual = true;
					continue;
				}
				if (pg->stamp[n] != stamp) {
					pg->stamp[n] = stamp;
					if (add_sample(pg, n, s, w, false) < 0)
						return -ENOMEM;
				}
				if (parent >= 0 && (uint32_t)parent != n) {
					int64_t e = find_edge(pg, (uint32_t)parent, n);
					if (e < 0)
						return -ENOMEM;
					struct pedge *ed = &pg->edges[e];
					if (ed->stamp != stamp) {
						ed->stamp = stamp;
						ed->weight = i64_add(ed->weight, w);
						if (residual)
							ed->residual = true;
						if (ni == cnt - 1)
							ed->is_inline = false;
					}
				}
				parent = n;
				residual = false;
			}
		}
		if (parent >= 0 && !residual && add_sample(pg, (uint32_t)parent, s, w, true) < 0)
			return -ENOMEM;
	}
	pg->nnodes = 0;
	for (size_t i = 0; i < nn; i++)
		if (pg->kept[i] && (pg->flat[i] != 0 || pg->cum[i] != 0))
			pg->nodes[pg->nnodes++] = (uint32_t)i;
	return index_graph(pg);
}

/* Counting sort of edges by destination and source, and of tags by node,
 * so that a node's edges and tags are a slice each. */
static int csr(size_t nn, size_t n, const uint32_t *key, uint32_t **start, uint32_t **list)
{
	free(*start);
	free(*list);
	*start = calloc(nn + 2, sizeof(uint32_t));
	*list = malloc((n + 1) * sizeof(uint32_t));
	if (!*start || !*list)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		(*start)[key[i] + 2]++;
	for (size_t i = 2; i < nn + 2; i++)
		(*start)[i] += (*start)[i - 1];
	for (size_t i = 0; i < n; i++)
		(*list)[(*start)[key[i] + 1]++] = (uint32_t)i;
	return 0;
}

static int index_graph(struct pgraph *pg)
{
	size_t nn = pg->r->g.nnodes, n = pg->nedges > pg->ntags ? pg->nedges : pg->ntags;
	uint32_t *key = malloc((n + 1) * sizeof(uint32_t));
	if (!key)
		return -ENOMEM;
	int rc = 0;
	for (size_t i = 0; i < pg->nedges; i++)
		key[i] = pg->edges[i].dst;
	rc = csr(nn, pg->nedges, key, &pg->in_start, &pg->in_list);
	for (size_t i = 0; i < pg->nedges && !rc; i++)
		key[i] = pg->edges[i].src;
	if (!rc)
		rc = csr(nn, pg->nedges, key, &pg->out_start, &pg->out_list);
	for (size_t i = 0; i < pg->ntags && !rc; i++)
		key[i] = pg->tags[i].node;
	if (!rc)
		rc = csr(nn, pg->ntags, key, &pg->tag_start, &pg->tag_list);
	free(key);
	return rc;
}

/* Keeps exactly the nodes of ids[0..n) and rebuilds. */
static int rebuild_with(struct pgraph *pg, const uint32_t *ids, size_t n)
{
	memset(pg->kept, 0, pg->r->g.nnodes * sizeof(bool));
	for (size_t i = 0; i < n; i++)
		pg->kept[ids[i]] = true;
	return build(pg);
}

static bool node_in_graph(const struct pgraph *pg, uint32_t n)
{
	return pg->kept[n] && (pg->flat[n] != 0 || pg->cum[n] != 0);
}

static bool edge_live(const struct pgraph *pg, const struct pedge *e)
{
	return !e->dropped && node_in_graph(pg, e->src) && node_in_graph(pg, e->dst);
}

/* pprof's edgeEntropyScore over node n's in- or out-edges. */
static double edge_entropy(const struct pgraph *pg, uint32_t n, bool in, int64_t self, size_t *count)
{
	const uint32_t *start = in ? pg->in_start : pg->out_start, *list = in ? pg->in_list : pg->out_list;
	int64_t total = self;
	*count = 0;
	for (uint32_t k = start[n]; k < start[n + 1]; k++) {
		const struct pedge *e = &pg->edges[list[k]];
		if (!edge_live(pg, e))
			continue;
		(*count)++;
		if (e->weight > 0)
			total = i64_add(total, i64_abs(e->weight));
	}
	double score = 0;
	if (total == 0)
		return 0;
	for (uint32_t k = start[n]; k < start[n + 1]; k++) {
		const struct pedge *e = &pg->edges[list[k]];
		if (!edge_live(pg, e))
			continue;
		double frac = (double)i64_abs(e->weight) / (double)total;
		score += -frac * go_log2(frac);
	}
	if (self > 0) {
		double frac = (double)i64_abs(self) / (double)total;
		score += -frac * go_log2(frac);
	}
	return score;
}

struct sort_ctx {
	const struct pgraph *pg;
	int64_t *score;
};

/* fmt.Sprint of pprof's NodeInfo, its last tie-breaker. */
static char *info_string(const struct graph *g, const struct ginfo *i)
{
	const struct strtab *t = g->strs;
	char *s = NULL;
	if (asprintf(&s, "{%s  %llu %s %lld %lld %s}", strtab_get(t, i->name), (unsigned long long)i->address,
		     strtab_get(t, i->file), (long long)i->startline, (long long)i->lineno,
		     strtab_get(t, i->objfile)) < 0)
		return NULL;
	return s;
}

static int by_score(const void *x, const void *y, void *arg)
{
	const struct sort_ctx *c = arg;
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	int64_t sa = i64_abs(c->score[a]), sb = i64_abs(c->score[b]);
	if (sa != sb)
		return sa > sb ? -1 : 1;
	const struct graph *g = &c->pg->r->g;
	int cmp = strcmp(g->nodes[a].printable, g->nodes[b].printable);
	if (cmp)
		return cmp;
	int64_t fa = i64_abs(c->pg->flat[a]), fb = i64_abs(c->pg->flat[b]);
	if (fa != fb)
		return fa > fb ? -1 : 1;
	char *ia = info_string(g, &g->nodes[a].info), *ib = info_string(g, &g->nodes[b].info);
	cmp = ia && ib ? strcmp(ia, ib) : 0;
	free(ia);
	free(ib);
	return cmp;
}

/* pprof's SortNodes in visual mode: EntropyOrder. */
static int sort_entropy(struct pgraph *pg)
{
	int64_t *score = calloc(pg->r->g.nnodes + 1, sizeof(int64_t));
	if (!score)
		return -ENOMEM;
	for (size_t i = 0; i < pg->nnodes; i++) {
		uint32_t n = pg->nodes[i];
		double s = 0;
		size_t nin, nout;
		double ein = edge_entropy(pg, n, true, 0, &nin);
		double eout = edge_entropy(pg, n, false, pg->flat[n], &nout);
		s += nin == 0 ? 1 : ein;
		s += nout == 0 ? 1 : eout;
		score[n] = i64_add(units_f2i(s * (double)pg->cum[n]), pg->flat[n]);
	}
	struct sort_ctx c = {pg, score};
	qsort_r(pg->nodes, pg->nnodes, sizeof(uint32_t), by_score, &c);
	free(score);
	return 0;
}

static void trim_tags(struct pgraph *pg, int64_t cutoff)
{
	for (size_t i = 0; i < pg->ntags; i++) {
		struct ptag *t = &pg->tags[i];
		if (!t->dropped && !(i64_abs(t->flat) >= cutoff || i64_abs(t->cum) >= cutoff))
			t->dropped = true;
	}
}

static size_t trim_edges(struct pgraph *pg, int64_t cutoff)
{
	size_t dropped = 0;
	for (size_t i = 0; i < pg->nedges; i++) {
		struct pedge *e = &pg->edges[i];
		if (edge_live(pg, e) && i64_abs(e->weight) < cutoff) {
			e->dropped = true;
			dropped++;
		}
	}
	return dropped;
}

/* pprof's countTags: tags with a flat value. */
static int count_tags(const struct pgraph *pg, uint32_t n)
{
	int count = 0;
	for (uint32_t k = pg->tag_start[n]; k < pg->tag_start[n + 1]; k++) {
		const struct ptag *t = &pg->tags[pg->tag_list[k]];
		if (!t->dropped && t->flat != 0)
			count++;
	}
	return count;
}

static int by_edge(const void *x, const void *y, void *arg)
{
	const struct pgraph *pg = arg;
	const struct pedge *a = &pg->edges[*(const uint32_t *)x], *b = &pg->edges[*(const uint32_t *)y];
	const struct gnode *nodes = pg->r->g.nodes;
	if (a->weight != b->weight) {
		int64_t wa = i64_abs(a->weight), wb = i64_abs(b->weight);
		if (wa != wb)
			return wa > wb ? -1 : 1;
	}
	int c = strcmp(nodes[a->src].printable, nodes[b->src].printable);
	if (c)
		return c;
	return strcmp(nodes[a->dst].printable, nodes[b->dst].printable);
}

void pgraph_sort_edges(const struct pgraph *pg, uint32_t *ids, size_t n)
{
	qsort_r(ids, n, sizeof(*ids), by_edge, (void *)pg);
}

uint32_t *pgraph_edges_of(const struct pgraph *pg, uint32_t n, bool in, size_t *count)
{
	const uint32_t *start = in ? pg->in_start : pg->out_start, *list = in ? pg->in_list : pg->out_list;
	*count = 0;
	size_t k = 0;
	for (uint32_t i = start[n]; i < start[n + 1]; i++)
		if (edge_live(pg, &pg->edges[list[i]]))
			k++;
	if (!k)
		return NULL;
	uint32_t *ids = malloc(k * sizeof(*ids));
	if (!ids)
		return NULL;
	k = 0;
	for (uint32_t i = start[n]; i < start[n + 1]; i++)
		if (edge_live(pg, &pg->edges[list[i]]))
			ids[k++] = list[i];
	pgraph_sort_edges(pg, ids, k);
	*count = k;
	return ids;
}

/* pprof's isRedundantEdge: can e's source reach its destination another
 * way? A breadth-first walk backwards over in-edges. */
static int redundant(const struct pgraph *pg, uint32_t edge, bool *seen, uint32_t *queue, bool *out)
{
	const struct pedge *e = &pg->edges[edge];
	size_t nn = pg->r->g.nnodes;
	memset(seen, 0, nn * sizeof(bool));
	size_t head = 0, tail = 0;
	queue[tail++] = e->dst;
	seen[e->dst] = true;
	*out = false;
	while (head < tail) {
		uint32_t n = queue[head++];
		for (uint32_t k = pg->in_start[n]; k < pg->in_start[n + 1]; k++) {
			uint32_t i = pg->in_list[k];
			const struct pedge *ie = &pg->edges[i];
			if (i == edge || !edge_live(pg, ie) || seen[ie->src])
				continue;
			if (ie->src == e->src) {
				*out = true;
				return 0;
			}
			seen[ie->src] = true;
			queue[tail++] = ie->src;
		}
	}
	return 0;
}

static int remove_redundant(struct pgraph *pg)
{
	size_t nn = pg->r->g.nnodes;
	bool *seen = malloc(nn + 1);
	uint32_t *queue = malloc((nn + 1) * sizeof(uint32_t));
	if (!seen || !queue) {
		free(seen);
		free(queue);
		return -ENOMEM;
	}
	for (size_t i = pg->nnodes; i-- > 0;) {
		size_t k;
		uint32_t *in = pgraph_edges_of(pg, pg->nodes[i], true, &k);
		for (size_t j = k; j-- > 0;) {
			if (!pg->edges[in[j]].residual)
				break;
			bool r;
			redundant(pg, in[j], seen, queue, &r);
			if (r)
				pg->edges[in[j]].dropped = true;
		}
		free(in);
	}
	free(seen);
	free(queue);
	return 0;
}

static int trimmed(struct pgraph *pg, int nodecount)
{
	struct report *r = pg->r;
	size_t nn = r->g.nnodes;
	for (size_t i = 0; i < nn; i++)
		pg->kept[i] = true;
	if (build(pg) < 0)
		return -ENOMEM;
	int64_t total = 0;
	for (size_t i = 0; i < pg->nnodes; i++)
		total = i64_add(total, pg->flat[pg->nodes[i]]);
	int64_t node_cut = i64_abs(units_f2i((double)total * r->o.nodefraction));
	int64_t edge_cut = i64_abs(units_f2i((double)total * r->o.edgefraction));
	if (node_cut > 0) {
		size_t k = 0;
		for (size_t i = 0; i < pg->nnodes; i++)
			if (i64_abs(pg->cum[pg->nodes[i]]) >= node_cut)
				pg->nodes[k++] = pg->nodes[i];
		if (k != pg->nnodes) {
			pg->dropped_nodes = pg->nnodes - k;
			if (rebuild_with(pg, pg->nodes, k) < 0)
				return -ENOMEM;
		}
	}
	pg->orig_count = pg->nnodes;
	if (sort_entropy(pg) < 0)
		return -ENOMEM;
	if (nodecount > 0) {
		trim_tags(pg, node_cut);
		trim_edges(pg, edge_cut);
		/* label boxes count as nodes in a picture */
		size_t max = (size_t)nodecount, count = 0;
		for (size_t i = 0; i < pg->nnodes; i++) {
			int tags = count_tags(pg, pg->nodes[i]);
			if (tags > MAX_NODELETS)
				tags = MAX_NODELETS;
			count += (size_t)tags + 1;
			if (count >= (size_t)nodecount) {
				max = i + 1;
				break;
			}
		}
		if (max > pg->nnodes)
			max = pg->nnodes;
		if (max != pg->nnodes) {
			if (rebuild_with(pg, pg->nodes, max) < 0 || sort_entropy(pg) < 0)
				return -ENOMEM;
		}
	}
	trim_tags(pg, node_cut);
	pg->dropped_edges = trim_edges(pg, edge_cut);
	return remove_redundant(pg);
}

int pgraph_build(struct pgraph *pg, struct report *r, int nodecount)
{
	memset(pg, 0, sizeof(*pg));
	pg->r = r;
	strtab_init(&pg->strs);
	hmap_init(&pg->edge_index);
	hmap_init(&pg->tag_index);
	size_t nn = r->g.nnodes + 1;
	pg->kept = calloc(nn, sizeof(bool));
	pg->flat = calloc(nn, sizeof(int64_t));
	pg->cum = calloc(nn, sizeof(int64_t));
	pg->stamp = calloc(nn, sizeof(uint32_t));
	pg->nodes = calloc(nn, sizeof(uint32_t));
	if (!pg->kept || !pg->flat || !pg->cum || !pg->stamp || !pg->nodes || label_sets(pg) < 0 ||
	    trimmed(pg, nodecount) < 0) {
		fprintf(stderr, "allocprof: out of memory\n");
		return 1;
	}
	return 0;
}

void pgraph_release(struct pgraph *pg)
{
	strtab_release(&pg->strs);
	free(pg->kept);
	free(pg->flat);
	free(pg->cum);
	free(pg->stamp);
	free(pg->nodes);
	free(pg->edges);
	free(pg->tags);
	free(pg->sample_set);
	free(pg->in_start);
	free(pg->in_list);
	free(pg->out_start);
	free(pg->out_list);
	free(pg->tag_start);
	free(pg->tag_list);
	hmap_release(&pg->edge_index);
	hmap_release(&pg->tag_index);
	memset(pg, 0, sizeof(*pg));
}
