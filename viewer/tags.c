/* tags: a transcription of pprof's compileTagFilter, parseTagFilterRange,
 * FilterSamplesByTag, NumLabelUnits and printTags (whose tabwriter layout
 * is laid out here by hand). */
#include "tags.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "strtab.h"
#include "rx.h"
#include "units.h"

enum { MAX_REGEXES = 16 };

/* A numeric range as pprof reads "32kb", ":64kb", "4mb:", "12kb:64mb". */
struct range {
	double lo, hi; /* in unit */
	const char *unit;
	char unit_buf[32];
};

struct tag_filter {
	const char *name; /* tagfocus / tagignore */
	char *key;        /* NULL: any key */
	bool numeric;
	struct range range;
	struct rx rx[MAX_REGEXES];
	size_t nrx;
	char *copy;
};

/* pprof's tagFilterRangeRx, ([+-]?[[:digit:]]+)([[:alpha:]]+)?: the next
 * match at or after s, its number and unit. */
static const char *next_number(const char *s, const char **start, long long *num, bool *ok,
			       char *unit, size_t unitcap)
{
	for (; *s; s++) {
		bool sign = (*s == '+' || *s == '-') && s[1] >= '0' && s[1] <= '9';
		if (!sign && !(*s >= '0' && *s <= '9'))
			continue;
		*start = s;
		const char *p = s + (sign ? 1 : 0);
		while (*p >= '0' && *p <= '9')
			p++;
		char digits[32];
		size_t n = (size_t)(p - s);
		*ok = n < sizeof(digits);
		if (*ok) {
			memcpy(digits, s, n);
			digits[n] = 0;
			errno = 0;
			*num = strtoll(digits, NULL, 10);
			*ok = errno == 0;
		}
		const char *u = p;
		while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
			p++;
		size_t ul = (size_t)(p - u) < unitcap ? (size_t)(p - u) : unitcap - 1;
		memcpy(unit, u, ul);
		unit[ul] = 0;
		return p;
	}
	return NULL;
}

static bool parse_range(const char *f, struct range *r)
{
	const char *s0, *s1, *e0, *e1;
	long long v0, v1;
	bool ok0, ok1;
	char u0[32], u1[32];
	if (!(e0 = next_number(f, &s0, &v0, &ok0, u0, sizeof(u0))))
		return false;
	e1 = next_number(e0, &s1, &v1, &ok1, u1, sizeof(u1));
	if (!ok0)
		return false;
	/* Scale(v, unit, unit): the unit's canonical name */
	const char *unit;
	double sv = units_scale(v0, u0, u0, &unit);
	snprintf(r->unit_buf, sizeof(r->unit_buf), "%s", unit);
	r->unit = r->unit_buf;
	size_t n0 = (size_t)(e0 - s0), len = strlen(f);
	if (!e1) {
		if (s0 == f && len == n0) {
			r->lo = r->hi = sv;
		} else if (s0 == f && len == n0 + 1 && f[n0] == ':') {
			r->lo = sv;
			r->hi = INFINITY;
		} else if (s0 == f + 1 && f[0] == ':' && len == n0 + 1) {
			r->lo = -INFINITY;
			r->hi = sv;
		} else {
			return false;
		}
		return true;
	}
	if (!ok1 || s0 != f || *e1 || s1 != e0 + 1 || *e0 != ':')
		return false;
	const char *unit2;
	double sv2 = units_scale(v1, u1, r->unit, &unit2);
	if (strcmp(unit2, r->unit))
		return false;
	r->lo = sv;
	r->hi = sv2;
	return true;
}

static void filter_free(struct tag_filter *f)
{
	for (size_t i = 0; i < f->nrx; i++)
		rx_free(&f->rx[i]);
	free(f->copy);
	memset(f, 0, sizeof(*f));
}

/* 0, 1 (no memory) or 2 (printed). */
static int filter_compile(struct tag_filter *f, const char *name, const char *spec)
{
	memset(f, 0, sizeof(*f));
	f->name = name;
	if (!(f->copy = strdup(spec)))
		return 1;
	char *value = f->copy, *eq = strchr(value, '=');
	if (eq) {
		*eq = 0;
		f->key = value;
		value = eq + 1;
	}
	if (parse_range(value, &f->range)) {
		f->numeric = true;
		fprintf(stderr, "allocprof: --%s: '%s' is read as a numeric range, not a regular expression\n",
			name, value);
		return 0;
	}
	for (char *re = value, *next; re; re = next) {
		next = strchr(re, ',');
		if (next)
			*next++ = 0;
		char err[300];
		if (f->nrx == MAX_REGEXES) {
			fprintf(stderr, "allocprof: --%s: more than %d regular expressions\n", name, MAX_REGEXES);
			return 2;
		}
		if (!rx_compile(&f->rx[f->nrx], re, err, sizeof(err))) {
			fprintf(stderr, "allocprof: --%s: %s\n", name, err);
			return 2;
		}
		f->nrx++;
	}
	return 0;
}

