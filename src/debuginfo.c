/* debuginfo: the file-finding half of symbolization. Candidates for a
 * mapping's ELF, in order: the recorded path (if its build ID matches), the
 * live mapping through /proc/self/map_files (the very file mapped, even if
 * deleted or replaced since), then .build-id/xx/yyyy and .../yyyy.debug under
 * each debug directory, which carry the program headers needed to place them.
 * Nothing here allocates from mem.h; paths are built on the stack. */
#include "debuginfo.h"
#include "debugcopy.h"
#include "safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static const char deleted_suffix[] = " (deleted)";

static bool id_matches(int fd, const char *want, char *found, size_t found_cap)
{
	uint8_t id[BUILDID_MAX];
	char hex[2 * BUILDID_MAX + 1];
	int n = buildid_read_fd(fd, id, sizeof(id));
	if (n <= 0) {
		hex[0] = 0;
	} else {
		buildid_hex(id, (size_t)n, hex);
		if (!strcmp(hex, want))
			return true;
	}
	if (found && !found[0])
		snprintf(found, found_cap, "%s", hex[0] ? hex : "none");
	return false;
}

int debuginfo_load_bias(int fd, uint64_t start, uint64_t offset, uint64_t *bias)
{
	elf_version(EV_CURRENT);
	Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!e)
		return -ENOEXEC;
	int rc = -ENOEXEC;
	GElf_Ehdr eh;
	size_t n;
	if (!gelf_getehdr(e, &eh) || elf_getphdrnum(e, &n) != 0)
		goto out;
	if (eh.e_type == ET_EXEC) {
		*bias = 0;
		rc = 0;
		goto out;
	}
	if (eh.e_type != ET_DYN)
		goto out;
	/* The executable segment whose file pages hold the mapped offset, as
	 * elfutils places a module by the segment a mapping really is. Only the
	 * file range is not enough: lld and mold start the code segment in the
	 * page where the read-only segment ends, at another vaddr - offset, so
	 * the read-only and the code mapping both begin at file offset 0 and the
	 * first segment found there is a page off. A split debug file keeps the
	 * program headers but not the code's file range (p_filesz 0): there, the
	 * mapping begins at the page of the executable segment (and must not be
	 * placed by the read-only segment, which keeps its notes and so a file
	 * range). Any segment holding the offset is the last resort. */
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	for (int pass = 0; pass < 3 && rc < 0; pass++) {
		for (size_t i = 0; i < n; i++) {
			GElf_Phdr ph;
			if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD)
				continue;
			bool holds = ph.p_filesz && (ph.p_offset & ~(page - 1)) <= offset &&
				     offset < ph.p_offset + ph.p_filesz;
			if (holds && (pass == 2 || (ph.p_flags & PF_X))) {
				*bias = start - offset + ph.p_offset - ph.p_vaddr;
				rc = 0;
				break;
			}
			if (pass == 1 && !ph.p_filesz && ph.p_memsz && (ph.p_flags & PF_X)) {
				*bias = start - (ph.p_vaddr & ~(page - 1));
				rc = 0;
				break;
			}
		}
	}
out:
	elf_end(e);
	return rc;
}

/* Opens candidate `file` for t; a known build ID must match. */
static int try_file(const struct debuginfo_target *t, const char *file, bool check_id,
		    struct debuginfo_file *out, bool *mismatch)
{
	int fd = safefile_open_read(file);
	if (fd < 0)
		return DEBUGINFO_MISSING;
	if (check_id && t->build_id[0] &&
	    !id_matches(fd, t->build_id, out->other_id, sizeof(out->other_id))) {
		close(fd);
		*mismatch = true;
		return DEBUGINFO_MISMATCH;
	}
	if (debuginfo_load_bias(fd, t->start, t->offset, &out->bias) < 0) {
		close(fd);
		return DEBUGINFO_BAD_ELF;
	}
	out->fd = fd;
	snprintf(out->opened, sizeof(out->opened), "%s", file);
	return DEBUGINFO_OK;
}

/* Calls fn on each directory of an elfutils debuginfo_path ("+"/"-" CRC
 * markers dropped) until it returns >= 0. */
static int each_dir(const char *list, int (*fn)(const char *dir, void *arg), void *arg)
{
	if (!list)
		list = DEBUGINFO_DEFAULT_PATH;
	while (1) {
		if (*list == '+' || *list == '-')
			list++;
		const char *end = strchr(list, ':');
		size_t len = end ? (size_t)(end - list) : strlen(list);
		char dir[PATH_MAX];
		if (len < sizeof(dir)) {
			memcpy(dir, list, len);
			dir[len] = 0;
			int rc = fn(dir, arg);
			if (rc >= 0)
				return rc;
		}
		if (!end)
			return -1;
		list = end + 1;
	}
}

struct by_id {
	const struct debuginfo_target *t;
	struct debuginfo_file *out;
	bool *mismatch;
};

