/* unwind: the verified stack cache (exact mode's) in front of two
 * unwinders, stackwalk.h's (by default) and libunwind's unw_backtrace (the
 * stacks stackwalk gives up on); the shim's own text range comes
 * from its ELF program headers, found via __ehdr_start (no dladdr, no
 * loader lock). */
#include "unwind.h"
#include "config.h"
#include "log.h"
#include "owncount.h"
#include "stackwalk.h"
#include "unwind_validate.h"

#include "../src/hmap.h"

#include <elf.h>
#include <link.h>
#include <stdatomic.h>
#include <string.h>

#define UNW_LOCAL_ONLY
#include <libunwind.h>

extern const ElfW(Ehdr) __ehdr_start __attribute__((visibility("hidden")));

static uint64_t own_start, own_end;

void unwind_init(void)
{
	/* before libunwind's first use opens its pipe */
	unwind_validate_install();
	unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
	const ElfW(Ehdr) *eh = &__ehdr_start;
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)((const char *)eh + eh->e_phoff);
	uint64_t first_vaddr = UINT64_MAX;
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_vaddr < first_vaddr)
			first_vaddr = ph[i].p_vaddr & ~(uint64_t)4095;
	uint64_t base = (uint64_t)(uintptr_t)eh - first_vaddr;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && (ph[i].p_flags & PF_X)) {
			own_start = base + ph[i].p_vaddr;
			own_end = own_start + ph[i].p_memsz;
		}
	}
}

/* Set once code was unmapped: libunwind 1.6's per-thread trace cache (what
 * unw_backtrace reads) keeps its entries whatever unw_flush_cache says, so
 * code loaded where other code was would be unwound by the old code's rules
 * (tests/shim/unwinder.sh, dl_swap: 1 frame where 7). unw_step's rules do
 * follow unw_flush_cache. */
static atomic_bool trace_cache_stale;

void unwind_code_unmapped(void)
{
	stackwalk_code_unmapped();
	unw_flush_cache(unw_local_addr_space, 0, 0);
	atomic_store_explicit(&trace_cache_stale, true, memory_order_relaxed);
}

bool unwind_is_own(uint64_t pc)
{
	return pc - own_start < own_end - own_start;
}

/* ---- the verified stack cache ------------------------------------------------
 * Most allocations come back through a call chain seen a moment ago. A chain
 * is known by where each return address sits on the stack and what it says:
 * if every slot still holds the same return address, the frames are the same
 * ones (each frame's place follows from its inner frame's place and pc), so
 * the chain is read back with one load per frame, where libunwind's cached
 * walk looks each frame up in a hash table that allocation-heavy programs
 * keep out of the CPU's caches. A chain enters the cache from a walk that
 * also reports where each return address was read: stackwalk's, or with
 * ALLOCPROF_UNWIND=libunwind, libunwind's unw_step. Stack addresses belong
 * to one thread: a cache is reset whenever its ring changes hands. */

enum { CACHE_SETS = 64, CACHE_WAYS = 4 };

_Static_assert(CONFIG_DEPTH_MAX + UNWIND_SKIP_MAX + 1 <= STACKWALK_FRAMES_MAX,
	       "stackwalk keeps chains as deep as the deepest walk");


/* ALLOCPROF_UNWIND=libunwind: a walk that remembers costs libunwind's slow
 * path (~15 us a chain on cc1) where unw_backtrace costs ~2 us, and a hit saves ~0.3 us: a walk
 * pays only if its chain comes back dozens of times. So walks are budgeted:
 * the first WALKS_FREE are free (to fill the cache), then one more per
 * HITS_PER_WALK hits, and one per MISSES_PER_WALK misses, so that a thread
 * whose free walks went on chains that never came back (a program's start)
 * still learns the ones that do. A program whose chains rarely repeat (cc1:
 * ~20% hits) unwinds the fast way and loses ~2%; one whose chains repeat
 * (sqlite3, redis, perl: 99.9%) stays within its budget. */
enum { WALKS_FREE = 1024, HITS_PER_WALK = 64, MISSES_PER_WALK = 512 };

/* Even within its walk budget the cache cost cc1 ~20% of CPU with
 * libunwind (lookups that miss, walks, the CPU cache lines its entries
 * take), and a hit saves less after stackwalk's walk: a thread whose
 * window of WINDOW lookups hits less than half the time stops using it,
 * and tries it again after RETRY unwinds. */
