/* merge: copies each profile's mappings, functions and locations into the
 * output with its string and index references translated; functions are
 * interned, so a function present in several profiles appears once. Equal
 * samples stay apart: every report merges them (filter_merge), as pprof. */
#include "merge.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct xlate {
	uint32_t *str, *map, *fn, *loc;
};

static void xlate_free(struct xlate *x)
{
	free(x->str);
	free(x->map);
	free(x->fn);
	free(x->loc);
}

static int copy_tables(struct profile *out, const struct profile *in, struct xlate *x)
{
	memset(x, 0, sizeof(*x));
	x->str = malloc((in->strings.n + 1) * sizeof(uint32_t));
	x->map = malloc((in->nmappings + 1) * sizeof(uint32_t));
	x->fn = malloc((in->nfunctions + 1) * sizeof(uint32_t));
	x->loc = malloc((in->nlocations + 1) * sizeof(uint32_t));
	if (!x->str || !x->map || !x->fn || !x->loc)
		return -ENOMEM;
	for (size_t i = 0; i < in->strings.n; i++)
		x->str[i] = profile_string(out, in->strings.strs[i], in->strings.lens[i]);
	for (size_t i = 0; i < in->nmappings; i++) {
		struct pf_mapping m = in->mappings[i];
		m.filename = x->str[m.filename];
		m.build_id = x->str[m.build_id];
		x->map[i] = profile_add_mapping(out, &m);
	}
	for (size_t i = 0; i < in->nfunctions; i++) {
		const struct pf_function *f = &in->functions[i];
		x->fn[i] = profile_add_function(out, x->str[f->name], x->str[f->system_name],
						x->str[f->filename], f->start_line);
	}
	struct pf_line *lines = NULL;
	size_t cap = 0;
	for (size_t i = 0; i < in->nlocations && !out->failed; i++) {
		const struct pf_location *l = &in->locations[i];
		if (l->nlines > cap) {
			cap = l->nlines;
			struct pf_line *n = realloc(lines, cap * sizeof(*n));
			if (!n) {
				free(lines);
				return -ENOMEM;
			}
			lines = n;
		}
		for (uint32_t k = 0; k < l->nlines; k++) {
			lines[k] = in->lines[l->line_start + k];
			lines[k].function = x->fn[lines[k].function];
		}
		x->loc[i] = profile_add_location(out, l->mapping == PF_NONE ? PF_NONE : x->map[l->mapping],
						 l->address, lines, l->nlines);
		if (x->loc[i] != PF_NONE)
			out->locations[x->loc[i]].is_folded = l->is_folded;
	}
	free(lines);
	return out->failed ? -ENOMEM : 0;
}

static int copy_samples(struct profile *out, const struct profile *in, const struct xlate *x,
			const int *type_of, bool base)
{
	size_t maxlocs = 1, maxlabels = 1;
	for (size_t s = 0; s < in->nsamples; s++) {
		if (in->samples[s].nlocs > maxlocs)
			maxlocs = in->samples[s].nlocs;
		if (in->samples[s].nlabels > maxlabels)
			maxlabels = in->samples[s].nlabels;
	}
	uint32_t *locs = malloc(maxlocs * sizeof(*locs));
	struct pf_label *labels = malloc((maxlabels + 1) * sizeof(*labels));
	int64_t *values = malloc((out->ntypes + 1) * sizeof(*values));
	int rc = -ENOMEM;
	if (!locs || !labels || !values)
		goto out;
	struct pf_label mark = {profile_cstr(out, "pprof::base"), profile_cstr(out, "true"), 0, 0};
	for (size_t s = 0; s < in->nsamples && !out->failed; s++) {
		const struct pf_sample *sm = &in->samples[s];
		for (uint32_t k = 0; k < sm->nlocs; k++)
			locs[k] = x->loc[in->sample_locs[sm->loc_start + k]];
		for (uint32_t k = 0; k < sm->nlabels; k++) {
			labels[k] = in->labels[sm->label_start + k];
			labels[k].key = x->str[labels[k].key];
			labels[k].str = x->str[labels[k].str];
			labels[k].num_unit = x->str[labels[k].num_unit];
		}
		size_t nlabels = sm->nlabels;
		if (base)
			labels[nlabels++] = mark;
		const int64_t *v = profile_sample_values(in, s);
		for (size_t t = 0; t < out->ntypes; t++) {
			int64_t val = type_of[t] >= 0 ? v[type_of[t]] : 0;
			values[t] = base ? (int64_t)(0 - (uint64_t)val) : val;
		}
		profile_add_sample(out, locs, sm->nlocs, values, labels, nlabels);
	}
	rc = out->failed ? -ENOMEM : 0;
out:
	free(locs);
	free(labels);
	free(values);
	return rc;
}

