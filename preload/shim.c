/* shim: process lifecycle of liballocprof.so: initialisation (constructor or
 * first slow path), fork handlers, the dumps at exit, _exit, on a signal,
 * on a crash and through the public API, and dlclose, which must let the
 * collector see a library's mappings before they disappear. */
#include "shim.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "allocprof.h"
#include "../src/buildid.h"
#include "arena.h"
#include "attach.h"
#include "capture.h"
#include "collector.h"
#include "interpose.h"
#include "peakwatch.h"
#include "config.h"
#include "counters.h"
#include "dump.h"
#include "exact.h"
#include "labels.h"
#include "livetab.h"
#include "log.h"
#include "maptab.h"
#include "nextsym.h"
#include "ring.h"
#include "signals.h"
#include "symbolize_hook.h"
#include "unwind.h"

#define EXPORT __attribute__((visibility("default")))

volatile int shim_state = SHIM_OFF;
volatile bool shim_constructed;
uint64_t shim_start_wall_ns, shim_start_mono_ns;
static atomic_int init_state; /* 0 not yet, 1 in progress, 2 done */
/* The process the shim's state belongs to. A vfork child shares our memory
 * but has another pid: it must never dump (see shim_exit_dump). */
static pid_t shim_pid;
typedef void (*exit_fn)(int);
static exit_fn real__exit, real__Exit;

bool shim_is_owner(void)
{
	return getpid() == shim_pid;
}

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
	labels_fork_child();
	shim_pid = getpid();
	if (t->initialized || t->tid)
		t->tid = (uint32_t)syscall(SYS_gettid);
	ring_after_fork_child(t->ring);
	capture_fork_child(t);
	/* the collector thread did not survive: the next sample's slow path
	 * starts it again */
	t->exact_ready = false;
	if (shim_loaded_late)
		attach_fork_child();
	guard_leave(t);
}

static uint64_t clock_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* ALLOCPROF_CHILDREN=0: take ourselves out of LD_PRELOAD, so programs this
 * one starts run without the shim. The variable is rewritten in place (it
 * only shrinks), which needs no allocation. */
static void scrub_ld_preload(void)
{
	char *v = getenv("LD_PRELOAD");
	if (!v)
		return;
	char *out = v;
	for (char *s = v; *s;) {
		while (*s == ' ' || *s == ':')
			s++;
		char *e = s;
		while (*e && *e != ' ' && *e != ':')
			e++;
		size_t n = (size_t)(e - s);
		const char *base = s;
		for (char *q = s; q < e; q++)
			if (*q == '/')
				base = q + 1;
		bool ours = (size_t)(e - base) == strlen("liballocprof.so") && !strncmp(base, "liballocprof.so", (size_t)(e - base));
		if (n && !ours) {
			if (out != v)
				*out++ = ' ';
			memmove(out, s, n);
			out += n;
		}
		s = e;
	}
	*out = 0;
}

/* What both starts share: the preloaded one and allocprof attach's. */
static void start_recording(void)
{
	shim_pid = getpid();
	arena_install();
	unwind_init();
	capture_init();
	counters_init();
	pthread_atfork(fork_prepare, fork_parent, fork_child);
	shim_start_wall_ns = clock_ns(CLOCK_REALTIME);
	shim_start_mono_ns = clock_ns(CLOCK_MONOTONIC);
	shim_state = SHIM_ON;
}

void shim_start_attached(void)
{
	struct thread_state *t = &shim_tls;
	guard_enter(t);
	atomic_store(&init_state, 2);
	real__exit = (exit_fn)nextsym("_exit");
	real__Exit = (exit_fn)nextsym("_Exit");
	start_recording();
	guard_leave(t);
}

void shim_init(void)
{
	int expect = 0;
	if (shim_loaded_late)
		return; /* attach.c starts it, once it has its configuration */
	if (!atomic_compare_exchange_strong(&init_state, &expect, 1))
		return;
	struct thread_state *t = &shim_tls;
	guard_enter(t);
	config_load();
	real__exit = (exit_fn)nextsym("_exit");
	real__Exit = (exit_fn)nextsym("_Exit");
	if (!config.children)
		scrub_ld_preload();
	struct elf_facts exe;
	if (elf_facts_path("/proc/self/exe", &exe) == 0 && exe.go)
		log_line("%s is a Go program: the Go runtime manages its heap and exits without C exit "
			 "handlers, so only its C (cgo) allocations are seen, written with ALLOCPROF_INTERVAL "
			 "or ALLOCPROF_SIGNAL; for the Go heap use runtime/pprof", program_invocation_short_name);
	if (getauxval(AT_SECURE)) {
		log_line("not profiling a setuid or setgid program");
		shim_state = SHIM_DISABLED;
	} else {
		start_recording();
		signals_install();
		if (config.interval_ns || config.dump_signal || peakwatch_enabled())
			collector_start(); /* the dumps come from its thread */
	}
	atomic_store(&init_state, 2);
	guard_leave(t);
}

