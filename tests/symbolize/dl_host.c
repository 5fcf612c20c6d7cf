/* dl_host: loads the library named by argv[1], makes it allocate 40 times
 * 100 bytes, closes it, and only then exits (and dumps). With a second
 * argument "unlink" it deletes the library's file instead and keeps it
 * loaded, so only the live mapping still holds what the file was. */
#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2 && argc != 3)
		return 2;
	void *h = dlopen(argv[1], RTLD_NOW);
	if (!h) {
		fprintf(stderr, "dl_host: %s\n", dlerror());
		return 1;
	}
	void (*run)(int) = (void (*)(int))dlsym(h, "plugin_run");
	if (!run)
		return 1;
	bool keep = argc == 3 && !strcmp(argv[2], "unlink");
	if (keep && unlink(argv[1]) != 0)
		return 1;
	run(40);
	if (!keep)
		dlclose(h);
	return 0;
}
