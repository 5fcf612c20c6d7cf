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
/* The process the shim's state belongs to. A vfork child shares our memory
 * but has another pid: it must never dump (see shim_exit_dump). */
static pid_t shim_pid;
typedef void (*exit_fn)(int);
static exit_fn real__exit, real__Exit;

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
	shim_pid = getpid();
	if (t->initialized)
		t->tid = (uint32_t)syscall(SYS_gettid);
	ring_after_fork_child(t->ring);
	capture_after_fork();
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

static void on_dump_signal(int sig)
{
	(void)sig;
	collector_request_dump();
}

static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP,
				    SIGTERM, SIGINT, SIGQUIT, SIGHUP};

static void on_crash_signal(int sig)
{
	static atomic_int once;
	int saved = errno;
	if (!atomic_exchange(&once, 1) && shim_state == SHIM_ON && getpid() == shim_pid) {
		struct thread_state *t = &shim_tls;
		guard_enter(t);
		shim_state = SHIM_FINAL;
		dump_write_crash(sig);
		guard_leave(t);
	}
	/* die the way the signal would have killed us */
	signal(sig, SIG_DFL);
	errno = saved;
	raise(sig);
}

static void install_handlers(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	if (config.dump_signal) {
		sa.sa_handler = on_dump_signal;
		sa.sa_flags = SA_RESTART;
		sigaction(config.dump_signal, &sa, NULL);
	}
	if (config.on_crash) {
		sa.sa_handler = on_crash_signal;
		sa.sa_flags = SA_ONSTACK | SA_NODEFER;
		for (size_t i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); i++) {
			struct sigaction old;
			/* a handler the program inherited or set first is left alone */
			if (sigaction(crash_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL &&
			    crash_signals[i] != config.dump_signal)
				sigaction(crash_signals[i], &sa, NULL);
		}
	}
}

void shim_init(void)
{
	int expect = 0;
	if (!atomic_compare_exchange_strong(&init_state, &expect, 1))
		return;
	struct thread_state *t = &shim_tls;
	guard_enter(t);
	config_load();
	real__exit = (exit_fn)dlsym(RTLD_NEXT, "_exit");
	real__Exit = (exit_fn)dlsym(RTLD_NEXT, "_Exit");
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
		shim_pid = getpid();
		arena_install();
		unwind_init();
		capture_init();
		pthread_atfork(fork_prepare, fork_parent, fork_child);
		shim_start_wall_ns = clock_ns(CLOCK_REALTIME);
		shim_start_mono_ns = clock_ns(CLOCK_MONOTONIC);
		shim_state = SHIM_ON;
		install_handlers();
		if (config.interval_ns || config.dump_signal)
			collector_start(); /* the dumps come from its thread */
	}
	atomic_store(&init_state, 2);
	guard_leave(t);
}

__attribute__((constructor)) static void shim_constructor(void)
{
	shim_init();
}

/* The end of the process: exit, return from main, or _exit. Once only. */
static void shim_exit_dump(void)
{
	if (shim_state != SHIM_ON || getpid() != shim_pid)
		return;
	struct thread_state *t = &shim_tls;
	guard_enter(t);
	shim_state = SHIM_FINAL;
	dump_write(NULL, DUMP_EXIT);
	guard_leave(t);
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

EXPORT int allocprof_dump(const char *path)
{
	if (shim_state != SHIM_ON)
		return -ENOSYS;
	struct thread_state *t = &shim_tls;
	guard_enter(t);
	int rc = dump_write(path && *path ? path : NULL, DUMP_API);
	guard_leave(t);
	return rc;
}

EXPORT int dlclose(void *handle);
EXPORT int dlclose(void *handle)
{
	static int (*next)(void *);
	if (!next)
		next = (int (*)(void *))dlsym(RTLD_NEXT, "dlclose");
	if (shim_state == SHIM_ON) {
		struct thread_state *t = &shim_tls;
		guard_enter(t);
		collector_lock();
		collector_drain_all_locked();
		maptab_refresh();
		collector_unlock();
		guard_leave(t);
	}
	return next ? next(handle) : -1;
}
