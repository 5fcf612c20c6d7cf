/* shimpath: the candidates, in order: the installed layout (the shim in
 * its private directory, libdir/allocprof), then the build tree
 * (build/viewer/allocprof next to build/preload/liballocprof.so). */
#include "shimpath.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef ALLOCPROF_BIN_TO_LIB
#define ALLOCPROF_BIN_TO_LIB "../lib"
#endif

static const char *const candidates[] = {
	ALLOCPROF_BIN_TO_LIB "/allocprof/liballocprof.so",
	"../preload/liballocprof.so",
};

int shimpath_find(char *out, size_t outlen, char *tried, size_t triedlen)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	tried[0] = 0;
	if (n <= 0) {
		snprintf(tried, triedlen, "/proc/self/exe (%s)", strerror(errno));
		return -ENOENT;
	}
	exe[n] = 0;
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = 0;
	size_t used = 0;
	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		char path[PATH_MAX + 64], real[PATH_MAX];
		const char *c = candidates[i];
		if (c[0] == '/')
			snprintf(path, sizeof(path), "%s", c);
		else
			snprintf(path, sizeof(path), "%s/%s", exe, c);
		if (access(path, R_OK) == 0 && realpath(path, real) && strlen(real) < outlen) {
			strcpy(out, real);
			return 0;
		}
		int w = snprintf(tried + used, triedlen - used, "%s%s", used ? ", " : "", path);
		if (w > 0 && (size_t)w < triedlen - used)
			used += (size_t)w;
	}
	return -ENOENT;
}