__attribute__((constructor)) static void shim_constructor(void)
{
	int saved = errno;
	shim_constructed = true;
	shim_loaded_late = attach_loaded_late();
	shim_init();
	errno = saved;
}

/* The end of the process: exit, return from main, or _exit. Once only. */
static void shim_exit_dump(void)
{
	if (shim_state != SHIM_ON || getpid() != shim_pid)
		return;
	int saved = errno; /* atexit handlers and destructors after ours read it */
	struct thread_state *t = &shim_tls;
	guard_enter(t);
	shim_state = SHIM_FINAL;
	if (counters_stat_mode)
		counters_write_stat(false);
	else
		dump_write(NULL, DUMP_EXIT);
	if (interpose_sanitizer_below()) {
		/* the symbolizer's memory is the program's heap, held only from
		 * the shim's mappings: LeakSanitizer would report it */
		collector_lock();
		symbolize_hook_close();
		collector_unlock();
	}
	if (config.unwinder == UNWINDER_CHECK) {
		struct capture_stats cs;
		capture_get_stats(&cs);
		/* sampled mode keeps no chains: every stack is unwound */
		uint64_t unwound = exact_mode() ? cs.unwind_misses
						: cs.unwind_walk.walked + cs.unwind_walk.fallbacks;
		log_line("unwind check: %llu stacks compared with libunwind's, %llu differ; of %llu "
			 "unwound, %llu by CFI (%llu frames stepped, %llu read back) and %llu left to "
			 "libunwind",
			 (unsigned long long)cs.unwind_walk.checked, (unsigned long long)cs.unwind_walk.differ,
			 (unsigned long long)unwound, (unsigned long long)cs.unwind_walk.walked,
			 (unsigned long long)cs.unwind_walk.stepped, (unsigned long long)cs.unwind_walk.reused,
			 (unsigned long long)cs.unwind_walk.fallbacks);
	}
	guard_leave(t);
	errno = saved;
}

__attribute__((destructor)) static void shim_destructor(void)
{
	shim_exit_dump();
}

EXPORT void _exit(int status);
EXPORT void _exit(int status)
{
	shim_exit_dump();
	if (real__exit)
		real__exit(status);
	syscall(SYS_exit_group, status);
	__builtin_unreachable();
}

EXPORT void _Exit(int status);
EXPORT void _Exit(int status)
{
	shim_exit_dump();
	if (real__Exit)
		real__Exit(status);
	syscall(SYS_exit_group, status);
	__builtin_unreachable();
}

/* quick_exit skips atexit handlers and destructors, not the profile. */
EXPORT void quick_exit(int status);
EXPORT void quick_exit(int status)
{
	static void (*next)(int);
	if (!next)
		next = (void (*)(int))nextsym("quick_exit");
	shim_exit_dump();
	if (next)
		next(status);
	syscall(SYS_exit_group, status);
	__builtin_unreachable();
}

EXPORT int allocprof_dump(const char *path)
{
	if (shim_state != SHIM_ON)
		return -ENOSYS;
	struct thread_state *t = &shim_tls;
	int saved = errno; /* the result says how it went */
	guard_enter(t);
	int rc = dump_write(path && *path ? path : NULL, DUMP_API);
	guard_leave(t);
	errno = saved;
	return rc;
}

EXPORT int dlclose(void *handle);
EXPORT int dlclose(void *handle)
{
	static int (*next)(void *);
	if (!next)
		next = (int (*)(void *))nextsym("dlclose");
	if (shim_state == SHIM_ON) {
		int saved = errno;
		struct thread_state *t = &shim_tls;
		guard_enter(t);
		collector_lock();
		collector_drain_all_locked();
		maptab_refresh();
		collector_unlock();
		guard_leave(t);
		errno = saved;
	}
	int rc = next ? next(handle) : -1;
	unwind_code_unmapped();
	return rc;
}
