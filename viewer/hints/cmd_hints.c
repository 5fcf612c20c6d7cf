/* cmd_hints: `allocprof hints`: the allocation sites where a pool, a reserve
 * or a reused buffer would remove allocations, ranked by what they would
 * remove, from the fate labels liballocprof writes. Options take the same
 * spellings as the other report commands (GNU and pprof's). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "hintout.h"
#include "hintset.h"
#include "report.h"
#include "rules.h"
#include "sites.h"

#ifndef ALLOCPROF_VERSION
#define ALLOCPROF_VERSION "0.1.0"
#endif

static void usage(FILE *f)
{
	fputs("usage: allocprof hints [OPTIONS] PROFILE...\n"
	      "\n"
	      "Lists the allocation sites (the program's own line, as `allocprof top --by\n"
	      "site` names them) where a common fix would remove allocations: the fix, the\n"
	      "evidence with its numbers, and the bytes and objects the profile says the\n"
	      "fix would remove, ranked by those, under the totals they are a share of.\n"
	      "It reads what liballocprof records about every sampled block (lifetimes,\n"
	      "frees by the same thread and function, realloc chains, sizes). A profile\n"
	      "without those labels (allocprof before " ALLOCPROF_VERSION ", Go, other tools) is\n"
	      "refused with exit status 1; `allocprof top --by line` still reads it.\n"
	      "\n"
	      "  --sample-index alloc_space|alloc_objects\n"
	      "                        rank by bytes removed (default) or objects removed;\n"
	      "                        -alloc_space and -alloc_objects say the same\n"
	      "  --by line|function    a site is a line (default) or a whole function;\n"
	      "                        also -lines, -functions\n"
	      "  --noinlines           attribute inlined frames to the function they were\n"
	      "                        inlined into\n"
	      "  -n, --nodecount N     show at most N hints\n"
	      "  --min-share F         hide hints removing less than F of the profile's total\n"
	      "                        (bytes or objects, as ranked; default 0.005, 0 shows\n"
	      "                        all); --nodefraction F says the same\n"
	      "  --focus RE            keep only samples with a frame matching RE (function\n"
	      "                        name, file name or binary)\n"
	      "  --ignore RE           drop samples with a frame matching RE\n"
	      "  --hide RE             take the frames matching RE out of the stacks\n"
	      "  --tagfocus [KEY=]RE   keep only samples with a label KEY matching RE\n"
	      "                        (thread=worker-2, request=GET; see allocprof help top)\n"
	      "  --tagignore [KEY=]RE  drop samples with such a label\n"
	      "  --tsv                 tab-separated rows with every figure of each site,\n"
	      "                        for scripts\n"
	      "\n", f);
	fprintf(f,
		"Rules, tried in this order; a site gets the first that applies. \"Most\" is\n"
		"%g%%; a hint must remove at least %g objects.\n"
		"  reserve      its blocks come from realloc chains taking %g or more reallocs\n"
		"               each on average: reserve the final size. Removes the\n"
		"               reallocs and the blocks they moved out of.\n"
		"  scratch      most of its objects are freed by the function that allocated\n"
		"               them; or most are freed, most by the same thread, and the\n"
		"               place most were freed is a caller on the allocating stack;\n"
		"               and no thread ever held two of its blocks at once\n"
		"               (live_max_thread), and its function does\n"
		"               not call itself on stacks of more than %g%% of its objects:\n"
		"               a local variable (fixed size up to %gB) or one buffer reused\n"
		"               across calls. Removes the objects freed that way.\n"
		"  pool         fixed size, most objects freed, most by the same thread: a\n"
		"               free list per thread. Removes the objects freed by it, less\n"
		"               the most live at once (those the list must first be filled\n"
		"               with; likewise for shared-pool and size-class).\n"
		"  shared-pool  fixed size, most freed, more than %g%% of the frees by other\n"
		"               threads: harder, a pool shared by the threads. Removes the\n"
		"               freed objects.\n"
		"  arena        sizes vary, most freed within %s, most by the same thread:\n"
		"               a per-thread arena. Removes those objects.\n"
		"  size-class   sizes vary up to %gB, most freed, most by the same thread:\n"
		"               a free list per size class. Removes the objects freed by it.\n"
		"A site freed by its own function or a caller whose blocks live at once\n"
		"gets a pool, arena or size-class hint, or none; never one buffer.\n"
		"Counts at a sampled rate that rest on fewer than 20 samples say so (\xc2\xb1"
		"NN%%).\n"
		"Bytes removed are the site's bytes in proportion to the objects removed\n"
		"(reserve: the blocks moved out of). Figures are estimates at a sampled rate\n"
		"and exact at ALLOCPROF_RATE=1; shares are of the whole profile, also with\n"
		"--focus or --ignore.\n",
		RULE_MOST * 100, RULE_MIN_OBJECTS, RULE_MIN_REALLOCS, 100 - RULE_MOST * 100, RULE_STACK_MAX,
		100 - RULE_MOST * 100, site_life_bounds[RULE_SHORT_BUCKET], RULE_SMALL);
}

/* The ranking type by name: a name or the number of a sample type. NULL
 * (after a message) when it is not one hints can rank by. */
