/* stacktab: a growable array of records and an open-addressing index of
 * record numbers, each beside the top half of its record's hash (8 bytes a
 * slot), from the shim's arena; each record names its frames by a frame
 * tree node. */
#include "stacktab.h"
#include "collector.h"

#include <string.h>

#include "../src/hmap.h"
#include "../src/mem.h"
#include "config.h"
#include "frametree.h"
#include "stackfate.h"

static COLLECTOR_OWNED struct stack_rec *recs;
static COLLECTOR_OWNED size_t nrecs, cap_recs;
/* when sampling, beside each record by number: blocks in use, and the most
 * at once, as sums of weights */
struct stack_estimate {
	double inuse_objects, live_max;
};
static COLLECTOR_OWNED struct stack_estimate *estimates;
static COLLECTOR_OWNED size_t cap_estimates;
/* the sizes of stacks that made a block of 4 GiB or more: few, by record
 * number + 1 (0 empty) in an open-addressing table */
struct big_sizes {
	uint32_t rec;
	uint64_t min, max;
};
static COLLECTOR_OWNED struct big_sizes *bigs;
static COLLECTOR_OWNED size_t nbigs, cap_bigs;
static COLLECTOR_OWNED struct stack_realloc *reallocs;
static COLLECTOR_OWNED size_t nreallocs, cap_reallocs;
/* record number + 1 in the low half, 0 when empty; the top half of the
 * record's hash in the high half, so that a probe reads a record only when
 * it is almost surely the one: records are scattered over megabytes, and a
 * new stack's probe used to read one for every full slot it passed */
static COLLECTOR_OWNED uint64_t *slots;
static COLLECTOR_OWNED size_t cap_slots;
/* the last peak snapshot: stacks that had blocks in use, by record number */
struct peak_rec {
	uint32_t rec;
	double objects, bytes;
};
static COLLECTOR_OWNED struct peak_rec *peaks;
static COLLECTOR_OWNED size_t npeaks, cap_peaks;

static size_t slot_of(uint64_t hash, size_t cap)
{
	return hash_mix64(hash) & (cap - 1);
}

static uint64_t slot_value(uint64_t hash, size_t rec)
{
	return (hash & 0xffffffff00000000ULL) | (rec + 1);
}

static uint32_t slot_rec(uint64_t slot)
{
	return (uint32_t)slot - 1;
}

static size_t find(uint64_t hash)
{
	size_t i = slot_of(hash, cap_slots);
	for (uint64_t v; (v = slots[i]); i = (i + 1) & (cap_slots - 1))
		if ((v ^ hash) >> 32 == 0 && recs[slot_rec(v)].hash == hash)
			break;
	return i;
}

/* Grown at 3/4 load. */
static int grow_index(void)
{
	size_t ncap = cap_slots ? cap_slots * 2 : 1024;
	uint64_t *n = mem_calloc(ncap, sizeof(*n));
	if (!n)
		return -1;
	for (size_t r = 0; r < nrecs; r++) {
		size_t i = slot_of(recs[r].hash, ncap);
		while (n[i])
			i = (i + 1) & (ncap - 1);
		n[i] = slot_value(recs[r].hash, r);
	}
	mem_free(slots, cap_slots * sizeof(*slots));
	slots = n;
	cap_slots = ncap;
	return 0;
}

static bool set_frames(struct stack_rec *s, const uint64_t *frames, uint32_t n, bool truncated)
{
	uint32_t node = frametree_intern(frames, n);
	if (node == FRAMETREE_NONE || node >= STACK_NODE_LIMIT)
		return false;
	s->node = node;
	s->flags |= STACK_HAS_FRAMES | (truncated ? STACK_TRUNCATED : 0);
	return true;
}

COLLECTOR_OWNED struct stacktab_last stacktab_last;

struct stack_rec *stacktab_intern_slow(uint64_t hash, const uint64_t *frames, uint32_t nframes,
				       bool truncated)
{
	if ((nrecs + 1) * 4 > cap_slots * 3 && grow_index() < 0)
		return NULL;
	size_t i = find(hash);
	if (slots[i]) {
		struct stack_rec *s = &recs[slot_rec(slots[i])];
		if (frames && !(s->flags & STACK_HAS_FRAMES))
			set_frames(s, frames, nframes, truncated);
		stacktab_last = (struct stacktab_last){hash, s};
		return s;
	}
	/* the records may move */
	stacktab_last.rec = NULL;
	if (nrecs >= UINT32_MAX - 1 || MEM_GROW(recs, cap_recs, nrecs + 1) < 0)
		return NULL;
	if (config.rate > 1) {
		if (MEM_GROW(estimates, cap_estimates, nrecs + 1) < 0)
			return NULL;
		estimates[nrecs] = (struct stack_estimate){0, 0};
	}
	slots[i] = slot_value(hash, nrecs);
	struct stack_rec *s = &recs[nrecs++];
	memset(s, 0, sizeof(*s));
	s->hash = hash;
	if (frames)
		set_frames(s, frames, nframes, truncated);
	return s;
}

size_t stacktab_count(void)
{
	return nrecs;
}

struct stack_rec *stacktab_at(size_t i)
{
	return &recs[i];
}

