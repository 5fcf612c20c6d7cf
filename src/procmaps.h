/* procmaps: parses /proc/PID/maps into an array of mappings. Reads with
 * open/read and allocates through mem.h, so the shim's collector can call it
 * without the dynamic loader's lock or the intercepted malloc. */
#ifndef ALLOCPROF_PROCMAPS_H
#define ALLOCPROF_PROCMAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct procmap_entry {
	uint64_t start, end, offset, inode;
	bool readable, writable, executable;
	const char *path; /* "" for anonymous mappings; points into procmaps.text */
};

struct procmaps {
	struct procmap_entry *e;
	size_t n, cap;
	char *text;
	size_t text_cap;
};

/* pid 0 reads /proc/self/maps. Returns 0 or -errno. */
int procmaps_read(pid_t pid, struct procmaps *out);
/* Parses maps text that the caller read (tests, saved maps). text is taken
 * over: it must come from mem_alloc with capacity text_cap. */
int procmaps_parse(struct procmaps *out, char *text, size_t text_cap);
void procmaps_release(struct procmaps *m);
/* The entry containing addr, or NULL. */
const struct procmap_entry *procmaps_find(const struct procmaps *m, uint64_t addr);

#endif
