/* sites: label keys are classified once per string-table entry, so a
 * sample's labels cost one array read each; a site is found from its leaf
 * through an array indexed by the graph node site_find returns. */
#include "sites.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gopath.h"
#include "pprof_names.h"
#include "site.h"

_Static_assert(SITE_LIFE_BUCKETS == PPROF_LIFE_BUCKETS, "the writer's lifetime buckets");
const char *const site_life_keys[SITE_LIFE_BUCKETS] = PPROF_LABELS_LIFETIME;
const char *const site_life_bounds[SITE_LIFE_BUCKETS] = {
	"1us", "10us", "100us", "1ms", "10ms", "100ms", "1s", "10s", ">10s",
};

enum key {
	K_OTHER, K_SIZE_MIN, K_SIZE_MAX, K_FREED, K_SAME_THREAD, K_SAME_FUNCTION, K_MOVED,
	K_CHAINS, K_CHAIN_MOVES, K_CHAIN_BYTES, K_FREED_AT, K_LIVE_MAX, K_LIVE_MAX_SAMPLED, K_LIVE_MAX_THREAD,
	K_TID,
	K_LIFE, /* K_LIFE + bucket */
	K_UNSEEN = 0x7f,
};

static const char *const key_names[] = {
	[K_SIZE_MIN] = PPROF_LABEL_SIZE_MIN, [K_SIZE_MAX] = PPROF_LABEL_SIZE_MAX, [K_FREED] = PPROF_LABEL_FREED,
	[K_SAME_THREAD] = PPROF_LABEL_FREED_SAME_THREAD, [K_SAME_FUNCTION] = PPROF_LABEL_FREED_SAME_FUNCTION,
	[K_MOVED] = PPROF_LABEL_REALLOC_MOVED, [K_CHAINS] = PPROF_LABEL_REALLOC_CHAINS,
	[K_CHAIN_MOVES] = PPROF_LABEL_REALLOC_CHAIN_MOVES, [K_CHAIN_BYTES] = PPROF_LABEL_REALLOC_CHAIN_BYTES,
	[K_FREED_AT] = PPROF_LABEL_FREED_AT,
	[K_LIVE_MAX] = PPROF_LABEL_LIVE_MAX, [K_LIVE_MAX_SAMPLED] = PPROF_LABEL_LIVE_MAX_SAMPLED,
	[K_LIVE_MAX_THREAD] = PPROF_LABEL_LIVE_MAX_THREAD,
	[K_TID] = "tid",
};

static uint8_t classify(const char *k)
{
	for (size_t i = 1; i < sizeof(key_names) / sizeof(key_names[0]); i++)
		if (!strcmp(k, key_names[i]))
			return (uint8_t)i;
	for (int b = 0; b < SITE_LIFE_BUCKETS; b++)
		if (!strcmp(k, site_life_keys[b]))
			return (uint8_t)(K_LIFE + b);
	return K_OTHER;
}

/* The part of "function file:line" before the last space. */
static char *function_of(const char *where)
{
	const char *sp = strrchr(where, ' ');
	size_t n = sp ? (size_t)(sp - where) : strlen(where);
	char *f = malloc(n + 1);
	if (f) {
		memcpy(f, where, n);
		f[n] = 0;
	}
	return f;
}

enum free_place { PLACE_BELOW, PLACE_ABOVE, PLACE_UNKNOWN };

/* Where freed_at (where: "function file:line", fn its function) is in the
 * function of a frame (at, from the profile's lines): above its line, below
 * it, or unknown (no line on either side: a program built without -g).
 * Another function is below. */
static enum free_place freed_place(const struct profile *p, const struct site_place *at, const char *fn,
				   const char *where)
{
	const char *colon = strrchr(where, ':');
	if (!colon || !at->function || strcmp(fn, profile_str(p, at->function)))
		return PLACE_BELOW;
	char *end;
	long line = strtol(colon + 1, &end, 10);
	if (at->line <= 0 || end == colon + 1 || *end || line <= 0)
		return PLACE_UNKNOWN;
	const char *file = profile_str(p, at->file);
	size_t fn_len = strlen(fn), file_len = strlen(file);
	/* the same file too: "fn file:line" */
	if ((size_t)(colon - where) != fn_len + 1 + file_len || strncmp(where + fn_len + 1, file, file_len))
		return PLACE_BELOW;
	return line < at->line ? PLACE_ABOVE : PLACE_BELOW;
}