static int try_build_id_dir(const char *dir, void *arg)
{
	struct by_id *b = arg;
	const char *id = b->t->build_id;
	if (dir[0] != '/' || strlen(id) < 4)
		return -1;
	static const char *const suffixes[] = {"", ".debug"};
	for (int i = 0; i < 2; i++) {
		char file[PATH_MAX];
		if (snprintf(file, sizeof(file), "%s/.build-id/%.2s/%s%s", dir, id, id + 2,
			     suffixes[i]) >= (int)sizeof(file))
			continue;
		if (try_file(b->t, file, true, b->out, b->mismatch) == DEBUGINFO_OK)
			return 0;
	}
	return -1;
}

int debuginfo_open(const struct debuginfo_target *t, struct debuginfo_file *out)
{
	out->fd = -1;
	out->opened[0] = 0;
	out->other_id[0] = 0;
	out->bias = 0;
	if (t->path[0] != '/')
		return DEBUGINFO_NOT_FILE;
	char path[PATH_MAX];
	size_t len = strlen(t->path);
	if (len >= sizeof(path))
		return DEBUGINFO_MISSING;
	memcpy(path, t->path, len + 1);
	size_t sl = sizeof(deleted_suffix) - 1;
	bool deleted = len > sl && !strcmp(path + len - sl, deleted_suffix);
	if (deleted)
		path[len - sl] = 0;

	bool mismatch = false, bad = false;
	int rc;
	/* A file that replaced a deleted one is only trusted on its build ID. */
	if (!deleted || t->build_id[0]) {
		rc = try_file(t, path, true, out, &mismatch);
		if (rc == DEBUGINFO_OK)
			return rc;
		bad |= rc == DEBUGINFO_BAD_ELF;
	}
	if (t->live) {
		char mf[64];
		snprintf(mf, sizeof(mf), "/proc/self/map_files/%llx-%llx", (unsigned long long)t->start,
			 (unsigned long long)t->limit);
		if (try_file(t, mf, false, out, &mismatch) == DEBUGINFO_OK) {
			snprintf(out->opened, sizeof(out->opened), "%s", path);
			return DEBUGINFO_OK;
		}
	}
	if (t->build_id[0]) {
		struct by_id b = {t, out, &mismatch};
		if (each_dir(t->debuginfo_path, try_build_id_dir, &b) == 0)
			return DEBUGINFO_OK;
	}
	if (mismatch)
		return DEBUGINFO_MISMATCH;
	return bad ? DEBUGINFO_BAD_ELF : DEBUGINFO_MISSING;
}

/* ---- debug files for an already opened module ---- */

struct by_link {
	const char *file_name, *link;
	const unsigned char *id;
	int id_len;
	GElf_Word crc;
	struct stat main_st;
	bool have_main_st;
	bool unsafe; /* a path libdwfl would open is not a regular file */
	char *found;
};

static bool crc_matches(int fd, GElf_Word want)
{
	unsigned char buf[65536];
	uLong crc = crc32(0, Z_NULL, 0);
	off_t off = 0;
	ssize_t r;
	while ((r = pread(fd, buf, sizeof(buf), off)) > 0) {
		crc = crc32(crc, buf, (uInt)r);
		off += r;
	}
	return r == 0 && (GElf_Word)crc == want;
}

/* Where the debug link of l->file_name is looked for in dir, as libdwfl
 * does: next to the binary, in a directory relative to it, or under dir with
 * the binary's directory appended. False when the name is too long. */
static bool link_path(const struct by_link *l, const char *dir, char file[PATH_MAX])
{
	const char *slash = strrchr(l->file_name, '/');
	int dlen = slash ? (int)(slash - l->file_name) : 0;
	int n;
	if (!dir[0])
		n = snprintf(file, PATH_MAX, "%.*s/%s", dlen, l->file_name, l->link);
	else if (dir[0] != '/')
		n = snprintf(file, PATH_MAX, "%.*s/%s/%s", dlen, l->file_name, dir, l->link);
	else
		n = snprintf(file, PATH_MAX, "%s%.*s/%s", dir, dlen, l->file_name, l->link);
	return n < PATH_MAX;
}

static int try_link_dir(const char *dir, void *arg)
{
	struct by_link *l = arg;
	char file[PATH_MAX];
	if (!link_path(l, dir, file))
		return -1;
	int fd = safefile_open_read(file);
	if (fd < 0)
		return -1;
	struct stat st;
	bool same = l->have_main_st && fstat(fd, &st) == 0 && st.st_dev == l->main_st.st_dev &&
		    st.st_ino == l->main_st.st_ino;
	bool ok = !same;
	if (ok && l->id_len > 0) {
		uint8_t id[BUILDID_MAX];
		int got = buildid_read_fd(fd, id, sizeof(id));
		ok = got == l->id_len && !memcmp(id, l->id, (size_t)got);
	} else if (ok) {
		ok = crc_matches(fd, l->crc);
	}
	if (!ok) {
		close(fd);
		return -1;
	}
	/* libdwfl frees this name with free() */
	l->found = strdup(file);
	return fd;
}

static bool exists_not_regular(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && !S_ISREG(st.st_mode);
}

/* Sets l->unsafe when a file libdwfl would open for l in dir (its build-ID
 * or debug-link path) exists and is not a regular file. */
