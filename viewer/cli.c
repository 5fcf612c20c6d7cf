/* cli: one table names every option of every command (help aside) with the
 * group it belongs to; a command says which groups it takes. Names are
 * matched in full, with one dash or two, the value after '=' or as the next
 * argument: no abbreviations and no letters glued to -n, so "-nodes" is not
 * "-n odes". */
#include "cli.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "figures.h"
#include "filter.h"
#include "pprof_read.h"
#include "merge.h"
#include "suggest.h"
#include "usage.h"

enum {
	O_SAMPLE = 256, O_SAMPLE_NAMED, O_BY, O_GRAN, O_NOINLINES, O_CUM, O_FLAT, O_NODECOUNT,
	O_NODEFRACTION, O_EDGEFRACTION, O_FOCUS, O_IGNORE, O_OUTPUT, O_SOURCE, O_CONTEXT, O_DIFF,
	O_HELP, O_ICICLE, O_BASE, O_PEAK, O_WIDTH, O_MINW, O_TITLE, O_DOT, O_MINSHARE, O_TSV, O_HIDE, O_HTTP,
	O_ONCE, O_COUNT, O_INTERVAL, O_TIMEOUT, O_DURATION,
	O_RATE, O_SEED, O_QUIET, O_JSON, O_BUDGET, O_WRITE_BUDGET, O_MAX_INCREASE, O_MAX_FIGURE, O_SITES,
	O_JUNIT,
	O_TAGFOCUS, O_TAGIGNORE, O_TAGS,
};

static const struct {
	const char *name;
	bool takes_value;
	int code;
	unsigned groups; /* the option applies to a command taking any of them */
} table[] = {
	{"sample_index", true, O_SAMPLE, CLI_SAMPLE},
	{"sample-index", true, O_SAMPLE, CLI_SAMPLE},
	{"alloc_space", false, O_SAMPLE_NAMED, CLI_SAMPLE},
	{"alloc_objects", false, O_SAMPLE_NAMED, CLI_SAMPLE},
	{"inuse_space", false, O_SAMPLE_NAMED, CLI_SAMPLE},
	{"inuse_objects", false, O_SAMPLE_NAMED, CLI_SAMPLE},
	{"by", true, O_BY, CLI_BY},
	{"functions", false, O_GRAN, CLI_BY},
	{"filefunctions", false, O_GRAN, CLI_BY},
	{"files", false, O_GRAN, CLI_BY},
	{"lines", false, O_GRAN, CLI_BY},
	{"addresses", false, O_GRAN, CLI_BY},
	{"noinlines", false, O_NOINLINES, CLI_BY},
	{"cum", false, O_CUM, CLI_SORT},
	{"flat", false, O_FLAT, CLI_SORT},
	{"n", true, O_NODECOUNT, CLI_NODES | CLI_HINTS | CLI_LIVE | CLI_LEAKS},
	{"nodecount", true, O_NODECOUNT, CLI_NODES | CLI_HINTS | CLI_LIVE | CLI_LEAKS},
	{"nodefraction", true, O_NODEFRACTION, CLI_NODES | CLI_HINTS},
	{"edgefraction", true, O_EDGEFRACTION, CLI_NODES},
	{"focus", true, O_FOCUS, CLI_FILTER},
	{"ignore", true, O_IGNORE, CLI_FILTER},
	{"hide", true, O_HIDE, CLI_FILTER},
	{"tagfocus", true, O_TAGFOCUS, CLI_FILTER},
	{"tagignore", true, O_TAGIGNORE, CLI_FILTER},
	{"tags", false, O_TAGS, CLI_TAGS},
	{"o", true, O_OUTPUT, CLI_OUTPUT},
	{"output", true, O_OUTPUT, CLI_OUTPUT},
	{"source_path", true, O_SOURCE, CLI_SOURCE},
	{"source-path", true, O_SOURCE, CLI_SOURCE},
	{"context", true, O_CONTEXT, CLI_SOURCE},
	{"diff_base", true, O_DIFF, CLI_DIFF},
	{"diff-base", true, O_DIFF, CLI_DIFF},
	{"icicle", false, O_ICICLE, CLI_ICICLE},
	{"diff", true, O_BASE, CLI_BASE},
	{"peak", true, O_PEAK, CLI_PEAK},
	{"width", true, O_WIDTH, CLI_WIDTH},
	{"min-width", true, O_MINW, CLI_MINW},
	{"min_width", true, O_MINW, CLI_MINW},
	{"title", true, O_TITLE, CLI_TITLE},
	{"dot", false, O_DOT, CLI_DOT},
	{"min-share", true, O_MINSHARE, CLI_HINTS},
	{"min_share", true, O_MINSHARE, CLI_HINTS},
	{"tsv", false, O_TSV, CLI_HINTS},
	{"once", false, O_ONCE, CLI_LIVE},
	{"count", true, O_COUNT, CLI_LIVE},
	{"interval", true, O_INTERVAL, CLI_LIVE},
	{"timeout", true, O_TIMEOUT, CLI_LIVE},
	{"rate", true, O_RATE, CLI_RUN | CLI_ATTACH},
	{"duration", true, O_DURATION, CLI_ATTACH},
	{"seed", true, O_SEED, CLI_RUN},
	{"q", false, O_QUIET, CLI_RUN},
	{"quiet", false, O_QUIET, CLI_RUN},
	{"json", false, O_JSON, CLI_JSON},
	{"budget", true, O_BUDGET, CLI_CHECK},
	{"write-budget", true, O_WRITE_BUDGET, CLI_CHECK},
	{"max-increase", true, O_MAX_INCREASE, CLI_CHECK},
	{"max-allocs", true, O_MAX_FIGURE, CLI_CHECK},
	{"max-bytes", true, O_MAX_FIGURE, CLI_CHECK},
	{"max-peak", true, O_MAX_FIGURE, CLI_CHECK},
	{"max-inuse", true, O_MAX_FIGURE, CLI_CHECK},
	{"sites", true, O_SITES, CLI_CHECK},
	{"junit", true, O_JUNIT, CLI_CHECK},
	{"h", false, O_HELP, ~0u},
	{"help", false, O_HELP, ~0u},
	{"http", false, O_HTTP, ~0u}, /* pprof's web interface: refused */
};
enum { NOPTS = sizeof(table) / sizeof(table[0]) };
_Static_assert((int)CLI_NFIGURES == (int)FIG_COUNT, "--max-FIGURE for each of check's figures");

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