enum { WINDOW = 1 << 16, RETRY = 1 << 20 };

struct unwind_cache {
	/* written by the owning thread alone, read by the dump */
	_Atomic uint64_t hits, misses;
	_Atomic uint64_t walked, fallbacks; /* misses unwound by stackwalk, and left to libunwind */
	_Atomic uint64_t checked, differ;   /* ALLOCPROF_UNWIND=check */
	uint16_t gen; /* entries of other generations are empty */
	/* each entry's anchor (unwind_stack's own frame address) with the
	 * generation in its top bits, 0 when empty: a set's tags share a cache
	 * line, so a miss touches no entry */
	uint64_t tag[CACHE_SETS][CACHE_WAYS] __attribute__((aligned(64)));
	_Atomic uint64_t walks; /* misses that walked and remembered */
	uint16_t window_lookups; /* lookups in this window, which ends as it wraps */
	uint64_t window_base;    /* hits when it began */
	uint32_t resting; /* unwinds left before the cache is tried again; 0: in use */
	bool missed_resting; /* unwind_lookup's last miss was the cache resting */
	uint32_t next_way[CACHE_SETS];
	/* the entry found last and its tag's place, tried first: a thread's
	 * allocations often come back through the same chain */
	const uint64_t *last_tag;
	struct unwind_chain *last;
	struct stackwalk walk __attribute__((aligned(64)));
	/* CACHE_SETS * CACHE_WAYS entries, then check mode's scratch frames */
	uint8_t entries[] __attribute__((aligned(64)));
};

static size_t entry_bytes, cache_bytes, scratch_offset;

size_t unwind_cache_bytes(unsigned max)
{
	size_t frames = max + UNWIND_SKIP_MAX + 1;
	entry_bytes = sizeof(struct unwind_chain) + frames * 16;
	scratch_offset = (size_t)CACHE_SETS * CACHE_WAYS * entry_bytes;
	cache_bytes = sizeof(struct unwind_cache) + scratch_offset + frames * sizeof(uint64_t);
	return cache_bytes;
}

static struct unwind_chain *cache_entry(struct unwind_cache *c, unsigned set, unsigned way);

void unwind_cache_reset(struct unwind_cache *c)
{
	if (++c->gen == 0) {
		memset(c, 0, cache_bytes);
		c->gen = 1;
	}
	c->last_tag = &c->tag[0][0];
	c->last = cache_entry(c, 0, 0);
	stackwalk_reset(&c->walk);
}

void unwind_cache_stats(const struct unwind_cache *c, uint64_t *hits, uint64_t *misses, uint64_t *walks)
{
	*hits = atomic_load_explicit(&c->hits, memory_order_relaxed);
	*misses = atomic_load_explicit(&c->misses, memory_order_relaxed);
	*walks = atomic_load_explicit(&c->walks, memory_order_relaxed);
}

void unwind_cache_walk_stats(const struct unwind_cache *c, struct unwind_walk_stats *s)
{
	s->walked += atomic_load_explicit(&c->walked, memory_order_relaxed);
	s->fallbacks += atomic_load_explicit(&c->fallbacks, memory_order_relaxed);
	uint64_t stepped, reused;
	stackwalk_counts(&c->walk, &stepped, &reused);
	s->stepped += stepped;
	s->reused += reused;
	s->checked += atomic_load_explicit(&c->checked, memory_order_relaxed);
	s->differ += atomic_load_explicit(&c->differ, memory_order_relaxed);
}

static struct unwind_chain *cache_entry(struct unwind_cache *c, unsigned set, unsigned way)
{
	return (struct unwind_chain *)(c->entries + ((size_t)set * CACHE_WAYS + way) * entry_bytes);
}

static uint64_t cache_tag(const struct unwind_cache *c, uint64_t anchor)
{
	return anchor | (uint64_t)c->gen << 48; /* user addresses stay below 2^47 */
}

static unsigned cache_set(uint64_t anchor)
{
	return (unsigned)((anchor >> 4) * 0x9e3779b97f4a7c15ULL >> 58) & (CACHE_SETS - 1);
}

static void count(_Atomic uint64_t *c)
{
	owncount_add(c);
}

