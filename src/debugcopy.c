/* debugcopy: the copy keeps every uncompressed section at its offset (the
 * bytes of the compressed ones stay holes of the memfd, which cost no
 * memory), puts the inflated sections after the old end of the file and a
 * new section header table after them. Only native 64-bit files with zlib
 * sections are copied; anything else is left to libdw as it was. */
#include "debugcopy.h"

#ifdef HAVE_ISAL

#include <elf.h>
#include <errno.h>
#include <isa-l/igzip_lib.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"

enum { IO_BYTES = 256 << 10 };

/* The sections symbolization never reads: location lists of variables */
static bool left_out(const char *name)
{
	return !strcmp(name, ".debug_loclists") || !strcmp(name, ".debug_loc");
}

struct copy {
	int in, out;
	uint8_t *buf_in, *buf_out;
	struct inflate_state *inflate;
};

static bool read_all(int fd, void *p, size_t n, uint64_t off)
{
	for (size_t done = 0; done < n;) {
		ssize_t r = pread(fd, (char *)p + done, n - done, (off_t)(off + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		done += (size_t)r;
	}
	return true;
}

static bool write_all(int fd, const void *p, size_t n, uint64_t off)
{
	for (size_t done = 0; done < n;) {
		ssize_t r = pwrite(fd, (const char *)p + done, n - done, (off_t)(off + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		done += (size_t)r;
	}
	return true;
}

/* n bytes at off of the file, to the same offset of the copy */
static bool copy_range(struct copy *c, uint64_t off, uint64_t n)
{
	while (n) {
		size_t k = n > IO_BYTES ? IO_BYTES : (size_t)n;
		if (!read_all(c->in, c->buf_in, k, off) || !write_all(c->out, c->buf_in, k, off))
			return false;
		off += k;
		n -= k;
	}
	return true;
}

/* The zlib stream of csize bytes at from, inflated to exactly size bytes at to */
static bool inflate_range(struct copy *c, uint64_t from, uint64_t csize, uint64_t to, uint64_t size)
{
	struct inflate_state *st = c->inflate;
	isal_inflate_init(st);
	st->crc_flag = ISAL_ZLIB;
	uint64_t made = 0;
	for (;;) {
		if (st->avail_in == 0 && csize) {
			size_t k = csize > IO_BYTES ? IO_BYTES : (size_t)csize;
			if (!read_all(c->in, c->buf_in, k, from))
				return false;
			from += k;
			csize -= k;
			st->next_in = c->buf_in;
			st->avail_in = (uint32_t)k;
		}
		st->next_out = c->buf_out;
		st->avail_out = IO_BYTES;
		int rc = isal_inflate(st);
		size_t got = IO_BYTES - st->avail_out;
		if (rc < 0 || made + got > size || (got && !write_all(c->out, c->buf_out, got, to + made)))
			return false;
		made += got;
		if (st->block_state == ISAL_BLOCK_FINISH)
			return made == size;
		if (!got && st->avail_in == 0 && !csize)
			return false; /* truncated */
	}
}

static uint64_t align_up(uint64_t x, uint64_t a)
{
	return a > 1 && !(a & (a - 1)) ? (x + a - 1) & ~(a - 1) : x;
}

/* The copy's section headers into sh (read from the file, then changed);
 * true when it is worth making. */
static bool plan(struct copy *c, const Elf64_Ehdr *eh, Elf64_Shdr *sh, uint64_t file_size, uint64_t *end)
{
	const Elf64_Shdr *strs = &sh[eh->e_shstrndx];
	if (eh->e_shstrndx >= eh->e_shnum || strs->sh_type == SHT_NOBITS || strs->sh_flags & SHF_COMPRESSED ||
	    strs->sh_size > file_size || strs->sh_offset > file_size - strs->sh_size)
		return false;
	size_t names_size = (size_t)strs->sh_size;
	char *names = mem_alloc(names_size + 1);
	if (!names || !read_all(c->in, names, names_size, strs->sh_offset)) {
		mem_free(names, names_size + 1);
		return false;
	}
	names[names_size] = 0;
	bool any = false, ok = true;
	uint64_t at = file_size;
	for (unsigned i = 1; ok && i < eh->e_shnum; i++) {
		Elf64_Shdr *s = &sh[i];
		if (s->sh_type == SHT_NOBITS)
			continue;
		if (s->sh_size > file_size || s->sh_offset > file_size - s->sh_size) {
			ok = false;
			break;
		}
		if (!(s->sh_flags & SHF_COMPRESSED))
			continue;
		Elf64_Chdr ch;
		if (s->sh_size < sizeof(ch) || !read_all(c->in, &ch, sizeof(ch), s->sh_offset) ||
		    ch.ch_type != ELFCOMPRESS_ZLIB || ch.ch_size > (1ULL << 31)) {
			ok = false;
			break;
		}
		any = true;
		s->sh_flags &= ~(uint64_t)SHF_COMPRESSED;
		if (s->sh_name < names_size && left_out(names + s->sh_name)) {
			s->sh_type = SHT_NOBITS;
			s->sh_size = 0;
			continue;
		}
		/* where the inflated bytes go, after the file's old end */
		s->sh_addralign = ch.ch_addralign;
		at = align_up(at, ch.ch_addralign > 8 ? ch.ch_addralign : 8);
		s->sh_size = ch.ch_size;
		s->sh_offset = at;
		at += ch.ch_size;
	}
	mem_free(names, names_size + 1);
	*end = at;
	return ok && any;
}

static bool make(struct copy *c, uint64_t file_size)
{
	Elf64_Ehdr eh;
	if (!read_all(c->in, &eh, sizeof(eh), 0) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum == 0 || eh.e_shstrndx == SHN_XINDEX ||
	    eh.e_shoff > file_size || (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr) > file_size - eh.e_shoff ||
	    (eh.e_phnum && (eh.e_phoff > file_size ||
			    (uint64_t)eh.e_phnum * eh.e_phentsize > file_size - eh.e_phoff)))
		return false;
	size_t shdrs_size = eh.e_shnum * sizeof(Elf64_Shdr);
	Elf64_Shdr *old = mem_alloc(shdrs_size), *sh = mem_alloc(shdrs_size);
	bool ok = old && sh && read_all(c->in, old, shdrs_size, eh.e_shoff);
	if (ok)
		memcpy(sh, old, shdrs_size);
	uint64_t end = 0;
	ok = ok && plan(c, &eh, sh, file_size, &end);
	uint64_t shoff = align_up(end, 8);
	/* past RLIMIT_FSIZE the kernel would send the program SIGXFSZ */
	struct rlimit fsize;
	ok = ok && getrlimit(RLIMIT_FSIZE, &fsize) == 0 &&
	     (fsize.rlim_cur == RLIM_INFINITY || shoff + shdrs_size <= fsize.rlim_cur) &&
	     ftruncate(c->out, (off_t)(shoff + shdrs_size)) == 0;
	/* the program headers and every section with bytes in the file, in place */
	if (ok && eh.e_phnum)
		ok = copy_range(c, eh.e_phoff, (uint64_t)eh.e_phnum * eh.e_phentsize);
	for (unsigned i = 1; ok && i < eh.e_shnum; i++) {
		const Elf64_Shdr *o = &old[i];
		if (o->sh_type == SHT_NOBITS)
			continue;
		if (!(o->sh_flags & SHF_COMPRESSED))
			ok = copy_range(c, o->sh_offset, o->sh_size);
		else if (sh[i].sh_type != SHT_NOBITS)
			ok = inflate_range(c, o->sh_offset + sizeof(Elf64_Chdr), o->sh_size - sizeof(Elf64_Chdr),
					   sh[i].sh_offset, sh[i].sh_size);
	}
	eh.e_shoff = shoff;
	ok = ok && write_all(c->out, sh, shdrs_size, shoff) && write_all(c->out, &eh, sizeof(eh), 0);
	mem_free(old, shdrs_size);
	mem_free(sh, shdrs_size);
	return ok;
}

int debugcopy_open(int fd)
{
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < (off_t)sizeof(Elf64_Ehdr))
		return -1;
	struct copy c = {.in = fd, .out = -1};
	c.buf_in = mem_alloc(IO_BYTES);
	c.buf_out = mem_alloc(IO_BYTES);
	c.inflate = mem_alloc(sizeof(*c.inflate));
	bool ok = c.buf_in && c.buf_out && c.inflate &&
		  (c.out = memfd_create("allocprof-debug", MFD_CLOEXEC)) >= 0 && make(&c, (uint64_t)st.st_size);
	mem_free(c.buf_in, IO_BYTES);
	mem_free(c.buf_out, IO_BYTES);
	mem_free(c.inflate, sizeof(*c.inflate));
	if (!ok && c.out >= 0) {
		close(c.out);
		c.out = -1;
	}
	return c.out;
}

#else

int debugcopy_open(int fd)
{
	(void)fd;
	return -1;
}

#endif
