/* cmd_timeline: `allocprof timeline`, in-use bytes and RSS over the run as
 * one SVG line chart, the peak marked with its top site. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "outfile.h"
#include "peak.h"
#include "timeline.h"

static void help(FILE *f)
{
	fputs("usage: allocprof timeline [OPTIONS] [-o OUT.svg] PROFILE\n"
	      "\n"
	      "Draws the heap over the run as an SVG line chart: the in-use bytes the shim\n"
	      "estimated from its samples (exact with ALLOCPROF_RATE=1) and the process's\n"
	      "RSS, both recorded in the profile (at most 1024 points each, downsampled\n"
	      "keeping the maxima). The peak is marked and labelled with the site that\n"
	      "held the most memory at that moment, taken from the peak profile the shim\n"
	      "writes at exit next to the profile (X.peak.pb.gz for X.pb.gz). Without one,\n"
	      "the label names the biggest site still in use when the profile was written,\n"
	      "and says so. Only profiles written by liballocprof carry a timeline.\n"
	      "\n"
	      "  -o, --output OUT      where to write (default: the profile's name with\n"
	      "                        .timeline.svg for .pb.gz, in the current directory;\n"
	      "                        '-' is standard output)\n"
	      "  --peak FILE           the peak profile to take the top site from\n"
	      "  --width PX            width of the picture (1000)\n"
	      "  --title TEXT          the title (default: program and pid)\n",
	      f);
}

static char *default_title(const struct profile *p)
{
	const char *prog = p->nmappings && p->mappings[0].filename ? profile_str(p, p->mappings[0].filename) : "";
	const char *slash = strrchr(prog, '/');
	prog = slash ? slash + 1 : prog;
	const char *pid = NULL;
	for (size_t i = 0; i < p->ncomments && !pid; i++)
		if (!strncmp(profile_str(p, p->comments[i]), "pid: ", 5))
			pid = profile_str(p, p->comments[i]) + 5;
	char *s = NULL;
	if (asprintf(&s, "Heap over time%s%s%s%s%s", *prog ? ": " : "", prog, pid ? " (pid " : "", pid ? pid : "",
		     pid ? ")" : "") < 0)
		return NULL;
	return s;
}

int cmd_timeline(int argc, char **argv)
{
	static const struct cli_spec spec = {CLI_OUTPUT | CLI_PEAK | CLI_WIDTH | CLI_TITLE, CLI_PROFILE, help};
	struct cli o;
	int rc;
	if (!cli_start(argc, argv, &spec, &o, &rc))
		return rc;
	const char *path = o.path;
	struct profile *p = &o.p;
	rc = 1;
	struct peak_info pk = {0};
	char *dflt = NULL, *title = NULL;
	if (!timeline_present(p)) {
		fprintf(stderr, "allocprof timeline: %s has no timeline (only profiles written by liballocprof carry one)\n",
			path);
		goto out;
	}
	if (peak_find(path, o.peak, p, &pk))
		goto out;
	const char *out = o.output ? o.output : (dflt = outfile_default(path, ".timeline.svg"));
	title = o.title ? strdup(o.title) : default_title(p);
	if (!out || !title) {
		fprintf(stderr, "allocprof: out of memory\n");
		goto out;
	}
	struct timeline_opts to = {o.width ? o.width : TIMELINE_DEFAULT_WIDTH, TIMELINE_DEFAULT_HEIGHT, title,
				   "timeline", true};
	struct outfile of;
	int e = outfile_open(&of, out);
	if (e == 0) {
		e = timeline_write(of.f, p, &pk, &to);
		if (e < 0)
			outfile_abort(&of);
		else
			e = outfile_commit(&of);
	}
	if (e < 0) {
		fprintf(stderr, "allocprof timeline: cannot write %s: %s\n", out, strerror(-e));
		goto out;
	}
	outfile_wrote("timeline", out, "%s%s", pk.site ? "peak site " : "", pk.site ? pk.site : "peak site unknown");
	rc = 0;
out:
	peak_release(&pk);
	free(dflt);
	free(title);
	cli_release(&o);
	return rc;
}