/* Drops the shim's own frames from the top of a raw chain of n and keeps
 * at most max; limited: the walk stopped before the chain's end. A walk
 * from an anchor starts above it, where the shim's run (if any: malloc
 * tail-calls the frame exact mode anchors at) is on top; otherwise
 * frames[0] may be inside libunwind itself, so everything up to and
 * including the shim's run goes. Returns the frames kept; *skip says how
 * many were dropped. */
static unsigned drop_own_frames(uint64_t *frames, int n, unsigned max, bool limited, bool anchored,
				bool *truncated, int *skip)
{
	int s = 0;
	if (!anchored) {
		while (s < n && s < UNWIND_SKIP_MAX && !unwind_is_own(frames[s]))
			s++;
		if (s == n || s == UNWIND_SKIP_MAX)
			s = 0; /* no shim frame on top (cannot happen): keep everything */
	}
	while (s < n && unwind_is_own(frames[s]))
		s++;
	unsigned kept = (unsigned)(n - s);
	*truncated = kept > max || limited;
	if (kept > max)
		kept = max;
	if (s && kept)
		memmove(frames, frames + s, kept * sizeof(*frames));
	*skip = s;
	return kept;
}

/* The entry whose slots all still hold what they held, or NULL. A slot is
 * read only once the ones below it matched: it is then where this stack's
 * frame is (a thread that changed stacks may have unmapped the old one). */
static inline __attribute__((always_inline)) bool chain_holds(const struct unwind_chain *e)
{
	/* an entry is published with a frame at least (cache_publish's callers) */
	const uint64_t *ps = e->pc_slot, *end = ps + 2 * e->n;
	do {
		if (*(const uint64_t *)(uintptr_t)ps[1] != ps[0])
			return false;
		ps += 2;
	} while (ps < end);
	return true;
}

static inline __attribute__((always_inline)) struct unwind_chain *
cache_find(struct unwind_cache *c, uint64_t anchor)
{
	uint64_t tag = cache_tag(c, anchor);
	if (*c->last_tag == tag && chain_holds(c->last))
		return c->last;
	unsigned set = cache_set(anchor);
	for (unsigned w = 0; w < CACHE_WAYS; w++) {
		if (c->tag[set][w] != tag)
			continue;
		struct unwind_chain *e = cache_entry(c, set, w);
		if (chain_holds(e)) {
			c->last_tag = &c->tag[set][w];
			c->last = e;
			return e;
		}
	}
	return NULL;
}

/* An entry whose pc_slot pairs were just written is given its figures and
 * its tag, the tag last: until then the entry cannot be found. */
static void cache_publish(struct unwind_cache *c, unsigned set, unsigned way, uint64_t anchor, int n,
			  int skip, unsigned kept, bool truncated, uint64_t hash)
{
	struct unwind_chain *e = cache_entry(c, set, way);
	e->hash = hash;
	e->n = (uint16_t)n;
	e->skip = (uint16_t)skip;
	e->kept = (uint16_t)kept;
	e->truncated = truncated;
	e->memo_key = UNWIND_MEMO_NONE;
	c->tag[set][way] = cache_tag(c, anchor);
	c->next_way[set] = (way + 1) % CACHE_WAYS;
}

/* libunwind's step-by-step walk, which also gives each frame's stack
 * pointer: a frame's return address was read from just below its stack
 * pointer. The frames below the anchor (this walk's own) are left out.
 * Returns the raw chain's length; the entry keeps its trimmed form. */
static __attribute__((noinline)) int walk_and_remember(struct unwind_cache *c, uint64_t anchor,
						      uint64_t *frames, unsigned max, bool *truncated,
						      uint64_t *hash)
{
	unw_context_t uc;
	unw_cursor_t cur;
	*truncated = false;
	if (unw_getcontext(&uc) < 0 || unw_init_local(&cur, &uc) < 0)
		return 0;
	int want = (int)(max + UNWIND_SKIP_MAX + 1);
	unsigned set = cache_set(anchor);
	unsigned way = c->next_way[set];
	struct unwind_chain *e = cache_entry(c, set, way);
	c->tag[set][way] = 0;
	uint64_t *ps = e->pc_slot;
	int n = 0;
	bool limited = false, plain = true;
	while (unw_step(&cur) > 0) {
		unw_word_t ip = 0, sp = 0;
		if (unw_get_reg(&cur, UNW_REG_IP, &ip) < 0 || !ip ||
		    unw_get_reg(&cur, UNW_REG_SP, &sp) < 0)
			break;
		uint64_t slot = sp - 8;
		if (slot <= anchor)
			continue; /* unwind_stack and this function */
		frames[n] = ip;
		ps[2 * n] = ip;
		ps[2 * n + 1] = slot;
		/* only plain call frames are remembered: a signal frame's pc is
		 * not where its stack pointer says */
		if (*(const uint64_t *)(uintptr_t)slot != ip)
			plain = false;
		if (++n == want) {
			limited = true;
			break;
		}
	}
	int skip;
	unsigned kept = drop_own_frames(frames, n, max, limited, true, truncated, &skip);
	*hash = unwind_hash(frames, kept, *truncated);
	if (plain && n > 0)
		cache_publish(c, set, way, anchor, n, skip, kept, *truncated, *hash);
	return (int)kept;
}

