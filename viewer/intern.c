/* intern: strings live in chunks that never move, so returned pointers stay
 * valid while the table grows. */
#include "intern.h"

#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "mem.h"

struct intern_chunk {
	struct intern_chunk *next;
	size_t used, size;
	char data[];
};

enum { CHUNK = 64 * 1024 };
/* A per-process seed, so names crafted to collide in the hash cannot turn
 * lookups quadratic. Ids are handed out in order, so output never depends
 * on it. */
static uint64_t seed(void)
{
	static uint64_t s;
	if (!s) {
		const void *r = (const void *)getauxval(AT_RANDOM);
		if (r)
			memcpy(&s, r, sizeof(s));
		s |= 1;
	}
	return s;
}

void intern_init(struct intern *t)
{
	memset(t, 0, sizeof(*t));
	hmap_init(&t->index);
	intern_bytes(t, "", 0);
}

void intern_release(struct intern *t)
{
	free(t->strs);
	free(t->lens);
	hmap_release(&t->index);
	for (struct intern_chunk *c = t->chunks, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	memset(t, 0, sizeof(*t));
}

static const char *copy(struct intern *t, const char *s, size_t len)
{
	struct intern_chunk *c = t->chunks;
	if (!c || c->size - c->used < len + 1) {
		size_t size = len + 1 > CHUNK ? len + 1 : CHUNK;
		c = malloc(sizeof(*c) + size);
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

uint32_t intern_bytes(struct intern *t, const char *s, size_t len)
{
	if (t->failed)
		return 0;
	uint64_t h = hash_bytes(s, len, seed());
	for (size_t i = hmap_first(&t->index, h); i != HMAP_END; i = hmap_next(&t->index, h, i)) {
		uint32_t id = (uint32_t)t->index.e[i].val;
		if (t->lens[id] == len && !memcmp(t->strs[id], s, len))
			return id;
	}
	if (t->n >= UINT32_MAX - 1 || len > UINT32_MAX)
		goto nomem;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		const char **strs = realloc(t->strs, cap * sizeof(*strs));
		if (!strs)
			goto nomem;
		t->strs = strs;
		uint32_t *lens = realloc(t->lens, cap * sizeof(*lens));
		if (!lens)
			goto nomem;
		t->lens = lens;
		t->cap = cap;
	}
	const char *d = copy(t, s, len);
	if (!d || hmap_insert(&t->index, h, t->n) < 0)
		goto nomem;
	t->strs[t->n] = d;
	t->lens[t->n] = (uint32_t)len;
	return (uint32_t)t->n++;
nomem:
	t->failed = 1;
	return 0;
}

uint32_t intern_str(struct intern *t, const char *s)
{
	return intern_bytes(t, s, strlen(s));
}
