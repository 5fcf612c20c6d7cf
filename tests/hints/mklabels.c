/* mklabels: writes profiles whose fate labels no shim would write, for the
 * hostile tests of allocprof hints.
 *   mklabels weird OUT   labels at the int64 limits, negative, contradicting
 *                        each other (more freed than allocated, size_min above
 *                        size_max), freed_at without a space, empty, numeric,
 *                        10000 bytes long, more free places than a site keeps,
 *                        recursion, unsymbolized and unmapped leaves, negative
 *                        and zero sample values, an empty stack, a rate of -5
 *   mklabels many N OUT  N sites, each a pool hint, for the speed and growth
 *                        of the site table */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pprof_write.h"
#include "profile.h"

static struct profile p;
static uint32_t map;

static void start(int64_t period)
{
	profile_init(&p);
	profile_add_sample_type(&p, "alloc_objects", "count");
	profile_add_sample_type(&p, "alloc_space", "bytes");
	p.default_sample_type = profile_cstr(&p, "alloc_space");
	p.period_type.type = profile_cstr(&p, "space");
	p.period_type.unit = profile_cstr(&p, "bytes");
	p.period = period;
	struct pf_mapping m = {0x400000, 0x500000, 0, profile_cstr(&p, "/bin/weird"), 0, true, true, true, false};
	map = profile_add_mapping(&p, &m);
}

static uint32_t fn(const char *name)
{
	return profile_add_function(&p, profile_cstr(&p, name), profile_cstr(&p, name),
				    profile_cstr(&p, "/src/weird.c"), 1);
}

static uint32_t loc(uint64_t addr, const char *name, int64_t line)
{
	struct pf_line l = {fn(name), line, 0};
	return profile_add_location(&p, map, addr, &l, 1);
}

struct lab {
	const char *key;
	int64_t num;
	const char *str;
};

