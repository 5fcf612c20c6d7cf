/* linker_sites: allocation sites at known lines for linkers.sh, which links
 * them into executables (PIE and not) and shared libraries with each linker.
 * Line numbers are part of the test: keep them where they are. */
#include <stdlib.h>

void run_sites(void);
__attribute__((noinline)) void *lk_small(void) { return malloc(24); }
__attribute__((noinline)) void *lk_calloc(void) { return calloc(3, 40); }
__attribute__((noinline)) void *lk_realloc(void *p) { return realloc(p, 200); }

void run_sites(void)
{
	for (int i = 0; i < 37; i++)
		free(lk_small());
	for (int i = 0; i < 11; i++)
		free(lk_calloc());
	for (int i = 0; i < 5; i++)
		free(lk_realloc(NULL));
}
