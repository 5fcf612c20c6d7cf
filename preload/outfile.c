/* outfile: template expansion and no-clobber publication of dump files. */
#include "outfile.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "../src/safefile.h"

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

/* seq_text: what %n becomes */
static int expand(const char *tmpl, const char *seq_text, char *out, size_t cap)
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
				rc = append(out, cap, &len, seq_text, strlen(seq_text));
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

int outfile_expand(const char *tmpl, unsigned seq, char *out, size_t cap)
{
	char num[16];
	log_format(num, sizeof(num), "%u", seq);
	return expand(tmpl, num, out, cap);
}

int outfile_expand_peak(const char *tmpl, char *out, size_t cap)
{
	bool numbered = false;
	for (const char *t = tmpl; *t; t++)
		if (*t == '%' && t[1])
			numbered |= *++t == 'n';
	int rc = expand(tmpl, "peak", out, cap);
	if (rc < 0 || numbered)
		return rc;
	/* "x.pb.gz" -> "x.peak.pb.gz"; any other name gets ".peak" appended */
	size_t n = strlen(out);
	size_t stem = n >= 6 && !strcmp(out + n - 6, ".pb.gz") ? n - 6 : n;
	if (n + 6 > cap)
		return -ENAMETOOLONG;
	memmove(out + stem + 5, out + stem, n - stem + 1);
	memcpy(out + stem, ".peak", 5);
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
	struct safefile sf;
	if (strlen(path) + 24 > cap)
		return -ENAMETOOLONG;
	int rc = safefile_create(&sf, path, 0644);
	if (rc < 0)
		return rc;
	if ((rc = safefile_write(&sf, data, len)) < 0) {
		safefile_abort(&sf);
		return rc;
	}
	strcpy(final, path);
	for (unsigned k = 1;; k++) {
		rc = safefile_publish(&sf, final, false);
		if (rc != -EEXIST || k >= 10000)
			break;
		if ((rc = suffixed(path, k, final, cap)) < 0)
			break;
	}
	safefile_abort(&sf);
	return rc;
}

int outfile_replace(const char *path, const void *data, size_t len)
{
	struct safefile sf;
	int rc = safefile_create(&sf, path, 0644);
	if (rc < 0)
		return rc;
	if ((rc = safefile_write(&sf, data, len)) == 0)
		rc = safefile_publish(&sf, path, true);
	safefile_abort(&sf);
	return rc;
}
