/* counters: the live threads' tallies form a list threaded through their own
 * TLS blocks (nothing to allocate); a thread that ends adds its counts to
 * the retired totals and leaves the list before its TLS goes away. The
 * public allocprof_counters sums both under the list's lock, which only
 * thread start and end, fork and readers take. */
#include "counters.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include "allocprof.h"
#include "config.h"
#include "livetab.h"
#include "log.h"
#include "shim.h"
#include "spin.h"

#define EXPORT __attribute__((visibility("default")))

__thread struct alloc_tally counters_tls __attribute__((tls_model("initial-exec")));
bool counters_stat_mode;

static spinlock list_lock = SPINLOCK_INIT;
static struct alloc_tally *listed;
static uint64_t retired_allocs, retired_bytes, retired_frees;
static pthread_key_t exit_key;
static bool have_key;

/* ALLOCPROF_STAT only: usable bytes in use and their peak, process-wide. */
static _Atomic int64_t stat_inuse, stat_peak;

static void on_thread_exit(void *arg)
{
	(void)arg;
	struct alloc_tally *c = &counters_tls;
	if (c->state != TALLY_LISTED)
		return;
	spin_lock(&list_lock);
	retired_allocs += c->allocs;
	retired_bytes += c->bytes;
	retired_frees += c->frees;
	if (c->prev)
		c->prev->next = c->next;
	else
		listed = c->next;
	if (c->next)
		c->next->prev = c->prev;
	/* what the thread library frees after this is not counted: the TLS
	 * block is about to go */
	c->state = TALLY_RETIRED;
	spin_unlock(&list_lock);
}

void counters_thread_start(void)
{
	struct alloc_tally *c = &counters_tls;
	struct thread_state *t = &shim_tls;
	if (c->state != TALLY_NEW || t->guard)
		return;
	guard_enter(t);
	c->state = TALLY_LISTED;
	spin_lock(&list_lock);
	if (!have_key)
		have_key = pthread_key_create(&exit_key, on_thread_exit) == 0;
	c->prev = NULL;
	c->next = listed;
	if (listed)
		listed->prev = c;
	listed = c;
	spin_unlock(&list_lock);
	if (have_key)
		pthread_setspecific(exit_key, c); /* may allocate: outside the lock */
	guard_leave(t);
}

static void fork_prepare(void)
{
	spin_lock(&list_lock);
}

static void fork_parent(void)
{
	spin_unlock(&list_lock);
}

/* A child counts from zero: its counts are its own. Its blocks in use and
 * peak start at what it inherited, which it may free. */
static void fork_child(void)
{
	struct alloc_tally *c = &counters_tls;
	spin_reset(&list_lock);
	retired_allocs = retired_bytes = retired_frees = 0;
	c->allocs = c->bytes = c->frees = 0;
	c->saved_allocs = c->saved_bytes = c->saved_frees = 0;
	listed = NULL;
	if (c->state == TALLY_LISTED) {
		c->prev = c->next = NULL;
		listed = c;
	}
	atomic_store(&stat_peak, atomic_load(&stat_inuse));
}

void counters_init(void)
{
	if (config.stat) {
		counters_stat_mode = true;
		/* every free takes the slow path, where its block's size is read */
		memset(livetab_filter, 0xff, sizeof(livetab_filter));
	}
	pthread_atfork(fork_prepare, fork_parent, fork_child);
}

void counters_stat_alloc(size_t usable)
{
	int64_t now = atomic_fetch_add_explicit(&stat_inuse, (int64_t)usable, memory_order_relaxed) + (int64_t)usable;
	int64_t peak = atomic_load_explicit(&stat_peak, memory_order_relaxed);
	while (now > peak && !atomic_compare_exchange_weak_explicit(&stat_peak, &peak, now, memory_order_relaxed,
								    memory_order_relaxed))
		;
}

void counters_stat_free(size_t usable)
{
	atomic_fetch_sub_explicit(&stat_inuse, (int64_t)usable, memory_order_relaxed);
}

/* From a signal handler the lock may be held by the very thread it
 * interrupted: a bounded wait, then false. */
