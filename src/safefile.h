/* safefile: the one way allocprof opens a file a profile or a user names, and
 * the one way it writes a file in place. Nothing here allocates, so the shim
 * uses it too. */
#ifndef ALLOCPROF_SAFEFILE_H
#define ALLOCPROF_SAFEFILE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Opens path read-only without ever blocking on a FIFO or a device, and only
 * if it is a regular file. Returns the descriptor (blocking, close-on-exec)
 * or -errno; a FIFO, socket or device gives SAFEFILE_NOT_REGULAR. */
#define SAFEFILE_NOT_REGULAR (-EINVAL)
int safefile_open_read(const char *path);
/* strerror() that says "not a regular file" for SAFEFILE_NOT_REGULAR.
 * Takes the negative code. */
const char *safefile_strerror(int neg_errno);

/* A file being written: a fresh temporary file in the target's directory,
 * created with O_EXCL|O_NOFOLLOW under an unpredictable name, moved into
 * place only when complete. Room for the name is inside the struct. */
struct safefile {
	int fd;
	char tmp[4096 + 64];
};

/* Creates the temporary file for target. 0 or -errno. */
int safefile_create(struct safefile *sf, const char *target, mode_t mode);
/* Writes all of data. 0 or -errno. */
int safefile_write(struct safefile *sf, const void *data, size_t len);
/* Closes the temporary file (if still open) and moves it to target: over
 * whatever is there when replace (a symlink at target is replaced, never
 * followed) if that is a regular file or nothing (SAFEFILE_NOT_REGULAR for a
 * device, FIFO or socket, or a link to one: /dev/stdout is not replaced),
 * else only if nothing is (-EEXIST otherwise, the temporary file kept for
 * another try). 0 or -errno; on any error but that -EEXIST the
 * temporary file is gone. */
int safefile_publish(struct safefile *sf, const char *target, bool replace);
/* Closes and removes the temporary file; harmless after publish. */
void safefile_abort(struct safefile *sf);

#endif
