/* drain: a merge of the rings. Each ring is in its thread's order; the
 * merge takes the earliest head, so the peak and the timeline follow the
 * program, not the order in which rings happen to be read. In exact mode,
 * where a free finds its block by address, only events older than the safe
 * horizon (exact.h) are taken unless all are asked for, which makes that
 * order exact. */
#include "drain.h"

#include <stdint.h>

#include "aggregate.h"
#include "evclock.h"
#include "event.h"
#include "exact.h"
#include "labels.h"
#include "pace.h"
#include "ring.h"
#include "stacktab.h"

static void on_event(struct ring *r, const struct event *e)
{
	if (e->kind == EVENT_FREE_SHORT) {
		exact_free_short(r, (const struct event_free *)e);
		return;
	}
	if (e->kind == EVENT_ALLOC_SHORT) {
		const struct event_alloc *a = (const struct event_alloc *)e;
		struct stack_rec *s = stacktab_intern(a->stack_hash, NULL, 0, a->flags & EVENT_TRUNCATED);
		if (!s)
			return;
		labels_note_stack(stacktab_index(s), a->label_set);
		exact_alloc(r, s, e); /* reads no field past alloc_time */
		return;
	}
	if (e->rss)
		aggregate_rss(e);
	if (e->kind == EVENT_ALLOC) {
		struct stack_rec *s = stacktab_intern(e->stack_hash, e->nframes ? e->frames : NULL,
						      e->nframes, e->flags & EVENT_TRUNCATED);
		if (!s)
			return;
		labels_note_stack(stacktab_index(s), e->label_set);
		if (exact_mode())
			exact_alloc(r, s, e);
		else
			aggregate_alloc(s, &(struct aggregate_block){
				.size = e->size, .alloc_time = e->alloc_time, .tid = e->tid,
				.realloc_depth = e->realloc_depth, .flags = e->flags});
	} else if (e->kind == EVENT_FREE) {
		if (exact_mode()) {
			struct exact_free x = {e->addr, e->free_time, e->free_pc, e->free_tid, e->flags};
			exact_free(r, &x);
			return;
		}
		struct stack_rec *s = stacktab_intern(e->stack_hash, NULL, 0, false);
		if (s)
			aggregate_free(s, &(struct aggregate_block){
				.size = e->size, .alloc_time = e->alloc_time, .free_time = e->free_time,
				.free_pc = e->free_pc, .tid = e->tid, .free_tid = e->free_tid,
				.realloc_depth = e->realloc_depth, .flags = e->flags});
	}
}

static uint64_t event_time(const struct event *e)
{
	if (e->kind == EVENT_FREE_SHORT)
		return ((const struct event_free *)e)->free_time;
	return e->kind == EVENT_FREE ? e->free_time : e->alloc_time;
}

static bool is_free(const struct event *e)
{
	return e->kind == EVENT_FREE || e->kind == EVENT_FREE_SHORT;
}

enum { MERGE_MAX = 256, PREFETCH_AHEAD = 12 };

/* At equal times a free goes first: it was stamped before the real free,
 * so an allocation stamped at the same nanosecond may reuse its address. */
static bool before(const struct event *a, const struct event *b)
{
	uint64_t ta = event_time(a), tb = event_time(b);
	return ta < tb || (ta == tb && is_free(a) && !is_free(b));
}

size_t drain_rings(bool all)
{
	evclock_calibrate();
	aggregate_clock_rate();
	uint64_t limit = all || !exact_mode() ? UINT64_MAX : exact_horizon();
	bool prefetch = exact_mode() && exact_prefetch_pays();
	struct ring *rings[MERGE_MAX];
	struct ring_span spans[MERGE_MAX];
	const struct event *heads[MERGE_MAX];
	size_t events = 0;
	struct ring *r = ring_first();
	while (r) {
		unsigned k = 0;
		for (; r && k < MERGE_MAX; r = ring_next(r)) {
			if (!ring_span_begin(r, &spans[k]))
				continue;
			pace_note_fill(ring_span_fill(r, &spans[k]));
			rings[k] = r;
			heads[k] = ring_span_peek(r, &spans[k]);
			if (prefetch)
				for (int a = 0; a < PREFETCH_AHEAD; a++)
					exact_prefetch(ring_span_ahead(r, &spans[k]));
			k++;
		}
		for (;;) {
			/* the earliest head, and the earliest of the others */
			int best = -1;
			const struct event *second = NULL;
			for (unsigned i = 0; i < k; i++) {
				if (!heads[i])
					continue;
				if (best < 0 || before(heads[i], heads[best])) {
					if (best >= 0)
						second = heads[best];
					best = (int)i;
				} else if (!second || before(heads[i], second)) {
					second = heads[i];
				}
			}
			if (best < 0 || event_time(heads[best]) >= limit)
				break;
			/* the best ring's events that come strictly before every
			 * other head are taken in a run, without choosing again (a
			 * tie goes back to the choice above, as it always did) */
			struct ring *br = rings[best];
			const struct event *e = heads[best];
			do {
				on_event(br, e);
				events++;
				e = ring_span_next(br, &spans[best]);
				if (prefetch)
					exact_prefetch(ring_span_ahead(br, &spans[best]));
			} while (e && event_time(e) < limit && (!second || before(e, second)));
			heads[best] = e;
		}
		for (unsigned i = 0; i < k; i++)
			ring_span_end(rings[i], &spans[i]);
	}
	return events;
}
