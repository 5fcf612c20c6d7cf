/* symbolize: a table of modules (one per distinct mapping: path, range,
 * offset, build ID), each opened once into one Dwfl and each with a cache
 * from address to frames. Cached frames hold ids in a private string
 * table, so answers outlive the profile they were computed for; applying them
 * to a profile is only interning. Everything of ours comes from mem.h;
 * libdw allocates for itself. */
#include "symbolize.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "debuginfo.h"
#include "demangle.h"
#include "hmap.h"
#include "mem.h"
#include "srcline.h"
#include "strtab.h"

struct cframe {
	uint32_t name, system_name, file; /* ids in symbolizer.strings; 0 is "" */
	int64_t line, column, start_line;
};

/* cache values: first frame << 8 | described-by-DWARF << 7 | frame count */
#define PACK(first, dwarf, n) (((uint64_t)(first) << 8) | ((uint64_t)(dwarf) << 7) | (uint64_t)(n))
#define PACK_FIRST(v) ((v) >> 8)
#define PACK_DWARF(v) (((v) >> 7) & 1)
#define PACK_N(v) ((v) & 0x7f)
_Static_assert(SRCLINE_MAX_FRAMES < 0x80, "frame count must fit in 7 bits");

struct module {
	uint64_t start, limit, offset;
	char *path;
	size_t path_size;
	char build_id[2 * BUILDID_MAX + 1];
	int status; /* enum debuginfo_status */
	char other_id[2 * BUILDID_MAX + 1];
	Dwfl_Module *mod;
	struct srcline *lines;
	struct hmap cache;
};

struct symbolizer {
	struct symbolize_options o;
	char *dpath; /* our copy of o.debuginfo_path; what cb.debuginfo_path points to */
	size_t dpath_size;
	Dwfl_Callbacks cb;
	Dwfl *dwfl;
	bool reporting;
	/* each module is its own allocation: pointers to it are kept while
	 * more modules are added */
	struct module **mods;
	size_t nmods, cap_mods;
	struct cframe *frames;
	size_t nframes, cap_frames;
	struct strtab strings;
};

static char *dup_str(const char *s, size_t *size)
{
	size_t n = strlen(s) + 1;
	char *d = mem_alloc(n);
	if (d) {
		memcpy(d, s, n);
		*size = n;
	}
	return d;
}

struct symbolizer *symbolizer_new(const struct symbolize_options *o)
{
	struct symbolizer *s = mem_calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->o = *o;
	s->dpath = dup_str(o->debuginfo_path ? o->debuginfo_path : DEBUGINFO_DEFAULT_PATH, &s->dpath_size);
	strtab_init(&s->strings);
	if (!s->dpath || s->strings.failed)
		goto fail;
	s->o.debuginfo_path = s->dpath;
	s->cb.find_elf = debuginfo_no_find_elf;
	s->cb.find_debuginfo = o->live ? debuginfo_find_local : debuginfo_find_offline;
	s->cb.section_address = dwfl_offline_section_address;
	s->cb.debuginfo_path = &s->dpath;
	s->dwfl = dwfl_begin(&s->cb);
	if (!s->dwfl)
		goto fail;
	return s;
fail:
	symbolizer_free(s);
	return NULL;
}

void symbolizer_free(struct symbolizer *s)
{
	if (!s)
		return;
	if (s->dwfl)
		dwfl_end(s->dwfl);
	for (size_t i = 0; i < s->nmods; i++) {
		mem_free(s->mods[i]->path, s->mods[i]->path_size);
		srcline_free(s->mods[i]->lines);
		hmap_release(&s->mods[i]->cache);
		mem_free(s->mods[i], sizeof(*s->mods[i]));
	}
	mem_free(s->mods, s->cap_mods * sizeof(*s->mods));
	mem_free(s->frames, s->cap_frames * sizeof(*s->frames));
	strtab_release(&s->strings);
	mem_free(s->dpath, s->dpath_size);
	mem_free(s, sizeof(*s));
}

/* The id of str in the symbolizer's table (0 for NULL or ""), or UINT32_MAX
 * when out of memory. */
static uint32_t intern(struct symbolizer *s, const char *str)
{
	uint32_t id = strtab_intern_cstr(&s->strings, str);
	return s->strings.failed ? UINT32_MAX : id;
}

