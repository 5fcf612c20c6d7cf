/* units: a transcription of pprof's internal/measurement unit tables and
 * its Scale / ScaledLabel / Percentage, including their corner cases
 * (negative values, trailing "s" in unit names, "%.2g" below one percent). */
#include "units.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct unit {
	const char *name;
	const char *aliases[4];
	double factor;
};

struct unit_type {
	struct unit units[10];
	size_t nunits;
	struct unit dflt;
};

static const struct unit_type unit_types[] = {
	{{{"B", {"b", "byte"}, 1},
	  {"kB", {"kb", "kbyte", "kilobyte"}, 1024.0},
	  {"MB", {"mb", "mbyte", "megabyte"}, 1048576.0},
	  {"GB", {"gb", "gbyte", "gigabyte"}, 1073741824.0},
	  {"TB", {"tb", "tbyte", "terabyte"}, 1099511627776.0},
	  {"PB", {"pb", "pbyte", "petabyte"}, 1125899906842624.0}},
	 6, {"B", {"b", "byte"}, 1}},
	{{{"ns", {"ns", "nanosecond"}, 1},
	  {"us", {"\xce\xbcs", "us", "microsecond"}, 1e3},
	  {"ms", {"ms", "millisecond"}, 1e6},
	  {"s", {"s", "sec", "second"}, 1e9},
	  {"hrs", {"hour", "hr"}, 3.6e12}},
	 5, {"s", {NULL}, 1e9}},
	{{{"n*GCU", {"nanogcu"}, 1e-9},
	  {"u*GCU", {"microgcu"}, 1e-6},
	  {"m*GCU", {"milligcu"}, 1e-3},
	  {"GCU", {"gcu"}, 1},
	  {"k*GCU", {"kilogcu"}, 1e3},
	  {"M*GCU", {"megagcu"}, 1e6},
	  {"G*GCU", {"gigagcu"}, 1e9},
	  {"T*GCU", {"teragcu"}, 1e12},
	  {"P*GCU", {"petagcu"}, 1e15}},
	 9, {"GCU", {NULL}, 1}},
};

/* pprof lower-cases the name and drops one trailing "s" from names longer
 * than two characters ("bytes" -> "byte", but "ms" stays). */
static const struct unit *sniff(const struct unit_type *ut, const char *name)
{
	char low[64];
	size_t n = strlen(name);
	if (n >= sizeof(low))
		return NULL;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
	low[n] = 0;
	if (n > 2 && low[n - 1] == 's')
		low[n - 1] = 0;
	for (size_t i = 0; i < ut->nunits; i++)
		for (size_t a = 0; a < 4 && ut->units[i].aliases[a]; a++)
			if (!strcmp(low, ut->units[i].aliases[a]))
				return &ut->units[i];
	return NULL;
}

static bool auto_scale(const struct unit_type *ut, double v, double *out, const char **unit)
{
	double f = 0;
	const char *name = "";
	for (size_t i = 0; i < ut->nunits; i++) {
		if (ut->units[i].factor >= f && v / ut->units[i].factor >= 1.0) {
			f = ut->units[i].factor;
			name = ut->units[i].name;
		}
	}
	if (f == 0)
		return false;
	*out = v / f;
	*unit = name;
	return true;
}

static bool convert(const struct unit_type *ut, int64_t value, const char *from, const char *to,
		    double *out, const char **unit)
{
	const struct unit *fu = sniff(ut, from);
	if (!fu)
		return false;
	double v = (double)value * fu->factor;
	if (!strcmp(to, "minimum") || !strcmp(to, "auto")) {
		if (auto_scale(ut, v, out, unit))
			return true;
		*out = v / ut->dflt.factor;
		*unit = ut->dflt.name;
		return true;
	}
	const struct unit *tu = sniff(ut, to);
	if (!tu) {
		*out = v / ut->dflt.factor;
		*unit = ut->dflt.name;
		return true;
	}
	*out = v / tu->factor;
	*unit = tu->name;
	return true;
}

double units_scale(int64_t value, const char *from, const char *to, const char **unit)
{
	if (value < 0 && i64_neg(value) > 0) {
		double v = units_scale(i64_neg(value), from, to, unit);
		return -v;
	}
	double out;
	for (size_t i = 0; i < sizeof(unit_types) / sizeof(unit_types[0]); i++)
		if (convert(&unit_types[i], value, from, to, &out, unit))
			return out;
	if (!strcmp(to, "count") || !strcmp(to, "sample") || !strcmp(to, "unit") ||
	    !strcmp(to, "minimum") || !strcmp(to, "auto"))
		*unit = "";
	else
		*unit = to;
	return (double)value;
}

const char *units_label(int64_t value, const char *from, const char *to, char *buf)
{
	const char *unit;
	double v = units_scale(value, from, to, &unit);
	int n = snprintf(buf, UNITS_BUF, "%.2f", v);
	if (n < 0 || n >= UNITS_BUF) {
		/* only absurd units get here: keep the number */
		snprintf(buf, UNITS_BUF, "%.6g", v);
		return buf;
	}
	if (n >= 3 && !strcmp(buf + n - 3, ".00"))
		buf[n -= 3] = 0;
	if (!strcmp(buf, "0") || !strcmp(buf, "-0"))
		return strcpy(buf, "0");
	snprintf(buf + n, (size_t)(UNITS_BUF - n), "%s", unit);
	return buf;
}

const char *units_percent(int64_t value, int64_t total, char *buf)
{
	double ratio = 0;
	if (total != 0)
		ratio = fabs((double)value / (double)total) * 100;
	if (ratio >= 99.95 && ratio <= 100.05)
		snprintf(buf, UNITS_BUF, "  100%%");
	else if (ratio >= 1.0)
		snprintf(buf, UNITS_BUF, "%5.2f%%", ratio);
	else
		snprintf(buf, UNITS_BUF, "%5.2g%%", ratio);
	return buf;
}

int64_t units_f2i(double v)
{
	if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0))
		return INT64_MIN;
	return (int64_t)v;
}
