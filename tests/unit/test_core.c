/* test_core: the small modules under everything else: hash map, gzip,
 * /proc maps parsing, build IDs, the sampler's weights, output names. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../preload/outfile.h"
#include "../../preload/sampler.h"
#include "../../preload/stackfate.h"
#include "../../preload/stacktab.h"
#include "buildid.h"
#include "gz.h"
#include "hmap.h"
#include "mem.h"
#include "procmaps.h"
#include "../tap.h"

static void test_hmap(void)
{
	struct hmap m;
	hmap_init(&m);
	for (uint64_t i = 0; i < 10000; i++)
		hmap_insert(&m, i * 7919, i);
	int wrong = 0;
	for (uint64_t i = 0; i < 10000; i++)
		wrong += hmap_get(&m, i * 7919) != i;
	TAP_EQ_INT(wrong, 0, "hmap finds every key");
	TAP_EQ_INT(hmap_get(&m, 3), HMAP_EMPTY, "hmap misses an absent key");
	hmap_insert(&m, 42, 1);
	hmap_insert(&m, 42, 2);
	int seen = 0;
	for (size_t s = hmap_first(&m, 42); s != HMAP_END; s = hmap_next(&m, 42, s))
		seen++;
	TAP_EQ_INT(seen, 2, "hmap keeps duplicate keys");
	hmap_release(&m);
}

static void test_gz(void)
{
	static char text[100000];
	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = (char)('a' + (i * 7 % 23));
	struct pbuf a, b, out;
	pbuf_init(&a);
	pbuf_init(&b);
	pbuf_init(&out);
	TAP_EQ_INT(gz_compress(text, sizeof(text), &a), 0, "gzip");
	TAP_EQ_INT(gz_decompress(a.data, a.len, &out, 1 << 20), 0, "gunzip");
	TAP_OK(out.len == sizeof(text) && !memcmp(out.data, text, sizeof(text)), "round trip");
	pbuf_reset(&out);
	TAP_EQ_INT(gz_decompress(a.data, a.len, &out, 1000), -EFBIG, "bounded output");
	/* two members back to back, as `cat a.gz b.gz` makes */
	gz_compress("xyz", 3, &b);
	pbuf_append(&a, b.data, b.len);
	pbuf_reset(&out);
	TAP_EQ_INT(gz_decompress(a.data, a.len, &out, 1 << 20), 0, "concatenated members");
	TAP_EQ_INT(out.len, sizeof(text) + 3, "both members inflated");
	pbuf_reset(&out);
	TAP_EQ_INT(gz_decompress(b.data, b.len - 4, &out, 1 << 20), -EINVAL, "truncated stream");
	pbuf_release(&a);
	pbuf_release(&b);
	pbuf_release(&out);
}

static void test_procmaps(void)
{
	const char *txt =
		"55d0c0a00000-55d0c0a02000 r--p 00000000 08:01 1234   /usr/bin/prog\n"
		"55d0c0a02000-55d0c0a05000 r-xp 00002000 08:01 1234   /usr/bin/prog\n"
		"7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n"
		"7fff00000000-7fff00002000 r-xp 00000000 00:00 0      [vdso]\n"
		"7f1000000000-7f1000100000 r-xp 00010000 08:01 99     /tmp/with space (deleted)\n";
	size_t n = strlen(txt) + 1;
	char *copy = mem_alloc(n);
	memcpy(copy, txt, n);
	struct procmaps m;
	TAP_EQ_INT(procmaps_parse(&m, copy, n), 0, "parse maps");
	TAP_EQ_INT(m.n, 5, "entries");
	TAP_OK(m.e[1].executable && m.e[1].offset == 0x2000, "exec entry and offset");
	TAP_EQ_STR(m.e[1].path, "/usr/bin/prog", "path");
	TAP_EQ_STR(m.e[2].path, "", "anonymous");
	TAP_EQ_STR(m.e[4].path, "/tmp/with space (deleted)", "path with spaces");
	TAP_OK(procmaps_find(&m, 0x55d0c0a03000) == &m.e[1], "find");
	TAP_OK(procmaps_find(&m, 0x10) == NULL, "find miss");
	procmaps_release(&m);
	TAP_EQ_INT(procmaps_read(0, &m), 0, "read own maps");
	TAP_OK(m.n > 5, "own maps have entries");
	procmaps_release(&m);
}