static inline uint64_t hash_round(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0xff51afd7ed558ccdULL;
	return h ^ h >> 32;
}

/* Four chains, frame i in chain i % 4, so that four multiplies are in
 * flight: one chain waits a multiply's latency per frame, which was most of
 * unwind_stack's own time on deep stacks that the cache does not hold.
 * Each round is a bijection of its chain given the frame and of the frame
 * given the chain, and so is each step that folds the chains together:
 * stacks that differ in one frame never collide. */
uint64_t unwind_hash(const uint64_t *frames, unsigned n, bool truncated)
{
	uint64_t seed = 0x9e3779b97f4a7c15ULL ^ n ^ (truncated ? 0x7472756e63ULL << 20 : 0);
	uint64_t h0 = seed, h1 = seed ^ 0x6a09e667f3bcc908ULL, h2 = seed ^ 0xbb67ae8584caa73bULL,
		 h3 = seed ^ 0x3c6ef372fe94f82bULL;
	unsigned i = 0;
	for (; i + 4 <= n; i += 4) {
		h0 = hash_round(h0, frames[i]);
		h1 = hash_round(h1, frames[i + 1]);
		h2 = hash_round(h2, frames[i + 2]);
		h3 = hash_round(h3, frames[i + 3]);
	}
	if (i < n)
		h0 = hash_round(h0, frames[i++]);
	if (i < n)
		h1 = hash_round(h1, frames[i++]);
	if (i < n)
		h2 = hash_round(h2, frames[i]);
	return hash_mix64(hash_round(hash_round(hash_round(h0, h1), h2), h3));
}

/* libunwind's walk that keeps no slots: its own per-thread cache of rules. */
/* unw_backtrace's answer by unw_step: slower (~2-10 us a stack, for
 * sampled stacks and the few exact mode leaves to libunwind), not misled by
 * the trace cache. Like unw_backtrace, the first frame is this one's pc. */
static __attribute__((noinline)) int step_backtrace(uint64_t *frames, int want)
{
	unw_context_t uc;
	unw_cursor_t cursor;
	if (unw_getcontext(&uc) != 0 || unw_init_local(&cursor, &uc) != 0)
		return 0;
	int n = 0;
	do {
		unw_word_t ip;
		if (unw_get_reg(&cursor, UNW_REG_IP, &ip) != 0 || !ip)
			break;
		frames[n++] = ip;
	} while (n < want && unw_step(&cursor) > 0);
	return n;
}

static unsigned unwind_libunwind(uint64_t *frames, unsigned max, bool *truncated, uint64_t *hash)
{
	int want = (int)(max + UNWIND_SKIP_MAX + 1);
	int n = atomic_load_explicit(&trace_cache_stale, memory_order_relaxed)
			? step_backtrace(frames, want)
			: unw_backtrace((void **)frames, want);
	if (n <= 0) {
		*truncated = false;
		*hash = unwind_hash(frames, 0, false);
		return 0;
	}
	int skip;
	/* the buffer held max + UNWIND_SKIP_MAX + 1: if it is full, the stack went on */
	unsigned kept = drop_own_frames(frames, n, max, n == want, false, truncated, &skip);
	*hash = unwind_hash(frames, kept, *truncated);
	return kept;
}

/* The cache's miss, unwound by stackwalk and remembered unless the cache
 * rests (a walk costs little more than a lookup, so there is no budget);
 * -1 when stackwalk gave up. */
