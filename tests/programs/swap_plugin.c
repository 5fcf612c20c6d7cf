/* swap_plugin: built twice (meson: swap_a, swap_b) with FRAME 256 and 4096:
 * the same code byte for byte but the size of plugin_alloc's frame, so that
 * the two libraries, loaded one after the other at the same address, have
 * their return addresses at the same pcs with different unwinding rules. */
#include <stdlib.h>

__attribute__((noinline)) void *plugin_alloc(size_t n)
{
	volatile char buf[FRAME];
	buf[0] = (char)n;
	return malloc(n + (size_t)buf[0] * 0);
}

void plugin_run(int times)
{
	for (int i = 0; i < times; i++)
		free(plugin_alloc(100));
}

/* dlclose runs the destructor under the shim's own dlclose: its block's
 * stack must still start at plugin_fini_alloc, not below that frame
 * (tests/shim/unwinder.sh) */
static void *fini_block;

__attribute__((noinline)) void *plugin_fini_alloc(size_t n)
{
	return malloc(n);
}

__attribute__((destructor)) static void plugin_fini(void)
{
	fini_block = plugin_fini_alloc(333);
}
