/* unwind: the stack of the code that called into the allocator, as return
 * addresses leaf first, with the shim's own frames dropped. */
#ifndef ALLOCPROF_UNWIND_H
#define ALLOCPROF_UNWIND_H

#include <stdbool.h>
#include <stdint.h>

/* Frames of the shim that may sit on top of a captured stack. */
enum { UNWIND_SKIP_MAX = 16 };

void unwind_init(void);
/* frames must hold max + UNWIND_SKIP_MAX + 1 entries. Returns how many
 * frames were kept (at most max); *truncated when the stack was deeper. */
unsigned unwind_stack(uint64_t *frames, unsigned max, bool *truncated);
/* True if pc lies in the shim's own code. */
bool unwind_is_own(uint64_t pc);

#endif