static bool is_numeric(const struct pf_label *l)
{
	return l->str == 0;
}

/* pprof's NumLabelUnits: a key's unit is the first one its labels give;
 * without one, "bytes" for alignment and request, else the key itself. */
static const char *num_unit(const struct profile *p, uint32_t key)
{
	for (size_t i = 0; i < p->nlabels; i++)
		if (p->labels[i].key == key && is_numeric(&p->labels[i]) && p->labels[i].num_unit &&
		    *profile_str(p, p->labels[i].num_unit))
			return profile_str(p, p->labels[i].num_unit);
	const char *k = profile_str(p, key);
	return !strcmp(k, "alignment") || !strcmp(k, "request") ? "bytes" : k;
}

static bool in_range(const struct range *r, int64_t v, const char *unit)
{
	const char *su;
	double sv = units_scale(v, unit, r->unit, &su);
	return !strcmp(su, r->unit) && sv >= r->lo && sv <= r->hi;
}

static bool sample_matches(const struct profile *p, const struct pf_sample *s, const struct tag_filter *f,
			   char *buf, size_t cap)
{
	const struct pf_label *l = p->labels + s->label_start;
	if (f->numeric) {
		for (uint32_t k = 0; k < s->nlabels; k++)
			if (is_numeric(&l[k]) && (!f->key || !strcmp(profile_str(p, l[k].key), f->key)) &&
			    in_range(&f->range, l[k].num, num_unit(p, l[k].key)))
				return true;
		return false;
	}
	if (f->key) {
		for (uint32_t k = 0; k < s->nlabels; k++)
			if (!is_numeric(&l[k]) && !strcmp(profile_str(p, l[k].key), f->key))
				for (size_t r = 0; r < f->nrx; r++)
					if (rx_match(&f->rx[r], profile_str(p, l[k].str)))
						return true;
		return false;
	}
	/* every expression matches some "key:value" */
	for (size_t r = 0; r < f->nrx; r++) {
		bool hit = false;
		for (uint32_t k = 0; k < s->nlabels && !hit; k++) {
			if (is_numeric(&l[k]))
				continue;
			snprintf(buf, cap, "%s:%s", profile_str(p, l[k].key), profile_str(p, l[k].str));
			hit = rx_match(&f->rx[r], buf);
		}
		if (!hit)
			return false;
	}
	return true;
}

int tags_select(const struct profile *p, const char *focus, const char *ignore, bool **on)
{
	if (!focus && !ignore)
		return 0;
	struct tag_filter ff, fi;
	memset(&ff, 0, sizeof(ff));
	memset(&fi, 0, sizeof(fi));
	int rc = 0;
	if ((focus && (rc = filter_compile(&ff, "tagfocus", focus))) ||
	    (ignore && (rc = filter_compile(&fi, "tagignore", ignore))))
		goto out;
	char *buf = malloc(2 * RX_MAX_SUBJECT);
	if (!*on && (*on = malloc(p->nsamples + 1)))
		memset(*on, 1, p->nsamples + 1);
	if (!buf || !*on) {
		free(buf);
		rc = 1;
		goto out;
	}
	bool any_focus = false, any_ignore = false;
	for (size_t s = 0; s < p->nsamples; s++) {
		bool focused = !focus || sample_matches(p, &p->samples[s], &ff, buf, 2 * RX_MAX_SUBJECT);
		bool ignored = ignore && sample_matches(p, &p->samples[s], &fi, buf, 2 * RX_MAX_SUBJECT);
		any_focus |= focused;
		any_ignore |= ignored;
		if (!focused || ignored)
			(*on)[s] = false;
	}
	free(buf);
	if (focus && !any_focus)
		fprintf(stderr, "allocprof: --tagfocus '%s' matched no samples\n", focus);
	if (ignore && !any_ignore)
		fprintf(stderr, "allocprof: --tagignore '%s' matched no samples\n", ignore);
out:
	filter_free(&ff);
	filter_free(&fi);
	return rc;
}

struct tag_count {
	uint32_t key, value; /* strtab ids */
	int64_t sum;
};

