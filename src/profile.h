/* profile: the in-memory pprof profile every part of allocprof works on.
 * It mirrors profile.proto, but refers to mappings, locations and functions
 * by array index instead of id (ids are index + 1 on output). Built by the
 * shim's dump and by the reader; read by the viewer's commands. */
#ifndef ALLOCPROF_PROFILE_H
#define ALLOCPROF_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmap.h"
#include "strtab.h"

#define PF_NONE UINT32_MAX /* "no mapping" and similar absent indices */

struct pf_value_type {
	uint32_t type, unit; /* string indices */
};

struct pf_label {
	uint32_t key, str; /* string indices; str 0 for a numeric label */
	int64_t num;
	uint32_t num_unit;
};

struct pf_sample {
	uint32_t loc_start, nlocs;     /* p->sample_locs[loc_start..]: location indices, leaf first */
	uint32_t label_start, nlabels; /* p->labels[label_start..] */
	/* values: p->values[index * p->ntypes ..] */
};

struct pf_mapping {
	uint64_t start, limit, offset;
	uint32_t filename, build_id; /* string indices */
	bool has_functions, has_filenames, has_line_numbers, has_inline_frames;
};

struct pf_line {
	uint32_t function; /* function index */
	int64_t line;
	int64_t column;
};

struct pf_location {
	uint32_t mapping; /* mapping index or PF_NONE */
	uint64_t address;
	uint32_t line_start, nlines; /* p->lines[line_start..]: innermost (inlined) first, caller last */
	bool is_folded;
};

/* A point of a timeline: nanoseconds since the profile's time_nanos. */
struct pf_point {
	int64_t t_ns;
	int64_t value;
};

struct pf_function {
	uint32_t name, system_name, filename; /* string indices */
	int64_t start_line;
};

struct profile {
	struct strtab strings; /* the string table; id 0 is "" */

	struct pf_value_type *sample_types;
	size_t ntypes, cap_types;

	struct pf_sample *samples;
	size_t nsamples, cap_samples;
	int64_t *values; /* nsamples * ntypes */
	size_t cap_values;
	uint32_t *sample_locs;
	size_t nsample_locs, cap_sample_locs;
	struct pf_label *labels;
	size_t nlabels, cap_labels;

	struct pf_mapping *mappings;
	size_t nmappings, cap_mappings;
	struct pf_location *locations;
	size_t nlocations, cap_locations;
	struct pf_line *lines;
	size_t nlines, cap_lines;
	struct pf_function *functions;
	size_t nfunctions, cap_functions;

	uint32_t drop_frames, keep_frames; /* string indices */
	int64_t time_nanos, duration_nanos;
	struct pf_value_type period_type;
	int64_t period;
	uint32_t *comments; /* string indices */
	size_t ncomments, cap_comments;
	uint32_t default_sample_type; /* string index */

	/* allocprof's extension (Profile field 101, which other pprof readers
	 * skip): estimated in-use bytes and RSS over the run */
	struct pf_point *timeline_inuse;
	size_t ntimeline_inuse, cap_timeline_inuse;
	struct pf_point *timeline_rss;
	size_t ntimeline_rss, cap_timeline_rss;

	bool failed; /* sticky: an allocation failed; the profile is incomplete */

	/* builder state */
	struct hmap func_index; /* function hash (seeded by strings.seed) -> function index */
};

void profile_init(struct profile *p);
void profile_release(struct profile *p);

/* Rebuilds the string and function indexes (after a reader filled the arrays
 * directly), so later interning finds what is already there. 0 or -ENOMEM. */
int profile_reindex(struct profile *p);

/* Interned strings. Returns the index (0 for ""), or 0 with p->failed set. */
uint32_t profile_string(struct profile *p, const char *s, size_t len);
uint32_t profile_cstr(struct profile *p, const char *s);
/* Appends without interning (the reader keeps the file's table as is). */
uint32_t profile_string_append(struct profile *p, const char *s, size_t len);
static inline const char *profile_str(const struct profile *p, uint32_t idx)
{
	return idx < p->strings.n ? p->strings.strs[idx] : "";
}
static inline size_t profile_str_len(const struct profile *p, uint32_t idx)
{
	return idx < p->strings.n ? p->strings.lens[idx] : 0;
}

int profile_add_sample_type(struct profile *p, const char *type, const char *unit);
/* Index of the sample type named type, or -1. */
int profile_sample_type_index(const struct profile *p, const char *type);
void profile_add_comment(struct profile *p, const char *text);

uint32_t profile_add_mapping(struct profile *p, const struct pf_mapping *m);
/* Functions are interned by all four fields. */
uint32_t profile_add_function(struct profile *p, uint32_t name, uint32_t system_name,
			      uint32_t filename, int64_t start_line);
uint32_t profile_add_location(struct profile *p, uint32_t mapping, uint64_t address,
			      const struct pf_line *lines, size_t nlines);
/* Replaces a location's lines (used by the symbolizer). */
int profile_set_location_lines(struct profile *p, uint32_t loc, const struct pf_line *lines,
			       size_t nlines);
/* values has p->ntypes entries. Returns the sample index or PF_NONE. */
uint32_t profile_add_sample(struct profile *p, const uint32_t *locs, size_t nlocs,
			    const int64_t *values, const struct pf_label *labels, size_t nlabels);

static inline const int64_t *profile_sample_values(const struct profile *p, size_t i)
{
	return p->values + i * p->ntypes;
}

#endif
