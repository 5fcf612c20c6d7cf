/* test_units: the viewer's pprof number and path rules, case by case, with
 * the strings go tool pprof prints for the same inputs. TAP output. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "gopath.h"
#include "rx.h"
#include "units.h"
#include "../tap.h"

static void label(int64_t v, const char *from, const char *to, const char *want)
{
	char buf[UNITS_BUF], what[128];
	snprintf(what, sizeof(what), "label(%lld %s -> %s)", (long long)v, from, to);
	TAP_EQ_STR(units_label(v, from, to, buf), want, what);
}

static void percent(int64_t v, int64_t total, const char *want)
{
	char buf[UNITS_BUF], what[128];
	snprintf(what, sizeof(what), "percent(%lld/%lld)", (long long)v, (long long)total);
	TAP_EQ_STR(units_percent(v, total, buf), want, what);
}

static void clean(const char *in, const char *want)
{
	char buf[256], what[128];
	gopath_clean(in, strlen(in), buf);
	snprintf(what, sizeof(what), "clean('%s')", in);
	TAP_EQ_STR(buf, want, what);
}

static void base(const char *in, const char *want)
{
	size_t n;
	const char *b = gopath_base(in, strlen(in), &n);
	char buf[256], what[128];
	snprintf(buf, sizeof(buf), "%.*s", (int)n, b);
	snprintf(what, sizeof(what), "base('%s')", in);
	TAP_EQ_STR(buf, want, what);
}

static void match(const char *re, const char *s, bool want)
{
	struct rx r;
	char err[256], what[128];
	bool ok = rx_compile(&r, re, err, sizeof(err));
	snprintf(what, sizeof(what), "'%s' %s '%s'", re, want ? "matches" : "does not match", s);
	TAP_EQ_STR(ok && rx_match(&r, s) ? "match" : "no match", want ? "match" : "no match", what);
	rx_free(&r);
}

static void f2i(double v, int64_t want)
{
	char got[32], exp[32], what[64];
	snprintf(got, sizeof(got), "%lld", (long long)units_f2i(v));
	snprintf(exp, sizeof(exp), "%lld", (long long)want);
	snprintf(what, sizeof(what), "f2i(%g)", v);
	TAP_EQ_STR(got, exp, what);
}

int main(void)
{
	label(2400000, "bytes", "MB", "2.29MB");
	label(16, "bytes", "kB", "0.02kB");
	label(12288, "bytes", "kB", "12kB");
	label(3702988, "bytes", "kB", "3616.20kB");
	label(0, "bytes", "kB", "0");
	label(1, "bytes", "kB", "0");
	label(-5120, "bytes", "auto", "-5kB");
	label(1000, "count", "count", "1000");
	label(1234567, "count", "minimum", "1234567");
	label(-9999, "count", "count", "-9999");
	label(INT64_MIN, "count", "auto", "-9223372036854775808");
	label(845580, "nanoseconds", "auto", "845.58us");
	label(470000000, "nanoseconds", "ms", "470ms");
	label(3600000000000, "nanoseconds", "auto", "1hrs");
	label(1, "bytes", "minimum", "1B");
	label(5, "BYTES", "auto", "5B");
	label(1536, "kilobytes", "auto", "1.50MB");
	label(7, "widgets", "widgets", "7widgets");
	label(2000000000, "milligcu", "auto", "2M*GCU");

	percent(8, 10344, "0.077%");
	percent(1, 3, "33.33%");
	percent(0, 0, "    0%");
	percent(9996, 10000, "  100%");
	percent(5, 1000, "  0.5%");
	percent(-500, 1000, "50.00%");
	percent(1, 100000000, "1e-06%");

	clean("", ".");
	clean("abc", "abc");
	clean("abc/def", "abc/def");
	clean("a/b/c/../../..", ".");
	clean("../../abc", "../../abc");
	clean("/../abc", "/abc");
	clean("abc/./../def", "def");
	clean("//abc", "/abc");
	clean("abc/", "abc");
	clean("/", "/");
	clean("a//b", "a/b");
	clean("./", ".");
	clean("..", "..");
	clean("/..", "/");
	clean("abc/def/../../..", "..");
	clean("a/../../b", "../b");
	clean("src/../src/parse.c", "src/parse.c");
	clean("/proc/self/cwd/./src/main.c", "/proc/self/cwd/src/main.c");

	base("", ".");
	base("/", "/");
	base("a/b/", "b");
	base("/usr/lib/libc.so.6", "libc.so.6");

	char buf[32];
	snprintf(buf, sizeof(buf), "%zu", gopath_trim("/proc/self/cwd/./x.c", 20));
	TAP_EQ_STR(buf, "17", "trim(/proc/self/cwd/./x.c)");
	snprintf(buf, sizeof(buf), "%zu", gopath_trim("/proc/self/cwdx", 15));
	TAP_EQ_STR(buf, "0", "trim(/proc/self/cwdx)");

	match("(?i)MAIN", "main", true);
	match("\\d+", "abc12", true);
	match("\\d", "abc", false);
	match("(?:a|b)c", "xbc", true);
	match("^site_", "my_site_x", false);
	match("operator new", "operator new(unsigned long)", true);
	struct rx r;
	char err[256];
	err[0] = 0;
	TAP_OK(!rx_compile(&r, "(", err, sizeof(err)) && strstr(err, "bad regular expression"),
	       "'(' is refused: %s", err);

	f2i(3.9, 3);
	f2i(-3.9, -3);
	f2i(1e30, INT64_MIN);
	f2i(NAN, INT64_MIN);
	f2i(-9223372036854775808.0, INT64_MIN);

	return tap_done();
}
