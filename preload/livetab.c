/* livetab: 64 shards, each an open-addressing table (linear probing with
 * backward-shift deletion, no tombstones) in its own mapping, grown under
 * the shard's lock. A filter slot always belongs to one shard (the shard is
 * chosen from the slot), so the slot's counter and bit are only changed under
 * that shard's lock and the bit is set exactly while the count is non-zero. */
#include "livetab.h"

#include <stdatomic.h>
#include <string.h>

#include "arena.h"
#include "spin.h"

enum { NSHARDS = 64, INITIAL_CAP = 256 };

struct shard {
	spinlock lock;
	uint32_t count;
	uint32_t cap; /* power of two, or 0 before first use */
	struct live_block *slots;
	char pad[64 - sizeof(spinlock) - 8 - sizeof(void *)];
};

uint8_t livetab_filter[(1u << LIVETAB_FILTER_BITS) / 8];
static uint16_t slot_counts[1u << LIVETAB_FILTER_BITS];
static struct shard shards[NSHARDS] __attribute__((aligned(64)));
static atomic_uint_fast64_t total;
static atomic_uint_fast64_t mapped;

static struct shard *shard_of(uint32_t slot)
{
	return &shards[slot & (NSHARDS - 1)];
}

static uint32_t home(const struct shard *s, uint64_t addr)
{
	uint64_t h = addr >> 4;
	h *= 0x9e3779b97f4a7c15ULL;
	return (uint32_t)(h >> 32) & (s->cap - 1);
}

static bool grow(struct shard *s)
{
	uint32_t ncap = s->cap ? s->cap * 2 : INITIAL_CAP;
	struct live_block *n = pages_map((size_t)ncap * sizeof(*n));
	if (!n)
		return false;
	struct live_block *old = s->slots;
	uint32_t ocap = s->cap;
	s->slots = n;
	s->cap = ncap;
	for (uint32_t i = 0; i < ocap; i++) {
		if (!old[i].addr)
			continue;
		uint32_t j = home(s, old[i].addr);
		while (n[j].addr)
			j = (j + 1) & (ncap - 1);
		n[j] = old[i];
	}
	if (old)
		pages_unmap(old, (size_t)ocap * sizeof(*old));
	atomic_fetch_add_explicit(&mapped, (uint64_t)(ncap - ocap) * sizeof(*n), memory_order_relaxed);
	return true;
}

static uint32_t find(const struct shard *s, uint64_t addr)
{
	if (!s->cap)
		return UINT32_MAX;
	for (uint32_t i = home(s, addr);; i = (i + 1) & (s->cap - 1)) {
		if (s->slots[i].addr == addr)
			return i;
		if (!s->slots[i].addr)
			return UINT32_MAX;
	}
}

static void filter_add(uint32_t slot)
{
	if (slot_counts[slot] == UINT16_MAX)
		return; /* saturated: the bit stays set for good */
	if (slot_counts[slot]++ == 0)
		__atomic_fetch_or(&livetab_filter[slot >> 3], (uint8_t)(1u << (slot & 7)), __ATOMIC_RELAXED);
}

static void filter_remove(uint32_t slot)
{
	if (slot_counts[slot] == UINT16_MAX)
		return;
	if (--slot_counts[slot] == 0)
		__atomic_fetch_and(&livetab_filter[slot >> 3], (uint8_t)~(1u << (slot & 7)), __ATOMIC_RELAXED);
}

static void delete_at(struct shard *s, uint32_t i)
{
	/* backward-shift deletion keeps every probe chain unbroken */
	uint32_t mask = s->cap - 1;
	for (uint32_t j = (i + 1) & mask; s->slots[j].addr; j = (j + 1) & mask) {
		uint32_t h = home(s, s->slots[j].addr);
		/* move j back to i if its home is not in (i, j] cyclically */
		if (((j - h) & mask) >= ((j - i) & mask)) {
			s->slots[i] = s->slots[j];
			i = j;
		}
	}
	s->slots[i].addr = 0;
	s->count--;
}

bool livetab_insert(const struct live_block *b, struct live_block *stale)
{
	uint32_t slot = livetab_slot((const void *)(uintptr_t)b->addr);
	struct shard *s = shard_of(slot);
	bool had_stale = false;
	spin_lock(&s->lock);
	uint32_t i = find(s, b->addr);
	if (i != UINT32_MAX) {
		*stale = s->slots[i];
		s->slots[i] = *b;
		had_stale = true;
	} else if (((uint64_t)s->count + 1) * 4 <= (uint64_t)s->cap * 3 || grow(s)) {
		for (i = home(s, b->addr); s->slots[i].addr; i = (i + 1) & (s->cap - 1))
			;
		s->slots[i] = *b;
		s->count++;
		filter_add(slot);
		atomic_fetch_add_explicit(&total, 1, memory_order_relaxed);
	}
	spin_unlock(&s->lock);
	return had_stale;
}

bool livetab_remove(const void *p, struct live_block *out)
{
	uint32_t slot = livetab_slot(p);
	struct shard *s = shard_of(slot);
	spin_lock(&s->lock);
	uint32_t i = find(s, (uint64_t)(uintptr_t)p);
	bool found = i != UINT32_MAX;
	if (found) {
		*out = s->slots[i];
		delete_at(s, i);
		filter_remove(slot);
		atomic_fetch_sub_explicit(&total, 1, memory_order_relaxed);
	}
	spin_unlock(&s->lock);
	return found;
}

uint64_t livetab_count(void)
{
	return atomic_load_explicit(&total, memory_order_relaxed);
}

uint64_t livetab_mapped_bytes(void)
{
	return atomic_load_explicit(&mapped, memory_order_relaxed);
}

void livetab_lock_all(void)
{
	for (int i = 0; i < NSHARDS; i++)
		spin_lock(&shards[i].lock);
}

void livetab_unlock_all(void)
{
	for (int i = NSHARDS - 1; i >= 0; i--)
		spin_unlock(&shards[i].lock);
}

void livetab_reset_locks(void)
{
	for (int i = 0; i < NSHARDS; i++)
		spin_reset(&shards[i].lock);
}
