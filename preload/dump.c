/* dump: drain, build the profile model (one location per unique return
 * address, one mapping per executable mapping used), symbolize, encode,
 * publish. Runs under the collector lock; allocates only from the arena. */
#include "dump.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../src/hmap.h"
#include "../src/mem.h"
#include "../src/pbuf.h"
#include "../src/pprof_write.h"
#include "../src/profile.h"
#include "capture.h"
#include "collector.h"
#include "config.h"
#include "log.h"
#include "maptab.h"
#include "outfile.h"
#include "shim.h"
#include "stacktab.h"
#include "symbolize_hook.h"

#ifndef ALLOCPROF_VERSION
#define ALLOCPROF_VERSION "dev"
#endif

static unsigned dump_seq;
extern uint64_t shim_start_wall_ns, shim_start_mono_ns;

/* The command line, NULs turned into spaces, for the profile's comments. */
static void read_cmdline(char *buf, size_t cap)
{
	buf[0] = 0;
	int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, cap - 1);
	close(fd);
	if (n <= 0)
		return;
	while (n > 0 && buf[n - 1] == 0)
		n--;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == 0)
			buf[i] = ' ';
	buf[n] = 0;
}

static uint32_t mapping_of(struct profile *p, struct known_map *k)
{
	if (k->profile_index != PF_NONE)
		return k->profile_index;
	struct pf_mapping m;
	memset(&m, 0, sizeof(m));
	m.start = k->start;
	m.limit = k->end;
	m.offset = k->offset;
	m.filename = profile_cstr(p, k->path);
	m.build_id = profile_cstr(p, k->build_id);
	k->profile_index = profile_add_mapping(p, &m);
	return k->profile_index;
}

static void add_comments(struct profile *p, const struct capture_stats *cs, uint64_t placeholders)
{
	char line[4200];
	char cmd[4000];
	read_cmdline(cmd, sizeof(cmd));
	log_format(line, sizeof(line), "allocprof %s", ALLOCPROF_VERSION);
	profile_add_comment(p, line);
	log_format(line, sizeof(line), "command: %s", cmd);
	profile_add_comment(p, line);
	log_format(line, sizeof(line), "pid: %d", (int)getpid());
	profile_add_comment(p, line);
	log_format(line, sizeof(line), "rate: %llu", (unsigned long long)config.rate);
	profile_add_comment(p, line);
	log_format(line, sizeof(line), "samples: %llu allocations, %llu frees", (unsigned long long)cs->samples,
		   (unsigned long long)cs->frees);
	profile_add_comment(p, line);
	log_format(line, sizeof(line), "dropped: %llu", (unsigned long long)(cs->drops + placeholders));
	profile_add_comment(p, line);
	if (cs->truncated) {
		log_format(line, sizeof(line), "truncated stacks: %llu (deeper than ALLOCPROF_DEPTH=%u)",
			   (unsigned long long)cs->truncated, config.depth);
		profile_add_comment(p, line);
	}
}

/* Builds the profile from the tables. Returns the number of samples. */
static size_t build(struct profile *p, const struct capture_stats *cs)
{
	profile_add_sample_type(p, "alloc_objects", "count");
	profile_add_sample_type(p, "alloc_space", "bytes");
	profile_add_sample_type(p, "inuse_objects", "count");
	profile_add_sample_type(p, "inuse_space", "bytes");
	p->period_type.type = profile_cstr(p, "space");
	p->period_type.unit = profile_cstr(p, "bytes");
	p->period = (int64_t)config.rate;
	p->default_sample_type = profile_cstr(p, "alloc_space");
	p->time_nanos = (int64_t)shim_start_wall_ns;
	p->duration_nanos = (int64_t)(capture_now_ns() - shim_start_mono_ns);

	maptab_refresh();
	/* the executable first: pprof treats the first mapping as the main binary */
	for (size_t i = 0; i < maptab_count(); i++)
		maptab_at(i)->profile_index = PF_NONE;
	for (size_t i = 0; i < maptab_count(); i++)
		if (maptab_at(i)->is_main)
			mapping_of(p, maptab_at(i));

	struct hmap loc_by_pc;
	hmap_init(&loc_by_pc);
	uint32_t *locs = mem_alloc((CONFIG_DEPTH_MAX + 1) * sizeof(uint32_t));
	size_t nsamples = 0;
	uint64_t placeholders = 0;
	for (size_t i = 0; locs && i < stacktab_count(); i++) {
		const struct stack_rec *s = stacktab_at(i);
		int64_t v[4] = {llround(s->alloc_objects), llround(s->alloc_bytes),
				llround(s->inuse_objects), llround(s->inuse_bytes)};
		if (!(s->flags & STACK_HAS_FRAMES)) {
			placeholders++;
			continue;
		}
		if (!v[0] && !v[1] && !v[2] && !v[3])
			continue;
		const uint64_t *frames = stacktab_frames(s);
		for (uint32_t f = 0; f < s->nframes; f++) {
			/* a return address points after the call: step back into it */
			uint64_t pc = frames[f] - 1;
			uint64_t idx = hmap_get(&loc_by_pc, pc);
			if (idx == HMAP_EMPTY) {
				struct known_map *k = maptab_find(pc);
				idx = profile_add_location(p, k ? mapping_of(p, k) : PF_NONE, pc, NULL, 0);
				if (idx == PF_NONE || hmap_insert(&loc_by_pc, pc, idx) < 0)
					break;
			}
			locs[f] = (uint32_t)idx;
		}
		profile_add_sample(p, locs, s->nframes, v, NULL, 0);
		nsamples++;
	}
	mem_free(locs, (CONFIG_DEPTH_MAX + 1) * sizeof(uint32_t));
	hmap_release(&loc_by_pc);
	add_comments(p, cs, placeholders);
	if (cs->drops + placeholders)
		log_line("%llu sampled events were lost; the profile says so in its comments",
			 (unsigned long long)(cs->drops + placeholders));
	return nsamples;
}

static void manifest_append(const char *path)
{
	if (!config.manifest[0])
		return;
	int fd = open(config.manifest, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return;
	char line[4200];
	int n = log_format(line, sizeof(line), "%d %s\n", (int)getpid(), path);
	ssize_t w = write(fd, line, (size_t)n); /* one write: lines of processes never interleave */
	(void)w;
	close(fd);
}

int dump_write(const char *path, enum dump_reason why)
{
	char target[CONFIG_PATH_MAX], final[CONFIG_PATH_MAX + 32];
	collector_lock();
	unsigned seq = dump_seq++;
	int rc = path ? (strlen(path) < sizeof(target) ? (strcpy(target, path), 0) : -ENAMETOOLONG)
		      : outfile_expand(config.out, seq, target, sizeof(target));
	if (rc < 0) {
		collector_unlock();
		log_line("cannot write the profile: the output name is too long");
		return rc;
	}
	collector_drain_locked();
	struct capture_stats cs;
	capture_get_stats(&cs);
	struct profile p;
	profile_init(&p);
	build(&p, &cs);
	if (config.symbolize)
		symbolize_hook(&p);
	struct pbuf gz;
	pbuf_init(&gz);
	rc = pprof_encode_gzip(&p, &gz);
	profile_release(&p);
	collector_unlock();
	if (rc == 0)
		rc = outfile_write(target, gz.data, gz.len, final, sizeof(final));
	pbuf_release(&gz);
	if (rc < 0) {
		log_line("cannot write the profile to %s: %s", target, strerrordesc_np(-rc));
		return rc;
	}
	manifest_append(final);
	if (config.verbose)
		log_line("wrote %s", final);
	(void)why;
	return 0;
}
