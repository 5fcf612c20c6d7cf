/* popts: the picture options are taken out of argv first and the rest goes
 * to cli_parse untouched; the value of a shared option is never mistaken
 * for a picture option because the options that take values are known. */
#include "popts.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* cli.h's options that take a value as the next argument. */
static const char *const valued[] = {
	"sample_index", "sample-index", "by", "nodecount", "nodefraction", "edgefraction", "focus",
	"ignore", "output", "source_path", "source-path", "context", "diff_base", "diff-base",
};

static const struct {
	const char *name;
	unsigned flag;
	bool takes_value;
} mine[] = {
	{"icicle", POPT_ICICLE, false}, {"diff", POPT_DIFF, true},     {"peak", POPT_PEAK, true},
	{"width", POPT_WIDTH, true},    {"min-width", POPT_MINW, true}, {"min_width", POPT_MINW, true},
	{"title", POPT_TITLE, true},    {"dot", POPT_DOT, false},
};
enum { NMINE = sizeof(mine) / sizeof(mine[0]) };

/* "--name", "-name" -> "name"; NULL for anything else. */
static const char *long_name(const char *a)
{
	if (a[0] != '-' || !a[1])
		return NULL;
	return a[1] == '-' ? a + 2 : a + 1;
}

/* Does option a (without dashes) equal name, alone or as "name=VALUE"?
 * *val is set to the inline value or NULL. */
static bool is_opt(const char *a, const char *name, const char **val)
{
	size_t n = strlen(name);
	if (strncmp(a, name, n))
		return false;
	if (a[n] == 0) {
		*val = NULL;
		return true;
	}
	if (a[n] == '=') {
		*val = a + n + 1;
		return true;
	}
	return false;
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

int popts_parse(int argc, char **argv, unsigned groups, unsigned own, void (*help)(FILE *),
		struct popts *o)
{
	const char *cmd = argv[0];
	memset(o, 0, sizeof(*o));
	o->min_width = -1;
	o->argv = calloc((size_t)argc + 1, sizeof(char *));
	if (!o->argv) {
		fprintf(stderr, "allocprof: out of memory\n");
		return 1;
	}
	int n = 0;
	o->argv[n++] = argv[0];
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			while (i < argc)
				o->argv[n++] = argv[i++];
			break;
		}
		const char *name = long_name(a), *val = NULL;
		if (!name) {
			o->argv[n++] = argv[i];
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(name, "help")) {
			help(stdout);
			return -1;
		}
		size_t k;
		for (k = 0; k < NMINE; k++)
			if (is_opt(name, mine[k].name, &val))
				break;
		if (k == NMINE) {
			/* a shared option: keep it, and its value when separate */
			o->argv[n++] = argv[i];
			for (size_t v = 0; v < sizeof(valued) / sizeof(valued[0]); v++)
				if (!strcmp(name, valued[v]) && i + 1 < argc)
					o->argv[n++] = argv[++i];
			if ((!strcmp(a, "-n") || !strcmp(a, "-o")) && i + 1 < argc)
				o->argv[n++] = argv[++i];
			continue;
		}
		if (!(own & mine[k].flag))
			return cli_usage_error(cmd, "option '%s' does not apply to this command", a);
		if (mine[k].takes_value && !val) {
			if (i + 1 >= argc)
				return cli_usage_error(cmd, "option '%s' needs a value", a);
			val = argv[++i];
		} else if (!mine[k].takes_value && val) {
			return cli_usage_error(cmd, "option '--%s' takes no value", mine[k].name);
		}
		double px;
		switch (mine[k].flag) {
		case POPT_ICICLE:
			o->icicle = true;
			break;
		case POPT_DOT:
			o->dot = true;
			break;
		case POPT_DIFF:
			o->diff = val;
			break;
		case POPT_PEAK:
			o->peak = val;
			break;
		case POPT_TITLE:
			o->title = val;
			break;
		case POPT_WIDTH:
			if (!parse_px(val, 200, 20000, &px))
				return cli_usage_error(cmd, "--width takes a number of pixels from 200 to 20000, not '%s'", val);
			o->width = (int)px;
			break;
		case POPT_MINW:
			if (!parse_px(val, 0, 100, &px))
				return cli_usage_error(cmd, "--min-width takes pixels from 0 to 100, not '%s'", val);
			o->min_width = px;
			break;
		}
	}
	o->argv[n] = NULL;
	int rc = cli_parse(n, o->argv, groups, &o->c);
	if (rc)
		return rc;
	if (o->c.diff_base) {
		if (o->diff && strcmp(o->diff, o->c.diff_base))
			return cli_usage_error(cmd, "two different bases given (--diff and --diff-base)");
		o->diff = o->c.diff_base;
	}
	return 0;
}

void popts_release(struct popts *o)
{
	free(o->argv);
	o->argv = NULL;
}

void popts_wrote(const char *cmd, const char *path, const char *fmt, ...)
{
	if (!strcmp(path, "-"))
		return;
	fprintf(stderr, "allocprof %s: wrote %s", cmd, path);
	if (fmt && *fmt) {
		va_list ap;
		va_start(ap, fmt);
		fputs(" (", stderr);
		vfprintf(stderr, fmt, ap);
		fputc(')', stderr);
		va_end(ap);
	}
	fputc('\n', stderr);
}