static bool parse_px(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (!*s || *end || !(v >= lo && v <= hi))
		return false;
	*out = v;
	return true;
}

/* What the shim's ALLOCPROF_RATE accepts (preload/config.c): a positive
 * number, then k, m or g and an optional b. Checked here so a typo fails
 * before the program runs or the process is attached to, instead of being
 * replaced by the default. */
static bool valid_rate(const char *s)
{
	bool nonzero = false;
	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++)
		nonzero |= *s != '0';
	bool suffix = *s && strchr("kKmMgG", *s);
	if (suffix)
		s++;
	if (suffix && (*s == 'b' || *s == 'B'))
		s++;
	return nonzero && *s == 0;
}

/* The table entry for name (its first len characters), or -1. */
static int lookup(const char *name, size_t len)
{
	for (int i = 0; i < (int)NOPTS; i++)
		if (strlen(table[i].name) == len && !strncmp(name, table[i].name, len))
			return i;
	return -1;
}

static int unknown_option(const char *cmd, const char *arg, const char *name, size_t len, unsigned groups)
{
	struct suggest near;
	suggest_init(&near, name, len);
	for (size_t i = 0; i < NOPTS; i++)
		if (table[i].groups & groups)
			suggest_try(&near, table[i].name);
	if (near.best)
		return cli_usage_error(cmd, "unknown option '%s'; did you mean '%s%s'?", arg,
				       near.best[1] ? "--" : "-", near.best);
	return cli_usage_error(cmd, "unknown option '%s'", arg);
}

/* One option: table entry k, its value (NULL for a flag). Returns 0, or
 * the status of the usage error printed. */
