/* many_host: loads every library named on the command line (copies of
 * dl_plugin, so each is its own mapping), makes each allocate 5 times and
 * keeps them all loaded: a profile with more mappings than the symbolizer
 * starts with room for. */
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		void *h = dlopen(argv[i], RTLD_NOW | RTLD_LOCAL);
		void (*run)(int) = h ? (void (*)(int))dlsym(h, "plugin_run") : NULL;
		if (!run) {
			fprintf(stderr, "many_host: %s: %s\n", argv[i], dlerror());
			return 1;
		}
		run(5);
	}
	return 0;
}
