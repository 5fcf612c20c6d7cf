/* interpose: the exported malloc family and C++ operators new/delete.
 *
 * Fast paths, in instructions: malloc is the forward plus one TLS
 * subtract-and-branch, and a test and two TLS adds for the exact counts;
 * free is a TLS add and test (the counts, and whether the thread takes the
 * plain way), a range test (bootstrap blocks), one bitmap load and the
 * forward; an exact-mode thread's test sends it to free_other, which
 * records it and forwards. Everything else is out of line and cold.
 *
 * Real functions are found with nextsym() on first use; until then the
 * pointers aim at *_early functions that resolve, and serve from the static
 * bootstrap arena while dlsym itself is allocating. */
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bootstrap.h"
#include "capture.h"
#include "collector.h"
#include "config.h"
#include "counters.h"
#include "event.h"
#include "exact.h"
#include "interpose.h"
#include "livetab.h"
#include "nextsym.h"
#include "sampler.h"
#include "shim.h"

#define EXPORT __attribute__((visibility("default")))
#define COLD __attribute__((noinline, cold))

__thread struct thread_state shim_tls __attribute__((tls_model("initial-exec")));

/* glibc's own entry points: the last resort if dlsym finds nothing */
extern void *__libc_malloc(size_t);
extern void __libc_free(void *);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static void *malloc_early(size_t n);
static void free_early(void *p);
static void *calloc_early(size_t n, size_t size);
static void *realloc_early(void *p, size_t n);
static int posix_memalign_early(void **pp, size_t align, size_t n);
static void *aligned_alloc_early(size_t align, size_t n);
static void *memalign_early(size_t align, size_t n);
static void *valloc_early(size_t n);
static void *pvalloc_early(size_t n);
static size_t malloc_usable_size_early(void *p);

static void *(*real_malloc)(size_t) = malloc_early;
static void (*real_free)(void *) = free_early;
static void *(*real_calloc)(size_t, size_t) = calloc_early;
static void *(*real_realloc)(void *, size_t) = realloc_early;
static int (*real_posix_memalign)(void **, size_t, size_t) = posix_memalign_early;
static void *(*real_aligned_alloc)(size_t, size_t) = aligned_alloc_early;
static void *(*real_memalign)(size_t, size_t) = memalign_early;
static void *(*real_valloc)(size_t) = valloc_early;
static void *(*real_pvalloc)(size_t) = pvalloc_early;
static size_t (*real_malloc_usable_size)(void *) = malloc_usable_size_early;

static atomic_int resolve_state; /* 0 not yet, 1 in progress, 2 done */
static atomic_uint_fast64_t thread_ordinal;

static void *lookup(const char *name, void *fallback)
{
	void *f = nextsym(name);
	return f ? f : fallback;
}

/* The next malloc is a sanitizer's (a program built with -fsanitize=address
 * or thread, its runtime linked in): the runtime mallocs while it sets up
 * its interceptors, and the shim must not start then, since its setup calls
 * functions those interceptors stand for before they know the real ones. */
static bool sanitizer_below;

static bool sanitizer_runtime(void *f)
{
	Dl_info di;
	if (!f || !dladdr(f, &di) || !di.dli_fname)
		return false;
	const char *base = strrchr(di.dli_fname, '/');
	base = base ? base + 1 : di.dli_fname;
	static const char *const names[] = {"libasan.", "libtsan.", "liblsan.", "libhwasan.", "libclang_rt."};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strncmp(base, names[i], strlen(names[i])))
			return true;
	return false;
}

