/* evclock: the clock events are stamped with, and its conversion to
 * CLOCK_MONOTONIC nanoseconds. It owns the choice between the TSC and
 * clock_gettime and the TSC's rate. */
#ifndef ALLOCPROF_EVCLOCK_H
#define ALLOCPROF_EVCLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* Chooses the clock; before any other evclock_ call but evclock_mono_ns. */
void evclock_init(void);
/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t evclock_mono_ns(void);
/* The clock of event times: the TSC when the kernel itself keeps time with
 * it (a few cycles to read, against ~20 ns for clock_gettime, twice per
 * sampled block), CLOCK_MONOTONIC nanoseconds otherwise. Inline: it is read
 * on the sampled path, where a call would cost as much as rdtsc. */
extern bool evclock_tsc;
static inline uint64_t evclock_now(void)
{
#if defined(__x86_64__)
	/* rdtsc, not rdtscp: 20 ns against 27 here, twice per malloc+free in
	 * exact mode. Unordered, it may read the clock a little before the load
	 * that handed a block over to the freeing thread; the collector already
	 * takes a free stamped before its block's allocation (pending frees,
	 * up to 1 ms) for the clocks of CPUs that disagree by as much. */
	if (evclock_tsc)
		return __builtin_ia32_rdtsc();
#endif
	return evclock_mono_ns();
}
/* Recomputes the TSC rate against CLOCK_MONOTONIC (the collector does it
 * before each drain). */
void evclock_calibrate(void);
/* An event time as CLOCK_MONOTONIC nanoseconds. */
uint64_t evclock_to_ns(uint64_t t);
/* Inline: the collector asks twice per block in exact mode. */
extern double evclock_ns_per_tick_;
static inline double evclock_ns_per_tick(void)
{
	return evclock_ns_per_tick_;
}
/* The last event time that evclock_to_ns, at the current rate, puts before
 * ns (every earlier one does too); 0 if none. */
uint64_t evclock_last_tick_before(uint64_t ns);
/* ns nanoseconds in ticks at the clock's nominal rate, for intervals
 * needed before calibration knows better. */
uint64_t evclock_nominal_ticks(uint64_t ns);

#endif
