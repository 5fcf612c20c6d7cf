/* harness: the shim's concurrent machinery without its interposers: threads
 * that sample allocations and free each other's blocks through capture.c
 * (rings, live set), the collector thread, periodic dumps from a third party,
 * threads exiting and new ones reusing their rings. Built as a plain test
 * and, in a ThreadSanitizer build, as the race check of that code.
 * usage: harness THREADS ROUNDS OUTDIR */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../preload/arena.h"
#include "../../preload/capture.h"
#include "../../preload/collector.h"
#include "../../preload/config.h"
#include "../../preload/dump.h"
#include "../../preload/shim.h"
#include "../../preload/signals.h"
#include "../../preload/stacktab.h"
#include "../../preload/symbolize_hook.h"
#include "../../preload/unwind.h"

/* what interpose.c and shim.c would provide */
__thread struct thread_state shim_tls __attribute__((tls_model("initial-exec")));
volatile int shim_state = SHIM_ON;
uint64_t shim_start_wall_ns, shim_start_mono_ns;
void shim_init(void) {}
int symbolize_hook(struct profile *p) { (void)p; return 0; }
void signals_thread_start(void) {}
void signals_thread_exit(void) {}

/* libunwind is not what is under test here (and its thread-exit destructor
 * does not survive ThreadSanitizer): stacks are made up, 8 distinct ones */
static __thread unsigned stack_choice;
void unwind_init(void) {}
void unwind_code_unmapped(void) {}
bool unwind_is_own(uint64_t pc) { (void)pc; return false; }
size_t unwind_cache_bytes(unsigned max) { (void)max; return 64; }
void unwind_cache_reset(struct unwind_cache *c) { (void)c; }
void unwind_cache_stats(const struct unwind_cache *c, uint64_t *h, uint64_t *m, uint64_t *w) { (void)c; *h = *m = *w = 0; }
void unwind_cache_walk_stats(const struct unwind_cache *c, struct unwind_walk_stats *s) { (void)c; (void)s; }
uint64_t unwind_hash(const uint64_t *frames, unsigned n, bool truncated)
{
	uint64_t h = n + truncated;
	for (unsigned i = 0; i < n; i++)
		h = (h ^ frames[i]) * 0xff51afd7ed558ccdULL;
	return h;
}
unsigned unwind_stack(uint64_t *frames, unsigned max, bool *truncated, uint64_t *hash, struct unwind_cache *c)
{
	(void)c;
	unsigned n = 3 + stack_choice % 8;
	if (n > max)
		n = max;
	for (unsigned i = 0; i < n; i++)
		frames[i] = 0x400000 + 16 * (stack_choice % 8) + i;
	*truncated = false;
	*hash = unwind_hash(frames, n, false);
	return n;
}

unsigned unwind_stack_at(uint64_t *frames, unsigned max, bool *truncated, uint64_t *hash, struct unwind_cache *c,
			 uint64_t anchor)
{
	(void)anchor;
	return unwind_stack(frames, max, truncated, hash, c);
}
bool unwind_lookup_ready(void) { return false; }
struct unwind_chain *unwind_lookup(struct unwind_cache *c, uint64_t anchor)
{
	(void)c;
	(void)anchor;
	return NULL;
}
unsigned unwind_missed(uint64_t *frames, unsigned max, bool *truncated, uint64_t *hash, struct unwind_cache *c,
		       uint64_t anchor)
{
	return unwind_stack_at(frames, max, truncated, hash, c, anchor);
}

enum { SLOTS = 1024, PER_ROUND = 2000 };
static _Atomic uintptr_t slots[SLOTS];
static atomic_uintptr_t next_addr = 0x100000;
static atomic_long allocated, freed;
static int rounds;

static __attribute__((noinline)) void sample_one(struct thread_state *t, unsigned r)
{
	/* fake, never dereferenced, 16-byte aligned, never reused */
	uintptr_t p = atomic_fetch_add(&next_addr, 16);
	stack_choice = r;
	guard_enter(t);
	capture_alloc(t, (void *)p, 16 + r % 512, 0);
	guard_leave(t);
	atomic_fetch_add(&allocated, 1);
	uintptr_t old = atomic_exchange(&slots[r % SLOTS], p);
	if (old) {
		guard_enter(t);
		capture_free(t, (void *)old, 0, 0);
		guard_leave(t);
		atomic_fetch_add(&freed, 1);
	}
}

static void *worker(void *arg)
{
	struct thread_state *t = &shim_tls;
	t->tid = (uint32_t)syscall(SYS_gettid);
	t->initialized = true;
	unsigned seed = (unsigned)(uintptr_t)arg;
	for (int i = 0; i < PER_ROUND; i++)
		sample_one(t, (unsigned)rand_r(&seed));
	guard_enter(t);
	capture_thread_exit(t);
	guard_leave(t);
	return NULL;
}

static atomic_int stop_dumps;
static const char *outdir;

static void *dumper(void *arg)
{
	(void)arg;
	struct thread_state *t = &shim_tls;
	char path[512];
	for (int n = 0; !stop_dumps; n++) {
		snprintf(path, sizeof(path), "%s/mid.%d.pb.gz", outdir, n);
		guard_enter(t);
		dump_write(path, DUMP_API);
		guard_leave(t);
		usleep(20000);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int nthreads = argc > 1 ? atoi(argv[1]) : 8;
	rounds = argc > 2 ? atoi(argv[2]) : 5;
	outdir = argc > 3 ? argv[3] : "/tmp";
	config_load();
	config.rate = 1; /* every event, and the collector thread runs */
	config.symbolize = false;
	arena_install();
	capture_init();
	collector_start();
	pthread_t d;
	pthread_create(&d, NULL, dumper, NULL);
	/* waves of threads: later waves reuse the rings of earlier ones */
	for (int r = 0; r < rounds; r++) {
		pthread_t t[64];
		for (int i = 0; i < nthreads && i < 64; i++)
			pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)(r * 64 + i + 1));
		for (int i = 0; i < nthreads && i < 64; i++)
			pthread_join(t[i], NULL);
	}
	stop_dumps = 1;
	pthread_join(d, NULL);

	collector_drain_now(true);
	double objects = 0, inuse = 0;
	collector_lock();
	for (size_t i = 0; i < stacktab_count(); i++) {
		objects += stacktab_at(i)->alloc_objects;
		inuse += stacktab_inuse_objects(stacktab_at(i));
	}
	collector_unlock();
	long live = 0;
	for (int i = 0; i < SLOTS; i++)
		live += atomic_load(&slots[i]) != 0;
	struct capture_stats cs;
	capture_get_stats(&cs);
	printf("allocated %ld recorded %.0f\n", (long)allocated, objects);
	printf("live %ld in-use %.0f\n", live, inuse);
	printf("drops %llu\n", (unsigned long long)cs.drops);
	int ok = (long)objects == allocated && (long)inuse == live && cs.drops == 0;
	printf("%s\n", ok ? "consistent" : "INCONSISTENT");
	return ok ? 0 : 1;
}