/* Returns true once the real functions are known. */
static bool resolve(void)
{
	int expect = 0;
	if (atomic_load(&resolve_state) == 2)
		return true;
	if (!atomic_compare_exchange_strong(&resolve_state, &expect, 1))
		return atomic_load(&resolve_state) == 2; /* dlsym is allocating: use the arena */
	void *m = lookup("malloc", (void *)__libc_malloc);
	void *f = lookup("free", (void *)__libc_free);
	void *c = lookup("calloc", (void *)__libc_calloc);
	void *r = lookup("realloc", (void *)__libc_realloc);
	void *pm = lookup("posix_memalign", NULL);
	void *aa = lookup("aligned_alloc", NULL);
	void *ma = lookup("memalign", (void *)__libc_memalign);
	void *va = lookup("valloc", NULL);
	void *pv = lookup("pvalloc", NULL);
	void *us = lookup("malloc_usable_size", NULL);
	real_free = (void (*)(void *))f;
	real_calloc = (void *(*)(size_t, size_t))c;
	real_realloc = (void *(*)(void *, size_t))r;
	real_memalign = (void *(*)(size_t, size_t))ma;
	if (pm)
		real_posix_memalign = (int (*)(void **, size_t, size_t))pm;
	if (aa)
		real_aligned_alloc = (void *(*)(size_t, size_t))aa;
	if (va)
		real_valloc = (void *(*)(size_t))va;
	if (pv)
		real_pvalloc = (void *(*)(size_t))pv;
	if (us)
		real_malloc_usable_size = (size_t (*)(void *))us;
	sanitizer_below = sanitizer_runtime(m);
	real_malloc = (void *(*)(size_t))m; /* last: the fast path keys on it */
	atomic_store(&resolve_state, 2);
	return true;
}

bool interpose_sanitizer_below(void)
{
	return sanitizer_below;
}

void interpose_resolve_now(void)
{
	resolve();
}

static void *malloc_early(size_t n)
{
	if (resolve() && real_malloc != malloc_early)
		return real_malloc(n);
	return bootstrap_alloc(n, 16);
}

static void free_early(void *p)
{
	if (resolve() && real_free != free_early)
		real_free(p);
}

static void *calloc_early(size_t n, size_t size)
{
	if (resolve() && real_calloc != calloc_early)
		return real_calloc(n, size);
	size_t bytes;
	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return bootstrap_alloc(bytes, 16); /* static storage is zeroed */
}

static void *realloc_early(void *p, size_t n)
{
	if (resolve() && real_realloc != realloc_early)
		return real_realloc(p, n);
	void *q = bootstrap_alloc(n, 16);
	if (q && p && bootstrap_owns(p)) {
		size_t old = bootstrap_size(p);
		memcpy(q, p, old < n ? old : n);
	}
	return q;
}

static int posix_memalign_early(void **pp, size_t align, size_t n)
{
	if (resolve() && real_posix_memalign != posix_memalign_early)
		return real_posix_memalign(pp, align, n);
	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	void *p = real_memalign != memalign_early ? real_memalign(align, n) : bootstrap_alloc(n, align);
	if (!p)
		return ENOMEM;
	*pp = p;
	return 0;
}

static void *aligned_alloc_early(size_t align, size_t n)
{
	if (resolve() && real_aligned_alloc != aligned_alloc_early)
		return real_aligned_alloc(align, n);
	return real_memalign != memalign_early ? real_memalign(align, n) : bootstrap_alloc(n, align);
}

static void *memalign_early(size_t align, size_t n)
{
	if (resolve() && real_memalign != memalign_early)
		return real_memalign(align, n);
	return bootstrap_alloc(n, align);
}

static void *valloc_early(size_t n)
{
	if (resolve() && real_valloc != valloc_early)
		return real_valloc(n);
	return memalign_early(4096, n);
}

static void *pvalloc_early(size_t n)
{
	if (resolve() && real_pvalloc != pvalloc_early)
		return real_pvalloc(n);
	return memalign_early(4096, (n + 4095) & ~(size_t)4095);
}

static size_t malloc_usable_size_early(void *p)
{
	if (resolve() && real_malloc_usable_size != malloc_usable_size_early)
		return real_malloc_usable_size(p);
	return 0;
}

/* ---- the sampled path ---------------------------------------------------- */

