/* sites: a profile's samples folded into allocation sites (site.h, named as
 * `allocprof top --by site` names them) with the fate labels the shim
 * writes summed per site: sizes, lifetimes, frees, realloc chains. */
#ifndef ALLOCPROF_HINTS_SITES_H
#define ALLOCPROF_HINTS_SITES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report.h"

/* lifetime_le_1us ... lifetime_le_10s, lifetime_gt_10s */
enum { SITE_LIFE_BUCKETS = 9 };
extern const char *const site_life_keys[SITE_LIFE_BUCKETS];
/* "1us" ... "10s", ">10s": the bucket's upper bound as printed */
extern const char *const site_life_bounds[SITE_LIFE_BUCKETS];

/* Counts are estimates (sums of sample weights) and exact at rate 1; they
 * are doubles so that no file, however hostile, makes a sum overflow. */
struct site {
	uint32_t node;            /* the site's node in the report graph (site.h) */
	uint32_t via;             /* the frame the site called toward the leaf;
				     UINT32_MAX: the site is the leaf */
	const char *name;         /* its printable name (top's) */
	char *own_name;           /* name's memory when no frame has a name */
	bool unnamed;             /* no frame of its stacks has a name */
	double objects, bytes;    /* alloc_objects, alloc_space */
	double samples;           /* sampled allocations behind them (estimated) */
	double size_min, size_max; /* of the sampled blocks; 0: no size labels */
	double life[SITE_LIFE_BUCKETS];
	double freed, same_thread, same_function;
	double moved, chains, chain_moves, chain_bytes;
	/* most blocks live at once, summed over the site's stacks (so at most
	 * over-counted); with live_known false the profile does not say */
	double live_max, live_max_sampled;
	bool live_known;
	int live_stacks;          /* stacks whose peaks live_max sums */
	/* the most sampled blocks one thread held at once, summed likewise
	 * over the stacks of one thread (label tid; samples without it are one
	 * thread), the most of any thread; known when every stack with
	 * live_max has it */
	double live_max_thread;
	int live_thread_stacks;
	int live_thread_summed;   /* samples summed into live_max_thread */
	double recursive;         /* objects of stacks calling the site's function again */
	/* blocks live at once on average over the run, at least: each freed
	 * block counted for the lower bound of its lifetime bucket (Little's
	 * law); 0 when the duration is unknown */
	double live_mean_floor;
	/* where most blocks were freed ("function file:line"), the function
	 * part, and how many of the freed blocks belong to stacks on which
	 * that function is a caller of the site (the nearest at caller_depth
	 * frames above the site) */
	const char *freed_at;
	char *freed_at_function;
	double freed_in_caller;
	int caller_depth;
	/* of same_function, the frees whose line (freed_at) comes before the
	 * site's in its function: free(cur); cur = malloc(n); frees what an
	 * earlier call allocated, so the block outlives the call */
	double freed_above;
	double freed_unplaced; /* of same_function, those without lines to tell */
	/* of freed_in_caller, those freed at a line of the caller above its
	 * call toward the site: likewise, by a later call of the caller; and
	 * those without lines to tell */
	double freed_above_in_caller, freed_unplaced_in_caller;
};

struct sites {
	struct site *v;
	size_t n;
	double objects, bytes;         /* every sample of the profile */
	double sel_objects, sel_bytes; /* the samples --focus/--ignore keep */
	int64_t rate;                  /* mean bytes between samples; 0 unknown */
	int64_t duration_ns;
	bool fate_labels;              /* any of the shim's fate labels seen */
	bool same_function_labels;     /* "freed by the same function" known */
};

/* Folds the samples the report keeps into sites (site.h: the first frame of
 * the program's own code); objects and bytes come from sample types
 * obj_index and bytes_index. 0 or -ENOMEM. */
int sites_collect(struct sites *s, const struct report *r, int obj_index, int bytes_index);
void sites_release(struct sites *s);

/* Freed blocks that lived at most as long as bucket b's bound. */
double site_freed_within(const struct site *s, int bucket);

#endif
