/* test_symbolize: unit tests of src/symbolize (and debuginfo, demangle,
 * elfpages): the test binary symbolizes addresses inside itself, offline and
 * live, and checks names, files, lines and inline chains against __LINE__.
 * Its debug sections are compressed, as Debian's debug packages' are. TAP. */
#include <dlfcn.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buildid.h"
#include "debuginfo.h"
#include "demangle.h"
#include "elfpages.h"
#include "mem.h"
#include "procmaps.h"
#include "profile.h"
#include "symbolize.h"
#include "../tap.h"

/* ---- code whose addresses are looked up ---- */

static volatile int sink;

/* The address of the call instruction that called us. */
__attribute__((noinline)) static uint64_t call_site(void)
{
	sink++;
	return (uint64_t)(uintptr_t)__builtin_return_address(0) - 1;
}

static int line_plain, line_inner, line_outer;

__attribute__((noinline)) static uint64_t plain_caller(void)
{
	line_plain = __LINE__ + 1;
	uint64_t pc = call_site();
	sink++;
	return pc;
}

static inline __attribute__((always_inline)) uint64_t inlined_helper(void)
{
	line_inner = __LINE__ + 1;
	uint64_t pc = call_site();
	sink++;
	return pc;
}

__attribute__((noinline)) static uint64_t inline_caller(void)
{
	line_outer = __LINE__ + 1;
	uint64_t pc = inlined_helper();
	sink++;
	return pc;
}

/* ---- helpers ---- */

struct self_map {
	uint64_t start, end, offset;
	char path[4096];
	char build_id[2 * BUILDID_MAX + 1];
};

static int find_self(uint64_t pc, struct self_map *out)
{
	struct procmaps pm;
	if (procmaps_read(0, &pm) < 0)
		return -1;
	const struct procmap_entry *e = procmaps_find(&pm, pc);
	int rc = -1;
	if (e) {
		out->start = e->start;
		out->end = e->end;
		out->offset = e->offset;
		snprintf(out->path, sizeof(out->path), "%s", e->path);
		uint8_t id[BUILDID_MAX];
		int n = buildid_read_path(e->path, id, sizeof(id));
		out->build_id[0] = 0;
		if (n > 0)
			buildid_hex(id, (size_t)n, out->build_id);
		rc = 0;
	}
	procmaps_release(&pm);
	return rc;
}

static uint32_t add_mapping(struct profile *p, const struct self_map *m, const char *path, const char *id)
{
	struct pf_mapping mp;
	memset(&mp, 0, sizeof(mp));
	mp.start = m->start;
	mp.limit = m->end;
	mp.offset = m->offset;
	mp.filename = profile_cstr(p, path ? path : m->path);
	mp.build_id = profile_cstr(p, id ? id : m->build_id);
	return profile_add_mapping(p, &mp);
}

static const struct pf_line *loc_line(const struct profile *p, uint32_t loc, uint32_t k)
{
	const struct pf_location *l = &p->locations[loc];
	return k < l->nlines ? &p->lines[l->line_start + k] : NULL;
}

static const char *line_func(const struct profile *p, const struct pf_line *ln)
{
	return ln ? profile_str(p, p->functions[ln->function].name) : NULL;
}

static const char *line_base(const struct profile *p, const struct pf_line *ln)
{
	if (!ln)
		return NULL;
	const char *f = profile_str(p, p->functions[ln->function].filename);
	const char *b = strrchr(f, '/');
	return b ? b + 1 : f;
}

static int notes;
static void count_note(void *ctx, const char *msg)
{
	(void)ctx;
	notes++;
	printf("# note: %s\n", msg);
}

static int main_bias_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	*(uint64_t *)arg = info->dlpi_addr;
	return 1; /* the first object is the program */
}

/* ---- tests ---- */

