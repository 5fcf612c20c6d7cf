/* hmap: an open-addressing hash map from 64-bit keys to 64-bit values, the one
 * hash table of the core library. Duplicate keys are allowed (callers that
 * key by a hash walk all entries with hmap_next and compare the real keys). */
#ifndef ALLOCPROF_HMAP_H
#define ALLOCPROF_HMAP_H

#include <stddef.h>
#include <stdint.h>

#define HMAP_EMPTY UINT64_MAX /* values must never be this */
#define HMAP_END SIZE_MAX

struct hmap_entry {
	uint64_t key;
	uint64_t val;
};

struct hmap {
	struct hmap_entry *e;
	size_t cap, n; /* cap is 0 or a power of two */
};

void hmap_init(struct hmap *m);
void hmap_release(struct hmap *m);
/* Adds an entry even if the key is present. Returns 0 or -ENOMEM. */
int hmap_insert(struct hmap *m, uint64_t key, uint64_t val);
/* First slot holding key, or HMAP_END; then hmap_next for the following ones. */
size_t hmap_first(const struct hmap *m, uint64_t key);
size_t hmap_next(const struct hmap *m, uint64_t key, size_t slot);
/* The value of the first entry with key, or HMAP_EMPTY. */
uint64_t hmap_get(const struct hmap *m, uint64_t key);

uint64_t hash_mix64(uint64_t x);
uint64_t hash_bytes(const void *p, size_t n, uint64_t seed);

#endif
