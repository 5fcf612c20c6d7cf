/* livesites: each refresh builds a small profile of the snapshot (one sample
 * per stack, one location per return address, the mappings from
 * /proc/PID/maps), names it with a symbolizer that lives as long as the view
 * (so an address is looked up once), and folds the stacks into sites with
 * site.h's rule; rates are the difference with the previous snapshot. */
#include "livesites.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "pprof_names.h"
#include "procmaps.h"
#include "profile.h"
#include "report.h"
#include "site.h"
#include "symbolize.h"

int livesites_init(struct livesites *ls, pid_t pid)
{
	memset(ls, 0, sizeof(*ls));
	ls->pid = pid;
	/* not live: the mappings are another process's; a binary rebuilt
	 * since it was mapped leaves its frames unnamed rather than misnamed */
	struct symbolize_options o = {.skip_mismatch = true};
	ls->sym = symbolizer_new(&o);
	return ls->sym ? 0 : -ENOMEM;
}

static void free_rows(struct livesite *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(rows[i].label);
	free(rows);
}

void livesites_release(struct livesites *ls)
{
	free_rows(ls->rows, ls->nrows);
	free_rows(ls->prev, ls->nprev);
	if (ls->sym)
		symbolizer_free(ls->sym);
	memset(ls, 0, sizeof(*ls));
}

static int by_label(const void *a, const void *b)
{
	return strcmp(((const struct livesite *)a)->label, ((const struct livesite *)b)->label);
}

/* The profile of snapshot s: sample i is stack stack_of[i]. */
static int build_profile(struct livesites *ls, const struct livesnap *s, struct profile *p, uint32_t *stack_of)
{
	profile_add_sample_type(p, PPROF_TYPE_ALLOC_OBJECTS, PPROF_UNIT_COUNT);
	profile_add_sample_type(p, PPROF_TYPE_ALLOC_SPACE, PPROF_UNIT_BYTES);
	profile_add_sample_type(p, PPROF_TYPE_INUSE_OBJECTS, PPROF_UNIT_COUNT);
	profile_add_sample_type(p, PPROF_TYPE_INUSE_SPACE, PPROF_UNIT_BYTES);
	p->period_type.type = profile_cstr(p, PPROF_PERIOD_TYPE);
	p->period_type.unit = profile_cstr(p, PPROF_UNIT_BYTES);
	p->period = (int64_t)s->h.rate;
	struct procmaps maps;
	memset(&maps, 0, sizeof(maps));
	if (procmaps_read(ls->pid, &maps) < 0)
		maps.n = 0; /* gone: the frames keep their addresses */
	struct hmap loc_by_pc, map_by_entry;
	hmap_init(&loc_by_pc);
	hmap_init(&map_by_entry);
	int rc = 0;
	for (size_t i = 0; i < s->h.nstacks && rc == 0; i++) {
		const struct livesnap_stack *r = &s->stacks[i];
		uint32_t locs[LIVEFMT_FRAMES];
		uint32_t n = 0;
		for (; n < r->nframes; n++) {
			/* a return address points after the call: step back into it */
			uint64_t pc = r->frames[n] - 1, loc = hmap_get(&loc_by_pc, pc);
			if (loc == HMAP_EMPTY) {
				const struct procmap_entry *e = procmaps_find(&maps, pc);
				uint64_t m = PF_NONE;
				if (e && e->path[0] == '/') {
					uint64_t k = (uint64_t)(e - maps.e);
					if ((m = hmap_get(&map_by_entry, k)) == HMAP_EMPTY) {
						struct pf_mapping pm = {.start = e->start, .limit = e->end, .offset = e->offset,
									.filename = profile_cstr(p, e->path)};
						m = profile_add_mapping(p, &pm);
						if (m == PF_NONE || hmap_insert(&map_by_entry, k, m) < 0)
							rc = -ENOMEM;
					}
				}
				loc = profile_add_location(p, (uint32_t)m, pc, NULL, 0);
				if (loc == PF_NONE || hmap_insert(&loc_by_pc, pc, loc) < 0)
					rc = -ENOMEM;
			}
			locs[n] = (uint32_t)loc;
		}
		if (!n || rc)
			continue;
		int64_t v[4] = {llround(r->alloc_objects), llround(r->alloc_bytes), llround(r->inuse_objects),
				llround(r->inuse_bytes)};
		uint32_t at = profile_add_sample(p, locs, n, v, NULL, 0);
		if (at == PF_NONE)
			rc = -ENOMEM;
		else
			stack_of[at] = (uint32_t)i;
	}
	hmap_release(&loc_by_pc);
	hmap_release(&map_by_entry);
	procmaps_release(&maps);
	if (rc == 0 && p->failed)
		rc = -ENOMEM;
	if (rc == 0 && symbolizer_run(ls->sym, p, NULL) == -ENOMEM)
		rc = -ENOMEM;
	return rc;
}

