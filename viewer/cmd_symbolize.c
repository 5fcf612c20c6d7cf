/* cmd_symbolize: `allocprof symbolize IN -o OUT`: names the frames of a
 * profile written without symbols (ALLOCPROF_SYMBOLIZE=0, or another tool)
 * from the binaries on disk and their debug info, refusing binaries whose
 * build ID is not the one the profile recorded. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "demangle.h"
#include "pprof_read.h"
#include "pprof_write.h"
#include "symbolize.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: allocprof symbolize [options] IN -o OUT\n"
		"  Adds functions, source files, lines and inlined frames to the profile IN\n"
		"  from the binaries its mappings name (or, by build ID, their debug files)\n"
		"  and writes OUT. '-' is standard input or output.\n"
		"  -o, --output OUT        where to write (required)\n"
		"  --force                 redo mappings that already have function names\n"
		"  --skip-mismatch         leave a mapping whose binary is another build\n"
		"                          unsymbolized instead of refusing the profile\n"
		"  --debuginfo-path PATH   debug directories (elfutils syntax, default\n"
		"                          ':.debug:/usr/lib/debug'); DEBUGINFOD_URLS is used\n"
		"  -q, --quiet             no summary on standard error\n");
}

static void note(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "allocprof symbolize: %s\n", msg);
}

int cmd_symbolize(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	struct symbolize_options o = {.note = note};
	bool quiet = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && i + 1 < argc)
			out = argv[++i];
		else if (!strncmp(a, "--output=", 9))
			out = a + 9;
		else if (!strcmp(a, "--force"))
			o.force = true;
		else if (!strcmp(a, "--skip-mismatch"))
			o.skip_mismatch = true;
		else if (!strcmp(a, "--debuginfo-path") && i + 1 < argc)
			o.debuginfo_path = argv[++i];
		else if (!strncmp(a, "--debuginfo-path=", 17))
			o.debuginfo_path = a + 17;
		else if (!strcmp(a, "-q") || !strcmp(a, "--quiet"))
			quiet = true;
		else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "allocprof symbolize: unknown or incomplete option '%s'\n", a);
			usage(stderr);
			return 2;
		} else if (!in)
			in = a;
		else {
			fprintf(stderr, "allocprof symbolize: one input profile only ('%s')\n", a);
			return 2;
		}
	}
	if (!in || !out) {
		usage(stderr);
		return 2;
	}

	struct profile p;
	struct pprof_error err;
	if (pprof_read_file(in, &p, &err) < 0) {
		fprintf(stderr, "allocprof symbolize: %s\n", err.msg); /* the message names the file */
		return 1;
	}
	/* the main thread's stack holds the C++ demangler's parse of far longer
	 * names than the shim's collector thread can */
	demangle_set_max_mangled(16384);
	struct symbolizer *s = symbolizer_new(&o);
	struct symbolize_stats st;
	int rc = s ? symbolizer_run(s, &p, &st) : -ENOMEM;
	if (rc == 0 && symbolize_demangle_names(&p) < 0)
		rc = -ENOMEM;
	int status = 0;
	if (rc == -ESTALE) {
		fprintf(stderr, "allocprof symbolize: refusing: %zu binar%s not the build%s the profile "
				"was taken from (rebuild or restore %s, or pass --skip-mismatch)\n",
			st.mismatched, st.mismatched == 1 ? "y is" : "ies are", st.mismatched == 1 ? "" : "s",
			st.mismatched == 1 ? "it" : "them");
		status = 1;
	} else if (rc < 0) {
		fprintf(stderr, "allocprof symbolize: %s\n", strerror(-rc));
		status = 1;
	} else if ((rc = pprof_write_file(&p, out)) < 0) {
		fprintf(stderr, "allocprof symbolize: cannot write %s: %s\n", out, pprof_write_strerror(rc));
		status = 1;
	} else if (!quiet) {
		fprintf(stderr, "allocprof symbolize: %zu of %zu locations in %zu of %zu mappings symbolized\n",
			st.locations_done, st.locations, st.mappings_done, st.mappings);
	}
	symbolizer_free(s);
	profile_release(&p);
	return status;
}
