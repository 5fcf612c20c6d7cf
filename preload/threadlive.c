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

static struct pair *find(const struct stack_rec *s, uint32_t tid, int create)
{
	uint64_t key = (uint64_t)(stacktab_index(s) + 1) << 32 | tid;
	if (last && last->key == key)
		return last;
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

/* A stack whose figure is lost once is left out of the dump for good, so it
 * is not looked up again: in a full table every lookup of a missing pair
 * reads all PROBES slots. */
void threadlive_alloc(struct stack_rec *s, uint32_t tid)
{
	if (s->flags & STACK_THREADS_UNCOUNTED)
		return;
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
	if (s->flags & STACK_THREADS_UNCOUNTED)
		return;
	struct pair *p = find(s, tid, 0);
	if (p && p->live)
		p->live--;
}
