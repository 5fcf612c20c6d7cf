/* symbolize_hook: the shim's symbolizer, one for the life of the process, so
 * a later dump pays only for addresses no earlier dump has seen. It runs in
 * live mode: debug info is looked for on this machine only and nothing is
 * dlopened, because the dump holds the collector lock. */
#include "symbolize_hook.h"

#include "../src/symbolize.h"
#include "config.h"
#include "log.h"

static struct symbolizer *sym;

static void note(void *ctx, const char *msg)
{
	(void)ctx;
	if (config.verbose)
		log_line("symbolize: %s", msg);
}

void symbolize_hook(struct profile *p)
{
	if (!sym) {
		struct symbolize_options o = {.live = true, .note = note};
		sym = symbolizer_new(&o);
		if (!sym) {
			log_line("cannot symbolize: out of memory; the profile keeps addresses only");
			return;
		}
	}
	if (symbolizer_run(sym, p, NULL) < 0)
		log_line("symbolization was incomplete: out of memory");
}