static void test_buildid(void)
{
	uint8_t id[BUILDID_MAX];
	int n = buildid_read_path("/proc/self/exe", id, sizeof(id));
	TAP_EQ_INT(n, 20, "own build id is a SHA-1");
	char hex[2 * BUILDID_MAX + 1];
	buildid_hex(id, 2, hex);
	TAP_EQ_INT(strlen(hex), 4, "hex");
	TAP_OK(buildid_read_path("/etc/hostname", id, sizeof(id)) == -ENOEXEC, "not ELF");
	TAP_OK(buildid_read_path("/nonexistent", id, sizeof(id)) == -ENOENT, "no file");
	struct elf_facts f;
	TAP_EQ_INT(elf_facts_path("/proc/self/exe", &f), 0, "elf facts");
	TAP_OK(f.elf && f.dynamic && !f.go, "this test is dynamically linked C");
	TAP_EQ_INT(elf_facts_path("/etc/hostname", &f), 0, "elf facts of a text file");
	TAP_OK(!f.elf && !f.dynamic && !f.go, "a text file is not ELF");
}

static void test_sampler(void)
{
	struct sample_weight w = sampler_weight(100, 1);
	TAP_OK(w.objects == 1.0 && w.bytes == 100.0, "rate 1 weighs exactly");
	w = sampler_weight(524288, 524288);
	TAP_OK(fabs(w.objects - 1.0 / (1.0 - exp(-1.0))) < 1e-12, "1/(1-exp(-s/R))");
	w = sampler_weight(16, 524288);
	TAP_OK(fabs(w.objects - 32768.5) < 0.01, "small sizes stand for R/s objects: %.3f", w.objects);
	/* the mean countdown is the rate */
	uint64_t rng = sampler_seed(1, 1, 0), rng2 = sampler_seed(1, 1, 0);
	TAP_OK(rng == rng2, "seeded draws are reproducible");
	double sum = 0;
	for (int i = 0; i < 200000; i++)
		sum += (double)sampler_next_countdown(&rng, 1000);
	TAP_OK(fabs(sum / 200000 - 1000) < 10, "mean countdown %.1f ~ 1000", sum / 200000);
	TAP_EQ_INT(sampler_next_countdown(&rng, 1), 0, "rate 1 samples everything");
}

static void test_outfile(void)
{
	char out[256];
	TAP_EQ_INT(outfile_expand("dir/x.%p.%n.%%.pb.gz", 7, out, sizeof(out)), 0, "expand");
	char want[256];
	snprintf(want, sizeof(want), "dir/x.%d.7.%%.pb.gz", (int)getpid());
	TAP_EQ_STR(out, want, "expanded name");
	TAP_EQ_INT(outfile_expand("%p%p%p%p%p%p%p%p", 0, out, 8), -ENAMETOOLONG, "too long");

	char dir[] = "/tmp/allocprof-outfile.XXXXXX";
	TAP_OK(mkdtemp(dir) != NULL, "temp dir");
	char path[300], final[400];
	snprintf(path, sizeof(path), "%s/p.pb.gz", dir);
	TAP_EQ_INT(outfile_write(path, "one", 3, final, sizeof(final)), 0, "write");
	TAP_EQ_STR(final, path, "first write takes the name");
	TAP_EQ_INT(outfile_write(path, "two", 3, final, sizeof(final)), 0, "write again");
	snprintf(want, sizeof(want), "%s/p.1.pb.gz", dir);
	TAP_EQ_STR(final, want, "no overwrite: suffix");
	char link_path[300], victim[300];
	snprintf(link_path, sizeof(link_path), "%s/l.pb.gz", dir);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	int fd = open(victim, O_CREAT | O_WRONLY, 0644);
	close(fd);
	TAP_OK(symlink(victim, link_path) == 0, "symlink planted");
	TAP_EQ_INT(outfile_write(link_path, "three", 5, final, sizeof(final)), 0, "write at a symlink");
	struct stat st;
	stat(victim, &st);
	TAP_EQ_INT(st.st_size, 0, "symlink target untouched");
	snprintf(path, sizeof(path), "%s/missing/p.pb.gz", dir);
	TAP_EQ_INT(outfile_write(path, "x", 1, final, sizeof(final)), -ENOENT, "missing directory");
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	TAP_EQ_INT(system(cmd), 0, "clean up");
}

