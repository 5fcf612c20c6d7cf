/* peak: a peak profile is recognised by the shim's comment "peak in use: N
 * bytes, T ms after start"; one found next to the profile counts only when
 * its pid and command comments are the profile's, so a stale file from an
 * earlier run is never mistaken for this run's peak. */
#include "peak.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "report.h"
#include "site.h"
#include "units.h"

static const char peak_comment[] = "peak in use: ";

static const char *comment_with(const struct profile *p, const char *prefix)
{
	for (size_t i = 0; i < p->ncomments; i++) {
		const char *c = profile_str(p, p->comments[i]);
		if (!strncmp(c, prefix, strlen(prefix)))
			return c;
	}
	return NULL;
}

static bool same_comment(const struct profile *a, const struct profile *b, const char *prefix)
{
	const char *x = comment_with(a, prefix), *y = comment_with(b, prefix);
	return x && y && !strcmp(x, y);
}

/* The site that held the most in-use bytes (site.h), with the library
 * frame it called ("sqlite3Malloc (via [libsqlite3.so])"). */
static void top_site(struct profile *p, struct peak_info *pk)
{
	const char *type = profile_sample_type_index(p, "inuse_space") >= 0 ? "inuse_space" : NULL;
	pk->site = site_biggest(p, type, &pk->site_value, &pk->site_total);
}

/* "x.pb.gz" -> "x.peak.pb.gz", "x.3.pb.gz" -> also "x.peak.3.pb.gz". */
static char *candidate(const char *path, int which)
{
	size_t n = strlen(path);
	if (n < 6 || strcmp(path + n - 6, ".pb.gz"))
		return NULL;
	size_t stem = n - 6;
	char *out = NULL;
	if (which == 0) {
		if (asprintf(&out, "%.*s.peak.pb.gz", (int)stem, path) < 0)
			return NULL;
		return out;
	}
	/* a numbered file: the number went after .peak */
	size_t d = stem;
	while (d > 0 && path[d - 1] >= '0' && path[d - 1] <= '9')
		d--;
	if (d == stem || d == 0 || path[d - 1] != '.')
		return NULL;
	if (asprintf(&out, "%.*s.peak.%.*s.pb.gz", (int)(d - 1), path, (int)(stem - d), path + d) < 0)
		return NULL;
	return out;
}

static void from_comment(const struct profile *p, struct peak_info *pk)
{
	const char *c = comment_with(p, peak_comment);
	long long bytes, ms;
	if (c && sscanf(c + strlen(peak_comment), "%lld bytes, %lld ms", &bytes, &ms) == 2) {
		pk->bytes = bytes;
		pk->ms = ms;
		estimate_total(p, profile_sample_type_index(p, "inuse_space"), NULL, &pk->estimate);
	}
}

int peak_find(const char *path, const char *explicit_peak, struct profile *p, struct peak_info *pk)
{
	memset(pk, 0, sizeof(*pk));
	pk->bytes = pk->ms = -1;
	pk->ours = comment_with(p, "allocprof ") && comment_with(p, "pid: ");
	struct profile q;
	if (explicit_peak) {
		if (cli_load(explicit_peak, &q))
			return 1;
		pk->path = strdup(explicit_peak);
	} else if (comment_with(p, peak_comment)) {
		pk->path = strdup(path);
		pk->from_peak = true;
		from_comment(p, pk);
		top_site(p, pk);
		(void)!asprintf(&pk->source, "the profile is a peak profile");
		return 0;
	} else {
		for (int which = 0; which < 2 && !pk->path; which++) {
			char *c = candidate(path, which);
			if (c && access(c, R_OK) == 0 && !cli_load(c, &q)) {
				if (comment_with(&q, peak_comment) && same_comment(p, &q, "pid: ") &&
				    same_comment(p, &q, "command: "))
					pk->path = c, c = NULL;
				else
					profile_release(&q);
			}
			free(c);
		}
	}
	if (pk->path) {
		pk->from_peak = true;
		from_comment(&q, pk);
		top_site(&q, pk);
		profile_release(&q);
		const char *slash = strrchr(pk->path, '/');
		(void)!asprintf(&pk->source, "peak and its top site from %s", slash ? slash + 1 : pk->path);
		return 0;
	}
	top_site(p, pk);
	const char *slash = strrchr(path, '/');
	(void)!asprintf(&pk->source, "no peak profile next to %s: the site named is the biggest still in use "
				     "when it was written",
			slash ? slash + 1 : path);
	return 0;
}

void peak_release(struct peak_info *pk)
{
	free(pk->path);
	free(pk->site);
	free(pk->source);
	memset(pk, 0, sizeof(*pk));
}
