/* signals: the handlers. A handler for a signal that kills runs once per
 * process: the first such signal writes the profile, then every one of them
 * dies the default way (re-raised with the default action, so the exit
 * status is the signal's: 128+N to the shell). */
#include "signals.h"

#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>

#include "collector.h"
#include "config.h"
#include "nextsym.h"
#include "counters.h"
#include "dump.h"
#include "ownmaps.h"
#include "shim.h"

#define EXPORT __attribute__((visibility("default")))

/* Default action "terminate": a program that leaves them alone means to
 * die of them. The timer signals profilers use (SIGPROF, SIGVTALRM) and the
 * real-time ones are left out: libraries look for a free one by finding its
 * action still the default. */
static const int ending_signals[] = {SIGHUP, SIGINT, SIGPIPE, SIGALRM, SIGTERM, SIGUSR1, SIGUSR2};
/* Default action "core": faults, and the requests for a core dump. */
static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS,
				    SIGQUIT, SIGXCPU, SIGXFSZ};

typedef int (*sigaction_fn)(int, const struct sigaction *, struct sigaction *);
static sigaction_fn real_sigaction;

static int call_sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	if (!real_sigaction)
		real_sigaction = (sigaction_fn)nextsym("sigaction");
	return real_sigaction ? real_sigaction(sig, act, old) : -1;
}

/* A signal whose action the program leaves (or puts back) at the default
 * keeps the shim's handler, which ends the program as the default would;
 * the program is told the action is the default, as it set it. Programs put
 * SIGPIPE back to the default at start (git does, for the programs it runs),
 * and that must not take the profile away. */
enum { NSIG_MANAGED = 65 };
static _Atomic bool managed[NSIG_MANAGED];     /* ours installed, the program sees the default */
static struct sigaction program_view[NSIG_MANAGED]; /* what it set, or zero: SIG_DFL */
static struct sigaction ours[NSIG_MANAGED];         /* the handler to put back */

static void on_dump_signal(int sig)
{
	(void)sig;
	int saved = errno; /* a handler must leave errno as it found it */
	collector_request_dump();
	errno = saved;
}

static void die_by(int sig, int saved_errno)
{
	struct sigaction dfl;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	call_sigaction(sig, &dfl, NULL);
	sigset_t one;
	sigemptyset(&one);
	sigaddset(&one, sig);
	pthread_sigmask(SIG_UNBLOCK, &one, NULL);
	errno = saved_errno;
	raise(sig);
}

static bool first_fatal_signal(void)
{
	static atomic_int once;
	return !atomic_exchange(&once, 1) && shim_state == SHIM_ON && shim_is_owner();
}

static void on_crash_signal(int sig)
{
	int saved = errno;
	if (first_fatal_signal()) {
		struct thread_state *t = &shim_tls;
		guard_enter(t);
		shim_state = SHIM_FINAL;
		dump_write_crash(sig, true);
		guard_leave(t);
	}
	die_by(sig, saved);
}

/* A SIGPIPE the kernel raised in the program's own write (SI_USER from this
 * very process; a write never happens inside malloc) interrupted no
 * allocator: the full exit dump, with symbols, is safe there. Any other
 * ending signal may have landed inside malloc, holding its lock: that one is
 * written the crash way, without symbols, to be named offline. */
static void on_ending_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	int saved = errno;
	if (first_fatal_signal()) {
		struct thread_state *t = &shim_tls;
		bool clean = sig == SIGPIPE && si && si->si_code == SI_USER && si->si_pid == getpid() && t->guard == 0;
		guard_enter(t);
		shim_state = SHIM_FINAL;
		if (counters_stat_mode)
			counters_write_stat(true);
		else if (clean)
			dump_write_ending(sig);
		else
			dump_write_crash(sig, false);
		guard_leave(t);
	}
	die_by(sig, saved);
}

/* Only where the action is still the default: a handler the program
 * inherited or set first, or SIG_IGN, is left alone. */
