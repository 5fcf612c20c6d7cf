/* demangle: C++ (Itanium ABI) names, through the C++ runtime's own
 * __cxa_demangle found at run time, so neither the shim nor the viewer has
 * to link libstdc++ to read a C++ program's profile. */
#ifndef ALLOCPROF_DEMANGLE_H
#define ALLOCPROF_DEMANGLE_H

#include <stdbool.h>
#include <stddef.h>

/* Looks __cxa_demangle up among the loaded libraries, and when may_load is
 * set, loads libstdc++ to get it. Takes the dynamic loader's lock: call it
 * outside any lock the loader could be waiting for. True if available. */
bool demangle_init(bool may_load);
bool demangle_available(void);

/* True if name looks like an Itanium-mangled symbol (_Z...). */
bool demangle_is_mangled(const char *name);

/* The demangled name in a mem_alloc'd string of *size bytes (NUL included),
 * or NULL when name is not mangled, cannot be demangled, or no demangler is
 * available. Free with mem_free(p, *size). */
char *demangle(const char *name, size_t *size);

#endif
