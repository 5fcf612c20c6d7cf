/* demangle: one function pointer, set once before use. __cxa_demangle
 * mallocs its result; it is copied into mem.h memory and handed back to the
 * C++ runtime's allocator at once, so callers only ever see mem.h memory. */
#include "demangle.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

typedef char *(*cxa_demangle_fn)(const char *mangled, char *buf, size_t *len, int *status);

static cxa_demangle_fn cxa_demangle;

bool demangle_init(bool may_load)
{
	if (cxa_demangle)
		return true;
	cxa_demangle = (cxa_demangle_fn)dlsym(RTLD_DEFAULT, "__cxa_demangle");
	if (!cxa_demangle && may_load) {
		/* never closed: the pointer must stay valid for the process */
		void *h = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_LOCAL);
		if (h)
			cxa_demangle = (cxa_demangle_fn)dlsym(h, "__cxa_demangle");
	}
	return cxa_demangle != NULL;
}

bool demangle_available(void)
{
	return cxa_demangle != NULL;
}

bool demangle_is_mangled(const char *name)
{
	return name && name[0] == '_' && name[1] == 'Z';
}

char *demangle(const char *name, size_t *size)
{
	if (!cxa_demangle || !demangle_is_mangled(name))
		return NULL;
	int status = -1;
	char *d = cxa_demangle(name, NULL, NULL, &status);
	if (!d || status != 0) {
		free(d);
		return NULL;
	}
	size_t n = strlen(d) + 1;
	char *out = mem_alloc(n);
	if (out) {
		memcpy(out, d, n);
		*size = n;
	}
	free(d);
	return out;
}
