/* spin: the shim's lock for short critical sections on the sampled path.
 * A pthread mutex may allocate or be shared with the host's fork handlers;
 * this is one atomic exchange, and it yields after a burst of spinning. */
#ifndef ALLOCPROF_SPIN_H
#define ALLOCPROF_SPIN_H

#include <sched.h>
#include <stdatomic.h>

typedef struct {
	atomic_int held;
} spinlock;

#define SPINLOCK_INIT {0}

static inline void spin_lock(spinlock *l)
{
	for (unsigned n = 0;; n++) {
		if (!atomic_load_explicit(&l->held, memory_order_relaxed) &&
		    !atomic_exchange_explicit(&l->held, 1, memory_order_acquire))
			return;
		if (n < 64)
			__builtin_ia32_pause();
		else
			sched_yield();
	}
}

static inline void spin_unlock(spinlock *l)
{
	atomic_store_explicit(&l->held, 0, memory_order_release);
}

/* After fork the child has one thread: whoever held the lock is gone. */
static inline void spin_reset(spinlock *l)
{
	atomic_store_explicit(&l->held, 0, memory_order_relaxed);
}

#endif
