/* config: parsing of ALLOCPROF_* variables. */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

struct config config;

enum { DEFAULT_RATE = 512 * 1024, DEFAULT_DEPTH = 64 };
#define DEFAULT_OUT "allocprof.%e.%p.pb.gz"
#define DEFAULT_INTERVAL_OUT "allocprof.%e.%p.%n.pb.gz"
#define DEFAULT_SHORT_NS 1000000ULL

/* Unsigned decimal with an optional k/m/g (binary) suffix. */
static bool parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = s;
	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	int shift = 0;
	switch (*p) {
	case 'k': case 'K': shift = 10; p++; break;
	case 'm': case 'M': shift = 20; p++; break;
	case 'g': case 'G': shift = 30; p++; break;
	}
	if ((*p == 'b' || *p == 'B') && shift)
		p++;
	if (*p || (shift && v > (UINT64_MAX >> shift)))
		return false;
	*out = v << shift;
	return true;
}

static bool parse_bool(const char *s, bool *out)
{
	if (!strcmp(s, "1") || !strcmp(s, "yes") || !strcmp(s, "true") || !strcmp(s, "on")) {
		*out = true;
		return true;
	}
	if (!strcmp(s, "0") || !strcmp(s, "no") || !strcmp(s, "false") || !strcmp(s, "off")) {
		*out = false;
		return true;
	}
	return false;
}

/* Decimal seconds with up to 9 fraction digits: "2", "0.5". */
static bool parse_seconds(const char *s, uint64_t *ns)
{
	uint64_t whole = 0, frac = 0, scale = 1000000000ULL;
	const char *p = s;
	if ((*p < '0' || *p > '9') && *p != '.')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (whole > 1000000000ULL)
			return false;
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(*p - '0') * scale;
			}
		}
	}
	if (*p)
		return false;
	*ns = whole * 1000000000ULL + frac;
	return true;
}

static int parse_signal(const char *s)
{
	static const struct { const char *name; int sig; } names[] = {
		{"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"HUP", SIGHUP}, {"PROF", SIGPROF},
		{"URG", SIGURG}, {"WINCH", SIGWINCH}, {"SEGV", SIGSEGV}, {"BUS", SIGBUS}, {"ILL", SIGILL},
		{"FPE", SIGFPE}, {"TRAP", SIGTRAP}, {"SYS", SIGSYS}, {"ABRT", SIGABRT},
	};
	if (!strncmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name))
			return names[i].sig;
	uint64_t v;
	if (parse_size(s, &v) && v >= 1 && v < 65 && v != SIGKILL && v != SIGSTOP)
		return (int)v;
	return 0;
}

/* A dump handler returns: on a signal the program's own fault raises, the
 * faulting instruction runs again and raises it again, forever; the ones
 * between 32 and SIGRTMIN belong to the C library's threads. */
static bool dump_signal_allowed(int sig)
{
	switch (sig) {
	case SIGSEGV: case SIGBUS: case SIGILL: case SIGFPE: case SIGTRAP: case SIGSYS: case SIGABRT:
		return false;
	}
	return sig < 32 || sig >= SIGRTMIN;
}

static void bad(const char *var, const char *val, const char *dflt)
{
	log_line("ignoring %s=%s (%s); using %s", var, val, "not a valid value", dflt);
}

/* The output template, made absolute against the directory at start (a
 * process that changes directory later still writes where it started). A
 * template naming a directory (a trailing '/', or one that exists) gets the
 * default name inside it. One that does not fit leaves the default in place
 * with a line saying so, instead of a truncated name. */
static void set_out(const char *tmpl, const char *dflt)
{
	char abs[sizeof(config.out)];
	size_t n = 0, t = strlen(tmpl);
	if (tmpl[0] != '/') {
		if (!getcwd(abs, sizeof(abs) - 2))
			abs[0] = 0;
		n = strlen(abs);
		if (n && abs[n - 1] != '/')
			abs[n++] = '/';
	}
	struct stat st;
	bool dir = t && (tmpl[t - 1] == '/' || (stat(tmpl, &st) == 0 && S_ISDIR(st.st_mode)));
	size_t d = dir ? strlen(dflt) + (tmpl[t - 1] != '/') : 0;
	if (n + t + d >= sizeof(abs)) {
		log_line("ignoring ALLOCPROF_OUT (%zu bytes: the longest path is %zu); using %s", t,
			 sizeof(abs) - 1, dflt);
		return;
	}
	memcpy(abs + n, tmpl, t);
	n += t;
	if (dir && tmpl[t - 1] != '/')
		abs[n++] = '/';
	abs[n] = 0;
	if (dir)
		strcat(abs, dflt);
	memcpy(config.out, abs, strlen(abs) + 1);
}