static int walk_cfi(struct unwind_cache *c, uint64_t anchor, bool remember, uint64_t *frames,
		    unsigned max, bool *truncated, uint64_t *hash)
{
	int want = (int)(max + UNWIND_SKIP_MAX + 1);
	unsigned set = cache_set(anchor);
	unsigned way = c->next_way[set];
	struct unwind_chain *e = cache_entry(c, set, way);
	if (remember)
		c->tag[set][way] = 0;
	bool limited;
	int n = stackwalk(&c->walk, anchor, frames, remember ? e->pc_slot : NULL, want, &limited);
	if (n < 0)
		return -1;
	int skip;
	unsigned kept = drop_own_frames(frames, n, max, limited, true, truncated, &skip);
	*hash = unwind_hash(frames, kept, *truncated);
	if (remember && n > 0) {
		cache_publish(c, set, way, anchor, n, skip, kept, *truncated, *hash);
		count(&c->walks);
	}
	return (int)kept;
}

/* The verified cache's lookup, counted; NULL on a miss or while it rests.
 * Inlined into unwind_lookup, which LTO inlines into exact mode's
 * allocation path: no call on a hit. */
static inline __attribute__((always_inline)) struct unwind_chain *
lookup(struct unwind_cache *c, uint64_t anchor, bool enabled, bool *resting)
{
	*resting = false;
	if (!enabled) {
		count(&c->misses);
		return NULL;
	}
	if (c->resting) {
		c->resting--;
		count(&c->misses);
		*resting = true;
		return NULL;
	}
	struct unwind_chain *e = cache_find(c, anchor);
	count(e ? &c->hits : &c->misses);
	/* a window's end is its count's wrap (WINDOW is 2^16): one add to
	 * memory and a branch on every lookup */
	_Static_assert(WINDOW == 1 << 16, "a window is window_lookups' range");
	if (__builtin_expect(++c->window_lookups == 0, 0)) {
		uint64_t hits = atomic_load_explicit(&c->hits, memory_order_relaxed);
		if (hits - c->window_base < WINDOW / 2)
			c->resting = RETRY;
		c->window_base = hits;
	}
	return e;
}

static int cached(struct unwind_cache *c, uint64_t anchor, bool *resting, uint64_t *frames,
		  bool *truncated, uint64_t *hash)
{
	const struct unwind_chain *e = lookup(c, anchor, config.unwind_cache, resting);
	if (!e)
		return -1;
	*truncated = e->truncated;
	*hash = e->hash;
	return (int)unwind_chain_frames(e, frames);
}

/* ALLOCPROF_UNWIND=libunwind, after the cache missed: libunwind's slow
 * walk that fills the cache, within its budget, else unw_backtrace. */
static unsigned missed_old(uint64_t *frames, unsigned max, bool *truncated, uint64_t *hash,
			   struct unwind_cache *c, uint64_t anchor, bool resting)
{
	if (!resting && config.unwind_cache) {
		uint64_t hits = atomic_load_explicit(&c->hits, memory_order_relaxed);
		uint64_t misses = atomic_load_explicit(&c->misses, memory_order_relaxed);
		if (atomic_load_explicit(&c->walks, memory_order_relaxed) <
		    WALKS_FREE + hits / HITS_PER_WALK + misses / MISSES_PER_WALK) {
			count(&c->walks);
			return (unsigned)walk_and_remember(c, anchor, frames, max, truncated, hash);
		}
	}
	return unwind_libunwind(frames, max, truncated, hash);
}

/* Our walk after the cache missed, remembered unless it rests. */
static unsigned missed_ours(uint64_t *frames, unsigned max, bool *truncated, uint64_t *hash,
			    struct unwind_cache *c, uint64_t anchor, bool resting)
{
	int kept = walk_cfi(c, anchor, config.unwind_cache && !resting, frames, max, truncated, hash);
	if (kept >= 0) {
		count(&c->walked);
		return (unsigned)kept;
	}
	count(&c->fallbacks);
	return unwind_libunwind(frames, max, truncated, hash);
}

static unsigned missed(uint64_t *frames, unsigned max, bool *truncated, uint64_t *hash,
		       struct unwind_cache *c, uint64_t anchor, bool resting)
{
	return config.unwinder == UNWINDER_LIBUNWIND
		       ? missed_old(frames, max, truncated, hash, c, anchor, resting)
		       : missed_ours(frames, max, truncated, hash, c, anchor, resting);
}

