/* nextsym: one dlsym for both ways the shim arrives in a process. */
#include "nextsym.h"

#include <dlfcn.h>
#include <stddef.h>

bool shim_loaded_late;

void *nextsym(const char *name)
{
	if (!shim_loaded_late)
		return dlsym(RTLD_NEXT, name);
	/* the scope of a dlopen'ed library ends with the library itself: a
	 * name the program does not define would find the shim's own */
	void *f = dlsym(RTLD_DEFAULT, name);
	Dl_info found, self;
	if (f && dladdr(f, &found) && dladdr((void *)nextsym, &self) && found.dli_fbase == self.dli_fbase)
		return NULL;
	return f;
}
