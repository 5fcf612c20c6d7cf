/* site: which frame of an allocation's stack is its site, the line a user
 * can edit: walking from the leaf, the first frame of the program's own code.
 * Every command that names sites (summary, hints, report, top --by site,
 * diff --by site, run, the timeline's peak) asks this module, no other. */
#ifndef ALLOCPROF_SITE_H
#define ALLOCPROF_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "graph.h"
#include "profile.h"

struct report;

/* What is known of each function and mapping of one profile, computed once. */
struct site_rule {
	const struct graph *g;
	uint8_t *fn_kind;  /* per profile function: SITE_* bits (site.c) */
	uint8_t *map_kind; /* per mapping: a language runtime (libc, libstdc++, ...) */
};

/* A frame's function, file and line as the profile has them (strings of
 * the profile; line 0 when unknown). */
struct site_place {
	uint32_t function, file;
	int64_t line;
};

struct site_frame {
	uint32_t node;  /* the site's node in the report graph */
	uint32_t via;   /* the nearest frame below it with a name (else the one
			   below); UINT32_MAX when the site is the leaf itself */
	uint32_t depth; /* graph frames between the leaf and the site */
	bool recursive; /* the site's function is on the stack again above it */
	struct site_place place; /* its line, whatever the graph's granularity */
};

/* 0 or -ENOMEM. */
int site_rule_init(struct site_rule *r, const struct graph *g);
void site_rule_release(struct site_rule *r);

/* The site of sample sm (sm->nlocs > 0). The rule, in order:
 * 1. a frame is library code when its function is in the C or C++ runtime
 *    (libc, libstdc++, libgcc_s, libc++, ld.so mappings), in a header or
 *    source of a standard library (under .../include/c++/, /usr/include/,
 *    /usr/lib/gcc/, /usr/lib/llvm-*, /rustc/HASH/library/, /rust/deps/), or
 *    named std::, __gnu_cxx::, alloc::, core::, __rust_*;
 * 2. a frame is an allocator wrapper when its function is named exactly
 *    operator new/new[]/delete, one of the malloc family, or the usual
 *    one-line wrappers of it (xmalloc, xcalloc, xrealloc, xstrdup, g_malloc,
 *    g_malloc0, g_realloc, g_strdup ...); so is a function without a
 *    source line whose name holds malloc, calloc or realloc (sqlite3Malloc,
 *    xmlMalloc in a library without debug info); a wrapper of another name,
 *    or one compiled with debug info, is the program's own code;
 * 3. the site is the first frame from the leaf that has a name, is neither
 *    library nor wrapper, and has a source line, or has none while no frame
 *    of the stack that would qualify has one (a program without debug info);
 * 4. failing that, the first frame with a name (so a stripped library's
 *    unnamed frame never is the site while a caller has a name from .dynsym);
 * 5. failing that, the leaf. */
void site_find(const struct site_rule *r, const struct pf_sample *sm, struct site_frame *out);

/* Frames from the leaf up to the first at or above depth `from` whose
 * function is named fn (as site_find counts them), its place in *place
 * when place is not NULL; -1 when none is. */
int site_frame_depth(const struct site_rule *r, const struct pf_sample *sm, const char *fn, uint32_t from,
		     struct site_place *place);

/* The short name of the frame a site called, for "(via NAME)": template
 * arguments and parameters dropped ("std::make_unique" for
 * "std::make_unique<Node>()"), or "[libfoo.so]" for an unnamed frame. */
const char *site_via_name(const struct graph *g, uint32_t via, char *buf, size_t cap);

/* Per graph node, the sum of value index `value` over the samples the
 * report keeps whose site it is; and, when via is not NULL, the frame each
 * site called in its heaviest sample (UINT32_MAX: none). out and via have
 * g->nnodes entries. 0 or -ENOMEM. */
int site_flats(const struct report *r, int value, int64_t *out, uint32_t *via);

/* Turns the report's graph into a table of sites: every node's flat
 * becomes what it allocated as a site, nodes that are no site are left
 * out, and a site's printable name gets " (via NAME)". cum stays the node's
 * (what it and what it called allocated). Call after report_open, before
 * report_trim. 0 or 1 after saying "out of memory". */
int site_apply(struct report *r);

/* "function file.c:line (via NAME)" for a site node (the file's base
 * name; the printable name when the node has no function). malloc'd, NULL
 * when out of memory. */
char *site_label(const struct graph *g, uint32_t node, uint32_t via);

/* The biggest site of sample type `type` in p and its label (site_label);
 * value and total set. NULL when no site has a positive value. */
char *site_biggest(struct profile *p, const char *type, int64_t *value, int64_t *total);

/* Samples behind an estimated count at sampling rate `rate` (mean bytes
 * between samples): the probability a block of the mean size is sampled,
 * times the count. rate <= 1: the count is exact, returns it. */
double site_samples(double objects, double bytes, int64_t rate);
/* The sampling rate a profile says it was written at; 0 unknown. */
int64_t site_profile_rate(const struct profile *p);
/* " ±NN%" (one standard deviation of a count from n samples) when n is
 * below 20, else "": after any sampled count printed for a site. */
const char *site_spread(double samples, char *buf, size_t cap);

#endif
