/* symbolize_hook: the shim's symbolizer, one for the life of the process, so
 * a later dump pays only for addresses no earlier dump has seen. It runs in
 * live mode: debug info is looked for on this machine only and nothing is
 * dlopened, because the dump holds the collector lock. */
#include "symbolize_hook.h"

#include <errno.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "../src/symbolize.h"
#include "config.h"
#include "log.h"

static struct symbolizer *sym;
static bool closed;

static void note(void *ctx, const char *msg)
{
	(void)ctx;
	if (config.verbose)
		log_line("symbolize: %s", msg);
}

/* What libdw may take to read the mappings' files: their debug info is
 * parsed into memory of its own, a few times the files' sizes. */
static size_t bytes_needed(const struct profile *p)
{
	size_t need = (size_t)64 << 20;
	for (size_t i = 0; i < p->nmappings; i++) {
		struct stat st;
		const char *path = profile_str(p, p->mappings[i].filename);
		if (path[0] == '/' && stat(path, &st) == 0 && S_ISREG(st.st_mode))
			need += 3 * (size_t)st.st_size;
	}
	return need;
}

/* libdw cannot fail softly when memory runs out: its allocator calls
 * error(EXIT_FAILURE), which turns the program's exit status into 1, and
 * some of its paths crash instead (seen under `ulimit -v`). So names are
 * added only when the address space has room for what it may take: a
 * mapping of that size, writable and private as its heap is, must be
 * possible (RLIMIT_AS, RLIMIT_DATA and strict overcommit all refuse it);
 * it is given back at once and no page of it is touched. */
static bool memory_has_room(size_t bytes)
{
	void *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		return false;
	munmap(m, bytes);
	return true;
}

int symbolize_hook(struct profile *p)
{
	if (closed || !memory_has_room(bytes_needed(p)))
		return -ENOMEM;
	if (!sym) {
		struct symbolize_options o = {.live = true, .note = note};
		sym = symbolizer_new(&o);
		if (!sym)
			return -ENOMEM;
	}
	return symbolizer_run(sym, p, NULL) < 0 ? -ENOMEM : 0;
}

void symbolize_hook_close(void)
{
	closed = true;
	if (sym)
		symbolizer_free(sym);
	sym = NULL;
}
