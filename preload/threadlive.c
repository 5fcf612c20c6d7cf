/* threadlive: one open-addressing table of (stack, thread) pairs from the
 * shim's arena. A pair whose blocks are all freed holds nothing that its
 * stack's live_thread_max does not, so it stays only until the table is 3/4
 * full: then the table is made again with the pairs that hold blocks, twice
 * as big when they fill half of it. Its size follows the blocks live at
 * once, not the stacks, and a figure is lost (the stack marked so the dump
 * leaves it out rather than say too little) only for want of memory: which
 * stacks keep it does not depend on how thread ids hash. */
#include "threadlive.h"
#include "collector.h"

#include "../src/mem.h"

enum { FIRST_SLOTS = 1 << 12 };


static COLLECTOR_OWNED struct threadlive_pair *table;
static COLLECTOR_OWNED size_t cap_table, used;

/* Pairs move only when the table is made again, which forgets it. */
COLLECTOR_OWNED struct threadlive_pair *threadlive_last;

static size_t slot_of(uint64_t key, size_t cap)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 32) & (cap - 1);
}

static struct threadlive_pair *slot_for(struct threadlive_pair *t, size_t cap, uint64_t key)
{
	size_t i = slot_of(key, cap);
	while (t[i].key && t[i].key != key)
		i = (i + 1) & (cap - 1);
	return &t[i];
}

/* The table made again with the pairs that hold blocks. */
static int remake(void)
{
	size_t live = 0;
	for (size_t i = 0; i < cap_table; i++)
		live += table[i].key && table[i].live;
	size_t ncap = cap_table ? cap_table : FIRST_SLOTS;
	while ((live + 1) * 2 > ncap)
		ncap *= 2;
	struct threadlive_pair *n = mem_calloc(ncap, sizeof(*n));
	if (!n)
		return -1;
	for (size_t i = 0; i < cap_table; i++)
		if (table[i].key && table[i].live)
			*slot_for(n, ncap, table[i].key) = table[i];
	mem_free(table, cap_table * sizeof(*table));
	table = n;
	cap_table = ncap;
	used = live;
	threadlive_last = NULL;
	return 0;
}

/* A stack whose figure is lost once is left out of the dump for good, so
 * it is not probed for again. The stack is found again from the key, so
 * that the last pair's test (what a churn of one stack finds) keeps no
 * register for it. */
static __attribute__((noinline)) struct threadlive_pair *probe(uint64_t key, int create)
{
	if (stacktab_at((uint32_t)(key >> 32) - 1)->flags & STACK_THREADS_UNCOUNTED)
		return NULL;
	if (create && (used + 1) * 4 > cap_table * 3 && remake() < 0)
		return NULL;
	if (!table)
		return NULL;
	struct threadlive_pair *p = slot_for(table, cap_table, key);
	if (!p->key) {
		if (!create)
			return NULL;
		p->key = key;
		used++;
	}
	return threadlive_last = p;
}

/* The remembered pair was not the one (threadlive.h checks it). */
void threadlive_alloc_slow(struct stack_rec *s, uint32_t tid)
{
	struct threadlive_pair *p = probe(threadlive_key(s, tid), 1);
	if (!p) {
		s->flags |= STACK_THREADS_UNCOUNTED;
		return;
	}
	if (++p->live > s->live_thread_max)
		s->live_thread_max = p->live;
}

void threadlive_free_slow(struct stack_rec *s, uint32_t tid)
{
	struct threadlive_pair *p = probe(threadlive_key(s, tid), 0);
	if (p && p->live)
		p->live--;
}
