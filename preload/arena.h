/* arena: the shim's own memory, from mmap, never from the allocator it
 * intercepts. Plugged into src/mem.h so the core library (profile model,
 * encoder, gzip) runs inside the shim unchanged. */
#ifndef ALLOCPROF_ARENA_H
#define ALLOCPROF_ARENA_H

#include <stddef.h>

void *arena_alloc(size_t size);
void *arena_realloc(void *p, size_t old_size, size_t new_size);
void arena_free(void *p, size_t size);
/* Bytes currently mapped for the shim's own use (arena plus direct maps). */
size_t arena_mapped_bytes(void);
void arena_install(void);
/* For the crash path: from now on src/ allocates by bumping a pointer in a
 * fresh mapping (no lock that a crashed thread might hold; nothing freed). */
void arena_install_crash_bump(void);

/* fork: hold the lock across fork so the child sees consistent free lists */
void arena_lock(void);
void arena_unlock(void);
void arena_reset_lock(void);

/* Direct page mappings for big or long-lived structures. NULL on failure. */
void *pages_map(size_t size);
void pages_unmap(void *p, size_t size);

#endif
