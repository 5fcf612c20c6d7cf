/* config: the ALLOCPROF_* environment, read once. A bad value prints one
 * line naming the variable and the default used, and never stops the host.
 * The variables, their fields here and their defaults: src/envvars.h. */
#ifndef ALLOCPROF_CONFIG_H
#define ALLOCPROF_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

enum { CONFIG_DEPTH_MAX = 1024, CONFIG_PATH_MAX = 4096 };

/* A size in bytes, or a share of some whole the user of the figure knows
 * (share in (0, 1], bytes 0). Both 0: unset. */
struct config_amount {
	uint64_t bytes;
	double share;
};

enum config_unwinder {
	UNWINDER_CFI,       /* stackwalk.h, libunwind where it cannot follow */
	UNWINDER_LIBUNWIND, /* libunwind alone */
	UNWINDER_CHECK,     /* both, every stack compared */
};

struct config {
	uint64_t rate;          /* mean bytes between samples; 1 = every allocation */
	bool seeded;
	uint64_t seed;
	unsigned depth;         /* frames kept per stack */
	char out[CONFIG_PATH_MAX];  /* output template, absolute */
	bool symbolize;
	bool verbose;
	bool children;          /* keep the shim in child processes */
	uint64_t interval_ns;   /* 0: no periodic dumps */
	int dump_signal;        /* 0: none */
	bool on_crash;
	bool on_term;           /* write the profile on a signal that ends the program */
	bool unwind_cache;      /* exact mode: read call chains seen before back from the stack */
	char unwind[CONFIG_PATH_MAX]; /* as given: "cfi", "libunwind", "check" */
	enum config_unwinder unwinder; /* ... as read */
	bool thread_labels;     /* samples carry the labels thread and tid */
	bool stat;              /* counts only: no sampling, no unwinding (counters.h) */
	uint64_t short_ns;      /* lifetime threshold of short_lived_* */
	char manifest[CONFIG_PATH_MAX]; /* file that `allocprof run` reads, or "" */
	struct config_amount peak_step; /* peak profile rewritten each time in use grows by it */
	struct config_amount peak_rss;  /* ... and once when RSS reaches it */
};

extern struct config config;

/* Reads the environment; safe to call from a constructor or from the first
 * malloc (getenv does not allocate). */
void config_load(void);
/* The same from another source: get returns a variable's value or NULL
 * (allocprof attach passes its own, the target's environment being fixed). */
void config_load_from(const char *(*get)(const char *name, void *ctx), void *ctx);

#endif
