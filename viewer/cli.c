/* cli: getopt_long_only gives both spellings from one table: "-lines" and
 * "--lines" find the same long option, "-n 5" stays a short one. */
#include "cli.h"

#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pprof_read.h"
#include "filter.h"
#include "usage.h"

enum {
	O_SAMPLE = 256, O_SAMPLE_NAMED, O_BY, O_GRAN, O_NOINLINES, O_CUM, O_FLAT, O_NODECOUNT,
	O_NODEFRACTION, O_EDGEFRACTION, O_FOCUS, O_IGNORE, O_OUTPUT, O_SOURCE, O_CONTEXT, O_DIFF,
	O_HELP,
};

static const struct {
	struct option opt;
	unsigned group;
} table[] = {
	{{"sample_index", required_argument, NULL, O_SAMPLE}, CLI_SAMPLE},
	{{"sample-index", required_argument, NULL, O_SAMPLE}, CLI_SAMPLE},
	{{"alloc_space", no_argument, NULL, O_SAMPLE_NAMED}, CLI_SAMPLE},
	{{"alloc_objects", no_argument, NULL, O_SAMPLE_NAMED}, CLI_SAMPLE},
	{{"inuse_space", no_argument, NULL, O_SAMPLE_NAMED}, CLI_SAMPLE},
	{{"inuse_objects", no_argument, NULL, O_SAMPLE_NAMED}, CLI_SAMPLE},
	{{"by", required_argument, NULL, O_BY}, CLI_BY},
	{{"functions", no_argument, NULL, O_GRAN}, CLI_BY},
	{{"filefunctions", no_argument, NULL, O_GRAN}, CLI_BY},
	{{"files", no_argument, NULL, O_GRAN}, CLI_BY},
	{{"lines", no_argument, NULL, O_GRAN}, CLI_BY},
	{{"addresses", no_argument, NULL, O_GRAN}, CLI_BY},
	{{"noinlines", no_argument, NULL, O_NOINLINES}, CLI_BY},
	{{"cum", no_argument, NULL, O_CUM}, CLI_SORT},
	{{"flat", no_argument, NULL, O_FLAT}, CLI_SORT},
	{{"nodecount", required_argument, NULL, O_NODECOUNT}, CLI_NODES},
	{{"nodefraction", required_argument, NULL, O_NODEFRACTION}, CLI_NODES},
	{{"edgefraction", required_argument, NULL, O_EDGEFRACTION}, CLI_NODES},
	{{"focus", required_argument, NULL, O_FOCUS}, CLI_FILTER},
	{{"ignore", required_argument, NULL, O_IGNORE}, CLI_FILTER},
	{{"output", required_argument, NULL, O_OUTPUT}, CLI_OUTPUT},
	{{"source_path", required_argument, NULL, O_SOURCE}, CLI_SOURCE},
	{{"source-path", required_argument, NULL, O_SOURCE}, CLI_SOURCE},
	{{"context", required_argument, NULL, O_CONTEXT}, CLI_SOURCE},
	{{"diff_base", required_argument, NULL, O_DIFF}, CLI_DIFF},
	{{"diff-base", required_argument, NULL, O_DIFF}, CLI_DIFF},
	{{"help", no_argument, NULL, O_HELP}, 0},
};
enum { NOPTS = sizeof(table) / sizeof(table[0]) };

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "allocprof %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'allocprof help %s')\n", cmd);
	return 2;
}

static bool parse_gran(const char *s, enum gran *g, bool *by_site)
{
	*by_site = !strcmp(s, "site") || !strcmp(s, "sites");
	if (*by_site) {
		*g = GRAN_LINES;
		return true;
	}
	static const struct {
		const char *name;
		enum gran g;
	} names[] = {
		{"function", GRAN_FUNCTIONS}, {"functions", GRAN_FUNCTIONS},
		{"filefunction", GRAN_FILEFUNCTIONS}, {"filefunctions", GRAN_FILEFUNCTIONS},
		{"file", GRAN_FILES}, {"files", GRAN_FILES},
		{"line", GRAN_LINES}, {"lines", GRAN_LINES},
		{"address", GRAN_ADDRESSES}, {"addresses", GRAN_ADDRESSES},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name)) {
			*g = names[i].g;
			return true;
		}
	return false;
}

static bool parse_fraction(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (!*s || *end || !(v >= 0 && v <= 1))
		return false;
	*out = v;
	return true;
}

static bool parse_count(const char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < 0 || v > 1000000000)
		return false;
	*out = (int)v;
	return true;
}

