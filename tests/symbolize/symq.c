/* symq: prints what symbolization put in a profile, for the shell tests:
 *   symq FILE              V1 V2 V3 V4<TAB>loc|loc|... (leaf first); a loc is
 *                          frame+frame+... innermost inlined callee first, a
 *                          frame NAME@FILE_BASENAME:LINE, or 0xADDR
 *   symq --full FILE       the same with whole file names
 *   symq --functions FILE  NAME<TAB>SYSTEM_NAME<TAB>FILE<TAB>START_LINE
 *   symq --mappings FILE   FILE BUILD_ID FLAGS (F L N I or -) */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pprof_read.h"

static void print_loc(const struct profile *p, const struct pf_location *l, bool full)
{
	if (!l->nlines) {
		printf("0x%" PRIx64, l->address);
		return;
	}
	for (uint32_t k = 0; k < l->nlines; k++) {
		const struct pf_line *ln = &p->lines[l->line_start + k];
		const struct pf_function *f = &p->functions[ln->function];
		const char *file = profile_str(p, f->filename);
		const char *base = strrchr(file, '/');
		printf("%s%s@%s:%" PRId64, k ? "+" : "", profile_str(p, f->name),
		       full || !base ? file : base + 1, ln->line);
	}
}

int main(int argc, char **argv)
{
	const char *mode = argc == 3 ? argv[1] : "";
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: symq [--full|--functions|--mappings] FILE\n");
		return 2;
	}
	struct profile p;
	struct pprof_error err;
	if (pprof_read_file(argv[argc - 1], &p, &err) < 0) {
		fprintf(stderr, "symq: %s\n", err.msg);
		return 1;
	}
	if (!strcmp(mode, "--functions")) {
		for (size_t i = 0; i < p.nfunctions; i++) {
			const struct pf_function *f = &p.functions[i];
			printf("%s\t%s\t%s\t%" PRId64 "\n", profile_str(&p, f->name),
			       profile_str(&p, f->system_name), profile_str(&p, f->filename), f->start_line);
		}
	} else if (!strcmp(mode, "--mappings")) {
		for (size_t i = 0; i < p.nmappings; i++) {
			const struct pf_mapping *m = &p.mappings[i];
			printf("%s %s %s%s%s%s\n", profile_str(&p, m->filename), profile_str(&p, m->build_id),
			       m->has_functions ? "F" : "-", m->has_filenames ? "L" : "-",
			       m->has_line_numbers ? "N" : "-", m->has_inline_frames ? "I" : "-");
		}
	} else {
		bool full = !strcmp(mode, "--full");
		for (size_t i = 0; i < p.nsamples; i++) {
			const int64_t *v = profile_sample_values(&p, i);
			for (size_t t = 0; t < p.ntypes; t++)
				printf("%s%" PRId64, t ? " " : "", v[t]);
			putchar('\t');
			const struct pf_sample *s = &p.samples[i];
			for (uint32_t k = 0; k < s->nlocs; k++) {
				if (k)
					putchar('|');
				print_loc(&p, &p.locations[p.sample_locs[s->loc_start + k]], full);
			}
			putchar('\n');
		}
	}
	profile_release(&p);
	return 0;
}
