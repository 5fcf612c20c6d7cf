/* unwind: the stack of the code that called into the allocator, as return
 * addresses leaf first, with the shim's own frames dropped. */
#ifndef ALLOCPROF_UNWIND_H
#define ALLOCPROF_UNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Frames of the shim that may sit on top of a captured stack. */
enum { UNWIND_SKIP_MAX = 16 };

void unwind_init(void);
/* A thread's cache of recent call chains and of unwinding rules (see
 * unwind.c), in memory the caller provides: unwind_cache_bytes of it,
 * zeroed. Reset it on the thread that will use it, before its first use
 * (it learns that thread's stack then). */
struct unwind_cache;
size_t unwind_cache_bytes(unsigned max);
void unwind_cache_reset(struct unwind_cache *c);
/* hits: chains read back; misses: chains unwound, of which walks were
 * remembered. */
void unwind_cache_stats(const struct unwind_cache *c, uint64_t *hits, uint64_t *misses, uint64_t *walks);
/* The unwinders' counts (ALLOCPROF_UNWIND), added to *s: stacks the cache
 * missed that stackwalk unwound and that it left to libunwind, the frames
 * it stepped through and those it read back from its last chain; in check
 * mode, stacks compared with libunwind's and those that differed. */
struct unwind_walk_stats {
	uint64_t walked, fallbacks, stepped, reused, checked, differ;
};
void unwind_cache_walk_stats(const struct unwind_cache *c, struct unwind_walk_stats *s);

/* frames must hold max + UNWIND_SKIP_MAX + 1 entries. Returns how many
 * frames were kept (at most max); *truncated when the stack was deeper;
 * *hash names them (unwind_hash). With a cache (or NULL), a chain seen
 * before costs a load per frame, and its hash was kept with it. */
unsigned unwind_stack(uint64_t *frames, unsigned max, bool *truncated, uint64_t *hash,
		      struct unwind_cache *c);
/* unwind_stack with the cache's key given: anchor, a frame address of
 * the caller's below every frame to keep, the same each time the same
 * chain calls. unwind_stack's anchor is its own frame. */
unsigned unwind_stack_at(uint64_t *frames, unsigned max, bool *truncated, uint64_t *hash,
			 struct unwind_cache *c, uint64_t anchor);

/* Exact mode's stack in two halves, so that a chain the cache holds costs
 * no call into the unwinder and no copy of frames the ring carried
 * before: unwind_lookup gives the cached chain above anchor, verified (its
 * every slot still holds its return address), or NULL, after which
 * unwind_missed unwinds it as unwind_stack_at would have (the lookup
 * counted once). Only where unwind_lookup_ready (exact mode, the cache on,
 * no check of libunwind's answer). */
enum { UNWIND_MEMO_NONE = UINT32_MAX };
struct unwind_chain {
	uint16_t n;       /* return addresses in pc_slot[], the shim's included */
	uint16_t skip;    /* the shim's own frames on top */
	uint16_t kept;    /* frames given back: n - skip, at most max */
	bool truncated;
	/* the caller's: a value it derived from hash and memo_key (capture.c:
	 * the hash mixed with a label set), UNWIND_MEMO_NONE until it does */
	uint32_t memo_key;
	uint64_t hash;    /* unwind_hash of the kept frames */
	uint64_t memo;
	uint64_t pc_slot[]; /* n pairs: pc, then the address it was read from */
};
bool unwind_lookup_ready(void);
struct unwind_chain *unwind_lookup(struct unwind_cache *c, uint64_t anchor);
unsigned unwind_missed(uint64_t *frames, unsigned max, bool *truncated, uint64_t *hash,
		       struct unwind_cache *c, uint64_t anchor);
/* The chain's kept frames into frames; returns how many. */
static inline unsigned unwind_chain_frames(const struct unwind_chain *e, uint64_t *frames)
{
	const uint64_t *ps = e->pc_slot + 2 * e->skip;
	for (unsigned i = 0; i < e->kept; i++)
		frames[i] = ps[2 * i];
	return e->kept;
}

/* The name of a stack: one multiply per frame. Each round is a bijection of
 * the running value, so two stacks collide only by the 2^-64 chance of the
 * final mix. */
uint64_t unwind_hash(const uint64_t *frames, unsigned n, bool truncated);
/* Code may have been unmapped (dlclose): the unwinders forget what they
 * learnt of it, since other code may come at the same addresses. */
void unwind_code_unmapped(void);
/* True if pc lies in the shim's own code. */
bool unwind_is_own(uint64_t pc);

#endif
