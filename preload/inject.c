/* inject: the walk over the loaded modules (dl_iterate_phdr), their dynamic
 * sections and relocation tables, and the record of what each rewritten slot
 * held. A slot in a RELRO page is written between two mprotect calls; the
 * write itself is one aligned store, so a thread calling through the slot
 * at that moment gets the old function or the new one, both valid.
 * heaptrack's heaptrack_inject does the same for its injected library. */
#include "inject.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "log.h"
#include "nextsym.h"

#if defined(__x86_64__)
#define R_JUMP_SLOT R_X86_64_JUMP_SLOT
#define R_GLOB_DAT R_X86_64_GLOB_DAT
#define R_ABS64 R_X86_64_64
#elif defined(__aarch64__)
#define R_JUMP_SLOT R_AARCH64_JUMP_SLOT
#define R_GLOB_DAT R_AARCH64_GLOB_DAT
#define R_ABS64 R_AARCH64_ABS64
#endif

/* What the shim exports for the program (interpose.c, shim.c), and dlopen,
 * which this module wraps to reach libraries loaded later. */
static const char *const names[] = {
	"malloc", "free", "calloc", "realloc", "reallocarray", "posix_memalign", "aligned_alloc",
	"memalign", "valloc", "pvalloc", "malloc_usable_size",
	"_Znwm", "_Znam", "_ZnwmRKSt9nothrow_t", "_ZnamRKSt9nothrow_t", "_ZnwmSt11align_val_t",
	"_ZnamSt11align_val_t", "_ZnwmSt11align_val_tRKSt9nothrow_t", "_ZnamSt11align_val_tRKSt9nothrow_t",
	"_ZdlPv", "_ZdaPv", "_ZdlPvm", "_ZdaPvm", "_ZdlPvRKSt9nothrow_t", "_ZdaPvRKSt9nothrow_t",
	"_ZdlPvSt11align_val_t", "_ZdaPvSt11align_val_t", "_ZdlPvmSt11align_val_t", "_ZdaPvmSt11align_val_t",
	"_ZdlPvSt11align_val_tRKSt9nothrow_t", "_ZdaPvSt11align_val_tRKSt9nothrow_t",
	"dlclose", "_exit", "_Exit", "quick_exit",
	"dlopen",
};
enum { NNAMES = sizeof(names) / sizeof(names[0]), DLOPEN = NNAMES - 1 };
static void *ours[NNAMES];

/* 24 slots at most per module in practice: thousands of modules fit */
enum { MAX_SLOTS = 16384 };
static struct {
	void **addr;
	void *orig;
} slots[MAX_SLOTS];
static size_t nslots;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static bool active;
static uintptr_t self_base, self_fn, libc_fn;
static void *(*real_dlopen)(const char *, int);

struct walk {
	bool restore;
	bool releases; /* this pass: free and operator delete, or the others */
	int patched;
	int error;
};