__attribute__((format(printf, 2, 3))) static void note(struct symbolizer *s, const char *fmt, ...)
{
	if (!s->o.note)
		return;
	char msg[PATH_MAX + 512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->o.note(s->o.note_ctx, msg);
}

/* A Dwfl module name no other module of ours has: libdwfl hands back an
 * existing module when name and range both match. */
static void module_name(struct symbolizer *s, const struct module *m, char *name, size_t cap)
{
	snprintf(name, cap, "%s", m->path);
	for (size_t i = 0, k = 1; i < s->nmods; i++) {
		if (s->mods[i] == m || !s->mods[i]->mod)
			continue;
		const char *other = dwfl_module_info(s->mods[i]->mod, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
		if (other && !strcmp(other, name)) {
			snprintf(name, cap, "%s#%zu", m->path, k++);
			i = (size_t)-1;
		}
	}
}

static void module_open(struct symbolizer *s, struct module *m)
{
	struct debuginfo_target t = {
		.path = m->path, .start = m->start, .limit = m->limit, .offset = m->offset,
		.build_id = m->build_id, .live = s->o.live, .debuginfo_path = s->dpath,
	};
	struct debuginfo_file f;
	m->status = debuginfo_open(&t, &f);
	snprintf(m->other_id, sizeof(m->other_id), "%s", f.other_id);
	if (m->status != DEBUGINFO_OK)
		return;
	if (!s->reporting) {
		dwfl_report_begin_add(s->dwfl);
		s->reporting = true;
	}
	char name[PATH_MAX + 32];
	module_name(s, m, name, sizeof(name));
	m->mod = dwfl_report_elf(s->dwfl, name, f.opened, f.fd, f.bias, true);
	if (!m->mod) {
		close(f.fd);
		m->status = DEBUGINFO_BAD_ELF;
		return;
	}
	/* debuginfo_find_local reads the debug directories from here */
	void **userdata;
	dwfl_module_info(m->mod, &userdata, NULL, NULL, NULL, NULL, NULL, NULL);
	*userdata = s->dpath;
	m->lines = srcline_new(m->mod);
	if (!m->lines) {
		m->mod = NULL; /* dwfl_end reclaims it */
		m->status = DEBUGINFO_BAD_ELF;
	}
}

/* A mapping's build ID as this module keeps it: lower-case hex, or "" for
 * anything that could not match a file. */
static void clean_build_id(const char *id, char *out, size_t cap)
{
	size_t n = strlen(id);
	out[0] = 0;
	if (n >= cap || strspn(id, "0123456789abcdefABCDEF") != n)
		return;
	for (size_t i = 0; i <= n; i++)
		out[i] = (char)tolower((unsigned char)id[i]);
}

/* The module for profile mapping mp, opened on first use. NULL: no memory. */
static struct module *module_get(struct symbolizer *s, const struct profile *p, const struct pf_mapping *mp)
{
	const char *path = profile_str(p, mp->filename);
	char id[2 * BUILDID_MAX + 1];
	clean_build_id(profile_str(p, mp->build_id), id, sizeof(id));
	for (size_t i = 0; i < s->nmods; i++) {
		struct module *m = s->mods[i];
		if (m->start == mp->start && m->limit == mp->limit && m->offset == mp->offset &&
		    !strcmp(m->path, path) && !strcmp(m->build_id, id))
			return m;
	}
	if (MEM_GROW(s->mods, s->cap_mods, s->nmods + 1) < 0)
		return NULL;
	struct module *m = mem_calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->path = dup_str(path, &m->path_size);
	if (!m->path) {
		mem_free(m, sizeof(*m));
		return NULL;
	}
	s->mods[s->nmods] = m;
	m->start = mp->start;
	m->limit = mp->limit;
	m->offset = mp->offset;
	memcpy(m->build_id, id, sizeof(id));
	s->nmods++;
	module_open(s, m);
	return m;
}

static uint32_t intern_name(struct symbolizer *s, const struct srcline_frame *f, uint32_t *system_name)
{
	const char *mangled = f->linkage ? f->linkage : (demangle_is_mangled(f->name) ? f->name : NULL);
	size_t size = 0;
	char *d = mangled ? demangle(mangled, &size) : NULL;
	uint32_t name = intern(s, d ? d : f->name ? f->name : mangled);
	mem_free(d, size);
	*system_name = intern(s, f->linkage ? f->linkage : f->name);
	return name;
}

/* A source file as an absolute, lexically clean path: DWARF names files
 * relative to the compilation directory (meson's "../src/x.c"), and a
 * profile must still name them when read from elsewhere. */
static const char *source_path(const char *dir, const char *file, char *buf, size_t cap)
{
	if (!file || !file[0] || (file[0] != '/' && (!dir || dir[0] != '/')))
		return file;
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof(tmp), "%s/%s", file[0] == '/' ? "" : dir, file) >= (int)sizeof(tmp) ||
	    cap < 2)
		return file;
	size_t len = 0;
	for (char *save = NULL, *c = strtok_r(tmp, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			while (len > 0 && buf[--len] != '/')
				;
			continue;
		}
		size_t n = strlen(c);
		if (len + 1 + n + 1 > cap)
			return file;
		buf[len++] = '/';
		memcpy(buf + len, c, n);
		len += n;
	}
	if (!len)
		buf[len++] = '/';
	buf[len] = 0;
	return buf;
}

