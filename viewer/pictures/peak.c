/* peak: a peak profile is recognised by the shim's comment "peak in use: N
 * bytes, T ms after start"; one found next to the profile counts only when
 * its pid and command comments are the profile's, so a stale file from an
 * earlier run is never mistaken for this run's peak. */
#include "peak.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "gopath.h"
#include "report.h"
#include "units.h"

static const char peak_comment[] = "peak in use: ";

static const char *comment_with(const struct profile *p, const char *prefix)
{
	for (size_t i = 0; i < p->ncomments; i++) {
		const char *c = profile_str(p, p->comments[i]);
		if (!strncmp(c, prefix, strlen(prefix)))
			return c;
	}
	return NULL;
}

static bool same_comment(const struct profile *a, const struct profile *b, const char *prefix)
{
	const char *x = comment_with(a, prefix), *y = comment_with(b, prefix);
	return x && y && !strcmp(x, y);
}

/* "function file:line" of a graph node (by line), or its printable name
 * when it has no function. malloc'd. */
static char *site_name(const struct report *r, uint32_t node)
{
	const struct gnode *n = &r->g.nodes[node];
	const char *name = intern_get(&r->strs, n->info.name), *file = intern_get(&r->strs, n->info.file);
	size_t blen;
	const char *base = gopath_base(file, strlen(file), &blen);
	char *s = NULL;
	if (*name && *file && n->info.lineno) {
		if (asprintf(&s, "%s %.*s:%lld", name, (int)blen, base, (long long)n->info.lineno) < 0)
			s = NULL;
	} else {
		s = strdup(n->printable);
	}
	return s;
}

/* The site that held the most in-use bytes: the leaf frame of the samples
 * (by line); when the leaf has no name (a stripped library), the nearest
 * caller with one is named too ("sqlite3Malloc sqlite3.c:10 -> [libsqlite3.so]"). */
static void top_site(struct profile *p, struct peak_info *pk)
{
	struct ropts o = {0};
	o.sample_index = profile_sample_type_index(p, "inuse_space") >= 0 ? "inuse_space" : NULL;
	o.gran = GRAN_LINES;
	o.nodecount = 0;
	struct report r;
	struct hmap sums;
	hmap_init(&sums);
	int64_t *vals = NULL;
	size_t nvals = 0;
	uint64_t best_key = 0;
	int64_t best = 0;
	if (report_open(&r, p, &o) == 0) {
		const struct graph *g = &r.g;
		vals = malloc((p->nsamples + 1) * sizeof(*vals));
		for (size_t s = 0; vals && s < p->nsamples; s++) {
			int64_t w = p->values[s * p->ntypes + (size_t)r.value];
			const struct pf_sample *sm = &p->samples[s];
			if (w <= 0 || !sm->nlocs || (r.sample_on && !r.sample_on[s]))
				continue;
			uint32_t leaf = UINT32_MAX, named = UINT32_MAX;
			for (uint32_t li = 0; li < sm->nlocs && named == UINT32_MAX; li++) {
				uint32_t loc = p->sample_locs[sm->loc_start + li];
				for (uint32_t k = 0; k < g->loc_n[loc] && named == UINT32_MAX; k++) {
					uint32_t n = g->locnodes[g->loc_first[loc] + k];
					if (leaf == UINT32_MAX)
						leaf = n;
					if (g->nodes[n].info.name)
						named = n;
				}
			}
			uint64_t key = (uint64_t)leaf << 32 | (named == UINT32_MAX ? leaf : named);
			uint64_t slot = hmap_get(&sums, key);
			if (slot == HMAP_EMPTY) {
				if (hmap_insert(&sums, key, nvals) < 0)
					break;
				slot = nvals;
				vals[nvals++] = 0;
			}
			vals[slot] = i64_add(vals[slot], w);
			if (vals[slot] > best || (vals[slot] == best && key < best_key)) {
				best = vals[slot];
				best_key = key;
			}
		}
	}
	if (best > 0) {
		uint32_t leaf = (uint32_t)(best_key >> 32), named = (uint32_t)best_key;
		char *a = site_name(&r, named), *b = leaf != named ? site_name(&r, leaf) : NULL;
		if (a && leaf != named && b) {
			if (asprintf(&pk->site, "%s \xe2\x86\x92 %s", a, b) < 0)
				pk->site = NULL;
		} else if (a) {
			pk->site = strdup(a);
		}
		free(a);
		free(b);
		pk->site_value = best;
		pk->site_total = r.total;
	}
	free(vals);
	hmap_release(&sums);
	report_close(&r);
}