static int apply(const char *cmd, int k, const char *val, unsigned groups, struct cli *c, const char **diff)
{
	const char *name = table[k].name;
	bool hints = groups & CLI_HINTS;
	double px;
	switch (table[k].code) {
	case O_SAMPLE:
		c->r.sample_index = val;
		break;
	case O_SAMPLE_NAMED:
		c->r.sample_index = name;
		break;
	case O_BY:
		if (hints) {
			if (!parse_gran(val, &c->r.gran, &c->r.by_site) || c->r.by_site ||
			    (c->r.gran != GRAN_LINES && c->r.gran != GRAN_FUNCTIONS))
				return cli_usage_error(cmd, "--by takes line or function, not '%s'", val);
			break;
		}
		if (!parse_gran(val, &c->r.gran, &c->r.by_site))
			return cli_usage_error(cmd, "--by takes function, line, file, filefunctions or address%s, not '%s'",
					       groups & CLI_SITES ? ", or site" : "", val);
		if (c->r.by_site && !(groups & CLI_SITES))
			return cli_usage_error(cmd, "--by site applies to top and diff");
		break;
	case O_GRAN:
		parse_gran(name, &c->r.gran, &c->r.by_site);
		if (hints && c->r.gran != GRAN_LINES && c->r.gran != GRAN_FUNCTIONS)
			return cli_usage_error(cmd, "a site is a line or a function, not '-%s'", name);
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
	case O_NODECOUNT:
		if (!parse_count(val, &c->r.nodecount))
			return cli_usage_error(cmd, hints ? "'%s' is not a number of hints" : "'%s' is not a node count", val);
		break;
	case O_NODEFRACTION:
	case O_EDGEFRACTION:
	case O_MINSHARE:
		if (!parse_fraction(val, table[k].code == O_EDGEFRACTION ? &c->r.edgefraction
					 : hints			  ? &c->min_share
									  : &c->r.nodefraction))
			return cli_usage_error(cmd, "'%s' is not a fraction between 0 and 1", val);
		break;
	case O_FOCUS:
		c->r.focus = val;
		break;
	case O_IGNORE:
		c->r.ignore = val;
		break;
	case O_HIDE:
		c->r.hide = val;
		break;
	case O_TAGFOCUS:
		c->r.tagfocus = val;
		break;
	case O_TAGIGNORE:
		c->r.tagignore = val;
		break;
	case O_TAGS:
		c->tags = true;
		break;
	case O_OUTPUT:
		c->output = val;
		break;
	case O_SOURCE:
		c->source_path = val;
		break;
	case O_CONTEXT:
		if (!parse_count(val, &c->context))
			return cli_usage_error(cmd, "'%s' is not a number of lines", val);
		break;
	case O_DIFF:
		c->diff_base = val;
		break;
	case O_BASE:
		*diff = val;
		break;
	case O_ICICLE:
		c->icicle = true;
		break;
	case O_DOT:
		c->dot = true;
		break;
	case O_PEAK:
		c->peak = val;
		break;
	case O_TITLE:
		c->title = val;
		break;
	case O_WIDTH:
		if (!parse_px(val, 200, 20000, &px))
			return cli_usage_error(cmd, "--width takes a number of pixels from 200 to 20000, not '%s'", val);
		c->width = (int)px;
		break;
	case O_MINW:
		if (!parse_px(val, 0, 100, &px))
			return cli_usage_error(cmd, "--min-width takes pixels from 0 to 100, not '%s'", val);
		c->min_width = px;
		break;
	case O_TSV:
		c->tsv = true;
		break;
	case O_ONCE:
		c->once = true;
		break;
	case O_COUNT:
		if (!parse_count(val, &c->count) || c->count < 1)
			return cli_usage_error(cmd, "--count takes a number of snapshots, not '%s'", val);
		break;
	case O_INTERVAL:
	case O_TIMEOUT:
		if (!parse_px(val, 0.1, 86400, &px))
			return cli_usage_error(cmd, "--%s takes seconds from 0.1 to 86400, not '%s'", name, val);
		*(table[k].code == O_INTERVAL ? &c->interval : &c->timeout) = px;
		break;
	case O_RATE:
		if (!valid_rate(val))
			return cli_usage_error(cmd, "--rate takes a number of bytes (1 or more, k/m/g suffixes), not '%s'",
					       val);
		c->rate = val;
		break;
	case O_DURATION:
		if (!parse_px(val, 0, 1e7, &c->duration) || !(c->duration > 0))
			return cli_usage_error(cmd, "--duration wants seconds above 0, not '%s'", val);
		break;
	case O_SEED:
		c->seed = val;
		break;
	case O_QUIET:
		c->quiet = true;
		break;
	case O_JSON:
		c->json = true;
		break;
	case O_BUDGET:
		c->budget = val;
		break;
	case O_WRITE_BUDGET:
		c->write_budget = val;
		break;
	case O_JUNIT:
		c->junit = val;
		break;
	case O_MAX_INCREASE:
		c->max_increase = val;
		break;
	case O_MAX_FIGURE: /* --max-FIGURE */
		for (int f = 0; f < FIG_COUNT; f++)
			if (!strcmp(name + 4, figure_names[f]))
				c->max_figure[f] = val;
		break;
	case O_SITES:
		if (!parse_count(val, &c->sites) || c->sites > 100000)
			return cli_usage_error(cmd, "--sites takes a count, not '%s'", val);
		break;
	}
	return 0;
}

