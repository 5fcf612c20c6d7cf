/* manpage: the help texts are laid out for a terminal: prose lines, option
 * lines ("  --opt ARG   what it does") whose continuation is indented
 * deeper, usage lines. Each kind becomes its roff equivalent, so the page
 * refills to any width instead of keeping the terminal's line breaks. */
#include "manpage.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "usage.h"

#ifndef ALLOCPROF_VERSION
#define ALLOCPROF_VERSION "unknown"
#endif
#ifndef ALLOCPROF_SHIM_PATH
#define ALLOCPROF_SHIM_PATH "/usr/lib/allocprof/liballocprof.so"
#endif

/* Text in roff: backslashes doubled as \e, a leading dot or quote made
 * inert, the only non-ASCII sign the texts use (±) named; dashes stay
 * minus signs when minus is true (options, commands to type). */
static void put(FILE *out, const char *s, size_t n, bool minus)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (i == 0 && (c == '.' || c == '\''))
			fputs("\\&", out);
		if (c == '\\')
			fputs("\\e", out);
		else if (c == '-' && minus)
			fputs("\\-", out);
		else if ((unsigned char)c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] == 0xb1) {
			fputs("\\(+-", out);
			i++;
		} else
			fputc(c, out);
	}
}

static void put_line(FILE *out, const char *s, bool minus)
{
	put(out, s, strlen(s), minus);
	fputc('\n', out);
}

static size_t indent_of(const char *line)
{
	size_t n = 0;
	while (line[n] == ' ')
		n++;
	return n;
}

/* "  -n, --nodecount N     show ..." splits at the first run of two or
 * more spaces after the option; the description may be empty. */
static bool option_line(const char *line, size_t *tag_len, const char **desc)
{
	size_t ind = indent_of(line);
	if (ind < 1 || ind > 4 || line[ind] != '-' || line[ind + 1] == ' ' || line[ind + 1] == 0)
		return false;
	const char *gap = strstr(line + ind, "  ");
	*tag_len = (gap ? (size_t)(gap - line) : strlen(line)) - ind;
	*desc = "";
	if (gap) {
		gap += indent_of(gap);
		*desc = gap;
	}
	return true;
}

/* One command's help text as roff. */
static void put_help(FILE *out, const char *text)
{
	char *copy = strdup(text);
	enum { PROSE, SYNOPSIS, OPTION } state = PROSE;
	bool gap = false, para = false, indented = false;
	for (char *line = copy, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (!*line) {
			gap = true;
			continue;
		}
		if (!strncmp(line, "usage: ", 7) || (state == SYNOPSIS && !strncmp(line, "       allocprof", 16))) {
			if (state != SYNOPSIS)
				fputs(".PP\n.nf\n", out);
			const char *s = line + indent_of(line);
			if (!strncmp(s, "usage: ", 7))
				s += 7;
			fputs("\\fB", out);
			put(out, s, strlen(s), true);
			fputs("\\fR\n", out);
			state = SYNOPSIS;
			gap = false;
			continue;
		}
		if (state == SYNOPSIS) {
			fputs(".fi\n", out);
			state = PROSE;
			para = true;
		}
		size_t tag_len;
		const char *desc;
		if (option_line(line, &tag_len, &desc)) {
			fputs(".TP\n\\fB", out);
			put(out, line + indent_of(line), tag_len, true);
			fputs("\\fR\n", out);
			if (*desc)
				put_line(out, desc, false);
			state = OPTION;
			gap = false;
			continue;
		}
		size_t ind = indent_of(line);
		if (state == OPTION && ind >= 6 && !gap) {
			put_line(out, line + ind, false);
			continue;
		}
		/* a paragraph after a gap; within one, an indented list item
		 * ("  - Summary: ...") or a line indented after prose that was
		 * not keeps its own line */
		if (gap || para || state == OPTION || (ind == 0 && indented))
			fputs(".PP\n", out);
		else if (ind > 0 && (!strncmp(line + ind, "- ", 2) || !indented))
			fputs(".br\n", out);
		gap = para = false;
		indented = ind > 0;
		state = PROSE;
		put_line(out, line + ind, false);
	}
	if (state == SYNOPSIS)
		fputs(".fi\n", out);
	free(copy);
}