static COLD void *sample_alloc(struct thread_state *t, void *p, size_t n, uint16_t flags)
{
	if (t->guard) {
		/* a signal landed between guard_enter's two stores: undo */
		t->countdown += (int64_t)n;
		return p;
	}
	if (shim_state != SHIM_ON) {
		/* under a sanitizer, only once the shim's constructor runs */
		if (shim_state == SHIM_OFF && (!sanitizer_below || shim_constructed))
			shim_init();
		if (shim_state != SHIM_ON) {
			if (shim_state == SHIM_OFF)
				t->countdown += (int64_t)n; /* another thread is initialising */
			else
				t->countdown = GUARD_COUNTDOWN; /* disabled or finished: never again */
			return p;
		}
	}
	if (counters_stat_mode) {
		t->countdown = 0; /* every allocation comes here, none is unwound */
		if (p)
			counters_stat_alloc(real_malloc_usable_size(p));
		return p;
	}
	if (!t->initialized) {
		t->initialized = true;
		t->tid = (uint32_t)syscall(SYS_gettid);
		t->rng = sampler_seed(config.seed, config.seeded,
				      atomic_fetch_add(&thread_ordinal, 1));
		t->errno_at = &errno;
		t->countdown = sampler_next_countdown(&t->rng, config.rate) - (int64_t)n;
		if (t->countdown > 0)
			return p;
	}
	t->countdown = sampler_next_countdown(&t->rng, config.rate);
	if (!p)
		return p; /* a failed allocation allocated nothing */
	guard_enter(t);
	collector_ensure_started();
	/* from now on (until a fork) the collector runs: capture_exact_alloc
	 * need not ask */
	t->exact_ready = exact_mode();
	capture_alloc(t, p, n, flags);
	guard_leave(t);
	return p;
}

/* Exact mode records every block: once a thread is set up (exact_ready),
 * its allocations and frees go straight to capture_exact_alloc / _free, out
 * of the cold path. Whatever sample_alloc and free_cold test first is
 * tested here too: the guard (a signal between guard_enter's stores), the
 * shim's state, the allocation's success; the thread's tally was listed
 * before exact_ready was set (alloc_cold, with the guard free). */
static inline bool exact_hot(const struct thread_state *t)
{
	return t->exact_ready && !t->guard && shim_state == SHIM_ON;
}

static void free_way(struct thread_state *t);

/* errno is the program's: what the shim does on the way (a first dlsym, the
 * unwinder, waking the collector) must not show. The real allocator's own
 * errno, set before we get here, is what comes back. */
static COLD void *alloc_cold(struct thread_state *t, void *p, size_t n, uint16_t flags)
{
	int saved = errno;
	if (unlikely(counters_tls.state == TALLY_NEW))
		counters_thread_start();
	p = sample_alloc(t, p, n, flags);
	free_way(t);
	errno = saved;
	return p;
}

/* Not cold, and nothing but a test and a jump on the way to either side: a
 * cold function saves every register it may use before its first test. */
static __attribute__((noinline)) void *alloc_slow(struct thread_state *t, void *p, size_t n,
						  uint16_t flags)
{
	if (likely(exact_hot(t)))
		return capture_exact_alloc(t, p, n, flags);
	return alloc_cold(t, p, n, flags);
}

/* A failed allocation (p NULL) never comes to alloc_slow: it is counted
 * nowhere, and alloc_cold sets the countdown again. */
static COLD void *account_failed(struct thread_state *t, size_t n, uint16_t flags)
{
	if ((t->countdown -= (int64_t)n) > 0)
		return NULL;
	return alloc_cold(t, NULL, n, flags);
}

static inline void *account(void *p, size_t n, uint16_t flags)
{
	struct thread_state *t = &shim_tls;
	if (unlikely(!p))
		return account_failed(t, n, flags);
	counters_alloc(p, n);
	if (likely((t->countdown -= (int64_t)n) > 0))
		return p;
	return alloc_slow(t, p, n, flags);
}

static COLD void free_cold(struct thread_state *t, void *p, uint16_t flags, void *caller)
{
	if (t->guard || shim_state != SHIM_ON)
		return;
	int saved = errno;
	if (counters_stat_mode) {
		counters_stat_free(real_malloc_usable_size(p));
		errno = saved;
		return;
	}
	guard_enter(t);
	capture_free(t, p, flags, (uint64_t)(uintptr_t)caller);
	guard_leave(t);
	errno = saved;
}