void config_load(void)
{
	const char *v;
	config.rate = DEFAULT_RATE;
	config.depth = DEFAULT_DEPTH;
	config.symbolize = true;
	config.children = true;
	config.unwind_cache = true;
	config.on_term = true;
	config.short_ns = DEFAULT_SHORT_NS;

	if ((v = getenv("ALLOCPROF_RATE")) && *v) {
		uint64_t r;
		if (parse_size(v, &r) && r >= 1)
			config.rate = r;
		else
			bad("ALLOCPROF_RATE", v, "524288");
	}
	if ((v = getenv("ALLOCPROF_SEED")) && *v) {
		if (parse_size(v, &config.seed))
			config.seeded = true;
		else
			bad("ALLOCPROF_SEED", v, "a random seed");
	}
	if ((v = getenv("ALLOCPROF_DEPTH")) && *v) {
		uint64_t d;
		if (parse_size(v, &d) && d >= 1 && d <= CONFIG_DEPTH_MAX)
			config.depth = (unsigned)d;
		else
			bad("ALLOCPROF_DEPTH", v, "64 (the range is 1..1024)");
	}
	if ((v = getenv("ALLOCPROF_INTERVAL")) && *v) {
		if (!parse_seconds(v, &config.interval_ns))
			bad("ALLOCPROF_INTERVAL", v, "0 (no periodic dumps)");
		else if (config.interval_ns && config.interval_ns < 10000000ULL)
			config.interval_ns = 10000000ULL; /* 10 ms: a dump is not free */
	}
	/* periodic snapshots need distinct names */
	const char *dflt_out = config.interval_ns ? DEFAULT_INTERVAL_OUT : DEFAULT_OUT;
	set_out(dflt_out, dflt_out);
	if ((v = getenv("ALLOCPROF_OUT")) && *v)
		set_out(v, dflt_out);
	if ((v = getenv("ALLOCPROF_SYMBOLIZE")) && *v && !parse_bool(v, &config.symbolize))
		bad("ALLOCPROF_SYMBOLIZE", v, "1");
	if ((v = getenv("ALLOCPROF_VERBOSE")) && *v && !parse_bool(v, &config.verbose))
		bad("ALLOCPROF_VERBOSE", v, "0");
	if ((v = getenv("ALLOCPROF_CHILDREN")) && *v && !parse_bool(v, &config.children))
		bad("ALLOCPROF_CHILDREN", v, "1");
	if ((v = getenv("ALLOCPROF_UNWIND_CACHE")) && *v && !parse_bool(v, &config.unwind_cache))
		bad("ALLOCPROF_UNWIND_CACHE", v, "1");
	if ((v = getenv("ALLOCPROF_ON_CRASH")) && *v && !parse_bool(v, &config.on_crash))
		bad("ALLOCPROF_ON_CRASH", v, "0");
	if ((v = getenv("ALLOCPROF_ON_TERM")) && *v && !parse_bool(v, &config.on_term))
		bad("ALLOCPROF_ON_TERM", v, "1");
	if ((v = getenv("ALLOCPROF_SIGNAL")) && *v) {
		config.dump_signal = parse_signal(v);
		if (!config.dump_signal) {
			bad("ALLOCPROF_SIGNAL", v, "none");
		} else if (!dump_signal_allowed(config.dump_signal)) {
			log_line("ignoring ALLOCPROF_SIGNAL=%s (a fault or the C library's own signal: a handler "
				 "that returns would run forever); using none", v);
			config.dump_signal = 0;
		}
	}
	if ((v = getenv("ALLOCPROF_SHORT_NS")) && *v && !parse_size(v, &config.short_ns)) {
		config.short_ns = DEFAULT_SHORT_NS;
		bad("ALLOCPROF_SHORT_NS", v, "1000000");
	}
	if ((v = getenv("ALLOCPROF_MANIFEST")) && *v && strlen(v) < sizeof(config.manifest))
		strcpy(config.manifest, v);
}