/* "x.pb.gz" -> "x.peak.pb.gz", "x.3.pb.gz" -> also "x.peak.3.pb.gz". */
static char *candidate(const char *path, int which)
{
	size_t n = strlen(path);
	if (n < 6 || strcmp(path + n - 6, ".pb.gz"))
		return NULL;
	size_t stem = n - 6;
	char *out = NULL;
	if (which == 0) {
		if (asprintf(&out, "%.*s.peak.pb.gz", (int)stem, path) < 0)
			return NULL;
		return out;
	}
	/* a numbered file: the number went after .peak */
	size_t d = stem;
	while (d > 0 && path[d - 1] >= '0' && path[d - 1] <= '9')
		d--;
	if (d == stem || d == 0 || path[d - 1] != '.')
		return NULL;
	if (asprintf(&out, "%.*s.peak.%.*s.pb.gz", (int)(d - 1), path, (int)(stem - d), path + d) < 0)
		return NULL;
	return out;
}

static void from_comment(const struct profile *p, struct peak_info *pk)
{
	const char *c = comment_with(p, peak_comment);
	long long bytes, ms;
	if (c && sscanf(c + strlen(peak_comment), "%lld bytes, %lld ms", &bytes, &ms) == 2) {
		pk->bytes = bytes;
		pk->ms = ms;
		estimate_total(p, profile_sample_type_index(p, "inuse_space"), NULL, &pk->estimate);
	}
}

int peak_find(const char *path, const char *explicit_peak, struct profile *p, struct peak_info *pk)
{
	memset(pk, 0, sizeof(*pk));
	pk->bytes = pk->ms = -1;
	struct profile q;
	if (explicit_peak) {
		if (cli_load(explicit_peak, &q))
			return 1;
		pk->path = strdup(explicit_peak);
	} else if (comment_with(p, peak_comment)) {
		pk->path = strdup(path);
		pk->from_peak = true;
		from_comment(p, pk);
		top_site(p, pk);
		(void)!asprintf(&pk->source, "the profile is a peak profile");
		return 0;
	} else {
		for (int which = 0; which < 2 && !pk->path; which++) {
			char *c = candidate(path, which);
			if (c && access(c, R_OK) == 0 && !cli_load(c, &q)) {
				if (comment_with(&q, peak_comment) && same_comment(p, &q, "pid: ") &&
				    same_comment(p, &q, "command: "))
					pk->path = c, c = NULL;
				else
					profile_release(&q);
			}
			free(c);
		}
	}
	if (pk->path) {
		pk->from_peak = true;
		from_comment(&q, pk);
		top_site(&q, pk);
		profile_release(&q);
		const char *slash = strrchr(pk->path, '/');
		(void)!asprintf(&pk->source, "peak and its top site from %s", slash ? slash + 1 : pk->path);
		return 0;
	}
	top_site(p, pk);
	const char *slash = strrchr(path, '/');
	(void)!asprintf(&pk->source, "no peak profile next to %s: the site named is the biggest still in use "
				     "when it was written",
			slash ? slash + 1 : path);
	return 0;
}

void peak_release(struct peak_info *pk)
{
	free(pk->path);
	free(pk->site);
	free(pk->source);
	memset(pk, 0, sizeof(*pk));
}
