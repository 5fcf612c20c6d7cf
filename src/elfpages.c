/* elfpages: a section whose Elf_Data (read and raw) points outside the
 * file's mapping was copied out of it (elf_compress puts the decompressed
 * bytes in a buffer of their own and forgets the compressed ones), so its
 * file range is dead. The range runs to the next section or to the section
 * header table, whatever its size said before decompression. MADV_DONTNEED
 * on a private file mapping only drops the pages: were one read again, it
 * would come back from the file, unchanged, as libelf never writes there
 * (it updates the section headers, which lie outside every range). */
#include "elfpages.h"

#include <gelf.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "procmaps.h"

/* e's whole image, when libelf reads it through a mapping of its file at
 * offset 0 (not a read() copy, not an archive member). */
static bool mapped_image(Elf *e, uintptr_t *base, size_t *size)
{
	char *raw = elf_rawfile(e, size);
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	if (!raw || !*size || ((uintptr_t)raw & (page - 1)))
		return false;
	struct procmaps m = {0};
	if (procmaps_read(0, &m) < 0)
		return false;
	const struct procmap_entry *p = procmaps_find(&m, (uint64_t)(uintptr_t)raw);
	bool ok = p && p->inode && p->offset == 0 && p->start == (uint64_t)(uintptr_t)raw &&
		  p->end >= (uint64_t)(uintptr_t)raw + *size;
	procmaps_release(&m);
	*base = (uintptr_t)raw;
	return ok;
}

static bool outside(const void *p, uintptr_t base, size_t size)
{
	return (uintptr_t)p < base || (uintptr_t)p >= base + size;
}

static bool is_debug_section(Elf *e, size_t shstrndx, const GElf_Shdr *sh)
{
	const char *name = elf_strptr(e, shstrndx, sh->sh_name);
	return name && (!strncmp(name, ".debug_", 7) || !strncmp(name, ".zdebug_", 8));
}

/* Where the file bytes of the section at offset `from` end: at the next
 * thing the file holds after them. */
static uint64_t range_end(Elf *e, uint64_t from, const GElf_Ehdr *eh, size_t size)
{
	uint64_t end = size;
	if (eh->e_shoff > from && eh->e_shoff < end)
		end = eh->e_shoff;
	if (eh->e_phoff > from && eh->e_phoff < end)
		end = eh->e_phoff;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		if (gelf_getshdr(scn, &sh) && sh.sh_type != SHT_NOBITS && sh.sh_offset > from &&
		    sh.sh_offset < end)
			end = sh.sh_offset;
	}
	return end;
}

/* A debug section whose bytes, read and raw, now live outside the image. */
static bool copied(Elf *e, size_t shstrndx, Elf_Scn *scn, const GElf_Shdr *sh, uintptr_t base, size_t size)
{
	if (sh->sh_type == SHT_NOBITS || sh->sh_offset >= size || !is_debug_section(e, shstrndx, sh))
		return false;
	Elf_Data *d = elf_getdata(scn, NULL);
	Elf_Data *r = elf_rawdata(scn, NULL);
	return d && d->d_buf && r && r->d_buf && outside(d->d_buf, base, size) && outside(r->d_buf, base, size);
}

/* Whether a section still read from the image has bytes in [from, end):
 * only in a file laid out oddly (sections sharing their offset). */
static bool live_bytes_in(Elf *e, size_t shstrndx, uint64_t from, uint64_t end, uintptr_t base, size_t size)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS || !sh.sh_size ||
		    copied(e, shstrndx, scn, &sh, base, size))
			continue;
		if (sh.sh_offset < end && sh.sh_offset + sh.sh_size > from)
			return true;
	}
	return false;
}

size_t elfpages_release_copied(Elf *e)
{
	uintptr_t base;
	size_t size, shstrndx;
	GElf_Ehdr eh;
	if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh) || elf_getshdrstrndx(e, &shstrndx) != 0 ||
	    !mapped_image(e, &base, &size))
		return 0;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	size_t given = 0;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || !copied(e, shstrndx, scn, &sh, base, size))
			continue;
		uint64_t end = range_end(e, sh.sh_offset, &eh, size);
		if (live_bytes_in(e, shstrndx, sh.sh_offset, end, base, size))
			continue;
		uintptr_t from = (base + sh.sh_offset + page - 1) & ~(page - 1);
		uintptr_t to = (base + end) & ~(page - 1);
		if (to > from && madvise((void *)from, to - from, MADV_DONTNEED) == 0)
			given += to - from;
	}
	return given;
}
