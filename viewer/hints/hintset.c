/* hintset: ties are broken by the other measure, then by name, so the order
 * never depends on the order of samples in the file. */
#include "hintset.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int cmp_hint(const void *pa, const void *pb, void *arg)
{
	const struct hint *a = pa, *b = pb;
	bool by_objects = *(const bool *)arg;
	double ka = by_objects ? a->objects : a->bytes, kb = by_objects ? b->objects : b->bytes;
	double la = by_objects ? a->bytes : a->objects, lb = by_objects ? b->bytes : b->objects;
	if (ka != kb)
		return ka > kb ? -1 : 1;
	if (la != lb)
		return la > lb ? -1 : 1;
	return strcmp(a->site->name, b->site->name);
}

int hintset_build(struct hintset *h, const struct sites *s, bool objects, double min_share,
		  int limit)
{
	memset(h, 0, sizeof(*h));
	h->sites = s;
	h->by_objects = objects;
	h->min_share = min_share;
	h->limit = limit;
	h->v = malloc((s->n + 1) * sizeof(*h->v));
	if (!h->v)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++)
		if (rules_apply(&s->v[i], s->rate, &h->v[h->all]))
			h->all++;
	qsort_r(h->v, h->all, sizeof(*h->v), cmp_hint, &objects);
	double total = objects ? s->objects : s->bytes;
	for (size_t i = 0; i < h->all; i++) {
		const struct hint *x = &h->v[i];
		bool shown = (objects ? x->objects : x->bytes) >= min_share * total &&
			     (limit <= 0 || h->n < (size_t)limit);
		/* sorted, so the shown ones come first */
		if (shown && h->n == i) {
			h->n++;
			h->bytes += x->bytes;
			h->objects += x->objects;
			continue;
		}
		if ((objects ? x->objects : x->bytes) < min_share * total)
			h->below_share++;
		h->rest_bytes += x->bytes;
		h->rest_objects += x->objects;
	}
	return 0;
}

void hintset_release(struct hintset *h)
{
	free(h->v);
	memset(h, 0, sizeof(*h));
}