static void test_lines(bool live)
{
	const char *mode = live ? "live" : "offline";
	char what[128];
	uint64_t pc_plain = plain_caller();
	uint64_t pc_inline = inline_caller();
	struct self_map self;
	if (find_self(pc_plain, &self) < 0) {
		TAP_OK(0, "own mapping found");
		return;
	}
	struct profile p;
	profile_init(&p);
	uint32_t m = add_mapping(&p, &self, NULL, NULL);
	uint32_t l1 = profile_add_location(&p, m, pc_plain, NULL, 0);
	uint32_t l2 = profile_add_location(&p, m, pc_inline, NULL, 0);
	struct symbolize_options o = {.live = live, .note = count_note};
	struct symbolizer *s = symbolizer_new(&o);
	struct symbolize_stats st;
	snprintf(what, sizeof(what), "%s: run succeeds", mode);
	TAP_EQ_INT(symbolizer_run(s, &p, &st), 0, what);
	snprintf(what, sizeof(what), "%s: locations done", mode);
	TAP_EQ_INT((long long)st.locations_done, 2, what);

	const struct pf_line *ln = loc_line(&p, l1, 0);
	snprintf(what, sizeof(what), "%s: plain caller's name", mode);
	TAP_EQ_STR(line_func(&p, ln), "plain_caller", what);
	snprintf(what, sizeof(what), "%s: plain caller's file", mode);
	TAP_EQ_STR(line_base(&p, ln), "test_symbolize.c", what);
	snprintf(what, sizeof(what), "%s: plain caller's line", mode);
	TAP_EQ_INT(ln ? ln->line : -1, line_plain, what);
	snprintf(what, sizeof(what), "%s: file names are absolute and clean", mode);
	const char *file = ln ? profile_str(&p, p.functions[ln->function].filename) : "";
	TAP_OK(file[0] == '/' && !strstr(file, "/../") && !strstr(file, "/./"), "%s", what);

	snprintf(what, sizeof(what), "%s: inline chain has two frames", mode);
	TAP_EQ_INT(p.locations[l2].nlines, 2, what);
	snprintf(what, sizeof(what), "%s: innermost is the inlined helper", mode);
	TAP_EQ_STR(line_func(&p, loc_line(&p, l2, 0)), "inlined_helper", what);
	snprintf(what, sizeof(what), "%s: at its own line", mode);
	TAP_EQ_INT(loc_line(&p, l2, 0) ? loc_line(&p, l2, 0)->line : -1, line_inner, what);
	snprintf(what, sizeof(what), "%s: then its caller", mode);
	TAP_EQ_STR(line_func(&p, loc_line(&p, l2, 1)), "inline_caller", what);
	snprintf(what, sizeof(what), "%s: at the call's line", mode);
	TAP_EQ_INT(loc_line(&p, l2, 1) ? loc_line(&p, l2, 1)->line : -1, line_outer, what);

	const struct pf_mapping *mp = &p.mappings[m];
	snprintf(what, sizeof(what), "%s: mapping flags", mode);
	TAP_OK(mp->has_functions && mp->has_filenames && mp->has_line_numbers && mp->has_inline_frames, "%s", what);

	/* A second profile is answered from the cache, identically. */
	struct profile q;
	profile_init(&q);
	uint32_t qm = add_mapping(&q, &self, NULL, NULL);
	uint32_t q1 = profile_add_location(&q, qm, pc_plain, NULL, 0);
	snprintf(what, sizeof(what), "%s: second run succeeds", mode);
	TAP_EQ_INT(symbolizer_run(s, &q, NULL), 0, what);
	snprintf(what, sizeof(what), "%s: cached answer", mode);
	TAP_EQ_STR(line_func(&q, loc_line(&q, q1, 0)), "plain_caller", what);
	profile_release(&q);
	symbolizer_free(s);
	profile_release(&p);
}

static bool map_files_readable(const struct self_map *m)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/map_files/%llx-%llx", (unsigned long long)m->start,
		 (unsigned long long)m->end);
	int fd = open(path, O_RDONLY);
	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

static void test_mismatch(void)
{
	uint64_t pc = plain_caller();
	struct self_map self;
	if (find_self(pc, &self) < 0 || !self.build_id[0]) {
		TAP_OK(0, "own build ID found");
		return;
	}
	for (int variant = 0; variant < 3; variant++) {
		struct profile p;
		profile_init(&p);
		uint32_t m = add_mapping(&p, &self, NULL, "00112233445566778899aabbccddeeff00112233");
		uint32_t l = profile_add_location(&p, m, pc, NULL, 0);
		struct symbolize_options o = {.live = variant == 2, .skip_mismatch = variant == 1};
		struct symbolizer *s = symbolizer_new(&o);
		struct symbolize_stats st;
		int rc = symbolizer_run(s, &p, &st);
		static const char *const what[] = {"mismatch refused", "mismatch skipped", "mismatch live"};
		TAP_EQ_INT(rc, variant == 0 ? -ESTALE : 0, what[variant]);
		if (variant == 2 && map_files_readable(&self)) {
			/* the live mapping itself is the file, whatever was recorded */
			TAP_OK(st.mismatched == 0 && p.locations[l].nlines > 0, "live: the mapped file is used");
		} else {
			TAP_OK(st.mismatched == 1 && p.locations[l].nlines == 0 && !p.mappings[m].has_functions,
			       "the mismatched mapping is left alone");
		}
		symbolizer_free(s);
		profile_release(&p);
	}
}

