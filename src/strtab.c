/* strtab: a table of ids -> strings, and a hash index over it. Strings are
 * copied into chunks that never move, so returned pointers stay valid while
 * the table grows. Memory comes from mem.h, so the shim can use it too. */
#include "strtab.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "mem.h"

struct strtab_chunk {
	struct strtab_chunk *next;
	size_t used, size;
	char data[];
};

enum {
	CHUNK_MIN = 64 * 1024,
	/* entries looked at under one hash: beyond that a string is added again
	 * rather than searched for, so no input can make interning quadratic
	 * (and the seed makes collisions hard to craft anyway) */
	MAX_SAME_HASH = 8,
};

void strtab_init(struct strtab *t)
{
	memset(t, 0, sizeof(*t));
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t->seed = hash_mix64((uint64_t)(uintptr_t)t ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30));
	hmap_init(&t->index);
	strtab_append(t, "", 0);
}

void strtab_release(struct strtab *t)
{
	mem_free(t->strs, t->cap * sizeof(*t->strs));
	mem_free(t->lens, t->cap * sizeof(*t->lens));
	hmap_release(&t->index);
	for (struct strtab_chunk *c = t->chunks, *next; c; c = next) {
		next = c->next;
		mem_free(c, sizeof(*c) + c->size);
	}
	memset(t, 0, sizeof(*t));
}

static char *chunk_copy(struct strtab *t, const char *s, size_t len)
{
	struct strtab_chunk *c = t->chunks;
	if (!c || c->size - c->used < len + 1) {
		size_t size = len + 1 > CHUNK_MIN ? len + 1 : CHUNK_MIN;
		c = mem_alloc(sizeof(*c) + size);
		if (!c)
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = t->chunks;
		t->chunks = c;
	}
	char *d = c->data + c->used;
	memcpy(d, s, len);
	d[len] = 0;
	c->used += len + 1;
	return d;
}

uint32_t strtab_append(struct strtab *t, const char *s, size_t len)
{
	if (t->n >= UINT32_MAX - 1 || len > UINT32_MAX)
		goto nomem;
	size_t cap = t->cap;
	if (MEM_GROW(t->strs, t->cap, t->n + 1) < 0)
		goto nomem;
	if (cap != t->cap) {
		void *n = mem_realloc(t->lens, cap * sizeof(*t->lens), t->cap * sizeof(*t->lens));
		if (!n) {
			t->cap = cap; /* keep both arrays at the same capacity */
			goto nomem;
		}
		t->lens = n;
	}
	const char *d = len ? chunk_copy(t, s, len) : "";
	if (!d)
		goto nomem;
	t->strs[t->n] = d;
	t->lens[t->n] = (uint32_t)len;
	return (uint32_t)t->n++;
nomem:
	t->failed = true;
	return 0;
}

uint32_t strtab_intern(struct strtab *t, const char *s, size_t len)
{
	if (!len)
		return 0;
	uint64_t h = hash_bytes(s, len, t->seed);
	int same = 0;
	for (size_t i = hmap_first(&t->index, h); i != HMAP_END && same < MAX_SAME_HASH;
	     i = hmap_next(&t->index, h, i), same++) {
		uint32_t id = (uint32_t)t->index.e[i].val;
		if (t->lens[id] == len && !memcmp(t->strs[id], s, len))
			return id;
	}
	uint32_t id = strtab_append(t, s, len);
	if (id && same < MAX_SAME_HASH && hmap_insert(&t->index, h, id) < 0) {
		t->failed = true;
		return 0;
	}
	return id;
}

uint32_t strtab_intern_cstr(struct strtab *t, const char *s)
{
	return s ? strtab_intern(t, s, strlen(s)) : 0;
}

/* One entry per distinct string: a file may repeat one any number of times,
 * and an entry per copy under one hash made this quadratic (a 653-byte
 * profile took 32 s). */
int strtab_reindex(struct strtab *t)
{
	hmap_release(&t->index);
	for (size_t i = 1; i < t->n; i++) {
		uint64_t h = hash_bytes(t->strs[i], t->lens[i], t->seed);
		int same = 0;
		bool dup = false;
		for (size_t e = hmap_first(&t->index, h); e != HMAP_END && !dup && same < MAX_SAME_HASH;
		     e = hmap_next(&t->index, h, e), same++) {
			uint64_t j = t->index.e[e].val;
			dup = t->lens[j] == t->lens[i] && !memcmp(t->strs[j], t->strs[i], t->lens[i]);
		}
		if (!dup && same < MAX_SAME_HASH && hmap_insert(&t->index, h, i) < 0)
			return -ENOMEM;
	}
	return 0;
}
