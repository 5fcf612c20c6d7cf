/* demangle: C++ (Itanium ABI) and Rust (legacy and v0) symbol names, turned
 * into the names their programmers write, by libiberty's demanglers (the
 * ones c++filt and gdb use) linked in statically. */
#ifndef ALLOCPROF_DEMANGLE_H
#define ALLOCPROF_DEMANGLE_H

#include <stdbool.h>
#include <stddef.h>

/* The C++ demangler keeps its parse on the stack, about 72 bytes for each
 * character of the mangled name: longer names than this stay mangled. The
 * default fits the shim's collector thread (256 KiB of stack); the viewer,
 * on the main thread, may raise it. */
enum { DEMANGLE_DEFAULT_MAX_MANGLED = 1024 };
void demangle_set_max_mangled(size_t max);

/* True if name looks like a C++ (_Z...) or Rust v0 (_R...) symbol; Rust's
 * legacy symbols are _Z symbols. */
bool demangle_is_mangled(const char *name);

/* The demangled name in a mem_alloc'd string of *size bytes (NUL included),
 * or NULL when name is not mangled, cannot be demangled or is too long.
 * Rust names lose their hash (::h0123456789abcdef) and crate
 * disambiguators, C++ names keep their parameter lists. Allocates only
 * through mem.h and takes no lock. Free with mem_free(p, *size). */
char *demangle(const char *name, size_t *size);

#endif
