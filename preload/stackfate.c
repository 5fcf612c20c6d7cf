/* stackfate: three growable arrays of records from the shim's arena, named
 * by stack_rec.fate_rec, in tiers that a stack's record climbs, once each:
 * small ones (32 bytes) of 16-bit counts and one free site, for stacks whose
 * frees all weigh one object; narrow ones of 32-bit counts and four sites
 * (88 bytes) when a small count would overflow or a second site comes; wide
 * ones (struct stack_fate, 168 bytes) when a weight is not one or a count
 * would pass 2^32. A record left behind is not reused. At rate 1 nearly
 * every stack stays small: 2^17 stacks cost 4 MiB, not 11. Free sites are
 * few and repeat: small and narrow records name them by a number in a table
 * of return addresses. */
#include "stackfate.h"
#include "collector.h"

#include <string.h>

#include "../src/hmap.h"
#include "../src/mem.h"

enum { FATE_WIDE = 1u << 31, FATE_NARROW = 1u << 30, FATE_INDEX = FATE_NARROW - 1 };

/* freed is the sum of life[]: each free falls in one bucket */
struct fate_small {
	uint16_t life[LIFE_BUCKETS];
	uint16_t short_objects, freed_same_thread;
	uint16_t site_count;
	uint32_t site;               /* free site number, 0 = none yet */
	uint32_t short_bytes;
};
_Static_assert(sizeof(struct fate_small) == 32, "two small records a 64-byte line");

struct fate_narrow {
	uint32_t life[LIFE_BUCKETS];
	uint32_t freed, short_objects, freed_same_thread;
	uint32_t site[FREE_SITES];   /* free site number + 1, 0 = none */
	uint32_t site_count[FREE_SITES];
	uint64_t short_bytes;
};

static COLLECTOR_OWNED struct fate_small *small;
static COLLECTOR_OWNED size_t nsmall, cap_small;
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

static __attribute__((noinline)) uint32_t find_site(uint64_t pc)
{
	if ((nsites + 1) * 4 > cap_site_slots * 3 && grow_sites() < 0)
		return 0;
	size_t i = site_slot(pc, cap_site_slots);
	for (; site_slots[i]; i = (i + 1) & (cap_site_slots - 1))
		if (site_pcs[site_slots[i]] == pc)
			break;
	if (!site_slots[i]) {
		if (nsites >= FATE_INDEX || MEM_GROW(site_pcs, cap_site_pcs, nsites + 1) < 0)
			return 0;
		site_pcs[nsites] = pc;
		site_slots[i] = (uint32_t)nsites++;
	}
	last_pc = pc;
	last_site = site_slots[i];
	return last_site;
}

