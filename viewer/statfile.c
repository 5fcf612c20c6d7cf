/* statfile: the JSON is written with one fixed layout and read back by key
 * inside its "total" object, which is all `allocprof check` needs; any JSON
 * tool reads the whole of it. */
#include "statfile.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void stat_run_init(struct stat_run *s)
{
	memset(s, 0, sizeof(*s));
}

void stat_run_release(struct stat_run *s)
{
	free(s->procs);
	stat_run_init(s);
}

int stat_run_add_record(struct stat_run *s, long pid, const char *program, const char *figures)
{
	struct stat_figures p;
	memset(&p, 0, sizeof(p));
	p.pid = pid;
	snprintf(p.program, sizeof(p.program), "%s", program);
	if (sscanf(figures, "allocs=%" SCNu64 " bytes=%" SCNu64 " frees=%" SCNu64 " inuse_objects=%" SCNd64
		   " inuse_bytes=%" SCNd64 " peak_bytes=%" SCNd64,
		   &p.allocs, &p.bytes, &p.frees, &p.inuse_objects, &p.inuse_bytes, &p.peak_bytes) != 6)
		return -EINVAL;
	struct stat_figures *g = realloc(s->procs, (s->nprocs + 1) * sizeof(*g));
	if (!g)
		return -ENOMEM;
	s->procs = g;
	s->procs[s->nprocs++] = p;
	s->total.allocs += p.allocs;
	s->total.bytes += p.bytes;
	s->total.frees += p.frees;
	s->total.inuse_objects += p.inuse_objects;
	s->total.inuse_bytes += p.inuse_bytes;
	s->total.peak_bytes += p.peak_bytes;
	return 0;
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(f, "\\%c", *c);
		else if (*c < 0x20 || *c == 0x7f)
			fprintf(f, "\\u%04x", *c);
		else
			fputc(*c, f);
	}
	fputc('"', f);
}

static void json_figures(FILE *f, const struct stat_figures *p)
{
	fprintf(f, "\"allocs\": %" PRIu64 ", \"bytes\": %" PRIu64 ", \"frees\": %" PRIu64 ", \"inuse_objects\": %" PRId64
		   ", \"inuse_bytes\": %" PRId64 ", \"peak_bytes\": %" PRId64,
		p->allocs, p->bytes, p->frees, p->inuse_objects, p->inuse_bytes, p->peak_bytes);
}

void stat_run_write_json(FILE *f, const struct stat_run *s, char **argv, int exit_status)
{
	fprintf(f, "{\n  \"command\": [");
	for (int i = 0; argv[i]; i++) {
		fprintf(f, "%s", i ? ", " : "");
		json_string(f, argv[i]);
	}
	fprintf(f, "],\n  \"exit_status\": %d,\n  \"processes\": [", exit_status);
	for (size_t i = 0; i < s->nprocs; i++) {
		fprintf(f, "%s\n    {\"pid\": %ld, \"program\": ", i ? "," : "", s->procs[i].pid);
		json_string(f, s->procs[i].program);
		fprintf(f, ", ");
		json_figures(f, &s->procs[i]);
		fprintf(f, "}");
	}
	fprintf(f, "%s],\n  \"total\": {", s->nprocs ? "\n  " : "");
	json_figures(f, &s->total);
	fprintf(f, "}\n}\n");
}

static int key_value(const char *obj, const char *key, int64_t *v)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\"", key);
	const char *k = strstr(obj, pat);
	const char *end = strchr(obj, '}');
	if (!k || (end && k > end))
		return -EINVAL;
	k += strlen(pat);
	while (*k == ' ' || *k == ':' || *k == '\n' || *k == '\t')
		k++;
	char *e;
	errno = 0;
	long long x = strtoll(k, &e, 10);
	if (e == k || errno)
		return -EINVAL;
	*v = x;
	return 0;
}

int stat_json_total(const char *text, struct stat_figures *t)
{
	const char *obj = strstr(text, "\"total\"");
	if (!obj || !(obj = strchr(obj, '{')))
		return -EINVAL;
	int64_t v[6];
	static const char *const keys[] = {"allocs", "bytes", "frees", "inuse_objects", "inuse_bytes", "peak_bytes"};
	for (int i = 0; i < 6; i++)
		if (key_value(obj, keys[i], &v[i]) < 0)
			return -EINVAL;
	memset(t, 0, sizeof(*t));
	t->allocs = (uint64_t)v[0];
	t->bytes = (uint64_t)v[1];
	t->frees = (uint64_t)v[2];
	t->inuse_objects = v[3];
	t->inuse_bytes = v[4];
	t->peak_bytes = v[5];
	return 0;
}
