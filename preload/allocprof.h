/* allocprof.h: the public API of liballocprof.so, for programs that want to
 * write a profile at a moment of their choosing. It works whether or not the
 * shim is loaded: the symbol is weak, so without the shim it is NULL.
 *
 *     #include <allocprof.h>
 *     ...
 *     if (allocprof_dump)                  // loaded with LD_PRELOAD?
 *             allocprof_dump("after-load.pb.gz");
 *
 * No link flag is needed: the program links without liballocprof, and the
 * dynamic loader binds the weak reference when the shim is preloaded. */
#ifndef ALLOCPROF_H
#define ALLOCPROF_H

#ifdef __cplusplus
extern "C" {
#endif

/* Drains everything recorded so far and writes a profile to path (NULL or ""
 * expands ALLOCPROF_OUT). Thread-safe; returns 0 or a negative errno
 * (-ENOSYS when the shim is loaded but not recording). Not for signal
 * handlers: use ALLOCPROF_SIGNAL for that. */
extern int allocprof_dump(const char *path) __attribute__((weak));

#ifdef __cplusplus
}
#endif

#endif
