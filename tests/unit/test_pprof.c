/* test_pprof: the encoder and the reader against each other, and against the
 * wire format itself. Writes the profile it builds to argv[1] (raw) and
 * argv[2] (gzipped) for the protoc and go tool pprof checks in pprof_tools.sh. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "gz.h"
#include "pbuf.h"
#include "pprof_tags.h"
#include "pprof_read.h"
#include "pprof_write.h"
#include "profile.h"
#include "../tap.h"

static void build(struct profile *p)
{
	profile_add_sample_type(p, "alloc_objects", "count");
	profile_add_sample_type(p, "alloc_space", "bytes");
	profile_add_sample_type(p, "inuse_objects", "count");
	profile_add_sample_type(p, "inuse_space", "bytes");
	p->period_type.type = profile_cstr(p, "space");
	p->period_type.unit = profile_cstr(p, "bytes");
	p->period = 524288;
	p->default_sample_type = profile_cstr(p, "alloc_space");
	p->time_nanos = 1700000000123456789LL;
	p->duration_nanos = 2500000000LL;
	p->drop_frames = profile_cstr(p, "^malloc$");
	profile_add_comment(p, "command: test one two");
	profile_add_comment(p, "rate: 524288");

	struct pf_mapping m = {0x400000, 0x401000, 0x1000, profile_cstr(p, "/usr/bin/prog"),
			       profile_cstr(p, "0123456789abcdef"), true, true, true, true};
	uint32_t mi = profile_add_mapping(p, &m);
	uint32_t fmain = profile_add_function(p, profile_cstr(p, "main"), profile_cstr(p, "main"),
					      profile_cstr(p, "/src/prog.c"), 10);
	uint32_t fsite = profile_add_function(p, profile_cstr(p, "grow(int)"), profile_cstr(p, "_Z4growi"),
					      profile_cstr(p, "/src/prog.cc"), 3);
	uint32_t finl = profile_add_function(p, profile_cstr(p, "helper"), profile_cstr(p, "helper"),
					     profile_cstr(p, "/src/inl.h"), 1);
	struct pf_line l1[2] = {{finl, 2, 0}, {fsite, 5, 0}}; /* helper inlined into grow */
	struct pf_line l2[1] = {{fmain, 12, 0}};
	uint32_t loc1 = profile_add_location(p, mi, 0x400123, l1, 2);
	uint32_t loc2 = profile_add_location(p, mi, 0x400456, l2, 1);
	uint32_t loc3 = profile_add_location(p, PF_NONE, 0x7f0000001234ULL, NULL, 0);
	uint32_t s1[3] = {loc1, loc2, loc3};
	int64_t v1[4] = {3, 300, 1, 100};
	struct pf_label lab[2] = {{profile_cstr(p, "bytes"), 0, 100, profile_cstr(p, "bytes")},
				  {profile_cstr(p, "thread"), profile_cstr(p, "worker"), 0, 0}};
	profile_add_sample(p, s1, 3, v1, lab, 2);
	int64_t v2[4] = {1, 4096, 0, 0};
	profile_add_sample(p, s1 + 1, 1, v2, NULL, 0);
	int64_t v3[4] = {0, 0, 0, 0};
	profile_add_sample(p, NULL, 0, v3, NULL, 0);
}

