/* cmd_report: `allocprof report`, one self-contained HTML file with the
 * summary, top tables, flame graphs and timeline of a profile, and the
 * changes since a base profile when one is given. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "flame.h"
#include "kinds.h"
#include "outfile.h"
#include "peak.h"
#include "report_html.h"

static void help(FILE *f)
{
	fputs("usage: allocprof report [OPTIONS] [-o OUT.html] PROFILE [BASE]\n"
	      "       allocprof report [OPTIONS] [-o OUT.html] [--diff BASE] PROFILE...\n"
	      "\n"
	      "Two operands are PROFILE and BASE; three or more, or any number with\n"
	      "--diff BASE, are profiles merged into one, as go tool pprof merges them.\n"
	      "\n"
	      "Writes one HTML file that opens from disk in any browser with no network\n"
	      "and no server (style, script and pictures inline):\n"
	      "  - Summary: the total of every sample type, what was run (the profile's\n"
	      "    comments), the peak and the site that held the most then, the\n"
	      "    resident memory (RSS) row by row, and the biggest allocation sites\n"
	      "    (leaf function and line);\n"
	      "  - Top: the table of `allocprof top`, sortable by clicking a column and\n"
	      "    filtered by a regular expression;\n"
	      "  - Flame graph: as `allocprof flame` (click to zoom, search box);\n"
	      "  - Timeline: in-use bytes and RSS over the run, as `allocprof timeline`;\n"
	      "  - Changes (with BASE): totals of BASE and PROFILE side by side, the top\n"
	      "    table of PROFILE - BASE (as `allocprof diff`) and a differential flame\n"
	      "    graph (red grew, blue shrank).\n"
	      "A selector at the top switches every table and flame graph to another\n"
	      "sample type (alloc_space, alloc_objects, inuse_space, ...). Flame graphs of\n"
	      "the types not selected are left out when they would make the page bigger\n"
	      "than about 24 MB (the page says how to draw them).\n"
	      "\n"
	      "  -o, --output OUT      where to write (default: the profile's name with\n"
	      "                        .html for .pb.gz, in the current directory; '-' is\n"
	      "                        standard output)\n"
	      "  --diff BASE           the base profile (the same as the BASE operand);\n"
	      "                        also --diff-base BASE, pprof's -diff_base=BASE\n"
	      "  --peak FILE           the peak profile (default: X.peak.pb.gz next to\n"
	      "                        X.pb.gz, when the same process wrote it)\n"
	      "  --sample-index TYPE   the sample type selected when the page opens\n"
	      "                        (default: the profile's default type);\n"
	      "                        --alloc_space, --alloc_objects, --inuse_space,\n"
	      "                        --inuse_objects are short for it\n"
	      "  --by function|line|file|filefunctions|address\n"
	      "                        what a row and a frame stand for (default:\n"
	      "                        function); also -lines, -files, ...\n"
	      "  --noinlines           attribute inlined frames to their caller\n"
	      "  -n, --nodecount N     at most N rows per top table (default: all, up\n"
	      "                        to 2000)\n"
	      "  --nodefraction F      leave out rows whose cum is below F of the total\n"
	      "                        (0.005, as top)\n"
	      "  --edgefraction F      call edges below F of the total do not count for\n"
	      "                        the (inline) marks of the rows (0.001, as top)\n"
	      "  --focus RE, --ignore RE\n"
	      "                        keep only / drop samples with a frame matching RE\n"
	      "  --hide RE             take the frames matching RE out of the stacks\n"
	      "  --tagfocus [KEY=]RE, --tagignore [KEY=]RE\n"
	      "                        keep or drop samples by label (see allocprof help top)\n"
	      "  --width PX            width of the flame graphs (1200)\n"
	      "  --min-width PX        flame frames narrower than this are merged (1)\n"
	      "  --title TEXT          the page's title\n",
	      f);
}

int cmd_report(int argc, char **argv)
{
	static const struct cli_spec spec = {CLI_SAMPLE | CLI_BY | CLI_NODES | CLI_FILTER | CLI_OUTPUT | CLI_DIFF |
						     CLI_BASE | CLI_PEAK | CLI_WIDTH | CLI_MINW | CLI_TITLE | CLI_MERGE,
					     CLI_PROFILE_BASE, help};
	struct cli o;
	int rc;
	if (!cli_start(argc, argv, &spec, &o, &rc))
		return rc;
	const char *path = o.path, *base_path = o.base_path;
	char *dflt = o.output ? NULL : outfile_default(path, ".html");
	const char *out = o.output ? o.output : dflt;
	struct peak_info pk = {0};
	rc = 1;
	if (!out) {
		fprintf(stderr, "allocprof: out of memory\n");
		goto done;
	}
	if (o.has_base) {
		if (!kinds_comparable("report", &o.base, base_path, &o.p, path))
			goto done;
		kinds_warn_one_sided("report", &o.base, base_path, &o.p, path);
	}
	if (peak_find(path, o.peak, &o.p, &pk))
		goto done;
	/* rows: all of them unless -n says otherwise */
	if (o.r.nodecount < 0)
		o.r.nodecount = 0;
	struct report_html_in in = {
		.p = &o.p,
		.base = o.has_base ? &o.base : NULL,
		.path = path,
		.base_path = base_path,
		.pk = &pk,
		.ro = &o.r,
		.min_width = o.min_width >= 0 ? o.min_width : FLAME_DEFAULT_MIN_WIDTH,
		.width = o.width ? o.width : FLAME_DEFAULT_WIDTH,
		.title = o.title,
	};
	struct outfile of;
	struct report_html_stats st;
	int e = outfile_open(&of, out);
	if (e < 0) {
		fprintf(stderr, "allocprof report: cannot write %s: %s\n", out, strerror(-e));
		goto done;
	}
	rc = report_html_write(of.f, &in, &st);
	if (rc) {
		outfile_abort(&of);
		goto done;
	}
	if ((e = outfile_commit(&of)) < 0) {
		fprintf(stderr, "allocprof report: cannot write %s: %s\n", out, strerror(-e));
		rc = 1;
		goto done;
	}
	outfile_wrote("report", out, "%zu sample types, %zu flame graphs%s", st.types, st.flames,
		    st.left_out ? ", some left out for size" : "");
done:
	peak_release(&pk);
	free(dflt);
	cli_release(&o);
	return rc;
}
