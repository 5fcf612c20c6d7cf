/* srcfile: sources are read whole (up to a bound) and split into lines the
 * way Go's bufio.Scanner does ("\n", a "\r" before it dropped). */
#include "srcfile.h"
#include "safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gopath.h"

enum { MAX_SOURCE = 64 << 20 };

static int add(char ***arr, size_t *n, const char *s, size_t len)
{
	for (size_t i = 0; i < *n; i++)
		if (strlen((*arr)[i]) == len && !memcmp((*arr)[i], s, len))
			return 0;
	char **a = realloc(*arr, (*n + 1) * sizeof(char *));
	if (!a)
		return -ENOMEM;
	*arr = a;
	if (!(a[*n] = strndup(s, len)))
		return -ENOMEM;
	(*n)++;
	return 0;
}

int srcpath_init(struct srcpath *sp, const char *source_path, const char *const *binaries,
		 size_t nbinaries)
{
	memset(sp, 0, sizeof(*sp));
	for (const char *s = source_path; s && *s;) {
		const char *e = strchr(s, ':');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n && add(&sp->dirs, &sp->ndirs, s, n) < 0)
			return -ENOMEM;
		s += n + (e ? 1 : 0);
	}
	char cwd[PATH_MAX];
	if (getcwd(cwd, sizeof(cwd)) && add(&sp->roots, &sp->nroots, cwd, strlen(cwd)) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < nbinaries; i++) {
		const char *b = binaries[i];
		const char *slash = strrchr(b, '/');
		if (b[0] == '/' && slash && add(&sp->roots, &sp->nroots, b, (size_t)(slash - b)) < 0)
			return -ENOMEM;
	}
	return 0;
}

void srcpath_release(struct srcpath *sp)
{
	for (size_t i = 0; i < sp->ndirs; i++)
		free(sp->dirs[i]);
	for (size_t i = 0; i < sp->nroots; i++)
		free(sp->roots[i]);
	free(sp->dirs);
	free(sp->roots);
	memset(sp, 0, sizeof(*sp));
}

static bool load(struct srcfile *f, const char *path)
{
	int fd = safefile_open_read(path);
	if (fd < 0)
		return false;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_SOURCE) {
		close(fd);
		return false;
	}
	size_t size = (size_t)st.st_size;
	char *text = malloc(size + 1);
	size_t got = 0;
	while (text && got < size) {
		ssize_t n = read(fd, text + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!text)
		return false;
	text[got] = 0;
	size_t lines = 0;
	for (size_t i = 0; i < got; i++)
		lines += text[i] == '\n';
	f->line_off = malloc((lines + 2) * sizeof(size_t));
	f->line_len = malloc((lines + 2) * sizeof(size_t));
	f->path = strdup(path);
	if (!f->line_off || !f->line_len || !f->path) {
		free(text);
		srcfile_close(f);
		return false;
	}
	f->text = text;
	f->nlines = 0;
	for (size_t start = 0; start < got;) {
		char *nl = memchr(text + start, '\n', got - start);
		size_t end = nl ? (size_t)(nl - text) : got;
		size_t len = end - start;
		if (nl && len > 0 && text[end - 1] == '\r')
			len--;
		f->line_off[f->nlines] = start;
		f->line_len[f->nlines++] = len;
		start = end + 1;
	}
	return true;
}

static bool try_join(struct srcfile *f, const char *dir, const char *rel)
{
	char *path;
	if (asprintf(&path, "%s/%s", dir, rel) < 0)
		return false;
	bool ok = load(f, path);
	free(path);
	return ok;
}

bool srcfile_open(struct srcfile *f, const struct srcpath *sp, const char *name)
{
	memset(f, 0, sizeof(*f));
	if (!*name)
		return false;
	name += gopath_trim(name, strlen(name));
	/* explicit directories first, with ever shorter tails of the name, so
	 * a tree moved elsewhere is still found */
	for (size_t i = 0; i < sp->ndirs; i++) {
		for (const char *tail = name; tail;) {
			while (*tail == '/')
				tail++;
			if (!*tail)
				break;
			if (strncmp(tail, "../", 3) && try_join(f, sp->dirs[i], tail))
				return true;
			tail = strchr(tail, '/');
		}
	}
	if (name[0] == '/')
		return load(f, name);
	for (size_t i = 0; i < sp->nroots; i++) {
		char *dir = strdup(sp->roots[i]);
		if (!dir)
			return false;
		for (;;) {
			if (try_join(f, dir, name)) {
				free(dir);
				return true;
			}
			char *slash = strrchr(dir, '/');
			if (!slash || slash == dir)
				break;
			*slash = 0;
		}
		free(dir);
	}
	return false;
}

void srcfile_close(struct srcfile *f)
{
	free(f->path);
	free(f->text);
	free(f->line_off);
	free(f->line_len);
	memset(f, 0, sizeof(*f));
}

const char *srcfile_line(const struct srcfile *f, size_t k, size_t *len)
{
	if (k < 1 || k > f->nlines)
		return NULL;
	*len = f->line_len[k - 1];
	return f->text + f->line_off[k - 1];
}