static void compare(const struct profile *a, const struct profile *b)
{
	TAP_EQ_INT(b->ntypes, a->ntypes, "sample types");
	for (size_t i = 0; i < a->ntypes && i < b->ntypes; i++) {
		TAP_EQ_STR(profile_str(b, b->sample_types[i].type), profile_str(a, a->sample_types[i].type), "type");
		TAP_EQ_STR(profile_str(b, b->sample_types[i].unit), profile_str(a, a->sample_types[i].unit), "unit");
	}
	TAP_EQ_INT(b->nsamples, a->nsamples, "samples");
	for (size_t i = 0; i < a->nsamples && i < b->nsamples; i++) {
		TAP_EQ_INT(b->samples[i].nlocs, a->samples[i].nlocs, "sample locations");
		for (size_t t = 0; t < a->ntypes; t++)
			TAP_EQ_INT(profile_sample_values(b, i)[t], profile_sample_values(a, i)[t], "value");
		for (uint32_t k = 0; k < a->samples[i].nlocs && k < b->samples[i].nlocs; k++) {
			const struct pf_location *la = &a->locations[a->sample_locs[a->samples[i].loc_start + k]];
			const struct pf_location *lb = &b->locations[b->sample_locs[b->samples[i].loc_start + k]];
			TAP_EQ_INT(lb->address, la->address, "location address");
			TAP_EQ_INT(lb->nlines, la->nlines, "location lines");
			TAP_EQ_INT(lb->mapping == PF_NONE, la->mapping == PF_NONE, "location mapping presence");
			for (uint32_t j = 0; j < la->nlines && j < lb->nlines; j++) {
				const struct pf_line *xa = &a->lines[la->line_start + j];
				const struct pf_line *xb = &b->lines[lb->line_start + j];
				TAP_EQ_INT(xb->line, xa->line, "line number");
				TAP_EQ_STR(profile_str(b, b->functions[xb->function].name),
					   profile_str(a, a->functions[xa->function].name), "function name");
				TAP_EQ_STR(profile_str(b, b->functions[xb->function].system_name),
					   profile_str(a, a->functions[xa->function].system_name), "system name");
			}
		}
		TAP_EQ_INT(b->samples[i].nlabels, a->samples[i].nlabels, "labels");
	}
	const struct pf_label *lb = &b->labels[b->samples[0].label_start];
	TAP_EQ_STR(profile_str(b, lb[0].key), "bytes", "numeric label key");
	TAP_EQ_INT(lb[0].num, 100, "numeric label value");
	TAP_EQ_STR(profile_str(b, lb[0].num_unit), "bytes", "numeric label unit");
	TAP_EQ_STR(profile_str(b, lb[1].str), "worker", "string label");
	TAP_EQ_INT(b->nmappings, 1, "mappings");
	TAP_EQ_INT(b->mappings[0].start, 0x400000, "mapping start");
	TAP_EQ_INT(b->mappings[0].limit, 0x401000, "mapping limit");
	TAP_EQ_INT(b->mappings[0].offset, 0x1000, "mapping offset");
	TAP_EQ_STR(profile_str(b, b->mappings[0].build_id), "0123456789abcdef", "build id");
	TAP_OK(b->mappings[0].has_functions && b->mappings[0].has_inline_frames, "mapping flags");
	TAP_EQ_INT(b->period, 524288, "period");
	TAP_EQ_STR(profile_str(b, b->period_type.type), "space", "period type");
	TAP_EQ_STR(profile_str(b, b->default_sample_type), "alloc_space", "default sample type");
	TAP_EQ_INT(b->time_nanos, 1700000000123456789LL, "time");
	TAP_EQ_INT(b->duration_nanos, 2500000000LL, "duration");
	TAP_EQ_STR(profile_str(b, b->drop_frames), "^malloc$", "drop frames");
	TAP_EQ_INT(b->ncomments, 2, "comments");
	TAP_EQ_STR(profile_str(b, b->comments[1]), "rate: 524288", "comment");
	TAP_EQ_STR(profile_str(b, 0), "", "string 0 is empty");
}

static int write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, data, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

