/* aggregate: per-stack sums. They are commutative, so the order in which
 * events of different threads arrive changes no total; the drain still
 * hands them over in time order for the peak and the timeline. */
#include "aggregate.h"
#include "collector.h"

#include "config.h"
#include "evclock.h"
#include "sampler.h"
#include "stackfate.h"
#include "threadlive.h"
#include "timeline.h"

static COLLECTOR_OWNED struct aggregate_totals totals;
/* what in use must pass for the next snapshot (below), kept beside the
 * totals: the larger of the two thresholds, so one compare an allocation */
static COLLECTOR_OWNED double snapshot_above = 1024;

static void snapshot_now(uint64_t ns)
{
	stacktab_snapshot_peak();
	double last = totals.snapshot_inuse_bytes = totals.inuse_bytes;
	snapshot_above = last * 1.02 > last + 1024 ? last * 1.02 : last + 1024;
	totals.snapshot_ns = ns;
}

/* A peak snapshot costs one pass over the stacks, so take one only when the
 * in-use estimate beats the last snapshot by 2% (and 1 KiB): the kept peak
 * is within 2% of the true one, and a growing heap costs a few hundred
 * snapshots over its whole life. */
static inline __attribute__((always_inline)) void maybe_snapshot_peak(uint64_t now)
{
	if (totals.inuse_bytes > snapshot_above)
		snapshot_now(evclock_to_ns(now));
}

void aggregate_snapshot_if_peak(void)
{
	/* a heap that only grew, or one too small for the thresholds above,
	 * peaks now */
	if (totals.inuse_bytes > 0 && totals.inuse_bytes >= totals.snapshot_inuse_bytes)
		snapshot_now(evclock_mono_ns());
}

/* Most events fall in the timeline's open bucket without raising its
 * value, and change nothing there: they are told apart by their event time
 * against the bucket's end in ticks, at the clock rate it was computed
 * with, instead of by a conversion and a call each. */
static COLLECTOR_OWNED struct {
	uint64_t until; /* event times up to this one fall in the open bucket */
	double max;     /* the bucket's value */
	double ns_per_tick;
} open_bucket;

static __attribute__((noinline)) void timeline_add(uint64_t t, double v, double rate)
{
	timeline_inuse(evclock_to_ns(t), v);
	uint64_t end = timeline_inuse_open(&open_bucket.max);
	open_bucket.until = end ? evclock_last_tick_before(end) : 0;
	open_bucket.ns_per_tick = rate;
}

/* Inline: it answers at once for nearly every event. The rate need not be
 * compared here: aggregate_clock_rate closes the bucket when it changes. */
static inline __attribute__((always_inline)) void timeline_point(uint64_t t)
{
	double v = totals.inuse_bytes;
	if (t <= open_bucket.until && v <= open_bucket.max)
		return;
	timeline_add(t, v, evclock_ns_per_tick());
}

void aggregate_get_totals(struct aggregate_totals *t)
{
	*t = totals;
}

/* A lifetime's bucket (<= 1 us, <= 10 us, ... in nanoseconds) and whether
 * it is short are decided on its length in clock ticks, against the
 * longest tick counts that convert to each limit at the current clock rate:
 * the same answers as converting every lifetime, without a conversion per
 * free. Recomputed when the rate changes (the collector calibrates it). */
static COLLECTOR_OWNED struct {
	double ns_per_tick;
	uint64_t bucket_max[LIFE_BUCKETS - 1]; /* bucket b: ticks <= bucket_max[b] */
	uint64_t short_max;
} life_limits;

static uint64_t ticks_to_ns(uint64_t ticks, double rate)
{
	return (uint64_t)((double)ticks * rate);
}

/* The most ticks whose conversion is at most ns. */
static uint64_t max_ticks_within(uint64_t ns, double rate)
{
	double guess = (double)ns / rate;
	if (guess >= 1.8e19)
		return UINT64_MAX;
	uint64_t t = (uint64_t)guess;
	while (t > 0 && ticks_to_ns(t, rate) > ns)
		t--;
	while (t < UINT64_MAX && ticks_to_ns(t + 1, rate) <= ns)
		t++;
	return t;
}

static void life_limits_for(double rate)
{
	uint64_t limit = 1000;
	for (unsigned b = 0; b < LIFE_BUCKETS - 1; b++, limit *= 10)
		life_limits.bucket_max[b] = max_ticks_within(limit, rate);
	life_limits.short_max = max_ticks_within(config.short_ns, rate);
	life_limits.ns_per_tick = rate;
}

static unsigned life_bucket(uint64_t ticks)
{
	unsigned b = 0;
	while (b < LIFE_BUCKETS - 1 && ticks > life_limits.bucket_max[b])
		b++;
	return b;
}

static void chain_add(struct stack_rec *s, double sign, const struct aggregate_block *e,
		      const struct sample_weight *w)
{
	struct stack_realloc *r = stacktab_realloc(s);
	if (!r)
		return;
	r->chains_live += sign * w->objects;
	r->chain_moves_live += sign * w->objects * e->realloc_depth;
	r->chain_bytes_live += sign * w->bytes;
}