static int name_index(const char *s)
{
	if (s[0] != 'm' && s[0] != 'f' && s[0] != 'c' && s[0] != 'r' && s[0] != 'p' && s[0] != 'a' &&
	    s[0] != 'v' && s[0] != '_' && s[0] != 'd' && s[0] != 'q')
		return -1;
	for (int i = 0; i < NNAMES; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

bool inject_module_holds(const struct dl_phdr_info *info, uintptr_t addr)
{
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t start = info->dlpi_addr + ph->p_vaddr;
		if (ph->p_type == PT_LOAD && addr >= start && addr < start + ph->p_memsz)
			return true;
	}
	return false;
}

/* The module's object is the shim, the C library (its own calls are its
 * business: the shim forwards to it), the dynamic loader or the vDSO. */
static bool skipped(const struct dl_phdr_info *info)
{
	const char *base = base_name(info->dlpi_name);
	return inject_module_holds(info, self_fn) || inject_module_holds(info, libc_fn) || !strncmp(base, "ld-", 3) ||
	       !strncmp(base, "ld64", 4) || !strncmp(base, "linux-vdso", 10) || !strncmp(base, "linux-gate", 10) ||
	       strstr(base, "liballocprof");
}

/* free, operator delete and its variants: patched before the allocating
 * functions and put back after them. Per slot there is one store, so a
 * thread can see free patched and malloc not, or the reverse; in this
 * order a block the shim saw allocated is always seen freed: at attach a
 * free of a block from before is merely unknown, at detach the last
 * recorded blocks are freed through the shim still. The other order
 * leaves blocks in use in the profile that the program freed. */
static bool is_release(int i)
{
	return !strcmp(names[i], "free") || !strncmp(names[i], "_ZdlPv", 6) || !strncmp(names[i], "_ZdaPv", 6);
}

/* A pointer into another copy of the shim: another attach records now. */
static bool foreign_shim(void *f)
{
	Dl_info di;
	return f && dladdr(f, &di) && di.dli_fname && (uintptr_t)di.dli_fbase != self_base &&
	       strstr(base_name(di.dli_fname), "liballocprof");
}

static void *recorded(void **addr)
{
	for (size_t i = nslots; i-- > 0;)
		if (slots[i].addr == addr)
			return slots[i].orig;
	return NULL;
}

static bool record(void **addr, void *orig)
{
	for (size_t i = 0; i < nslots; i++)
		if (slots[i].addr == addr) {
			slots[i].orig = orig; /* a module unloaded, another mapped at its place */
			return true;
		}
	if (nslots == MAX_SLOTS)
		return false;
	slots[nslots].addr = addr;
	slots[nslots].orig = orig;
	nslots++;
	return true;
}

static bool store(void **addr, void *value, bool relro)
{
	long ps = sysconf(_SC_PAGESIZE);
	void *page = (void *)((uintptr_t)addr & ~(uintptr_t)(ps - 1));
	if (relro && mprotect(page, (size_t)ps, PROT_READ | PROT_WRITE) != 0)
		return false;
	__atomic_store_n(addr, value, __ATOMIC_RELEASE);
	if (relro)
		mprotect(page, (size_t)ps, PROT_READ);
	return true;
}

struct module {
	uintptr_t base, relro_start, relro_end;
	const ElfW(Sym) *symtab;
	const char *strtab;
	bool search_path; /* DT_RUNPATH or DT_RPATH: its dlopen calls stay its own */
};

static void slot(struct module *m, const ElfW(Rela) *r, struct walk *w)
{
#ifdef R_JUMP_SLOT
	unsigned type = (unsigned)ELF64_R_TYPE(r->r_info);
	size_t sym = ELF64_R_SYM(r->r_info);
	if (!sym || !(type == R_JUMP_SLOT || type == R_GLOB_DAT || (type == R_ABS64 && r->r_addend == 0)))
		return;
	int i = name_index(m->strtab + m->symtab[sym].st_name);
	/* glibc's dlopen finds its caller's search path from its return
	 * address: from a module with one, a wrapper in between would change
	 * which library a bare name loads */
	if (i < 0 || !ours[i] || (i == DLOPEN && m->search_path) || is_release(i) != w->releases)
		return;
	void **addr = (void **)(m->base + r->r_offset);
	bool relro = (uintptr_t)addr >= m->relro_start && (uintptr_t)addr < m->relro_end;
	void *cur = __atomic_load_n(addr, __ATOMIC_ACQUIRE);
	if (w->restore) {
		if (cur != ours[i])
			return;
		void *orig = recorded(addr);
		store(addr, orig ? orig : nextsym(names[i]), relro);
		return;
	}
	if (cur == ours[i])
		return;
	if (foreign_shim(cur)) {
		w->error = -EEXIST;
		return;
	}
	if (!record(addr, cur)) {
		w->error = -ENOSPC;
		return;
	}
	if (store(addr, ours[i], relro))
		w->patched++;
#else
	(void)m, (void)r;
	w->error = -ENOTSUP;
#endif
}

/* Dynamic-section addresses are relocated in place by glibc; an object
 * whose section was left as linked (read-only dynamic sections) gets its
 * base added here. */
static uintptr_t fix(uintptr_t p, uintptr_t base)
{
	return p < base ? p + base : p;
}

static int module(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	struct walk *w = data;
	if (w->error || skipped(info))
		return 0;
	struct module m = {.base = info->dlpi_addr};
	const ElfW(Dyn) *dyn = NULL;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type == PT_DYNAMIC)
			dyn = (const ElfW(Dyn) *)(m.base + ph->p_vaddr);
		else if (ph->p_type == PT_GNU_RELRO) {
			m.relro_start = m.base + ph->p_vaddr;
			m.relro_end = m.relro_start + ph->p_memsz;
		}
	}
	if (!dyn)
		return 0;
	const ElfW(Rela) *rela = NULL, *jmprel = NULL;
	size_t relasz = 0, pltrelsz = 0;
	bool plt_rela = true;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		switch (dyn->d_tag) {
		case DT_SYMTAB: m.symtab = (const ElfW(Sym) *)fix(dyn->d_un.d_ptr, m.base); break;
		case DT_STRTAB: m.strtab = (const char *)fix(dyn->d_un.d_ptr, m.base); break;
		case DT_RELA: rela = (const ElfW(Rela) *)fix(dyn->d_un.d_ptr, m.base); break;
		case DT_RELASZ: relasz = dyn->d_un.d_val; break;
		case DT_JMPREL: jmprel = (const ElfW(Rela) *)fix(dyn->d_un.d_ptr, m.base); break;
		case DT_PLTRELSZ: pltrelsz = dyn->d_un.d_val; break;
		case DT_PLTREL: plt_rela = dyn->d_un.d_val == DT_RELA; break;
		case DT_RUNPATH: case DT_RPATH: m.search_path = true; break;
		}
	}
	if (!m.symtab || !m.strtab)
		return 0;
	for (size_t i = 0; rela && i < relasz / sizeof(*rela); i++)
		slot(&m, &rela[i], w);
	for (size_t i = 0; plt_rela && jmprel && i < pltrelsz / sizeof(*jmprel); i++)
		slot(&m, &jmprel[i], w);
	return 0;
}

