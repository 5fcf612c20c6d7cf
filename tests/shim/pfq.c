/* pfq: prints a profile's samples one per line for shell tests:
 *   V1 V2 ... Vn<TAB>frame;frame;...   (leaf first, inlined frames expanded)
 * a frame is FUNCTION@FILE_BASENAME:LINE, or 0xADDR when unsymbolized.
 * pfq --comments FILE prints the comments; pfq --types FILE the sample types;
 * pfq --mappings FILE prints "start limit offset file build_id flags";
 * pfq --labels FILE prints samples as above with a third field of labels,
 *   key=NUM or key="STR", separated by commas;
 * pfq --timeline FILE prints the timeline points: "inuse|rss T_NS VALUE";
 * pfq --rel FILE prints samples as above, but a frame without a name as
 *   BINARY+0xOFFSET (its place in its file: the same from run to run). */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "pprof_read.h"

static bool relative;

static void print_frame(const struct profile *p, const struct pf_location *l, int *first)
{
	if (l->nlines == 0 && relative && l->mapping != PF_NONE) {
		const struct pf_mapping *m = &p->mappings[l->mapping];
		const char *file = profile_str(p, m->filename);
		const char *base = strrchr(file, '/');
		printf("%s%s+0x%" PRIx64, *first ? "" : ";", base ? base + 1 : file,
		       l->address - m->start + m->offset);
		*first = 0;
		return;
	}
	if (l->nlines == 0) {
		printf("%s0x%" PRIx64, *first ? "" : ";", l->address);
		*first = 0;
		return;
	}
	for (uint32_t k = 0; k < l->nlines; k++) {
		const struct pf_line *ln = &p->lines[l->line_start + k];
		const struct pf_function *f = &p->functions[ln->function];
		const char *file = profile_str(p, f->filename);
		const char *base = strrchr(file, '/');
		printf("%s%s@%s:%" PRId64, *first ? "" : ";", profile_str(p, f->name),
		       base ? base + 1 : file, ln->line);
		*first = 0;
	}
}

int main(int argc, char **argv)
{
	const char *mode = argc == 3 ? argv[1] : "";
	const char *path = argv[argc - 1];
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: pfq [--comments|--types|--mappings] FILE\n");
		return 2;
	}
	struct profile p;
	struct pprof_error err;
	if (pprof_read_file(path, &p, &err) < 0) {
		fprintf(stderr, "pfq: %s\n", err.msg);
		return 1;
	}
	if (!strcmp(mode, "--comments")) {
		for (size_t i = 0; i < p.ncomments; i++)
			printf("%s\n", profile_str(&p, p.comments[i]));
	} else if (!strcmp(mode, "--types")) {
		for (size_t i = 0; i < p.ntypes; i++)
			printf("%s/%s\n", profile_str(&p, p.sample_types[i].type),
			       profile_str(&p, p.sample_types[i].unit));
		printf("default %s period %" PRId64 " %s/%s\n", profile_str(&p, p.default_sample_type),
		       p.period, profile_str(&p, p.period_type.type), profile_str(&p, p.period_type.unit));
	} else if (!strcmp(mode, "--mappings")) {
		for (size_t i = 0; i < p.nmappings; i++) {
			const struct pf_mapping *m = &p.mappings[i];
			printf("%" PRIx64 " %" PRIx64 " %" PRIx64 " %s %s %s%s%s%s\n", m->start, m->limit,
			       m->offset, profile_str(&p, m->filename), profile_str(&p, m->build_id),
			       m->has_functions ? "F" : "-", m->has_filenames ? "L" : "-",
			       m->has_line_numbers ? "N" : "-", m->has_inline_frames ? "I" : "-");
		}
	} else if (!strcmp(mode, "--timeline")) {
		for (size_t i = 0; i < p.ntimeline_inuse; i++)
			printf("inuse %" PRId64 " %" PRId64 "\n", p.timeline_inuse[i].t_ns, p.timeline_inuse[i].value);
		for (size_t i = 0; i < p.ntimeline_rss; i++)
			printf("rss %" PRId64 " %" PRId64 "\n", p.timeline_rss[i].t_ns, p.timeline_rss[i].value);
	} else {
		bool labels = !strcmp(mode, "--labels");
		relative = !strcmp(mode, "--rel");
		for (size_t i = 0; i < p.nsamples; i++) {
			const int64_t *v = profile_sample_values(&p, i);
			for (size_t t = 0; t < p.ntypes; t++)
				printf("%s%" PRId64, t ? " " : "", v[t]);
			putchar('\t');
			int first = 1;
			const struct pf_sample *s = &p.samples[i];
			for (uint32_t k = 0; k < s->nlocs; k++)
				print_frame(&p, &p.locations[p.sample_locs[s->loc_start + k]], &first);
			if (labels) {
				putchar('\t');
				for (uint32_t k = 0; k < s->nlabels; k++) {
					const struct pf_label *l = &p.labels[s->label_start + k];
					if (l->str)
						printf("%s%s=\"%s\"", k ? "," : "", profile_str(&p, l->key), profile_str(&p, l->str));
					else
						printf("%s%s=%" PRId64, k ? "," : "", profile_str(&p, l->key), l->num);
				}
			}
			putchar('\n');
		}
	}
	profile_release(&p);
	return 0;
}