/* What the free of a block says about the stack that allocated it. */
static void account_fate(struct stack_rec *s, const struct aggregate_block *e,
			 const struct sample_weight *w)
{
	if (e->realloc_depth)
		chain_add(s, -1, e, w); /* no longer a live end of its chain */
	if (e->flags & EVENT_REALLOC) {
		struct stack_realloc *r = stacktab_realloc(s);
		if (r)
			r->moved += w->objects;
		return; /* not the end of the object: its next block takes over */
	}
	uint64_t ticks = e->free_time > e->alloc_time ? e->free_time - e->alloc_time : 0;
	double rate = evclock_ns_per_tick();
	if (rate != life_limits.ns_per_tick)
		life_limits_for(rate);
	struct fate_free f = {
		.life_bucket = life_bucket(ticks),
		.is_short = ticks <= life_limits.short_max,
		.same_thread = e->tid == e->free_tid,
		.free_pc = e->free_pc,
		.size = e->size,
		.objects = w->objects,
		.bytes = w->bytes,
	};
	stackfate_add(s, &f);
	struct stack_realloc *r = e->realloc_depth ? stacktab_realloc(s) : NULL;
	if (r) {
		r->chains_ended += w->objects;
		r->chain_moves_ended += w->objects * e->realloc_depth;
		r->chain_bytes_ended += w->bytes;
	}
}

void aggregate_alloc(struct stack_rec *s, const struct aggregate_block *e)
{
	struct sample_weight w = sampler_weight_fast(e->size, config.rate);
	stacktab_note_size(s, e->size, !s->alloc_objects);
	s->alloc_objects += w.objects;
	s->alloc_bytes += w.bytes;
	s->inuse_bytes += w.bytes;
	if (config.rate > 1)
		stacktab_estimate_add(s, w.objects);
	if (++s->live_sampled > s->live_sampled_max)
		s->live_sampled_max = s->live_sampled;
	threadlive_alloc(s, e->tid);
	if (e->realloc_depth)
		chain_add(s, 1, e, &w);
	totals.inuse_objects += w.objects;
	totals.inuse_bytes += w.bytes;
	if (totals.inuse_bytes > totals.peak_inuse_bytes)
		totals.peak_inuse_bytes = totals.inuse_bytes;
	maybe_snapshot_peak(e->alloc_time);
	timeline_point(e->alloc_time);
}

void aggregate_free(struct stack_rec *s, const struct aggregate_block *e)
{
	struct sample_weight w = sampler_weight_fast(e->size, config.rate);
	s->inuse_bytes -= w.bytes;
	if (config.rate > 1)
		stacktab_estimate_add(s, -w.objects);
	if (s->live_sampled)
		s->live_sampled--;
	threadlive_free(s, e->tid);
	account_fate(s, e, &w);
	totals.inuse_objects -= w.objects;
	totals.inuse_bytes -= w.bytes;
	timeline_point(e->free_time);
}

/* sampler_weight_fast's answer at rate 1, and what the figures above
 * then add (the same doubles, so the same sums). */
void aggregate_alloc_exact(struct stack_rec *s, const struct aggregate_block *e)
{
	double bytes = (double)e->size;
	stacktab_note_size(s, e->size, !s->alloc_objects);
	s->alloc_objects += 1.0;
	s->alloc_bytes += bytes;
	s->inuse_bytes += bytes;
	if (++s->live_sampled > s->live_sampled_max)
		s->live_sampled_max = s->live_sampled;
	threadlive_alloc(s, e->tid);
	totals.inuse_objects += 1.0;
	totals.inuse_bytes += bytes;
	if (totals.inuse_bytes > totals.peak_inuse_bytes)
		totals.peak_inuse_bytes = totals.inuse_bytes;
	maybe_snapshot_peak(e->alloc_time);
	timeline_point(e->alloc_time);
}

void aggregate_free_exact(struct stack_rec *s, const struct aggregate_block *e)
{
	double bytes = (double)e->size;
	s->inuse_bytes -= bytes;
	if (s->live_sampled)
		s->live_sampled--;
	threadlive_free(s, e->tid);
	/* account_fate without realloc, its limits at the current rate
	 * (aggregate_clock_rate) */
	uint64_t ticks = e->free_time > e->alloc_time ? e->free_time - e->alloc_time : 0;
	stackfate_add_one(s, life_bucket(ticks), ticks <= life_limits.short_max, e->tid == e->free_tid,
			  e->free_pc, e->size);
	totals.inuse_objects -= 1.0;
	totals.inuse_bytes -= bytes;
	timeline_point(e->free_time);
}

void aggregate_clock_rate(void)
{
	double rate = evclock_ns_per_tick();
	if (rate != open_bucket.ns_per_tick)
		open_bucket.until = 0; /* the next point recomputes it */
	if (rate != life_limits.ns_per_tick)
		life_limits_for(rate);
}

void aggregate_rss(const struct event *e)
{
	timeline_rss(evclock_to_ns(e->kind == EVENT_FREE ? e->free_time : e->alloc_time), e->rss);
}
