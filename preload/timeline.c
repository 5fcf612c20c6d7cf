/* timeline: two fixed arrays of max-preserving buckets whose width doubles
 * whenever they fill. */
#include "timeline.h"
#include "collector.h"

#include "../src/mem.h"

#include <string.h>

struct series {
	uint64_t t[TIMELINE_POINTS];
	double v[TIMELINE_POINTS];
	unsigned n;
	uint64_t width;        /* bucket width in ns */
	uint64_t bucket_start; /* of the open bucket, the last point */
	int open;
};

static COLLECTOR_OWNED struct series inuse_series = {.width = 1000000};
static COLLECTOR_OWNED struct series rss_series = {.width = 1000000};

static void halve(struct series *s)
{
	unsigned k = 0;
	for (unsigned i = 0; i < s->n; i += 2) {
		unsigned j = i + 1 < s->n && s->v[i + 1] > s->v[i] ? i + 1 : i;
		s->t[k] = s->t[j];
		s->v[k] = s->v[j];
		k++;
	}
	s->n = k;
	s->width *= 2;
}

static void add(struct series *s, uint64_t t, double v)
{
	if (s->open && t < s->bucket_start + s->width) {
		if (v > s->v[s->n - 1]) {
			s->v[s->n - 1] = v;
			s->t[s->n - 1] = t;
		}
		return;
	}
	if (s->n == TIMELINE_POINTS)
		halve(s);
	s->t[s->n] = t;
	s->v[s->n] = v;
	s->n++;
	s->bucket_start = t - t % s->width;
	s->open = 1;
}

void timeline_inuse(uint64_t t_ns, double inuse_bytes)
{
	add(&inuse_series, t_ns, inuse_bytes);
}

uint64_t timeline_inuse_open(double *max)
{
	const struct series *s = &inuse_series;
	if (!s->open)
		return 0;
	*max = s->v[s->n - 1];
	return s->bucket_start + s->width;
}

void timeline_rss(uint64_t t_ns, uint64_t bytes)
{
	add(&rss_series, t_ns, (double)bytes);
}

static void export(const struct series *s, struct pf_point **out, size_t *n, size_t *cap,
		   struct profile *p, uint64_t start_ns)
{
	if (!s->n || MEM_GROW(*out, *cap, s->n) < 0) {
		if (s->n)
			p->failed = true;
		return;
	}
	for (unsigned i = 0; i < s->n; i++) {
		(*out)[i].t_ns = s->t[i] > start_ns ? (int64_t)(s->t[i] - start_ns) : 0;
		(*out)[i].value = (int64_t)(s->v[i] + 0.5);
	}
	*n = s->n;
}

void timeline_export(struct profile *p, uint64_t start_ns)
{
	export(&inuse_series, &p->timeline_inuse, &p->ntimeline_inuse, &p->cap_timeline_inuse, p, start_ns);
	export(&rss_series, &p->timeline_rss, &p->ntimeline_rss, &p->cap_timeline_rss, p, start_ns);
}
