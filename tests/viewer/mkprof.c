/* mkprof: writes profiles the viewer tests need and real programs do not
 * produce on demand.
 *   mkprof tricky OUT   every corner of pprof's reporting rules in one small
 *                       profile: inlined frames, unsymbolized and unmapped
 *                       frames, drop_frames, recursion, labels, zero and
 *                       duplicate samples, paths to clean, tied values
 *   mkprof big N OUT    N samples over deep stacks of a few thousand
 *                       functions, for the speed comparison
 *   mkprof hostile KIND OUT
 *                       a profile built to hurt a reader: malformed (bad
 *                       index, id, length, wire type, varint, value count)
 *                       or valid but extreme (a string or function repeated
 *                       300000 times, a stack of 200000 frames, 100000
 *                       labels, values at the int64 limits), or built to
 *                       cost: a million comments, comments of newlines, a
 *                       10 MB function name, a flat of INT64_MIN beside a
 *                       positive one, a 130 MiB function name (gzipped)
 *   mkprof source PATH OUT
 *                       one sample in a function whose source file is PATH
 *   mkprof binary PATH OUT
 *                       one unsymbolized sample in a mapping of PATH
 *   mkprof snapshot SECONDS OUT FUNCTION=BYTES...
 *                       an in-use profile written SECONDS after the start
 *                       of its run, FUNCTION holding BYTES (at leaks.c,
 *                       one line per function), for allocprof leaks
 *   mkprof resident KIND OUT
 *                       a heap profile with the shim's RSS breakdown in
 *                       its comments: "good" (rows, a row of a key to come,
 *                       the warning of unseen allocations), "bad" (rows
 *                       a reader must refuse) or "huge" (values at the
 *                       int64 limit) */
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gz.h"
#include "pbuf.h"
#include "pprof_write.h"
#include "profile.h"

static uint32_t fn(struct profile *p, const char *name, const char *file, int64_t start)
{
	return profile_add_function(p, profile_cstr(p, name), profile_cstr(p, name), profile_cstr(p, file), start);
}

/* A location: mapping, address, then (function, line) pairs innermost first. */
static uint32_t loc(struct profile *p, uint32_t m, uint64_t addr, int n, ...)
{
	struct pf_line lines[8];
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		lines[i].function = va_arg(ap, uint32_t);
		lines[i].line = va_arg(ap, int);
		lines[i].column = 0;
	}
	va_end(ap);
	return profile_add_location(p, m, addr, lines, (size_t)n);
}

static void sample(struct profile *p, int64_t objs, int64_t bytes, const struct pf_label *labels,
		   size_t nlabels, int n, ...)
{
	uint32_t locs[32];
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		locs[i] = va_arg(ap, uint32_t);
	va_end(ap);
	int64_t v[2] = {objs, bytes};
	profile_add_sample(p, locs, (size_t)n, v, labels, nlabels);
}

static int write_out(struct profile *p, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || pprof_write_fd(p, fd) < 0 || close(fd) < 0) {
		perror(path);
		return 1;
	}
	return 0;
}

