/* mkthin: writes a profile whose allocations are spread thin: 2000 sites
 * (alloc_site_0000 ...) of about 0.043% each, every one at the end of its
 * own 63-frame path (about 128000 distinct frames), beside one big site
 * (big_buffer, about 14%). The flame graph must merge the sites to stay
 * small, yet count them from its data when searched.
 * usage: mkthin OUT */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "pprof_write.h"
#include "profile.h"

enum { SITES = 2000, STEPS = 60, HANDLERS = 40 };

static uint32_t next_addr = 0x401000;

static uint32_t loc_of(struct profile *p, uint32_t m, const char *name)
{
	uint32_t f = profile_add_function(p, profile_cstr(p, name), profile_cstr(p, name),
					  profile_cstr(p, "/src/thin.c"), 1);
	struct pf_line l = {f, 1, 0};
	next_addr += 16;
	return profile_add_location(p, m, next_addr, &l, 1);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkthin OUT\n");
		return 2;
	}
	struct profile p;
	profile_init(&p);
	profile_add_sample_type(&p, "alloc_objects", "count");
	profile_add_sample_type(&p, "alloc_space", "bytes");
	p.default_sample_type = profile_cstr(&p, "alloc_space");
	p.time_nanos = 1700000000000000000LL;
	struct pf_mapping mp = {0x400000, 0x4000000, 0, profile_cstr(&p, "/usr/bin/thin"), 0, true, true, true, true};
	uint32_t m = profile_add_mapping(&p, &mp);
	char name[64];
	uint32_t l_main = loc_of(&p, m, "main"), l_dispatch = loc_of(&p, m, "dispatch");
	uint32_t l_handler[HANDLERS], l_step[STEPS];
	for (int h = 0; h < HANDLERS; h++) {
		snprintf(name, sizeof(name), "handler_%02d", h);
		l_handler[h] = loc_of(&p, m, name);
	}
	for (int s = 0; s < STEPS; s++) {
		snprintf(name, sizeof(name), "step_%02d", s);
		l_step[s] = loc_of(&p, m, name);
	}
	uint32_t stack[STEPS + 5];
	int64_t spread = 0;
	for (int i = 0; i < SITES; i++) {
		size_t d = 0;
		snprintf(name, sizeof(name), "alloc_site_%04d", i);
		stack[d++] = loc_of(&p, m, name);
		for (int s = STEPS; s-- > 0;)
			stack[d++] = l_step[s];
		snprintf(name, sizeof(name), "route_%04d", i);
		stack[d++] = loc_of(&p, m, name);
		stack[d++] = l_handler[i % HANDLERS];
		stack[d++] = l_dispatch;
		stack[d++] = l_main;
		int64_t v[2] = {1 + i % 3, 4096 + (int64_t)(i % 97) * 16};
		spread += v[1];
		profile_add_sample(&p, stack, d, v, NULL, 0);
	}
	uint32_t big[3] = {loc_of(&p, m, "big_buffer"), loc_of(&p, m, "load_config"), l_main};
	int64_t v[2] = {1, spread * 14 / 86};
	profile_add_sample(&p, big, 3, v, NULL, 0);
	int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || pprof_write_fd(&p, fd) < 0 || close(fd) < 0) {
		perror(argv[1]);
		return 1;
	}
	profile_release(&p);
	return 0;
}
