/* livefmt: the snapshot the shim writes for `allocprof watch` (preload/livefeed
 * writes it, viewer/livepeer reads it), and where the two meet: a request file
 * the viewer makes and the snapshot file the shim answers with. Fixed-width
 * fields in the host's byte order: writer and reader are on one machine. */
#ifndef ALLOCPROF_LIVEFMT_H
#define ALLOCPROF_LIVEFMT_H

#include <stdint.h>

#include <unistd.h>

/* DIR/allocprof-live.PID.req (made by the viewer, removed by the shim when
 * it answers) and DIR/allocprof-live.PID.snap (written to .snap.tmp, then
 * renamed over it). DIR is /dev/shm, memory, where there is one we may
 * write: a snapshot of many stacks is megabytes, and /tmp may be a disk. */
static inline const char *livefmt_dir(void)
{
	return access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
}
#define LIVEFMT_PREFIX "allocprof-live."
#define LIVEFMT_REQ ".req"
#define LIVEFMT_SNAP ".snap"
#define LIVEFMT_TMP ".snap.tmp"

#define LIVEFMT_MAGIC "APLIVE01"

/* Frames kept per stack, leaf first: enough to find the site (site.h)
 * behind the allocator's and the standard libraries' frames. */
enum { LIVEFMT_FRAMES = 16 };

struct livefmt_header {
	char magic[8];
	uint32_t header_bytes, stack_bytes; /* sizeof of these two structs */
	uint32_t pid, max_frames;   /* LIVEFMT_FRAMES */
	uint64_t seq;        /* snapshots this process wrote, this one included */
	uint64_t time_ns;    /* CLOCK_MONOTONIC when it was taken */
	uint64_t start_ns;   /* CLOCK_MONOTONIC when the shim started */
	uint64_t rate;       /* ALLOCPROF_RATE: 1 is exact */
	uint64_t nstacks;    /* stacks that follow */
	uint64_t cost_ns;    /* what the previous snapshot cost the collector thread */
	/* the collector's estimates, exact at rate 1 */
	double inuse_bytes, inuse_objects, peak_inuse_bytes;
	double alloc_bytes, alloc_objects; /* since the start: the stacks' sums */
};
_Static_assert(sizeof(struct livefmt_header) == 112, "livefmt_header is on disk");

/* One stack of the collector's table, its figures since the start; its
 * nframes return addresses (leaf first, at most LIVEFMT_FRAMES) follow. */
struct livefmt_stack {
	double alloc_objects, alloc_bytes;
	double inuse_objects, inuse_bytes;
	uint32_t nframes, flags;          /* flags: 1 = deeper than the frames kept */
};
_Static_assert(sizeof(struct livefmt_stack) == 40, "livefmt_stack is on disk");

enum { LIVEFMT_TRUNCATED = 1 };

#endif
