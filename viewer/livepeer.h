/* livepeer: the viewer's side of the channel to a process under the shim
 * (src/livefmt.h): checks the process runs the shim, asks for a snapshot by
 * making the request file, and reads the answer once the shim renamed it
 * into place. */
#ifndef ALLOCPROF_LIVEPEER_H
#define ALLOCPROF_LIVEPEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "livefmt.h"

struct livesnap_stack {
	double alloc_objects, alloc_bytes;
	double inuse_objects, inuse_bytes;
	uint32_t nframes, flags;
	uint64_t frames[LIVEFMT_FRAMES];
};

struct livesnap {
	struct livefmt_header h;
	struct livesnap_stack *stacks; /* h.nstacks of them, malloc'd */
};

struct livepeer {
	pid_t pid;
	uid_t uid; /* the process's: a snapshot file of another owner is refused */
	char req[128], snap[128];
	/* of the last snapshot read (or found at the start): a snapshot is new
	 * when its seq is higher, or it comes from another start (a process
	 * that got the pid of one watched before) */
	uint64_t last_seq, last_start_ns;
	bool asked;
};

/* 0, or -ESRCH (no such process), -ENOTSUP (no liballocprof.so in its
 * mappings), -EACCES (another user's); err gets one line saying so. */
int livepeer_open(struct livepeer *lp, pid_t pid, char *err, size_t cap);
/* Makes the request file (again: a request the shim missed is repeated). 0
 * or -errno. */
int livepeer_ask(struct livepeer *lp);
/* 0 and *out filled when a snapshot newer than the last one read is there;
 * -EAGAIN while there is none; -ESRCH when the process is gone; -EPROTO for
 * a file that is not a snapshot of this process; -EPERM for one that
 * another user owns. */
int livepeer_read(struct livepeer *lp, struct livesnap *out);
void livesnap_release(struct livesnap *s);
/* Whether the process still exists (and is the one opened). */
bool livepeer_alive(const struct livepeer *lp);
/* Removes the request and snapshot files. */
void livepeer_close(struct livepeer *lp);

#endif
