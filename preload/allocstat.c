/* allocstat: mallinfo2 is looked up at run time, never linked: a C library
 * without it, or a program on jemalloc or tcmalloc, must still load the
 * shim. glibc's mallinfo2 describes glibc's malloc only, so the figure is
 * kept only when malloc and mallinfo2 come from the same library. */
#include "allocstat.h"

#include <dlfcn.h>
#include <malloc.h>
#include <string.h>

#include "nextsym.h"

typedef struct mallinfo2 (*mallinfo2_fn)(void);

bool allocstat_inuse(uint64_t *bytes, const char **library)
{
	void *info = nextsym("mallinfo2");
	void *alloc = nextsym("malloc");
	Dl_info a, b;
	if (!info || !alloc || !dladdr(info, &a) || !dladdr(alloc, &b) || a.dli_fbase != b.dli_fbase)
		return false;
	struct mallinfo2 mi = ((mallinfo2_fn)info)();
	*bytes = (uint64_t)mi.uordblks + (uint64_t)mi.hblkhd;
	const char *slash = a.dli_fname ? strrchr(a.dli_fname, '/') : NULL;
	*library = slash ? slash + 1 : a.dli_fname ? a.dli_fname : "the C library";
	return true;
}
