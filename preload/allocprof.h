/* allocprof.h: the public API of liballocprof.so, for programs that want to
 * write a profile at a moment of their choosing or read the exact count of
 * their allocations (allocs/op in a benchmark). It works whether or not the
 * shim is loaded: the symbols are weak, so without the shim they are NULL.
 *
 *     #include <allocprof.h>
 *     ...
 *     if (allocprof_dump)                  // loaded with LD_PRELOAD?
 *             allocprof_dump("after-load.pb.gz");
 *
 * No link flag is needed: the program links without liballocprof, and the
 * dynamic loader binds the weak reference when the shim is preloaded. */
#ifndef ALLOCPROF_H
#define ALLOCPROF_H

#ifdef __cplusplus
extern "C" {
#endif

/* Drains everything recorded so far and writes a profile to path (NULL or ""
 * expands ALLOCPROF_OUT). Thread-safe; returns 0 or a negative errno
 * (-ENOSYS when the shim is loaded but not recording). Not for signal
 * handlers: use ALLOCPROF_SIGNAL for that. */
extern int allocprof_dump(const char *path) __attribute__((weak));

/* Exact counts since the process started (a forked child: since the fork),
 * kept at every ALLOCPROF_RATE. An allocation is a successful call of the
 * malloc family or operator new; realloc of a block to a new size is one
 * allocation of the new size and one free. A free is free, delete or a
 * realloc to size 0 of a block that is not NULL. The allocator's own use
 * (and the shim's) is not counted. */
struct allocprof_counters {
	unsigned long long allocs; /* allocation calls */
	unsigned long long bytes;  /* bytes those calls asked for */
	unsigned long long frees;  /* blocks freed */
	long long inuse;           /* allocs - frees: blocks in use (a thread's own
				    * figure is negative when it frees more than it
				    * allocates) */
	unsigned long long reserved[4];
};

/*
 *     struct allocprof_counters a, b;
 *     if (allocprof_counters) allocprof_counters(&a);
 *     for (i = 0; i < n; i++) op();
 *     if (allocprof_counters) allocprof_counters(&b);
 *     printf("%.0f allocs/op\n", (double)(b.allocs - a.allocs) / n);
 *
 * allocprof_counters sums every thread of the process (it takes a lock);
 * allocprof_thread_counters reads the calling thread's own counts (a few
 * loads). Both return 0, or -ENOSYS when the shim is loaded but disabled. */
extern int allocprof_counters(struct allocprof_counters *c) __attribute__((weak));
extern int allocprof_thread_counters(struct allocprof_counters *c) __attribute__((weak));

/* Labels for the samples the calling thread makes, in the spirit of Go's
 * pprof.Do: every allocation sampled while a label is set carries it (with
 * the labels "thread", the thread's name, and "tid", which every sample
 * has), so `allocprof top --tagfocus request=GET` shows one request kind.
 *
 *     allocprof_set_label("request", "GET /users");
 *     handle(req);
 *     allocprof_set_label("request", NULL);    // or allocprof_clear_labels()
 *
 * Setting a key that is set replaces its value; a NULL value removes the
 * key. Key and value are copied (at most 8 labels and 192 bytes of keys and
 * values per thread: -ENOSPC past that; -EINVAL for an empty key). Only the
 * calling thread's own memory is written: no lock, no allocation, about 150
 * instructions a call. Without the shim the inline wrappers below do
 * nothing but test the weak symbol. */
extern int allocprof_label_set(const char *key, const char *value) __attribute__((weak));
extern void allocprof_label_clear(void) __attribute__((weak));

static inline int allocprof_set_label(const char *key, const char *value)
{
	return allocprof_label_set ? allocprof_label_set(key, value) : 0;
}

static inline void allocprof_clear_labels(void)
{
	if (allocprof_label_clear)
		allocprof_label_clear();
}

#ifdef __cplusplus
}
#endif

#endif
