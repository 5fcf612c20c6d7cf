/* dump: drain, build the profile model (one location per unique return
 * address, one mapping per executable mapping used), symbolize, encode,
 * publish. Runs under the collector lock and allocates only from the arena.
 * The exit dump also writes the in-use profile at the peak (.peak.pb.gz),
 * made from the same symbolized tables with other values. */
#include "dump.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../src/hmap.h"
#include "../src/mem.h"
#include "../src/pbuf.h"
#include "../src/pprof_write.h"
#include "../src/profile.h"
#include "arena.h"
#include "capture.h"
#include "collector.h"
#include "config.h"
#include "livetab.h"
#include "log.h"
#include "maptab.h"
#include "outfile.h"
#include "ring.h"
#include "shim.h"
#include "stacktab.h"
#include "symbolize_hook.h"

#ifndef ALLOCPROF_VERSION
#define ALLOCPROF_VERSION "dev"
#endif

static unsigned dump_seq;
extern uint64_t shim_start_wall_ns, shim_start_mono_ns;

static const char *const reason_names[] = {"exit", "interval", "signal", "api"};

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

#define comment(p, ...)                                        \
	do {                                                   \
		char line_[256];                               \
		log_format(line_, sizeof(line_), __VA_ARGS__); \
		profile_add_comment(p, line_);                 \
	} while (0)

static void add_comments(struct profile *p, const struct capture_stats *cs, uint64_t lost,
			 const char *reason)
{
	char line[4200];
	char cmd[4000];
	read_cmdline(cmd, sizeof(cmd));
	log_format(line, sizeof(line), "allocprof %s", ALLOCPROF_VERSION);
	profile_add_comment(p, line);
	log_format(line, sizeof(line), "command: %s", cmd);
	profile_add_comment(p, line);
	comment(p, "pid: %d", (int)getpid());
	comment(p, "rate: %llu", (unsigned long long)config.rate);
	log_format(line, sizeof(line), "reason: %s", reason);
	profile_add_comment(p, line);
	comment(p, "samples: %llu allocations, %llu frees", (unsigned long long)cs->samples,
		(unsigned long long)cs->frees);
	comment(p, "dropped: %llu", (unsigned long long)lost);
	if (cs->truncated) {
		log_format(line, sizeof(line), "truncated stacks: %llu (deeper than ALLOCPROF_DEPTH=%u)",
			   (unsigned long long)cs->truncated, config.depth);
		profile_add_comment(p, line);
	}
	/* the shim's own footprint, so a long run can show it stays bounded */
	comment(p, "shim memory: %llu KiB mapped, %llu rings",
		(unsigned long long)((arena_mapped_bytes() + livetab_mapped_bytes()) >> 10),
		(unsigned long long)ring_count());
	comment(p, "unique stacks: %llu, live sampled blocks: %llu", (unsigned long long)stacktab_count(),
		(unsigned long long)livetab_count());
}

/* Builds the profile from the tables; stacks[i] is the stack of sample i. */
static void build(struct profile *p, const struct capture_stats *cs, const char *reason,
		  uint32_t *stacks)
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
	uint64_t placeholders = 0;
	for (size_t i = 0; locs && i < stacktab_count(); i++) {
		const struct stack_rec *s = stacktab_at(i);
		int64_t v[4] = {llround(s->alloc_objects), llround(s->alloc_bytes),
				llround(s->inuse_objects), llround(s->inuse_bytes)};
		if (!(s->flags & STACK_HAS_FRAMES)) {
			placeholders++; /* a free whose allocation never arrived */
			continue;
		}
		if (!v[0] && !v[1] && !v[2] && !v[3])
			continue;
		const uint64_t *frames = stacktab_frames(s);
		uint32_t n = 0;
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
			locs[n++] = (uint32_t)idx;
		}
		if (profile_add_sample(p, locs, n, v, NULL, 0) != PF_NONE)
			stacks[p->nsamples - 1] = (uint32_t)i;
	}
	mem_free(locs, (CONFIG_DEPTH_MAX + 1) * sizeof(uint32_t));
	hmap_release(&loc_by_pc);
	uint64_t lost = cs->drops + placeholders;
	add_comments(p, cs, lost, reason);
	if (lost)
		log_line("%llu sampled events were lost; the profile says so in its comments",
			 (unsigned long long)lost);
}

/* Turns the full profile into the in-use profile at the peak, in place:
 * same tables, two sample types, the values of the last peak snapshot. */
