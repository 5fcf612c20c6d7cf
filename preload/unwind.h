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