static int tricky(const char *out)
{
	struct profile p;
	profile_init(&p);
	profile_add_sample_type(&p, "alloc_objects", "count");
	profile_add_sample_type(&p, "alloc_space", "bytes");
	p.default_sample_type = profile_cstr(&p, "alloc_space");
	p.period_type.type = profile_cstr(&p, "space");
	p.period_type.unit = profile_cstr(&p, "bytes");
	p.period = 1;
	p.time_nanos = 1700000000123456789LL;
	p.duration_nanos = 1234567890;
	profile_add_comment(&p, "tricky profile for the viewer tests");
	profile_add_comment(&p, "#hidden comment");
	p.drop_frames = profile_cstr(&p, "drop_me|malloc|operator new");
	p.keep_frames = profile_cstr(&p, "keep_me");

	struct pf_mapping mp = {0x400000, 0x500000, 0, profile_cstr(&p, "/usr/bin/tricky"),
				profile_cstr(&p, "0123abcd"), true, true, true, true};
	uint32_t m1 = profile_add_mapping(&p, &mp);
	struct pf_mapping ml = {0x7f0000000000, 0x7f0000100000, 0x1000, profile_cstr(&p, "/lib/x86_64-linux-gnu/libc.so.6"),
				0, false, false, false, false};
	uint32_t m2 = profile_add_mapping(&p, &ml);

	uint32_t f_main = fn(&p, "main", "/proc/self/cwd/./src/main.c", 10);
	uint32_t f_parse = fn(&p, "parse_request(char const*)", "src/../src/parse.c", 20);
	uint32_t f_inl = fn(&p, "inline_helper", "src/parse.c", 5);
	uint32_t f_vec = fn(&p, "std::vector<int, std::allocator<int> >::_M_realloc_insert<int const&>",
			    "/usr/include/c++/12/bits/vector.tcc", 426);
	uint32_t f_anon = fn(&p, "(anonymous namespace)::worker(int)", "src/worker.cc", 3);
	uint32_t f_lambda = fn(&p, "Foo::operator()(int) const", "src/worker.cc", 40);
	uint32_t f_rec = fn(&p, "recurse", "src/rec.c", 1);
	uint32_t f_drop = fn(&p, "drop_me", "src/alloc.c", 1);
	uint32_t f_keep = fn(&p, "keep_me", "src/alloc.c", 9);
	uint32_t f_malloc = fn(&p, "malloc", "malloc.c", 3000);
	uint32_t f_noname1 = fn(&p, "", "src/anon.c", 7);
	uint32_t f_noname2 = fn(&p, "", "src/anon.c", 70);
	uint32_t f_tie_a = fn(&p, "tie_a", "src/tie.c", 1);
	uint32_t f_tie_b = fn(&p, "tie_b", "src/tie.c", 5);
	uint32_t f_small = fn(&p, "tiny_site", "src/tiny.c", 1);
	uint32_t f_go = fn(&p, "example.com/mod/v2/pkg.(*T).Method", "/home/u/mod/pkg/t.go", 12);

	uint32_t L_main1 = loc(&p, m1, 0x401000, 1, f_main, 15);
	uint32_t L_main2 = loc(&p, m1, 0x401010, 1, f_main, 17);
	uint32_t L_parse_inl = loc(&p, m1, 0x402000, 2, f_inl, 6, f_parse, 25);
	uint32_t L_parse = loc(&p, m1, 0x402040, 1, f_parse, 27);
	uint32_t L_vec = loc(&p, m1, 0x403000, 1, f_vec, 430);
	uint32_t L_anon = loc(&p, m1, 0x404000, 1, f_anon, 4);
	uint32_t L_lambda = loc(&p, m1, 0x404100, 2, f_lambda, 41, f_anon, 5);
	uint32_t L_rec = loc(&p, m1, 0x405000, 1, f_rec, 2);
	uint32_t L_drop = loc(&p, m1, 0x406000, 2, f_drop, 2, f_keep, 10);
	uint32_t L_malloc = loc(&p, m2, 0x7f0000001000, 1, f_malloc, 3010);
	uint32_t L_libc = loc(&p, m2, 0x7f0000002000, 0);
	uint32_t L_unknown = loc(&p, PF_NONE, 0xdead, 0);
	uint32_t L_noname1 = loc(&p, m1, 0x407000, 1, f_noname1, 8);
	uint32_t L_noname2 = loc(&p, m1, 0x407100, 1, f_noname2, 71);
	uint32_t L_tie_a = loc(&p, m1, 0x408000, 1, f_tie_a, 2);
	uint32_t L_tie_b = loc(&p, m1, 0x408100, 1, f_tie_b, 6);
	uint32_t L_tiny = loc(&p, m1, 0x409000, 1, f_small, 2);
	uint32_t L_go = loc(&p, m1, 0x40a000, 1, f_go, 13);
	uint32_t L_parse_inl2 = loc(&p, m1, 0x402008, 2, f_inl, 7, f_parse, 26);

	struct pf_label worker[2] = {
		{profile_cstr(&p, "thread"), profile_cstr(&p, "worker"), 0, 0},
		{profile_cstr(&p, "bytes"), 0, 1024, profile_cstr(&p, "bytes")},
	};
	struct pf_label req[3] = {
		{profile_cstr(&p, "request"), 0, 4096, 0},
		{profile_cstr(&p, "thread"), profile_cstr(&p, "main"), 0, 0},
		{profile_cstr(&p, "thread"), profile_cstr(&p, "io"), 0, 0},
	};

	sample(&p, 1000, 2400000, NULL, 0, 3, L_malloc, L_vec, L_main1);
	sample(&p, 300, 614400, worker, 2, 3, L_malloc, L_parse_inl, L_main1);
	sample(&p, 200, 409600, req, 3, 3, L_malloc, L_parse_inl2, L_main2);
	sample(&p, 50, 51200, NULL, 0, 2, L_parse, L_main2);
	sample(&p, 40, 40960, NULL, 0, 3, L_lambda, L_anon, L_main1);
	sample(&p, 30, 30720, NULL, 0, 5, L_rec, L_rec, L_rec, L_rec, L_main1);
	sample(&p, 25, 25600, NULL, 0, 3, L_malloc, L_drop, L_main2);
	sample(&p, 20, 20480, NULL, 0, 3, L_libc, L_libc, L_main1);
	sample(&p, 10, 10000, NULL, 0, 1, L_unknown);
	sample(&p, 12, 12288, NULL, 0, 2, L_noname1, L_main1);
	sample(&p, 12, 12288, NULL, 0, 2, L_noname2, L_main1);
	sample(&p, 7, 7000, NULL, 0, 2, L_tie_a, L_main2);
	sample(&p, 7, 7000, NULL, 0, 2, L_tie_b, L_main2);
	sample(&p, 1, 16, NULL, 0, 2, L_tiny, L_main2);
	sample(&p, 3, 3072, NULL, 0, 2, L_go, L_main1);
	sample(&p, 0, 0, NULL, 0, 2, L_tiny, L_main1);            /* zero: pprof drops it */
	sample(&p, 50, 51200, NULL, 0, 2, L_parse, L_main2);      /* duplicate: pprof merges it */
	sample(&p, 5, -5120, NULL, 0, 2, L_tie_a, L_main1);       /* negative bytes */
	sample(&p, 2, 2048, NULL, 0, 0);                          /* no stack at all */
	int rc = write_out(&p, out);
	profile_release(&p);
	return rc;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int big(long n, const char *out)
{
	enum { NFUNC = 3000, NLOC = 20000 };
	struct profile p;
	profile_init(&p);
	profile_add_sample_type(&p, "alloc_objects", "count");
	profile_add_sample_type(&p, "alloc_space", "bytes");
	p.default_sample_type = profile_cstr(&p, "alloc_space");
	p.time_nanos = 1700000000000000000LL;
	struct pf_mapping mp = {0x400000, 0x4000000, 0, profile_cstr(&p, "/usr/bin/big"), 0, true, true, true, true};
	uint32_t m = profile_add_mapping(&p, &mp);
	static uint32_t fns[NFUNC], locs[NLOC];
	char name[64], file[64];
	for (int i = 0; i < NFUNC; i++) {
		snprintf(name, sizeof(name), "ns%d::Class%d::method_%d(int)", i % 17, i % 101, i);
		snprintf(file, sizeof(file), "src/dir%d/file%d.cc", i % 13, i % 211);
		fns[i] = fn(&p, name, file, 10 + i % 500);
	}
	for (int i = 0; i < NLOC; i++) {
		uint32_t f = fns[next() % NFUNC];
		if (i % 7 == 0)
			locs[i] = loc(&p, m, 0x400000 + (uint64_t)i * 16, 2, fns[next() % NFUNC], (int)(next() % 900 + 1), f,
				      (int)(next() % 900 + 1));
		else
			locs[i] = loc(&p, m, 0x400000 + (uint64_t)i * 16, 1, f, (int)(next() % 900 + 1));
	}
	uint32_t stack[64];
	for (long s = 0; s < n; s++) {
		int depth = 8 + (int)(next() % 40);
		/* a shared root path, like main and the event loop of a real program */
		for (int d = 0; d < depth; d++)
			stack[depth - 1 - d] = d < 4 ? locs[d] : locs[next() % NLOC];
		int64_t v[2] = {(int64_t)(1 + next() % 100), 0};
		v[1] = v[0] * (int64_t)(16 + next() % 4096);
		profile_add_sample(&p, stack, (size_t)depth, v, NULL, 0);
	}
	int rc = write_out(&p, out);
	profile_release(&p);
	return rc;
}

/* Raw protobuf, written field by field so it can be wrong on purpose. */
static void vfield(struct pbuf *b, int tag, uint64_t v)
{
	pbuf_varint(b, (uint64_t)tag << 3);
	pbuf_varint(b, v);
}

static void bfield(struct pbuf *b, int tag, const struct pbuf *msg)
{
	pbuf_varint(b, (uint64_t)tag << 3 | 2);
	pbuf_varint(b, msg->len);
	pbuf_append(b, msg->data, msg->len);
}

static void sfield(struct pbuf *b, int tag, const char *s)
{
	pbuf_varint(b, (uint64_t)tag << 3 | 2);
	pbuf_varint(b, strlen(s));
	pbuf_append(b, s, strlen(s));
}

/* A well-formed start: sample type alloc_space/bytes, strings "", then
 * "alloc_space", "bytes", "f", "k"; function 1 named "f"; location 1 in it. */
static void preamble(struct pbuf *b, bool with_loc)
{
	struct pbuf m;
	pbuf_init(&m);
	vfield(&m, 1, 1);
	vfield(&m, 2, 2);
	bfield(b, 1, &m);
	pbuf_reset(&m);
	for (const char *const *s = (const char *const[]){"", "alloc_space", "bytes", "f", "k", NULL}; *s; s++)
		sfield(b, 6, *s);
	if (with_loc) {
		vfield(&m, 1, 1);
		vfield(&m, 2, 3);
		bfield(b, 5, &m);
		pbuf_reset(&m);
		struct pbuf line;
		pbuf_init(&line);
		vfield(&line, 1, 1);
		vfield(&line, 2, 7);
		vfield(&m, 1, 1);
		bfield(&m, 4, &line);
		bfield(b, 4, &m);
		pbuf_release(&line);
	}
	pbuf_release(&m);
}

static void sample_raw(struct pbuf *b, const uint64_t *locs, size_t nlocs, const int64_t *vals, size_t nvals)
{
	struct pbuf m, packed;
	pbuf_init(&m);
	pbuf_init(&packed);
	for (size_t i = 0; i < nlocs; i++)
		pbuf_varint(&packed, locs[i]);
	bfield(&m, 1, &packed);
	pbuf_reset(&packed);
	for (size_t i = 0; i < nvals; i++)
		pbuf_varint(&packed, (uint64_t)vals[i]);
	bfield(&m, 2, &packed);
	bfield(b, 2, &m);
	pbuf_release(&m);
	pbuf_release(&packed);
}

static int hostile(const char *kind, const char *out)
{
	struct pbuf b, m;
	pbuf_init(&b);
	pbuf_init(&m);
	uint64_t one = 1;
	int64_t v1 = 5;
	if (!strcmp(kind, "samestr")) {
		preamble(&b, true);
		for (int i = 0; i < 300000; i++)
			sfield(&b, 6, "a");
		sample_raw(&b, &one, 1, &v1, 1);
	} else if (!strcmp(kind, "samefunc")) {
		preamble(&b, true);
		for (int i = 2; i < 300000; i++) {
			pbuf_reset(&m);
			vfield(&m, 1, (uint64_t)i);
			vfield(&m, 2, 3);
			bfield(&b, 5, &m);
		}
		sample_raw(&b, &one, 1, &v1, 1);
	} else if (!strcmp(kind, "deep")) {
		preamble(&b, true);
		static uint64_t locs[200000];
		for (size_t i = 0; i < 200000; i++)
			locs[i] = 1;
		sample_raw(&b, locs, 200000, &v1, 1);
	} else if (!strcmp(kind, "labels")) {
		preamble(&b, true);
		pbuf_reset(&m);
		struct pbuf lab;
		pbuf_init(&lab);
		vfield(&lab, 1, 4);
		vfield(&lab, 3, 42);
		for (int i = 0; i < 100000; i++)
			bfield(&m, 3, &lab);
		vfield(&m, 1, 1);
		vfield(&m, 2, 5);
		bfield(&b, 2, &m);
		pbuf_release(&lab);
	} else if (!strcmp(kind, "extremes")) {
		preamble(&b, true);
		int64_t vals[] = {INT64_MAX, INT64_MIN, -1, INT64_MAX};
		for (int i = 0; i < 4; i++)
			sample_raw(&b, &one, 1, &vals[i], 1);
	} else if (!strcmp(kind, "missing_function")) {
		preamble(&b, false);
		struct pbuf line;
		pbuf_init(&line);
		vfield(&line, 1, 99);
		vfield(&m, 1, 1);
		bfield(&m, 4, &line);
		bfield(&b, 4, &m);
		pbuf_release(&line);
		sample_raw(&b, &one, 1, &v1, 1);
	} else if (!strcmp(kind, "missing_location")) {
		preamble(&b, true);
		uint64_t l = 12345;
		sample_raw(&b, &l, 1, &v1, 1);
	} else if (!strcmp(kind, "zero_id")) {
		preamble(&b, true);
		vfield(&m, 2, 3);
		bfield(&b, 5, &m);
	} else if (!strcmp(kind, "duplicate_id")) {
		preamble(&b, true);
		preamble(&b, true);
	} else if (!strcmp(kind, "string_range")) {
		preamble(&b, true);
		vfield(&m, 1, 2);
		vfield(&m, 2, 1000000);
		bfield(&b, 5, &m);
	} else if (!strcmp(kind, "no_empty_string")) {
		sfield(&b, 6, "x");
	} else if (!strcmp(kind, "value_count")) {
		preamble(&b, true);
		int64_t vals[3] = {1, 2, 3};
		sample_raw(&b, &one, 1, vals, 3);
	} else if (!strcmp(kind, "long_length")) {
		preamble(&b, true);
		pbuf_varint(&b, 2 << 3 | 2);
		pbuf_varint(&b, 1000000);
		pbuf_append(&b, "abc", 3);
	} else if (!strcmp(kind, "wire_type")) {
		preamble(&b, true);
		pbuf_varint(&b, 2 << 3 | 7);
	} else if (!strcmp(kind, "long_varint")) {
		preamble(&b, true);
		pbuf_append(&b, "\x48\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12);
	} else if (!strcmp(kind, "type_after_sample")) {
		preamble(&b, true);
		sample_raw(&b, &one, 1, &v1, 1);
		vfield(&m, 1, 1);
		bfield(&b, 1, &m);
	} else if (!strcmp(kind, "comments")) {
		preamble(&b, true);
		sample_raw(&b, &one, 1, &v1, 1);
		pbuf_varint(&b, 13 << 3 | 2);
		pbuf_varint(&b, 1000000);
		for (int i = 0; i < 1000000; i++)
			pbuf_varint(&b, 0);
	} else if (!strcmp(kind, "comment_flood")) {
		/* 4000 comments: half a string of 4096 newlines, half "c" */
		preamble(&b, true);
		sample_raw(&b, &one, 1, &v1, 1);
		char nl[4097];
		memset(nl, '\n', 4096);
		nl[4096] = 0;
		sfield(&b, 6, nl);
		sfield(&b, 6, "c");
		pbuf_varint(&b, 13 << 3 | 2);
		pbuf_varint(&b, 4000);
		for (int i = 0; i < 4000; i++)
			pbuf_varint(&b, i % 2 ? 6 : 5);
	} else if (!strcmp(kind, "big_a") || !strcmp(kind, "big_b")) {
		/* a function named by 130 MiB of one letter: either profile is
		 * read, both together are more than a profile may hold */
		size_t n = (size_t)130 << 20;
		char *name = malloc(n + 1);
		if (!name)
			return 1;
		memset(name, kind[4], n);
		name[n] = 0;
		preamble(&b, false);
		sfield(&b, 6, name);
		free(name);
		vfield(&m, 1, 1);
		vfield(&m, 2, 5);
		bfield(&b, 5, &m);
		pbuf_reset(&m);
		struct pbuf line;
		pbuf_init(&line);
		vfield(&line, 1, 1);
		vfield(&m, 1, 1);
		bfield(&m, 4, &line);
		bfield(&b, 4, &m);
		pbuf_release(&line);
		sample_raw(&b, &one, 1, &v1, 1);
		struct pbuf gz;
		pbuf_init(&gz);
		if (gz_compress(b.data, b.len, &gz) < 0)
			return 1;
		pbuf_release(&b);
		b = gz;
	} else if (!strcmp(kind, "long_name") || !strcmp(kind, "min_flat")) {
		/* function 2 in location 2: a 10 MB name of 'a's, or "g" with
		 * flat 5 beside location 1's INT64_MIN */
		bool min_flat = !strcmp(kind, "min_flat");
		preamble(&b, true);
		if (min_flat) {
			sfield(&b, 6, "g");
		} else {
			size_t n = 10 << 20;
			char *name = malloc(n + 1);
			if (!name)
				return 1;
			memset(name, 'a', n);
			name[n] = 0;
			sfield(&b, 6, name);
			free(name);
		}
		vfield(&m, 1, 2);
		vfield(&m, 2, 5);
		bfield(&b, 5, &m);
		pbuf_reset(&m);
		struct pbuf line;
		pbuf_init(&line);
		vfield(&line, 1, 2);
		vfield(&line, 2, 9);
		vfield(&m, 1, 2);
		bfield(&m, 4, &line);
		bfield(&b, 4, &m);
		pbuf_release(&line);
		uint64_t two = 2;
		int64_t vmin = INT64_MIN;
		sample_raw(&b, &two, 1, &v1, 1);
		if (min_flat)
			sample_raw(&b, &one, 1, &vmin, 1);
	} else {
		fprintf(stderr, "mkprof: no hostile kind '%s'\n", kind);
		return 2;
	}
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int rc = 0;
	if (fd < 0 || write(fd, b.data, b.len) != (ssize_t)b.len || close(fd) < 0) {
		perror(out);
		rc = 1;
	}
	pbuf_release(&b);
	pbuf_release(&m);
	return rc;
}

/* One sample: a function in source file path, or an unsymbolized address
 * in a mapping of binary path. */
static int naming(bool binary, const char *path, const char *out)
{
	struct profile p;
	profile_init(&p);
	profile_add_sample_type(&p, "alloc_objects", "count");
	profile_add_sample_type(&p, "alloc_space", "bytes");
	struct pf_mapping mp = {0x401000, 0x402000, 0x1000, profile_cstr(&p, binary ? path : "/bin/prog"),
				0, !binary, !binary, false, false};
	uint32_t m = profile_add_mapping(&p, &mp);
	uint32_t l = binary ? profile_add_location(&p, m, 0x401010, NULL, 0)
			    : loc(&p, m, 0x401010, 1, fn(&p, "main", path, 1), 3);
	sample(&p, 1, 64, NULL, 0, 1, l);
	int rc = write_out(&p, out);
	profile_release(&p);
	return rc;
}

static int snapshot(double seconds, const char *out, int n, char **sites)
{
	struct profile p;
	profile_init(&p);
	profile_add_sample_type(&p, "inuse_objects", "count");
	profile_add_sample_type(&p, "inuse_space", "bytes");
	p.time_nanos = 1700000000000000000LL;
	p.duration_nanos = (int64_t)(seconds * 1e9);
	struct pf_mapping mp = {0x401000, 0x402000, 0x1000, profile_cstr(&p, "/bin/prog"), 0, true, true, false, false};
	uint32_t m = profile_add_mapping(&p, &mp);
	for (int i = 0; i < n; i++) {
		char name[128];
		const char *eq = strchr(sites[i], '=');
		if (!eq || eq - sites[i] >= (int)sizeof(name))
			return 2;
		memcpy(name, sites[i], (size_t)(eq - sites[i]));
		name[eq - sites[i]] = 0;
		int64_t bytes = atoll(eq + 1);
		uint32_t l = loc(&p, m, 0x401010 + 16 * (uint64_t)i, 1, fn(&p, name, "leaks.c", 10 * i), 10 * i + 1);
		if (bytes)
			sample(&p, bytes / 100, bytes, NULL, 0, 1, l);
	}
	int rc = write_out(&p, out);
	profile_release(&p);
	return rc;
}

static int resident(const char *kind, const char *out)
{
	static const char *const good[] = {
		"rss total: 209715200 bytes (the sum of /proc/self/smaps Rss; statm: 209719296)",
		"rss row: live_heap 20971520 bytes exact",
		"rss row: allocator_overhead 1048576 bytes exact",
		"rss row: allocator_free 136314880 bytes exact",
		"rss row: anon_outside_malloc 41943040 bytes estimate",
		"rss row: thread_stacks 1048576 bytes exact",
		"rss row: files 5242880 bytes exact",
		"rss row: allocprof 3145728 bytes exact",
		"rss row: a_key_to_come 4096 bytes exact",
		"unseen allocations: 41943040 bytes resident in anonymous memory mapped outside malloc, more than "
		"the 20971520 bytes of heap allocprof sees: a custom mmap arena, or an allocator linked in statically?",
	};
	static const char *const huge[] = {
		"rss total: 9223372036854775807 bytes (the sum of /proc/self/smaps Rss; statm: 9223372036854775807)",
		"rss row: live_heap 9223372036854775807 bytes exact",
		"rss row: allocator_free 9223372036854775807 bytes estimate",
		"rss row: files 9223372036854775807 bytes exact",
		"unseen allocations: 9223372036854775807 bytes resident in anonymous memory mapped outside malloc, "
		"more than the 99999999999999999999 bytes of heap allocprof sees",
	};
	static const char *const bad[] = {
		"rss total: 1000 bytes (the sum of /proc/self/smaps Rss; statm: 1000)",
		"rss row: live_heap -5 bytes exact",
		"rss row: files",
	};
	bool is_good = !strcmp(kind, "good"), is_huge = !strcmp(kind, "huge");
	if (!is_good && !is_huge && strcmp(kind, "bad"))
		return 2;
	struct profile p;
	profile_init(&p);
	profile_add_sample_type(&p, "alloc_objects", "count");
	profile_add_sample_type(&p, "alloc_space", "bytes");
	profile_add_sample_type(&p, "inuse_objects", "count");
	profile_add_sample_type(&p, "inuse_space", "bytes");
	p.period_type.type = profile_cstr(&p, "space");
	p.period_type.unit = profile_cstr(&p, "bytes");
	p.period = 1;
	profile_add_comment(&p, "resident profile for the viewer tests");
	const char *const *lines = is_good ? good : is_huge ? huge : bad;
	size_t n = is_good ? sizeof(good) / sizeof(*good) : is_huge ? sizeof(huge) / sizeof(*huge) : sizeof(bad) / sizeof(*bad);
	for (size_t i = 0; i < n; i++)
		profile_add_comment(&p, lines[i]);
	struct pf_mapping mp = {0x401000, 0x402000, 0x1000, profile_cstr(&p, "/bin/resident"), 0, true, true, false, false};
	uint32_t m = profile_add_mapping(&p, &mp);
	uint32_t l = loc(&p, m, 0x401010, 1, fn(&p, "keep_blocks", "resident.c", 30), 33);
	int64_t v[4] = {20480, 20971520, 20480, 20971520};
	profile_add_sample(&p, &l, 1, v, NULL, 0);
	int rc = write_out(&p, out);
	profile_release(&p);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "snapshot"))
		return snapshot(atof(argv[2]), argv[3], argc - 4, argv + 4);
	if (argc == 4 && !strcmp(argv[1], "resident"))
		return resident(argv[2], argv[3]);
	if (argc == 4 && (!strcmp(argv[1], "source") || !strcmp(argv[1], "binary")))
		return naming(!strcmp(argv[1], "binary"), argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "hostile"))
		return hostile(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "tricky"))
		return tricky(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "big"))
		return big(atol(argv[2]), argv[3]);
	fprintf(stderr, "usage: mkprof tricky OUT | mkprof big N OUT | mkprof hostile KIND OUT\n"
			"       mkprof source|binary PATH OUT | mkprof resident good|bad|huge OUT\n");
	return 2;
}
