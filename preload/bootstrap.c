/* bootstrap: bump allocation with a 16-byte size header, thread-safe by an
 * atomic add; the arena is static and zeroed, so calloc is free. */
#include "bootstrap.h"

#include <stdatomic.h>
#include <string.h>

#include "log.h"

char bootstrap_arena[BOOTSTRAP_SIZE] __attribute__((aligned(4096)));
static atomic_size_t used;

void *bootstrap_alloc(size_t size, size_t align)
{
	if (align < 16)
		align = 16;
	if (size > BOOTSTRAP_SIZE || align > 4096)
		return NULL;
	size_t need = ((size + 16 + align - 1) & ~(align - 1)) + align;
	size_t start = atomic_fetch_add(&used, need);
	if (start + need > BOOTSTRAP_SIZE) {
		log_line("bootstrap arena exhausted");
		return NULL;
	}
	uintptr_t base = (uintptr_t)bootstrap_arena + start + 16;
	uintptr_t p = (base + align - 1) & ~(uintptr_t)(align - 1);
	memcpy((void *)(p - 16), &size, sizeof(size));
	return (void *)p;
}

size_t bootstrap_size(const void *p)
{
	size_t n;
	memcpy(&n, (const char *)p - 16, sizeof(n));
	return n;
}