/* Exact mode: the cache, then the unwinder's walk. */
static unsigned unwind_exact(uint64_t *frames, unsigned max, bool *truncated, uint64_t *hash,
			     struct unwind_cache *c, uint64_t anchor)
{
	bool resting;
	int kept = cached(c, anchor, &resting, frames, truncated, hash);
	if (kept >= 0)
		return (unsigned)kept;
	return missed(frames, max, truncated, hash, c, anchor, resting);
}

/* Sampled mode: few stacks, rarely the same one twice in a row, so no chain
 * cache (its entries, ~600 KiB a thread, would be touched for little): the
 * rules alone, which every sample of the same code shares. */
static unsigned unwind_sampled(uint64_t *frames, unsigned max, bool *truncated, uint64_t *hash,
			       struct unwind_cache *c, uint64_t anchor)
{
	int kept = walk_cfi(c, anchor, false, frames, max, truncated, hash);
	if (kept >= 0) {
		count(&c->walked);
		return (unsigned)kept;
	}
	count(&c->fallbacks);
	return unwind_libunwind(frames, max, truncated, hash);
}

enum { DIFFER_LOGGED = 5 };

/* ALLOCPROF_UNWIND=check: libunwind's answer beside ours. */
static __attribute__((noinline)) void check(struct unwind_cache *c, const uint64_t *frames,
					    unsigned kept, bool truncated, unsigned max)
{
	uint64_t *theirs = (uint64_t *)(uintptr_t)(c->entries + scratch_offset);
	bool their_truncated;
	uint64_t their_hash;
	unsigned their_kept = unwind_libunwind(theirs, max, &their_truncated, &their_hash);
	count(&c->checked);
	unsigned i = 0;
	while (i < kept && i < their_kept && frames[i] == theirs[i])
		i++;
	if (i == kept && i == their_kept && truncated == their_truncated)
		return;
	count(&c->differ);
	if (atomic_load_explicit(&c->differ, memory_order_relaxed) <= DIFFER_LOGGED)
		log_line("unwind check: stacks differ at frame %u: %u frames%s (0x%llx) where libunwind "
			 "has %u%s (0x%llx)", i, kept, truncated ? " truncated" : "",
			 (unsigned long long)(i < kept ? frames[i] : 0), their_kept,
			 their_truncated ? " truncated" : "",
			 (unsigned long long)(i < their_kept ? theirs[i] : 0));
}

/* The anchor: a frame of the caller's, below every frame to keep and the
 * same each time the same chain calls (the cache's key). */
unsigned unwind_stack_at(uint64_t *frames, unsigned max, bool *truncated, uint64_t *hash,
			 struct unwind_cache *c, uint64_t anchor)
{
	if (!c)
		return unwind_libunwind(frames, max, truncated, hash);
	bool sampled = config.rate != 1;
	if (config.unwinder == UNWINDER_LIBUNWIND && sampled)
		return unwind_libunwind(frames, max, truncated, hash);
	unsigned kept = sampled ? unwind_sampled(frames, max, truncated, hash, c, anchor)
				: unwind_exact(frames, max, truncated, hash, c, anchor);
	if (config.unwinder == UNWINDER_CHECK)
		check(c, frames, kept, *truncated, max);
	return kept;
}

unsigned unwind_stack(uint64_t *frames, unsigned max, bool *truncated, uint64_t *hash,
		      struct unwind_cache *c)
{
	return unwind_stack_at(frames, max, truncated, hash, c,
			       (uint64_t)(uintptr_t)__builtin_frame_address(0));
}

bool unwind_lookup_ready(void)
{
	return config.rate == 1 && config.unwind_cache && config.unwinder != UNWINDER_CHECK;
}

/* inline in both of exact mode's allocation ways (LTO) */
inline __attribute__((always_inline)) struct unwind_chain *unwind_lookup(struct unwind_cache *c,
									 uint64_t anchor)
{
	bool resting;
	struct unwind_chain *e = lookup(c, anchor, true, &resting); /* unwind_lookup_ready */
	if (!e)
		c->missed_resting = resting;
	return e;
}

unsigned unwind_missed(uint64_t *frames, unsigned max, bool *truncated, uint64_t *hash,
		       struct unwind_cache *c, uint64_t anchor)
{
	return missed(frames, max, truncated, hash, c, anchor, c->missed_resting);
}