static void help(const char *cmd, const struct cli_spec *s)
{
	if (s->help)
		s->help(stdout);
	else
		usage_print(stdout, cmd);
}

/* Moves argv[from..to] to position at, the operands between after them,
 * in order, as getopt permutes. */
static void to_front(char **argv, int at, int from, int to)
{
	for (int k = from; k <= to; k++, at++) {
		char *opt = argv[k];
		memmove(&argv[at + 1], &argv[at], (size_t)(k - at) * sizeof(*argv));
		argv[at] = opt;
	}
}

int cli_parse(int argc, char **argv, const struct cli_spec *s, struct cli *c)
{
	const char *cmd = argv[0];
	unsigned groups = s->groups;
	memset(c, 0, sizeof(*c));
	c->r.gran = groups & CLI_HINTS ? GRAN_LINES : GRAN_FUNCTIONS;
	c->r.nodecount = -1;
	c->r.nodefraction = 0.005;
	c->r.edgefraction = 0.001;
	c->context = 3;
	c->min_width = -1;
	c->min_share = 0.005;
	c->sites = 5;

	const char *diff = NULL;
	bool options = true;
	int nopts = 0; /* argv[1..nopts] are options, the operands follow */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (options && !strcmp(a, "--")) {
			options = false;
			to_front(argv, 1 + nopts, i, i);
			nopts++;
			continue;
		}
		if (!options || a[0] != '-' || !a[1]) {
			if (s->operands == CLI_PROGRAM)
				break; /* the program's own arguments follow */
			continue; /* an operand; "-" is standard input */
		}
		int first = i;
		const char *name = a[1] == '-' ? a + 2 : a + 1;
		size_t len = strcspn(name, "=");
		const char *val = name[len] == '=' ? name + len + 1 : NULL;
		int k = lookup(name, len);
		/* GNU's -n5, digits only */
		if (k < 0 && a[1] == 'n' && a[2] >= '0' && a[2] <= '9' && !val) {
			k = lookup("n", 1);
			val = a + 2;
		}
		if (k < 0)
			return unknown_option(cmd, a, name, len, groups);
		if (table[k].code == O_HELP) {
			help(cmd, s);
			return -1;
		}
		if (table[k].code == O_HTTP) {
			fprintf(stderr, "allocprof %s: no web interface (pprof's -http); 'allocprof report PROFILE' "
					"writes one HTML file with the tables, flame graphs and graph\n", cmd);
			return 2;
		}
		if (!(groups & table[k].groups)) {
			if (table[k].code == O_DIFF)
				return cli_usage_error(cmd, "'%s': NEW - BASE is 'allocprof diff BASE NEW' (pprof's "
							    "-diff_base); flame and report take --diff BASE",
						       a);
			if (groups & CLI_HINTS)
				return cli_usage_error(cmd, "unknown option '%s'", a);
			return cli_usage_error(cmd, "option '%s%s' does not apply to this command",
					       table[k].name[1] ? "--" : "-", table[k].name);
		}
		if (table[k].takes_value && !val) {
			if (i + 1 >= argc)
				return cli_usage_error(cmd, "option '%s' needs a value", a);
			val = argv[++i];
		} else if (!table[k].takes_value && val) {
			return cli_usage_error(cmd, "option '%s%.*s' takes no value", a[1] == '-' ? "--" : "-",
					       (int)len, name);
		}
		int rc = apply(cmd, k, val, groups, c, &diff);
		if (rc)
			return rc;
		to_front(argv, 1 + nopts, first, i);
		nopts += i - first + 1;
	}
	if (diff) {
		if (c->diff_base && strcmp(diff, c->diff_base))
			return cli_usage_error(cmd, "two different bases given (--diff and --diff-base)");
		c->diff_base = diff;
	}
	c->args = argv + 1 + nopts;
	c->nargs = argc - 1 - nopts;
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

