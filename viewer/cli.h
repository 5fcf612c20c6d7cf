/* cli: the one option parser of allocprof's commands, in GNU spelling (--by
 * line, -n 20) and pprof's (-lines, -nodecount=20, -n=20); and the prologue
 * they share: parse, check the operands, load the profiles, one error line. */
#ifndef ALLOCPROF_CLI_H
#define ALLOCPROF_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "profile.h"
#include "report.h"
#include "rx.h"

/* Which option groups a command accepts. */
enum {
	CLI_SAMPLE = 1 << 0,  /* --sample-index and pprof's -alloc_space ... */
	CLI_BY = 1 << 1,      /* --by, -lines, -functions, ..., --noinlines */
	CLI_SORT = 1 << 2,    /* --cum, --flat */
	CLI_NODES = 1 << 3,   /* -n, --nodefraction, --edgefraction */
	CLI_FILTER = 1 << 4,  /* --focus, --ignore, --hide */
	CLI_OUTPUT = 1 << 5,  /* -o FILE */
	CLI_SOURCE = 1 << 6,  /* --source-path, --context */
	CLI_DIFF = 1 << 7,    /* --diff-base */
	CLI_SITES = 1 << 8,   /* --by site */
	/* the pictures' own */
	CLI_ICICLE = 1 << 9,  /* --icicle */
	CLI_BASE = 1 << 10,   /* --diff BASE (the same as --diff-base) */
	CLI_PEAK = 1 << 11,   /* --peak FILE */
	CLI_WIDTH = 1 << 12,  /* --width PX */
	CLI_MINW = 1 << 13,   /* --min-width PX */
	CLI_TITLE = 1 << 14,  /* --title TEXT */
	CLI_DOT = 1 << 15,    /* --dot */
	/* hints: rows are sites, by line (default) or function; -n counts
	 * hints; --min-share (--nodefraction) and --tsv; an option of another
	 * command is unknown rather than misplaced */
	CLI_HINTS = 1 << 16,
	/* watch: --once, --count N, --interval S, --timeout S; -n rows */
	CLI_LIVE = 1 << 20,
	/* the commands that run a program or compare figures */
	CLI_RUN = 1 << 17,   /* --rate, --seed, -q */
	CLI_ATTACH = 1 << 21, /* --duration, and --rate as run's */
	CLI_JSON = 1 << 18,  /* --json */
	CLI_CHECK = 1 << 19, /* --budget, --write-budget, --max-*, --sites, --junit */
	CLI_LEAKS = 1 << 21, /* leaks: -n only */
	CLI_TAGS = 1 << 22,  /* --tags: the labels report instead of the table */
	CLI_MERGE = 1 << 23, /* several PROFILEs, merged as go tool pprof merges them */
};

enum { CLI_NFIGURES = 4 }; /* check's figures: allocs, bytes, peak, inuse */

/* What a command's operands are. */
enum cli_operands {
	CLI_PROFILE,       /* PROFILE (and the base of --diff when given) */
	CLI_REGEX_PROFILE, /* REGEX PROFILE: list, peek */
	CLI_BASE_NEW,      /* BASE NEW, or NEW with --diff-base: diff */
	CLI_PROFILE_BASE,  /* PROFILE [BASE], or --diff BASE: report (with CLI_MERGE,
			    * three PROFILEs or more, or --diff BASE, merge) */
	/* nothing loaded: the command reads its operands itself */
	CLI_PROGRAM,       /* PROG [ARGS...]: run, stat; options end at PROG */
	CLI_FIGURES,       /* BASELINE NEW, or NEW with --budget or --write-budget: check */
	CLI_PID,           /* PID, a process id in c->pid: attach */
};

struct cli_spec {
	unsigned groups;
	enum cli_operands operands;
	void (*help)(FILE *); /* NULL: usage.c's text for the command */
};

struct cli {
	struct ropts r;
	const char *output, *source_path;
	const char *diff_base; /* --diff-base or --diff */
	int context;
	/* pictures */
	bool icicle, dot;
	const char *peak, *title;
	int width;        /* 0: the command's default */
	double min_width; /* <0: the default */
	/* hints */
	double min_share;
	bool tsv;
	/* watch */
	bool once;
	int count;                 /* 0: until q (on a terminal), else 1 */
	double interval, timeout;  /* seconds; 0: the default */
	/* run, attach: the shim's ALLOCPROF_RATE, checked here */
	const char *rate;
	/* attach */
	double duration; /* seconds; 0: until a signal */
	long pid;
	/* run, stat, check; values checked by the command */
	const char *seed;
	bool quiet, json;
	const char *budget, *write_budget, *junit;
	const char *max_increase, *max_figure[CLI_NFIGURES]; /* --max-allocs ... in FIG_* order */
	int sites;
	bool tags;   /* --tags */
	char **args; /* the operands, in order */
	int nargs;
	/* what cli_start loaded: with CLI_MERGE, paths[0..npaths) merged into p */
	const char *path, *base_path; /* base_path NULL: no base */
	const char *const *paths;
	int npaths;
	struct profile p, base;
	struct rx re; /* CLI_REGEX_PROFILE */
	bool loaded, has_base, has_re;
};

/* Parses argv (argv[0] is the command) with the given groups allowed and
 * pprof's defaults for top; the operands are gathered at the front of argv.
 * Returns 0 to go on, 2 after printing a usage error, or -1 after printing
 * the command's help (exit 0). */
int cli_parse(int argc, char **argv, const struct cli_spec *s, struct cli *c);

/* The prologue: cli_parse, the operand count, the regular expression, the
 * profile and its base. true: go on, and cli_release(c) at the end; false:
 * return *status (0 after the help, 2 for usage, 1 for a profile not read),
 * nothing held. */
bool cli_start(int argc, char **argv, const struct cli_spec *s, struct cli *c, int *status);
void cli_release(struct cli *c);

/* "allocprof CMD: MESSAGE" plus a pointer to the help, status 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reads a profile and applies its drop_frames. 0, or 1 after printing
 * "allocprof: PATH: what is wrong". */
int cli_load(const char *path, struct profile *p);

#endif