/* The cache value for pc in m, computing it on first sight. HMAP_EMPTY when
 * out of memory. */
static uint64_t frames_for(struct symbolizer *s, struct module *m, uint64_t pc)
{
	uint64_t v = hmap_get(&m->cache, pc);
	if (v != HMAP_EMPTY)
		return v;
	struct srcline_frame fr[SRCLINE_MAX_FRAMES];
	bool dwarf;
	int n = srcline_lookup(m->lines, pc, fr, SRCLINE_MAX_FRAMES, &dwarf);
	if (MEM_GROW(s->frames, s->cap_frames, s->nframes + (size_t)n) < 0)
		return HMAP_EMPTY;
	for (int k = 0; k < n; k++) {
		struct cframe *c = &s->frames[s->nframes + (size_t)k];
		c->name = intern_name(s, &fr[k], &c->system_name);
		char path[PATH_MAX];
		c->file = intern(s, source_path(fr[k].comp_dir, fr[k].file, path, sizeof(path)));
		if (c->name == UINT32_MAX || c->system_name == UINT32_MAX || c->file == UINT32_MAX)
			return HMAP_EMPTY;
		c->line = fr[k].line;
		c->column = fr[k].column;
		c->start_line = fr[k].start_line;
	}
	v = PACK(s->nframes, dwarf, n);
	if (hmap_insert(&m->cache, pc, v) < 0)
		return HMAP_EMPTY;
	s->nframes += (size_t)n;
	return v;
}

enum { HAS_FUNCTIONS = 1, HAS_FILENAMES = 2, HAS_LINES = 4, HAS_INLINES = 8 };

/* Gives location loc the cached frames v; returns the has_* bits found. */
static int apply(struct symbolizer *s, struct profile *p, uint32_t loc, uint64_t v)
{
	struct pf_line lines[SRCLINE_MAX_FRAMES];
	size_t n = PACK_N(v);
	int flags = PACK_DWARF(v) ? HAS_INLINES : 0;
	for (size_t k = 0; k < n; k++) {
		const struct cframe *c = &s->frames[PACK_FIRST(v) + k];
		uint32_t name = profile_string(p, strtab_get(&s->strings, c->name), s->strings.lens[c->name]);
		uint32_t sys = profile_string(p, strtab_get(&s->strings, c->system_name), s->strings.lens[c->system_name]);
		uint32_t file = profile_string(p, strtab_get(&s->strings, c->file), s->strings.lens[c->file]);
		uint32_t fn = profile_add_function(p, name, sys, file, c->start_line);
		if (fn == PF_NONE)
			return -ENOMEM;
		lines[k] = (struct pf_line){.function = fn, .line = c->line, .column = c->column};
		flags |= (c->name ? HAS_FUNCTIONS : 0) | (c->file ? HAS_FILENAMES : 0) | (c->line > 0 ? HAS_LINES : 0);
	}
	if (profile_set_location_lines(p, loc, lines, n) < 0)
		return -ENOMEM;
	return flags;
}

static const char *status_text(int status)
{
	switch (status) {
	case DEBUGINFO_MISSING: return "not found";
	case DEBUGINFO_BAD_ELF: return "not an ELF file that holds this mapping";
	default: return "unusable";
	}
}

/* Opens the modules of the mappings that need it; mods[i] is mapping i's
 * module or NULL. Returns 0, -ESTALE or -ENOMEM. */