/* A stack's fate: whole counts at rate 1, then a weight that is not one
 * widens the record to sums, which go on from the counts. */
static void test_stackfate(void)
{
	uint64_t frames[] = {0x1010, 0x1020, 0x1030};
	struct stack_rec *s = stacktab_intern(42, frames, 3, false);
	TAP_OK(s != NULL, "a stack");
	uint32_t si = stacktab_index(s); /* records move as the table grows */
	struct stack_fate f;
	stackfate_read(s, &f);
	TAP_OK(f.freed == 0 && f.free_pc[0] == 0, "no fate before a free");
	struct fate_free one = {.life_bucket = 0, .is_short = true, .same_thread = true, .free_pc = 0x2000,
				.size = 16, .objects = 1, .bytes = 16};
	stackfate_add(s, &one);
	stackfate_add(s, &one);
	one.free_pc = 0x3000;
	one.life_bucket = 3;
	one.is_short = false;
	one.same_thread = false;
	stackfate_add(s, &one);
	stackfate_read(s, &f);
	TAP_OK(f.freed == 3 && f.life[0] == 2 && f.life[3] == 1, "freed 3: 2 in bucket 0, 1 in bucket 3");
	TAP_OK(f.short_objects == 2 && f.short_bytes == 32 && f.freed_same_thread == 2, "2 short, 32 bytes");
	TAP_OK(f.free_pc[0] == 0x2000 && f.free_pc_weight[0] == 2 && f.free_pc[1] == 0x3000 &&
		       f.free_pc_weight[1] == 1 && f.free_pc[2] == 0,
	       "free sites in order of first use, with their counts");
	struct fate_free weighed = {.life_bucket = 0, .is_short = true, .same_thread = true, .free_pc = 0x3000,
				    .size = 16, .objects = 2.5, .bytes = 40};
	stackfate_add(s, &weighed);
	stackfate_read(s, &f);
	TAP_OK(f.freed == 5.5 && f.life[0] == 4.5 && f.short_objects == 4.5 && f.short_bytes == 72,
	       "widened: the sums go on from the counts (freed %.1f)", f.freed);
	TAP_OK(f.free_pc[1] == 0x3000 && f.free_pc_weight[1] == 3.5, "and the free sites too");
	struct stack_rec *other = stacktab_intern(43, frames, 2, false);
	uint32_t oi = stacktab_index(other);
	stackfate_read(other, &f);
	TAP_OK(f.freed == 0, "another stack has none");

	/* a count past 16 bits, and a run of bytes past 32, from one site:
	 * the record climbs and loses nothing */
	struct stack_rec *many = stacktab_intern(44, frames, 1, false);
	uint32_t mi = stacktab_index(many);
	struct fate_free same = {.life_bucket = 1, .is_short = true, .same_thread = true, .free_pc = 0x4000,
				 .size = 1 << 20, .objects = 1, .bytes = 1 << 20};
	for (unsigned i = 0; i < 70000; i++)
		stackfate_add(many, &same);
	same.free_pc = 0;
	same.same_thread = false;
	stackfate_add(many, &same);
	stackfate_read(many, &f);
	TAP_OK(f.freed == 70001 && f.life[1] == 70001 && f.short_objects == 70001 &&
		       f.short_bytes == 70001.0 * (1 << 20) && f.freed_same_thread == 70000,
	       "70001 frees of 1 MiB: every count (freed %.0f, short bytes %.0f)", f.freed, f.short_bytes);
	TAP_OK(f.free_pc[0] == 0x4000 && f.free_pc_weight[0] == 70000 && f.free_pc[1] == 0,
	       "one site, 70000 frees: the one free without a site is in none");
	struct stack_rec *few = stacktab_intern(45, frames, 1, false);
	same.size = 48;
	same.bytes = 48;
	for (unsigned i = 0; i < 3; i++)
		stackfate_add(few, &same);
	stackfate_read(few, &f);
	TAP_OK(f.freed == 3 && f.life[1] == 3 && f.short_bytes == 144 && f.freed_same_thread == 0 &&
		       f.free_pc[0] == 0,
	       "3 frees, none with a site");

	/* the free sites alone, from each tier: wide (s), narrow (many),
	 * small without a site (few), small with one (one_site), none (big) */
	uint32_t tiers[] = {si, mi, stacktab_index(few), 0, 0};
	tiers[3] = stacktab_index(stacktab_intern(48, frames, 1, false));
	tiers[4] = stacktab_index(stacktab_intern(49, frames, 1, false));
	same.free_pc = 0x5000;
	stackfate_add(stacktab_at(tiers[3]), &same);
	unsigned agree = 0;
	for (unsigned i = 0; i < 5; i++) {
		uint64_t pcs[FREE_SITES];
		stackfate_free_pcs(stacktab_at(tiers[i]), pcs);
		stackfate_read(stacktab_at(tiers[i]), &f);
		agree += !memcmp(pcs, f.free_pc, sizeof(pcs));
	}
	TAP_EQ_INT(agree, 5, "free sites alone: as stackfate_read has them, in every tier");
	stackfate_read(stacktab_at(tiers[3]), &f);
	TAP_OK(f.free_pc[0] == 0x5000 && f.free_pc_weight[0] == 1, "a small record's one site");

	/* sizes of 4 GiB and more kept apart, whole */
	struct stack_rec *big = stacktab_intern(46, frames, 1, false);
	stacktab_note_size(big, 48, true);
	stacktab_note_size(big, 16, false);
	TAP_OK(stacktab_size_min(big) == 16 && stacktab_size_max(big) == 48 && !(big->flags & STACK_BIG_SIZES),
	       "sizes 48, 16: min 16, max 48");
	stacktab_note_size(big, 5ULL << 32, false);
	stacktab_note_size(big, 3ULL << 32, false);
	stacktab_note_size(big, 8, false);
	TAP_OK(stacktab_size_min(big) == 8 && stacktab_size_max(big) == 5ULL << 32, "then 20 GiB, 12 GiB, 8: min 8, max 20 GiB");
	uint32_t bi = stacktab_index(big);
	struct stack_rec *huge = stacktab_intern(47, frames, 1, false);
	big = stacktab_at(bi);
	stacktab_note_size(huge, 6ULL << 32, true);
	TAP_OK(stacktab_size_min(huge) == 6ULL << 32 && stacktab_size_max(huge) == 6ULL << 32,
	       "a first block of 24 GiB: min and max");
	TAP_OK(stacktab_size_min(stacktab_at(si)) == 0 && stacktab_size_max(big) == 5ULL << 32, "the others untouched");

	/* the peak: in use at the snapshot, only for stacks that had some */
	s = stacktab_at(si);
	other = stacktab_at(oi);
	s->live_sampled = 3;
	s->inuse_bytes = 48;
	stacktab_snapshot_peak();
	other->live_sampled = 5;
	double objects, bytes;
	stacktab_peak_of(s, &objects, &bytes);
	TAP_OK(objects == 3 && bytes == 48, "peak of a stack in use at the snapshot");
	stacktab_peak_of(other, &objects, &bytes);
	TAP_OK(objects == 0 && bytes == 0, "none for a stack that was not");
}

int main(void)
{
	test_hmap();
	test_gz();
	test_procmaps();
	test_buildid();
	test_sampler();
	test_outfile();
	test_stackfate();
	return tap_done();
}
