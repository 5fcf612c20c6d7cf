/* threadlive: one open-addressing table of (stack, thread) pairs, from
 * mmap, bounded: a pair that finds no room is not counted, and its stack is
 * marked so the dump leaves its per-thread figure out rather than say too
 * little. Pairs are never removed; a program with more live pairs than
 * slots loses the figure for its later stacks only. */
#include "threadlive.h"
#include "collector.h"

#include "arena.h"

enum { SLOTS = 1 << 16, PROBES = 32 };

struct pair {
	uint64_t key; /* stack index + 1 << 32 | tid; 0 empty */
	uint32_t live;
};

static COLLECTOR_OWNED struct pair *table;

/* The pair the last call found: allocations and frees come in runs of one
 * stack and thread. Pairs never move, so it stays valid. */
static COLLECTOR_OWNED struct pair *last;

static uint64_t key_of(const struct stack_rec *s, uint32_t tid)
{
	return (uint64_t)(stacktab_index(s) + 1) << 32 | tid;
}

/* A stack whose figure is lost once is left out of the dump for good, so
 * it is not probed for again: in a full table every probe for a missing
 * pair read all PROBES slots. The stack is found again from the key, so
 * that the last pair's test (what a churn of one stack finds) keeps no
 * register for it. */
static __attribute__((noinline)) struct pair *probe(uint64_t key, int create)
{
	if (stacktab_at((uint32_t)(key >> 32) - 1)->flags & STACK_THREADS_UNCOUNTED)
		return NULL;
	if (!table && !(table = pages_map(SLOTS * sizeof(*table))))
		return NULL;
	uint64_t h = (key * 0x9e3779b97f4a7c15ULL) >> 48;
	for (unsigned i = 0; i < PROBES; i++) {
		struct pair *p = &table[(h + i) & (SLOTS - 1)];
		if (p->key == key)
			return last = p;
		if (!p->key) {
			if (!create)
				return NULL;
			p->key = key;
			return last = p;
		}
	}
	return NULL;
}

/* The remembered pair is checked inline: it answers nearly every call. */
static inline struct pair *find(const struct stack_rec *s, uint32_t tid, int create)
{
	uint64_t key = key_of(s, tid);
	if (last && last->key == key)
		return last;
	return probe(key, create);
}

void threadlive_alloc(struct stack_rec *s, uint32_t tid)
{
	struct pair *p = find(s, tid, 1);
	if (!p) {
		s->flags |= STACK_THREADS_UNCOUNTED;
		return;
	}
	if (++p->live > s->live_thread_max)
		s->live_thread_max = p->live;
}

void threadlive_free(struct stack_rec *s, uint32_t tid)
{
	struct pair *p = find(s, tid, 0);
	if (p && p->live)
		p->live--;
}
