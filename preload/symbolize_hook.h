/* symbolize_hook: where the shim asks for names, files and lines. */
#ifndef ALLOCPROF_SYMBOLIZE_HOOK_H
#define ALLOCPROF_SYMBOLIZE_HOOK_H

#include "../src/profile.h"

/* Called by the dump with the collector lock held and the guard set. It must
 * not take the loader lock (dlopen, dlsym, dladdr, dl_iterate_phdr): a thread
 * inside dlopen may be waiting for the collector lock. */
void symbolize_hook(struct profile *p);

#endif
