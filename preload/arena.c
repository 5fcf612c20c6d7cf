/* arena: power-of-two size classes from 16 B to 64 KiB carved from 1 MiB
 * mmap chunks, with per-class free lists; anything larger is its own
 * mapping. Callers pass the size back on free (mem.h's contract), so blocks
 * carry no header. One spinlock: the arena is used by the collector and the
 * dump, not by the allocation fast path. */
#include "arena.h"

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "../src/mem.h"
#include "ownmaps.h"
#include "spin.h"

enum {
	MIN_SHIFT = 4,
	MAX_SHIFT = 16,
	NCLASSES = MAX_SHIFT - MIN_SHIFT + 1,
	CHUNK = 1 << 20,
};

struct free_block {
	struct free_block *next;
};

static spinlock lock = SPINLOCK_INIT;
static struct free_block *free_lists[NCLASSES];
static char *chunk_cur, *chunk_end;
static atomic_size_t mapped;

void *pages_map(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	atomic_fetch_add_explicit(&mapped, size, memory_order_relaxed);
	ownmaps_note(p, size);
	return p;
}

void pages_unmap(void *p, size_t size)
{
	if (p && munmap(p, size) == 0) {
		atomic_fetch_sub_explicit(&mapped, size, memory_order_relaxed);
		ownmaps_forget(p);
	}
}

static size_t page_round(size_t n)
{
	return (n + 4095) & ~(size_t)4095;
}

static int size_class(size_t size)
{
	if (size <= (1u << MIN_SHIFT))
		return 0;
	int shift = 64 - __builtin_clzll((unsigned long long)(size - 1));
	return shift - MIN_SHIFT;
}

void *arena_alloc(size_t size)
{
	if (size > (1u << MAX_SHIFT))
		return pages_map(page_round(size));
	int c = size_class(size);
	size_t block = (size_t)1 << (c + MIN_SHIFT);
	spin_lock(&lock);
	struct free_block *b = free_lists[c];
	if (b) {
		free_lists[c] = b->next;
		spin_unlock(&lock);
		return b;
	}
	if ((size_t)(chunk_end - chunk_cur) < block) {
		/* the tail of the old chunk is lost: at most 64 KiB per MiB */
		char *n = pages_map(CHUNK);
		if (!n) {
			spin_unlock(&lock);
			return NULL;
		}
		chunk_cur = n;
		chunk_end = n + CHUNK;
	}
	void *p = chunk_cur;
	chunk_cur += block;
	spin_unlock(&lock);
	return p;
}

void arena_free(void *p, size_t size)
{
	if (!p)
		return;
	if (size > (1u << MAX_SHIFT)) {
		pages_unmap(p, page_round(size));
		return;
	}
	int c = size_class(size);
	struct free_block *b = p;
	spin_lock(&lock);
	b->next = free_lists[c];
	free_lists[c] = b;
	spin_unlock(&lock);
}

void *arena_realloc(void *p, size_t old_size, size_t new_size)
{
	if (old_size > (1u << MAX_SHIFT) && new_size > (1u << MAX_SHIFT)) {
		void *n = mremap(p, page_round(old_size), page_round(new_size), MREMAP_MAYMOVE);
		if (n == MAP_FAILED)
			return NULL;
		atomic_fetch_add_explicit(&mapped, page_round(new_size) - page_round(old_size),
					  memory_order_relaxed);
		ownmaps_forget(p);
		ownmaps_note(n, page_round(new_size));
		return n;
	}
	if (old_size <= (1u << MAX_SHIFT) && new_size <= (1u << MAX_SHIFT) &&
	    size_class(old_size) == size_class(new_size))
		return p;
	void *n = arena_alloc(new_size);
	if (!n)
		return NULL;
	memcpy(n, p, old_size < new_size ? old_size : new_size);
	arena_free(p, old_size);
	return n;
}

size_t arena_mapped_bytes(void)
{
	return atomic_load_explicit(&mapped, memory_order_relaxed);
}

static const struct mem_allocator arena_allocator = {
	arena_alloc, arena_realloc, arena_free,
};

void arena_install(void)
{
	mem_set_allocator(&arena_allocator);
}

void arena_lock(void) { spin_lock(&lock); }
void arena_unlock(void) { spin_unlock(&lock); }
void arena_reset_lock(void) { spin_reset(&lock); }

static char *bump_cur, *bump_end;

static void *bump_alloc(size_t size)
{
	size = (size + 15) & ~(size_t)15;
	if ((size_t)(bump_end - bump_cur) < size)
		return NULL;
	void *p = bump_cur;
	bump_cur += size;
	return p;
}

static void *bump_realloc(void *p, size_t old_size, size_t new_size)
{
	void *n = bump_alloc(new_size);
	if (n && p)
		memcpy(n, p, old_size < new_size ? old_size : new_size);
	return n;
}

static void bump_free(void *p, size_t size)
{
	(void)p;
	(void)size;
}

static const struct mem_allocator bump_allocator = {
	bump_alloc, bump_realloc, bump_free,
};

void arena_install_crash_bump(void)
{
	size_t size = (size_t)1 << 30; /* address space only: pages come as used */
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return;
	ownmaps_note(p, size);
	bump_cur = p;
	bump_end = bump_cur + size;
	mem_set_allocator(&bump_allocator);
}