/* Per site, where its blocks were freed: the freed_at of each stack, weighed
 * by the stack's frees; the heaviest wins, the first seen on a tie. */
struct where {
	uint32_t str;
	double weight;
};
enum { WHERE_MAX = 8 };

/* live_max_thread per thread: a stack run by several threads is one sample
 * per thread (the shim's thread labels), and blocks of two threads are
 * never held by one; past THREADS_MAX threads the rest count as one. */
enum { THREADS_MAX = 16 };
struct thread_live {
	int64_t tid;
	double live;
	int samples;
};

struct acc {
	struct thread_live threads[THREADS_MAX + 1]; /* the last: every other thread */
	int nthreads;
	struct where where[WHERE_MAX];
	double in_caller[WHERE_MAX];
	double above_in_caller[WHERE_MAX]; /* of in_caller: freed above the call (freed_place) */
	double unplaced_in_caller[WHERE_MAX]; /* of in_caller: no lines to tell */
	int depth[WHERE_MAX];
	bool has_min;
};

static void add_where(struct acc *a, uint32_t str, double w, int depth, enum free_place above)
{
	for (int i = 0; i < WHERE_MAX; i++) {
		if (a->where[i].str == str || !a->where[i].str) {
			a->where[i].str = str;
			a->where[i].weight += w;
			if (depth > 0) {
				a->in_caller[i] += w;
				a->above_in_caller[i] += above == PLACE_ABOVE ? w : 0;
				a->unplaced_in_caller[i] += above == PLACE_UNKNOWN ? w : 0;
				if (!a->depth[i] || depth < a->depth[i])
					a->depth[i] = depth;
			}
			return;
		}
	}
}

static double clamp0(int64_t v)
{
	return v > 0 ? (double)v : 0;
}

static void add_thread_live(struct acc *a, int64_t tid, double v)
{
	int i = 0;
	while (i < a->nthreads && a->threads[i].tid != tid)
		i++;
	if (i == a->nthreads) {
		if (a->nthreads < THREADS_MAX)
			a->threads[a->nthreads++].tid = tid;
		else
			i = THREADS_MAX;
	}
	a->threads[i].live += v;
	a->threads[i].samples++;
}

static void add_label(struct site *st, struct acc *a, uint8_t k, double v, int64_t tid)
{
	switch (k) {
	case K_SIZE_MIN:
		if (v > 0 && (!a->has_min || v < st->size_min)) {
			st->size_min = v;
			a->has_min = true;
		}
		break;
	case K_SIZE_MAX:
		if (v > st->size_max)
			st->size_max = v;
		break;
	case K_FREED: st->freed += v; break;
	case K_SAME_THREAD: st->same_thread += v; break;
	case K_SAME_FUNCTION: st->same_function += v; break;
	case K_MOVED: st->moved += v; break;
	case K_CHAINS: st->chains += v; break;
	case K_CHAIN_MOVES: st->chain_moves += v; break;
	case K_CHAIN_BYTES: st->chain_bytes += v; break;
	case K_LIVE_MAX:
		st->live_max += v;
		st->live_known = true;
		st->live_stacks++;
		break;
	case K_LIVE_MAX_SAMPLED: st->live_max_sampled += v; break;
	case K_LIVE_MAX_THREAD:
		add_thread_live(a, tid, v);
		st->live_thread_stacks++;
		break;
	default:
		if (k >= K_LIFE && k < K_LIFE + SITE_LIFE_BUCKETS)
			st->life[k - K_LIFE] += v;
	}
}

/* The lower bound of a lifetime bucket, in seconds: 0, 1us, 10us ... 10s. */
static double life_floor(int bucket)
{
	return bucket ? pow(10, bucket - 1) * 1e-6 : 0;
}

