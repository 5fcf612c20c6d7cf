/* filter: transcriptions of pprof's Profile.Prune, FilterSamplesByName and
 * report.computeTotal over our index-based profile. */
#include "filter.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strtab.h"
#include "units.h"

/* pprof's simplifyFunc: the name up to its argument list, keeping the
 * parentheses of "(anonymous namespace)" and "operator()". */
static size_t simplified_len(const char *s, size_t len, size_t *start)
{
	static const char anon[] = "(anonymous namespace)", call[] = "operator()";
	size_t i = 0;
	*start = len > 0 && s[0] == '.' ? 1 : 0;
	for (i = *start; i < len; i++) {
		if (len - i >= sizeof(anon) - 1 && !memcmp(s + i, anon, sizeof(anon) - 1))
			i += sizeof(anon) - 2;
		else if (len - i >= sizeof(call) - 1 && !memcmp(s + i, call, sizeof(call) - 1))
			i += sizeof(call) - 2;
		else if (s[i] == '(')
			break;
	}
	return i - *start;
}

static bool drop_line(const struct profile *p, const struct pf_line *ln, const struct rx *drop,
		      const struct rx *keep)
{
	uint32_t s = p->functions[ln->function].name;
	if (!s)
		return false;
	size_t start, n = simplified_len(p->strings.strs[s], p->strings.lens[s], &start);
	char *name = strndup(p->strings.strs[s] + start, n);
	if (!name)
		return false;
	bool r = rx_match(drop, name) && !(keep && rx_match(keep, name));
	free(name);
	return r;
}

static bool compile_anchored(struct rx *r, const char *pattern)
{
	size_t n = strlen(pattern);
	char *a = malloc(n + 5);
	char err[256];
	if (!a)
		return false;
	memcpy(a, "^(", 2);
	memcpy(a + 2, pattern, n);
	memcpy(a + 2 + n, ")$", 3);
	bool ok = rx_compile(r, a, err, sizeof(err));
	free(a);
	return ok;
}

enum { PRUNE = 1, PRUNE_BENEATH = 2 };

void filter_prune(struct profile *p)
{
	if (!p->drop_frames || !*profile_str(p, p->drop_frames))
		return;
	struct rx drop, keep;
	if (!compile_anchored(&drop, profile_str(p, p->drop_frames)))
		return;
	bool has_keep = p->keep_frames && *profile_str(p, p->keep_frames);
	if (has_keep && !compile_anchored(&keep, profile_str(p, p->keep_frames))) {
		rx_free(&drop);
		return;
	}
	unsigned char *mark = calloc(p->nlocations + 1, 1);
	if (!mark)
		goto out;
	for (size_t l = 0; l < p->nlocations; l++) {
		struct pf_location *loc = &p->locations[l];
		uint32_t i;
		for (i = loc->nlines; i-- > 0;)
			if (drop_line(p, &p->lines[loc->line_start + i], &drop, has_keep ? &keep : NULL))
				break;
		if (i == UINT32_MAX)
			continue;
		mark[l] = PRUNE_BENEATH;
		if (i == loc->nlines - 1) {
			mark[l] |= PRUNE;
		} else {
			loc->line_start += i + 1;
			loc->nlines -= i + 1;
		}
	}
	for (size_t s = 0; s < p->nsamples; s++) {
		struct pf_sample *sm = &p->samples[s];
		bool user = false;
		for (uint32_t i = sm->nlocs; i-- > 0;) {
			unsigned char m = mark[p->sample_locs[sm->loc_start + i]];
			if (!m) {
				user = true;
				continue;
			}
			if (!user)
				continue;
			uint32_t cut = m & PRUNE ? i + 1 : i;
			sm->loc_start += cut;
			sm->nlocs -= cut;
			break;
		}
	}
	free(mark);
out:
	rx_free(&drop);
	if (has_keep)
		rx_free(&keep);
}

/* A regex is matched once per distinct string (memo: 0 unknown, 1 no, 2 yes),
 * not once per location naming it. */
static bool match_str(const struct profile *p, uint32_t s, const struct rx *r, unsigned char *memo)
{
	if (!memo[s])
		memo[s] = rx_match(r, profile_str(p, s)) ? 2 : 1;
	return memo[s] == 2;
}

static bool matches(const struct profile *p, const struct pf_location *loc, const struct rx *r,
		    unsigned char *memo)
{
	for (uint32_t i = 0; i < loc->nlines; i++) {
		const struct pf_function *f = &p->functions[p->lines[loc->line_start + i].function];
		if (match_str(p, f->name, r, memo) || match_str(p, f->filename, r, memo))
			return true;
	}
	return loc->mapping != PF_NONE && match_str(p, p->mappings[loc->mapping].filename, r, memo);
}

enum { FOCUSED = 1, IGNORED = 2 };

