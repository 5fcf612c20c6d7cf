/* usage: the variables come from src/envvars.h, the table the shim's
 * parser is made from; add a command to commands[] and it gets `--help`. */
#include "usage.h"

#include <string.h>

#include "envvars.h"

const struct envvar usage_envvars[] = {
#define X(NAME, field, type, dflt, shown, lo, hi, help) {"ALLOCPROF_" #NAME, shown, help},
	ALLOCPROF_ENVVARS(X)
#undef X
};
const size_t usage_nenvvars = sizeof(usage_envvars) / sizeof(usage_envvars[0]);

#define REPORT_OPTS \
	"  --sample-index TYPE   sample type to show: a name (alloc_space, alloc_objects,\n" \
	"                        inuse_space, inuse_objects, cpu, ...) or its number;\n" \
	"                        default: the profile's default type\n" \
	"  --alloc_space, --alloc_objects, --inuse_space, --inuse_objects\n" \
	"                        short for --sample-index TYPE\n"
#define BY_OPTS \
	"  --by function|line|file|filefunctions|address\n" \
	"                        what one row stands for (default: function);\n" \
	"                        pprof's -functions, -lines, -files, -filefunctions,\n" \
	"                        -addresses say the same\n" \
	"  --noinlines           attribute inlined frames to the function they were\n" \
	"                        inlined into\n"
#define SITE_OPTS \
	"  --by site             one row per allocation site: the first frame, from the\n" \
	"                        leaf, in the program's own code (not the C, C++ or\n" \
	"                        Rust standard library, not an allocator wrapper such\n" \
	"                        as operator new or xmalloc, not a library frame\n" \
	"                        without debug info when a caller has a line, never an\n" \
	"                        unnamed frame when a caller has a name), by line, the\n" \
	"                        library call beside it (\"f known.cpp:56 (via\n" \
	"                        std::make_unique)\"); flat is what the site allocated,\n" \
	"                        cum what the line and its callees did. Not in go tool\n" \
	"                        pprof, whose rows are the leaf frames and which drops\n" \
	"                        only Go's runtime frames; the other --by values are\n" \
	"                        pprof's, row for row\n"
#define FILTER_OPTS \
	"  --focus RE            keep only samples with a frame matching RE (function\n" \
	"                        name, file name or binary)\n" \
	"  --ignore RE           drop samples with a frame matching RE\n" \
	"  --hide RE             take the frames matching RE out of the stacks (pprof's\n" \
	"                        -hide); a sample left without frames goes\n" \
	"  --tagfocus [KEY=]RE[,RE...]\n" \
	"                        keep only samples with a label KEY whose value\n" \
	"                        matches RE (thread=worker-2, request=GET); without\n" \
	"                        KEY, a label \"key:value\" matching every RE; a number\n" \
	"                        or range instead of RE compares numeric labels\n" \
	"                        (tid=1234, tid=1000:2000, size_min=64kb:)\n" \
	"  --tagignore [KEY=]RE  drop samples with such a label\n"
#define NODE_OPTS \
	"  -n, --nodecount N     show at most N rows\n" \
	"  --nodefraction F      hide rows whose cum is below F of the total (0.005)\n" \
	"  --edgefraction F      ignore call edges below F of the total (0.001)\n"

