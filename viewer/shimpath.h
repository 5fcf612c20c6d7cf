/* shimpath: where liballocprof.so is, found from the running allocprof
 * (/proc/self/exe): next to it as installed (the relative path from bindir
 * to libdir, fixed at configure time) or in the build tree. */
#ifndef ALLOCPROF_SHIMPATH_H
#define ALLOCPROF_SHIMPATH_H

#include <stddef.h>

/* Writes the absolute path of the shim into out. 0, or -ENOENT with the
 * places looked at in tried (a readable list). */
int shimpath_find(char *out, size_t outlen, char *tried, size_t triedlen);

#endif
