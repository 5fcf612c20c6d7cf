/* ring: SPSC rings. The producer writes a record and then publishes it with
 * a release store of head; the consumer reads up to an acquired head and
 * frees space with a release store of tail. Records never wrap: a PAD record
 * fills the end of the buffer instead. */
#include "ring_fast.h"

#include <string.h>

#include "arena.h"
#include "event.h"

static _Atomic(struct ring *) registry;
size_t ring_fast_max;

void ring_init(size_t fast_max)
{
	ring_fast_max = fast_max;
}
static atomic_size_t nrings;

struct ring *ring_first(void)
{
	return atomic_load_explicit(&registry, memory_order_acquire);
}

struct ring *ring_next(const struct ring *r)
{
	return r->next;
}

size_t ring_count(void)
{
	return atomic_load_explicit(&nrings, memory_order_relaxed);
}

bool ring_orphans(void)
{
	for (struct ring *r = ring_first(); r; r = r->next)
		if (atomic_load_explicit(&r->state, memory_order_relaxed) == RING_ORPHANED)
			return true;
	return false;
}

struct ring *ring_acquire(uint32_t tid, size_t size)
{
	for (struct ring *r = ring_first(); r; r = r->next) {
		int expect = RING_FREE;
		if (r->size == size &&
		    atomic_compare_exchange_strong_explicit(&r->state, &expect, RING_OWNED,
							    memory_order_acquire, memory_order_relaxed)) {
			r->owner_tid = tid;
			r->fast_end = 0; /* the next reserve looks at the ring anew */
			return r;
		}
	}
	struct ring *r = pages_map(sizeof(struct ring) + size);
	if (!r)
		return NULL;
	r->size = size;
	r->owner_tid = tid;
	atomic_store_explicit(&r->state, RING_OWNED, memory_order_relaxed);
	struct ring *head = atomic_load_explicit(&registry, memory_order_relaxed);
	do {
		r->next = head;
	} while (!atomic_compare_exchange_weak_explicit(&registry, &head, r, memory_order_release,
							memory_order_relaxed));
	atomic_fetch_add_explicit(&nrings, 1, memory_order_relaxed);
	return r;
}

void ring_orphan(struct ring *r)
{
	atomic_store_explicit(&r->state, RING_ORPHANED, memory_order_release);
}

void *ring_reserve(struct ring *r, size_t max, bool *filling)
{
	uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	size_t pos = head & (r->size - 1);
	size_t pad = pos + max > r->size ? r->size - pos : 0;
	r->cached_tail = atomic_load_explicit(&r->tail, memory_order_acquire);
	*filling = head + pad + max - r->cached_tail > r->size / 4 * 3;
	if (head + pad + max - r->cached_tail > r->size)
		return NULL;
	if (pad) {
		struct event *e = (struct event *)(r->data + pos);
		e->len = (uint32_t)pad;
		e->kind = EVENT_PAD;
		head += pad;
		atomic_store_explicit(&r->head, head, memory_order_release);
		pos = 0;
	}
	/* the fast test holds until the end of this lap of the buffer, or
	 * until 3/4 of the ring is in use as far as cached_tail knows; while
	 * it is, every reserve comes here, reads tail again and says so */
	uint64_t lap_end = (head & ~(uint64_t)(r->size - 1)) + r->size;
	uint64_t fill_end = r->cached_tail + r->size / 4 * 3;
	uint64_t limit = lap_end < fill_end ? lap_end : fill_end;
	r->fast_end = limit >= ring_fast_max ? limit - ring_fast_max + 1 : 0;
	r->lap_base = (uintptr_t)r->data - (head & ~(uint64_t)(r->size - 1));
	return r->data + pos;
}

bool ring_span_begin(struct ring *r, struct ring_span *s)
{
	s->state = atomic_load_explicit(&r->state, memory_order_acquire);
	s->tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	s->head = atomic_load_explicit(&r->head, memory_order_acquire);
	s->ahead = s->tail;
	if (s->tail == s->head && s->state == RING_ORPHANED)
		ring_span_end(r, s); /* an orphan with nothing left: free it now */
	return s->tail != s->head;
}

const struct event *ring_span_peek(struct ring *r, struct ring_span *s)
{
	while (s->tail != s->head) {
		const struct event *e = (const struct event *)(r->data + (s->tail & (r->size - 1)));
		if (e->len < 8 || e->len > r->size) {
			s->tail = s->head; /* cannot happen unless memory was corrupted: skip the rest */
			break;
		}
		if (e->kind != EVENT_PAD)
			return e;
		s->tail += e->len;
	}
	return NULL;
}

const struct event *ring_span_ahead(struct ring *r, struct ring_span *s)
{
	if (s->ahead < s->tail)
		s->ahead = s->tail;
	while (s->ahead != s->head) {
		const struct event *e = (const struct event *)(r->data + (s->ahead & (r->size - 1)));
		if (e->len < 8 || e->len > r->size)
			return NULL;
		s->ahead += e->len;
		if (e->kind != EVENT_PAD)
			return e;
	}
	return NULL;
}

void ring_span_pop(struct ring *r, struct ring_span *s)
{
	const struct event *e = (const struct event *)(r->data + (s->tail & (r->size - 1)));
	s->tail += e->len;
}

const struct event *ring_span_next(struct ring *r, struct ring_span *s)
{
	const struct event *e = (const struct event *)(r->data + (s->tail & (r->size - 1)));
	s->tail += e->len;
	return ring_span_peek(r, s);
}

void ring_span_end(struct ring *r, struct ring_span *s)
{
	atomic_store_explicit(&r->tail, s->tail, memory_order_release);
	if (s->state == RING_ORPHANED && s->tail == atomic_load_explicit(&r->head, memory_order_acquire)) {
		int expect = RING_ORPHANED;
		atomic_compare_exchange_strong_explicit(&r->state, &expect, RING_FREE,
							memory_order_release, memory_order_relaxed);
	}
}

double ring_span_fill(const struct ring *r, const struct ring_span *s)
{
	return (double)(s->head - s->tail) / (double)r->size;
}

uint64_t ring_inflight(const struct ring *r)
{
	return atomic_load_explicit(&r->inflight, memory_order_acquire);
}

uint32_t ring_owner_tid(const struct ring *r)
{
	return r->owner_tid;
}

uint32_t *ring_consumer_word(struct ring *r)
{
	return &r->consumer_word;
}

struct unwind_cache *ring_unwind_cache(const struct ring *r)
{
	return atomic_load_explicit(&r->stack_cache, memory_order_acquire);
}

void ring_set_unwind_cache(struct ring *r, struct unwind_cache *c)
{
	atomic_store_explicit(&r->stack_cache, c, memory_order_release);
}

void ring_counts(uint64_t *samples, uint64_t *frees, uint64_t *truncated)
{
	*samples = *frees = *truncated = 0;
	for (struct ring *r = ring_first(); r; r = r->next) {
		*samples += atomic_load_explicit(&r->samples, memory_order_relaxed);
		*frees += atomic_load_explicit(&r->frees, memory_order_relaxed);
		*truncated += atomic_load_explicit(&r->truncated, memory_order_relaxed);
	}
}

void ring_after_fork_child(struct ring *mine)
{
	for (struct ring *r = ring_first(); r; r = r->next)
		if (r != mine && atomic_load_explicit(&r->state, memory_order_relaxed) == RING_OWNED)
			atomic_store_explicit(&r->state, RING_ORPHANED, memory_order_relaxed);
}
