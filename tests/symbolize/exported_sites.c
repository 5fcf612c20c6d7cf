/* exported_sites: allocation sites that are exported (linked -rdynamic), so
 * a stripped copy still names them from .dynsym. Line numbers are part of
 * the tests. */
#include <stdlib.h>

__attribute__((noinline)) void *exported_alloc(size_t n)
{
	return malloc(n); /* line 8 */
}

__attribute__((noinline)) void exported_loop(int times)
{
	for (int i = 0; i < times; i++)
		free(exported_alloc(32));
}

int main(void)
{
	exported_loop(25);
	return 0;
}
