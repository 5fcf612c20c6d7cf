/* profile: builder for the in-memory pprof model. Strings live in chunks that
 * never move, so string pointers stay valid while the table grows. */
#include "profile.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "mem.h"

struct str_chunk {
	struct str_chunk *next;
	size_t used, size;
	char data[];
};

enum {
	CHUNK_MIN = 64 * 1024,
	/* entries looked at under one hash: beyond that a string or function is
	 * added again rather than searched for, so no input can make interning
	 * quadratic (and the seed makes collisions hard to craft anyway) */
	MAX_SAME_HASH = 8,
};

void profile_init(struct profile *p)
{
	memset(p, 0, sizeof(*p));
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	p->hash_seed = hash_mix64((uint64_t)(uintptr_t)p ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30));
	hmap_init(&p->str_index);
	hmap_init(&p->func_index);
	profile_string_append(p, "", 0);
}

#define FREE_ARRAY(a, cap) mem_free((a), (cap) * sizeof(*(a)))

void profile_release(struct profile *p)
{
	FREE_ARRAY(p->strs, p->cap_strs);
	FREE_ARRAY(p->str_lens, p->cap_strs);
	FREE_ARRAY(p->sample_types, p->cap_types);
	FREE_ARRAY(p->samples, p->cap_samples);
	FREE_ARRAY(p->values, p->cap_values);
	FREE_ARRAY(p->sample_locs, p->cap_sample_locs);
	FREE_ARRAY(p->labels, p->cap_labels);
	FREE_ARRAY(p->mappings, p->cap_mappings);
	FREE_ARRAY(p->locations, p->cap_locations);
	FREE_ARRAY(p->lines, p->cap_lines);
	FREE_ARRAY(p->functions, p->cap_functions);
	FREE_ARRAY(p->comments, p->cap_comments);
	FREE_ARRAY(p->timeline_inuse, p->cap_timeline_inuse);
	FREE_ARRAY(p->timeline_rss, p->cap_timeline_rss);
	hmap_release(&p->str_index);
	hmap_release(&p->func_index);
	for (struct str_chunk *c = p->chunks, *next; c; c = next) {
		next = c->next;
		mem_free(c, sizeof(*c) + c->size);
	}
	memset(p, 0, sizeof(*p));
}

static bool grow(struct profile *p, int rc)
{
	if (rc < 0)
		p->failed = true;
	return rc == 0;
}

static char *chunk_copy(struct profile *p, const char *s, size_t len)
{
	struct str_chunk *c = p->chunks;
	if (!c || c->size - c->used < len + 1) {
		size_t size = len + 1 > CHUNK_MIN ? len + 1 : CHUNK_MIN;
		c = mem_alloc(sizeof(*c) + size);
		if (!c) {
			p->failed = true;
			return NULL;
		}
		c->size = size;
		c->used = 0;
		c->next = p->chunks;
		p->chunks = c;
	}
	char *d = c->data + c->used;
	memcpy(d, s, len);
	d[len] = 0;
	c->used += len + 1;
	return d;
}

uint32_t profile_string_append(struct profile *p, const char *s, size_t len)
{
	if (p->nstrs >= UINT32_MAX - 1 || len > UINT32_MAX) {
		p->failed = true;
		return 0;
	}
	size_t cap = p->cap_strs;
	if (!grow(p, MEM_GROW(p->strs, p->cap_strs, p->nstrs + 1)))
		return 0;
	if (cap != p->cap_strs) {
		void *n = mem_realloc(p->str_lens, cap * sizeof(uint32_t), p->cap_strs * sizeof(uint32_t));
		if (!n) {
			p->cap_strs = cap; /* keep both arrays at the same capacity */
			p->failed = true;
			return 0;
		}
		p->str_lens = n;
	}
	const char *d = len ? chunk_copy(p, s, len) : "";
	if (!d)
		return 0;
	p->strs[p->nstrs] = d;
	p->str_lens[p->nstrs] = (uint32_t)len;
	return (uint32_t)p->nstrs++;
}