/* The help of a command that prints its own, read back from its --help. */
static char *own_help(const char *name)
{
	command_fn fn = command_lookup(name);
	FILE *tmp = tmpfile();
	if (!fn || !tmp)
		return NULL;
	fflush(stdout);
	int saved = dup(STDOUT_FILENO);
	if (saved < 0 || dup2(fileno(tmp), STDOUT_FILENO) < 0) {
		fclose(tmp);
		return NULL;
	}
	char *args[] = {(char *)name, "--help", NULL};
	int status = fn(2, args);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	long len = ftell(tmp);
	char *text = status == 0 && len > 0 ? malloc((size_t)len + 1) : NULL;
	if (text) {
		rewind(tmp);
		size_t got = fread(text, 1, (size_t)len, tmp);
		text[got] = 0;
	}
	fclose(tmp);
	return text;
}

static void header(FILE *out, const char *title, int section, const char *name, const char *what)
{
	fprintf(out, ".TH %s %d \"\" \"allocprof %s\" \"%s\"\n", title, section, ALLOCPROF_VERSION,
	        section == 1 ? "User Commands" : "Miscellaneous Information Manual");
	fprintf(out, ".SH NAME\n%s \\- %s\n", name, what);
}

int manpage_commands(FILE *out)
{
	int status = 0;
	header(out, "ALLOCPROF", 1, "allocprof", "allocation profiler for C, C++ and Rust programs");
	fputs(".SH SYNOPSIS\n"
	      "\\fBallocprof\\fR \\fICOMMAND\\fR [\\fIOPTIONS\\fR] ...\n"
	      ".SH DESCRIPTION\n"
	      "allocprof profiles the allocations of a program: \\fBallocprof run\\fR starts it with\n"
	      "liballocprof.so preloaded, which samples the calls of the malloc family and of\n"
	      "operator new and writes gzipped pprof profiles (see \\fBallocprof-env\\fR(7)).\n"
	      "The other commands read those profiles.\n"
	      ".PP\n"
	      "Options also take pprof's spellings: \\fB\\-sample_index=inuse_space\\fR,\n"
	      "\\fB\\-lines\\fR, \\fB\\-nodecount=20\\fR, \\fB\\-focus=RE\\fR.\n"
	      ".SH COMMANDS\n", out);
	const char *name, *summary, *text;
	for (size_t i = 0; usage_command(i, &name, &summary, &text); i++) {
		fprintf(out, ".SS %s\n", name);
		put_line(out, summary, false);
		char *own = text ? NULL : own_help(name);
		if (!text && !own) {
			fprintf(stderr, "allocprof: cannot read the help of '%s'\n", name);
			status = 1;
			continue;
		}
		put_help(out, text ? text : own);
		free(own);
	}
	fputs(".SH EXIT STATUS\n"
	      "0 on success, 1 on a failure, 2 on a usage error; \\fBrun\\fR and \\fBstat\\fR exit\n"
	      "with the program's status, \\fBcheck\\fR with 1 when a figure grew.\n"
	      ".SH FILES\n"
	      ".TP\n"
	      "\\fI" ALLOCPROF_SHIM_PATH "\\fR\n"
	      "the shim \\fBrun\\fR and \\fBstat\\fR preload, found relative to the \\fBallocprof\\fR\n"
	      "binary (in a build tree, \\fIbuild\\fB/preload/liballocprof.so\\fR)\n"
	      ".SH SEE ALSO\n"
	      "\\fBallocprof-env\\fR(7), \\fBpprof\\fR(1), \\fBheaptrack\\fR(1)\n", out);
	return status;
}