static void hostile(void)
{
	struct profile p;
	struct pprof_error err;
	static const uint8_t bad_varint[] = {0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
	TAP_OK(pprof_read_bytes(bad_varint, sizeof(bad_varint), &p, &err) < 0, "overlong varint refused: %s", err.msg);
	static const uint8_t long_len[] = {0x32, 0x7f, 'a'};
	TAP_OK(pprof_read_bytes(long_len, sizeof(long_len), &p, &err) < 0, "length past end refused: %s", err.msg);
	static const uint8_t no_empty[] = {0x32, 0x01, 'a'};
	TAP_OK(pprof_read_bytes(no_empty, sizeof(no_empty), &p, &err) < 0, "table without \"\" refused: %s", err.msg);
	/* a sample pointing at location 5 that does not exist */
	static const uint8_t dangling[] = {0x32, 0x00, 0x12, 0x02, 0x08, 0x05};
	TAP_OK(pprof_read_bytes(dangling, sizeof(dangling), &p, &err) < 0, "dangling location refused: %s", err.msg);
	/* a value type naming string 9 of a 1-entry table */
	static const uint8_t bad_str[] = {0x32, 0x00, 0x0a, 0x02, 0x08, 0x09};
	TAP_OK(pprof_read_bytes(bad_str, sizeof(bad_str), &p, &err) < 0, "string index out of range refused: %s", err.msg);
	static const uint8_t group[] = {0x0b};
	TAP_OK(pprof_read_bytes(group, sizeof(group), &p, &err) < 0, "group wire type refused: %s", err.msg);
	TAP_OK(pprof_read_bytes(group, 0, &p, &err) < 0, "empty input refused: %s", err.msg);
	static const uint8_t trunc_gz[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x01};
	TAP_OK(pprof_read_bytes(trunc_gz, sizeof(trunc_gz), &p, &err) < 0, "truncated gzip refused: %s", err.msg);
}

/* The encoder refuses what the reader would refuse, before writing it. */
static void limits(void)
{
	struct profile p, back;
	struct pprof_error err;
	struct pbuf b;
	profile_init(&p);
	build(&p);
	while (p.ncomments < PPROF_MAX_COMMENTS)
		profile_add_comment(&p, "a comment");
	pbuf_init(&b);
	TAP_EQ_INT(pprof_encode(&p, &b), 0, "encode the most comments allowed");
	TAP_EQ_INT(pprof_read_bytes(b.data, b.len, &back, &err), 0, "read them back");
	profile_release(&back);
	profile_add_comment(&p, "one too many");
	pbuf_reset(&b);
	TAP_EQ_INT(pprof_encode(&p, &b), -EFBIG, "encode one comment more: refused");
	TAP_EQ_INT(b.len, 0, "nothing encoded");
	pbuf_reset(&b);
	TAP_EQ_INT(pprof_encode_gzip(&p, &b), -EFBIG, "gzip encode one comment more: refused");
	p.ncomments--;

	/* a string just past the size bound, in pages never touched */
	size_t big = PPROF_READ_MAX_BYTES + 1;
	char *pages = mmap(NULL, big, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	TAP_OK(pages != MAP_FAILED, "map %zu bytes", big);
	if (pages != MAP_FAILED) {
		uint32_t s = profile_string_append(&p, "x", 1);
		const char *was = p.strings.strs[s];
		p.strings.strs[s] = pages;
		p.strings.lens[s] = (uint32_t)big;
		pbuf_reset(&b);
		TAP_EQ_INT(pprof_encode(&p, &b), -EFBIG, "encode a profile above the size bound: refused");
		TAP_OK(b.len < 4096, "refused before encoding it (%zu bytes)", b.len);
		p.strings.strs[s] = was;
		p.strings.lens[s] = 1;
		munmap(pages, big);
	}
	pbuf_release(&b);
	profile_release(&p);
}

/* A profile of several MiB goes through the compressor in pieces while it
 * is encoded: what comes out inflates to the plain encoding, byte for byte. */
static void streamed(void)
{
	struct profile p;
	profile_init(&p);
	build(&p);
	uint32_t locs[40];
	for (uint32_t k = 0; k < 40; k++)
		locs[k] = profile_add_location(&p, PF_NONE, 0x500000 + 16 * k, NULL, 0);
	int64_t v[4] = {1, 16, 0, 0};
	for (uint32_t i = 0; i < 100000; i++) {
		locs[i % 40] = profile_add_location(&p, PF_NONE, 0x600000 + 16 * (uint64_t)i, NULL, 0);
		v[1] = i;
		profile_add_sample(&p, locs, 40, v, NULL, 0);
	}
	struct pbuf raw, gz, back;
	pbuf_init(&raw);
	pbuf_init(&gz);
	pbuf_init(&back);
	TAP_EQ_INT(pprof_encode(&p, &raw), 0, "encode 100000 samples of 40 frames");
	TAP_OK(raw.len > 4 << 20, "more than 4 MiB uncompressed (%zu bytes)", raw.len);
	TAP_EQ_INT(pprof_encode_gzip(&p, &gz), 0, "encode them gzipped");
	TAP_EQ_INT(gz_decompress(gz.data, gz.len, &back, raw.len + 1), 0, "inflate");
	TAP_OK(back.len == raw.len && !memcmp(back.data, raw.data, raw.len),
	       "the gzip inflates to the plain encoding (%zu and %zu bytes)", back.len, raw.len);
	pbuf_release(&raw);
	pbuf_release(&gz);
	pbuf_release(&back);
	profile_release(&p);
}

/* Samples are written in one go, their sizes reckoned first: the bytes are
 * those of the field writers and pbuf_message_end, at every varint length
 * (ids past 127, lists past 127 bytes, negative values, fields left out). */
static void one_go(void)
{
	struct profile p;
	profile_init(&p);
	profile_add_sample_type(&p, "alloc_objects", "count");
	profile_add_sample_type(&p, "alloc_space", "bytes");
	uint32_t locs[300];
	for (uint32_t k = 0; k < 300; k++)
		locs[k] = profile_add_location(&p, PF_NONE, 0x400000 + 16 * k, NULL, 0);
	struct pf_label lab[4] = {
		{profile_cstr(&p, "freed"), 0, -1, profile_cstr(&p, "count")},
		{profile_cstr(&p, "thread"), profile_cstr(&p, "worker"), 0, 0},
		{profile_cstr(&p, "tid"), 0, 128, 0},
		{0, 0, 0, 0},
	};
	int64_t v1[2] = {-5, 1LL << 40}, v2[2] = {0, 0}, v3[2] = {127, 128};
	profile_add_sample(&p, locs, 300, v1, lab, 4);
	profile_add_sample(&p, NULL, 0, v2, NULL, 0);
	profile_add_sample(&p, locs + 100, 20, v3, lab + 2, 1);

	struct pbuf want, got;
	pbuf_init(&want);
	pbuf_init(&got);
	for (size_t i = 0; i < p.ntypes; i++) {
		size_t m = pbuf_message_start(&want);
		pbuf_int64(&want, TAG_VALUE_TYPE_TYPE, p.sample_types[i].type);
		pbuf_int64(&want, TAG_VALUE_TYPE_UNIT, p.sample_types[i].unit);
		pbuf_message_end(&want, TAG_PROFILE_SAMPLE_TYPE, m);
	}
	for (size_t i = 0; i < p.nsamples; i++) {
		const struct pf_sample *s = &p.samples[i];
		uint64_t ids[300];
		for (uint32_t k = 0; k < s->nlocs; k++)
			ids[k] = (uint64_t)p.sample_locs[s->loc_start + k] + 1;
		size_t m = pbuf_message_start(&want);
		pbuf_packed_uint64(&want, TAG_SAMPLE_LOCATION_ID, ids, s->nlocs);
		pbuf_packed_int64(&want, TAG_SAMPLE_VALUE, profile_sample_values(&p, i), p.ntypes);
		for (uint32_t k = 0; k < s->nlabels; k++) {
			const struct pf_label *l = &p.labels[s->label_start + k];
			size_t lm = pbuf_message_start(&want);
			pbuf_int64(&want, TAG_LABEL_KEY, l->key);
			pbuf_int64(&want, TAG_LABEL_STR, l->str);
			pbuf_int64(&want, TAG_LABEL_NUM, l->num);
			pbuf_int64(&want, TAG_LABEL_NUM_UNIT, l->num_unit);
			pbuf_message_end(&want, TAG_SAMPLE_LABEL, lm);
		}
		pbuf_message_end(&want, TAG_PROFILE_SAMPLE, m);
	}
	TAP_EQ_INT(pprof_encode(&p, &got), 0, "encode samples of every varint length");
	TAP_OK(got.len > want.len && !memcmp(got.data, want.data, want.len),
	       "the samples are the bytes the field writers make (%zu bytes)", want.len);
	size_t sizes_ok = 0;
	uint64_t probes[] = {0, 1, 127, 128, 16383, 16384, 1ULL << 35, (1ULL << 63) - 1, 1ULL << 63, UINT64_MAX};
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		pbuf_reset(&want);
		pbuf_varint(&want, probes[i]);
		sizes_ok += pbuf_varint_size(probes[i]) == want.len;
	}
	TAP_EQ_INT(sizes_ok, sizeof(probes) / sizeof(probes[0]), "pbuf_varint_size says what pbuf_varint writes");
	pbuf_release(&want);
	pbuf_release(&got);
	profile_release(&p);
}

int main(int argc, char **argv)
{
	struct profile p, back;
	struct pprof_error err;
	profile_init(&p);
	build(&p);
	TAP_OK(!p.failed, "profile built");

	struct pbuf raw, gz;
	pbuf_init(&raw);
	pbuf_init(&gz);
	TAP_EQ_INT(pprof_encode(&p, &raw), 0, "encode");
	TAP_EQ_INT(pprof_encode_gzip(&p, &gz), 0, "encode gzip");
	TAP_OK(gz_is_gzip(gz.data, gz.len), "gzip magic");

	TAP_EQ_INT(pprof_read_bytes(raw.data, raw.len, &back, &err), 0, "read back raw");
	compare(&p, &back);
	profile_release(&back);
	TAP_EQ_INT(pprof_read_bytes(gz.data, gz.len, &back, &err), 0, "read back gzip");
	TAP_EQ_INT(back.nsamples, 3, "gzip samples");
	profile_release(&back);

	/* a truncated file is an error, never a crash */
	for (size_t cut = 1; cut < raw.len; cut += 7) {
		int rc = pprof_read_bytes(raw.data, cut, &back, &err);
		if (rc == 0)
			profile_release(&back);
	}
	TAP_OK(1, "every truncation of the raw encoding read without crashing");
	size_t bad = 0;
	for (size_t cut = 1; cut < gz.len; cut++) {
		if (pprof_read_bytes(gz.data, cut, &back, &err) == 0) {
			profile_release(&back);
			bad++;
		}
	}
	TAP_EQ_INT(bad, 0, "every truncation of the gzip is refused");
	hostile();
	one_go();

	if (argc > 2) {
		TAP_OK(write_file(argv[1], raw.data, raw.len) == 0, "wrote %s", argv[1]);
		TAP_OK(write_file(argv[2], gz.data, gz.len) == 0, "wrote %s", argv[2]);
	}
	pbuf_release(&raw);
	pbuf_release(&gz);
	profile_release(&p);
	limits();
	streamed();
	return tap_done();
}