/* Sets c->path and c->base_path from the operands; 0 or the status of the
 * usage error printed. */
static int operands(const char *cmd, const struct cli_spec *s, struct cli *c)
{
	bool merge = s->groups & CLI_MERGE;
	c->paths = &c->path;
	c->npaths = 1;
	switch (s->operands) {
	case CLI_PROFILE:
		if (c->nargs != 1 && !(merge && c->nargs > 1))
			return cli_usage_error(cmd, c->nargs ? "one profile at a time" : "no profile given");
		c->path = c->args[0];
		c->base_path = c->diff_base;
		c->paths = (const char *const *)c->args;
		c->npaths = c->nargs;
		break;
	case CLI_REGEX_PROFILE:
		if (c->nargs != 2 && !(merge && c->nargs > 2))
			return cli_usage_error(cmd, merge ? "expects a regular expression and profiles"
							  : "expects a regular expression and one profile");
		c->path = c->args[1];
		c->paths = (const char *const *)c->args + 1;
		c->npaths = c->nargs - 1;
		break;
	case CLI_BASE_NEW:
		if (c->diff_base && c->nargs == 1) {
			c->base_path = c->diff_base;
			c->path = c->args[0];
		} else if (!c->diff_base && c->nargs == 2) {
			c->base_path = c->args[0];
			c->path = c->args[1];
		} else {
			return cli_usage_error(cmd, "expects two profiles, BASE and NEW");
		}
		break;
	case CLI_PROFILE_BASE:
		/* PROFILE BASE is a diff; PROFILE... --diff BASE, or three or
		 * more, merge the profiles */
		if (c->nargs < 1 || (c->nargs == 2 && c->diff_base && !merge) || (c->nargs > 2 && !merge))
			return cli_usage_error(cmd, c->nargs ? "expects PROFILE and at most one BASE" : "no profile given");
		c->path = c->args[0];
		c->base_path = c->nargs == 2 && !c->diff_base ? c->args[1] : c->diff_base;
		c->paths = (const char *const *)c->args;
		c->npaths = c->nargs == 2 && !c->diff_base ? 1 : c->nargs;
		break;
	case CLI_PROGRAM:
		if (!c->nargs)
			return cli_usage_error(cmd, "no program given");
		break;
	case CLI_FIGURES: {
		bool one = c->budget || c->write_budget;
		if (c->budget && c->write_budget)
			return cli_usage_error(cmd, "--budget and --write-budget do not go together");
		if (c->nargs != (one ? 1 : 2))
			return cli_usage_error(cmd, one ? "give one profile or stat --json file: NEW"
							: "give two profiles or stat --json files: BASELINE NEW");
		break;
	}
	case CLI_PID: {
		if (c->nargs != 1)
			return cli_usage_error(cmd, c->nargs ? "one PID only" : "which process? give its PID");
		char *end;
		c->pid = strtol(c->args[0], &end, 10);
		if (!*c->args[0] || *end || c->pid <= 0 || c->pid > 0x3fffffff)
			return cli_usage_error(cmd, "'%s' is not a process id", c->args[0]);
		break;
	}
	}
	return 0;
}

