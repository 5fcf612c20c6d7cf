/* cmd_graph: `allocprof graph`, the call graph of a profile as go tool pprof
 * draws it: the DOT of pprof -dot, line for line, turned into SVG by
 * graphviz's dot when it is installed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "dotgraph.h"
#include "outfile.h"
#include "pgraph.h"
#include "report.h"
#include "svgpan.h"

static void help(FILE *f)
{
	fputs("usage: allocprof graph [OPTIONS] [-o OUT.svg|OUT.dot] PROFILE...\n"
	      "\n"
	      "Draws the call graph of PROFILE the way `go tool pprof -svg` does: a box\n"
	      "per function (or line, file, ...) with its flat and cum values, sized by\n"
	      "flat and coloured by cum (red is heavy, grey is light), arrows from caller\n"
	      "to callee as thick as the value that flows along them, dotted where nodes\n"
	      "that were left out stood in between, and boxes for the string labels of\n"
	      "the samples (freed_at, ...). The DOT text is the same as pprof -dot's for\n"
	      "the same profile and options; graphviz's `dot` (Debian's graphviz) turns it\n"
	      "into SVG. Without dot installed, the DOT file is written instead and a\n"
	      "line on stderr says so. Like pprof's, the SVG fills the browser window and\n"
	      "pans and zooms: the mouse wheel zooms about the pointer, dragging pans,\n"
	      "+ and - zoom, the arrow keys pan, 0 fits the whole graph again.\n"
	      "\n"
	      "  -o, --output OUT      where to write: OUT.svg (through dot) or OUT.dot\n"
	      "                        (default: the profile's name with .graph.svg for\n"
	      "                        .pb.gz, in the current directory, .graph.dot when\n"
	      "                        dot is missing; '-' is standard output)\n"
	      "  --dot                 write DOT whatever the output's name\n"
	      "  -n, --nodecount N     at most N nodes, label boxes included (80, pprof's\n"
	      "                        default for pictures; 0 for no limit)\n"
	      "  --nodefraction F      leave out nodes whose cum is below F of the total\n"
	      "                        (0.005)\n"
	      "  --edgefraction F      leave out edges below F of the total (0.001)\n"
	      "  --sample-index TYPE   sample type to draw: a name (alloc_space,\n"
	      "                        alloc_objects, inuse_space, inuse_objects, ...) or its\n"
	      "                        number; default: the profile's default type.\n"
	      "                        --alloc_space, --alloc_objects, --inuse_space,\n"
	      "                        --inuse_objects are short for it\n"
	      "  --by function|line|file|filefunctions|address\n"
	      "                        what one node stands for (default: function);\n"
	      "                        pprof's -lines, -files, ... say the same\n"
	      "  --noinlines           attribute inlined frames to the function they were\n"
	      "                        inlined into\n"
	      "  --focus RE            keep only samples with a frame matching RE\n"
	      "  --ignore RE           drop samples with a frame matching RE\n"
	      "  --hide RE             take the frames matching RE out of the stacks\n"
	      "  --tagfocus [KEY=]RE, --tagignore [KEY=]RE\n"
	      "                        keep or drop samples by label (see allocprof help top)\n",
	      f);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}

static int write_text(const char *out, const char *text, size_t len)
{
	struct outfile of;
	int e = outfile_open(&of, out);
	if (e == 0) {
		fwrite(text, 1, len, of.f);
		e = outfile_commit(&of);
	}
	if (e < 0) {
		fprintf(stderr, "allocprof graph: cannot write %s: %s\n", out, strerror(-e));
		return 1;
	}
	return 0;
}

/* The whole of f, from its start, into a malloc'd buffer. 0 or -1. */
static int slurp(FILE *f, char **buf, size_t *len)
{
	long n;
	if (fflush(f) != 0 || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		return -1;
	*buf = malloc((size_t)n + 1);
	if (!*buf || fread(*buf, 1, (size_t)n, f) != (size_t)n) {
		if (*buf)
			errno = EIO;
		free(*buf);
		*buf = NULL;
		return -1;
	}
	*len = (size_t)n;
	return 0;
}

static int write_svg(const char *out, const char *dot, const char *text, size_t len)
{
	struct outfile of;
	int e = outfile_open(&of, out);
	if (e < 0) {
		fprintf(stderr, "allocprof graph: cannot write %s: %s\n", out, strerror(-e));
		return 1;
	}
	/* graphviz's SVG, then pprof's pan and zoom added to it */
	FILE *tmp = tmpfile();
	char *svg = NULL;
	size_t svglen = 0;
	int bad = 0;
	if (!tmp) {
		fprintf(stderr, "allocprof graph: no temporary file for graphviz's output: %s\n", strerror(errno));
		bad = 1;
	} else if (dotgraph_render(dot, text, len, tmp) < 0) {
		bad = 1; /* it said why */
	} else if (slurp(tmp, &svg, &svglen) < 0) {
		fprintf(stderr, "allocprof graph: cannot read graphviz's output: %s\n", strerror(errno));
		bad = 1;
	} else {
		svgpan_write(of.f, svg, svglen); /* a write error shows at the commit */
	}
	if (tmp)
		fclose(tmp);
	free(svg);
	if (bad) {
		outfile_abort(&of);
		return 1;
	}
	if ((e = outfile_commit(&of)) < 0) {
		fprintf(stderr, "allocprof graph: cannot write %s: %s\n", out, strerror(-e));
		return 1;
	}
	return 0;
}

static int graph(struct cli *o, struct profile *p, const char *path)
{
	struct report r;
	struct pgraph pg;
	int rc = report_open(&r, p, &o->r);
	if (rc) {
		report_close(&r);
		return rc;
	}
	int nodecount = o->r.nodecount < 0 ? 80 : o->r.nodecount;
	char *text = NULL;
	size_t len = 0;
	rc = pgraph_build(&pg, &r, nodecount);
	FILE *m = rc ? NULL : open_memstream(&text, &len);
	if (!rc && (!m || dotgraph_write(m, &pg) < 0)) {
		fprintf(stderr, "allocprof: out of memory\n");
		rc = 1;
	}
	if (m)
		fclose(m);
	size_t shown = pg.nnodes;
	pgraph_release(&pg);
	report_close(&r);
	if (rc) {
		free(text);
		return rc;
	}
	const char *out = o->output;
	char *dflt = NULL;
	bool want_dot = o->dot || (out && ends_with(out, ".dot"));
	char *dot = want_dot ? NULL : dotgraph_find_dot();
	if (!out)
		out = dflt = outfile_default(path, dot || want_dot ? ".graph.svg" : ".graph.dot");
	if (!want_dot && !dot) {
		/* no graphviz: the DOT text, under a name that says so */
		char *renamed = NULL;
		if (ends_with(out, ".svg") && asprintf(&renamed, "%.*s.dot", (int)(strlen(out) - 4), out) >= 0) {
			free(dflt);
			out = dflt = renamed;
		}
		fprintf(stderr, "allocprof graph: graphviz's dot is not installed (apt-get install graphviz); "
				"writing DOT, not SVG\n");
		want_dot = true;
	}
	if (!out) {
		fprintf(stderr, "allocprof: out of memory\n");
		rc = 1;
	} else if (want_dot) {
		rc = write_text(out, text, len);
	} else {
		rc = write_svg(out, dot, text, len);
	}
	if (!rc && out)
		outfile_wrote("graph", out, "%zu node%s%s", shown, shown == 1 ? "" : "s", want_dot ? ", DOT" : "");
	free(dot);
	free(dflt);
	free(text);
	return rc;
}

int cmd_graph(int argc, char **argv)
{
	static const struct cli_spec spec = {CLI_SAMPLE | CLI_BY | CLI_NODES | CLI_FILTER | CLI_OUTPUT | CLI_DOT | CLI_MERGE,
					     CLI_PROFILE, help};
	struct cli c;
	int rc;
	if (!cli_start(argc, argv, &spec, &c, &rc))
		return rc;
	rc = graph(&c, &c.p, c.path);
	cli_release(&c);
	return rc;
}