static void sample(int64_t objs, int64_t bytes, const uint32_t *locs, size_t nlocs, const struct lab *ls,
		   size_t n)
{
	struct pf_label labels[32];
	for (size_t i = 0; i < n; i++) {
		labels[i].key = profile_cstr(&p, ls[i].key);
		labels[i].str = ls[i].str ? profile_cstr(&p, ls[i].str) : 0;
		labels[i].num = ls[i].str ? 0 : ls[i].num;
		labels[i].num_unit = ls[i].str ? 0 : profile_cstr(&p, "count");
	}
	int64_t v[2] = {objs, bytes};
	profile_add_sample(&p, locs, nlocs, v, labels, n);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void weird(void)
{
	start(0);
	profile_add_comment(&p, "rate: -5");
	p.duration_nanos = INT64_MAX;
	uint32_t top = loc(0x400100, "main", 10);
	/* every count at the limit */
	uint32_t s1[] = {loc(0x400200, "limits", 20), top};
	struct lab l1[] = {{"size_min", INT64_MAX, 0}, {"size_max", INT64_MAX, 0}, {"freed", INT64_MAX, 0},
			   {"freed_same_thread", INT64_MAX, 0}, {"freed_same_function", INT64_MAX, 0},
			   {"lifetime_le_1us", INT64_MAX, 0}, {"lifetime_gt_10s", INT64_MAX, 0},
			   {"realloc_chains", INT64_MAX, 0}, {"realloc_chain_moves", INT64_MAX, 0},
			   {"realloc_chain_bytes", INT64_MAX, 0}, {"realloc_moved", INT64_MAX, 0}};
	sample(INT64_MAX, INT64_MAX, s1, N(s1), l1, N(l1));
	sample(INT64_MAX, INT64_MAX, s1, N(s1), l1, N(l1));
	/* negative labels and values */
	uint32_t s2[] = {loc(0x400300, "negative", 30), top};
	struct lab l2[] = {{"size_min", -48, 0}, {"size_max", INT64_MIN, 0}, {"freed", -1000, 0},
			   {"freed_same_thread", -5, 0}, {"lifetime_le_10us", INT64_MIN, 0},
			   {"realloc_chains", -1, 0}};
	sample(-1000, -48000, s2, N(s2), l2, N(l2));
	sample(100, 4800, s2, N(s2), l2, N(l2));
	/* contradictions: more freed than allocated, size_min above size_max,
	 * chains whose final bytes exceed what was allocated */
	uint32_t s3[] = {loc(0x400400, "contradicts", 40), top};
	struct lab l3[] = {{"size_min", 4096, 0}, {"size_max", 16, 0}, {"freed", 5000, 0},
			   {"freed_same_thread", 9000, 0}, {"lifetime_le_1ms", 7000, 0},
			   {"realloc_chains", 3, 0}, {"realloc_chain_moves", 1000, 0},
			   {"realloc_chain_bytes", 1000000000, 0}, {"freed_at", 0, "nospace"}};
	sample(100, 6400, s3, N(s3), l3, N(l3));
	/* freed_at: empty function, numeric, 10000 bytes, and eleven places */
	char *longname = malloc(10001);
	memset(longname, 'f', 10000);
	longname[10000] = 0;
	memcpy(longname + 9000, " x.c:1", 6);
	uint32_t s4[] = {loc(0x400500, "places", 50), loc(0x400510, "caller", 51), top};
	for (int i = 0; i < 11; i++) {
		char where[64];
		snprintf(where, sizeof(where), "%s /src/weird.c:%d", i % 2 ? "caller" : "elsewhere", i);
		struct lab l4[] = {{"size_min", 32, 0}, {"size_max", 32, 0}, {"freed", 100 + i, 0},
				   {"freed_same_thread", 100 + i, 0}, {"lifetime_le_1us", 100 + i, 0},
				   {"freed_at", 0, i == 3 ? " /src/weird.c:1" : i == 5 ? "" : i == 7 ? longname : where},
				   {"freed_at", 0, "a second freed_at"}};
		uint32_t stack[] = {s4[0], loc(0x400520 + (uint64_t)i, "caller", 52 + i), top};
		sample(100 + i, 3200 + 32 * i, stack, N(stack), l4, N(l4));
	}
	free(longname);
	/* recursion: freed by the allocating function, two frames up */
	uint32_t r = loc(0x400600, "recurse", 60);
	uint32_t s5[] = {r, loc(0x400610, "recurse", 61), loc(0x400620, "recurse", 61), top};
	struct lab l5[] = {{"size_min", 64, 0}, {"size_max", 64, 0}, {"freed", 50, 0},
			   {"freed_same_thread", 50, 0}, {"freed_at", 0, "recurse /src/weird.c:62"}};
	sample(50, 3200, s5, N(s5), l5, N(l5));
	/* an unsymbolized leaf, an unmapped one, an empty stack, zero values */
	uint32_t bare = profile_add_location(&p, map, 0x400700, NULL, 0);
	uint32_t unmapped = profile_add_location(&p, PF_NONE, 0x900000, NULL, 0);
	struct lab l6[] = {{"size_min", 8, 0}, {"size_max", 8, 0}, {"freed", 20, 0}, {"freed_same_thread", 20, 0}};
	uint32_t s6[] = {bare, top}, s7[] = {unmapped};
	sample(20, 160, s6, N(s6), l6, N(l6));
	sample(20, 160, s7, N(s7), l6, N(l6));
	sample(20, 160, s7, 0, l6, N(l6));
	sample(0, 0, s6, N(s6), l6, N(l6));
	/* a numeric freed_at and a string size_min */
	uint32_t s8[] = {loc(0x400800, "typed", 80), top};
	struct lab l8[] = {{"freed_at", 12, 0}, {"size_min", 0, "big"}, {"freed", 30, 0}};
	sample(30, 960, s8, N(s8), l8, N(l8));
}

static void many(int n)
{
	start(1);
	uint32_t top = loc(0x400100, "main", 10);
	for (int i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof(name), "site_%d", i);
		uint32_t s[] = {loc(0x500000 + (uint64_t)i * 16, name, i + 1), top};
		struct lab l[] = {{"size_min", 16 + i % 64, 0}, {"size_max", 16 + i % 64, 0}, {"freed", 100, 0},
				  {"freed_same_thread", 100, 0}, {"lifetime_le_1us", 100, 0}};
		sample(100, 100 * (16 + i % 64), s, N(s), l, N(l));
	}
}

int main(int argc, char **argv)
{
	const char *out;
	if (argc == 3 && !strcmp(argv[1], "weird")) {
		weird();
		out = argv[2];
	} else if (argc == 4 && !strcmp(argv[1], "many")) {
		many(atoi(argv[2]));
		out = argv[3];
	} else {
		fprintf(stderr, "usage: mklabels weird OUT | mklabels many N OUT\n");
		return 2;
	}
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || pprof_write_fd(&p, fd) < 0 || close(fd) < 0) {
		perror(out);
		return 1;
	}
	profile_release(&p);
	return 0;
}
