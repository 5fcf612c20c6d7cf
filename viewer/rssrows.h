/* rssrows: the RSS breakdown the shim writes into a profile's comments
 * (src/pprof_names.h), read back and shown: a table whose rows add up to
 * the RSS, each exact or an estimate, and the warning of unseen allocations. */
#ifndef ALLOCPROF_RSSROWS_H
#define ALLOCPROF_RSSROWS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "pprof_names.h"
#include "profile.h"

struct rssrows {
	int64_t total, statm; /* the rows' sum as the shim took it; the kernel's counter */
	int64_t row[PPROF_RSS_NROWS];
	bool estimate[PPROF_RSS_NROWS];
	int64_t unseen, unseen_heap; /* -1: no warning */
	char live_error[160];        /* "±14.46MB (209 samples)" of a sampled live heap, or "" */
};

/* false when the profile has no breakdown (or a malformed one). */
bool rssrows_read(const struct profile *p, struct rssrows *r);
/* What row i is, for people: "live heap", "thread stacks"... */
const char *rssrows_label(int i);
/* A comment of the breakdown, which the tables show instead. */
bool rssrows_is_breakdown(const char *comment);
/* The table, every line starting with indent. */
void rssrows_print(FILE *out, const struct rssrows *r, const char *indent);
/* The one-line warning (no newline), or "" when there is none. */
const char *rssrows_warning(const struct rssrows *r, char *buf, size_t cap);

#endif