uint32_t profile_string(struct profile *p, const char *s, size_t len)
{
	if (!len)
		return 0;
	uint64_t h = hash_bytes(s, len, p->hash_seed);
	int same = 0;
	for (size_t i = hmap_first(&p->str_index, h); i != HMAP_END && same < MAX_SAME_HASH;
	     i = hmap_next(&p->str_index, h, i), same++) {
		uint32_t idx = (uint32_t)p->str_index.e[i].val;
		if (p->str_lens[idx] == len && !memcmp(p->strs[idx], s, len))
			return idx;
	}
	uint32_t idx = profile_string_append(p, s, len);
	if (idx && same < MAX_SAME_HASH && !grow(p, hmap_insert(&p->str_index, h, idx)))
		return 0;
	return idx;
}

uint32_t profile_cstr(struct profile *p, const char *s)
{
	return s ? profile_string(p, s, strlen(s)) : 0;
}

int profile_add_sample_type(struct profile *p, const char *type, const char *unit)
{
	if (!grow(p, MEM_GROW(p->sample_types, p->cap_types, p->ntypes + 1)))
		return -ENOMEM;
	p->sample_types[p->ntypes].type = profile_cstr(p, type);
	p->sample_types[p->ntypes].unit = profile_cstr(p, unit);
	p->ntypes++;
	return p->failed ? -ENOMEM : 0;
}

int profile_sample_type_index(const struct profile *p, const char *type)
{
	for (size_t i = 0; i < p->ntypes; i++)
		if (!strcmp(profile_str(p, p->sample_types[i].type), type))
			return (int)i;
	return -1;
}

void profile_add_comment(struct profile *p, const char *text)
{
	if (!grow(p, MEM_GROW(p->comments, p->cap_comments, p->ncomments + 1)))
		return;
	p->comments[p->ncomments++] = profile_cstr(p, text);
}

uint32_t profile_add_mapping(struct profile *p, const struct pf_mapping *m)
{
	if (!grow(p, MEM_GROW(p->mappings, p->cap_mappings, p->nmappings + 1)))
		return PF_NONE;
	p->mappings[p->nmappings] = *m;
	return (uint32_t)p->nmappings++;
}

static uint64_t function_hash(const struct profile *p, uint32_t name, uint32_t system_name,
			      uint32_t filename, int64_t start_line)
{
	return hash_mix64(p->hash_seed ^ name ^ ((uint64_t)system_name << 32)) ^
	       hash_mix64(filename ^ ((uint64_t)start_line << 20));
}

static bool same_function(const struct pf_function *f, uint32_t name, uint32_t system_name,
			  uint32_t filename, int64_t start_line)
{
	return f->name == name && f->system_name == system_name && f->filename == filename &&
	       f->start_line == start_line;
}

uint32_t profile_add_function(struct profile *p, uint32_t name, uint32_t system_name,
			      uint32_t filename, int64_t start_line)
{
	uint64_t h = function_hash(p, name, system_name, filename, start_line);
	int same = 0;
	for (size_t i = hmap_first(&p->func_index, h); i != HMAP_END && same < MAX_SAME_HASH;
	     i = hmap_next(&p->func_index, h, i), same++) {
		if (same_function(&p->functions[p->func_index.e[i].val], name, system_name, filename, start_line))
			return (uint32_t)p->func_index.e[i].val;
	}
	if (!grow(p, MEM_GROW(p->functions, p->cap_functions, p->nfunctions + 1)))
		return PF_NONE;
	uint32_t idx = (uint32_t)p->nfunctions;
	if (same < MAX_SAME_HASH && !grow(p, hmap_insert(&p->func_index, h, idx)))
		return PF_NONE;
	p->functions[idx] = (struct pf_function){name, system_name, filename, start_line};
	p->nfunctions++;
	return idx;
}

static bool append_lines(struct profile *p, const struct pf_line *lines, size_t n, uint32_t *start)
{
	if (!grow(p, MEM_GROW(p->lines, p->cap_lines, p->nlines + n)))
		return false;
	*start = (uint32_t)p->nlines;
	if (n)
		memcpy(p->lines + p->nlines, lines, n * sizeof(*lines));
	p->nlines += n;
	return true;
}

