/* figures: from a profile, the totals are its alloc_objects, alloc_space and
 * inuse_space sums, and the peak the shim's "peak in use: N bytes" comment,
 * found in the profile or in the peak profile written beside it
 * (X.peak.pb.gz). A sampled total's error comes from estimate.c; the peak's
 * and the object count's are not in it, and are taken from the sampling
 * itself: N bytes sampled at mean rate R are about N/R samples, so their
 * standard error is about sqrt(N R); an object count gets the relative
 * error of its bytes. */
#include "figures.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "estimate.h"
#include "pprof_read.h"
#include "statfile.h"

const char *const figure_names[FIG_COUNT] = {"allocs", "bytes", "peak", "inuse"};

void figures_release(struct figures *f)
{
	for (size_t i = 0; i < f->nsites; i++)
		free(f->sites[i].name);
	free(f->sites);
	memset(f, 0, sizeof(*f));
}

const struct site_figures *figures_site(const struct figures *f, const char *name)
{
	for (size_t i = 0; i < f->nsites; i++)
		if (!strcmp(f->sites[i].name, name))
			return &f->sites[i];
	return NULL;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (n < cap)
			break;
		char *g = realloc(buf, (cap *= 2) + 1);
		if (!g) {
			free(buf);
			buf = NULL;
		}
		buf = g;
	}
	fclose(f);
	if (buf)
		buf[n] = 0;
	*len = n;
	return buf;
}

static bool peak_comment(const struct profile *p, int64_t *bytes)
{
	for (size_t i = 0; i < p->ncomments; i++) {
		long long v;
		if (sscanf(profile_str(p, p->comments[i]), "peak in use: %lld bytes", &v) == 1) {
			*bytes = v;
			return true;
		}
	}
	return false;
}

static bool sibling_peak(const char *path, int64_t *bytes)
{
	size_t n = strlen(path);
	if (n < 6 || strcmp(path + n - 6, ".pb.gz") || (n >= 11 && !strcmp(path + n - 11, ".peak.pb.gz")))
		return false;
	char *peak = malloc(n + 6);
	if (!peak)
		return false;
	snprintf(peak, n + 6, "%.*s.peak.pb.gz", (int)(n - 6), path);
	struct profile p;
	struct pprof_error err;
	bool ok = false;
	if (pprof_read_file(peak, &p, &err) == 0) { /* it initialises p, and releases it on failure */
		ok = peak_comment(&p, bytes);
		profile_release(&p);
	}
	free(peak);
	return ok;
}

static bool system_library(const char *file)
{
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	return !strncmp(file, "/lib/", 5) || !strncmp(file, "/lib64/", 7) || !strncmp(file, "/usr/lib/", 9) ||
	       !strncmp(file, "/usr/lib64/", 11) || !strncmp(base, "liballocprof", 12) || !strncmp(base, "ld-linux", 8);
}

/* "func file:line" of location l's innermost line, or NULL without one */
static char *location_name(const struct profile *p, uint32_t l)
{
	const struct pf_location *loc = &p->locations[l];
	char *s;
	if (!loc->nlines) {
		/* not symbolized: the binary and the address still tell sites apart */
		const char *bin = loc->mapping < p->nmappings ? profile_str(p, p->mappings[loc->mapping].filename) : "";
		const char *slash = strrchr(bin, '/');
		return asprintf(&s, "%s+0x%llx", *bin ? (slash ? slash + 1 : bin) : "?",
				(unsigned long long)(loc->address - (loc->mapping < p->nmappings ? p->mappings[loc->mapping].start : 0))) < 0 ? NULL : s;
	}
	const struct pf_line *ln = &p->lines[loc->line_start];
	const struct pf_function *fn = &p->functions[ln->function];
	const char *file = profile_str(p, fn->filename), *slash = strrchr(file, '/');
	int rc = *file && ln->line > 0 ? asprintf(&s, "%s %s:%lld", profile_str(p, fn->name), slash ? slash + 1 : file, (long long)ln->line)
				       : asprintf(&s, "%s", profile_str(p, fn->name));
	return rc < 0 ? NULL : s;
}

static bool is_system_location(const struct profile *p, uint32_t l)
{
	uint32_t m = p->locations[l].mapping;
	return m != PF_NONE && m < p->nmappings && system_library(profile_str(p, p->mappings[m].filename));
}

