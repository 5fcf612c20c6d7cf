/* test_debugcopy: this test's own executable, linked with zlib-compressed
 * debug sections, copied by debugcopy: every compressed section comes out
 * inflated to the bytes libelf inflates, the location lists left out, the
 * other sections byte for byte; a file with nothing to inflate, or cut
 * short, or a copy past the file size limit, is not made. */
#include <fcntl.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "debugcopy.h"
#include "../tap.h"

static Elf_Scn *section_named(Elf *e, const char *want)
{
	size_t strndx;
	if (elf_getshdrstrndx(e, &strndx) < 0)
		return NULL;
	for (Elf_Scn *s = NULL; (s = elf_nextscn(e, s));) {
		GElf_Shdr sh;
		const char *name = gelf_getshdr(s, &sh) ? elf_strptr(e, strndx, sh.sh_name) : NULL;
		if (name && !strcmp(name, want))
			return s;
	}
	return NULL;
}

int main(void)
{
	elf_version(EV_CURRENT);
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	int copy = debugcopy_open(fd);
#ifndef HAVE_ISAL
	TAP_EQ_INT(copy, -1, "without ISA-L no copy is made");
	return tap_done();
#endif
	TAP_OK(copy >= 0, "a file with compressed debug sections is copied");
	if (copy < 0)
		return tap_done();
	Elf *orig = elf_begin(fd, ELF_C_READ, NULL), *dup = elf_begin(copy, ELF_C_READ, NULL);
	TAP_OK(orig && dup, "both open as ELF");
	size_t n_orig = 0, n_dup = 0;
	elf_getshdrnum(orig, &n_orig);
	elf_getshdrnum(dup, &n_dup);
	TAP_EQ_INT(n_dup, n_orig, "the same sections");
	int compressed = 0, inflated_same = 0, left_out = 0, kept_same = 0, kept = 0, still_compressed = 0;
	for (size_t i = 1; i < n_orig && i < n_dup; i++) {
		Elf_Scn *so = elf_getscn(orig, i), *sd = elf_getscn(dup, i);
		GElf_Shdr ho, hd;
		gelf_getshdr(so, &ho);
		gelf_getshdr(sd, &hd);
		still_compressed += (hd.sh_flags & SHF_COMPRESSED) != 0;
		if (ho.sh_type == SHT_NOBITS)
			continue;
		if (!(ho.sh_flags & SHF_COMPRESSED)) {
			Elf_Data *a = elf_rawdata(so, NULL), *b = elf_rawdata(sd, NULL);
			kept++;
			kept_same += a && b && a->d_size == b->d_size && !memcmp(a->d_buf, b->d_buf, a->d_size);
			continue;
		}
		compressed++;
		if (hd.sh_type == SHT_NOBITS) {
			left_out++;
			continue;
		}
		if (elf_compress(so, 0, 0) < 0)
			continue;
		Elf_Data *a = elf_getdata(so, NULL), *b = elf_rawdata(sd, NULL);
		inflated_same += a && b && a->d_size == b->d_size && !memcmp(a->d_buf, b->d_buf, a->d_size);
	}
	TAP_OK(compressed >= 3, "this executable has compressed debug sections (%d)", compressed);
	TAP_EQ_INT(still_compressed, 0, "no section of the copy is compressed");
	TAP_EQ_INT(inflated_same + left_out, compressed, "each is inflated to libelf's bytes, or left out");
	TAP_EQ_INT(kept_same, kept, "the uncompressed sections are the same bytes");
	Elf_Scn *info = section_named(dup, ".debug_info");
	TAP_OK(info && elf_rawdata(info, NULL)->d_size > 0, ".debug_info is there");
	Elf_Scn *loc = section_named(dup, ".debug_loclists");
	GElf_Shdr lh;
	TAP_OK(!loc || (gelf_getshdr(loc, &lh) && lh.sh_type == SHT_NOBITS), ".debug_loclists is left out");
	elf_end(orig);
	elf_end(dup);

	TAP_EQ_INT(debugcopy_open(copy), -1, "a file with nothing to inflate is not copied");

	/* the first 4 KiB only: section headers and sections out of the file */
	int cut = memfd_create("cut", MFD_CLOEXEC);
	char buf[4096];
	ssize_t got = pread(fd, buf, sizeof(buf), 0);
	TAP_OK(got == (ssize_t)sizeof(buf) && write(cut, buf, sizeof(buf)) == (ssize_t)sizeof(buf), "a cut copy made");
	TAP_EQ_INT(debugcopy_open(cut), -1, "a file cut short is not copied");
	close(cut);

	/* a copy bigger than the file size limit would earn SIGXFSZ: the
	 * copy is longer than the file, which the limit lets through */
	struct stat st;
	fstat(fd, &st);
	struct rlimit old, small = {(rlim_t)st.st_size, (rlim_t)st.st_size};
	getrlimit(RLIMIT_FSIZE, &old);
	small.rlim_max = old.rlim_max;
	if (setrlimit(RLIMIT_FSIZE, &small) == 0) {
		TAP_EQ_INT(debugcopy_open(fd), -1, "no copy past RLIMIT_FSIZE");
		setrlimit(RLIMIT_FSIZE, &old);
	}
	close(copy);
	close(fd);
	return tap_done();
}
