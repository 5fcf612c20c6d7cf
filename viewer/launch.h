/* launch: a program started with liballocprof.so preloaded, and the manifest
 * (ALLOCPROF_MANIFEST) every process of it appends its records to. Shared by
 * `allocprof run` and `allocprof stat`; attach reads the manifest and finds
 * gdb as run finds a program. */
#ifndef ALLOCPROF_LAUNCH_H
#define ALLOCPROF_LAUNCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* One record of the manifest the shim appends to (preload/dump.c,
 * preload/counters.c): "KIND PID\0PROGRAM\0PATH\0". */
struct launch_record {
	char kind[16]; /* profile, peak, empty, failed, stat */
	long pid;
	const char *program, *path; /* stat: path holds "allocs=N bytes=N ..." */
};

/* The records of the manifest, pointing into *data (both malloc'd). */
size_t launch_read_manifest(int fd, char **data, struct launch_record **recs);
/* A fresh empty manifest in $TMPDIR; its descriptor, or -1 (said on stderr). */
int launch_make_manifest(char *path, size_t len);
/* Puts shim first in LD_PRELOAD, keeping what was there. 0 or -1. */
int launch_set_preload(const char *shim);
/* fork and exec argv; 0, or -errno when the program could not start (*pid
 * is then a child that exits 127 or -1). */
int launch_spawn(char **argv, pid_t *pid);
/* Runs argv to its end as a shell would (^C and ^\ go to the program, this
 * process ignores them from now on; SIGTERM and SIGHUP sent to this process
 * are passed on to the program) and returns its status as a shell tells
 * it: 128+N for signal N; 127 or 126, said on stderr, when it could not
 * start (*pid is then -1). *status is what waitpid said. */
int launch_run(char **argv, pid_t *pid, int *status);
/* launch_run with shim first in LD_PRELOAD, a fresh manifest named by
 * ALLOCPROF_MANIFEST, and env's NAME, VALUE pairs set (a NULL VALUE is
 * left out; a NULL NAME ends the list). *mfd is then the manifest to read
 * (its name already removed), or -1 when the program did not run (said on
 * stderr); returns the status as launch_run does, 1 if nothing ran. */
int launch_profiled(const char *shim, char **argv, const char *const *env, pid_t *pid, int *status, int *mfd);

/* The file execvp would run for name (a PATH search unless it has a '/'),
 * or false. */
bool launch_which(const char *name, char *out, size_t cap);

#endif
