/* nextsym: the definition of a symbol the shim stands in front of. Preloaded,
 * that is the next one (RTLD_NEXT); loaded into a running process by
 * allocprof attach, the shim is in no lookup scope, so RTLD_NEXT has no
 * "next" to start from and it is the program's own (RTLD_DEFAULT) instead. */
#ifndef ALLOCPROF_NEXTSYM_H
#define ALLOCPROF_NEXTSYM_H

#include <stdbool.h>

/* Set once, by the constructor, before anything looks a symbol up. */
extern bool shim_loaded_late;

void *nextsym(const char *name);

#endif
