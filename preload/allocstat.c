/* allocstat: every entry point is looked up at run time, never linked: a C
 * library without mallinfo2, or a program on jemalloc or tcmalloc, must
 * still load the shim. Each allocator's figures describe that allocator
 * only, so they are kept only when malloc and the function that reports
 * come from the same library. */
#include "allocstat.h"

#include <dlfcn.h>
#include <malloc.h>
#include <stddef.h>
#include <string.h>

#include "nextsym.h"

typedef struct mallinfo2 (*mallinfo2_fn)(void);
typedef int (*mallctl_fn)(const char *, void *, size_t *, void *, size_t);
typedef int (*tc_property_fn)(const char *, size_t *);

/* The function `name` when it comes from the library malloc comes from;
 * that library's file name in *library. */
static void *from_malloc_library(const char *name, const char **library)
{
	void *fn = nextsym(name);
	void *alloc = nextsym("malloc");
	Dl_info a, b;
	if (!fn || !alloc || !dladdr(fn, &a) || !dladdr(alloc, &b) || a.dli_fbase != b.dli_fbase)
		return NULL;
	const char *slash = a.dli_fname ? strrchr(a.dli_fname, '/') : NULL;
	*library = slash ? slash + 1 : a.dli_fname ? a.dli_fname : "the C library";
	return fn;
}

static bool read_glibc(struct allocstat *s)
{
	mallinfo2_fn info = (mallinfo2_fn)from_malloc_library("mallinfo2", &s->library);
	if (!info)
		return false;
	struct mallinfo2 mi = info();
	s->kind = ALLOCSTAT_GLIBC;
	s->inuse = (uint64_t)mi.uordblks + (uint64_t)mi.hblkhd;
	s->mmapped = (uint64_t)mi.hblkhd;
	return true;
}

static bool read_jemalloc(struct allocstat *s)
{
	mallctl_fn ctl = (mallctl_fn)from_malloc_library("mallctl", &s->library);
	if (!ctl)
		return false;
	/* the statistics are a snapshot refreshed by writing the epoch */
	uint64_t epoch = 1;
	size_t len = sizeof(epoch), allocated = 0, resident = 0, slen = sizeof(size_t);
	if (ctl("epoch", &epoch, &len, &epoch, sizeof(epoch)) != 0 ||
	    ctl("stats.allocated", &allocated, &slen, NULL, 0) != 0 ||
	    ctl("stats.resident", &resident, &slen, NULL, 0) != 0)
		return false;
	s->kind = ALLOCSTAT_JEMALLOC;
	s->inuse = allocated;
	s->resident = resident;
	return true;
}

static bool read_tcmalloc(struct allocstat *s)
{
	tc_property_fn get = (tc_property_fn)from_malloc_library("MallocExtension_GetNumericProperty", &s->library);
	size_t allocated = 0, heap = 0, unmapped = 0;
	if (!get || !get("generic.current_allocated_bytes", &allocated) || !get("generic.heap_size", &heap))
		return false;
	/* pages given back to the kernel stay in heap_size */
	if (!get("tcmalloc.pageheap_unmapped_bytes", &unmapped))
		unmapped = 0;
	s->kind = ALLOCSTAT_TCMALLOC;
	s->inuse = allocated;
	s->resident = heap > unmapped ? heap - unmapped : 0;
	return true;
}

bool allocstat_read(struct allocstat *s)
{
	memset(s, 0, sizeof(*s));
	return read_jemalloc(s) || read_tcmalloc(s) || read_glibc(s);
}

bool allocstat_inuse(uint64_t *bytes, const char **library)
{
	struct allocstat s;
	memset(&s, 0, sizeof(s));
	if (!read_glibc(&s))
		return false;
	*bytes = s.inuse;
	*library = s.library;
	return true;
}
