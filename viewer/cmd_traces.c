/* cmd_traces: `allocprof traces`, every sample with its labels, value and
 * stack, in the layout of go tool pprof -traces. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "filter.h"
#include "commands.h"
#include "report.h"
#include "units.h"

static const char separator[] = "-----------+-------------------------------------------------------";

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* pprof's NumLabelUnits: per key, the first unit seen; without one, bytes
 * for "alignment" and "request", else the key itself. */
static int num_units(const struct profile *p, struct hmap *units)
{
	hmap_init(units);
	for (size_t i = 0; i < p->nlabels; i++) {
		const struct pf_label *l = &p->labels[i];
		if (!l->str && l->num_unit && hmap_get(units, l->key) == HMAP_EMPTY &&
		    hmap_insert(units, l->key, l->num_unit) < 0)
			return -1;
	}
	return 0;
}

static const char *num_unit(const struct profile *p, const struct hmap *units, uint32_t key)
{
	uint64_t u = hmap_get(units, key);
	if (u != HMAP_EMPTY)
		return profile_str(p, (uint32_t)u);
	const char *k = profile_str(p, key);
	if (!strcmp(k, "alignment") || !strcmp(k, "request"))
		return "bytes";
	return k;
}

struct lab {
	uint32_t key, idx;
};

static int by_key(const void *a, const void *b)
{
	const struct lab *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static bool wanted(const struct pf_label *l, bool numeric)
{
	if (!numeric)
		return l->str != 0;
	return !l->str && (l->num || l->num_unit);
}

/* One "%10s:  v1 v2" line per label key, lines sorted, string labels
 * first: pprof's traces layout. */
static int print_labels(const struct profile *p, const struct hmap *units,
			const struct pf_sample *s, bool numeric)
{
	if (!s->nlabels)
		return 0;
	const struct pf_label *ls = p->labels + s->label_start;
	struct lab *labs = malloc((s->nlabels + 1) * sizeof(*labs));
	char **lines = calloc(s->nlabels + 1, sizeof(char *));
	size_t n = 0, nl = 0;
	int rc = -1;
	if (!labs || !lines)
		goto out;
	for (uint32_t i = 0; i < s->nlabels; i++)
		if (wanted(&ls[i], numeric))
			labs[n++] = (struct lab){ls[i].key, i};
	qsort(labs, n, sizeof(*labs), by_key);
	for (size_t i = 0; i < n;) {
		char *line = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&line, &len);
		if (!f)
			goto out;
		fprintf(f, "%10s: ", profile_str(p, labs[i].key));
		const char *unit = numeric ? num_unit(p, units, labs[i].key) : NULL;
		size_t j = i;
		for (; j < n && labs[j].key == labs[i].key; j++) {
			const struct pf_label *l = &ls[labs[j].idx];
			char b[UNITS_BUF];
			fprintf(f, " %s", numeric ? units_label(l->num, unit, "auto", b) : profile_str(p, l->str));
		}
		i = j;
		if (fclose(f) != 0 || !line)
			goto out;
		lines[nl++] = line;
	}
	qsort(lines, nl, sizeof(char *), cmp_str);
	for (size_t i = 0; i < nl; i++)
		printf("%s\n", lines[i]);
	rc = 0;
out:
	for (size_t i = 0; lines && i < nl; i++)
		free(lines[i]);
	free(lines);
	free(labs);
	return rc;
}

static int traces(struct report *r)
{
	const struct profile *p = r->p;
	const struct graph *g = &r->g;
	char b[UNITS_BUF];
	struct hmap units;
	if (num_units(p, &units) < 0) {
		hmap_release(&units);
		fprintf(stderr, "allocprof: out of memory\n");
		return 1;
	}
	/* go tool pprof merges equal samples and drops empty ones on reading */
	size_t *group = malloc((p->nsamples + 1) * sizeof(size_t));
	int64_t *sum = calloc(p->nsamples + 1, sizeof(int64_t));
	if (!group || !sum || filter_merge(p, group) < 0) {
		free(group);
		free(sum);
		hmap_release(&units);
		fprintf(stderr, "allocprof: out of memory\n");
		return 1;
	}
	for (size_t s = 0; s < p->nsamples; s++)
		if (group[s] != SIZE_MAX)
			sum[group[s]] = i64_add(sum[group[s]], p->values[s * p->ntypes + (size_t)r->value]);
	report_profile_labels(r, stdout);
	for (size_t s = 0; s < p->nsamples; s++) {
		if (group[s] != s || (r->sample_on && !r->sample_on[s]))
			continue;
		const struct pf_sample *sm = &p->samples[s];
		if (sm->nlocs == 0)
			continue;
		printf("%s\n", separator);
		if (print_labels(p, &units, sm, false) < 0 || print_labels(p, &units, sm, true) < 0) {
			free(group);
			free(sum);
			hmap_release(&units);
			fprintf(stderr, "allocprof: out of memory\n");
			return 1;
		}
		const char *v = report_value(r, sum[s], b);
		for (uint32_t li = 0; li < sm->nlocs; li++) {
			uint32_t loc = p->sample_locs[sm->loc_start + li];
			uint32_t first = g->loc_first[loc], n = g->loc_n[loc];
			for (uint32_t k = 0; k < n; k++) {
				printf("%10s   %s%s\n", v, g->nodes[g->locnodes[first + k]].printable,
				       k != n - 1 ? " (inline)" : "");
				v = "";
			}
		}
	}
	printf("%s\n", separator);
	free(group);
	free(sum);
	hmap_release(&units);
	return ferror(stdout) ? 1 : 0;
}

int cmd_traces(int argc, char **argv)
{
	static const struct cli_spec spec = {CLI_SAMPLE | CLI_BY | CLI_FILTER | CLI_MERGE, CLI_PROFILE, NULL};
	struct cli c;
	int rc;
	if (!cli_start(argc, argv, &spec, &c, &rc))
		return rc;
	/* pprof's traces build names without its path trimming */
	c.r.rawpaths = true;
	struct report r;
	rc = report_open(&r, &c.p, &c.r);
	if (!rc)
		rc = traces(&r);
	report_close(&r);
	cli_release(&c);
	return rc;
}
