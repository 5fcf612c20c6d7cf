/* interpose: the exported malloc family and C++ operators (interpose.c).
 * Their real functions are looked up on first use; a shim loaded into a
 * running process looks them up at once, before any call is redirected. */
#ifndef ALLOCPROF_INTERPOSE_H
#define ALLOCPROF_INTERPOSE_H

#include <stdbool.h>

/* The next malloc is a sanitizer runtime's (AddressSanitizer and the like). */
bool interpose_sanitizer_below(void);
void interpose_resolve_now(void);

#endif