static int resolve_mappings(struct symbolizer *s, const struct profile *p, struct module **mods,
			    struct symbolize_stats *st)
{
	bool *used = mem_calloc(p->nmappings ? p->nmappings : 1, sizeof(bool));
	if (!used)
		return -ENOMEM;
	for (size_t i = 0; i < p->nlocations; i++)
		if (p->locations[i].mapping < p->nmappings)
			used[p->locations[i].mapping] = true;
	int rc = 0;
	for (size_t i = 0; i < p->nmappings && rc == 0; i++) {
		const struct pf_mapping *mp = &p->mappings[i];
		if (!used[i] || (mp->has_functions && !s->o.force))
			continue;
		struct module *m = module_get(s, p, mp);
		if (!m) {
			rc = -ENOMEM;
			break;
		}
		if (m->status == DEBUGINFO_NOT_FILE)
			continue;
		st->mappings++;
		if (m->status == DEBUGINFO_MISMATCH) {
			st->mismatched++;
			note(s, "%s: build ID %s, but the profile's mapping has %s; not using another build",
			     m->path, m->other_id, m->build_id);
			if (!s->o.skip_mismatch && !s->o.live)
				rc = -ESTALE;
			continue;
		}
		if (m->status != DEBUGINFO_OK) {
			note(s, "%s: %s; its frames keep their addresses", m->path, status_text(m->status));
			continue;
		}
		mods[i] = m;
	}
	if (s->reporting) {
		dwfl_report_end(s->dwfl, NULL, NULL);
		s->reporting = false;
	}
	mem_free(used, p->nmappings ? p->nmappings : 1);
	return rc;
}

int symbolizer_run(struct symbolizer *s, struct profile *p, struct symbolize_stats *st)
{
	struct symbolize_stats dummy;
	if (!st)
		st = &dummy;
	memset(st, 0, sizeof(*st));
	size_t nm = p->nmappings ? p->nmappings : 1;
	struct module **mods = mem_calloc(nm, sizeof(*mods));
	int *flags = mem_calloc(nm, sizeof(*flags));
	int rc = mods && flags ? resolve_mappings(s, p, mods, st) : -ENOMEM;
	for (size_t i = 0; rc == 0 && i < p->nlocations; i++) {
		const struct pf_location *l = &p->locations[i];
		if (l->mapping >= p->nmappings || !mods[l->mapping])
			continue;
		st->locations++;
		uint64_t v = frames_for(s, mods[l->mapping], l->address);
		if (v == HMAP_EMPTY) {
			rc = -ENOMEM;
			break;
		}
		if (!PACK_N(v))
			continue;
		int f = apply(s, p, (uint32_t)i, v);
		if (f < 0) {
			rc = f;
			break;
		}
		flags[l->mapping] |= f;
		st->locations_done++;
	}
	for (size_t i = 0; rc == 0 && i < p->nmappings; i++) {
		struct pf_mapping *mp = &p->mappings[i];
		if (!mods[i] || !flags[i])
			continue;
		st->mappings_done++;
		/* with force, locations not found again keep their earlier lines */
		mp->has_functions |= (flags[i] & HAS_FUNCTIONS) != 0;
		mp->has_filenames |= (flags[i] & HAS_FILENAMES) != 0;
		mp->has_line_numbers |= (flags[i] & HAS_LINES) != 0;
		mp->has_inline_frames |= (flags[i] & HAS_INLINES) != 0;
	}
	mem_free(mods, nm * sizeof(*mods));
	mem_free(flags, nm * sizeof(*flags));
	if (rc == 0 && p->failed)
		rc = -ENOMEM;
	return rc;
}

int symbolize_demangle_names(struct profile *p)
{
	int changed = 0;
	for (size_t i = 0; i < p->nfunctions; i++) {
		struct pf_function *f = &p->functions[i];
		if (f->name && f->name != f->system_name)
			continue;
		size_t size = 0;
		char *d = demangle(profile_str(p, f->system_name), &size);
		if (!d)
			continue;
		uint32_t name = profile_cstr(p, d);
		mem_free(d, size);
		if (!name)
			return -ENOMEM;
		f->name = name;
		changed++;
	}
	if (changed && profile_reindex(p) < 0)
		return -ENOMEM;
	return changed;
}