static int finish(struct sites *s, const struct profile *p, struct acc *accs)
{
	for (size_t i = 0; i < s->n; i++) {
		struct site *st = &s->v[i];
		const struct acc *a = &accs[i];
		for (int k = 0; k <= THREADS_MAX; k++)
			if (a->threads[k].samples && a->threads[k].live >= st->live_max_thread) {
				st->live_max_thread = a->threads[k].live;
				st->live_thread_summed = a->threads[k].samples;
			}
		for (int b = 0; s->duration_ns > 0 && b < SITE_LIFE_BUCKETS; b++)
			st->live_mean_floor += st->life[b] * life_floor(b) / ((double)s->duration_ns / 1e9);
		int best = -1;
		for (int w = 0; w < WHERE_MAX && a->where[w].str; w++)
			if (best < 0 || a->where[w].weight > a->where[best].weight)
				best = w;
		if (best < 0)
			continue;
		st->freed_at = profile_str(p, a->where[best].str);
		st->freed_at_function = function_of(st->freed_at);
		if (!st->freed_at_function)
			return -ENOMEM;
		st->freed_in_caller = a->in_caller[best];
		st->freed_above_in_caller = a->above_in_caller[best];
		st->freed_unplaced_in_caller = a->unplaced_in_caller[best];
		st->caller_depth = a->depth[best];
	}
	return 0;
}