/* The shim's peak profile says so in a comment (preload/dump.c). */
static bool is_peak_snapshot(const struct profile *p)
{
	for (size_t i = 0; i < p->ncomments; i++)
		if (!strncmp(profile_str(p, p->comments[i]), "peak profile writes:", 20))
			return true;
	return false;
}

/* paths[0..n) read and merged into p (go tool pprof a b c). 0 or 1. */
static int load_merged(const char *const *paths, int n, struct profile *p)
{
	if (n == 1)
		return cli_load(paths[0], p);
	struct profile *in = calloc((size_t)n, sizeof(*in));
	struct profile **ptrs = calloc((size_t)n, sizeof(*ptrs));
	int loaded = 0, rc = 1;
	if (!in || !ptrs) {
		fprintf(stderr, "allocprof: out of memory\n");
		goto out;
	}
	for (; loaded < n; loaded++) {
		if (cli_load(paths[loaded], &in[loaded]))
			goto out;
		ptrs[loaded] = &in[loaded];
	}
	char err[300];
	for (int i = 1; i < n; i++) {
		if (!merge_compatible(ptrs[0], ptrs[i], err, sizeof(err))) {
			fprintf(stderr, "allocprof: cannot merge %s and %s: %s\n", paths[0], paths[i], err);
			/* the usual way here: a shell pattern that took a run's peak
			 * snapshot along with its profile */
			int peak = is_peak_snapshot(ptrs[i]) ? i : is_peak_snapshot(ptrs[0]) ? 0 : -1;
			if (peak >= 0)
				fprintf(stderr, "allocprof: %s holds the blocks in use at the peak (a .peak.pb.gz): "
						"read it on its own\n", paths[peak]);
			goto out;
		}
	}
	if (merge_profiles(p, ptrs, (size_t)n, err, sizeof(err)) < 0)
		fprintf(stderr, "allocprof: cannot merge %s and the other profiles: %s\n", paths[0], err);
	else
		rc = 0;
out:
	for (int i = 0; i < loaded; i++)
		profile_release(&in[i]);
	free(in);
	free(ptrs);
	return rc;
}

bool cli_start(int argc, char **argv, const struct cli_spec *s, struct cli *c, int *status)
{
	int rc = cli_parse(argc, argv, s, c);
	if (!rc)
		rc = operands(argv[0], s, c);
	if (rc) {
		*status = rc < 0 ? 0 : rc;
		return false;
	}
	if (s->operands == CLI_PROGRAM || s->operands == CLI_FIGURES || s->operands == CLI_PID)
		return true; /* nothing to load, nothing held */
	if (s->operands == CLI_REGEX_PROFILE) {
		char err[300];
		if (!rx_compile(&c->re, c->args[0], err, sizeof(err))) {
			fprintf(stderr, "allocprof: %s\n", err);
			*status = 2;
			return false;
		}
		c->has_re = true;
	}
	/* diff reads BASE first, as its operands are written */
	bool base_first = s->operands == CLI_BASE_NEW;
	if (base_first && c->base_path) {
		if (cli_load(c->base_path, &c->base))
			goto fail;
		c->has_base = true;
	}
	if (load_merged(c->paths, c->npaths, &c->p))
		goto fail;
	c->loaded = true;
	if (!base_first && c->base_path) {
		if (cli_load(c->base_path, &c->base))
			goto fail;
		c->has_base = true;
	}
	return true;
fail:
	cli_release(c);
	*status = 1;
	return false;
}

void cli_release(struct cli *c)
{
	if (c->loaded)
		profile_release(&c->p);
	if (c->has_base)
		profile_release(&c->base);
	if (c->has_re)
		rx_free(&c->re);
	c->loaded = c->has_base = c->has_re = false;
}