static void test_not_files(void)
{
	uint64_t pc = plain_caller();
	struct self_map self;
	if (find_self(pc, &self) < 0) {
		TAP_OK(0, "own mapping found");
		return;
	}
	struct profile p;
	profile_init(&p);
	uint32_t m1 = add_mapping(&p, &self, "[vdso]", "");
	uint32_t m2 = add_mapping(&p, &self, "/nonexistent/libgone.so", "");
	uint32_t m3 = add_mapping(&p, &self, "", "");
	profile_add_location(&p, m1, pc, NULL, 0);
	profile_add_location(&p, m2, pc, NULL, 0);
	profile_add_location(&p, m3, pc, NULL, 0);
	profile_add_location(&p, PF_NONE, 0x1234, NULL, 0);
	notes = 0;
	struct symbolize_options o = {.note = count_note};
	struct symbolizer *s = symbolizer_new(&o);
	struct symbolize_stats st;
	TAP_EQ_INT(symbolizer_run(s, &p, &st), 0, "vdso, anonymous and missing files: no error");
	TAP_EQ_INT((long long)st.mappings, 1, "only the missing file counts as a file mapping");
	TAP_EQ_INT(notes, 1, "and is noted once");
	TAP_EQ_INT((long long)st.locations_done, 0, "nothing symbolized");
	symbolizer_free(s);
	profile_release(&p);
}

static void test_already_symbolized(void)
{
	uint64_t pc = plain_caller();
	struct self_map self;
	if (find_self(pc, &self) < 0) {
		TAP_OK(0, "own mapping found");
		return;
	}
	for (int force = 0; force < 2; force++) {
		struct profile p;
		profile_init(&p);
		uint32_t m = add_mapping(&p, &self, NULL, NULL);
		p.mappings[m].has_functions = true;
		uint32_t fn = profile_add_function(&p, profile_cstr(&p, "earlier"), profile_cstr(&p, "earlier"), 0, 0);
		struct pf_line ln = {.function = fn, .line = 1};
		uint32_t l = profile_add_location(&p, m, pc, &ln, 1);
		struct symbolize_options o = {.force = force};
		struct symbolizer *s = symbolizer_new(&o);
		symbolizer_run(s, &p, NULL);
		TAP_EQ_STR(line_func(&p, loc_line(&p, l, 0)), force ? "plain_caller" : "earlier", force ? "force redoes a symbolized mapping" : "a symbolized mapping is kept");
		symbolizer_free(s);
		profile_release(&p);
	}
}

static void test_load_bias(void)
{
	uint64_t pc = plain_caller();
	struct self_map self;
	uint64_t want = 0, got = 1;
	dl_iterate_phdr(main_bias_cb, &want);
	int fd = find_self(pc, &self) == 0 ? open(self.path, O_RDONLY) : -1;
	int rc = fd >= 0 ? debuginfo_load_bias(fd, self.start, self.offset, &got) : -1;
	if (fd >= 0)
		close(fd);
	TAP_EQ_INT(rc, 0, "load bias from the program headers");
	TAP_EQ_INT((long long)got, (long long)want, "equals the loader's");
}

static void check_demangled(const char *mangled, const char *want)
{
	size_t size = 0;
	char *d = demangle(mangled, &size);
	TAP_EQ_STR(d, want, mangled);
	mem_free(d, size);
}