/* p may be a sampled block (always, in exact mode): as alloc_slow. */
static __attribute__((noinline)) void free_slow(void *p, uint16_t flags, void *caller)
{
	struct thread_state *t = &shim_tls;
	if (likely(exact_hot(t) && p))
		return capture_exact_free(t, p, flags, (uint64_t)(uintptr_t)caller);
	return free_cold(t, p, flags, caller);
}

/* ---- the C allocator -------------------------------------------------------- */

EXPORT void *malloc(size_t n)
{
	return account(real_malloc(n), n, 0);
}

/* free()'s one test (counters.h: free_plain) is true only for a thread
 * that is listed and not recording every free. It is set false where
 * exact_ready becomes true, and true again only from here: a stale false
 * costs free a detour, never a missed record. */
static void free_way(struct thread_state *t)
{
	counters_tls.free_plain = counters_tls.state != TALLY_NEW && !t->exact_ready;
}

/* The other ways of free: a thread's first free when it has not allocated
 * yet (listed, then freed, without its caller as before), or a free in exact
 * mode that cannot take the short way. */
static COLD void free_detour(void *p, void *caller)
{
	struct thread_state *t = &shim_tls;
	if (counters_tls.state == TALLY_NEW) {
		counters_thread_start();
		caller = NULL;
	}
	free_way(t);
	if (bootstrap_owns(p))
		return;
	if (livetab_maybe(p))
		free_slow(p, 0, caller);
	real_free(p);
}

static COLD void free_exact_full(struct thread_state *t, void *p, void *caller)
{
	capture_exact_free_full(t, p, 0, (uint64_t)(uintptr_t)caller);
	real_free(p);
}

/* free's sampled way (the block's page has a sampled block) */
static __attribute__((noinline)) void free_sampled(void *p, void *caller)
{
	free_slow(p, 0, caller);
	real_free(p);
}

/* Exact mode's free, reached by free()'s one test and a jump: the record
 * goes straight to the ring (no frame, no call on the way), and whatever
 * the short way cannot do, free_detour does. A free of NULL or of a
 * bootstrap block records nothing. */
static __attribute__((noinline)) void free_other(void *p, void *caller)
{
	struct thread_state *t = &shim_tls;
	if (likely(exact_hot(t) && p && !bootstrap_owns(p))) {
		if (unlikely(!capture_exact_free_short(t, p, 0, (uint64_t)(uintptr_t)caller)))
			return free_exact_full(t, p, caller);
		return real_free(p);
	}
	return free_detour(p, caller);
}

EXPORT void free(void *p)
{
	if (unlikely(counters_free_detour(p)))
		return free_other(p, __builtin_return_address(0));
	if (unlikely(bootstrap_owns(p)))
		return;
	if (unlikely(livetab_maybe(p)))
		return free_sampled(p, __builtin_return_address(0));
	real_free(p);
}

EXPORT void *calloc(size_t n, size_t size)
{
	size_t bytes;
	if (unlikely(__builtin_mul_overflow(n, size, &bytes)))
		return real_calloc(n, size); /* fails with ENOMEM as it should */
	return account(real_calloc(n, size), bytes, 0);
}

static inline __attribute__((always_inline)) void *realloc_impl(void *p, size_t n)
{
	if (!p)
		return account(real_malloc(n), n, 0);
	if (unlikely(bootstrap_owns(p))) {
		void *q = real_malloc(n);
		if (q) {
			size_t old = bootstrap_size(p);
			memcpy(q, p, old < n ? old : n);
		}
		return account(q, n, 0);
	}
	/* leave the live set before the block can be reused by anyone; a block
	 * we did not sample has an unknown past: count this move as its first */
	shim_tls.realloc_depth = 1;
	if (unlikely(livetab_maybe(p)))
		free_slow(p, EVENT_REALLOC, __builtin_return_address(0));
	void *q = real_realloc(p, n);
	if (unlikely(counters_free(q || n == 0 ? p : NULL))) /* a failed realloc keeps p */
		counters_thread_start();
	if (n == 0)
		return q; /* realloc(p, 0) frees p */
	return account(q, n, EVENT_REALLOC);
}

