/* stacktab: a growable array of records, an hmap from hash to index and one
 * pool of frames, all from the shim's arena. */
#include "stacktab.h"

#include <string.h>

#include "../src/hmap.h"
#include "../src/mem.h"

static struct stack_rec *recs;
static size_t nrecs, cap_recs;
static uint64_t *pool;
static size_t npool, cap_pool;
static struct hmap index_by_hash;

static bool set_frames(struct stack_rec *s, const uint64_t *frames, uint32_t n, bool truncated)
{
	if (MEM_GROW(pool, cap_pool, npool + n) < 0)
		return false;
	memcpy(pool + npool, frames, n * sizeof(*frames));
	s->frames_off = npool;
	s->nframes = n;
	s->flags |= STACK_HAS_FRAMES | (truncated ? STACK_TRUNCATED : 0);
	npool += n;
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

const uint64_t *stacktab_frames(const struct stack_rec *s)
{
	return pool + s->frames_off;
}

size_t stacktab_memory(void)
{
	return cap_recs * sizeof(*recs) + cap_pool * sizeof(*pool) +
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
