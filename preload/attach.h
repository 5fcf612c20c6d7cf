/* attach: the shim loaded into a running process by allocprof attach (gdb
 * calls dlopen, then these entry points): how it knows it came late, its
 * start from a configuration string (the target's environment is fixed),
 * and its detach, which writes the profile and leaves the library inert. */
#ifndef ALLOCPROF_ATTACH_H
#define ALLOCPROF_ATTACH_H

#include <stdbool.h>

/* True when the C library was loaded before the shim: not a preload. */
bool attach_loaded_late(void);
/* A fork child of an attached process records nothing: the profile
 * belongs to the process attached to. */
void attach_fork_child(void);

/* Called by gdb. conf: "ALLOCPROF_NAME=value" lines. Returns the number of
 * call slots redirected, or -errno: EALREADY (this copy was used before:
 * each attach loads a fresh one), EEXIST (another copy records),
 * EINVAL (the shim was preloaded). */
int allocprof_attach_start(const char *conf);
/* Writes the profile, puts the slots back, stops recording. 0 or -errno. */
int allocprof_attach_stop(void);

#endif