static void make_peak(struct profile *p, const uint32_t *stacks)
{
	struct collector_totals t;
	collector_get_totals(&t);
	p->sample_types[0] = p->sample_types[2];
	p->sample_types[1] = p->sample_types[3];
	p->ntypes = 2;
	p->default_sample_type = profile_cstr(p, "inuse_space");
	size_t kept = 0;
	for (size_t i = 0; i < p->nsamples; i++) {
		const struct stack_rec *s = stacktab_at(stacks[i]);
		int64_t objects = llround(s->peak_objects), bytes = llround(s->peak_bytes);
		if (!objects && !bytes)
			continue;
		p->samples[kept] = p->samples[i];
		p->values[kept * 2] = objects;
		p->values[kept * 2 + 1] = bytes;
		kept++;
	}
	p->nsamples = kept;
	comment(p, "peak in use: %llu bytes, %llu ms after start", (unsigned long long)llround(t.snapshot_inuse_bytes),
		(unsigned long long)(t.snapshot_ns > shim_start_mono_ns ? (t.snapshot_ns - shim_start_mono_ns) / 1000000 : 0));
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

/* "x.pb.gz" -> "x.peak.pb.gz"; anything else gets ".peak" appended. */
static void peak_name(const char *target, char *out, size_t cap)
{
	size_t n = strlen(target);
	size_t stem = n >= 6 && !strcmp(target + n - 6, ".pb.gz") ? n - 6 : n;
	log_format(out, (int)cap, "%s", target);
	if (stem + 11 < cap) {
		memcpy(out + stem, ".peak", 5);
		memcpy(out + stem + 5, target + stem, n - stem + 1);
	}
}

static int publish(const struct profile *p, const char *target)
{
	char final[CONFIG_PATH_MAX + 32];
	struct pbuf gz;
	pbuf_init(&gz);
	int rc = pprof_encode_gzip(p, &gz);
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
	return 0;
}

static int write_locked(const char *target, const char *reason, bool with_peak, bool symbolize)
{
	struct capture_stats cs;
	capture_get_stats(&cs);
	uint32_t *stacks = mem_alloc((stacktab_count() + 1) * sizeof(uint32_t));
	if (!stacks)
		return -ENOMEM;
	struct profile p;
	profile_init(&p);
	build(&p, &cs, reason, stacks);
	if (symbolize)
		symbolize_hook(&p);
	int rc = publish(&p, target);
	if (rc == 0 && with_peak) {
		char peak[CONFIG_PATH_MAX + 16];
		peak_name(target, peak, sizeof(peak));
		make_peak(&p, stacks);
		publish(&p, peak);
	}
	profile_release(&p);
	mem_free(stacks, (stacktab_count() + 1) * sizeof(uint32_t));
	return rc;
}

int dump_write(const char *path, enum dump_reason why)
{
	char target[CONFIG_PATH_MAX];
	collector_lock();
	collector_drain_locked();
	if (why == DUMP_EXIT) {
		struct capture_stats cs;
		capture_get_stats(&cs);
		if (cs.samples == 0) {
			collector_unlock();
			if (config.verbose)
				log_line("no allocation was sampled; no profile written");
			return 0;
		}
	}
	unsigned seq = dump_seq++;
	int rc = path ? (strlen(path) < sizeof(target) ? (strcpy(target, path), 0) : -ENAMETOOLONG)
		      : outfile_expand(config.out, seq, target, sizeof(target));
	if (rc < 0)
		log_line("cannot write the profile: the output name is too long");
	else
		rc = write_locked(target, reason_names[why], why == DUMP_EXIT, config.symbolize);
	collector_unlock();
	return rc;
}

void dump_write_crash(int sig)
{
	char target[CONFIG_PATH_MAX], reason[32];
	if (collector_trylock_for(2000000000ULL) < 0) {
		log_line("fatal signal %d: the profile is busy elsewhere; nothing written", sig);
		return;
	}
	/* whatever the crashed thread held, the arena's lock included, stays
	 * untouched: from here on src/ allocates from a fresh mapping */
	arena_install_crash_bump();
	collector_drain_locked();
	if (outfile_expand(config.out, dump_seq++, target, sizeof(target)) == 0) {
		log_format(reason, sizeof(reason), "fatal signal %d", sig);
		if (write_locked(target, reason, true, false) == 0)
			log_line("fatal signal %d: profile written without symbols (see allocprof symbolize)", sig);
	}
	collector_unlock();
}
