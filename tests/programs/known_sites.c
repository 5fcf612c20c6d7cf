/* known_sites: every malloc-family entry point at a known line, with known
 * counts. Line numbers are part of the tests: keep them where they are.
 * site_small is line 9. */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
__attribute__((noinline)) void *site_small(void) {
	return malloc(16);
}
__attribute__((noinline)) void *site_calloc(void) { return calloc(10, 100); }
__attribute__((noinline)) void *site_realloc_new(void) { return realloc(NULL, 300); }
__attribute__((noinline)) void *site_realloc_grow(void *p) { return realloc(p, 5000); }
__attribute__((noinline)) void site_realloc_free(void *p) { void *q = realloc(p, 0); (void)q; }
__attribute__((noinline)) void *site_reallocarray(void *p) { return reallocarray(p, 7, 100); }
__attribute__((noinline)) void *site_posix_memalign(void) {
	void *p = NULL;
	if (posix_memalign(&p, 64, 4096) != 0) return NULL;
	return p;
}
__attribute__((noinline)) void *site_aligned_alloc(void) { return aligned_alloc(256, 512); }
__attribute__((noinline)) void *site_memalign(void) { return memalign(128, 200); }
__attribute__((noinline)) void *site_valloc(void) { return valloc(3000); }
__attribute__((noinline)) void *site_pvalloc(void) { return pvalloc(5000); }
__attribute__((noinline)) void *site_leak(void) { return malloc(777); }
__attribute__((noinline)) char *site_strdup(void) { return strdup("known sites"); }

static void *volatile sink;

int main(void)
{
	for (int i = 0; i < 1000; i++) {
		sink = site_small();
		free(sink);
	}
	for (int i = 0; i < 20; i++)
		free(site_calloc());
	for (int i = 0; i < 30; i++) {
		void *p = site_realloc_new();
		p = site_realloc_grow(p);
		site_realloc_free(p);
	}
	for (int i = 0; i < 5; i++)
		free(site_reallocarray(NULL));
	for (int i = 0; i < 3; i++) {
		free(site_posix_memalign());
		free(site_aligned_alloc());
		free(site_memalign());
		free(site_valloc());
		free(site_pvalloc());
	}
	for (int i = 0; i < 4; i++)
		sink = site_leak(); /* 4 blocks of 777 bytes leak */
	for (int i = 0; i < 2; i++)
		free(site_strdup());
	return 0;
}