/* The last answer checked inline: on two callers gcc made a call of it all. */
static inline __attribute__((always_inline)) uint32_t site_of(uint64_t pc)
{
	if (pc == last_pc && last_site)
		return last_site;
	return find_site(pc);
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

static void small_to_narrow(const struct fate_small *m, struct fate_narrow *n)
{
	memset(n, 0, sizeof(*n));
	for (unsigned b = 0; b < LIFE_BUCKETS; b++) {
		n->life[b] = m->life[b];
		n->freed += m->life[b];
	}
	n->short_objects = m->short_objects;
	n->freed_same_thread = m->freed_same_thread;
	n->site[0] = m->site;
	n->site_count[0] = m->site_count;
	n->short_bytes = m->short_bytes;
}

/* Straight to sums, without the narrow record between: the dump reads
 * every stack's fate, and nearly all are small. */
static void small_to_wide(const struct fate_small *m, struct stack_fate *w)
{
	memset(w, 0, sizeof(*w));
	uint32_t freed = 0;
	for (unsigned b = 0; b < LIFE_BUCKETS; b++) {
		w->life[b] = m->life[b];
		freed += m->life[b];
	}
	w->freed = freed;
	w->short_objects = m->short_objects;
	w->short_bytes = m->short_bytes;
	w->freed_same_thread = m->freed_same_thread;
	w->free_pc[0] = m->site ? site_pcs[m->site] : 0;
	w->free_pc_weight[0] = m->site_count;
}

static uint32_t rec_index(uint32_t fate_rec)
{
	return (fate_rec & FATE_INDEX) - 1;
}

static struct stack_fate *new_wide(struct stack_rec *s)
{
	if (nwide >= FATE_INDEX || MEM_GROW(wide, cap_wide, nwide + 1) < 0)
		return NULL;
	struct stack_fate *w = &wide[nwide];
	stackfate_read(s, w);
	s->fate_rec = FATE_WIDE | (uint32_t)++nwide;
	return w;
}

static struct fate_narrow *new_narrow(struct stack_rec *s)
{
	if (nnarrow >= FATE_INDEX || MEM_GROW(narrow, cap_narrow, nnarrow + 1) < 0)
		return NULL;
	struct fate_narrow *n = &narrow[nnarrow];
	if (s->fate_rec)
		small_to_narrow(&small[rec_index(s->fate_rec)], n);
	else
		memset(n, 0, sizeof(*n));
	s->fate_rec = FATE_NARROW | (uint32_t)++nnarrow;
	return n;
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

/* Adds f to m; false, with m untouched, when a count would not fit or f
 * was freed at a second site. */
static bool add_small(struct fate_small *m, const struct fate_free *f)
{
	uint32_t site = 0;
	if (f->free_pc) {
		if (!(site = site_of(f->free_pc)) || (m->site && m->site != site) || m->site_count == UINT16_MAX)
			return false;
	}
	if (m->life[f->life_bucket] == UINT16_MAX)
		return false;
	if (f->is_short && (m->short_objects == UINT16_MAX || f->size > UINT32_MAX - m->short_bytes))
		return false;
	if (f->same_thread && m->freed_same_thread == UINT16_MAX)
		return false;
	m->life[f->life_bucket]++;
	if (f->is_short) {
		m->short_objects++;
		m->short_bytes += (uint32_t)f->size;
	}
	if (f->same_thread)
		m->freed_same_thread++;
	if (site) {
		m->site = site;
		m->site_count++;
	}
	return true;
}

/* Adds f to n; false, with n untouched, when a count would not fit.
 * Inline: a stack freed often is narrow, this is its every free. */
static inline __attribute__((always_inline)) bool add_narrow(struct fate_narrow *n, const struct fate_free *f)
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

/* Adds f, of weight one, to s while s is small or has no record, climbing
 * to narrow if it must; false when it must climb to wide. */
static __attribute__((noinline)) bool add_whole_small(struct stack_rec *s, const struct fate_free *f)
{
	if (!s->fate_rec) {
		/* out of memory: the free is not counted */
		if (nsmall >= FATE_INDEX || MEM_GROW(small, cap_small, nsmall + 1) < 0)
			return true;
		memset(&small[nsmall], 0, sizeof(*small));
		s->fate_rec = (uint32_t)++nsmall;
	}
	if (add_small(&small[rec_index(s->fate_rec)], f))
		return true;
	struct fate_narrow *n = new_narrow(s);
	return n && add_narrow(n, f);
}

void stackfate_add(struct stack_rec *s, const struct fate_free *f)
{
	uint32_t rec = s->fate_rec;
	if (rec & FATE_WIDE) {
		add_wide(&wide[rec_index(rec)], f);
		return;
	}
	/* a weight of one block is one of its size (sampler.h) */
	if (f->objects == 1.0 && f->bytes == (double)f->size) {
		/* a stack freed often is narrow: it comes first */
		if (rec & FATE_NARROW ? add_narrow(&narrow[rec_index(rec)], f) : add_whole_small(s, f))
			return;
	}
	struct stack_fate *w = new_wide(s);
	if (w)
		add_wide(w, f);
}

/* Out of line, so that stackfate_add_one's record of the free stays in
 * registers (its address is taken only here). */
static __attribute__((noinline)) void add_one_slow(struct stack_rec *s, unsigned life_bucket, bool is_short,
						   bool same_thread, uint64_t free_pc, uint64_t size)
{
	stackfate_add(s, &(struct fate_free){life_bucket, is_short, same_thread, free_pc, size, 1.0, (double)size});
}

void stackfate_add_one(struct stack_rec *s, unsigned life_bucket, bool is_short, bool same_thread,
		       uint64_t free_pc, uint64_t size)
{
	struct fate_free f = {life_bucket, is_short, same_thread, free_pc, size, 1.0, (double)size};
	uint32_t rec = s->fate_rec;
	/* a small record, or a count that would overflow (it widens), is
	 * stackfate_add's */
	if ((rec & FATE_NARROW) && add_narrow(&narrow[rec_index(rec)], &f))
		return;
	add_one_slow(s, life_bucket, is_short, same_thread, free_pc, size);
}

void stackfate_read(const struct stack_rec *s, struct stack_fate *out)
{
	if (!s->fate_rec) {
		memset(out, 0, sizeof(*out));
	} else if (s->fate_rec & FATE_WIDE) {
		*out = wide[rec_index(s->fate_rec)];
	} else if (s->fate_rec & FATE_NARROW) {
		narrow_to_wide(&narrow[rec_index(s->fate_rec)], out);
	} else {
		small_to_wide(&small[rec_index(s->fate_rec)], out);
	}
}

void stackfate_free_pcs(const struct stack_rec *s, uint64_t pcs[FREE_SITES])
{
	uint32_t rec = s->fate_rec;
	memset(pcs, 0, FREE_SITES * sizeof(*pcs));
	if (rec & FATE_WIDE) {
		memcpy(pcs, wide[rec_index(rec)].free_pc, FREE_SITES * sizeof(*pcs));
	} else if (rec & FATE_NARROW) {
		const struct fate_narrow *n = &narrow[rec_index(rec)];
		for (unsigned k = 0; k < FREE_SITES; k++)
			pcs[k] = n->site[k] ? site_pcs[n->site[k]] : 0;
	} else if (rec) {
		const struct fate_small *m = &small[rec_index(rec)];
		pcs[0] = m->site ? site_pcs[m->site] : 0;
	}
}

size_t stackfate_memory(void)
{
	return cap_small * sizeof(*small) + cap_narrow * sizeof(*narrow) + cap_wide * sizeof(*wide) + cap_site_pcs * sizeof(*site_pcs) +
	       cap_site_slots * sizeof(*site_slots);
}
