/* bare_interposer: the reference point of the benchmarks, the least any
 * malloc interposer costs: dlsym(RTLD_NEXT) forwarding plus a thread-local
 * byte counter. Not part of allocprof; never installed. */
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>

#define EXPORT __attribute__((visibility("default")))

static __thread int64_t counter __attribute__((tls_model("initial-exec")));
static char boot[65536];
static size_t boot_used;
static void *(*next_malloc)(size_t);
static void (*next_free)(void *);
static void *(*next_calloc)(size_t, size_t);
static void *(*next_realloc)(void *, size_t);
static int resolving;

static void resolve(void)
{
	resolving = 1;
	next_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
	next_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
	next_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
	next_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
	resolving = 0;
}

static void *boot_alloc(size_t n)
{
	void *p = boot + boot_used;
	boot_used += (n + 15) & ~(size_t)15;
	return p;
}

EXPORT void *malloc(size_t n);
EXPORT void *malloc(size_t n)
{
	if (!next_malloc) {
		if (resolving)
			return boot_alloc(n);
		resolve();
	}
	counter += (int64_t)n;
	return next_malloc(n);
}

EXPORT void *calloc(size_t n, size_t s);
EXPORT void *calloc(size_t n, size_t s)
{
	if (!next_calloc) {
		if (resolving)
			return boot_alloc(n * s);
		resolve();
	}
	counter += (int64_t)(n * s);
	return next_calloc(n, s);
}

EXPORT void *realloc(void *p, size_t n);
EXPORT void *realloc(void *p, size_t n)
{
	if (!next_realloc)
		resolve();
	counter += (int64_t)n;
	return next_realloc(p, n);
}

EXPORT void free(void *p);
EXPORT void free(void *p)
{
	if ((char *)p >= boot && (char *)p < boot + sizeof(boot))
		return;
	if (!next_free)
		resolve();
	next_free(p);
}