static const struct {
	const char *name, *summary, *text;
} commands[] = {
	{"run", "run a program with the profiler and summarize its profiles",
	 "usage: allocprof run [--rate BYTES] [--output TEMPLATE] [--] PROG [ARGS...]\n"
	 "\n"
	 "Runs PROG with liballocprof.so prepended to LD_PRELOAD, waits for it, then\n"
	 "prints on stderr where each profile went with its totals: bytes and objects\n"
	 "allocated, what was still in use at exit and at the peak (estimates with\n"
	 "their error and samples), which processes sampled nothing, and the profile\n"
	 "of PROG to read next. Every process writes into one directory fixed at the\n"
	 "start: the current one, or --output's. Exits with PROG's status (128+N when\n"
	 "PROG dies of signal N). ^C and ^\\ reach PROG as from a shell; SIGTERM and\n"
	 "SIGHUP sent to allocprof are passed on to PROG.\n"
	 "\n"
	 "  --rate BYTES          mean bytes between samples (ALLOCPROF_RATE); 1 records\n"
	 "                        every allocation; k/m/g suffixes accepted\n"
	 "  -o, --output TEMPLATE\n"
	 "                        where profiles go (ALLOCPROF_OUT): %p pid, %e program\n"
	 "                        name, %n dump sequence number; DIR/ for the default\n"
	 "                        names in DIR\n"
	 "  --seed N              reproducible sampling (ALLOCPROF_SEED)\n"
	 "  -q, --quiet           print nothing after the run, and no \"wrote\" line from\n"
	 "                        the profiler (ALLOCPROF_VERBOSE=0); its errors still\n"
	 "                        show\n"},
	{"stat", "exact allocation counts of a command, per process, without profiling",
	 "usage: allocprof stat [--json] [-o FILE] [--] PROG [ARGS...]\n"
	 "\n"
	 "Runs PROG with liballocprof.so in ALLOCPROF_STAT mode, which never samples\n"
	 "nor unwinds a stack, and prints on stderr, per process: allocation calls,\n"
	 "bytes asked for, frees, the peak of the bytes in use and what was in use at\n"
	 "exit (bytes and blocks; in use and peak count each block's usable size).\n"
	 "A process ended by ^C or SIGTERM (see ALLOCPROF_ON_TERM) reports its counts\n"
	 "up to then; one killed by SIGKILL or a crash, nothing. Exits with PROG's\n"
	 "status.\n"
	 "\n"
	 "  --json                JSON instead of the table: each process and the\n"
	 "                        total (the input of allocprof check)\n"
	 "  -o, --output FILE     write the table or the JSON to FILE\n"},
	{"attach", "profile a running process for a while, then detach",
	 "usage: allocprof attach [--rate BYTES] [--duration SECONDS] [-o FILE] PID\n"
	 "\n"
	 "Loads the profiler into the running process PID (with gdb, which must be\n"
	 "installed), records its allocations from that moment, and after SECONDS, or\n"
	 "on ^C or SIGTERM, writes the profile and takes the profiler out again: the\n"
	 "process runs on. Blocks allocated before the attach are not seen, and their\n"
	 "frees are ignored. Refused for statically linked programs, processes that\n"
	 "run under the profiler already, stopped processes, and processes this user\n"
	 "may not trace (kernel.yama.ptrace_scope). The process writes the profile\n"
	 "itself: its user needs write access to FILE's directory. See docs/attach.md.\n"
	 "\n"
	 "  --rate BYTES          mean bytes between samples (ALLOCPROF_RATE); 1 records\n"
	 "                        every allocation; k/m/g suffixes accepted\n"
	 "  --duration SECONDS    stop after this long (default: at ^C or SIGTERM)\n"
	 "  -o, --output FILE     the profile (default allocprof.%e.%p.pb.gz in the\n"
	 "                        current directory: %e program name, %p pid)\n"},
	{"check", "fail when allocations grew: against a baseline or a budget file (for CI)",
	 "usage: allocprof check [OPTIONS] BASELINE NEW\n"
	 "       allocprof check --budget FILE [OPTIONS] NEW\n"
	 "       allocprof check --write-budget FILE [--max-increase T] [--sites N] NEW\n"
	 "\n"
	 "Compares allocation calls (allocs), bytes allocated (bytes), the peak in use\n"
	 "(peak) and what was in use at exit (inuse) of NEW with BASELINE, each a\n"
	 "profile or the output of allocprof stat --json, or with the limits of a\n"
	 "budget file, and exits 1 when one grew beyond what is allowed, 0 otherwise\n"
	 "(2 on a usage error or an unreadable file). Allowed by default: nothing\n"
	 "for exact figures (stat, --rate 1), three standard errors of the\n"
	 "difference for sampled ones. Prints a table, the sites that changed most\n"
	 "(the frame nearest the allocation outside the system's libraries) and one\n"
	 "\"FILE: error: ...\" line per figure that grew (\"FILE:LINE: error:\" for a\n"
	 "budget). Improvements pass and are reported.\n"
	 "\n"
	 "A budget file holds \"FIGURE LIMIT\" lines (allocs, bytes, peak, inuse) and\n"
	 "\"site allocs|bytes LIMIT WHERE\" lines, WHERE as check prints a site; '#'\n"
	 "starts a comment.\n"
	 "\n"
	 "  --max-increase T      allowed growth of every figure: a share (5%) or an\n"
	 "                        amount (100)\n"
	 "  --max-allocs T, --max-bytes T, --max-peak T, --max-inuse T\n"
	 "                        the same for one figure; wins over --max-increase\n"
	 "  --budget FILE         check NEW against FILE's limits\n"
	 "  --write-budget FILE   write NEW's figures as a budget (--max-increase adds\n"
	 "                        headroom) and its --sites biggest sites\n"
	 "  --sites N             sites listed (5)\n"
	 "  --json                the verdict as JSON on stdout instead of the table\n"
	 "  --junit FILE          also a JUnit XML report, a test case per figure\n"},
	{"top", "the functions (or lines, files) that allocate most",
	 "usage: allocprof top [OPTIONS] PROFILE...\n"
	 "\n"
	 "Prints a table like `go tool pprof -top`: flat (allocated in the row itself),\n"
	 "flat%, sum% (running total), cum (including what it calls), cum%, name.\n"
	 "Counts print as exact integers, bytes in pprof's units (2.29MB). Several\n"
	 "profiles are merged first, as `go tool pprof -top A B C` merges them.\n"
	 "\n" REPORT_OPTS BY_OPTS SITE_OPTS
	 "  --cum                 sort by cum instead of flat\n"
	 "  --tags                instead of the table, the samples' labels (thread, tid,\n"
	 "                        the program's own, the lifetimes): per label, the\n"
	 "                        total and its split by value (`go tool pprof -tags`)\n"
	 NODE_OPTS FILTER_OPTS},
	{"list", "annotated source of the functions matching a pattern",
	 "usage: allocprof list [OPTIONS] REGEX PROFILE...\n"
	 "\n"
	 "For every function whose name matches REGEX, prints its source file with\n"
	 "flat and cum beside each line, showing the lines that allocate and a few\n"
	 "lines around them (\"...\" marks what is left out). When the source file is\n"
	 "not found, the figures are printed per line number, without the text.\n"
	 "\n" REPORT_OPTS
	 "  --source-path DIRS    colon-separated directories to look for sources in,\n"
	 "                        before the current directory and the directories of\n"
	 "                        the profiled binaries and their parents\n"
	 "  --context N           lines shown around each allocating line (3)\n"
	 "  -n N                  only the N matching functions with the biggest flat\n"
	 "                        (then cum), biggest first\n" FILTER_OPTS},
	{"peek", "callers and callees of the functions matching a pattern",
	 "usage: allocprof peek [OPTIONS] REGEX PROFILE...\n"
	 "\n"
	 "Like `go tool pprof -peek`: for every row matching REGEX, its callers above\n"
	 "it and its callees below it, each with its value and its share of the row's\n"
	 "cum.\n"
	 "\n" REPORT_OPTS BY_OPTS "  --cum                 sort by cum instead of flat\n" FILTER_OPTS},
	{"traces", "every sampled stack with its value",
	 "usage: allocprof traces [OPTIONS] PROFILE...\n"
	 "\n"
	 "Like `go tool pprof -traces`: each sample's labels, value and stack, leaf\n"
	 "first.\n"
	 "\n" REPORT_OPTS BY_OPTS FILTER_OPTS},
	{"diff", "what changed between two profiles (NEW - BASE)",
	 "usage: allocprof diff [OPTIONS] [-o DIFF.pb.gz] BASE NEW\n"
	 "       allocprof diff --diff-base BASE [OPTIONS] NEW\n"
	 "\n"
	 "Prints the totals of both profiles per sample type (old, new, delta,\n"
	 "delta%), then a top table of NEW - BASE: rows sorted by absolute change,\n"
	 "percentages of the BASE total, as `go tool pprof -top -diff_base BASE NEW`.\n"
	 "A row that did not change is absent. Profiles of different kinds (no\n"
	 "sample type in common, or a type in other units: CPU against heap) are\n"
	 "refused with status 1, as pprof refuses them; a type only one side has\n"
	 "counts as 0 on the other, with a warning.\n"
	 "\n"
	 "  -o, --output FILE     also write the difference as a pprof profile (base\n"
	 "                        samples negated and labelled pprof::base) that\n"
	 "                        `go tool pprof` opens\n"
	 REPORT_OPTS BY_OPTS SITE_OPTS "  --cum                 sort by cum instead of flat\n" NODE_OPTS FILTER_OPTS},
	{"merge", "several profiles merged into one file",
	 "usage: allocprof merge -o OUT PROFILE...\n"
	 "\n"
	 "Writes one profile holding the samples of all PROFILEs, as\n"
	 "`go tool pprof -proto A B C > OUT` merges them: profiles of one kind (the\n"
	 "same sample types and period type, else status 1), the earliest start\n"
	 "time, the durations summed, the largest period, each comment once. The\n"
	 "timelines of in-use bytes and RSS are not merged. top, list, peek, traces,\n"
	 "summary, hints, flame, graph and report merge the profiles they are given\n"
	 "the same way.\n"
	 "\n"
	 "  -o, --output FILE     where to write it (required)\n"},
	{"summary", "totals, what was in use at exit, the biggest sites",
	 "usage: allocprof summary [OPTIONS] PROFILE...\n"
	 "\n"
	 "Prints the total of every sample type, what was still in use when the\n"
	 "profile was written (at exit: the leaks), and the ten biggest allocation\n"
	 "sites (as top --by site: the program's own line, the library call beside\n"
	 "it). Totals of a sampled profile are estimates: bytes print with two\n"
	 "standard errors and the samples behind them (28.38MB \xc2\xb1" "7.44MB (55\n"
	 "samples)), object counts as ~N; a site's count that rests on fewer than\n"
	 "20 samples is followed by its spread (objects \xc2\xb1" "45%).\n"
	 "A profile the shim wrote also gets the table of its resident memory\n"
	 "(RSS), rows that add up to it, each exact or an estimate, and a warning\n"
	 "when much of it was mapped outside malloc (docs/memory.md).\n"
	 "\n" REPORT_OPTS "  -n N                  sites to show (10)\n"},
	{"leaks", "the sites whose in-use keeps growing over a series of snapshots",
	 "usage: allocprof leaks [-n N] SNAPSHOTS...\n"
	 "\n"
	 "Reads profiles of one run written over time (ALLOCPROF_INTERVAL's numbered\n"
	 "snapshots, the exit profile among them), given as files, directories (their\n"
	 "*.pb.gz but the .peak ones) or quoted patterns, in the order of the time\n"
	 "each was written (not of their names), and lists the sites (as top --by\n"
	 "site) whose bytes in use kept growing through the second half of that\n"
	 "time, fastest first: the rate (least squares over the second half), and\n"
	 "the bytes in use in the first and last snapshot. A site is a leak when, in\n"
	 "the second half, later snapshots hold more than earlier ones in at least\n"
	 "half of the pairs (Kendall's tau >= 0.5) and the last holds more than the\n"
	 "middle one: a cache, which grows and then holds steady, is not, and is\n"
	 "listed apart. At least 4 snapshots.\n"
	 "\n"
	 "  -n N                  sites to show in each list (all)\n"},
	/* symbolize prints its own help */
	{"hints", "the sites a pool, a reserve or a reused buffer would remove", NULL},
	{"flame", "a flame graph as one self-contained SVG", NULL},
	{"graph", "the call graph as pprof draws it (SVG through graphviz, or DOT)", NULL},
	{"timeline", "in-use bytes and RSS over the run, the peak marked", NULL},
	{"report", "one self-contained HTML report: summary, top, flame graph, timeline", NULL},
	{"watch", "a live view of a process running under the profiler: sites, rates, in use",
	 "usage: allocprof watch [OPTIONS] PID\n"
	 "\n"
	 "Shows, refreshed every second, what process PID allocates: per site (as top\n"
	 "--by site names them) allocations and bytes per second, what is in use now\n"
	 "(bytes and blocks), allocations and bytes since the start; above them the\n"
	 "process's in use, peak, RSS and totals. The process must run under the\n"
	 "profiler (allocprof run, or LD_PRELOAD=liballocprof.so); it is asked for a\n"
	 "snapshot through a file in /dev/shm, names are looked up here, and it keeps\n"
	 "running when the view ends. On a terminal the view is full-screen: q or ^C\n"
	 "quits, s changes the order. With --once, --count, or when stdout is not a\n"
	 "terminal, snapshots are printed as plain text. Figures are estimates at the\n"
	 "default rate, exact with ALLOCPROF_RATE=1. Exits 1 when PID is no process,\n"
	 "does not run under the profiler or does not answer; 0 when it exits while\n"
	 "watched (\"process PID exited\").\n"
	 "\n"
	 "  --once                print one snapshot as text and exit (rates since the\n"
	 "                        process started)\n"
	 "  --count N             print N snapshots as text, an interval apart\n"
	 "  --interval S          seconds between refreshes (1; from 0.1)\n"
	 "  --timeout S           give up when the process has not answered in S\n"
	 "                        seconds (10)\n"
	 "  --sample-index TYPE   the order: alloc_space (bytes/s, the default),\n"
	 "                        alloc_objects (allocs/s), inuse_space, inuse_objects;\n"
	 "                        --alloc_objects and the like say the same\n"
	 "  -n N                  show at most N sites\n"},
	{"symbolize", "add function names, files and lines to a profile", NULL},
	{"help", "this help, or the help of one command",
	 "usage: allocprof help [COMMAND]\n"},
};
enum { NCOMMANDS = sizeof(commands) / sizeof(commands[0]) };