bool *filter_samples(const struct profile *p, const struct rx *focus, const struct rx *ignore,
		     bool *nomem, bool *any_focus, bool *any_ignore)
{
	*nomem = false;
	*any_focus = *any_ignore = false;
	if (!focus && !ignore)
		return NULL;
	unsigned char *mark = calloc(p->nlocations + 1, 1);
	unsigned char *memo_focus = calloc(p->strings.n + 1, 1), *memo_ignore = calloc(p->strings.n + 1, 1);
	bool *on = calloc(p->nsamples + 1, sizeof(bool));
	if (!mark || !on || !memo_focus || !memo_ignore) {
		free(mark);
		free(memo_focus);
		free(memo_ignore);
		free(on);
		*nomem = true;
		return NULL;
	}
	for (size_t l = 0; l < p->nlocations; l++) {
		if (ignore && matches(p, &p->locations[l], ignore, memo_ignore)) {
			mark[l] = IGNORED;
			*any_ignore = true;
		} else if (!focus || matches(p, &p->locations[l], focus, memo_focus)) {
			mark[l] = FOCUSED;
			*any_focus = true;
		}
	}
	for (size_t s = 0; s < p->nsamples; s++) {
		const struct pf_sample *sm = &p->samples[s];
		bool f = false, ign = false;
		for (uint32_t i = 0; i < sm->nlocs && !ign; i++) {
			unsigned char m = mark[p->sample_locs[sm->loc_start + i]];
			f |= m == FOCUSED;
			ign |= m == IGNORED;
		}
		on[s] = f && !ign;
	}
	free(mark);
	free(memo_focus);
	free(memo_ignore);
	return on;
}

bool filter_is_base(const struct profile *p, size_t sample)
{
	const struct pf_sample *sm = &p->samples[sample];
	for (uint32_t i = 0; i < sm->nlabels; i++) {
		const struct pf_label *l = &p->labels[sm->label_start + i];
		if (l->str && !strcmp(profile_str(p, l->key), "pprof::base") &&
		    !strcmp(profile_str(p, l->str), "true"))
			return true;
	}
	return false;
}

int64_t filter_total(const struct profile *p, int value)
{
	int64_t total = 0, base = 0;
	for (size_t s = 0; s < p->nsamples; s++) {
		int64_t v = i64_abs(p->values[s * p->ntypes + (size_t)value]);
		total = i64_add(total, v);
		if (p->nlabels && filter_is_base(p, s))
			base = i64_add(base, v);
	}
	return base > 0 ? base : total;
}

/* Keys are byte strings built in a growing buffer and interned, so equal
 * content gets equal ids without a comparison function per kind. */
struct keybuf {
	char *d;
	size_t len, cap;
	bool failed;
};

static void kb_put(struct keybuf *k, const void *p, size_t n)
{
	if (k->failed)
		return;
	if (k->len + n > k->cap) {
		size_t cap = k->cap ? k->cap : 256;
		while (cap < k->len + n)
			cap *= 2;
		char *d = realloc(k->d, cap);
		if (!d) {
			k->failed = true;
			return;
		}
		k->d = d;
		k->cap = cap;
	}
	memcpy(k->d + k->len, p, n);
	k->len += n;
}