/* Folds the samples into one row per site node. */
static int fold_sites(struct livesites *ls, const struct livesnap *s, struct profile *p, const uint32_t *stack_of)
{
	struct ropts o = {0};
	o.sample_index = PPROF_TYPE_ALLOC_SPACE;
	o.gran = GRAN_LINES;
	o.nodecount = -1;
	struct report r;
	if (report_open(&r, p, &o) != 0) {
		report_close(&r);
		return -ENOMEM;
	}
	const struct graph *g = &r.g;
	struct site_rule rule;
	size_t nn = g->nnodes + 1;
	struct livesite *acc = calloc(nn, sizeof(*acc));
	uint32_t *via = malloc(nn * sizeof(*via));
	double *heaviest = calloc(nn, sizeof(*heaviest));
	int rc = 0;
	if (!acc || !via || !heaviest || site_rule_init(&rule, g) < 0) {
		rc = -ENOMEM;
		goto out;
	}
	memset(via, 0xff, nn * sizeof(*via));
	for (size_t i = 0; i < p->nsamples; i++) {
		struct site_frame f;
		site_find(&rule, &p->samples[i], &f);
		const struct livesnap_stack *rec = &s->stacks[stack_of[i]];
		struct livesite *a = &acc[f.node];
		a->alloc_objects += rec->alloc_objects;
		a->alloc_bytes += rec->alloc_bytes;
		a->inuse_objects += rec->inuse_objects;
		a->inuse_bytes += rec->inuse_bytes;
		a->label = (char *)1; /* marks the node a site */
		if (rec->alloc_bytes >= heaviest[f.node]) {
			heaviest[f.node] = rec->alloc_bytes;
			via[f.node] = f.via;
		}
	}
	site_rule_release(&rule);
	size_t n = 0;
	for (size_t k = 0; k < g->nnodes; k++)
		n += acc[k].label != NULL;
	ls->rows = calloc(n ? n : 1, sizeof(*ls->rows));
	if (!ls->rows) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t k = 0; k < g->nnodes; k++) {
		if (!acc[k].label)
			continue;
		struct livesite *row = &ls->rows[ls->nrows];
		*row = acc[k];
		row->label = site_label(g, (uint32_t)k, via[k]);
		if (!row->label) {
			rc = -ENOMEM;
			break;
		}
		ls->nrows++;
	}
out:
	free(acc);
	free(via);
	free(heaviest);
	report_close(&r);
	return rc;
}

/* Rows with the same label (two nodes that print alike) become one. */
static void merge_equal(struct livesites *ls)
{
	qsort(ls->rows, ls->nrows, sizeof(*ls->rows), by_label);
	size_t w = 0;
	for (size_t i = 0; i < ls->nrows; i++) {
		if (w && !strcmp(ls->rows[w - 1].label, ls->rows[i].label)) {
			struct livesite *d = &ls->rows[w - 1];
			d->alloc_objects += ls->rows[i].alloc_objects;
			d->alloc_bytes += ls->rows[i].alloc_bytes;
			d->inuse_objects += ls->rows[i].inuse_objects;
			d->inuse_bytes += ls->rows[i].inuse_bytes;
			free(ls->rows[i].label);
			continue;
		}
		ls->rows[w++] = ls->rows[i];
	}
	ls->nrows = w;
}

static void rates(struct livesites *ls, const struct livesnap *s)
{
	ls->since_start = !ls->have_prev;
	uint64_t from = ls->have_prev ? ls->prev_time_ns : s->h.start_ns;
	ls->window_s = s->h.time_ns > from ? (double)(s->h.time_ns - from) / 1e9 : 0;
	for (size_t i = 0; i < ls->nrows; i++) {
		struct livesite *row = &ls->rows[i];
		double objects = row->alloc_objects, bytes = row->alloc_bytes;
		const struct livesite *old =
			ls->have_prev ? bsearch(row, ls->prev, ls->nprev, sizeof(*ls->prev), by_label) : NULL;
		if (old) {
			objects -= old->alloc_objects;
			bytes -= old->alloc_bytes;
		}
		row->objects_per_s = ls->window_s > 0 ? objects / ls->window_s : 0;
		row->bytes_per_s = ls->window_s > 0 ? bytes / ls->window_s : 0;
	}
}

int livesites_update(struct livesites *ls, const struct livesnap *s)
{
	if (ls->have_prev || ls->rows) {
		free_rows(ls->prev, ls->nprev);
		/* kept sorted by label for the next refresh's lookups */
		qsort(ls->rows, ls->nrows, sizeof(*ls->rows), by_label);
		ls->prev = ls->rows;
		ls->nprev = ls->nrows;
		ls->rows = NULL;
		ls->nrows = 0;
	}
	struct profile p;
	profile_init(&p);
	uint32_t *stack_of = calloc(s->h.nstacks ? s->h.nstacks : 1, sizeof(*stack_of));
	int rc = stack_of ? build_profile(ls, s, &p, stack_of) : -ENOMEM;
	if (rc == 0)
		rc = fold_sites(ls, s, &p, stack_of);
	free(stack_of);
	profile_release(&p);
	if (rc < 0)
		return rc;
	merge_equal(ls);
	rates(ls, s);
	ls->have_prev = true;
	ls->prev_time_ns = s->h.time_ns;
	return 0;
}

static enum livesites_key sort_key;

static double key_of(const struct livesite *r)
{
	switch (sort_key) {
	case LIVE_BY_ALLOC_OBJECTS: return r->objects_per_s;
	case LIVE_BY_INUSE_SPACE: return r->inuse_bytes;
	case LIVE_BY_INUSE_OBJECTS: return r->inuse_objects;
	default: return r->bytes_per_s;
	}
}

static int by_key(const void *a, const void *b)
{
	const struct livesite *x = a, *y = b;
	double kx = key_of(x), ky = key_of(y);
	if (kx != ky)
		return kx > ky ? -1 : 1;
	/* then what they allocated since the start, then the name */
	if (x->alloc_bytes != y->alloc_bytes)
		return x->alloc_bytes > y->alloc_bytes ? -1 : 1;
	return strcmp(x->label, y->label);
}

void livesites_sort(struct livesites *ls, enum livesites_key key)
{
	sort_key = key;
	qsort(ls->rows, ls->nrows, sizeof(*ls->rows), by_key);
}