bool usage_print(FILE *out, const char *cmd)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(cmd, commands[i].name) && commands[i].text) {
			fputs(commands[i].text, out);
			return true;
		}
	return false;
}

bool usage_command(size_t i, const char **name, const char **summary, const char **text)
{
	if (i >= NCOMMANDS)
		return false;
	*name = commands[i].name;
	*summary = commands[i].summary;
	*text = commands[i].text;
	return true;
}

bool usage_known(const char *cmd)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(cmd, commands[i].name))
			return true;
	return false;
}

/* Prints text word-wrapped to 78 columns, every line indented. */
static void wrap(FILE *out, const char *text, int indent)
{
	const char *s = text;
	while (*s) {
		int room = 78 - indent;
		size_t n = strlen(s);
		size_t cut = n;
		if ((int)n > room) {
			cut = (size_t)room;
			while (cut > 0 && s[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = (size_t)room;
		}
		fprintf(out, "%*s%.*s\n", indent, "", (int)cut, s);
		s += cut;
		while (*s == ' ')
			s++;
	}
}

void usage_overview(FILE *out)
{
	fputs("usage: allocprof COMMAND [OPTIONS] ...\n"
	      "\n"
	      "allocprof profiles the allocations of a C or C++ program (liballocprof.so,\n"
	      "preloaded) and reads the pprof profiles it writes.\n"
	      "\n"
	      "commands:\n", out);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\n"
	      "Options also take pprof's spellings: -sample_index=inuse_space, -lines,\n"
	      "-nodecount=20, -focus=RE. 'allocprof help COMMAND' shows a command's options.\n"
	      "\n"
	      "environment of the profiled program (all optional):\n", out);
	for (size_t i = 0; i < usage_nenvvars; i++) {
		fprintf(out, "  %-20s default %s\n", usage_envvars[i].name, usage_envvars[i].dflt);
		wrap(out, usage_envvars[i].meaning, 6);
	}
	fputs("\n"
	      "A bad value makes the profiler print one line naming the variable and the\n"
	      "default it uses instead; the program runs on.\n", out);
}
