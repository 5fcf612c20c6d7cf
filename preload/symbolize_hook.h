/* symbolize_hook: where the dump asks for names, files and lines. */
#ifndef ALLOCPROF_SYMBOLIZE_HOOK_H
#define ALLOCPROF_SYMBOLIZE_HOOK_H

#include "../src/profile.h"

void symbolize_hook(struct profile *p);

#endif
