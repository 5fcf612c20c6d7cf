/* attach: what differs when the shim starts late. The threads already
 * running get zeroed TLS from the loader (the shim's is initial-exec, from
 * the static TLS surplus) and take the slow path on their first call, as a
 * new thread does; the real functions are the program's own (nextsym.h);
 * no signal handler is installed; the collector thread starts on the first
 * sample as it does preloaded. Blocks allocated before the attach are in
 * no table: their frees find nothing and are ignored. */
#include "attach.h"

#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "collector.h"
#include "config.h"
#include "dump.h"
#include "inject.h"
#include "interpose.h"
#include "nextsym.h"
#include "shim.h"
#include "symbolize_hook.h"

#define EXPORT __attribute__((visibility("default")))

struct load_order {
	uintptr_t self, libc;
	int index, self_at, libc_at;
};

static int note_order(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	struct load_order *o = data;
	o->index++;
	if (inject_module_holds(info, o->self))
		o->self_at = o->index;
	if (inject_module_holds(info, o->libc))
		o->libc_at = o->index;
	return 0;
}

/* Preloaded objects come before every library the program needs, the C
 * library among them; a library dlopen'ed later comes after all of them. */
bool attach_loaded_late(void)
{
	extern void *__libc_malloc(size_t);
	struct load_order o = {(uintptr_t)attach_loaded_late, (uintptr_t)__libc_malloc, 0, 0, 0};
	dl_iterate_phdr(note_order, &o);
	return o.self_at && o.libc_at && o.self_at > o.libc_at;
}

/* The configuration, one "NAME=value" per line, split in place. */
static char conf_buf[16384];
static size_t conf_len;

static const char *conf_get(const char *name, void *ctx)
{
	(void)ctx;
	size_t n = strlen(name);
	for (size_t i = 0; i < conf_len; i += strlen(conf_buf + i) + 1)
		if (!strncmp(conf_buf + i, name, n) && conf_buf[i + n] == '=')
			return conf_buf + i + n + 1;
	return NULL;
}

EXPORT int allocprof_attach_start(const char *conf)
{
	static atomic_int used;
	if (!shim_loaded_late)
		return -EINVAL;
	if (atomic_exchange(&used, 1))
		return -EALREADY;
	conf_len = strlen(conf);
	if (conf_len >= sizeof(conf_buf))
		return -E2BIG;
	memcpy(conf_buf, conf, conf_len + 1);
	for (size_t i = 0; i < conf_len; i++)
		if (conf_buf[i] == '\n')
			conf_buf[i] = 0;
	config_load_from(conf_get, NULL);
	/* what needs a signal handler, a child's environment or a later dump
	 * belongs to a process started under the profiler; the program's
	 * stderr is its own */
	config.stat = false;
	config.dump_signal = 0;
	config.on_crash = false;
	config.on_term = false;
	config.interval_ns = 0;
	config.verbose = false;
	interpose_resolve_now();
	shim_start_attached();
	int n = inject_patch_all();
	if (n < 0) {
		shim_state = SHIM_FINAL;
		inject_restore_all();
	}
	return n;
}

/* The last profile, and the symbolizer's memory given back: libdw's came
 * from the program's allocator and is reachable only from the shim's own
 * mappings, so a leak checker in the program (LeakSanitizer) would report
 * it at exit and fail the run. */
static int write_and_close(void)
{
	int rc = dump_write(NULL, DUMP_API);
	shim_state = SHIM_FINAL;
	collector_lock();
	symbolize_hook_close();
	collector_unlock();
	return rc;
}

static void *closer_main(void *arg)
{
	*(int *)arg = write_and_close();
	return NULL;
}

EXPORT int allocprof_attach_stop(void)
{
	if (!shim_loaded_late || shim_state != SHIM_ON)
		return -EINVAL;
	struct thread_state *t = &shim_tls;
	guard_enter(t);
	inject_restore_all();
	/* calls that entered the shim before the restore still finish. The
	 * symbolizer's libraries keep thread-local state (dynamic TLS, which
	 * the loader allocates on a thread's first use): on a thread of its
	 * own it goes when the thread does, not with the program's thread gdb
	 * called this on (LeakSanitizer scans such blocks, and misreads
	 * some). */
	int rc = -EAGAIN;
	pthread_t th;
	if (pthread_create(&th, NULL, closer_main, &rc) == 0)
		pthread_join(th, NULL);
	else
		rc = write_and_close();
	collector_wake(); /* it sees the state and ends */
	guard_leave(t);
	return rc;
}

void attach_fork_child(void)
{
	if (shim_state != SHIM_ON)
		return; /* an inert copy of an earlier attach: nothing to undo */
	shim_state = SHIM_FINAL;
	inject_restore_in_child();
}
