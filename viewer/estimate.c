/* estimate: the error of a total sampled by bytes. At mean rate R a block
 * of s bytes is sampled with probability q = 1-exp(-s/R) and stands for 1/q
 * blocks and s/q bytes (DESIGN invariant 4), so each sampled block adds
 * (1-q)/q^2 to the variance of the object count and s^2 (1-q)/q^2 to that
 * of the bytes (Horvitz-Thompson). A sample record holds the sums for one
 * stack, not each block, so its blocks are taken at their mean size B/O;
 * for blocks much smaller than R, the common case, that is exact: every
 * sampled block adds R^2 to the byte variance whatever its size, and R^2 is
 * the most any block adds, so a mix of sizes cannot make the byte error much
 * larger than said. Object counts have no such bound: a sampled 16-byte
 * block stands for R/16 objects, and the small blocks a run never sampled
 * are the ones that count; their error is left unknown (printed "~"). */
#include "estimate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

bool estimate_profile_sampled(const struct profile *p)
{
	return p->period > 1 && p->period_type.type && !strcmp(profile_str(p, p->period_type.type), "space");
}

/* "alloc_space" -> the index of "alloc_objects" (and the other way), or -1. */
static int partner(const struct profile *p, const char *type, const char *from, const char *to)
{
	size_t n = strlen(type), f = strlen(from);
	if (n <= f || strcmp(type + n - f, from))
		return -1;
	char name[256];
	snprintf(name, sizeof(name), "%.*s%s", (int)(n - f), type, to);
	return profile_sample_type_index(p, name);
}

void estimate_total(const struct profile *p, int type, const bool *on, struct estimate *e)
{
	memset(e, 0, sizeof(*e));
	if (type < 0 || (size_t)type >= p->ntypes)
		return;
	for (size_t s = 0; s < p->nsamples; s++)
		if (!on || on[s])
			e->value = i64_add(e->value, p->values[s * p->ntypes + (size_t)type]);
	if (!estimate_profile_sampled(p))
		return;
	const char *name = profile_str(p, p->sample_types[type].type);
	int space = partner(p, name, "_objects", "_space"), objects = partner(p, name, "_space", "_objects");
	bool bytes = objects >= 0;
	if (bytes)
		space = type;
	else if (space >= 0)
		objects = type;
	else
		return; /* not a heap sample type: nothing known about its sampling */
	e->sampled = true;
	double rate = (double)p->period, var = 0;
	for (size_t s = 0; s < p->nsamples; s++) {
		double b = (double)p->values[s * p->ntypes + (size_t)space];
		double o = (double)p->values[s * p->ntypes + (size_t)objects];
		if ((on && !on[s]) || b <= 0 || o <= 0)
			continue;
		double q = -expm1(-(b / o) / rate);
		if (q <= 0)
			continue;
		e->samples += o * q;
		var += b * (b / o) * (1 - q) / q;
	}
	e->error = bytes ? 2 * sqrt(var) : -1;
}

bool estimate_rough(const struct estimate *e)
{
	if (!e->sampled)
		return false;
	/* a zero from no sample may hide anything below the rate, but says so */
	return e->value && e->error >= 0 && (e->samples < 0.5 || e->error > 0.2 * fabs((double)e->value));
}

const char *estimate_error_label(const struct estimate *e, const char *unit, char *buf)
{
	buf[0] = 0;
	if (!e->sampled)
		return buf;
	if (e->samples < 0.5) {
		snprintf(buf, ESTIMATE_BUF, "(no sample)");
		return buf;
	}
	long long n = llround(e->samples);
	if (n < 1)
		n = 1;
	if (e->error < 0) {
		snprintf(buf, ESTIMATE_BUF, "(%lld sample%s)", n, n == 1 ? "" : "s");
		return buf;
	}
	/* the error in the value's own unit: "2.05MB ±0.41MB" */
	char err[UNITS_BUF];
	const char *scaled = "";
	if (e->value)
		units_scale(e->value, unit, "auto", &scaled);
	units_label(llround(e->error), unit, *scaled ? scaled : "auto", err);
	snprintf(buf, ESTIMATE_BUF, "\xc2\xb1%s (%lld sample%s)", err, n, n == 1 ? "" : "s");
	return buf;
}

const char *estimate_value_label(const struct estimate *e, const char *unit, char *buf)
{
	char v[UNITS_BUF];
	units_label(e->value, unit, "auto", v);
	snprintf(buf, ESTIMATE_BUF, "%s%s", e->sampled && e->error < 0 && e->samples >= 0.5 ? "~" : "", v);
	return buf;
}

const char *estimate_label(const struct estimate *e, const char *unit, char *buf)
{
	char v[ESTIMATE_BUF], err[ESTIMATE_BUF];
	estimate_error_label(e, unit, err);
	snprintf(buf, ESTIMATE_BUF, "%.64s%s%.90s", estimate_value_label(e, unit, v), *err ? " " : "", err);
	return buf;
}

static const char *comment_after(const struct profile *p, const char *prefix)
{
	size_t n = strlen(prefix);
	for (size_t i = 0; i < p->ncomments; i++) {
		const char *c = profile_str(p, p->comments[i]);
		if (!strncmp(c, prefix, n))
			return c + n;
	}
	return NULL;
}

int64_t estimate_allocator_inuse(const struct profile *p)
{
	const char *c = comment_after(p, "allocator in use: ");
	long long v;
	return c && sscanf(c, "%lld bytes", &v) == 1 && v >= 0 ? v : -1;
}

const char *estimate_comment(const struct profile *p, const char *comment, char *buf, size_t cap)
{
	static const char peak[] = "peak in use: ";
	long long bytes;
	int used = 0;
	if (strncmp(comment, peak, strlen(peak)) ||
	    sscanf(comment + strlen(peak), "%lld bytes%n", &bytes, &used) != 1 || !used)
		return comment;
	struct estimate e = {0};
	if (estimate_profile_sampled(p))
		estimate_total(p, profile_sample_type_index(p, "inuse_space"), NULL, &e);
	char b[ESTIMATE_BUF];
	/* in the units of every other figure; a sampled one with its error */
	const char *figure = e.sampled ? (e.value = bytes, estimate_label(&e, "bytes", b))
				       : units_label(bytes, "bytes", "auto", b);
	snprintf(buf, cap, "%s%s%s", peak, figure, comment + strlen(peak) + used);
	return buf;
}
