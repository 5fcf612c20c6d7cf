/* fuzz_pictures: the libFuzzer target of the pictures. Any input given to
 * flame, graph (as DOT, so no dot process), timeline and report, written to
 * standard output, is either refused with an error or drawn: no crash,
 * hang, leak or undefined behaviour. */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "commands.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The sanitizers write to file descriptor 2 directly, so only the streams
 * go quiet. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	stdout = fopen("/dev/null", "w");
	stderr = fopen("/dev/null", "w");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("profile", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		char *flame[] = {"flame", "-o", "-", path, NULL};
		char *flame_icicle[] = {"flame", "--icicle", "--by", "line", "-o", "-", "--focus", "a", path, NULL};
		char *flame_diff[] = {"flame", "--diff-base", path, "-o", "-", path, NULL};
		char *graph[] = {"graph", "--dot", "-o", "-", path, NULL};
		char *graph_all[] = {"graph", "--dot", "--nodefraction=0", "--edgefraction=0",
				     "-o", "-", path, NULL};
		char *timeline[] = {"timeline", "-o", "-", path, NULL};
		char *report[] = {"report", "-o", "-", path, NULL};
		cmd_flame(4, flame);
		cmd_flame(9, flame_icicle);
		cmd_flame(6, flame_diff);
		cmd_graph(5, graph);
		cmd_graph(7, graph_all);
		cmd_timeline(4, timeline);
		cmd_report(4, report);
		fflush(stdout);
	}
	close(fd);
	return 0;
}
