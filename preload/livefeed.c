/* livefeed: answers `allocprof watch`. The request is a file, not a socket
 * or a signal: a listening socket is a descriptor the host may close or
 * whose number it may want (daemons close every descriptor), a signal is the
 * host's to dispose of, and a file costs the collector one stat a tick. The
 * answer is written beside it, to a temporary name renamed into place, so the
 * viewer never reads half a snapshot. Only the collector thread answers; the
 * buffer is static, nothing comes from the intercepted allocator. */
#include "livefeed.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h> /* rename */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../src/livefmt.h"
#include "aggregate.h"
#include "collector.h"
#include "config.h"
#include "evclock.h"
#include "log.h"
#include "stacktab.h"

extern uint64_t shim_start_mono_ns;

enum { LOOK_EVERY_NS = 100000000, ASK_EVERY_NS = 1000000000, BUF_BYTES = 64 << 10 };

static uint64_t next_look, seq, last_cost_ns;
static _Atomic uint64_t next_ask;
static unsigned char buf[BUF_BYTES];
static size_t buf_used;

static void path_of(char *out, int cap, const char *suffix)
{
	/* looked up once: the directory does not come and go */
	static const char *dir;
	if (!dir)
		dir = livefmt_dir();
	log_format(out, cap, "%s/" LIVEFMT_PREFIX "%d%s", dir, (int)getpid(), suffix);
}

/* A request counts when it is a regular file of this user (or root's): no
 * other user can make the process write its stacks. */
static bool request_pending(void)
{
	char req[128];
	struct stat st;
	path_of(req, sizeof(req), LIVEFMT_REQ);
	return stat(req, &st) == 0 && S_ISREG(st.st_mode) && (st.st_uid == geteuid() || st.st_uid == 0);
}

bool livefeed_asked(void)
{
	uint64_t now = evclock_mono_ns();
	if (now < atomic_load_explicit(&next_ask, memory_order_relaxed))
		return false;
	atomic_store_explicit(&next_ask, now + ASK_EVERY_NS, memory_order_relaxed);
	int saved = errno;
	bool asked = request_pending();
	errno = saved;
	return asked;
}

static bool flush(int fd)
{
	size_t off = 0;
	while (off < buf_used) {
		ssize_t n = write(fd, buf + off, buf_used - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		off += (size_t)n;
	}
	buf_used = 0;
	return true;
}

static bool put(int fd, const void *p, size_t n)
{
	if (buf_used + n > sizeof(buf) && !flush(fd))
		return false;
	memcpy(buf + buf_used, p, n);
	buf_used += n;
	return true;
}

/* The stacks and totals, with the collector lock held. */
static bool write_snapshot(int fd)
{
	struct livefmt_header h;
	memset(&h, 0, sizeof(h));
	buf_used = 0;
	if (!put(fd, &h, sizeof(h)))
		return false;
	uint64_t frames[LIVEFMT_FRAMES + 1];
	size_t n = stacktab_count();
	for (size_t i = 0; i < n; i++) {
		const struct stack_rec *s = stacktab_at(i);
		if (!(s->flags & STACK_HAS_FRAMES) || !(s->alloc_objects > 0 || stacktab_inuse_objects(s) > 0))
			continue;
		struct livefmt_stack r;
		memset(&r, 0, sizeof(r));
		r.alloc_objects = s->alloc_objects;
		r.alloc_bytes = s->alloc_bytes;
		r.inuse_objects = stacktab_inuse_objects(s);
		r.inuse_bytes = s->inuse_bytes;
		uint32_t k = stacktab_frames(s, frames, LIVEFMT_FRAMES + 1);
		if (k > LIVEFMT_FRAMES || (s->flags & STACK_TRUNCATED)) {
			r.flags |= LIVEFMT_TRUNCATED;
			if (k > LIVEFMT_FRAMES)
				k = LIVEFMT_FRAMES;
		}
		r.nframes = k;
		if (!put(fd, &r, sizeof(r)) || !put(fd, frames, k * sizeof(frames[0])))
			return false;
		h.nstacks++;
		h.alloc_objects += r.alloc_objects;
		h.alloc_bytes += r.alloc_bytes;
	}
	if (!flush(fd))
		return false;
	struct aggregate_totals t;
	aggregate_get_totals(&t);
	memcpy(h.magic, LIVEFMT_MAGIC, sizeof(h.magic));
	h.header_bytes = sizeof(struct livefmt_header);
	h.stack_bytes = sizeof(struct livefmt_stack);
	h.pid = (uint32_t)getpid();
	h.max_frames = LIVEFMT_FRAMES;
	h.seq = seq + 1;
	h.time_ns = evclock_mono_ns();
	h.start_ns = shim_start_mono_ns;
	h.rate = config.rate;
	h.cost_ns = last_cost_ns;
	h.inuse_bytes = t.inuse_bytes;
	h.inuse_objects = t.inuse_objects;
	h.peak_inuse_bytes = t.peak_inuse_bytes > t.inuse_bytes ? t.peak_inuse_bytes : t.inuse_bytes;
	return pwrite(fd, &h, sizeof(h), 0) == (ssize_t)sizeof(h);
}

static int open_temp(const char *tmp)
{
	for (int tries = 0; tries < 2; tries++) {
		int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd;
		unlink(tmp); /* left by a process that died writing, or by an earlier one of this pid */
	}
	return -1;
}

static void answer(void)
{
	char req[128], snap[128], tmp[128];
	path_of(req, sizeof(req), LIVEFMT_REQ);
	path_of(snap, sizeof(snap), LIVEFMT_SNAP);
	path_of(tmp, sizeof(tmp), LIVEFMT_TMP);
	uint64_t begin = evclock_mono_ns();
	/* taken before the answer: a request the viewer makes while this one
	 * is written must not be removed with it */
	unlink(req);
	int fd = open_temp(tmp);
	if (fd < 0)
		return; /* the viewer says it had no answer */
	collector_lock();
	collector_drain_all_locked();
	bool ok = write_snapshot(fd);
	collector_unlock();
	close(fd);
	if (!ok || rename(tmp, snap) < 0) {
		unlink(tmp);
		return;
	}
	seq++;
	last_cost_ns = evclock_mono_ns() - begin;
}

void livefeed_tick(void)
{
	uint64_t now = evclock_mono_ns();
	if (now < next_look)
		return;
	next_look = now + LOOK_EVERY_NS;
	if (request_pending())
		answer();
}