static void test_demangle(void)
{
	check_demangled("_Z11grow_vectori", "grow_vector(int)");
	check_demangled("_ZNKSt6vectorIiSaIiEE4sizeEv", "std::vector<int, std::allocator<int> >::size() const");
	check_demangled("_ZZ4mainENKUliE_clEi", "main::{lambda(int)#1}::operator()(int) const");
	/* Rust legacy: an Itanium-shaped name whose last part is the hash */
	check_demangled("_ZN9r_strings4main17h0123456789abcdefE", "r_strings::main");
	check_demangled("_ZN5alloc5alloc15exchange_malloc17h5c6a0d1b7c27f0a4E", "alloc::alloc::exchange_malloc");
	check_demangled("_ZN69_$LT$r_strings..shapes..Square$u20$as$u20$r_strings..shapes..Grow$GT$4grow17hda4e9cf9cfb34064E",
			"<r_strings::shapes::Square as r_strings::shapes::Grow>::grow");
	/* Rust v0: no hash to drop, crate disambiguators left out */
	check_demangled("_RNvCs1234_9r_strings4main", "r_strings::main");
	check_demangled("_RNvMNtCslNYArtu3iFV_5alloc3vecINtB2_3VechE13with_capacityCsjrHSEGnQ3l9_3std",
			"<alloc::vec::Vec<u8>>::with_capacity");
	check_demangled("_RNvCsdBezedJyV7j_7___rustc12___rust_alloc", "__rustc::__rust_alloc");
	size_t size = 0;
	TAP_OK(demangle("main", &size) == NULL, "a C name is not demangled");
	TAP_OK(demangle("_Znot a name", &size) == NULL, "garbage is not demangled");
	TAP_OK(demangle("_Rubbish", &size) == NULL, "nor garbage that starts like Rust v0");
	char long_name[DEMANGLE_DEFAULT_MAX_MANGLED + 16];
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = 0;
	memcpy(long_name, "_Z1fv", 5);
	TAP_OK(demangle(long_name, &size) == NULL, "a name longer than the stack allows stays mangled");

	struct profile p;
	profile_init(&p);
	uint32_t sys = profile_cstr(&p, "_ZN6shapes6Canvas9add_pointEd");
	uint32_t fn = profile_add_function(&p, sys, sys, 0, 0);
	uint32_t c = profile_cstr(&p, "plain_c");
	uint32_t fc = profile_add_function(&p, c, c, 0, 0);
	TAP_EQ_INT(symbolize_demangle_names(&p), 1, "demangle pass changes one name");
	TAP_EQ_STR(profile_str(&p, p.functions[fn].name),
		  "shapes::Canvas::add_point(double)", "to the demangled form");
	TAP_EQ_STR(profile_str(&p, p.functions[fn].system_name),
		  "_ZN6shapes6Canvas9add_pointEd", "keeping the mangled system name");
	TAP_EQ_STR(profile_str(&p, p.functions[fc].name), "plain_c", "and C names as they are");
	TAP_EQ_INT(profile_add_function(&p, p.functions[fn].name, sys, 0, 0), fn, "interning still finds it");
	profile_release(&p);
}

/* Once libdw has decompressed the debug sections, the compressed bytes'
 * pages are given back, and what libdw reads afterwards is still right
 * (test_lines, which runs after, symbolizes through the same path). */
static void test_release_copied(void)
{
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	elf_version(EV_CURRENT);
	Elf *e = fd >= 0 ? elf_begin(fd, ELF_C_READ_MMAP, NULL) : NULL;
	TAP_OK(elfpages_release_copied(e) == 0, "nothing to give back before decompression");
	Dwarf *dw = e ? dwarf_begin_elf(e, DWARF_C_READ, NULL) : NULL;
	size_t given = elfpages_release_copied(e);
	TAP_OK(given >= 4096, "the compressed debug sections' pages are given back (%zu bytes)", given);
	/* every unit's DIE, a read of .debug_info and .debug_abbrev */
	Dwarf_Off off = 0, next;
	size_t hsize;
	int units = 0, good = 0;
	while (dw && dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;
		units++;
		good += dwarf_offdie(dw, off + hsize, &cu) && dwarf_tag(&cu) == DW_TAG_compile_unit;
		off = next;
	}
	TAP_OK(units > 0 && good == units, "the decompressed data is still read (%d of %d units)", good, units);
	dwarf_end(dw);
	if (e)
		elf_end(e);
	if (fd >= 0)
		close(fd);
	TAP_OK(elfpages_release_copied(NULL) == 0, "no ELF, nothing given back");
}

int main(void)
{
	test_release_copied();
	test_lines(false);
	test_lines(true);
	test_mismatch();
	test_not_files();
	test_already_symbolized();
	test_load_bias();
	test_demangle();
	return tap_done();
}