static void install_if_default(int sig, const struct sigaction *sa)
{
	struct sigaction old;
	if (sig == config.dump_signal || sig >= NSIG_MANAGED)
		return;
	ours[sig] = *sa;
	if (call_sigaction(sig, NULL, &old) == 0 && !(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_DFL &&
	    call_sigaction(sig, sa, NULL) == 0) {
		memset(&program_view[sig], 0, sizeof(program_view[sig]));
		atomic_store(&managed[sig], true);
	}
}

/* The program's sigaction: for a signal the shim watches, a request for
 * the default keeps the shim's handler, anything else is the program's
 * and the shim steps aside; what was there before is reported as the
 * program knows it. */
EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *old);
EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	bool watched = sig > 0 && sig < NSIG_MANAGED && ours[sig].sa_handler && shim_state == SHIM_ON;
	if (!watched)
		return call_sigaction(sig, act, old);
	bool was_ours = atomic_load(&managed[sig]);
	struct sigaction before = program_view[sig];
	int rc;
	if (act && !(act->sa_flags & SA_SIGINFO) && act->sa_handler == SIG_DFL) {
		rc = call_sigaction(sig, &ours[sig], was_ours ? NULL : old);
		if (rc == 0) {
			program_view[sig] = *act;
			atomic_store(&managed[sig], true);
		}
	} else {
		rc = call_sigaction(sig, act, was_ours ? NULL : old);
		if (rc == 0 && act)
			atomic_store(&managed[sig], false);
	}
	if (rc == 0 && old && was_ours)
		*old = before;
	return rc;
}

/* The program's signal(): the C library's own, which knows siginterrupt,
 * except that a watched signal put back to the default keeps the shim's
 * handler (through sigaction above). */
EXPORT sighandler_t signal(int sig, sighandler_t handler);
EXPORT sighandler_t signal(int sig, sighandler_t handler)
{
	static sighandler_t (*real_signal)(int, sighandler_t);
	if (!real_signal)
		real_signal = (sighandler_t(*)(int, sighandler_t))nextsym("signal");
	bool watched = sig > 0 && sig < NSIG_MANAGED && ours[sig].sa_handler && shim_state == SHIM_ON;
	if (!real_signal || (watched && handler == SIG_DFL)) {
		struct sigaction act, old;
		memset(&act, 0, sizeof(act));
		act.sa_handler = handler;
		sigemptyset(&act.sa_mask);
		sigaddset(&act.sa_mask, sig);
		act.sa_flags = SA_RESTART; /* glibc's signal() is BSD's */
		if (sigaction(sig, &act, &old) < 0)
			return SIG_ERR;
		return old.sa_handler;
	}
	if (!watched)
		return real_signal(sig, handler);
	bool was_ours = atomic_load(&managed[sig]);
	sighandler_t before = program_view[sig].sa_handler;
	sighandler_t r = real_signal(sig, handler);
	if (r != SIG_ERR)
		atomic_store(&managed[sig], false);
	return r != SIG_ERR && was_ours ? before : r;
}

void signals_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	if (config.dump_signal) {
		sa.sa_handler = on_dump_signal;
		sa.sa_flags = SA_RESTART;
		call_sigaction(config.dump_signal, &sa, NULL);
	}
	if (config.on_term) {
		sa.sa_sigaction = on_ending_signal;
		sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
		for (size_t i = 0; i < sizeof(ending_signals) / sizeof(ending_signals[0]); i++)
			install_if_default(ending_signals[i], &sa);
	}
	if (config.on_crash) {
		memset(&sa, 0, sizeof(sa));
		sigemptyset(&sa.sa_mask);
		sa.sa_handler = on_crash_signal;
		sa.sa_flags = SA_ONSTACK | SA_NODEFER;
		for (size_t i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); i++)
			install_if_default(crash_signals[i], &sa);
		signals_thread_start();
	}
}

/* The dump runs on it: room for the profile's encoder and gzip, never for
 * the program's stack frames. */
enum { ALT_STACK_BYTES = 256 * 1024 };
static __thread void *alt_stack __attribute__((tls_model("initial-exec")));

void signals_thread_start(void)
{
	if (!config.on_crash || alt_stack)
		return;
	stack_t cur;
	if (sigaltstack(NULL, &cur) != 0 || !(cur.ss_flags & SS_DISABLE))
		return; /* the program has one of its own */
	void *p = mmap(NULL, ALT_STACK_BYTES, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	if (p == MAP_FAILED)
		return;
	stack_t ss = {.ss_sp = p, .ss_size = ALT_STACK_BYTES, .ss_flags = 0};
	if (sigaltstack(&ss, NULL) != 0) {
		munmap(p, ALT_STACK_BYTES);
		return;
	}
	alt_stack = p;
	ownmaps_note(p, ALT_STACK_BYTES);
}

void signals_thread_exit(void)
{
	if (!alt_stack)
		return;
	stack_t cur;
	if (sigaltstack(NULL, &cur) == 0 && cur.ss_sp == alt_stack && !(cur.ss_flags & SS_ONSTACK)) {
		stack_t off = {.ss_flags = SS_DISABLE};
		sigaltstack(&off, NULL);
		munmap(alt_stack, ALT_STACK_BYTES);
		ownmaps_forget(alt_stack);
	}
	alt_stack = NULL;
}
