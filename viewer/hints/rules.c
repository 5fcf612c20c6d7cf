/* rules: each rule asks for "most" (RULE_MOST) of a site's objects to share
 * one fate, because a fix that suits nine blocks in ten still needs the
 * tenth handled the old way; and each claims only what the profile counted
 * at the site, never what the fix might save elsewhere. */
#include "rules.h"

#include <math.h>
#include <string.h>

const char *rules_kind_name(enum hint_kind k)
{
	switch (k) {
	case HINT_RESERVE: return "reserve";
	case HINT_SCRATCH: return "scratch";
	case HINT_POOL: return "pool";
	case HINT_SHARED_POOL: return "shared-pool";
	case HINT_ARENA: return "arena";
	case HINT_SIZE_CLASS: return "size-class";
	}
	return "?";
}

/* The tightest lifetime bound within which most frees happened. */
static void quote_life(const struct site *s, struct hint *h)
{
	h->life_bucket = -1;
	if (s->freed <= 0)
		return;
	for (int b = 0; b < SITE_LIFE_BUCKETS; b++) {
		double n = site_freed_within(s, b);
		if (n > 0 && n >= RULE_MOST * s->freed) {
			h->life_bucket = b;
			h->life_share = n / s->objects;
			return;
		}
	}
}

/* Labels that contradict the counts (no shim writes them) still never make
 * a hint claim more than the site allocated. */
static bool take(struct hint *h, enum hint_kind kind, double objects, double share_of_bytes)
{
	h->kind = kind;
	h->objects = objects < h->site->objects ? objects : h->site->objects;
	h->bytes = h->site->bytes * (share_of_bytes > 1 ? 1 : share_of_bytes);
	return h->objects >= RULE_MIN_OBJECTS;
}

/* Every realloc of a chain goes when the final size is allocated at once;
 * the blocks they moved out of (all but the chain's last) are the bytes. At
 * a sampled rate the shim sees a chain's moves only between sampled blocks,
 * so the reallocs are counted as the blocks this site made: those moved on
 * plus the chains' ends. */
static bool reserve(const struct site *s, int64_t rate, struct hint *h)
{
	if (s->chains <= 0)
		return false;
	double reallocs = rate == 1 ? s->chain_moves : s->moved + s->chains;
	if (reallocs > s->objects)
		reallocs = s->objects;
	double per_chain = reallocs / s->chains;
	if (per_chain < RULE_MIN_REALLOCS)
		return false;
	h->reallocs = reallocs;
	h->per_chain = per_chain;
	h->final_size = s->chain_bytes / s->chains;
	/* doubling reaches the final size in log2(final/first) steps */
	h->linear = s->size_min > 0 && h->final_size > s->size_min &&
		    per_chain > 2 * log2(h->final_size / s->size_min) + 2;
	double moved_bytes = s->bytes > s->chain_bytes ? s->bytes - s->chain_bytes : 0;
	return take(h, HINT_RESERVE, reallocs, moved_bytes / s->bytes);
}

/* One buffer (per thread) reused across calls is safe only when a thread
 * holds one block of the site at a time: what the shim saw per thread (the
 * sampled blocks, so exact at rate 1), else over all threads, else (an older
 * profile) what the lifetimes imply on average; and no stack on which the
 * site's function calls itself. */
static bool one_at_a_time(const struct site *s, int64_t rate, struct hint *h)
{
	h->recursive = s->recursive > s->objects - RULE_MOST * s->objects;
	bool global = rate == 1 ? s->live_max > RULE_SCRATCH_LIVE : s->live_max_sampled > RULE_SCRATCH_LIVE;
	if (s->live_known && s->live_thread_stacks > 0 && s->live_thread_stacks == s->live_stacks) {
		/* a buffer per thread is enough when no thread holds two */
		h->many_live = s->live_max_thread > RULE_SCRATCH_LIVE;
		h->per_thread = !h->many_live && global;
	} else if (s->live_known) {
		h->many_live = global;
	} else { /* written before the shim counted them: what lifetimes imply */
		h->many_live = s->live_mean_floor > 2 * RULE_SCRATCH_LIVE;
	}
	return !h->recursive && !h->many_live;
}

/* The most blocks of the site live at once: exact at rate 1, scaled from
 * the sampled blocks otherwise; 0 when the profile does not say. */
static double live_peak(const struct site *s, int64_t rate)
{
	if (!s->live_known)
		return 0;
	if (rate == 1)
		return s->live_max;
	return s->samples > 0 ? s->live_max_sampled * s->objects / s->samples : 0;
}

/* A free list serves an allocation from a block freed before it: the blocks
 * live at the site's peak were all allocated, whatever list they went back
 * to (palloc's 500 numbers, 5 rounds: 2000 reused, not 2500; a map whose
 * 4000 nodes all live until exit: none). */
static bool take_free_list(struct hint *h, enum hint_kind kind, double candidates, int64_t rate)
{
	const struct site *s = h->site;
	double reused = s->objects - live_peak(s, rate);
	if (candidates > reused)
		candidates = reused > 0 ? reused : 0;
	return take(h, kind, candidates, candidates / s->objects);
}

bool rules_apply(const struct site *s, int64_t rate, struct hint *h)
{
	memset(h, 0, sizeof(*h));
	h->site = s;
	if (!(s->objects > 0) || !(s->bytes > 0))
		return false;
	quote_life(s, h);
	double a = s->objects;
	bool fixed = s->size_min > 0 && s->size_min == s->size_max;
	bool freed = s->freed >= RULE_MOST * a;
	bool same_thread = s->same_thread >= RULE_MOST * s->freed;
	if (reserve(s, rate, h))
		return true;
	bool single = one_at_a_time(s, rate, h);
	if (single && s->same_function >= RULE_MOST * a) {
		/* not a local variable when more than the rules' slack of them
		 * are freed by a later call */
		h->outlives_call = s->freed_above > (1 - RULE_MOST) * s->same_function;
		h->unplaced = !h->outlives_call && s->freed_unplaced > (1 - RULE_MOST) * s->same_function;
		return take(h, HINT_SCRATCH, s->same_function, s->same_function / a);
	}
	if (single && freed && same_thread && s->freed_in_caller >= RULE_MOST * s->freed && s->caller_depth > 0) {
		h->depth = s->caller_depth;
		h->outlives_call = s->freed_above_in_caller > (1 - RULE_MOST) * s->freed_in_caller;
		h->unplaced = !h->outlives_call && s->freed_unplaced_in_caller > (1 - RULE_MOST) * s->freed_in_caller;
		return take(h, HINT_SCRATCH, s->same_thread, s->same_thread / a);
	}
	if (fixed && freed && same_thread)
		return take_free_list(h, HINT_POOL, s->same_thread, rate);
	if (fixed && freed)
		return take_free_list(h, HINT_SHARED_POOL, s->freed, rate);
	double short_lived = site_freed_within(s, RULE_SHORT_BUCKET);
	if (!fixed && short_lived >= RULE_MOST * a && s->same_thread >= RULE_MOST * a) {
		double n = short_lived < s->same_thread ? short_lived : s->same_thread;
		return take(h, HINT_ARENA, n, n / a);
	}
	if (!fixed && s->size_min > 0 && s->size_max <= RULE_SMALL && freed && same_thread)
		return take_free_list(h, HINT_SIZE_CLASS, s->same_thread, rate);
	return false;
}