int manpage_env(FILE *out)
{
	header(out, "ALLOCPROF-ENV", 7, "allocprof-env",
	       "the environment of liballocprof.so and the profiles it writes");
	fputs(".SH SYNOPSIS\n"
	      ".nf\n"
	      "\\fBALLOCPROF_RATE\\fR=\\fIBYTES\\fR ... \\fBallocprof run\\fR \\fIPROG\\fR\n"
	      "\\fBLD_PRELOAD\\fR=" ALLOCPROF_SHIM_PATH " \\fIPROG\\fR\n"
	      ".fi\n"
	      ".SH DESCRIPTION\n"
	      "liballocprof.so, preloaded into a program, samples its calls of the malloc\n"
	      "family and of operator new, unwinds their stacks and writes a gzipped pprof\n"
	      "profile (profile.proto) at exit. Every variable below is optional and is read\n"
	      "once, when the program starts. A bad value makes the profiler print one line\n"
	      "naming the variable and the default it uses instead; the program runs on.\n"
	      ".SH ENVIRONMENT\n", out);
	for (size_t i = 0; i < usage_nenvvars; i++) {
		fprintf(out, ".TP\n\\fB%s\\fR (default: ", usage_envvars[i].name);
		put(out, usage_envvars[i].dflt, strlen(usage_envvars[i].dflt), false);
		fputs(")\n", out);
		put_line(out, usage_envvars[i].meaning, false);
	}
	fputs(".SH PROFILE FORMAT\n"
	      "A profile is a gzipped protocol buffer of pprof's profile.proto, read by\n"
	      "\\fBallocprof\\fR(1) and by \\fBgo tool pprof\\fR alike.\n"
	      ".TP\n"
	      ".B Sample types\n"
	      "alloc_objects/count, alloc_space/bytes (the default), inuse_objects/count,\n"
	      "inuse_space/bytes (still allocated when the profile was written: at exit, the\n"
	      "leaks), short_lived_objects/count and short_lived_space/bytes (blocks freed\n"
	      "within ALLOCPROF_SHORT_NS).\n"
	      ".TP\n"
	      ".B Sampling\n"
	      "each thread counts down a random number of bytes, exponentially distributed\n"
	      "with mean ALLOCPROF_RATE; the allocation that crosses zero is sampled and\n"
	      "stands for 1/(1\\-exp(\\-s/R)) allocations and s/(1\\-exp(\\-s/R)) bytes.\n"
	      "With ALLOCPROF_RATE=1 every figure is exact.\n"
	      ".TP\n"
	      ".B Labels\n"
	      "numeric labels per sample tell what became of the blocks: lifetime_le_1us\n"
	      "\\&... lifetime_gt_10s, size_min, size_max, freed, freed_same_thread,\n"
	      "freed_same_function, freed_at, realloc_moved, realloc_chains,\n"
	      "realloc_chain_moves, realloc_chain_bytes, live_max, live_max_sampled,\n"
	      "live_max_thread.\n"
	      ".TP\n"
	      ".B The peak\n"
	      "at exit a second file, \\fI...\\fB.peak.pb.gz\\fR, holds the in-use profile at the\n"
	      "moment of the highest estimated in-use bytes (within 2%).\n"
	      ".TP\n"
	      ".B Timeline\n"
	      "estimated in-use bytes and RSS over the run, at most 1024 points each, in an\n"
	      "extension field (Profile field 101) other pprof readers skip.\n"
	      ".TP\n"
	      ".B Comments\n"
	      "the command line, pid, rate, why the profile was written, the events\n"
	      "sampled and lost, truncated stacks, the shim's own memory and, on glibc's\n"
	      "allocator, its count of bytes in use.\n"
	      ".TP\n"
	      ".B Mappings\n"
	      "file names and GNU build IDs; locations carry absolute addresses, functions,\n"
	      "files, lines and inlined frames (see \\fBallocprof symbolize\\fR).\n"
	      ".SH SEE ALSO\n"
	      "\\fBallocprof\\fR(1)\n", out);
	return 0;
}
