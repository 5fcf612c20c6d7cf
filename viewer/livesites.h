/* livesites: a live snapshot (livepeer.h) as rows of allocation sites, the
 * site rule of site.h over stacks symbolized here, from the process's
 * mappings and binaries, not in the process; with rates from the snapshot
 * before. The symbolizer's answers are kept from one refresh to the next. */
#ifndef ALLOCPROF_LIVESITES_H
#define ALLOCPROF_LIVESITES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "livepeer.h"

struct symbolizer;

struct livesite {
	char *label; /* "function file.c:line (via NAME)", as top --by site */
	/* since the process started (estimates, exact at rate 1) */
	double alloc_objects, alloc_bytes;
	double inuse_objects, inuse_bytes;
	/* per second over the window (livesites.window_s) */
	double objects_per_s, bytes_per_s;
};

enum livesites_key { LIVE_BY_ALLOC_SPACE, LIVE_BY_ALLOC_OBJECTS, LIVE_BY_INUSE_SPACE, LIVE_BY_INUSE_OBJECTS };

struct livesites {
	pid_t pid;
	struct symbolizer *sym;
	struct livesite *rows; /* this snapshot's, sorted by label until livesites_sort */
	size_t nrows;
	struct livesite *prev; /* the snapshot before, sorted by label */
	size_t nprev;
	uint64_t prev_time_ns;
	bool have_prev;
	double window_s;  /* what the rates are over */
	bool since_start; /* the first snapshot: rates since the process started */
};

/* 0 or -ENOMEM. */
int livesites_init(struct livesites *ls, pid_t pid);
/* Turns s into rows. 0 or -ENOMEM. */
int livesites_update(struct livesites *ls, const struct livesnap *s);
/* Orders the rows, biggest first (then by label). */
void livesites_sort(struct livesites *ls, enum livesites_key key);
void livesites_release(struct livesites *ls);

#endif
