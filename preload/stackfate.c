/* stackfate: two growable arrays of records from the shim's arena, named by
 * stack_rec.fate_rec: narrow ones of 32-bit counts (88 bytes) for stacks
 * whose frees all weigh one object, wide ones (struct stack_fate, 168
 * bytes) for the others. A narrow record is widened, once, when a weight is
 * not one or a count would pass 2^32; its slot is not reused. Free sites
 * are few and repeat: narrow records name them by a number in a table of
 * return addresses. */
#include "stackfate.h"
#include "collector.h"

#include <string.h>

#include "../src/hmap.h"
#include "../src/mem.h"

enum { FATE_WIDE = 1u << 31 };

struct fate_narrow {
	uint32_t life[LIFE_BUCKETS];
	uint32_t freed, short_objects, freed_same_thread;
	uint32_t site[FREE_SITES];   /* free site number + 1, 0 = none */
	uint32_t site_count[FREE_SITES];
	uint64_t short_bytes;
};

static COLLECTOR_OWNED struct fate_narrow *narrow;
static COLLECTOR_OWNED size_t nnarrow, cap_narrow;
static COLLECTOR_OWNED struct stack_fate *wide;
static COLLECTOR_OWNED size_t nwide, cap_wide;

/* free sites: return addresses, and an open-addressing index of them */
static COLLECTOR_OWNED uint64_t *site_pcs; /* site_pcs[0] unused */
static COLLECTOR_OWNED size_t nsites = 1, cap_site_pcs;
static COLLECTOR_OWNED uint32_t *site_slots;
static COLLECTOR_OWNED size_t cap_site_slots;

static size_t site_slot(uint64_t pc, size_t cap)
{
	return hash_mix64(pc) & (cap - 1);
}

static int grow_sites(void)
{
	size_t ncap = cap_site_slots ? cap_site_slots * 2 : 256;
	uint32_t *n = mem_calloc(ncap, sizeof(*n));
	if (!n)
		return -1;
	for (uint32_t id = 1; id < nsites; id++) {
		size_t i = site_slot(site_pcs[id], ncap);
		while (n[i])
			i = (i + 1) & (ncap - 1);
		n[i] = id;
	}
	mem_free(site_slots, cap_site_slots * sizeof(*site_slots));
	site_slots = n;
	cap_site_slots = ncap;
	return 0;
}

/* The number of the free site pc, made if new; 0 when out of memory. Frees
 * come in runs from one site: the last answer is kept. */
static COLLECTOR_OWNED uint64_t last_pc;
static COLLECTOR_OWNED uint32_t last_site;

static uint32_t site_of(uint64_t pc)
{
	if (pc == last_pc && last_site)
		return last_site;
	if ((nsites + 1) * 4 > cap_site_slots * 3 && grow_sites() < 0)
		return 0;
	size_t i = site_slot(pc, cap_site_slots);
	for (; site_slots[i]; i = (i + 1) & (cap_site_slots - 1))
		if (site_pcs[site_slots[i]] == pc)
			break;
	if (!site_slots[i]) {
		if (nsites >= FATE_WIDE - 1 || MEM_GROW(site_pcs, cap_site_pcs, nsites + 1) < 0)
			return 0;
		site_pcs[nsites] = pc;
		site_slots[i] = (uint32_t)nsites++;
	}
	last_pc = pc;
	last_site = site_slots[i];
	return last_site;
}

static void narrow_to_wide(const struct fate_narrow *n, struct stack_fate *w)
{
	memset(w, 0, sizeof(*w));
	for (unsigned b = 0; b < LIFE_BUCKETS; b++)
		w->life[b] = n->life[b];
	w->freed = n->freed;
	w->short_objects = n->short_objects;
	w->short_bytes = (double)n->short_bytes;
	w->freed_same_thread = n->freed_same_thread;
	for (unsigned k = 0; k < FREE_SITES; k++) {
		w->free_pc[k] = n->site[k] ? site_pcs[n->site[k]] : 0;
		w->free_pc_weight[k] = n->site_count[k];
	}
}