static bool lock_bounded(void)
{
	for (unsigned n = 0; n < 20000; n++) {
		if (!atomic_load_explicit(&list_lock.held, memory_order_relaxed) &&
		    !atomic_exchange_explicit(&list_lock.held, 1, memory_order_acquire))
			return true;
		if (n < 64)
			__builtin_ia32_pause();
		else
			sched_yield();
	}
	return false;
}

static bool sum(struct allocprof_counters *out, bool in_signal)
{
	if (in_signal && !lock_bounded())
		return false;
	if (!in_signal)
		spin_lock(&list_lock);
	uint64_t a = retired_allocs, b = retired_bytes, f = retired_frees;
	for (struct alloc_tally *c = listed; c; c = c->next) {
		/* another thread's plain stores: an aligned 64-bit load sees the
		 * value before or after one, never half of it */
		a += __atomic_load_n(&c->allocs, __ATOMIC_RELAXED);
		b += __atomic_load_n(&c->bytes, __ATOMIC_RELAXED);
		f += __atomic_load_n(&c->frees, __ATOMIC_RELAXED);
	}
	spin_unlock(&list_lock);
	memset(out, 0, sizeof(*out));
	out->allocs = a;
	out->bytes = b;
	out->frees = f;
	out->inuse = (long long)(a - f);
	return true;
}

/* The caller's own allocations of a moment ago are its, even when this is
 * its first call into the shim. */
static void own_thread(void)
{
	if (counters_tls.state == TALLY_NEW)
		counters_thread_start();
}

EXPORT int allocprof_counters(struct allocprof_counters *out)
{
	if (!out)
		return -EINVAL;
	if (shim_state == SHIM_DISABLED)
		return -ENOSYS;
	own_thread();
	struct thread_state *t = &shim_tls;
	guard_enter(t);
	sum(out, false);
	guard_leave(t);
	return 0;
}

EXPORT int allocprof_thread_counters(struct allocprof_counters *out)
{
	if (!out)
		return -EINVAL;
	if (shim_state == SHIM_DISABLED)
		return -ENOSYS;
	struct alloc_tally *c = &counters_tls;
	memset(out, 0, sizeof(*out));
	out->allocs = c->allocs;
	out->bytes = c->bytes;
	out->frees = c->frees;
	out->inuse = (long long)(c->allocs - c->frees);
	return 0;
}

/* "stat PID\0PROGRAM\0allocs=N bytes=N frees=N inuse_objects=N inuse_bytes=N
 * peak_bytes=N\0": the manifest's record layout (see dump.c), the figures in
 * its third field. */
void counters_write_stat(bool in_signal)
{
	extern char *program_invocation_short_name;
	struct allocprof_counters c;
	if (!sum(&c, in_signal)) {
		log_line("ending by a signal inside the shim: the counts are lost");
		return;
	}
	int64_t inuse = atomic_load(&stat_inuse), peak = atomic_load(&stat_peak);
	char figures[256];
	log_format(figures, sizeof(figures), "allocs=%llu bytes=%llu frees=%llu inuse_objects=%lld inuse_bytes=%lld peak_bytes=%lld",
		   (unsigned long long)c.allocs, (unsigned long long)c.bytes, (unsigned long long)c.frees, c.inuse,
		   (long long)inuse, (long long)peak);
	struct stat st;
	if (!config.manifest[0] || stat(config.manifest, &st) < 0 || !S_ISREG(st.st_mode)) {
		log_line("%s %d: %s", program_invocation_short_name, (int)getpid(), figures);
		return;
	}
	int fd = open(config.manifest, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return;
	char rec[600];
	const char *name = program_invocation_short_name ? program_invocation_short_name : "";
	size_t n = (size_t)log_format(rec, 64, "stat %d", (int)getpid()) + 1;
	size_t nl = strnlen(name, 255), fl = strlen(figures);
	memcpy(rec + n, name, nl);
	rec[n + nl] = 0;
	n += nl + 1;
	memcpy(rec + n, figures, fl + 1);
	n += fl + 1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		ssize_t w = write(fd, rec, n); /* one write: records never interleave */
		(void)w;
	}
	close(fd);
}
