/* rules: which fix suits an allocation site, judged from the site's own
 * figures, and what the profile says that fix would remove. The thresholds
 * live here; `allocprof help hints` and the README quote them. */
#ifndef ALLOCPROF_HINTS_RULES_H
#define ALLOCPROF_HINTS_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "sites.h"

/* In the order the rules are tried: a site gets the first that applies. */
enum hint_kind {
	HINT_RESERVE,     /* grown by realloc chains: reserve the final size */
	HINT_SCRATCH,     /* freed by the allocating function or its caller: reuse one */
	HINT_POOL,        /* fixed size, freed by the same thread: a free list */
	HINT_SHARED_POOL, /* fixed size, freed by other threads: a shared pool */
	HINT_ARENA,       /* sizes vary, short-lived, same thread: an arena */
	HINT_SIZE_CLASS,  /* small sizes vary, same thread: a free list per size */
};

#define RULE_MOST 0.9         /* "most" of a site's objects (or of its frees) */
#define RULE_SHORT_BUCKET 3   /* short-lived: freed within 1ms (site_life_bounds) */
#define RULE_STACK_MAX 4096.0 /* a fixed size up to this fits on the stack */
#define RULE_MIN_REALLOCS 2.0 /* reallocs per chain before reserving pays */
#define RULE_MIN_OBJECTS 10.0 /* a hint removes at least this many objects */
#define RULE_SMALL 1024.0     /* size classes: the largest block at most this */
#define RULE_SCRATCH_LIVE 1.0 /* scratch: at most this many blocks live at once */

struct hint {
	enum hint_kind kind;
	const struct site *site;
	double objects, bytes; /* what the fix would remove */
	int depth;             /* scratch: 0 freed by the allocating function,
				  n: by the caller n frames up */
	double reallocs, per_chain, final_size; /* reserve */
	bool linear;           /* reserve: grows by steps, not geometrically */
	int life_bucket;       /* most frees happen within this bucket's bound; -1 */
	double life_share;     /* share of the objects freed within it */
	/* why a site freed by its own function or caller got no scratch hint:
	 * blocks live at once, or its function calls itself */
	bool many_live, recursive;
	bool per_thread; /* scratch: one live per thread, several threads at once */
	bool outlives_call; /* scratch: a later call frees the block (freed_above) */
	bool unplaced;      /* scratch: no lines tell whether it does */
};

/* The hint for site s, if a rule applies and it removes enough; rate is
 * the profile's sampling rate (1: exact figures; 0: unknown). */
bool rules_apply(const struct site *s, int64_t rate, struct hint *h);
const char *rules_kind_name(enum hint_kind k);

#endif
