/* cmd_flame: `allocprof flame`, a flame graph (or icicle) of a profile as one
 * self-contained SVG; with --diff BASE, a differential one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "flame.h"
#include "ftree.h"
#include "kinds.h"
#include "outfile.h"
#include "report.h"
#include "units.h"

static void help(FILE *f)
{
	fputs("usage: allocprof flame [OPTIONS] [-o OUT.svg] PROFILE...\n"
	      "\n"
	      "Draws a flame graph of PROFILE as one self-contained SVG file (script and\n"
	      "style inline, nothing fetched): one box per stack frame, as wide as the\n"
	      "value of the samples whose stacks pass through it, callers below their\n"
	      "callees. Open it in a browser: hovering shows a frame's value and share,\n"
	      "clicking a frame zooms into it (click the bottom frame or 'Reset zoom' to\n"
	      "go back), the search box marks the frames whose name matches a regular\n"
	      "expression and says how much of the total passes through them, counted\n"
	      "from the values the file carries (a stack counts once): the share\n"
	      "'allocprof top' gives, frames too narrow to draw included. Frames\n"
	      "narrower than --min-width are merged into grey frames; clicking one\n"
	      "draws what it holds.\n"
	      "\n"
	      "  -o, --output OUT      where to write (default: the profile's name with\n"
	      "                        .flame.svg for .pb.gz, in the current directory;\n"
	      "                        '-' is standard output)\n"
	      "  --icicle              root at the top, callees below (an icicle graph)\n"
	      "  --diff BASE           a differential flame graph: widths from PROFILE,\n"
	      "                        colours from the change since BASE (red grew, blue\n"
	      "                        shrank, stronger for bigger changes); also\n"
	      "                        --diff-base BASE, pprof's -diff_base=BASE. A diff\n"
	      "                        profile written by 'allocprof diff -o' is drawn the\n"
	      "                        same way\n"
	      "  --width PX            width of the picture (1200)\n"
	      "  --min-width PX        frames narrower than this are merged into one grey\n"
	      "                        frame per caller, and the subtitle says how many\n"
	      "                        (1; 0 draws every frame)\n"
	      "  --title TEXT          the title (default: type and program)\n"
	      "  --sample-index TYPE   sample type to draw: a name (alloc_space,\n"
	      "                        alloc_objects, inuse_space, inuse_objects, ...) or its\n"
	      "                        number; default: the profile's default type.\n"
	      "                        --alloc_space, --alloc_objects, --inuse_space,\n"
	      "                        --inuse_objects are short for it\n"
	      "  --by function|line|file|filefunctions|address\n"
	      "                        what one frame stands for (default: function; with\n"
	      "                        line, frames read 'function file:line'); pprof's\n"
	      "                        -lines, -files, ... say the same\n"
	      "  --noinlines           attribute inlined frames to the function they were\n"
	      "                        inlined into\n"
	      "  --focus RE            keep only samples with a frame matching RE\n"
	      "  --ignore RE           drop samples with a frame matching RE\n"
	      "  --hide RE             take the frames matching RE out of the stacks\n"
	      "  --tagfocus [KEY=]RE, --tagignore [KEY=]RE\n"
	      "                        keep or drop samples by label (see allocprof help top)\n",
	      f);
}

/* "alloc_space of known_sites", from the report and the first mapping. */
static char *default_title(const struct report *r, bool diff)
{
	const struct profile *p = r->p;
	const char *prog = p->nmappings && p->mappings[0].filename ? profile_str(p, p->mappings[0].filename) : "";
	const char *slash = strrchr(prog, '/');
	prog = slash ? slash + 1 : prog;
	char *s = NULL;
	if (asprintf(&s, "%s: %s%s%s", diff ? "Differential flame graph" : "Flame graph", r->type,
		     *prog ? " of " : "", prog) < 0)
		return NULL;
	return s;
}

static int draw(struct cli *o, struct profile *p, struct profile *base, const char *out)
{
	struct report r, rb;
	bool have_base = false;
	struct ftree t;
	int rc = report_open(&r, p, &o->r);
	if (rc) {
		report_close(&r);
		return rc;
	}
	if (base && (!kinds_comparable("flame", base, o->base_path, p, o->path) ||
		     !kinds_both_have("flame", r.type, base, o->base_path, p, o->path))) {
		report_close(&r);
		return 1;
	}
	if (base) {
		struct ropts bo = o->r;
		bo.sample_index = r.type; /* the same type by name, whatever its index */
		rc = report_open(&rb, base, &bo);
		have_base = true;
		if (rc)
			goto out_reports;
	}
	if (ftree_init(&t) < 0 || ftree_add(&t, &r, false) < 0 || (base && ftree_add(&t, &rb, true) < 0)) {
		fprintf(stderr, "allocprof: out of memory\n");
		rc = 1;
		goto out_tree;
	}
	char *title = o->title ? strdup(o->title) : default_title(&r, t.has_base);
	char b1[UNITS_BUF], sub[256];
	int n = snprintf(sub, sizeof(sub), "total %s", units_label(t.total, r.unit, "auto", b1));
	if (t.has_base)
		snprintf(sub + n, sizeof(sub) - (size_t)n, ", base %s", units_label(t.base_total, r.unit, "auto", b1));
	if (o->r.focus || o->r.ignore)
		strncat(sub, "; filtered (--focus/--ignore)", sizeof(sub) - strlen(sub) - 1);
	struct flame_opts fo = {
		.width = o->width ? o->width : FLAME_DEFAULT_WIDTH,
		.min_width = o->min_width >= 0 ? o->min_width : FLAME_DEFAULT_MIN_WIDTH,
		.icicle = o->icicle,
		.title = title ? title : "Flame graph",
		.subtitle = sub,
		.id = "flame",
		.standalone = true,
		.unit = r.unit,
	};
	struct outfile of;
	int e = outfile_open(&of, out);
	if (e < 0) {
		fprintf(stderr, "allocprof flame: cannot write %s: %s\n", out, strerror(-e));
		rc = 1;
	} else {
		struct flame_stats st;
		e = flame_write(of.f, &t, &fo, &st);
		if (e < 0) {
			outfile_abort(&of);
		} else {
			e = outfile_commit(&of);
		}
		if (e < 0) {
			fprintf(stderr, "allocprof flame: cannot write %s: %s\n", out, strerror(-e));
			rc = 1;
		} else {
			outfile_wrote("flame", out, "%zu frame%s%s", st.drawn, st.drawn == 1 ? "" : "s",
				    st.merged ? ", small ones merged" : "");
		}
	}
	free(title);
out_tree:
	ftree_release(&t);
out_reports:
	if (have_base)
		report_close(&rb);
	report_close(&r);
	return rc;
}

int cmd_flame(int argc, char **argv)
{
	static const struct cli_spec spec = {CLI_SAMPLE | CLI_BY | CLI_FILTER | CLI_OUTPUT | CLI_DIFF | CLI_ICICLE |
						     CLI_BASE | CLI_WIDTH | CLI_MINW | CLI_TITLE | CLI_MERGE,
					     CLI_PROFILE, help};
	struct cli c;
	int rc;
	if (!cli_start(argc, argv, &spec, &c, &rc))
		return rc;
	char *dflt = c.output ? NULL : outfile_default(c.path, ".flame.svg");
	const char *out = c.output ? c.output : dflt;
	if (!out) {
		fprintf(stderr, "allocprof: out of memory\n");
		rc = 1;
	} else {
		rc = draw(&c, &c.p, c.has_base ? &c.base : NULL, out);
	}
	free(dflt);
	cli_release(&c);
	return rc;
}