EXPORT void *realloc(void *p, size_t n)
{
	return realloc_impl(p, n);
}

EXPORT void *reallocarray(void *p, size_t n, size_t size)
{
	size_t bytes;
	if (__builtin_mul_overflow(n, size, &bytes)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc_impl(p, bytes);
}

EXPORT int posix_memalign(void **pp, size_t align, size_t n)
{
	int rc = real_posix_memalign(pp, align, n);
	if (rc == 0)
		account(*pp, n, 0);
	return rc;
}

EXPORT void *aligned_alloc(size_t align, size_t n)
{
	return account(real_aligned_alloc(align, n), n, 0);
}

EXPORT void *memalign(size_t align, size_t n)
{
	return account(real_memalign(align, n), n, 0);
}

EXPORT void *valloc(size_t n)
{
	return account(real_valloc(n), n, 0);
}

EXPORT void *pvalloc(size_t n)
{
	return account(real_pvalloc(n), n, 0);
}

EXPORT size_t malloc_usable_size(void *p)
{
	if (unlikely(bootstrap_owns(p)))
		return bootstrap_size(p);
	return real_malloc_usable_size(p);
}

/* ---- C++ operators ------------------------------------------------------------
 * Interposed so that the leaf of a stack is the `new` expression and so that
 * allocators whose operator new does not go through malloc (tcmalloc) are
 * still seen. The real operator runs with the guard held: its inner malloc is
 * forwarded untouched and not counted twice. If it throws, the cleanup
 * attribute releases the guard during unwinding (-fexceptions). */

static void *next_operator(const char *name)
{
	return nextsym(name);
}

static void guard_cleanup(struct thread_state **t)
{
	guard_leave(*t);
}

#define GUARDED(expr)                                                                  \
	({                                                                             \
		struct thread_state *g_ __attribute__((cleanup(guard_cleanup))) = &shim_tls; \
		guard_enter(g_);                                                        \
		expr;                                                                   \
	})

typedef void *(*new_fn)(size_t);
typedef void *(*new_nt_fn)(size_t, const void *);
typedef void *(*new_al_fn)(size_t, size_t);
typedef void *(*new_al_nt_fn)(size_t, size_t, const void *);

static void *fallback_new(size_t n) { return real_malloc(n ? n : 1); }
static void *fallback_new_nt(size_t n, const void *nt) { (void)nt; return real_malloc(n ? n : 1); }
static void *fallback_new_al(size_t n, size_t al) { return real_memalign(al, n ? n : 1); }
static void *fallback_new_al_nt(size_t n, size_t al, const void *nt) { (void)nt; return real_memalign(al, n ? n : 1); }

#define DEFINE_NEW(sym, type, fallback, params, args, size)                    \
	EXPORT void *sym params;                                               \
	EXPORT void *sym params                                                \
	{                                                                      \
		static type next;                                              \
		if (unlikely(!next)) {                                         \
			type f = (type)next_operator(#sym);                    \
			next = f ? f : fallback;                               \
		}                                                              \
		void *p = GUARDED(next args);                                  \
		return account(p, size, 0);                                    \
	}

DEFINE_NEW(_Znwm, new_fn, fallback_new, (size_t n), (n), n)
DEFINE_NEW(_Znam, new_fn, fallback_new, (size_t n), (n), n)
DEFINE_NEW(_ZnwmRKSt9nothrow_t, new_nt_fn, fallback_new_nt, (size_t n, const void *nt), (n, nt), n)
DEFINE_NEW(_ZnamRKSt9nothrow_t, new_nt_fn, fallback_new_nt, (size_t n, const void *nt), (n, nt), n)
DEFINE_NEW(_ZnwmSt11align_val_t, new_al_fn, fallback_new_al, (size_t n, size_t al), (n, al), n)
DEFINE_NEW(_ZnamSt11align_val_t, new_al_fn, fallback_new_al, (size_t n, size_t al), (n, al), n)
DEFINE_NEW(_ZnwmSt11align_val_tRKSt9nothrow_t, new_al_nt_fn, fallback_new_al_nt,
	   (size_t n, size_t al, const void *nt), (n, al, nt), n)
DEFINE_NEW(_ZnamSt11align_val_tRKSt9nothrow_t, new_al_nt_fn, fallback_new_al_nt,
	   (size_t n, size_t al, const void *nt), (n, al, nt), n)

typedef void (*del_fn)(void *);
typedef void (*del_sz_fn)(void *, size_t);
typedef void (*del_nt_fn)(void *, const void *);
typedef void (*del_sz_al_fn)(void *, size_t, size_t);
typedef void (*del_al_nt_fn)(void *, size_t, const void *);

static void fallback_del(void *p) { free(p); }
static void fallback_del_sz(void *p, size_t n) { (void)n; free(p); }
static void fallback_del_nt(void *p, const void *nt) { (void)nt; free(p); }
static void fallback_del_sz_al(void *p, size_t n, size_t al) { (void)n; (void)al; free(p); }
static void fallback_del_al_nt(void *p, size_t al, const void *nt) { (void)al; (void)nt; free(p); }

#define DEFINE_DELETE(sym, type, fallback, params, args)                       \
	EXPORT void sym params;                                                \
	EXPORT void sym params                                                 \
	{                                                                      \
		static type next;                                              \
		if (unlikely(!next)) {                                         \
			type f = (type)next_operator(#sym);                    \
			next = f ? f : fallback;                               \
		}                                                              \
		if (unlikely(livetab_maybe(p))) {                              \
			/* the free inside runs guarded, uncounted */          \
			if (counters_free(p))                                  \
				counters_thread_start();                       \
			free_slow(p, 0, __builtin_return_address(0));          \
			GUARDED(next args);                                    \
			return;                                                \
		}                                                              \
		next args;                                                     \
	}

DEFINE_DELETE(_ZdlPv, del_fn, fallback_del, (void *p), (p))
DEFINE_DELETE(_ZdaPv, del_fn, fallback_del, (void *p), (p))
DEFINE_DELETE(_ZdlPvm, del_sz_fn, fallback_del_sz, (void *p, size_t n), (p, n))
DEFINE_DELETE(_ZdaPvm, del_sz_fn, fallback_del_sz, (void *p, size_t n), (p, n))
DEFINE_DELETE(_ZdlPvRKSt9nothrow_t, del_nt_fn, fallback_del_nt, (void *p, const void *nt), (p, nt))
DEFINE_DELETE(_ZdaPvRKSt9nothrow_t, del_nt_fn, fallback_del_nt, (void *p, const void *nt), (p, nt))
DEFINE_DELETE(_ZdlPvSt11align_val_t, del_sz_fn, fallback_del_sz, (void *p, size_t al), (p, al))
DEFINE_DELETE(_ZdaPvSt11align_val_t, del_sz_fn, fallback_del_sz, (void *p, size_t al), (p, al))
DEFINE_DELETE(_ZdlPvmSt11align_val_t, del_sz_al_fn, fallback_del_sz_al,
	      (void *p, size_t n, size_t al), (p, n, al))
DEFINE_DELETE(_ZdaPvmSt11align_val_t, del_sz_al_fn, fallback_del_sz_al,
	      (void *p, size_t n, size_t al), (p, n, al))
DEFINE_DELETE(_ZdlPvSt11align_val_tRKSt9nothrow_t, del_al_nt_fn, fallback_del_al_nt,
	      (void *p, size_t al, const void *nt), (p, al, nt))
DEFINE_DELETE(_ZdaPvSt11align_val_tRKSt9nothrow_t, del_al_nt_fn, fallback_del_al_nt,
	      (void *p, size_t al, const void *nt), (p, al, nt))
