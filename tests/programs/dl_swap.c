/* dl_swap: loads the library argv[1], allocates through it ROUNDS times,
 * closes it, then does the same with argv[2], which the loader usually puts
 * where the first one was. Prints "same base" or "moved".
 * usage: dl_swap LIB_A LIB_B [ROUNDS] (100) */
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>

static int run(const char *path, int rounds, ElfW(Addr) *base)
{
	void *h = dlopen(path, RTLD_NOW);
	struct link_map *map = NULL;
	if (!h || dlinfo(h, RTLD_DI_LINKMAP, &map) != 0) {
		fprintf(stderr, "dl_swap: %s\n", dlerror());
		return 1;
	}
	*base = map->l_addr;
	void (*plugin_run)(int) = (void (*)(int))dlsym(h, "plugin_run");
	if (!plugin_run)
		return 1;
	plugin_run(rounds);
	dlclose(h);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	int rounds = argc > 3 ? atoi(argv[3]) : 100;
	ElfW(Addr) a, b;
	if (run(argv[1], rounds, &a) || run(argv[2], rounds, &b))
		return 1;
	printf("%s\n", a == b ? "same base" : "moved");
	return 0;
}