uint32_t profile_add_location(struct profile *p, uint32_t mapping, uint64_t address,
			      const struct pf_line *lines, size_t nlines)
{
	if (!grow(p, MEM_GROW(p->locations, p->cap_locations, p->nlocations + 1)))
		return PF_NONE;
	struct pf_location *l = &p->locations[p->nlocations];
	memset(l, 0, sizeof(*l));
	l->mapping = mapping;
	l->address = address;
	if (!append_lines(p, lines, nlines, &l->line_start))
		return PF_NONE;
	l->nlines = (uint32_t)nlines;
	return (uint32_t)p->nlocations++;
}

int profile_set_location_lines(struct profile *p, uint32_t loc, const struct pf_line *lines,
			       size_t nlines)
{
	uint32_t start;
	if (!append_lines(p, lines, nlines, &start))
		return -ENOMEM;
	p->locations[loc].line_start = start;
	p->locations[loc].nlines = (uint32_t)nlines;
	return 0;
}

uint32_t profile_add_sample(struct profile *p, const uint32_t *locs, size_t nlocs,
			    const int64_t *values, const struct pf_label *labels, size_t nlabels)
{
	if (!grow(p, MEM_GROW(p->samples, p->cap_samples, p->nsamples + 1)) ||
	    !grow(p, MEM_GROW(p->values, p->cap_values, (p->nsamples + 1) * p->ntypes + 1)) ||
	    !grow(p, MEM_GROW(p->sample_locs, p->cap_sample_locs, p->nsample_locs + nlocs)) ||
	    !grow(p, MEM_GROW(p->labels, p->cap_labels, p->nlabels + nlabels)))
		return PF_NONE;
	struct pf_sample *s = &p->samples[p->nsamples];
	s->loc_start = (uint32_t)p->nsample_locs;
	s->nlocs = (uint32_t)nlocs;
	s->label_start = (uint32_t)p->nlabels;
	s->nlabels = (uint32_t)nlabels;
	if (nlocs)
		memcpy(p->sample_locs + p->nsample_locs, locs, nlocs * sizeof(*locs));
	p->nsample_locs += nlocs;
	if (nlabels)
		memcpy(p->labels + p->nlabels, labels, nlabels * sizeof(*labels));
	p->nlabels += nlabels;
	if (p->ntypes)
		memcpy(p->values + p->nsamples * p->ntypes, values, p->ntypes * sizeof(*values));
	return (uint32_t)p->nsamples++;
}

/* One entry per distinct string and function: a file may repeat either any
 * number of times, and an entry per copy under one hash made this quadratic
 * (a 653-byte file took 32 s). */
int profile_reindex(struct profile *p)
{
	hmap_release(&p->str_index);
	hmap_release(&p->func_index);
	for (size_t i = 1; i < p->nstrs; i++) {
		uint64_t h = hash_bytes(p->strs[i], p->str_lens[i], p->hash_seed);
		int same = 0;
		bool dup = false;
		for (size_t e = hmap_first(&p->str_index, h); e != HMAP_END && !dup && same < MAX_SAME_HASH;
		     e = hmap_next(&p->str_index, h, e), same++) {
			uint64_t j = p->str_index.e[e].val;
			dup = p->str_lens[j] == p->str_lens[i] && !memcmp(p->strs[j], p->strs[i], p->str_lens[i]);
		}
		if (!dup && same < MAX_SAME_HASH && hmap_insert(&p->str_index, h, i) < 0)
			return -ENOMEM;
	}
	for (size_t i = 0; i < p->nfunctions; i++) {
		const struct pf_function *f = &p->functions[i];
		uint64_t h = function_hash(p, f->name, f->system_name, f->filename, f->start_line);
		int same = 0;
		bool dup = false;
		for (size_t e = hmap_first(&p->func_index, h); e != HMAP_END && !dup && same < MAX_SAME_HASH;
		     e = hmap_next(&p->func_index, h, e), same++)
			dup = same_function(&p->functions[p->func_index.e[e].val], f->name, f->system_name,
					    f->filename, f->start_line);
		if (!dup && same < MAX_SAME_HASH && hmap_insert(&p->func_index, h, i) < 0)
			return -ENOMEM;
	}
	return 0;
}
