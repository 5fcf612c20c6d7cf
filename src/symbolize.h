/* symbolize: gives a profile's locations their functions, source files,
 * lines and inlined frames, from the ELF files of its mappings and their
 * debug info (libdwfl). The shim runs it at dump time over its own live
 * mappings, the viewer offline over files on disk. The cost is per unique
 * address: a symbolizer keeps its modules and answers from run to run. */
#ifndef ALLOCPROF_SYMBOLIZE_H
#define ALLOCPROF_SYMBOLIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "profile.h"

struct symbolizer;

struct symbolize_options {
	/* The mappings are this process's own, now: /proc/self/map_files may
	 * stand in for a file deleted or replaced since it was mapped, and debug
	 * info is looked for on this machine only (no debuginfod, no dlopen). */
	bool live;
	/* Also redo mappings that already have function names. */
	bool force;
	/* Leave a mapping whose binary is another build unsymbolized, instead of
	 * refusing the whole profile (live mode always does). */
	bool skip_mismatch;
	/* Debug directories in elfutils' syntax; NULL: ":.debug:/usr/lib/debug". */
	const char *debuginfo_path;
	/* Told one line for each mapping left unsymbolized, and why. May be NULL. */
	void (*note)(void *ctx, const char *msg);
	void *note_ctx;
};

struct symbolize_stats {
	size_t mappings;      /* file mappings whose locations needed names */
	size_t mappings_done; /* of those, how many got some */
	size_t mismatched;    /* of those, how many were another build */
	size_t locations;     /* locations in those mappings */
	size_t locations_done;
};

/* NULL when out of memory. */
struct symbolizer *symbolizer_new(const struct symbolize_options *o);
void symbolizer_free(struct symbolizer *s);

/* Symbolizes every location whose mapping needs it and sets the mappings'
 * has_functions, has_filenames, has_line_numbers and has_inline_frames to
 * what was found. Returns 0; -ESTALE when a mapping's binary is another build
 * (unless skip_mismatch or live), p untouched; -ENOMEM. st may be NULL. */
int symbolizer_run(struct symbolizer *s, struct profile *p, struct symbolize_stats *st);

/* Demangles the functions whose name is still their mangled system name (a
 * profile written where no demangler was loaded). Returns how many changed,
 * or -ENOMEM. */
int symbolize_demangle_names(struct profile *p);

#endif
