/* hmap: linear probing, grown at half load; empty slots have val == HMAP_EMPTY. */
#include "hmap.h"

#include <errno.h>
#include <string.h>

#include "mem.h"

uint64_t hash_mix64(uint64_t x)
{
	/* splitmix64 finaliser: every input bit reaches every output bit */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

uint64_t hash_bytes(const void *p, size_t n, uint64_t seed)
{
	const uint8_t *s = p;
	uint64_t h = seed ^ (n * 0x9e3779b97f4a7c15ULL);
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = hash_mix64(h ^ w);
		s += 8;
		n -= 8;
	}
	uint64_t w = 0;
	memcpy(&w, s, n);
	return hash_mix64(h ^ w ^ ((uint64_t)n << 56));
}

void hmap_init(struct hmap *m)
{
	memset(m, 0, sizeof(*m));
}

void hmap_release(struct hmap *m)
{
	mem_free(m->e, m->cap * sizeof(*m->e));
	hmap_init(m);
}

static void place(struct hmap_entry *e, size_t cap, uint64_t key, uint64_t val)
{
	size_t i = hash_mix64(key) & (cap - 1);
	while (e[i].val != HMAP_EMPTY)
		i = (i + 1) & (cap - 1);
	e[i].key = key;
	e[i].val = val;
}

static int grow(struct hmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 16;
	struct hmap_entry *ne = mem_alloc(ncap * sizeof(*ne));
	if (!ne)
		return -ENOMEM;
	memset(ne, 0xff, ncap * sizeof(*ne));
	for (size_t i = 0; i < m->cap; i++)
		if (m->e[i].val != HMAP_EMPTY)
			place(ne, ncap, m->e[i].key, m->e[i].val);
	mem_free(m->e, m->cap * sizeof(*m->e));
	m->e = ne;
	m->cap = ncap;
	return 0;
}

int hmap_insert(struct hmap *m, uint64_t key, uint64_t val)
{
	if ((m->n + 1) * 2 > m->cap && grow(m) < 0)
		return -ENOMEM;
	place(m->e, m->cap, key, val);
	m->n++;
	return 0;
}

static size_t scan(const struct hmap *m, uint64_t key, size_t i)
{
	for (;; i = (i + 1) & (m->cap - 1)) {
		if (m->e[i].val == HMAP_EMPTY)
			return HMAP_END;
		if (m->e[i].key == key)
			return i;
	}
}

size_t hmap_first(const struct hmap *m, uint64_t key)
{
	if (!m->cap)
		return HMAP_END;
	return scan(m, key, hash_mix64(key) & (m->cap - 1));
}

size_t hmap_next(const struct hmap *m, uint64_t key, size_t slot)
{
	return scan(m, key, (slot + 1) & (m->cap - 1));
}

uint64_t hmap_get(const struct hmap *m, uint64_t key)
{
	size_t i = hmap_first(m, key);
	return i == HMAP_END ? HMAP_EMPTY : m->e[i].val;
}