static int add_site(struct figures *f, char *name, int64_t allocs, int64_t bytes)
{
	for (size_t i = 0; i < f->nsites; i++)
		if (!strcmp(f->sites[i].name, name)) {
			f->sites[i].allocs += allocs;
			f->sites[i].bytes += bytes;
			free(name);
			return 0;
		}
	struct site_figures *g = realloc(f->sites, (f->nsites + 1) * sizeof(*g));
	if (!g) {
		free(name);
		return -ENOMEM;
	}
	f->sites = g;
	f->sites[f->nsites++] = (struct site_figures){name, allocs, bytes};
	return 0;
}

static int load_profile(const char *path, struct figures *out)
{
	struct profile p;
	if (cli_load(path, &p))
		return 1;
	int objects = profile_sample_type_index(&p, "alloc_objects"), space = profile_sample_type_index(&p, "alloc_space");
	int inuse = profile_sample_type_index(&p, "inuse_space");
	if (objects < 0 || space < 0) {
		fprintf(stderr, "allocprof: %s: not an allocation profile (no alloc_objects and alloc_space)\n", path);
		profile_release(&p);
		return 1;
	}
	out->sampled = estimate_profile_sampled(&p);
	double rate = out->sampled ? (double)p.period : 0;
	struct estimate e;
	estimate_total(&p, space, NULL, &e);
	out->f[FIG_BYTES] = (struct figure){e.value, true, e.error > 0 ? e.error / 2 : 0};
	double rel = e.value > 0 ? out->f[FIG_BYTES].sigma / (double)e.value : 0;
	estimate_total(&p, objects, NULL, &e);
	out->f[FIG_ALLOCS] = (struct figure){e.value, true, e.error > 0 ? e.error / 2 : rel * (double)e.value};
	if (inuse >= 0) {
		estimate_total(&p, inuse, NULL, &e);
		out->f[FIG_INUSE] = (struct figure){e.value, true, e.error > 0 ? e.error / 2 : 0};
	}
	int64_t peak;
	if (peak_comment(&p, &peak) || sibling_peak(path, &peak))
		out->f[FIG_PEAK] = (struct figure){peak, true, sqrt((double)(peak > 0 ? peak : 0) * rate)};
	for (size_t s = 0; s < p.nsamples; s++) {
		const struct pf_sample *sm = &p.samples[s];
		char *name = NULL;
		for (uint32_t k = 0; k < sm->nlocs && !name; k++) {
			uint32_t l = p.sample_locs[sm->loc_start + k];
			if (!is_system_location(&p, l))
				name = location_name(&p, l);
		}
		if (!name && sm->nlocs)
			name = location_name(&p, p.sample_locs[sm->loc_start]);
		if (!name && asprintf(&name, "(unknown)") < 0)
			name = NULL;
		if (!name || add_site(out, name, p.values[s * p.ntypes + (size_t)objects], p.values[s * p.ntypes + (size_t)space]) < 0) {
			fprintf(stderr, "allocprof: out of memory\n");
			profile_release(&p);
			return 1;
		}
	}
	profile_release(&p);
	return 0;
}

int figures_load(const char *path, struct figures *out)
{
	memset(out, 0, sizeof(*out));
	size_t len = 0;
	char *text = slurp(path, &len);
	if (!text) {
		fprintf(stderr, "allocprof: %s: %s\n", path, strerror(errno));
		return 1;
	}
	const char *c = text;
	while (*c == ' ' || *c == '\n' || *c == '\t' || *c == '\r')
		c++;
	if (*c != '{') {
		free(text);
		return load_profile(path, out);
	}
	struct stat_figures t;
	int rc = stat_json_total(text, &t);
	free(text);
	if (rc < 0) {
		fprintf(stderr, "allocprof: %s: not the JSON of allocprof stat --json (no \"total\" with its six figures)\n", path);
		return 1;
	}
	out->f[FIG_ALLOCS] = (struct figure){(int64_t)t.allocs, true, 0};
	out->f[FIG_BYTES] = (struct figure){(int64_t)t.bytes, true, 0};
	out->f[FIG_PEAK] = (struct figure){t.peak_bytes, true, 0};
	out->f[FIG_INUSE] = (struct figure){t.inuse_bytes, true, 0};
	return 0;
}
