/* peakwatch: the step and RSS triggers of the peak profile. The figures are
 * aggregate's (the in-use peak and its per-stack snapshot); the writing is
 * dump_write_peak's. One write per step at most: the next is due only once
 * the peak has grown a whole step past the one written. */
#include "peakwatch.h"

#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "aggregate.h"
#include "collector.h"
#include "config.h"
#include "dump.h"
#include "evclock.h"
#include "log.h"
#include "statm.h"

enum { SHARE_FLOOR = 1 << 20, RSS_EVERY_NS = 10000000 };

static bool started;
static uint64_t written;  /* in-use bytes of the peak profile last written */
static uint64_t rss_limit; /* 0: no RSS trigger, or it has fired */
static uint64_t rss_read_ns;

bool peakwatch_enabled(void)
{
	return config.peak_step.bytes || config.peak_step.share || config.peak_rss.bytes ||
	       config.peak_rss.share;
}

static ssize_t read_small(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, cap - 1);
	close(fd);
	if (n >= 0)
		buf[n] = 0;
	return n;
}

static uint64_t to_u64(const char *s)
{
	uint64_t v = 0;
	if (*s < '0' || *s > '9')
		return 0; /* "max" */
	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (uint64_t)(*s - '0');
	return v;
}

/* The smallest limit in file under root/dir and each of its parents. */
static uint64_t walk_up(const char *root, char *dir, const char *file)
{
	uint64_t least = 0;
	for (;;) {
		char path[4096 + 128], buf[64];
		log_format(path, sizeof(path), "%s%s/%s", root, dir, file);
		uint64_t v = read_small(path, buf, sizeof(buf)) > 0 ? to_u64(buf) : 0;
		/* cgroup v1 says "no limit" with a page-rounded LONG_MAX */
		if (v && v < (1ULL << 62) && (!least || v < least))
			least = v;
		char *slash = strrchr(dir, '/');
		if (!slash || (slash == dir && !dir[1]))
			return least;
		if (slash == dir)
			slash[1] = 0;
		else
			*slash = 0;
	}
}

uint64_t peakwatch_memory_limit(const char **from)
{
	char cg[4096];
	uint64_t least = 0;
	if (read_small("/proc/self/cgroup", cg, sizeof(cg)) > 0) {
		for (char *line = cg, *next; line && *line; line = next) {
			next = strchr(line, '\n');
			if (next)
				*next++ = 0;
			char *colon = strchr(line, ':');
			char *path = colon ? strchr(colon + 1, ':') : NULL;
			if (!path || path[1] != '/')
				continue;
			uint64_t v = 0;
			if (!strncmp(line, "0::", 3))
				v = walk_up("/sys/fs/cgroup", path + 1, "memory.max");
			else if (!strncmp(colon, ":memory:", 8))
				v = walk_up("/sys/fs/cgroup/memory", path + 1, "memory.limit_in_bytes");
			if (v && (!least || v < least))
				least = v;
		}
	}
	*from = "the cgroup's memory limit";
	if (least)
		return least;
	*from = "physical memory";
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
	return pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : 0;
}

static void start(void)
{
	started = true;
	if (config.peak_rss.share) {
		const char *from;
		uint64_t whole = peakwatch_memory_limit(&from);
		rss_limit = (uint64_t)((double)whole * config.peak_rss.share);
		if (config.verbose) {
			/* log_format has no %g nor widths: hundredths of a percent by hand */
			unsigned long long c = (unsigned long long)llround(config.peak_rss.share * 10000);
			char pct[32];
			int n = log_format(pct, sizeof(pct) - 4, "%llu", c / 100);
			if (c % 100) {
				pct[n++] = '.';
				pct[n++] = (char)('0' + c % 100 / 10);
				pct[n++] = (char)('0' + c % 10);
				pct[n] = 0;
			}
			log_line("the peak profile is written when RSS reaches %llu bytes (%s%% of %s, %llu bytes)",
				 (unsigned long long)rss_limit, pct, from, (unsigned long long)whole);
		}
	} else {
		rss_limit = config.peak_rss.bytes;
	}
}

static uint64_t next_step(void)
{
	const struct config_amount *step = &config.peak_step;
	if (step->bytes)
		return written + step->bytes;
	uint64_t by = (uint64_t)ceil((double)written * step->share);
	return written + (by > SHARE_FLOOR ? by : SHARE_FLOOR);
}

void peakwatch_poll(void)
{
	if (!peakwatch_enabled())
		return;
	if (!started)
		start();
	if (config.peak_step.bytes || config.peak_step.share) {
		struct aggregate_totals t;
		collector_lock();
		aggregate_get_totals(&t);
		collector_unlock();
		double peak = fmax(t.inuse_bytes, t.snapshot_inuse_bytes);
		if (peak >= (double)next_step())
			dump_write_peak("step", &written, next_step());
	}
	if (rss_limit) {
		uint64_t now = evclock_mono_ns();
		if (now - rss_read_ns >= RSS_EVERY_NS) {
			rss_read_ns = now;
			uint64_t rss = statm_rss_bytes();
			if (rss >= rss_limit) {
				if (config.verbose)
					log_line("RSS %llu bytes reached ALLOCPROF_PEAK_RSS (%llu bytes)",
						 (unsigned long long)rss, (unsigned long long)rss_limit);
				rss_limit = 0; /* the first time only */
				dump_write_peak("rss", &written, 0);
			}
		}
	}
}

void peakwatch_fork_child(void)
{
	started = false;
	written = 0;
	rss_read_ns = 0;
}
