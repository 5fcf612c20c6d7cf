/* unwind_validate: libunwind 1.6 (Debian 12) validates an address with
 * write(pipe, addr, 1) on a pipe opened at its first use and reopened, after
 * closing the numbers it remembers, whenever a read of it fails. A daemon
 * that closes every descriptor and opens its own gets those numbers: libunwind
 * then reads bytes from the program's sockets, writes process memory into its
 * files, and closes them. Its calls go through its own PLT, so rebinding the
 * four slots it uses (pipe2, read, close, syscall) in its GOT changes libunwind
 * alone, not the program: pipe2 hands out two numbers no descriptor can have,
 * reads of them say "empty" as a drained pipe would, the write asks the kernel
 * whether the bytes are readable instead, and the close is a no-op. A
 * libunwind that does not use a pipe (1.7 and later) has no such slots to
 * rebind, and nothing changes. */
#include "unwind_validate.h"

#include <errno.h>
#include <link.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

/* never a descriptor: open() hands out numbers >= 0 */
enum { FAKE_READ_END = -1000, FAKE_WRITE_END = -1001 };

static ssize_t (*real_read)(int, void *, size_t);
static int (*real_close)(int);
static long (*real_syscall)(long, ...);

bool unwind_validate_readable(uint64_t addr)
{
	/* an aligned 8-byte word never straddles two pages */
	addr &= ~(uint64_t)7;
	/* rt_sigprocmask copies the new mask in before it looks at `how`:
	 * EFAULT means unreadable, EINVAL (the invalid `how`) readable, and
	 * the mask is left as it was either way */
	long rc = syscall(SYS_rt_sigprocmask, -1, (void *)(uintptr_t)addr, NULL, (size_t)8);
	if (rc == -1 && errno == EINVAL)
		return true;
	if (rc == -1 && errno == EFAULT)
		return false;
	/* a sandbox that filters the call: read the word through the kernel */
	uint64_t word;
	struct iovec local = {&word, sizeof(word)}, remote = {(void *)(uintptr_t)addr, sizeof(word)};
	return syscall(SYS_process_vm_readv, getpid(), &local, 1UL, &remote, 1UL, 0UL) == (long)sizeof(word);
}

#if defined(__x86_64__)
static int stub_pipe2(int fds[2], int flags)
{
	(void)flags;
	fds[0] = FAKE_READ_END;
	fds[1] = FAKE_WRITE_END;
	return 0;
}

static ssize_t stub_read(int fd, void *buf, size_t n)
{
	if (fd == FAKE_READ_END) {
		errno = EAGAIN; /* what libunwind takes for a healthy, empty pipe */
		return -1;
	}
	return real_read(fd, buf, n);
}

static int stub_close(int fd)
{
	if (fd == FAKE_READ_END || fd == FAKE_WRITE_END)
		return 0;
	return real_close(fd);
}

/* syscall(2) is variadic; on the ABIs libunwind runs on, its arguments
 * arrive as six machine words whatever their number */
static long stub_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	if (nr == SYS_write && (int)a1 == FAKE_WRITE_END) { /* an int, upper half undefined */
		if (unwind_validate_readable((uint64_t)a2))
			return a3;
		errno = EFAULT;
		return -1;
	}
	return real_syscall(nr, a1, a2, a3, a4, a5, a6);
}

static const struct {
	const char *name;
	void *stub;
} stubs[] = {
	{"pipe2", (void *)stub_pipe2},
	{"read", (void *)stub_read},
	{"close", (void *)stub_close},
	{"syscall", (void *)stub_syscall},
};

static uintptr_t dyn_ptr(uintptr_t base, ElfW(Addr) p)
{
	/* the loader relocates these in place on most targets, not all */
	return p < base ? base + p : p;
}

