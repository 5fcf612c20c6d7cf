/* debuginfo: finds the ELF file behind a mapping and where it was loaded,
 * checking build IDs so a rebuilt binary never names another binary's
 * frames; and the local-only debug-file search the shim uses at dump time. */
#ifndef ALLOCPROF_DEBUGINFO_H
#define ALLOCPROF_DEBUGINFO_H

#include <elfutils/libdwfl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "buildid.h"

/* Where debug files live, in elfutils' debuginfo_path syntax. */
#define DEBUGINFO_DEFAULT_PATH ":.debug:/usr/lib/debug"

enum debuginfo_status {
	DEBUGINFO_OK,
	DEBUGINFO_NOT_FILE, /* [vdso], anonymous, [heap]: nothing on disk */
	DEBUGINFO_MISSING,  /* no file at the path, nor by build ID */
	DEBUGINFO_MISMATCH, /* a file is there, but another build */
	DEBUGINFO_BAD_ELF,  /* found, but its headers do not place the mapping */
};

struct debuginfo_target {
	const char *path;          /* as the mapping names it */
	uint64_t start, limit, offset;
	const char *build_id;      /* lower-case hex, "" if unknown */
	bool live;                 /* this process's own mapping, right now */
	const char *debuginfo_path; /* NULL: DEBUGINFO_DEFAULT_PATH */
};

struct debuginfo_file {
	int fd;                    /* the opened ELF; the caller owns it */
	char opened[PATH_MAX];     /* which file that is */
	uint64_t bias;             /* run-time address minus link-time address */
	char other_id[2 * BUILDID_MAX + 1]; /* MISMATCH: the build ID found instead */
};

/* Returns a debuginfo_status; out->fd is open only for DEBUGINFO_OK. */
int debuginfo_open(const struct debuginfo_target *t, struct debuginfo_file *out);

/* The load bias of an ELF file, given that its bytes at file offset
 * `offset` were mapped at `start` by an executable mapping (the only kind
 * a profile's frames are in). 0 or -errno. */
int debuginfo_load_bias(int fd, uint64_t start, uint64_t offset, uint64_t *bias);

/* A Dwfl_Callbacks.find_debuginfo that stays on this machine and never loads
 * a library (the standard one may dlopen libdebuginfod, which the shim must
 * not do under its lock): .build-id/xx/yyyy.debug under the debug
 * directories, then the .gnu_debuglink file next to the binary, in its
 * .debug/ directory, or under the debug directories. */
int debuginfo_find_local(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
			 const char *file_name, const char *debuglink_file, GElf_Word debuglink_crc,
			 char **debuginfo_file_name);

/* The find_debuginfo of offline symbolization: libdwfl's standard search
 * (debuginfod included), unless a file it would open locally is a FIFO,
 * device or socket; then only the debug link, opened safely. */
int debuginfo_find_offline(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
			   const char *file_name, const char *debuglink_file, GElf_Word debuglink_crc,
			   char **debuginfo_file_name);

/* A find_elf for modules that are always reported with an open file. */
int debuginfo_no_find_elf(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
			  char **file_name, Elf **elfp);

#endif
