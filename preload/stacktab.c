/* stacktab: a growable array of records and an hmap from hash to index,
 * from the shim's arena; each record names its frames by a frame tree node. */
#include "stacktab.h"

#include <string.h>

#include "../src/hmap.h"
#include "../src/mem.h"
#include "frametree.h"

static struct stack_rec *recs;
static size_t nrecs, cap_recs;
static struct hmap index_by_hash;

static bool set_frames(struct stack_rec *s, const uint64_t *frames, uint32_t n, bool truncated)
{
	uint32_t node = frametree_intern(frames, n);
	if (node == FRAMETREE_NONE)
		return false;
	s->node = node;
	s->flags |= STACK_HAS_FRAMES | (truncated ? STACK_TRUNCATED : 0);
	return true;
}

struct stack_rec *stacktab_intern(uint64_t hash, const uint64_t *frames, uint32_t nframes,
				  bool truncated)
{
	uint64_t i = hmap_get(&index_by_hash, hash);
	if (i != HMAP_EMPTY) {
		struct stack_rec *s = &recs[i];
		if (frames && !(s->flags & STACK_HAS_FRAMES))
			set_frames(s, frames, nframes, truncated);
		return s;
	}
	if (MEM_GROW(recs, cap_recs, nrecs + 1) < 0 || hmap_insert(&index_by_hash, hash, nrecs) < 0)
		return NULL;
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
	return cap_recs * sizeof(*recs) + frametree_memory() +
	       index_by_hash.cap * sizeof(struct hmap_entry);
}

void stacktab_snapshot_peak(void)
{
	for (size_t i = 0; i < nrecs; i++) {
		recs[i].peak_objects = recs[i].inuse_objects;
		recs[i].peak_bytes = recs[i].inuse_bytes;
	}
}

struct stack_rec *stacktab_base(void)
{
	return recs;
}
