/* labels: a set is written once into a chunk that never moves, then
 * published by the count; readers (dumps) take no lock. Program threads
 * intern under a spin lock, only when their cached set is stale: a new
 * thread, new user labels, or every labels_name_every ticks to see a
 * rename (prctl(PR_GET_NAME) is a system call, kept off the common sample).
 * The user API writes only the calling thread's TLS block. */
#include "labels.h"
#include "collector.h"

#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/prctl.h>

#include "../src/hmap.h"
#include "../src/mem.h"
#include "allocprof.h"
#include "arena.h"
#include "config.h"
#include "evclock.h"
#include "spin.h"

#define EXPORT __attribute__((visibility("default")))

__thread struct labels_thread labels_tls __attribute__((tls_model("initial-exec")));
uint64_t labels_name_every = UINT64_MAX;

struct label_set {
	uint64_t hash;
	uint32_t tid, nuser, ulen;
	char name[16];
	char user[LABELS_TEXT_MAX];
};

enum { CHUNK_SETS = 256, CHUNKS = LABELS_SETS_MAX / CHUNK_SETS };

static spinlock lock = SPINLOCK_INIT;
static struct label_set *_Atomic chunks[CHUNKS];
static _Atomic uint32_t nsets = 1; /* set 0 is "no labels" */
static uint32_t *index_slots;      /* set id, 0 empty; only interning reads it */
static size_t index_cap;
static _Atomic uint64_t unlabelled;
static COLLECTOR_OWNED uint32_t *stack_sets;       /* collector's: the set of each stack record */
static COLLECTOR_OWNED size_t cap_stack_sets;

void labels_init(void)
{
	labels_name_every = evclock_nominal_ticks(10000000); /* 10 ms */
}

static struct label_set *set_at(uint32_t id)
{
	struct label_set *c = atomic_load_explicit(&chunks[id / CHUNK_SETS], memory_order_acquire);
	return c ? &c[id % CHUNK_SETS] : NULL;
}

static uint64_t hash_set(uint32_t tid, const char *name, const char *user, uint32_t ulen)
{
	uint64_t h = hash_mix64(tid ^ 0x6c6162656c73ULL);
	for (size_t i = 0; i < 16 && name[i]; i++)
		h = hash_mix64(h ^ (unsigned char)name[i]);
	for (uint32_t i = 0; i < ulen; i++)
		h = (h ^ (unsigned char)user[i]) * 0x100000001b3ULL;
	return hash_mix64(h ^ ulen);
}

static bool same(const struct label_set *s, uint64_t h, uint32_t tid, const char *name,
		 const char *user, uint32_t ulen)
{
	return s->hash == h && s->tid == tid && s->ulen == ulen && !strncmp(s->name, name, 16) &&
	       !memcmp(s->user, user, ulen);
}

/* Doubled at half load, from one page. */
static bool grow_index(void)
{
	size_t ncap = index_cap ? 2 * index_cap : 1024;
	uint32_t *n = pages_map(ncap * sizeof(*n));
	if (!n)
		return false;
	for (size_t i = 0; i < index_cap; i++) {
		if (!index_slots[i])
			continue;
		size_t k = set_at(index_slots[i])->hash & (ncap - 1);
		while (n[k])
			k = (k + 1) & (ncap - 1);
		n[k] = index_slots[i];
	}
	if (index_slots)
		pages_unmap(index_slots, index_cap * sizeof(*index_slots));
	index_slots = n;
	index_cap = ncap;
	return true;
}

static uint32_t intern(uint32_t tid, const char *name, const char *user, uint32_t ulen, uint32_t nuser)
{
	if (!tid && !ulen)
		return 0; /* nothing to label */
	uint64_t h = hash_set(tid, name, user, ulen);
	spin_lock(&lock);
	uint32_t id = 0;
	if (2 * (size_t)atomic_load_explicit(&nsets, memory_order_relaxed) >= index_cap && !grow_index())
		goto out;
	size_t i = h & (index_cap - 1);
	for (; index_slots[i]; i = (i + 1) & (index_cap - 1))
		if (same(set_at(index_slots[i]), h, tid, name, user, ulen)) {
			id = index_slots[i];
			goto out;
		}
	uint32_t n = atomic_load_explicit(&nsets, memory_order_relaxed);
	if (n >= LABELS_SETS_MAX)
		goto out;
	if (!chunks[n / CHUNK_SETS]) {
		struct label_set *c = pages_map(CHUNK_SETS * sizeof(*c));
		if (!c)
			goto out;
		atomic_store_explicit(&chunks[n / CHUNK_SETS], c, memory_order_release);
	}
	struct label_set *s = set_at(n);
	s->hash = h;
	s->tid = tid;
	s->nuser = nuser;
	s->ulen = ulen;
	memcpy(s->name, name, 16);
	memcpy(s->user, user, ulen);
	atomic_store_explicit(&nsets, n + 1, memory_order_release);
	index_slots[i] = id = n;
out:
	spin_unlock(&lock);
	if (!id)
		atomic_fetch_add_explicit(&unlabelled, 1, memory_order_relaxed);
	return id;
}

/* The end of the set's validity: the next name read. */
static uint64_t fresh_until(const struct labels_thread *l)
{
	uint64_t until = l->name_read + labels_name_every;
	return until < l->name_read ? UINT64_MAX : until;
}