/* The releasing functions first (is_release); called with the lock held. */
static struct walk patch_in_order(void)
{
	struct walk releases = {.releases = true}, allocs = {0};
	dl_iterate_phdr(module, &releases);
	if (releases.error)
		return releases;
	dl_iterate_phdr(module, &allocs);
	allocs.patched += releases.patched;
	return allocs;
}

/* A library loaded now is patched before the program can call into it. */
static void *dlopen_wrapper(const char *file, int mode)
{
	void *h = real_dlopen ? real_dlopen(file, mode) : NULL;
	if (h) {
		pthread_mutex_lock(&lock);
		if (active)
			patch_in_order();
		pthread_mutex_unlock(&lock);
	}
	return h;
}

static bool find_ours(void)
{
	extern void *__libc_malloc(size_t);
	Dl_info self, libc;
	if (!dladdr((void *)inject_patch_all, &self) || !dladdr((void *)__libc_malloc, &libc))
		return false;
	self_base = (uintptr_t)self.dli_fbase;
	self_fn = (uintptr_t)inject_patch_all;
	libc_fn = (uintptr_t)__libc_malloc;
	/* the shim's own definitions: its handle searches itself first */
	void *h = dlopen(self.dli_fname, RTLD_NOW | RTLD_NOLOAD);
	if (!h)
		return false;
	for (int i = 0; i < DLOPEN; i++) {
		ours[i] = dlsym(h, names[i]);
		Dl_info di;
		if (ours[i] && (!dladdr(ours[i], &di) || (uintptr_t)di.dli_fbase != self_base))
			ours[i] = NULL; /* not the shim's: leave those slots alone */
	}
	dlclose(h);
	real_dlopen = (void *(*)(const char *, int))nextsym("dlopen");
	ours[DLOPEN] = real_dlopen ? (void *)dlopen_wrapper : NULL;
	return true;
}

int inject_patch_all(void)
{
#ifndef R_JUMP_SLOT
	return -ENOTSUP;
#endif
	pthread_mutex_lock(&lock);
	if (!self_base && !find_ours()) {
		pthread_mutex_unlock(&lock);
		return -ENOENT;
	}
	struct walk w = patch_in_order();
	active = !w.error;
	pthread_mutex_unlock(&lock);
	return w.error ? w.error : w.patched;
}

void inject_restore_all(void)
{
	pthread_mutex_lock(&lock);
	active = false;
	struct walk allocs = {.restore = true}, releases = {.restore = true, .releases = true};
	dl_iterate_phdr(module, &allocs);
	dl_iterate_phdr(module, &releases);
	pthread_mutex_unlock(&lock);
}

void inject_restore_in_child(void)
{
	pthread_mutex_init(&lock, NULL);
	inject_restore_all();
}
