/* evclock: the TSC, read with rdtsc, when the kernel trusts it; otherwise
 * clock_gettime. Its rate is measured against CLOCK_MONOTONIC from the
 * moment of evclock_init, so a conversion never drifts further than one
 * calibration. */
#include "evclock.h"
#include "collector.h"

#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

bool evclock_tsc;
static uint64_t tick0, mono0;
COLLECTOR_OWNED double evclock_ns_per_tick_ = 1.0; /* 1.0 unless the TSC is the clock */

uint64_t evclock_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The kernel keeps time with the TSC only when it is constant, never stops
 * and agrees across CPUs: then so can we. */
static bool kernel_uses_tsc(void)
{
	char buf[32];
	int fd = open("/sys/devices/system/clocksource/clocksource0/current_clocksource", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n >= 3 && !memcmp(buf, "tsc", 3) && (n == 3 || buf[3] == '\n');
}

void evclock_init(void)
{
#if defined(__x86_64__)
	evclock_tsc = kernel_uses_tsc();
#endif
	mono0 = evclock_mono_ns();
	tick0 = evclock_now();
}

void evclock_calibrate(void)
{
	if (!evclock_tsc)
		return;
	uint64_t t = evclock_now(), m = evclock_mono_ns();
	if (t > tick0 + 100000 && m > mono0)
		evclock_ns_per_tick_ = (double)(m - mono0) / (double)(t - tick0);
}

uint64_t evclock_to_ns(uint64_t t)
{
	if (!evclock_tsc)
		return t;
	return mono0 + (uint64_t)((double)(int64_t)(t - tick0) * evclock_ns_per_tick_);
}

uint64_t evclock_last_tick_before(uint64_t ns)
{
	if (!evclock_tsc)
		return ns ? ns - 1 : 0;
	if (ns <= mono0 + 1)
		return 0;
	/* the inverse, then down past its rounding: evclock_to_ns only grows */
	uint64_t t = tick0 + (uint64_t)((double)(ns - mono0) / evclock_ns_per_tick_);
	for (int i = 0; i < 16; i++, t--)
		if (t <= tick0 || evclock_to_ns(t) < ns)
			return t > tick0 ? t : 0;
	return 0;
}


uint64_t evclock_nominal_ticks(uint64_t ns)
{
	return evclock_tsc ? ns * 3 : ns; /* a 3 GHz TSC */
}
