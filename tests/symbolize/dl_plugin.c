/* dl_plugin: a library that dl_host loads with dlopen, allocates through,
 * and closes before exiting. Line numbers are part of the tests. */
#include <stdlib.h>

__attribute__((noinline)) void *plugin_alloc(size_t n)
{
	return malloc(n); /* line 7 */
}

void plugin_run(int times)
{
	for (int i = 0; i < times; i++)
		free(plugin_alloc(100));
}
