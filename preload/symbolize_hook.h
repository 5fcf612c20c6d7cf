/* symbolize_hook: where the shim asks for names, files and lines. */
#ifndef ALLOCPROF_SYMBOLIZE_HOOK_H
#define ALLOCPROF_SYMBOLIZE_HOOK_H

#include "../src/profile.h"

/* Called by the dump with the collector lock held and the guard set. It must
 * not take the loader lock (dlopen, dlsym, dladdr, dl_iterate_phdr): a thread
 * inside dlopen may be waiting for the collector lock. */
/* Returns 0, or -ENOMEM when memory is too short to read debug info safely:
 * then the profile keeps addresses only (allocprof symbolize adds names). */
int symbolize_hook(struct profile *p);
/* Gives back what the symbolizer holds (libdw's parsed debug info, from the
 * program's allocator), for good: a later symbolize_hook adds no names.
 * Called with the collector lock held when the last dump is written
 * (attach's detach: the process runs on without the profiler). */
void symbolize_hook_close(void);

#endif
