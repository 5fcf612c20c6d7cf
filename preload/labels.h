/* labels: the label set every sample carries: the thread's name and id, and
 * the key/value labels the program set for the thread through allocprof.h
 * (allocprof_label_set). Sets are interned in a table that never moves, so a
 * dump reads them without a lock; which set each stack record belongs to. */
#ifndef ALLOCPROF_LABELS_H
#define ALLOCPROF_LABELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../src/profile.h"

enum {
	LABELS_TEXT_MAX = 192,   /* a thread's user labels: "key\0value\0" pairs */
	LABELS_USER_MAX = 8,     /* user labels a thread holds at once */
	LABELS_PER_SAMPLE = LABELS_USER_MAX + 2, /* with thread and tid */
	LABELS_SETS_MAX = 65536, /* past that, samples go without labels */
};

/* What the sampled path of a thread reads: its current set, valid while the
 * user labels have not changed (gen), the thread id is the same (a fork) and
 * the name was read less than a while ago (a rename is seen within it). */
struct labels_thread {
	uint32_t interned;   /* set is valid (0 is a valid set: no labels) */
	uint32_t set;        /* interned set */
	uint32_t tid;        /* the thread id it was interned for */
	uint32_t gen;        /* bumped by each change of the user labels */
	uint32_t set_gen;    /* gen when set was interned */
	uint32_t writing;    /* the API is changing the labels (a signal may sample) */
	uint32_t nuser;
	uint32_t ulen;       /* bytes of user used */
	uint64_t name_read;  /* capture clock of the last name read */
	/* set holds for this thread until the capture clock reaches this:
	 * interned for the current gen, the name due again then (0: refresh) */
	uint64_t fresh_until;
	char name[16];       /* as prctl(PR_GET_NAME) gives it */
	char user[LABELS_TEXT_MAX];
};

extern __thread struct labels_thread labels_tls __attribute__((tls_model("initial-exec")));
extern uint64_t labels_name_every; /* capture clock ticks between name reads */

void labels_init(void);
uint32_t labels_refresh(uint32_t tid, uint64_t now);

/* The label set of the calling thread for an event it makes at now (capture
 * clock). Sampled path only; 0 (no labels) when the table is full, or with
 * ALLOCPROF_THREAD_LABELS=0 and no labels of the program's. */
static inline uint32_t labels_current(uint32_t tid, uint64_t now)
{
	struct labels_thread *l = &labels_tls;
	if (__builtin_expect(now < l->fresh_until && l->tid == tid, 1))
		return l->set;
	return labels_refresh(tid, now);
}
/* labels_current without the refresh: false where one is due. */
static inline bool labels_fresh(uint32_t tid, uint64_t now, uint32_t *set)
{
	struct labels_thread *l = &labels_tls;
	*set = l->set;
	return now < l->fresh_until && l->tid == tid;
}

/* The identity of a stack in a set: the stack's own hash for set 0. */
static inline uint64_t labels_mix(uint64_t stack_hash, uint32_t set)
{
	if (!set)
		return stack_hash;
	uint64_t h = stack_hash ^ ((uint64_t)set * 0x9e3779b97f4a7c15ULL);
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 29);
}

/* Collector lock held: the set of stack record index stack. */
void labels_note_stack(uint32_t stack, uint32_t set);
uint32_t labels_of_stack(uint32_t stack);

/* The labels of set, appended to l (room for LABELS_PER_SAMPLE); returns
 * how many. */
size_t labels_export(struct profile *p, uint32_t set, struct pf_label *l);

/* Sets interned, and events that went without a set (the table full). */
void labels_counts(uint64_t *sets, uint64_t *unlabelled);
size_t labels_memory(void);
/* In a fork child: the lock's holder may be gone. */
void labels_fork_child(void);

#endif