static int check_dir(const char *dir, void *arg)
{
	struct by_link *l = arg;
	char file[PATH_MAX];
	if (l->file_name && l->link && link_path(l, dir, file) && exists_not_regular(file))
		l->unsafe = true;
	if (dir[0] == '/' && l->id_len > 1) {
		int n = snprintf(file, sizeof(file), "%s/.build-id/%02x/", dir, l->id[0]);
		for (int i = 1; i < l->id_len && n < PATH_MAX - 3; i++)
			n += snprintf(file + n, sizeof(file) - (size_t)n, "%02x", l->id[i]);
		if (n < PATH_MAX - 7) {
			memcpy(file + n, ".debug", 7);
			l->unsafe |= exists_not_regular(file);
		}
	}
	return -1;
}

/* The debug file of l's build ID in dir, as a copy with its compressed
 * sections inflated (debugcopy.h), when it has any. At dump time, on the
 * program's clock, libdw would inflate them with zlib, slower; libdwfl's
 * own build-ID search cannot be given the copy (it keeps the file it opened
 * to check the ID). Anything else goes to that search as before. */
static int try_id_copy(const char *dir, void *arg)
{
	struct by_link *l = arg;
	char file[PATH_MAX];
	if (dir[0] != '/')
		return -1;
	int n = snprintf(file, sizeof(file), "%s/.build-id/%02x/", dir, l->id[0]);
	for (int i = 1; i < l->id_len && n < PATH_MAX - 3; i++)
		n += snprintf(file + n, sizeof(file) - (size_t)n, "%02x", l->id[i]);
	if (n >= PATH_MAX - 7)
		return -1;
	memcpy(file + n, ".debug", 7);
	int fd = safefile_open_read(file);
	if (fd < 0)
		return -1;
	uint8_t id[BUILDID_MAX];
	int got = buildid_read_fd(fd, id, sizeof(id));
	int copy = got == l->id_len && !memcmp(id, l->id, (size_t)got) ? debugcopy_open(fd) : -1;
	close(fd);
	if (copy < 0)
		return -1;
	/* libdwfl frees this name with free() */
	if (!(l->found = strdup(file))) {
		close(copy);
		return -1;
	}
	return copy;
}

/* libdwfl opens the files it finds with a blocking open(): a FIFO at one of
 * them would hang it. Before it looks, every path it would try is checked. */
static bool dwfl_search_safe(struct by_link *l, const char *dirs)
{
	each_dir(dirs, check_dir, l);
	return !l->unsafe;
}

static int find_by_link(struct by_link *l, const char *dirs, char **debuginfo_file_name)
{
	if (!l->file_name || !l->link || l->file_name[0] != '/')
		return -1;
	l->have_main_st = stat(l->file_name, &l->main_st) == 0;
	int fd = each_dir(dirs, try_link_dir, l);
	if (fd >= 0)
		*debuginfo_file_name = l->found;
	return fd;
}

/* What both searches start from: the module's build ID and debug link, and
 * the debug directories the caller passed (NULL: the default ones). */
static const char *by_link_start(struct by_link *l, Dwfl_Module *mod, void **userdata, const char *file_name,
				 const char *debuglink_file, GElf_Word debuglink_crc)
{
	*l = (struct by_link){.file_name = file_name, .link = debuglink_file, .crc = debuglink_crc};
	GElf_Addr vaddr;
	l->id_len = dwfl_module_build_id(mod, &l->id, &vaddr);
	return userdata && *userdata ? *userdata : NULL;
}

int debuginfo_find_local(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
			 const char *file_name, const char *debuglink_file, GElf_Word debuglink_crc,
			 char **debuginfo_file_name)
{
	struct by_link l;
	const char *dirs = by_link_start(&l, mod, userdata, file_name, debuglink_file, debuglink_crc);
	int fd = -1;
	bool safe = dwfl_search_safe(&l, dirs);
	if (safe && l.id_len > 0 && (fd = each_dir(dirs, try_id_copy, &l)) >= 0) {
		*debuginfo_file_name = l.found;
		return fd;
	}
	if (safe)
		fd = dwfl_build_id_find_debuginfo(mod, userdata, modname, base, file_name, debuglink_file,
						  debuglink_crc, debuginfo_file_name);
	return fd >= 0 ? fd : find_by_link(&l, dirs, debuginfo_file_name);
}

int debuginfo_find_offline(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
			   const char *file_name, const char *debuglink_file, GElf_Word debuglink_crc,
			   char **debuginfo_file_name)
{
	struct by_link l;
	const char *dirs = by_link_start(&l, mod, userdata, file_name, debuglink_file, debuglink_crc);
	if (dwfl_search_safe(&l, dirs))
		return dwfl_standard_find_debuginfo(mod, userdata, modname, base, file_name, debuglink_file,
						    debuglink_crc, debuginfo_file_name);
	/* something there is not a file: only what can be opened safely */
	return find_by_link(&l, dirs, debuginfo_file_name);
}

int debuginfo_no_find_elf(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
			  char **file_name, Elf **elfp)
{
	(void)mod, (void)userdata, (void)modname, (void)base, (void)file_name, (void)elfp;
	return -1;
}
