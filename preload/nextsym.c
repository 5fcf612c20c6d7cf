/* nextsym: one dlsym for both ways the shim arrives in a process. */
#include "nextsym.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <stddef.h>
#include <string.h>

bool shim_loaded_late;

/* The symbol entry that f was found by, or NULL. */
static const ElfW(Sym) *entry_of(void *f, Dl_info *di)
{
	void *sym = NULL;
	if (!dladdr1(f, di, &sym, RTLD_DL_SYMENT))
		return NULL;
	return sym;
}

/* A program linked without -pie that takes malloc's address has, in its own
 * symbol table, malloc undefined but with a value: its PLT entry, which
 * stands for the function wherever an address is compared. The global
 * lookup returns that, and it jumps through a GOT slot that attach points
 * at the shim: the shim would call itself, without end. The loader binds
 * calls past such an entry; so does this, taking the first module in load
 * order that defines the name itself (the C library, or an allocator
 * linked before it). */
static void *defined_past_plt(const char *name, const void *self_base)
{
	void *main_handle = dlopen(NULL, RTLD_LAZY | RTLD_NOLOAD);
	struct link_map *l = NULL;
	if (!main_handle || dlinfo(main_handle, RTLD_DI_LINKMAP, &l) != 0 || !l)
		return NULL;
	for (l = l->l_next; l; l = l->l_next) {
		if (!l->l_name || !l->l_name[0])
			continue;
		void *h = dlopen(l->l_name, RTLD_LAZY | RTLD_NOLOAD);
		void *g = h ? dlsym(h, name) : NULL;
		if (h)
			dlclose(h);
		Dl_info di;
		const ElfW(Sym) *s = g ? entry_of(g, &di) : NULL;
		if (s && s->st_shndx != SHN_UNDEF && di.dli_fbase != self_base && di.dli_fname &&
		    !strcmp(di.dli_fname, l->l_name))
			return g;
	}
	return NULL;
}

void *nextsym(const char *name)
{
	if (!shim_loaded_late)
		return dlsym(RTLD_NEXT, name);
	/* the scope of a dlopen'ed library ends with the library itself: a
	 * name the program does not define would find the shim's own */
	void *f = dlsym(RTLD_DEFAULT, name);
	Dl_info found, self;
	if (!f || !dladdr((void *)nextsym, &self))
		return NULL;
	const ElfW(Sym) *s = entry_of(f, &found);
	if (!s || found.dli_fbase == self.dli_fbase)
		return NULL;
	if (s->st_shndx == SHN_UNDEF)
		return defined_past_plt(name, self.dli_fbase);
	return f;
}
