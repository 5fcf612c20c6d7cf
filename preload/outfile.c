/* outfile: template expansion and no-clobber publication of dump files. */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

extern char *program_invocation_short_name;

static int append(char *out, size_t cap, size_t *len, const char *s, size_t n)
{
	if (*len + n >= cap)
		return -ENAMETOOLONG;
	memcpy(out + *len, s, n);
	*len += n;
	out[*len] = 0;
	return 0;
}

int outfile_expand(const char *tmpl, unsigned seq, char *out, size_t cap)
{
	size_t len = 0;
	out[0] = 0;
	for (const char *t = tmpl; *t; t++) {
		char num[32];
		int rc;
		if (*t != '%' || !t[1]) {
			rc = append(out, cap, &len, t, 1);
		} else {
			t++;
			switch (*t) {
			case 'p':
				rc = append(out, cap, &len, num, (size_t)log_format(num, sizeof(num), "%d", (int)getpid()));
				break;
			case 'n':
				rc = append(out, cap, &len, num, (size_t)log_format(num, sizeof(num), "%u", seq));
				break;
			case 'e': {
				const char *e = program_invocation_short_name;
				rc = 0;
				if (!e || !*e)
					e = "program";
				/* a program name must not smuggle in a path */
				for (; *e && rc == 0; e++)
					rc = append(out, cap, &len, *e == '/' ? "_" : e, 1);
				break;
			}
			case '%':
				rc = append(out, cap, &len, "%", 1);
				break;
			default:
				rc = append(out, cap, &len, t - 1, 2);
			}
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int write_all(int fd, const void *data, size_t len)
{
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, (const char *)data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		off += (size_t)n;
	}
	return 0;
}

/* "dir/name.pb.gz" + k -> "dir/name.k.pb.gz" (the suffix goes before .pb.gz) */
static int suffixed(const char *path, unsigned k, char *out, size_t cap)
{
	size_t n = strlen(path);
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t ext = 0;
	if (n - (size_t)(base - path) > 6 && !strcmp(path + n - 6, ".pb.gz"))
		ext = 6;
	char num[24];
	int m = log_format(num, sizeof(num), ".%u", k);
	if (n + (size_t)m + 1 > cap)
		return -ENAMETOOLONG;
	memcpy(out, path, n - ext);
	memcpy(out + n - ext, num, (size_t)m);
	memcpy(out + n - ext + (size_t)m, path + n - ext, ext + 1);
	return 0;
}

int outfile_write(const char *path, const void *data, size_t len, char *final, size_t cap)
{
	char tmp[4200];
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	if (dirlen + 64 > sizeof(tmp) || strlen(path) + 24 > cap)
		return -ENAMETOOLONG;
	memcpy(tmp, path, dirlen);
	int fd = -1;
	for (unsigned attempt = 0; attempt < 100 && fd < 0; attempt++) {
		log_format(tmp + dirlen, (int)(sizeof(tmp) - dirlen), ".allocprof-%d-%u.tmp", (int)getpid(), attempt);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0 && errno != EEXIST)
			return -errno;
	}
	if (fd < 0)
		return -EEXIST;
	int rc = write_all(fd, data, len);
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc < 0) {
		unlink(tmp);
		return rc;
	}
	/* link() never replaces and never follows a symlink at the target */
	strcpy(final, path);
	for (unsigned k = 1;; k++) {
		if (link(tmp, final) == 0)
			break;
		if (errno == EEXIST && k < 10000) {
			if ((rc = suffixed(path, k, final, cap)) < 0)
				break;
			continue;
		}
		if (errno == EPERM || errno == ENOSYS || errno == EOPNOTSUPP) {
			/* a file system without hard links: rename, checking first */
			if (faccessat(AT_FDCWD, final, F_OK, AT_SYMLINK_NOFOLLOW) == 0 && k < 10000) {
				if ((rc = suffixed(path, k, final, cap)) < 0)
					break;
				continue;
			}
			rc = rename(tmp, final) == 0 ? 0 : -errno;
			if (rc == 0)
				return 0;
			break;
		}
		rc = -errno;
		break;
	}
	unlink(tmp);
	return rc;
}
