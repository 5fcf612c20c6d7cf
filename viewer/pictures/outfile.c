/* outfile: the temporary name carries the pid, and is created with O_EXCL so
 * two writers of the same picture never share one. */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int outfile_open(struct outfile *o, const char *path)
{
	memset(o, 0, sizeof(*o));
	if (!strcmp(path, "-")) {
		o->f = stdout;
		return 0;
	}
	o->path = strdup(path);
	if (!o->path || asprintf(&o->tmp, "%s.tmp.%d", path, (int)getpid()) < 0) {
		free(o->path);
		o->tmp = o->path = NULL;
		return -ENOMEM;
	}
	int fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
		int e = errno;
		if (fd >= 0) {
			close(fd);
			unlink(o->tmp);
		}
		free(o->path);
		free(o->tmp);
		o->tmp = o->path = NULL;
		return -e;
	}
	return 0;
}

int outfile_commit(struct outfile *o)
{
	if (!o->tmp) {
		int rc = fflush(o->f) || ferror(o->f) ? -EIO : 0;
		o->f = NULL;
		return rc;
	}
	int rc = ferror(o->f) ? -EIO : 0;
	if (fclose(o->f) != 0 && rc == 0)
		rc = -errno;
	o->f = NULL;
	if (rc == 0 && rename(o->tmp, o->path) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
	return rc;
}

void outfile_abort(struct outfile *o)
{
	if (o->tmp) {
		if (o->f)
			fclose(o->f);
		unlink(o->tmp);
	}
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof(*o));
}

char *outfile_default(const char *profile, const char *suffix)
{
	const char *base = strrchr(profile, '/');
	base = base ? base + 1 : profile;
	size_t n = strlen(base);
	static const char *const exts[] = {".pb.gz", ".pprof", ".pb", ".gz", ".prof"};
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		size_t e = strlen(exts[i]);
		if (n > e && !strcmp(base + n - e, exts[i])) {
			n -= e;
			break;
		}
	}
	if (n == 0 || !strcmp(base, "-")) {
		base = "profile";
		n = strlen(base);
	}
	char *out;
	if (asprintf(&out, "%.*s%s", (int)n, base, suffix) < 0)
		return NULL;
	return out;
}
