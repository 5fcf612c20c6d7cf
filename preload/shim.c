/* shim: process lifecycle of liballocprof.so: initialisation (constructor or
 * first slow path), fork handlers, the exit dump, and dlclose, which must
 * let the collector see a library's mappings before they disappear. */
#include "shim.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "capture.h"
#include "collector.h"
#include "config.h"
#include "dump.h"
#include "livetab.h"
#include "log.h"
#include "maptab.h"
#include "ring.h"
#include "symbolize_hook.h"
#include "unwind.h"

#define EXPORT __attribute__((visibility("default")))

volatile int shim_state = SHIM_OFF;
uint64_t shim_start_wall_ns, shim_start_mono_ns;
static atomic_int init_state; /* 0 not yet, 1 in progress, 2 done */

static void fork_prepare(void)
{
	struct thread_state *t = &shim_tls;
	guard_enter(t);
	collector_fork_prepare();
	livetab_lock_all();
	arena_lock();
}

static void fork_parent(void)
{
	arena_unlock();
	livetab_unlock_all();
	collector_fork_parent();
	guard_leave(&shim_tls);
}

static void fork_child(void)
{
	struct thread_state *t = &shim_tls;
	arena_reset_lock();
	livetab_reset_locks();
	collector_fork_child();
	if (t->initialized)
		t->tid = (uint32_t)syscall(SYS_gettid);
	ring_after_fork_child(t->ring);
	guard_leave(t);
}

static uint64_t clock_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void shim_init(void)
{
	int expect = 0;
	if (!atomic_compare_exchange_strong(&init_state, &expect, 1))
		return;
	struct thread_state *t = &shim_tls;
	guard_enter(t);
	config_load();
	if (getauxval(AT_SECURE)) {
		log_line("not profiling a setuid or setgid program");
		shim_state = SHIM_DISABLED;
	} else {
		arena_install();
		unwind_init();
		capture_init();
		if (config.symbolize)
			symbolize_hook_init();
		pthread_atfork(fork_prepare, fork_parent, fork_child);
		shim_start_wall_ns = clock_ns(CLOCK_REALTIME);
		shim_start_mono_ns = clock_ns(CLOCK_MONOTONIC);
		shim_state = SHIM_ON;
	}
	atomic_store(&init_state, 2);
	guard_leave(t);
}

__attribute__((constructor)) static void shim_constructor(void)
{
	shim_init();
}

__attribute__((destructor)) static void shim_destructor(void)
{
	if (shim_state != SHIM_ON)
		return;
	struct thread_state *t = &shim_tls;
	guard_enter(t);
	shim_state = SHIM_FINAL;
	dump_write(NULL, DUMP_EXIT);
	guard_leave(t);
}

EXPORT int dlclose(void *handle)
{
	static int (*next)(void *);
	if (!next)
		next = (int (*)(void *))dlsym(RTLD_NEXT, "dlclose");
	if (shim_state == SHIM_ON) {
		struct thread_state *t = &shim_tls;
		guard_enter(t);
		collector_lock();
		collector_drain_locked();
		maptab_refresh();
		collector_unlock();
		guard_leave(t);
	}
	return next ? next(handle) : -1;
}
