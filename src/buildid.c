/* buildid: finds NT_GNU_BUILD_ID in PT_NOTE segments, falling back to
 * SHT_NOTE sections for files without program headers (split debug files). */
#include "buildid.h"
#include "safefile.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static int full_pread(int fd, void *buf, size_t n, off_t off)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, (char *)buf + got, n - got, off + (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EIO;
		got += (size_t)r;
	}
	return 0;
}

/* Scans one note area [off, off + size) for a note of the given owner name
 * and type (the GNU build ID: "GNU", NT_GNU_BUILD_ID); copies its
 * descriptor into out and returns its length, or -ENOENT. */
static int scan_notes_for(int fd, uint64_t off, uint64_t size, uint64_t align, const char *name,
			  uint32_t type, uint8_t *out, size_t cap)
{
	unsigned char buf[4096];
	if (size > sizeof(buf))
		size = sizeof(buf); /* build ID notes come first in practice */
	if (full_pread(fd, buf, size, (off_t)off) < 0)
		return -EIO;
	uint64_t a = align == 8 ? 8 : 4;
	for (uint64_t pos = 0; pos + sizeof(Elf64_Nhdr) <= size;) {
		Elf64_Nhdr nh;
		memcpy(&nh, buf + pos, sizeof(nh));
		uint64_t name_off = pos + sizeof(nh);
		uint64_t desc_off = name_off + ((nh.n_namesz + a - 1) & ~(a - 1));
		uint64_t next = desc_off + ((nh.n_descsz + a - 1) & ~(a - 1));
		if (desc_off + nh.n_descsz > size || next <= pos)
			break;
		/* the owner name may be NUL-padded: Go writes "Go\0\0" */
		size_t len = strlen(name);
		if (nh.n_type == type && nh.n_namesz > len && nh.n_namesz <= len + 4 &&
		    name_off + nh.n_namesz <= size && !memcmp(buf + name_off, name, len) &&
		    !buf[name_off + len] && nh.n_descsz > 0) {
			size_t n = nh.n_descsz < cap ? nh.n_descsz : cap;
			memcpy(out, buf + desc_off, n);
			return (int)n;
		}
		pos = next;
	}
	return -ENOENT;
}

static int scan_notes(int fd, uint64_t off, uint64_t size, uint64_t align, uint8_t *out, size_t cap)
{
	return scan_notes_for(fd, off, size, align, "GNU", NT_GNU_BUILD_ID, out, cap);
}

int buildid_read_fd(int fd, uint8_t *out, size_t cap)
{
	Elf64_Ehdr eh;
	if (full_pread(fd, &eh, sizeof(eh), 0) < 0 || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return -ENOEXEC;
	if (eh.e_phentsize == sizeof(Elf64_Phdr)) {
		for (unsigned i = 0; i < eh.e_phnum && i < 256; i++) {
			Elf64_Phdr ph;
			if (full_pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) < 0)
				return -EIO;
			if (ph.p_type != PT_NOTE)
				continue;
			int n = scan_notes(fd, ph.p_offset, ph.p_filesz, ph.p_align, out, cap);
			if (n > 0)
				return n;
		}
	}
	if (eh.e_shentsize == sizeof(Elf64_Shdr)) {
		for (unsigned i = 0; i < eh.e_shnum && i < 4096; i++) {
			Elf64_Shdr sh;
			if (full_pread(fd, &sh, sizeof(sh), (off_t)(eh.e_shoff + i * sizeof(sh))) < 0)
				return -EIO;
			if (sh.sh_type != SHT_NOTE)
				continue;
			int n = scan_notes(fd, sh.sh_offset, sh.sh_size, sh.sh_addralign, out, cap);
			if (n > 0)
				return n;
		}
	}
	return -ENOENT;
}

int buildid_read_path(const char *path, uint8_t *out, size_t cap)
{
	int fd = safefile_open_read(path);
	if (fd < 0)
		return fd;
	int n = buildid_read_fd(fd, out, cap);
	close(fd);
	return n;
}

int elf_facts_path(const char *path, struct elf_facts *f)
{
	memset(f, 0, sizeof(*f));
	int fd = safefile_open_read(path);
	if (fd < 0)
		return fd;
	Elf64_Ehdr eh;
	if (full_pread(fd, &eh, sizeof(eh), 0) < 0 || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB) {
		close(fd);
		return 0;
	}
	f->elf = true;
	for (unsigned i = 0; eh.e_phentsize == sizeof(Elf64_Phdr) && i < eh.e_phnum && i < 256; i++) {
		Elf64_Phdr ph;
		if (full_pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) < 0)
			break;
		if (ph.p_type == PT_INTERP)
			f->dynamic = true;
		uint8_t id[BUILDID_MAX];
		/* the Go linker writes its build ID as a note of owner "Go", type 4 */
		if (ph.p_type == PT_NOTE && scan_notes_for(fd, ph.p_offset, ph.p_filesz, ph.p_align, "Go", 4, id, sizeof(id)) > 0)
			f->go = true;
	}
	close(fd);
	return 0;
}

void buildid_hex(const uint8_t *id, size_t n, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		hex[2 * i] = digits[id[i] >> 4];
		hex[2 * i + 1] = digits[id[i] & 15];
	}
	hex[2 * n] = 0;
}
