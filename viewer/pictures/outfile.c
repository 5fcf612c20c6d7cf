/* outfile: a picture is written through safefile, so a link planted at the
 * temporary or the final name is never followed. */
#include "outfile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "safefile.h"

int outfile_open(struct outfile *o, const char *path)
{
	memset(o, 0, sizeof(*o));
	if (!strcmp(path, "-")) {
		o->f = stdout;
		return 0;
	}
	o->path = strdup(path);
	o->sf = malloc(sizeof(*o->sf));
	if (o->sf) {
		o->sf->fd = -1;
		o->sf->tmp[0] = 0;
	}
	if (!o->path || !o->sf) {
		outfile_abort(o);
		return -ENOMEM;
	}
	int rc = safefile_create(o->sf, path, 0666);
	if (rc < 0) {
		free(o->sf);
		o->sf = NULL;
		outfile_abort(o);
		return rc;
	}
	if (!(o->f = fdopen(o->sf->fd, "w"))) {
		rc = -errno;
		outfile_abort(o);
		return rc;
	}
	return 0;
}

int outfile_commit(struct outfile *o)
{
	if (!o->sf) {
		int rc = fflush(o->f) || ferror(o->f) ? -EIO : 0;
		o->f = NULL;
		return rc;
	}
	int rc = ferror(o->f) ? -EIO : 0;
	if (fclose(o->f) != 0 && rc == 0)
		rc = -errno;
	o->f = NULL;
	o->sf->fd = -1; /* fclose closed it */
	if (rc == 0)
		rc = safefile_publish(o->sf, o->path, true);
	outfile_abort(o);
	return rc;
}

void outfile_abort(struct outfile *o)
{
	if (o->sf) {
		if (o->f) {
			fclose(o->f);
			o->sf->fd = -1;
		}
		safefile_abort(o->sf);
	}
	free(o->sf);
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

void outfile_wrote(const char *cmd, const char *path, const char *fmt, ...)
{
	if (!strcmp(path, "-"))
		return;
	fprintf(stderr, "allocprof %s: wrote %s", cmd, path);
	if (fmt && *fmt) {
		va_list ap;
		va_start(ap, fmt);
		fputs(" (", stderr);
		vfprintf(stderr, fmt, ap);
		fputc(')', stderr);
		va_end(ap);
	}
	fputc('\n', stderr);
}