uint32_t stacktab_frames(const struct stack_rec *s, uint64_t *out, uint32_t max)
{
	return s->flags & STACK_HAS_FRAMES ? frametree_frames(s->node, out, max) : 0;
}

size_t stacktab_memory(void)
{
	return cap_recs * sizeof(*recs) + cap_estimates * sizeof(*estimates) + cap_bigs * sizeof(*bigs) + cap_reallocs * sizeof(*reallocs) + frametree_memory() +
	       cap_slots * sizeof(*slots) + cap_peaks * sizeof(*peaks) + stackfate_memory();
}

static struct big_sizes *big_slot(struct big_sizes *t, size_t cap, uint32_t rec)
{
	size_t i = hash_mix64(rec) & (cap - 1);
	while (t[i].rec && t[i].rec != rec)
		i = (i + 1) & (cap - 1);
	return &t[i];
}

/* Grown at 1/2 load. */
static int grow_bigs(void)
{
	size_t ncap = cap_bigs ? cap_bigs * 2 : 16;
	struct big_sizes *n = mem_calloc(ncap, sizeof(*n));
	if (!n)
		return -1;
	for (size_t i = 0; i < cap_bigs; i++)
		if (bigs[i].rec)
			*big_slot(n, ncap, bigs[i].rec) = bigs[i];
	mem_free(bigs, cap_bigs * sizeof(*bigs));
	bigs = n;
	cap_bigs = ncap;
	return 0;
}

void stacktab_note_big_size(struct stack_rec *s, uint64_t size, bool first)
{
	uint32_t rec = stacktab_index(s) + 1;
	if (!(s->flags & STACK_BIG_SIZES)) {
		/* out of memory: the size is kept as 4 GiB less one byte */
		if ((nbigs + 1) * 2 > cap_bigs && grow_bigs() < 0) {
			if (first)
				s->size_min = UINT32_MAX;
			s->size_max = UINT32_MAX;
			return;
		}
		struct big_sizes *b = big_slot(bigs, cap_bigs, rec);
		*b = (struct big_sizes){rec, first ? size : s->size_min, first ? size : s->size_max};
		nbigs++;
		s->flags |= STACK_BIG_SIZES;
	}
	struct big_sizes *b = big_slot(bigs, cap_bigs, rec);
	if (size < b->min)
		b->min = size;
	if (size > b->max)
		b->max = size;
}

uint64_t stacktab_size_min(const struct stack_rec *s)
{
	return s->flags & STACK_BIG_SIZES ? big_slot(bigs, cap_bigs, stacktab_index(s) + 1)->min : s->size_min;
}

uint64_t stacktab_size_max(const struct stack_rec *s)
{
	return s->flags & STACK_BIG_SIZES ? big_slot(bigs, cap_bigs, stacktab_index(s) + 1)->max : s->size_max;
}

double stacktab_inuse_objects(const struct stack_rec *s)
{
	return config.rate > 1 ? estimates[stacktab_index(s)].inuse_objects : (double)s->live_sampled;
}

double stacktab_live_max(const struct stack_rec *s)
{
	return config.rate > 1 ? estimates[stacktab_index(s)].live_max : (double)s->live_sampled_max;
}

void stacktab_estimate_add(const struct stack_rec *s, double objects)
{
	struct stack_estimate *e = &estimates[stacktab_index(s)];
	e->inuse_objects += objects;
	if (e->inuse_objects > e->live_max)
		e->live_max = e->inuse_objects;
}

struct stack_realloc *stacktab_realloc(struct stack_rec *s)
{
	if (s->realloc_rec)
		return &reallocs[s->realloc_rec - 1];
	if (nreallocs >= UINT32_MAX - 1 || MEM_GROW(reallocs, cap_reallocs, nreallocs + 1) < 0)
		return NULL;
	struct stack_realloc *r = &reallocs[nreallocs++];
	memset(r, 0, sizeof(*r));
	s->realloc_rec = (uint32_t)nreallocs;
	return r;
}

const struct stack_realloc *stacktab_realloc_of(const struct stack_rec *s)
{
	return s->realloc_rec ? &reallocs[s->realloc_rec - 1] : NULL;
}

void stacktab_snapshot_peak(void)
{
	npeaks = 0;
	for (size_t i = 0; i < nrecs; i++) {
		double objects = stacktab_inuse_objects(&recs[i]);
		if (!objects && !recs[i].inuse_bytes)
			continue;
		/* out of memory: the peak of the stacks that find no room is 0 */
		if (MEM_GROW(peaks, cap_peaks, npeaks + 1) < 0)
			return;
		peaks[npeaks++] = (struct peak_rec){(uint32_t)i, objects, recs[i].inuse_bytes};
	}
}

void stacktab_peak_of(const struct stack_rec *s, double *objects, double *bytes)
{
	uint32_t want = stacktab_index(s);
	size_t lo = 0, hi = npeaks;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (peaks[mid].rec < want)
			lo = mid + 1;
		else
			hi = mid;
	}
	bool found = lo < npeaks && peaks[lo].rec == want;
	*objects = found ? peaks[lo].objects : 0;
	*bytes = found ? peaks[lo].bytes : 0;
}

struct stack_rec *stacktab_base(void)
{
	return recs;
}
