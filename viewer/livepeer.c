/* livepeer: the request is a file the shim's collector thread looks for with
 * one stat a tenth of a second (preload/livefeed.c); the answer a file
 * renamed into place, carrying a sequence number, so a reader never takes a
 * half-written or an old snapshot for a new one. */
#include "livepeer.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Whether pid is a process that still runs: not gone, not a zombie
 * (whose mappings are already empty). */
static bool running(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return errno != ENOENT && errno != ESRCH;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	const char *paren = strrchr(buf, ')');
	return !paren || (paren[1] == ' ' && paren[2] != 'Z' && paren[2] != 'X');
}

/* Whether /proc/PID/maps names liballocprof.so: the shim is loaded. */
static int maps_have_shim(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	char line[4096 + 128];
	bool found = false;
	while (!found && fgets(line, sizeof(line), f)) {
		const char *name = strrchr(line, '/');
		found = name && !strncmp(name, "/liballocprof.so", 16);
	}
	fclose(f);
	return found ? 0 : -ENOTSUP;
}

static int read_file(const char *path, uid_t owner, void **data, size_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	struct stat st;
	int bad = fstat(fd, &st) < 0 ? -errno : !S_ISREG(st.st_mode) ? -EPROTO : st.st_uid != owner ? -EPERM : 0;
	if (bad) {
		close(fd);
		return bad;
	}
	size_t cap = (size_t)st.st_size, n = 0;
	char *buf = malloc(cap ? cap : 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (n < cap) {
		ssize_t k = read(fd, buf + n, cap - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	close(fd);
	*data = buf;
	*size = n;
	return 0;
}

/* Notes the snapshot file now in place, if any, as read already. */
static void note_current(struct livepeer *lp)
{
	struct livefmt_header h;
	struct stat st;
	int fd = open(lp->snap, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || st.st_uid != lp->uid) {
		close(fd);
		return;
	}
	ssize_t n = read(fd, &h, sizeof(h));
	close(fd);
	if (n != (ssize_t)sizeof(h) || memcmp(h.magic, LIVEFMT_MAGIC, 8) || h.pid != (uint32_t)lp->pid)
		return;
	lp->last_seq = h.seq;
	lp->last_start_ns = h.start_ns;
}

int livepeer_open(struct livepeer *lp, pid_t pid, char *err, size_t cap)
{
	memset(lp, 0, sizeof(*lp));
	lp->pid = pid;
	if (pid <= 0 || (kill(pid, 0) < 0 && errno == ESRCH) || !running(pid)) {
		snprintf(err, cap, "no process %d", (int)pid);
		return -ESRCH;
	}
	int rc = maps_have_shim(pid);
	if (rc == -ENOENT || rc == -ESRCH) {
		snprintf(err, cap, "no process %d", (int)pid);
		return -ESRCH;
	}
	if (rc == -EACCES || rc == -EPERM) {
		snprintf(err, cap, "cannot read /proc/%d/maps (%s): watch a process of your own user", (int)pid,
			 strerror(-rc));
		return -EACCES;
	}
	if (rc < 0) {
		snprintf(err, cap, "process %d does not run under the profiler (no liballocprof.so in "
				   "/proc/%d/maps): start it with 'allocprof run' or LD_PRELOAD",
			 (int)pid, (int)pid);
		return -ENOTSUP;
	}
	/* /proc/PID is owned by the process's effective user, who owns what
	 * it writes */
	char proc[32];
	struct stat st;
	snprintf(proc, sizeof(proc), "/proc/%d", (int)pid);
	if (stat(proc, &st) < 0) {
		snprintf(err, cap, "no process %d", (int)pid);
		return -ESRCH;
	}
	lp->uid = st.st_uid;
	const char *dir = livefmt_dir();
	snprintf(lp->req, sizeof(lp->req), "%s/" LIVEFMT_PREFIX "%d" LIVEFMT_REQ, dir, (int)pid);
	snprintf(lp->snap, sizeof(lp->snap), "%s/" LIVEFMT_PREFIX "%d" LIVEFMT_SNAP, dir, (int)pid);
	/* a snapshot left by an earlier viewer is not an answer to us */
	note_current(lp);
	return 0;
}

int livepeer_ask(struct livepeer *lp)
{
	int fd = open(lp->req, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	close(fd);
	lp->asked = true;
	return 0;
}

bool livepeer_alive(const struct livepeer *lp)
{
	return !(kill(lp->pid, 0) < 0 && errno == ESRCH) && running(lp->pid);
}

int livepeer_read(struct livepeer *lp, struct livesnap *out)
{
	memset(out, 0, sizeof(*out));
	void *data = NULL;
	size_t size = 0;
	int rc = read_file(lp->snap, lp->uid, &data, &size);
	if (rc == -ENOENT)
		return livepeer_alive(lp) ? -EAGAIN : -ESRCH;
	if (rc < 0)
		return rc;
	struct livefmt_header h;
	if (size < sizeof(h)) {
		free(data);
		return -EPROTO;
	}
	memcpy(&h, data, sizeof(h));
	if (memcmp(h.magic, LIVEFMT_MAGIC, 8) || h.header_bytes != sizeof(h) ||
	    h.stack_bytes != sizeof(struct livefmt_stack) || h.max_frames != LIVEFMT_FRAMES ||
	    h.pid != (uint32_t)lp->pid || h.nstacks > (size - sizeof(h)) / sizeof(struct livefmt_stack)) {
		free(data);
		return -EPROTO;
	}
	if (h.seq <= lp->last_seq && h.start_ns == lp->last_start_ns) {
		free(data);
		return livepeer_alive(lp) ? -EAGAIN : -ESRCH;
	}
	out->h = h;
	out->stacks = malloc(h.nstacks ? h.nstacks * sizeof(*out->stacks) : 1);
	if (!out->stacks) {
		free(data);
		return -ENOMEM;
	}
	/* each stack's figures, then its frames */
	const char *at = (const char *)data + sizeof(h), *end = (const char *)data + size;
	for (size_t i = 0; i < h.nstacks; i++) {
		struct livefmt_stack st;
		struct livesnap_stack *o = &out->stacks[i];
		if ((size_t)(end - at) < sizeof(st))
			goto bad;
		memcpy(&st, at, sizeof(st));
		at += sizeof(st);
		if (st.nframes > LIVEFMT_FRAMES || (size_t)(end - at) / sizeof(uint64_t) < st.nframes)
			goto bad;
		o->alloc_objects = st.alloc_objects;
		o->alloc_bytes = st.alloc_bytes;
		o->inuse_objects = st.inuse_objects;
		o->inuse_bytes = st.inuse_bytes;
		o->nframes = st.nframes;
		o->flags = st.flags;
		memcpy(o->frames, at, st.nframes * sizeof(uint64_t));
		at += st.nframes * sizeof(uint64_t);
	}
	free(data);
	lp->last_seq = h.seq;
	lp->last_start_ns = h.start_ns;
	lp->asked = false;
	return 0;
bad:
	free(data);
	livesnap_release(out);
	return -EPROTO;
}

void livesnap_release(struct livesnap *s)
{
	free(s->stacks);
	s->stacks = NULL;
}

void livepeer_close(struct livepeer *lp)
{
	if (lp->req[0])
		unlink(lp->req);
	if (lp->snap[0])
		unlink(lp->snap);
}