uint32_t labels_refresh(uint32_t tid, uint64_t now)
{
	struct labels_thread *l = &labels_tls;
	bool renamed = false;
	if (!config.thread_labels) {
		l->name_read = now;
	} else if (l->tid != tid || !l->name_read || now - l->name_read >= labels_name_every) {
		char name[16] = {0};
		l->name_read = now ? now : 1;
		if (prctl(PR_GET_NAME, name, 0, 0, 0) == 0 && strncmp(name, l->name, 16)) {
			memcpy(l->name, name, 16);
			renamed = true;
		}
	}
	bool same_thread = l->interned && l->tid == tid && !renamed;
	if (same_thread && l->set_gen == l->gen) {
		l->fresh_until = fresh_until(l);
		return l->set;
	}
	uint32_t set_tid = config.thread_labels ? tid : 0;
	if (l->writing) {
		/* the API was interrupted halfway by a signal whose handler
		 * allocates: the last whole set, or one without user labels */
		return same_thread ? l->set : intern(set_tid, l->name, "", 0, 0);
	}
	uint32_t gen = l->gen;
	atomic_signal_fence(memory_order_acquire);
	l->set = intern(set_tid, l->name, l->user, l->ulen, l->nuser);
	l->interned = 1;
	l->tid = tid;
	l->set_gen = gen;
	atomic_signal_fence(memory_order_release);
	/* a change made meanwhile (a signal's handler) left it 0: refresh */
	if (l->gen == gen)
		l->fresh_until = fresh_until(l);
	return l->set;
}

void labels_note_stack(uint32_t stack, uint32_t set)
{
	if (stack >= cap_stack_sets) {
		size_t cap = cap_stack_sets;
		if (MEM_GROW(stack_sets, cap, (size_t)stack + 1) < 0)
			return;
		memset(stack_sets + cap_stack_sets, 0, (cap - cap_stack_sets) * sizeof(*stack_sets));
		cap_stack_sets = cap;
	}
	stack_sets[stack] = set;
}

uint32_t labels_of_stack(uint32_t stack)
{
	return stack < cap_stack_sets ? stack_sets[stack] : 0;
}

size_t labels_export(struct profile *p, uint32_t set, struct pf_label *l)
{
	if (!set || set >= atomic_load_explicit(&nsets, memory_order_acquire))
		return 0;
	const struct label_set *s = set_at(set);
	size_t n = 0;
	char name[17];
	memcpy(name, s->name, 16);
	name[16] = 0;
	if (s->tid && name[0])
		l[n++] = (struct pf_label){profile_cstr(p, "thread"), profile_cstr(p, name), 0, 0};
	if (s->tid)
		l[n++] = (struct pf_label){profile_cstr(p, "tid"), 0, s->tid, 0};
	const char *u = s->user, *end = s->user + s->ulen;
	for (uint32_t k = 0; k < s->nuser && u < end; k++) {
		const char *key = u, *val = key + strlen(key) + 1;
		l[n++] = (struct pf_label){profile_cstr(p, key), profile_cstr(p, val), 0, 0};
		u = val + strlen(val) + 1;
	}
	return n;
}

void labels_counts(uint64_t *sets, uint64_t *none)
{
	*sets = atomic_load_explicit(&nsets, memory_order_acquire) - 1;
	*none = atomic_load_explicit(&unlabelled, memory_order_relaxed);
}

size_t labels_memory(void)
{
	size_t chunks_used = 0;
	for (unsigned c = 0; c < CHUNKS; c++)
		chunks_used += atomic_load_explicit(&chunks[c], memory_order_relaxed) != NULL;
	return chunks_used * CHUNK_SETS * sizeof(struct label_set) +
	       index_cap * sizeof(*index_slots) + cap_stack_sets * sizeof(*stack_sets);
}

void labels_fork_child(void)
{
	spin_reset(&lock);
}

/* The public API (allocprof.h). Only the calling thread's block changes;
 * the sampled path of the same thread (a signal handler that allocates)
 * sees writing set and keeps the last whole set. */

/* The byte offset of key's pair in the thread's text, or -1. */
static long find_key(const struct labels_thread *l, const char *key, uint32_t *pair_len)
{
	uint32_t off = 0;
	for (uint32_t k = 0; k < l->nuser; k++) {
		const char *kk = l->user + off;
		size_t klen = strlen(kk), vlen = strlen(kk + klen + 1);
		uint32_t len = (uint32_t)(klen + vlen + 2);
		if (!strcmp(kk, key)) {
			*pair_len = len;
			return off;
		}
		off += len;
	}
	return -1;
}

EXPORT int allocprof_label_set(const char *key, const char *value)
{
	if (!key || !*key)
		return -EINVAL;
	struct labels_thread *l = &labels_tls;
	size_t klen = strlen(key), vlen = value ? strlen(value) : 0;
	uint32_t old_len = 0;
	long at = find_key(l, key, &old_len);
	if (value && (l->nuser - (at >= 0) >= LABELS_USER_MAX ||
		      l->ulen - old_len + klen + vlen + 2 > LABELS_TEXT_MAX))
		return -ENOSPC;
	l->writing = 1;
	atomic_signal_fence(memory_order_seq_cst);
	if (at >= 0) {
		memmove(l->user + at, l->user + at + old_len, l->ulen - (uint32_t)at - old_len);
		l->ulen -= old_len;
		l->nuser--;
	}
	if (value) {
		memcpy(l->user + l->ulen, key, klen + 1);
		memcpy(l->user + l->ulen + klen + 1, value, vlen + 1);
		l->ulen += (uint32_t)(klen + vlen + 2);
		l->nuser++;
	}
	l->gen++;
	l->fresh_until = 0;
	atomic_signal_fence(memory_order_seq_cst);
	l->writing = 0;
	return 0;
}

EXPORT void allocprof_label_clear(void)
{
	struct labels_thread *l = &labels_tls;
	if (!l->nuser)
		return;
	l->writing = 1;
	atomic_signal_fence(memory_order_seq_cst);
	l->nuser = 0;
	l->ulen = 0;
	l->gen++;
	l->fresh_until = 0;
	atomic_signal_fence(memory_order_seq_cst);
	l->writing = 0;
}