static int grow(struct sites *s, struct acc **accs, size_t *cap)
{
	size_t n = *cap ? *cap * 2 : 64;
	struct site *v = realloc(s->v, n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->v = v;
	struct acc *a = realloc(*accs, n * sizeof(*a));
	if (!a)
		return -ENOMEM;
	*accs = a;
	memset(v + *cap, 0, (n - *cap) * sizeof(*v));
	memset(a + *cap, 0, (n - *cap) * sizeof(*a));
	*cap = n;
	return 0;
}

/* "[prog] (function unknown: no symbols), offset 0x1234": the binary and
 * the offset in its file, which addr2line reads; never the run's address. */
static char *unnamed_name(const struct graph *g, uint32_t loc)
{
	const struct profile *p = g->p;
	const struct pf_location *l = &p->locations[loc];
	const struct pf_mapping *m = l->mapping != PF_NONE ? &p->mappings[l->mapping] : NULL;
	const char *obj = m ? profile_str(p, m->filename) : "";
	size_t blen = 0;
	const char *base = *obj ? gopath_base(obj, strlen(obj), &blen) : "";
	char *name = NULL;
	int rc;
	if (blen && l->address >= m->start)
		rc = asprintf(&name, "[%.*s] (function unknown: no symbols), offset 0x%" PRIx64, (int)blen, base,
			      l->address - m->start + m->offset);
	else
		rc = asprintf(&name, "<unknown> (function and binary unknown)");
	return rc < 0 ? NULL : name;
}

int sites_collect(struct sites *s, const struct report *r, int obj_index, int bytes_index)
{
	const struct profile *p = r->p;
	const struct graph *g = &r->g;
	memset(s, 0, sizeof(*s));
	s->rate = site_profile_rate(p);
	s->duration_ns = p->duration_nanos > 0 ? p->duration_nanos : 0;
	uint8_t *kinds = malloc(p->strings.n + 1);
	uint32_t *site_of = malloc((g->nnodes + 1) * sizeof(uint32_t));
	struct acc *accs = NULL;
	size_t cap = 0;
	int rc = -ENOMEM;
	uint32_t *site_of_loc = malloc((p->nlocations + 1) * sizeof(uint32_t));
	struct site_rule rule = {0};
	if (!kinds || !site_of || !site_of_loc || site_rule_init(&rule, g) < 0)
		goto out;
	memset(kinds, K_UNSEEN, p->strings.n + 1);
	memset(site_of, 0xff, (g->nnodes + 1) * sizeof(uint32_t));
	memset(site_of_loc, 0xff, (p->nlocations + 1) * sizeof(uint32_t));
	bool freed_at_seen = false;
	for (size_t i = 0; i < p->nsamples; i++) {
		const struct pf_sample *sm = &p->samples[i];
		const int64_t *v = profile_sample_values(p, i);
		double objects = clamp0(v[obj_index]), bytes = clamp0(v[bytes_index]);
		s->objects += objects;
		s->bytes += bytes;
		/* no label at all: p->labels may be NULL, and NULL + 0 is not C */
		const struct pf_label *ls = sm->nlabels ? p->labels + sm->label_start : NULL;
		for (uint32_t k = 0; k < sm->nlabels; k++) {
			uint32_t key = ls[k].key;
			if (key < p->strings.n && kinds[key] == K_UNSEEN)
				kinds[key] = classify(profile_str(p, key));
			if (key < p->strings.n && kinds[key] != K_OTHER && kinds[key] != K_TID) {
				s->fate_labels = true;
				if (kinds[key] == K_FREED_AT || kinds[key] == K_SAME_FUNCTION)
					freed_at_seen = true;
			}
		}
		/* pprof drops samples whose values are all zero, labels and all */
		if ((r->sample_on && !r->sample_on[i]) || !sm->nlocs || (objects == 0 && bytes == 0))
			continue;
		s->sel_objects += objects;
		s->sel_bytes += bytes;
		struct site_frame f;
		site_find(&rule, sm, &f);
		/* no frame has a name: the graph gives every address of a
		 * binary one node ("[prog]"); as sites they stay apart */
		uint32_t leaf = p->sample_locs[sm->loc_start];
		bool unnamed = !g->nodes[f.node].info.name;
		uint32_t *slot = unnamed ? &site_of_loc[leaf] : &site_of[f.node];
		if (*slot == UINT32_MAX) {
			if (s->n == cap && grow(s, &accs, &cap) < 0)
				goto out;
			*slot = (uint32_t)s->n;
			struct site *nw = &s->v[s->n++];
			nw->node = f.node;
			nw->via = f.via;
			nw->name = g->nodes[f.node].printable;
			nw->unnamed = unnamed;
			if (unnamed && !(nw->name = nw->own_name = unnamed_name(g, leaf)))
				goto out;
		}
		struct site *st = &s->v[*slot];
		struct acc *a = &accs[*slot];
		st->objects += objects;
		st->bytes += bytes;
		st->samples += site_samples(objects, bytes, s->rate);
		if (f.recursive)
			st->recursive += objects;
		double freed = 0, same_function = 0;
		uint32_t where = 0;
		int64_t tid = 0;
		for (uint32_t k = 0; k < sm->nlabels; k++)
			if (ls[k].key < p->strings.n && kinds[ls[k].key] == K_TID && !ls[k].str)
				tid = ls[k].num;
		for (uint32_t k = 0; k < sm->nlabels; k++) {
			const struct pf_label *l = &ls[k];
			uint8_t kind = l->key < p->strings.n ? kinds[l->key] : K_OTHER;
			if (kind == K_FREED_AT) {
				if (!where && l->str && l->str < p->strings.n)
					where = l->str;
				continue;
			}
			if (l->str || kind == K_OTHER)
				continue;
			if (kind == K_FREED)
				freed += clamp0(l->num);
			/* the shim's "same function" is the leaf's: right only when
			 * the site is the leaf */
			if (kind == K_SAME_FUNCTION) {
				same_function += clamp0(l->num);
				continue;
			}
			if (kind != K_TID)
				add_label(st, a, kind, clamp0(l->num), tid);
		}
		int depth = -1;
		if (where) {
			char *fn = function_of(profile_str(p, where));
			if (!fn)
				goto out;
			struct site_place at = {0, 0, 0};
			depth = *fn ? site_frame_depth(&rule, sm, fn, f.depth, &at) : -1;
			if (f.depth == 0 && same_function > 0) {
				enum free_place pl = freed_place(p, &f.place, fn, profile_str(p, where));
				st->freed_above += pl == PLACE_ABOVE ? same_function : 0;
				st->freed_unplaced += pl == PLACE_UNKNOWN ? same_function : 0;
			}
			/* freed in a caller: above its call on the way to the site? */
			enum free_place above = depth > (int)f.depth ? freed_place(p, &at, fn, profile_str(p, where))
								     : PLACE_BELOW;
			free(fn);
			add_where(a, where, freed, depth > (int)f.depth ? depth - (int)f.depth : -1, above);
		}
		if (f.depth == 0)
			st->same_function += same_function;
		else if (depth == (int)f.depth)
			st->same_function += freed; /* most were freed where the site's function is */
	}
	s->same_function_labels = freed_at_seen;
	rc = finish(s, p, accs);
out:
	free(kinds);
	free(site_of);
	free(site_of_loc);
	free(accs);
	site_rule_release(&rule);
	if (rc < 0)
		sites_release(s);
	return rc;
}

void sites_release(struct sites *s)
{
	for (size_t i = 0; s->v && i < s->n; i++) {
		free(s->v[i].freed_at_function);
		free(s->v[i].own_name);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

double site_freed_within(const struct site *s, int bucket)
{
	double n = 0;
	for (int b = 0; b <= bucket && b < SITE_LIFE_BUCKETS; b++)
		n += s->life[b];
	return n;
}