int merge_diff(struct profile *out, const struct profile *base, const struct profile *new_)
{
	profile_init(out);
	struct xlate xn, xb;
	int *same = malloc((new_->ntypes + 1) * sizeof(int));
	int *base_of = malloc((new_->ntypes + 1) * sizeof(int));
	int rc = -ENOMEM;
	memset(&xn, 0, sizeof(xn));
	memset(&xb, 0, sizeof(xb));
	if (!same || !base_of)
		goto out;
	for (size_t t = 0; t < new_->ntypes; t++) {
		const struct pf_value_type *vt = &new_->sample_types[t];
		profile_add_sample_type(out, profile_str(new_, vt->type), profile_str(new_, vt->unit));
		same[t] = (int)t;
		base_of[t] = profile_sample_type_index(base, profile_str(new_, vt->type));
	}
	/* new first: its first mapping names the program in reports */
	if (copy_tables(out, new_, &xn) < 0 || copy_tables(out, base, &xb) < 0 ||
	    copy_samples(out, new_, &xn, same, false) < 0 ||
	    copy_samples(out, base, &xb, base_of, true) < 0)
		goto out;
	out->default_sample_type = xn.str[new_->default_sample_type];
	out->period_type.type = xn.str[new_->period_type.type];
	out->period_type.unit = xn.str[new_->period_type.unit];
	out->period = new_->period;
	out->time_nanos = new_->time_nanos;
	out->duration_nanos = new_->duration_nanos;
	rc = out->failed ? -ENOMEM : 0;
out:
	if (rc < 0) {
		profile_release(out);
		profile_init(out);
	}
	xlate_free(&xn);
	xlate_free(&xb);
	free(same);
	free(base_of);
	return rc;
}

static bool same_type(const struct profile *a, const struct pf_value_type *ta, const struct profile *b,
		      const struct pf_value_type *tb)
{
	return !strcmp(profile_str(a, ta->type), profile_str(b, tb->type)) &&
	       !strcmp(profile_str(a, ta->unit), profile_str(b, tb->unit));
}

/* pprof's compatible(): the same period type and the same sample types in
 * the same order. */
bool merge_compatible(const struct profile *a, const struct profile *b, char *err, size_t errlen)
{
	if (!same_type(a, &a->period_type, b, &b->period_type)) {
		snprintf(err, errlen, "incompatible period types %s/%s and %s/%s",
			 profile_str(a, a->period_type.type), profile_str(a, a->period_type.unit),
			 profile_str(b, b->period_type.type), profile_str(b, b->period_type.unit));
		return false;
	}
	bool ok = a->ntypes == b->ntypes;
	for (size_t t = 0; ok && t < a->ntypes; t++)
		ok = same_type(a, &a->sample_types[t], b, &b->sample_types[t]);
	if (!ok)
		snprintf(err, errlen, "incompatible sample types (%zu types, first %s, and %zu, first %s)",
			 a->ntypes, a->ntypes ? profile_str(a, a->sample_types[0].type) : "none", b->ntypes,
			 b->ntypes ? profile_str(b, b->sample_types[0].type) : "none");
	return ok;
}

/* pprof's combineHeaders: the earliest time, the durations summed, the
 * largest period, every comment once, the first default sample type. */
static void combine_headers(struct profile *out, struct profile *const *ins, size_t n)
{
	const struct profile *f = ins[0];
	out->drop_frames = profile_cstr(out, profile_str(f, f->drop_frames));
	out->keep_frames = profile_cstr(out, profile_str(f, f->keep_frames));
	out->period_type.type = profile_cstr(out, profile_str(f, f->period_type.type));
	out->period_type.unit = profile_cstr(out, profile_str(f, f->period_type.unit));
	for (size_t i = 0; i < n; i++) {
		const struct profile *p = ins[i];
		if (!out->time_nanos || (p->time_nanos && p->time_nanos < out->time_nanos))
			out->time_nanos = p->time_nanos;
		out->duration_nanos += p->duration_nanos;
		if (p->period > out->period)
			out->period = p->period;
		if (!out->default_sample_type && p->default_sample_type)
			out->default_sample_type = profile_cstr(out, profile_str(p, p->default_sample_type));
		for (size_t c = 0; c < p->ncomments; c++) {
			const char *text = profile_str(p, p->comments[c]);
			bool seen = false;
			for (size_t k = 0; k < out->ncomments && !seen; k++)
				seen = !strcmp(profile_str(out, out->comments[k]), text);
			if (!seen)
				profile_add_comment(out, text);
		}
	}
}

int merge_profiles(struct profile *out, struct profile *const *ins, size_t n, char *err, size_t errlen)
{
	profile_init(out);
	snprintf(err, errlen, "out of memory");
	if (!n)
		return -EINVAL;
	for (size_t i = 1; i < n; i++)
		if (!merge_compatible(ins[0], ins[i], err, errlen))
			return -EINVAL;
	int *same = malloc((ins[0]->ntypes + 1) * sizeof(int));
	if (!same)
		return -ENOMEM;
	for (size_t t = 0; t < ins[0]->ntypes; t++) {
		const struct pf_value_type *vt = &ins[0]->sample_types[t];
		profile_add_sample_type(out, profile_str(ins[0], vt->type), profile_str(ins[0], vt->unit));
		same[t] = (int)t;
	}
	combine_headers(out, ins, n);
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		struct xlate x;
		rc = copy_tables(out, ins[i], &x);
		if (!rc)
			rc = copy_samples(out, ins[i], &x, same, false);
		xlate_free(&x);
	}
	free(same);
	if (!rc && out->failed)
		rc = -ENOMEM;
	if (rc < 0) {
		profile_release(out);
		profile_init(out);
	}
	return rc;
}
