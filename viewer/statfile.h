/* statfile: the exact figures of `allocprof stat`, per process and summed:
 * built from the shim's "stat" manifest records, written as JSON, and read
 * back from that JSON by `allocprof check`. */
#ifndef ALLOCPROF_STATFILE_H
#define ALLOCPROF_STATFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct stat_figures {
	long pid;
	char program[256];
	uint64_t allocs, bytes, frees;
	int64_t inuse_objects, inuse_bytes, peak_bytes;
};

struct stat_run {
	struct stat_figures *procs;
	size_t nprocs;
	/* sums over the processes; peak_bytes too: the most that could have
	 * been in use at once */
	struct stat_figures total;
};

void stat_run_init(struct stat_run *s);
void stat_run_release(struct stat_run *s);
/* A record's third field, "allocs=N bytes=N frees=N inuse_objects=N
 * inuse_bytes=N peak_bytes=N". 0, or -EINVAL when it is not one. */
int stat_run_add_record(struct stat_run *s, long pid, const char *program, const char *figures);
void stat_run_write_json(FILE *f, const struct stat_run *s, char **argv, int exit_status);
/* The "total" object of a file stat_run_write_json wrote. 0, or -EINVAL
 * when text is not such a file. */
int stat_json_total(const char *text, struct stat_figures *total);

#endif
