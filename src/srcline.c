/* srcline: inline chains the way eu-addr2line -i builds them. The line
 * table gives the innermost position; the scopes holding pc (from dwindex,
 * or dwarf_getscopes + dwarf_getscopes_die for what the index cannot place)
 * are walked outwards, and each DW_TAG_inlined_subroutine on the way says,
 * through DW_AT_call_file and DW_AT_call_line, where its caller was when the
 * callee was inlined. */
#include "srcline.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdlib.h>
#include <string.h>

#include "demangle.h"
#include "dwindex.h"
#include "elfpages.h"
#include "mem.h"

/* The module's function symbols by address, built on first need, because
 * dwfl_module_addrinfo scans the whole symbol table on every call. */
struct sym {
	uint64_t addr, size;
	const char *name;
	int rank; /* at one address: global over weak over local */
};

struct srcline {
	Dwfl_Module *mod;
	struct dwindex *index;
	struct sym *syms;
	size_t nsyms, cap_syms;
	bool syms_built;
	bool dwarf_opened;
	char *names; /* unversioned copies of versioned symbol names */
	size_t names_size;
};

struct srcline *srcline_new(Dwfl_Module *mod)
{
	struct srcline *sl = mem_calloc(1, sizeof(*sl));
	if (!sl)
		return NULL;
	sl->mod = mod;
	sl->index = dwindex_new();
	if (!sl->index) {
		mem_free(sl, sizeof(*sl));
		return NULL;
	}
	return sl;
}

void srcline_free(struct srcline *sl)
{
	if (!sl)
		return;
	dwindex_free(sl->index);
	mem_free(sl->syms, sl->cap_syms * sizeof(*sl->syms));
	mem_free(sl->names, sl->names_size);
	mem_free(sl, sizeof(*sl));
}

static const char *die_string(Dwarf_Die *die, int at)
{
	Dwarf_Attribute attr;
	return dwarf_formstring(dwarf_attr_integrate(die, at, &attr));
}

static int64_t die_udata(Dwarf_Die *die, int at, bool integrate)
{
	Dwarf_Attribute attr;
	Dwarf_Word v;
	Dwarf_Attribute *a = integrate ? dwarf_attr_integrate(die, at, &attr) : dwarf_attr(die, at, &attr);
	return a && dwarf_formudata(a, &v) == 0 ? (int64_t)v : 0;
}

static void name_from_die(Dwarf_Die *die, struct srcline_frame *f)
{
	f->name = die_string(die, DW_AT_name);
	f->linkage = die_string(die, DW_AT_linkage_name);
	if (!f->linkage)
		f->linkage = die_string(die, DW_AT_MIPS_linkage_name);
	f->start_line = die_udata(die, DW_AT_decl_line, true);
}

static int cmp_sym(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank > y->rank ? -1 : 1;
	return (x->size < y->size) - (x->size > y->size);
}

static void build_syms(struct srcline *sl)
{
	sl->syms_built = true;
	int n = dwfl_module_getsymtab(sl->mod);
	for (int i = 1; i < n; i++) {
		GElf_Sym s;
		GElf_Addr addr;
		GElf_Word shndx;
		const char *name = dwfl_module_getsym_info(sl->mod, i, &s, &addr, &shndx, NULL, NULL);
		int type = GELF_ST_TYPE(s.st_info), bind = GELF_ST_BIND(s.st_info);
		if (!name || !name[0] || shndx == SHN_UNDEF || !addr ||
		    (type != STT_FUNC && type != STT_GNU_IFUNC && type != STT_NOTYPE))
			continue;
		if (MEM_GROW(sl->syms, sl->cap_syms, sl->nsyms + 1) < 0)
			break;
		sl->syms[sl->nsyms++] = (struct sym){
			addr, s.st_size, name, bind == STB_GLOBAL ? 2 : bind == STB_WEAK ? 1 : 0};
	}
	/* "__libc_start_main@@GLIBC_2.34" is __libc_start_main: the version is
	 * the linker's business, not the reader's (no C or C++ name has an @) */
	size_t need = 0;
	for (size_t i = 0; i < sl->nsyms; i++) {
		const char *at = strchr(sl->syms[i].name, '@');
		if (at)
			need += (size_t)(at - sl->syms[i].name) + 1;
	}
	if (need && (sl->names = mem_alloc(need))) {
		sl->names_size = need;
		char *d = sl->names;
		for (size_t i = 0; i < sl->nsyms; i++) {
			const char *at = strchr(sl->syms[i].name, '@');
			if (!at)
				continue;
			size_t len = (size_t)(at - sl->syms[i].name);
			memcpy(d, sl->syms[i].name, len);
			d[len] = 0;
			sl->syms[i].name = d;
			d += len + 1;
		}
	}
	if (sl->nsyms > 1) /* syms is NULL when there are none */
		qsort(sl->syms, sl->nsyms, sizeof(*sl->syms), cmp_sym);
}

/* The symbol holding pc, if pc really is inside it (a sizeless symbol only
 * when it is the nearest below pc: hand-written assembly often has no size). */
static const char *symbol_at(struct srcline *sl, uint64_t pc)
{
	if (!sl->syms_built)
		build_syms(sl);
	size_t lo = 0, hi = sl->nsyms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sl->syms[mid].addr <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	/* the first of the entries at the nearest address ranks highest */
	size_t i = lo - 1;
	while (i > 0 && sl->syms[i - 1].addr == sl->syms[i].addr)
		i--;
	const struct sym *s = &sl->syms[i];
	if (!s->size || pc < s->addr + s->size)
		return s->name;
	/* a sized symbol further down may enclose this one */
	for (size_t k = 0; i > 0 && k < 16; k++) {
		s = &sl->syms[--i];
		if (s->size && pc < s->addr + s->size)
			return s->name;
	}
	return NULL;
}