static int by_flat_then_name(const struct tag_count *a, const struct tag_count *b, const struct strtab *t)
{
	int64_t fa = i64_abs(a->sum), fb = i64_abs(b->sum);
	if (fa != fb)
		return fa > fb ? -1 : 1;
	return strcmp(strtab_get(t, a->value), strtab_get(t, b->value));
}

static const struct strtab *sort_strs;

static int cmp_counts(const void *x, const void *y)
{
	const struct tag_count *a = x, *b = y;
	int k = strcmp(strtab_get(sort_strs, a->key), strtab_get(sort_strs, b->key));
	return k ? k : by_flat_then_name(a, b, sort_strs);
}

/* "%.1f%s" of v scaled from unit, as printTags writes a figure. */
static void figure(char *buf, size_t cap, int64_t v, const char *unit)
{
	const char *u;
	double f = units_scale(v, unit, "minimum", &u);
	snprintf(buf, cap, "%.1f%s", f, u);
}

static void pad(FILE *out, size_t n)
{
	while (n--)
		fputc(' ', out);
}

static void print_key(FILE *out, const struct strtab *t, const struct tag_count *c, size_t n, const char *unit)
{
	int64_t total = 0;
	for (size_t i = 0; i < n; i++)
		total = i64_add(total, c[i].sum);
	const char *key = strtab_get(t, c[0].key);
	/* tabwriter, right-aligned, padding 1: column 0 holds "key:" and one
	 * blank per value; column 1 the figures */
	size_t w0 = strlen(key) + 1 + 1, w1 = 0;
	char fig[64], pct[UNITS_BUF], cell[160];
	for (size_t i = 0; i < n; i++) {
		figure(fig, sizeof(fig), c[i].sum, unit);
		size_t len = total > 0 ? (size_t)snprintf(cell, sizeof(cell), "%s (%s):", fig, units_percent(c[i].sum, total, pct))
				       : (size_t)snprintf(cell, sizeof(cell), "%s:", fig);
		if (len + 1 > w1)
			w1 = len + 1;
	}
	figure(fig, sizeof(fig), total, unit);
	pad(out, w0 - strlen(key) - 1);
	fprintf(out, "%s: Total %s\n", key, fig);
	for (size_t i = 0; i < n; i++) {
		figure(fig, sizeof(fig), c[i].sum, unit);
		if (total > 0)
			snprintf(cell, sizeof(cell), "%s (%s):", fig, units_percent(c[i].sum, total, pct));
		else
			snprintf(cell, sizeof(cell), "%s:", fig);
		pad(out, w0 + w1 - strlen(cell));
		fprintf(out, "%s %s\n", cell, strtab_get(t, c[i].value));
	}
	fputc('\n', out);
}

int tags_report(FILE *out, const struct profile *p, int value, const char *unit, const bool *on)
{
	struct strtab t;
	struct hmap index;
	strtab_init(&t);
	hmap_init(&index);
	struct tag_count *c = NULL;
	size_t n = 0, cap = 0;
	int rc = 1;
	char buf[UNITS_BUF];
	for (size_t s = 0; s < p->nsamples; s++) {
		if (on && !on[s])
			continue;
		const struct pf_sample *sm = &p->samples[s];
		int64_t v = profile_sample_values(p, s)[value];
		for (uint32_t k = 0; k < sm->nlabels; k++) {
			const struct pf_label *l = &p->labels[sm->label_start + k];
			uint32_t key = strtab_intern_cstr(&t, profile_str(p, l->key));
			uint32_t val = strtab_intern_cstr(&t, is_numeric(l) ? units_label(l->num, num_unit(p, l->key), "minimum", buf)
								    : profile_str(p, l->str));
			if (t.failed)
				goto out;
			uint64_t pair = (uint64_t)key << 32 | val, at = hmap_get(&index, pair);
			if (at == HMAP_EMPTY) {
				if (n == cap) {
					size_t ncap = cap ? 2 * cap : 64;
					struct tag_count *nc = realloc(c, ncap * sizeof(*nc));
					if (!nc)
						goto out;
					c = nc;
					cap = ncap;
				}
				if (hmap_insert(&index, pair, n) < 0)
					goto out;
				c[n++] = (struct tag_count){key, val, 0};
				at = n - 1;
			}
			c[at].sum = i64_add(c[at].sum, v);
		}
	}
	sort_strs = &t;
	if (n)
		qsort(c, n, sizeof(*c), cmp_counts);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && c[j].key == c[i].key; j++)
			;
		print_key(out, &t, c + i, j - i, unit);
	}
	rc = 0;
out:
	free(c);
	hmap_release(&index);
	strtab_release(&t);
	return rc;
}
