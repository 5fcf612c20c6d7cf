/* popts: the command lines of the picture commands: the options shared with
 * top (parsed by cli.h, both spellings), the options only pictures have
 * (--icicle, --diff, --peak, --width, --min-width, --title, --dot), --help. */
#ifndef ALLOCPROF_PICTURES_POPTS_H
#define ALLOCPROF_PICTURES_POPTS_H

#include <stdbool.h>
#include <stdio.h>

#include "cli.h"

/* The picture options a command accepts. */
enum {
	POPT_ICICLE = 1 << 0,
	POPT_DIFF = 1 << 1,   /* --diff BASE (and cli's --diff-base, -diff_base) */
	POPT_PEAK = 1 << 2,   /* --peak FILE */
	POPT_WIDTH = 1 << 3,  /* --width PX */
	POPT_MINW = 1 << 4,   /* --min-width PX */
	POPT_TITLE = 1 << 5,  /* --title TEXT */
	POPT_DOT = 1 << 6,    /* --dot: DOT whatever the output name */
};

struct popts {
	struct cli c;
	bool icicle, dot;
	const char *diff, *peak, *title;
	int width;        /* 0: the command's default */
	double min_width; /* <0: the default */
	char **argv;      /* the copy cli parsed (c.args points into it) */
};

/* Parses argv for command argv[0]. help prints the command's help. Returns
 * 0 to go on, 2 after a usage error, -1 after printing the help. */
int popts_parse(int argc, char **argv, unsigned groups, unsigned own, void (*help)(FILE *),
		struct popts *o);
void popts_release(struct popts *o);

/* Prints "allocprof CMD: wrote PATH" plus a note, on stderr. */
void popts_wrote(const char *cmd, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
