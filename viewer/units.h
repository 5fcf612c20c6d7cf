/* units: pprof's measurement rules (unit families, automatic scaling,
 * "2.29MB" labels, "12.50%" percentages) so figures print as go tool pprof
 * prints them; and the wrapping int64 arithmetic Go sums values with. */
#ifndef ALLOCPROF_UNITS_H
#define ALLOCPROF_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Go's int64 + and unary - wrap on overflow; C's are undefined. */
static inline int64_t i64_add(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a + (uint64_t)b);
}
static inline int64_t i64_neg(int64_t a)
{
	return (int64_t)(0 - (uint64_t)a);
}
static inline int64_t i64_abs(int64_t a)
{
	return a < 0 ? i64_neg(a) : a;
}

/* Scales value from unit `from` to unit `to` ("minimum" or "auto": the
 * largest unit that keeps the value >= 1). Returns the scaled value and sets
 * *unit to the unit's short name, or "" when it is not worth printing. */
double units_scale(int64_t value, const char *from, const char *to, const char **unit);

/* "%.2f" of the scaled value without a ".00" tail, then the unit; "0" for
 * zero. buf should hold UNITS_BUF bytes. */
#define UNITS_BUF 64
const char *units_label(int64_t value, const char *from, const char *to, char *buf);

/* "12.50%", " 0.077%", "  100%": always 6 characters or more, as pprof. */
const char *units_percent(int64_t value, int64_t total, char *buf);

/* Converts a Go float64 to int64 the way amd64 does (out of range: INT64_MIN). */
int64_t units_f2i(double v);

#endif
