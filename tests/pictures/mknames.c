/* mknames: writes a small profile whose names try to break the documents
 * the pictures are written into: markup, quotes, CDATA and script ends,
 * C++ templates, bytes that are not UTF-8 and control characters, in
 * function and file names, comments, a string label and the program name;
 * with a timeline, so every picture can be drawn from it.
 * usage: mknames OUT */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "mem.h"
#include "pprof_write.h"
#include "profile.h"

static uint32_t fn(struct profile *p, const char *name, const char *file)
{
	return profile_add_function(p, profile_cstr(p, name), profile_cstr(p, name), profile_cstr(p, file), 1);
}

static uint32_t loc(struct profile *p, uint32_t m, uint64_t addr, uint32_t f, int line)
{
	struct pf_line l = {f, line, 0};
	return profile_add_location(p, m, addr, &l, 1);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mknames OUT\n");
		return 2;
	}
	struct profile p;
	profile_init(&p);
	profile_add_sample_type(&p, "alloc_objects", "count");
	profile_add_sample_type(&p, "alloc_space", "bytes");
	profile_add_sample_type(&p, "inuse_objects", "count");
	profile_add_sample_type(&p, "inuse_space", "bytes");
	p.default_sample_type = profile_cstr(&p, "alloc_space");
	p.time_nanos = 1700000000000000000LL;
	p.duration_nanos = 2000000000;
	profile_add_comment(&p, "command: ./prog '<b>bold</b>' \"&amp;\" ]]> </script>");
	profile_add_comment(&p, "pid: 4242");
	struct pf_mapping mp = {0x400000, 0x500000, 0, profile_cstr(&p, "/opt/<evil>&\"prog'"), 0, true, true, true,
				false};
	uint32_t m = profile_add_mapping(&p, &mp);
	uint32_t f_main = fn(&p, "main", "/src/<dir>/main.c");
	uint32_t names[] = {
		fn(&p, "evil<script>alert(\"x\")</script>&amp;", "/src/a&b.c"),
		fn(&p, "tmpl<int, std::map<K, V> >::f(char const*) \"q\" 'a'", "/src/t.cc"),
		fn(&p, "]]></script><!-- -->", "/src/c.c"),
		fn(&p, "bad\xff\xfe name \xc3", "/src/\x01ctl\x1b.c"),
		fn(&p, "ns::Widget::grow<std::vector<int>>()", "/src/w.cc"),
		fn(&p, "line\nbreak\ttab\\back", "/src/n.c"),
	};
	uint32_t root = loc(&p, m, 0x401000, f_main, 10);
	struct pf_label label = {profile_cstr(&p, "freed_at"), profile_cstr(&p, "x \"y\" <z> & </script>"), 0, 0};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint32_t locs[2] = {loc(&p, m, 0x402000 + i * 16, names[i], (int)i + 1), root};
		int64_t v[4] = {(int64_t)i + 1, 1000 * ((int64_t)i + 1), 1, 100 * ((int64_t)i + 1)};
		profile_add_sample(&p, locs, 2, v, &label, i % 2 ? 1 : 0);
	}
	for (int i = 0; i <= 20; i++) {
		struct pf_point in = {(int64_t)i * 100000000, (int64_t)(i < 10 ? i : 20 - i) * 1000};
		struct pf_point rss = {(int64_t)i * 100000000, 3000000 + (int64_t)i * 1000};
		if (MEM_GROW(p.timeline_inuse, p.cap_timeline_inuse, p.ntimeline_inuse + 1) < 0 ||
		    MEM_GROW(p.timeline_rss, p.cap_timeline_rss, p.ntimeline_rss + 1) < 0)
			return 1;
		p.timeline_inuse[p.ntimeline_inuse++] = in;
		p.timeline_rss[p.ntimeline_rss++] = rss;
	}
	int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || pprof_write_fd(&p, fd) < 0 || close(fd) < 0) {
		perror(argv[1]);
		return 1;
	}
	profile_release(&p);
	return 0;
}