static struct stack_fate *new_wide(struct stack_rec *s)
{
	if (nwide >= FATE_WIDE - 1 || MEM_GROW(wide, cap_wide, nwide + 1) < 0)
		return NULL;
	struct stack_fate *w = &wide[nwide];
	if (s->fate_rec)
		narrow_to_wide(&narrow[s->fate_rec - 1], w);
	else
		memset(w, 0, sizeof(*w));
	s->fate_rec = FATE_WIDE | (uint32_t)++nwide;
	return w;
}

static void add_wide(struct stack_fate *w, const struct fate_free *f)
{
	w->life[f->life_bucket] += f->objects;
	if (f->is_short) {
		w->short_objects += f->objects;
		w->short_bytes += f->bytes;
	}
	w->freed += f->objects;
	if (f->same_thread)
		w->freed_same_thread += f->objects;
	if (!f->free_pc)
		return;
	for (unsigned k = 0; k < FREE_SITES; k++) {
		if (w->free_pc[k] == f->free_pc || !w->free_pc[k]) {
			w->free_pc[k] = f->free_pc;
			w->free_pc_weight[k] += f->objects;
			return;
		}
	}
}

/* Adds f to n; false, with n untouched, when a count would not fit. */
static bool add_narrow(struct fate_narrow *n, const struct fate_free *f)
{
	uint32_t site = 0;
	unsigned k = FREE_SITES;
	if (f->free_pc) {
		if (!(site = site_of(f->free_pc)))
			return false;
		for (k = 0; k < FREE_SITES; k++)
			if (n->site[k] == site || !n->site[k])
				break;
		if (k < FREE_SITES && n->site_count[k] == UINT32_MAX)
			return false;
	}
	/* every count is at most freed */
	if (n->freed == UINT32_MAX || n->short_bytes + f->size < n->short_bytes)
		return false;
	n->freed++;
	n->life[f->life_bucket]++;
	if (f->is_short) {
		n->short_objects++;
		n->short_bytes += f->size;
	}
	if (f->same_thread)
		n->freed_same_thread++;
	if (k < FREE_SITES) {
		n->site[k] = site;
		n->site_count[k]++;
	}
	return true;
}

void stackfate_add(struct stack_rec *s, const struct fate_free *f)
{
	if (s->fate_rec & FATE_WIDE) {
		add_wide(&wide[(s->fate_rec & ~FATE_WIDE) - 1], f);
		return;
	}
	/* a weight of one block is one of its size (sampler.h) */
	bool whole = f->objects == 1.0 && f->bytes == (double)f->size;
	if (whole && !s->fate_rec) {
		if (nnarrow >= FATE_WIDE - 1 || MEM_GROW(narrow, cap_narrow, nnarrow + 1) < 0)
			return;
		memset(&narrow[nnarrow], 0, sizeof(*narrow));
		s->fate_rec = (uint32_t)++nnarrow;
	}
	if (whole && add_narrow(&narrow[s->fate_rec - 1], f))
		return;
	struct stack_fate *w = new_wide(s);
	if (w)
		add_wide(w, f);
}

void stackfate_read(const struct stack_rec *s, struct stack_fate *out)
{
	if (!s->fate_rec)
		memset(out, 0, sizeof(*out));
	else if (s->fate_rec & FATE_WIDE)
		*out = wide[(s->fate_rec & ~FATE_WIDE) - 1];
	else
		narrow_to_wide(&narrow[s->fate_rec - 1], out);
}

void stackfate_free_pcs(const struct stack_rec *s, uint64_t pcs[FREE_SITES])
{
	if (!s->fate_rec) {
		memset(pcs, 0, FREE_SITES * sizeof(*pcs));
	} else if (s->fate_rec & FATE_WIDE) {
		memcpy(pcs, wide[(s->fate_rec & ~FATE_WIDE) - 1].free_pc, FREE_SITES * sizeof(*pcs));
	} else {
		const struct fate_narrow *n = &narrow[s->fate_rec - 1];
		for (unsigned k = 0; k < FREE_SITES; k++)
			pcs[k] = n->site[k] ? site_pcs[n->site[k]] : 0;
	}
}

size_t stackfate_memory(void)
{
	return cap_narrow * sizeof(*narrow) + cap_wide * sizeof(*wide) + cap_site_pcs * sizeof(*site_pcs) +
	       cap_site_slots * sizeof(*site_slots);
}
