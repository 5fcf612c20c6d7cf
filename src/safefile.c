/* safefile: reading never blocks on what a path turns out to be, and writing
 * never follows a link planted where allocprof is about to write. A temporary
 * name is random (getrandom, or the clock when that fails) and created with
 * O_EXCL|O_NOFOLLOW, so a file or link placed there in advance is never
 * opened; the result appears at the target by rename() or link(), both of
 * which replace or refuse a symlink at the target rather than follow it. */
#include "safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int safefile_open_read(const char *path)
{
	/* O_NONBLOCK: opening a FIFO without a writer would wait forever */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	int rc = 0;
	if (fstat(fd, &st) < 0)
		rc = -errno;
	else if (S_ISDIR(st.st_mode))
		rc = -EISDIR;
	else if (!S_ISREG(st.st_mode))
		rc = SAFEFILE_NOT_REGULAR;
	else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
		rc = -errno;
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return fd;
}

const char *safefile_strerror(int neg_errno)
{
	if (neg_errno == SAFEFILE_NOT_REGULAR)
		return "not a regular file";
	return strerror(-neg_errno);
}

static uint64_t random_bits(unsigned attempt)
{
	uint64_t r;
	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) == (ssize_t)sizeof(r))
		return r;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	r = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15u ^ (uint64_t)ts.tv_sec << 32 ^
	    (uint64_t)getpid() << 16 ^ ((uint64_t)(uintptr_t)&ts + attempt) * 0xbf58476d1ce4e5b9u;
	return r ^ r >> 31;
}

int safefile_create(struct safefile *sf, const char *target, mode_t mode)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	static const char prefix[] = ".allocprof-";
	sf->fd = -1;
	sf->tmp[0] = 0;
	const char *slash = strrchr(target, '/');
	size_t dirlen = slash ? (size_t)(slash - target) + 1 : 0;
	size_t namelen = sizeof(prefix) - 1 + 12 + 4;
	if (dirlen + namelen + 1 > sizeof(sf->tmp))
		return -ENAMETOOLONG;
	memcpy(sf->tmp, target, dirlen);
	char *name = sf->tmp + dirlen;
	for (unsigned attempt = 0; attempt < 100; attempt++) {
		uint64_t r = random_bits(attempt);
		memcpy(name, prefix, sizeof(prefix) - 1);
		char *x = name + sizeof(prefix) - 1;
		for (int i = 0; i < 12; i++, r /= 36)
			x[i] = alphabet[r % 36];
		memcpy(x + 12, ".tmp", 5);
		int fd = open(sf->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, mode);
		if (fd >= 0) {
			sf->fd = fd;
			return 0;
		}
		if (errno != EEXIST) {
			int e = errno;
			sf->tmp[0] = 0;
			return -e;
		}
	}
	sf->tmp[0] = 0;
	return -EEXIST;
}

int safefile_write(struct safefile *sf, const void *data, size_t len)
{
	for (size_t off = 0; off < len;) {
		ssize_t n = write(sf->fd, (const char *)data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		off += (size_t)n;
	}
	return 0;
}

int safefile_publish(struct safefile *sf, const char *target, bool replace)
{
	int rc = 0;
	if (sf->fd >= 0) {
		if (close(sf->fd) < 0)
			rc = -errno;
		sf->fd = -1;
	}
	if (rc == 0 && !sf->tmp[0])
		rc = -EBADF;
	struct stat st;
	if (rc == 0 && replace && stat(target, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* /dev/stdout, a FIFO, a link to a device: replacing it is never meant */
		rc = S_ISDIR(st.st_mode) ? -EISDIR : SAFEFILE_NOT_REGULAR;
	} else if (rc == 0 && replace) {
		rc = rename(sf->tmp, target) == 0 ? 0 : -errno;
		if (rc == 0)
			sf->tmp[0] = 0;
	} else if (rc == 0) {
		if (link(sf->tmp, target) == 0) {
			unlink(sf->tmp);
			sf->tmp[0] = 0;
			return 0;
		}
		rc = -errno;
		if (rc == -EPERM || rc == -ENOSYS || rc == -EOPNOTSUPP) {
			/* a file system without hard links: rename, checking first */
			if (faccessat(AT_FDCWD, target, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
				return -EEXIST;
			rc = rename(sf->tmp, target) == 0 ? 0 : -errno;
			if (rc == 0)
				sf->tmp[0] = 0;
		}
		if (rc == -EEXIST)
			return rc;
	}
	if (rc < 0)
		safefile_abort(sf);
	return rc;
}

void safefile_abort(struct safefile *sf)
{
	if (sf->fd >= 0)
		close(sf->fd);
	sf->fd = -1;
	if (sf->tmp[0])
		unlink(sf->tmp);
	sf->tmp[0] = 0;
}
