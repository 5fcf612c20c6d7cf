/* pace: exact mode, busy: go round again at once (the thread exists to keep
 * the program's threads from draining their own rings); busy sampling:
 * every millisecond; idle: back off to 50 ms. */
#include "pace.h"
#include "collector.h"

#include "exact.h"

/* How full the fullest ring was when last drained. Any thread that drains
 * raises it, always under the collector lock, and the collector thread takes
 * it under the lock too (ThreadSanitizer saw the race when it did not). */
static COLLECTOR_OWNED double fullest_seen;

void pace_note_fill(double used)
{
	if (used > fullest_seen)
		fullest_seen = used;
}

double pace_take_fullest(void)
{
	double f = fullest_seen;
	fullest_seen = 0;
	return f;
}

bool pace_next(size_t events, double fullest, bool dump_pending, long *sleep_ns)
{
	if (events && exact_mode() && !dump_pending) {
		/* a ring holds thousands of events: polling keeps up without
		 * waking anyone, and yields the core in between to programs
		 * that spin on theirs. Each wake-up is a context switch, so
		 * the pace follows the fullest ring: 1 ms while rings stay
		 * under 1/32 full, 200 us once one passes 1/8 */
		*sleep_ns = fullest > 0.125 ? 200000 : fullest > 0.03125 ? 500000 : 1000000;
		return !(events > 4096 && fullest > 0.125);
	}
	/* exact mode never sleeps long: events wait for the horizon */
	long most = exact_mode() ? 1000000 : 50000000;
	*sleep_ns = events ? 1000000 : *sleep_ns * 2 > most ? most : *sleep_ns * 2;
	return true;
}
