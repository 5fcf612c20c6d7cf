/* profile: builder for the in-memory pprof model. Strings go to its strtab;
 * functions are interned here, under the same collision limit. */
#include "profile.h"

#include <errno.h>
#include <string.h>

#include "mem.h"

enum {
	/* entries looked at under one hash: beyond that a function is
	 * added again rather than searched for, so no input can make interning
	 * quadratic (and the seed makes collisions hard to craft anyway) */
	MAX_SAME_HASH = 8,
};

void profile_init(struct profile *p)
{
	memset(p, 0, sizeof(*p));
	strtab_init(&p->strings);
	p->failed = p->strings.failed;
	hmap_init(&p->func_index);
}

#define FREE_ARRAY(a, cap) mem_free((a), (cap) * sizeof(*(a)))

void profile_release(struct profile *p)
{
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
	strtab_release(&p->strings);
	hmap_release(&p->func_index);
	memset(p, 0, sizeof(*p));
}

static bool grow(struct profile *p, int rc)
{
	if (rc < 0)
		p->failed = true;
	return rc == 0;
}

static uint32_t string_result(struct profile *p, uint32_t id)
{
	if (p->strings.failed)
		p->failed = true;
	return id;
}

uint32_t profile_string_append(struct profile *p, const char *s, size_t len)
{
	return string_result(p, strtab_append(&p->strings, s, len));
}

uint32_t profile_string(struct profile *p, const char *s, size_t len)
{
	return string_result(p, strtab_intern(&p->strings, s, len));
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
	return hash_mix64(p->strings.seed ^ name ^ ((uint64_t)system_name << 32)) ^
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

/* One entry per distinct function: a file may repeat one any number of
 * times, and an entry per copy under one hash made this quadratic. */
int profile_reindex(struct profile *p)
{
	if (strtab_reindex(&p->strings) < 0)
		return -ENOMEM;
	hmap_release(&p->func_index);
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
