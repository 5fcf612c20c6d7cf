/* srcline: what one code address means: the chain of frames (function,
 * file, line), innermost inlined callee first, read from a libdwfl module's
 * DWARF, or from its symbol tables when it has none. */
#ifndef ALLOCPROF_SRCLINE_H
#define ALLOCPROF_SRCLINE_H

#include <elfutils/libdwfl.h>
#include <stdbool.h>
#include <stdint.h>

/* Deeper inline chains than this keep their innermost frames. */
enum { SRCLINE_MAX_FRAMES = 64 };

/* Strings point into the module's ELF and DWARF data: valid while the
 * module lives. Any of them may be NULL. */
struct srcline_frame {
	const char *name;    /* DW_AT_name or the symbol's name */
	const char *linkage; /* the mangled linkage name, when there is one */
	const char *file;
	const char *comp_dir; /* what a relative file is relative to */
	int64_t line, column, start_line;
};

/* What is kept per module between lookups (an index of its DWARF units). */
struct srcline;

struct srcline *srcline_new(Dwfl_Module *mod);
void srcline_free(struct srcline *sl);

/* Fills out[0..] for the absolute address pc inside the module. Returns the
 * number of frames (0 when nothing is known; the last one is the function
 * that physically holds pc). *dwarf says whether DWARF described pc. */
int srcline_lookup(struct srcline *sl, uint64_t pc, struct srcline_frame *out, int cap, bool *dwarf);

#endif