static const char *ranking(const struct profile *p, const char *want)
{
	if (!want)
		return "alloc_space";
	char *end;
	long n = strtol(want, &end, 10);
	if (*want && !*end && n >= 0 && (size_t)n < p->ntypes)
		want = profile_str(p, p->sample_types[n].type);
	if (!strcmp(want, "alloc_space") || !strcmp(want, "alloc_objects"))
		return want;
	cli_usage_error("hints", "hints rank by alloc_space or alloc_objects, not '%s'", want);
	return NULL;
}

static int hints(struct profile *p, struct cli *o)
{
	const char *rank = ranking(p, o->r.sample_index);
	if (!rank)
		return 2;
	int obj = profile_sample_type_index(p, "alloc_objects");
	int space = profile_sample_type_index(p, "alloc_space");
	if (obj < 0 || space < 0) {
		fprintf(stderr, "allocprof: %s: hints need the alloc_objects and alloc_space sample types "
				"of the profile a program writes at exit; this one has", o->path);
		for (size_t i = 0; i < p->ntypes; i++)
			fprintf(stderr, "%s %s", i ? "," : "", profile_str(p, p->sample_types[i].type));
		fprintf(stderr, "%s\n", p->ntypes ? "" : " none");
		return 1;
	}
	o->r.sample_index = rank;
	struct report r;
	struct sites s = {0};
	struct hintset hs = {0};
	int rc = report_open(&r, p, &o->r);
	if (!rc && sites_collect(&s, &r, obj, space) < 0) {
		fprintf(stderr, "allocprof: out of memory\n");
		rc = 1;
	}
	if (!rc && !s.fate_labels) {
		fprintf(stderr, "allocprof: %s: no lifetime labels (size_min, freed, lifetime_le_*, "
				"realloc_*): hints need a profile written by liballocprof " ALLOCPROF_VERSION
				" or later; 'allocprof top --by line' shows where it allocates\n", o->path);
		rc = 1;
	}
	if (!rc && hintset_build(&hs, &s, !strcmp(rank, "alloc_objects"), o->min_share,
				 o->r.nodecount) < 0) {
		fprintf(stderr, "allocprof: out of memory\n");
		rc = 1;
	}
	if (!rc) {
		if (o->tsv)
			hintout_tsv(stdout, &r, &hs);
		else
			hintout_text(stdout, &r, &hs);
		report_hint_names(&r, o->path);
		if (fflush(stdout) != 0 || ferror(stdout))
			rc = 1;
	}
	hintset_release(&hs);
	sites_release(&s);
	report_close(&r);
	return rc;
}

int cmd_hints(int argc, char **argv)
{
	static const struct cli_spec spec = {CLI_SAMPLE | CLI_BY | CLI_FILTER | CLI_HINTS | CLI_MERGE, CLI_PROFILE, usage};
	struct cli c;
	int rc;
	if (!cli_start(argc, argv, &spec, &c, &rc))
		return rc;
	rc = hints(&c.p, &c);
	cli_release(&c);
	return rc;
}