/* The scopes holding rel (a DWARF address), innermost first, by walking the
 * unit: for what the index does not place. Returns how many. */
static int scopes_by_walk(Dwarf_Die *cudie, Dwarf_Addr rel, Dwarf_Die *out, int cap)
{
	Dwarf_Die *scopes = NULL;
	int ns = dwarf_getscopes(cudie, rel, &scopes);
	if (ns <= 0) {
		free(scopes);
		return 0;
	}
	Dwarf_Die innermost = scopes[0];
	free(scopes);
	scopes = NULL;
	ns = dwarf_getscopes_die(&innermost, &scopes);
	int n = 0;
	for (int i = 0; i < ns && n < cap; i++) {
		int tag = dwarf_tag(&scopes[i]);
		if (tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine || tag == DW_TAG_entry_point)
			out[n++] = scopes[i];
		if (tag == DW_TAG_subprogram || tag == DW_TAG_entry_point)
			break;
	}
	free(scopes);
	return n;
}

static int from_dwarf(struct srcline *sl, Dwarf_Die *cudie, Dwarf_Addr rel, struct srcline_frame *out,
		      int cap, const char *file, int64_t line, int64_t col)
{
	Dwarf_Die scopes[SRCLINE_MAX_FRAMES];
	if (cap > SRCLINE_MAX_FRAMES)
		cap = SRCLINE_MAX_FRAMES;
	int ns = dwindex_scopes(sl->index, cudie, rel, scopes, cap);
	if (ns <= 0)
		ns = scopes_by_walk(cudie, rel, scopes, cap);
	const char *comp_dir = die_string(cudie, DW_AT_comp_dir);
	Dwarf_Files *files = NULL;
	dwarf_getsrcfiles(cudie, &files, NULL);
	for (int i = 0; i < ns; i++) {
		Dwarf_Die *d = &scopes[i];
		struct srcline_frame *f = &out[i];
		name_from_die(d, f);
		f->file = file;
		f->comp_dir = comp_dir;
		f->line = line;
		f->column = col;
		/* where the caller (the next scope out) was */
		Dwarf_Attribute attr;
		file = files && dwarf_attr(d, DW_AT_call_file, &attr)
			       ? dwarf_filesrc(files, (size_t)die_udata(d, DW_AT_call_file, false), NULL, NULL)
			       : NULL;
		line = die_udata(d, DW_AT_call_line, false);
		col = die_udata(d, DW_AT_call_column, false);
	}
	return ns;
}

/* Where every process and thread starts: at the bottom of every stack, and
 * their lines tell nobody anything. Naming them from the symbol table keeps
 * a library's DWARF unread when nothing else needs it; with libc6-dbg
 * installed that is libc's whole compressed debug info, 40 ms and 25 MB at
 * each exit. */
static bool is_entry_frame(const char *sym)
{
	static const char *const entries[] = {
		"__libc_start_call_main", "__libc_start_main", "__libc_start_main_impl", "_start",
		"start_thread", "clone", "clone3", "__clone", "__clone3", "__GI___clone3",
	};
	for (size_t i = 0; sym && i < sizeof(entries) / sizeof(entries[0]); i++)
		if (!strcmp(sym, entries[i]))
			return true;
	return false;
}

int srcline_lookup(struct srcline *sl, uint64_t pc, struct srcline_frame *out, int cap, bool *dwarf)
{
	*dwarf = false;
	if (cap <= 0)
		return 0;
	const char *entry = symbol_at(sl, pc);
	if (is_entry_frame(entry)) {
		out[0] = (struct srcline_frame){.name = entry};
		return 1;
	}
	if (!sl->dwarf_opened) {
		/* between decompressing the debug sections and reading them:
		 * the compressed bytes go before the units' tables come */
		sl->dwarf_opened = true;
		Dwarf_Addr dwbias;
		Dwarf *dw = dwfl_module_getdwarf(sl->mod, &dwbias);
		if (dw)
			elfpages_release_copied(dwarf_getelf(dw));
	}
	const char *file = NULL;
	int line = 0, col = 0;
	Dwfl_Line *l = dwfl_module_getsrc(sl->mod, pc);
	if (l)
		file = dwfl_lineinfo(l, NULL, &line, &col, NULL, NULL);
	Dwarf_Addr bias;
	Dwarf_Die *cudie = dwfl_module_addrdie(sl->mod, pc, &bias);
	int n = cudie ? from_dwarf(sl, cudie, pc - bias, out, cap, file, line, col) : 0;
	if (n > 0) {
		*dwarf = true;
		/* DW_AT_name is unqualified in C++ and Rust; a function with no
		 * linkage name there (a lambda's operator()) takes the symbol's,
		 * which is whole */
		struct srcline_frame *outer = &out[n - 1];
		int lang = dwarf_srclang(cudie);
		bool bare_names = lang == DW_LANG_C_plus_plus || lang == DW_LANG_C_plus_plus_03 ||
				 lang == DW_LANG_C_plus_plus_11 || lang == DW_LANG_C_plus_plus_14 ||
				 lang == DW_LANG_Rust;
		if (!outer->linkage && (bare_names || !outer->name)) {
			const char *sym = symbol_at(sl, pc);
			if (demangle_is_mangled(sym))
				outer->linkage = sym;
			else if (!outer->name)
				outer->name = sym;
		}
		return n;
	}
	const char *sym = symbol_at(sl, pc);
	if (!sym && !file)
		return 0;
	out[0] = (struct srcline_frame){.name = sym,
					.file = file,
					.comp_dir = cudie ? die_string(cudie, DW_AT_comp_dir) : NULL,
					.line = line,
					.column = col};
	return 1;
}