/* Writes a GOT slot; a slot under full RELRO is read-only by now. */
static void set_slot(void **slot, void *value, uintptr_t relro_start, uintptr_t relro_end)
{
	uintptr_t a = (uintptr_t)slot;
	if (a >= relro_start && a < relro_end) {
		long page = sysconf(_SC_PAGESIZE);
		void *p = (void *)(a & ~(uintptr_t)(page - 1));
		if (mprotect(p, (size_t)page, PROT_READ | PROT_WRITE) != 0)
			return;
		*slot = value;
		mprotect(p, (size_t)page, PROT_READ);
		return;
	}
	*slot = value;
}

static int rebind_relocs(uintptr_t base, const ElfW(Rela) *rel, size_t bytes, const ElfW(Sym) *symtab,
			 const char *strtab, uintptr_t relro_start, uintptr_t relro_end)
{
	int n = 0;
	for (size_t i = 0; i < bytes / sizeof(*rel); i++) {
		unsigned type = (unsigned)ELF64_R_TYPE(rel[i].r_info);
		if (type != R_X86_64_JUMP_SLOT && type != R_X86_64_GLOB_DAT)
			continue;
		const char *name = strtab + symtab[ELF64_R_SYM(rel[i].r_info)].st_name;
		for (size_t s = 0; s < sizeof(stubs) / sizeof(stubs[0]); s++) {
			if (strcmp(name, stubs[s].name))
				continue;
			set_slot((void **)(base + rel[i].r_offset), stubs[s].stub, relro_start, relro_end);
			n++;
		}
	}
	return n;
}

static bool is_libunwind(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return !strncmp(base, "libunwind.so", strlen("libunwind.so"));
}

static int rebind_object(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	int *rebound = data;
	if (!info->dlpi_name || !is_libunwind(info->dlpi_name))
		return 0;
	uintptr_t base = info->dlpi_addr, relro_start = 0, relro_end = 0;
	const ElfW(Dyn) *dyn = NULL;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type == PT_DYNAMIC)
			dyn = (const ElfW(Dyn) *)(base + ph->p_vaddr);
		if (ph->p_type == PT_GNU_RELRO) {
			relro_start = base + ph->p_vaddr;
			relro_end = relro_start + ph->p_memsz;
		}
	}
	if (!dyn)
		return 0;
	const ElfW(Sym) *symtab = NULL;
	const char *strtab = NULL;
	const ElfW(Rela) *jmprel = NULL, *rela = NULL;
	size_t jmprel_bytes = 0, rela_bytes = 0;
	bool rela_kind = true;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		switch (dyn->d_tag) {
		case DT_SYMTAB: symtab = (const ElfW(Sym) *)dyn_ptr(base, dyn->d_un.d_ptr); break;
		case DT_STRTAB: strtab = (const char *)dyn_ptr(base, dyn->d_un.d_ptr); break;
		case DT_JMPREL: jmprel = (const ElfW(Rela) *)dyn_ptr(base, dyn->d_un.d_ptr); break;
		case DT_PLTRELSZ: jmprel_bytes = dyn->d_un.d_val; break;
		case DT_RELA: rela = (const ElfW(Rela) *)dyn_ptr(base, dyn->d_un.d_ptr); break;
		case DT_RELASZ: rela_bytes = dyn->d_un.d_val; break;
		case DT_PLTREL: rela_kind = dyn->d_un.d_val == DT_RELA; break;
		}
	}
	if (!symtab || !strtab || !rela_kind)
		return 0;
	if (jmprel)
		*rebound += rebind_relocs(base, jmprel, jmprel_bytes, symtab, strtab, relro_start, relro_end);
	if (rela)
		*rebound += rebind_relocs(base, rela, rela_bytes, symtab, strtab, relro_start, relro_end);
	return 0;
}

#endif

int unwind_validate_install(void)
{
#if defined(__x86_64__)
	real_read = read;
	real_close = close;
	real_syscall = syscall;
	int rebound = 0;
	dl_iterate_phdr(rebind_object, &rebound);
	return rebound;
#else
	return 0;
#endif
}