static void kb_str(struct keybuf *k, const struct profile *p, uint32_t s)
{
	uint32_t len = profile_str_len(p, s);
	kb_put(k, &len, sizeof(len));
	kb_put(k, profile_str(p, s), len);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

int filter_merge(const struct profile *p, size_t *group)
{
	struct strtab keys;
	struct keybuf k = {NULL, 0, 0, false};
	uint32_t *fid = malloc((p->nfunctions + 1) * sizeof(uint32_t));
	uint32_t *lid = malloc((p->nlocations + 1) * sizeof(uint32_t));
	uint32_t *labs = NULL;
	struct hmap firsts; /* sample key id -> first sample with it */
	int rc = -ENOMEM;
	strtab_init(&keys);
	hmap_init(&firsts);
	if (!fid || !lid)
		goto out;
	for (size_t f = 0; f < p->nfunctions; f++) {
		const struct pf_function *fn = &p->functions[f];
		k.len = 0;
		kb_put(&k, "F", 1);
		kb_str(&k, p, fn->name);
		kb_str(&k, p, fn->system_name);
		kb_str(&k, p, fn->filename);
		kb_put(&k, &fn->start_line, sizeof(fn->start_line));
		fid[f] = k.failed ? 0 : strtab_intern(&keys, k.d, k.len);
	}
	for (size_t l = 0; l < p->nlocations; l++) {
		const struct pf_location *loc = &p->locations[l];
		k.len = 0;
		kb_put(&k, "L", 1);
		kb_put(&k, &loc->mapping, sizeof(loc->mapping));
		kb_put(&k, &loc->address, sizeof(loc->address));
		kb_put(&k, &loc->is_folded, sizeof(loc->is_folded));
		for (uint32_t i = 0; i < loc->nlines; i++) {
			const struct pf_line *ln = &p->lines[loc->line_start + i];
			kb_put(&k, &fid[ln->function], sizeof(uint32_t));
			kb_put(&k, &ln->line, sizeof(ln->line));
		}
		lid[l] = k.failed ? 0 : strtab_intern(&keys, k.d, k.len);
	}
	size_t maxlabels = 0;
	for (size_t s = 0; s < p->nsamples; s++)
		if (p->samples[s].nlabels > maxlabels)
			maxlabels = p->samples[s].nlabels;
	labs = malloc((maxlabels + 1) * sizeof(uint32_t));
	if (!labs || k.failed || keys.failed)
		goto out;
	for (size_t s = 0; s < p->nsamples; s++) {
		const struct pf_sample *sm = &p->samples[s];
		const int64_t *v = profile_sample_values(p, s);
		bool zero = true;
		for (size_t i = 0; i < p->ntypes && zero; i++)
			zero = v[i] == 0;
		if (zero) {
			group[s] = SIZE_MAX;
			continue;
		}
		/* labels are a set: key them in a canonical order */
		for (uint32_t i = 0; i < sm->nlabels; i++) {
			const struct pf_label *l = &p->labels[sm->label_start + i];
			k.len = 0;
			kb_put(&k, "B", 1);
			kb_str(&k, p, l->key);
			kb_str(&k, p, l->str);
			kb_put(&k, &l->num, sizeof(l->num));
			kb_str(&k, p, l->num_unit);
			labs[i] = k.failed ? 0 : strtab_intern(&keys, k.d, k.len);
		}
		qsort(labs, sm->nlabels, sizeof(uint32_t), cmp_u32);
		k.len = 0;
		kb_put(&k, "S", 1);
		for (uint32_t i = 0; i < sm->nlocs; i++)
			kb_put(&k, &lid[p->sample_locs[sm->loc_start + i]], sizeof(uint32_t));
		kb_put(&k, "|", 1);
		kb_put(&k, labs, sm->nlabels * sizeof(uint32_t));
		uint32_t id = k.failed ? 0 : strtab_intern(&keys, k.d, k.len);
		if (k.failed || keys.failed)
			goto out;
		uint64_t f = hmap_get(&firsts, id);
		if (f == HMAP_EMPTY) {
			if (hmap_insert(&firsts, id, s) < 0)
				goto out;
			f = s;
		}
		group[s] = (size_t)f;
	}
	rc = 0;
out:
	strtab_release(&keys);
	free(k.d);
	free(fid);
	free(lid);
	free(labs);
	hmap_release(&firsts);
	return rc;
}

int filter_hide(struct profile *p, const struct rx *hide, bool **on, bool *any)
{
	*any = false;
	unsigned char *memo = calloc(p->strings.n + 1, 1), *gone = calloc(p->nlocations + 1, 1);
	if (!*on) {
		*on = malloc((p->nsamples + 1) * sizeof(bool));
		if (*on)
			for (size_t s = 0; s < p->nsamples; s++)
				(*on)[s] = true;
	}
	if (!memo || !gone || !*on) {
		free(memo);
		free(gone);
		return -ENOMEM;
	}
	for (size_t l = 0; l < p->nlocations; l++) {
		struct pf_location *loc = &p->locations[l];
		bool hit = loc->mapping != PF_NONE && match_str(p, p->mappings[loc->mapping].filename, hide, memo);
		if (hit)
			loc->nlines = 0;
		uint32_t kept = 0;
		for (uint32_t i = 0; i < loc->nlines; i++) {
			struct pf_line ln = p->lines[loc->line_start + i];
			const struct pf_function *f = &p->functions[ln.function];
			if (match_str(p, f->name, hide, memo) || match_str(p, f->filename, hide, memo)) {
				hit = true;
				continue;
			}
			p->lines[loc->line_start + kept++] = ln;
		}
		loc->nlines = kept;
		/* an address without frames stays, as in pprof */
		gone[l] = hit && kept == 0;
		*any |= hit;
	}
	for (size_t s = 0; s < p->nsamples; s++) {
		struct pf_sample *sm = &p->samples[s];
		uint32_t kept = 0;
		for (uint32_t i = 0; i < sm->nlocs; i++) {
			uint32_t l = p->sample_locs[sm->loc_start + i];
			if (!gone[l])
				p->sample_locs[sm->loc_start + kept++] = l;
		}
		sm->nlocs = kept;
		if (!kept && *any)
			(*on)[s] = false;
	}
	free(memo);
	free(gone);
	return 0;
}
