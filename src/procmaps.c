/* procmaps: /proc/PID/maps reader. */
#include "procmaps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mem.h"

void procmaps_release(struct procmaps *m)
{
	mem_free(m->e, m->cap * sizeof(*m->e));
	mem_free(m->text, m->text_cap);
	memset(m, 0, sizeof(*m));
}

static const char *parse_hex(const char *s, uint64_t *v)
{
	uint64_t x = 0;
	const char *start = s;
	for (;; s++) {
		int d;
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		x = x << 4 | (uint64_t)d;
	}
	*v = x;
	return s == start ? NULL : s;
}

static const char *skip_field(const char *s)
{
	while (*s && *s != ' ')
		s++;
	while (*s == ' ')
		s++;
	return s;
}

static bool parse_line(char *line, struct procmap_entry *e)
{
	/* 55d0c0a00000-55d0c0a02000 r-xp 00002000 08:01 1234   /usr/bin/prog */
	const char *s = parse_hex(line, &e->start);
	if (!s || *s != '-' || !(s = parse_hex(s + 1, &e->end)) || *s != ' ')
		return false;
	s++;
	if (strlen(s) < 4)
		return false;
	e->readable = s[0] == 'r';
	e->writable = s[1] == 'w';
	e->executable = s[2] == 'x';
	s = skip_field(s);
	if (!(s = parse_hex(s, &e->offset)))
		return false;
	s = skip_field(s);
	s = skip_field(s); /* dev */
	uint64_t inode = 0;
	for (; *s >= '0' && *s <= '9'; s++)
		inode = inode * 10 + (uint64_t)(*s - '0');
	e->inode = inode;
	while (*s == ' ')
		s++;
	e->path = s;
	return true;
}

int procmaps_parse(struct procmaps *out, char *text, size_t text_cap)
{
	memset(out, 0, sizeof(*out));
	out->text = text;
	out->text_cap = text_cap;
	for (char *line = text; *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		struct procmap_entry e;
		if (parse_line(line, &e)) {
			if (MEM_GROW(out->e, out->cap, out->n + 1) < 0)
				return -ENOMEM;
			out->e[out->n++] = e;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	return 0;
}

int procmaps_read(pid_t pid, struct procmaps *out)
{
	char path[64];
	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	else
		strcpy(path, "/proc/self/maps");
	memset(out, 0, sizeof(*out));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t cap = 16384, len = 0;
	char *text = mem_alloc(cap);
	int rc = text ? 0 : -ENOMEM;
	while (rc == 0) {
		if (cap - len < 4097) {
			char *n = mem_realloc(text, cap, cap * 2);
			if (!n) {
				rc = -ENOMEM;
				break;
			}
			text = n;
			cap *= 2;
		}
		ssize_t r = read(fd, text + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			rc = -errno;
		else if (r == 0)
			break;
		else
			len += (size_t)r;
	}
	close(fd);
	if (rc < 0) {
		mem_free(text, cap);
		return rc;
	}
	text[len] = 0;
	rc = procmaps_parse(out, text, cap);
	if (rc < 0)
		procmaps_release(out);
	return rc;
}

const struct procmap_entry *procmaps_find(const struct procmaps *m, uint64_t addr)
{
	size_t lo = 0, hi = m->n; /* entries are sorted by start, as the kernel lists them */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (addr < m->e[mid].start)
			hi = mid;
		else if (addr >= m->e[mid].end)
			lo = mid + 1;
		else
			return &m->e[mid];
	}
	return NULL;
}