int cli_parse(int argc, char **argv, unsigned groups, struct cli *c)
{
	const char *cmd = argv[0];
	struct option longopts[NOPTS + 1];
	int n = 0;
	for (size_t i = 0; i < NOPTS; i++)
		longopts[n++] = table[i].opt;
	memset(&longopts[n], 0, sizeof(longopts[n]));

	memset(c, 0, sizeof(*c));
	c->r.gran = GRAN_FUNCTIONS;
	c->r.nodecount = -1;
	c->r.nodefraction = 0.005;
	c->r.edgefraction = 0.001;
	c->context = 3;

	opterr = 0;
	optind = 0;
	int ch, idx;
	while ((ch = getopt_long_only(argc, argv, ":n:o:h", longopts, &idx)) != -1) {
		const char *arg = argv[optind - 1];
		if (ch == '?') {
			if (optopt && optopt < 256)
				return cli_usage_error(cmd, "unknown option '-%c'", optopt);
			return cli_usage_error(cmd, "unknown option '%s'", arg);
		}
		if (ch == ':') {
			if (optopt && optopt < 256)
				return cli_usage_error(cmd, "option '-%c' needs a value", optopt);
			return cli_usage_error(cmd, "option '%s' needs a value", arg);
		}
		char name[64];
		if (ch < 256)
			snprintf(name, sizeof(name), "-%c", ch);
		else
			snprintf(name, sizeof(name), "--%s", table[idx].opt.name);
		unsigned group = 0;
		if (ch == 'n')
			group = CLI_NODES;
		else if (ch == 'o')
			group = CLI_OUTPUT;
		else if (ch >= 256)
			group = table[idx].group;
		if (group && !(groups & group))
			return cli_usage_error(cmd, "option '%s' does not apply to this command", name);
		switch (ch) {
		case 'h':
		case O_HELP:
			usage_print(stdout, cmd);
			return -1;
		case O_SAMPLE:
			c->r.sample_index = optarg;
			break;
		case O_SAMPLE_NAMED:
			c->r.sample_index = table[idx].opt.name;
			break;
		case O_BY:
			if (!parse_gran(optarg, &c->r.gran, &c->r.by_site))
				return cli_usage_error(cmd, "--by takes function, line, file, filefunctions or address%s, not '%s'",
						       groups & CLI_SITES ? ", or site" : "", optarg);
			if (c->r.by_site && !(groups & CLI_SITES))
				return cli_usage_error(cmd, "--by site applies to top and diff");
			break;
		case O_GRAN:
			parse_gran(table[idx].opt.name, &c->r.gran, &c->r.by_site);
			break;
		case O_NOINLINES:
			c->r.noinlines = true;
			break;
		case O_CUM:
			c->r.cum = true;
			break;
		case O_FLAT:
			c->r.cum = false;
			break;
		case 'n':
		case O_NODECOUNT:
			if (!parse_count(optarg, &c->r.nodecount))
				return cli_usage_error(cmd, "'%s' is not a node count", optarg);
			break;
		case O_NODEFRACTION:
		case O_EDGEFRACTION:
			if (!parse_fraction(optarg, ch == O_NODEFRACTION ? &c->r.nodefraction : &c->r.edgefraction))
				return cli_usage_error(cmd, "'%s' is not a fraction between 0 and 1", optarg);
			break;
		case O_FOCUS:
			c->r.focus = optarg;
			break;
		case O_IGNORE:
			c->r.ignore = optarg;
			break;
		case 'o':
		case O_OUTPUT:
			c->output = optarg;
			break;
		case O_SOURCE:
			c->source_path = optarg;
			break;
		case O_CONTEXT:
			if (!parse_count(optarg, &c->context))
				return cli_usage_error(cmd, "'%s' is not a number of lines", optarg);
			break;
		case O_DIFF:
			c->diff_base = optarg;
			break;
		}
	}
	c->args = argv + optind;
	c->nargs = argc - optind;
	return 0;
}

int cli_load(const char *path, struct profile *p)
{
	struct pprof_error err;
	if (pprof_read_file(path, p, &err) < 0) {
		fprintf(stderr, "allocprof: %s\n", err.msg);
		return 1;
	}
	filter_prune(p);
	return 0;
}

int cli_load_regex(const struct cli *c, struct rx *re, struct profile *p)
{
	char err[300];
	if (!rx_compile(re, c->args[0], err, sizeof(err))) {
		fprintf(stderr, "allocprof: %s\n", err);
		return 2;
	}
	if (cli_load(c->args[1], p)) {
		rx_free(re);
		return 1;
	}
	return 0;
}
