/* config: parsing of ALLOCPROF_* variables, driven by the table of
 * src/envvars.h: each variable's type says how it is read, its shown
 * default what the line about a bad value says. */
#include "config.h"

#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../src/envvars.h"
#include "log.h"

struct config config;

/* periodic snapshots need distinct names */
#define DEFAULT_INTERVAL_OUT "allocprof.%e.%p.%n.pb.gz"

struct var {
	const char *name;
	enum envvar_type type;
	size_t offset;
	uint64_t dflt;
	const char *shown;
	uint64_t min, max;
};

/* The size of the field each type writes: a table line whose field does
 * not match its type does not compile. */
#define FIELD_SIZE(type)                                                                   \
	((type) == ENVVAR_BOOL ? sizeof(bool)                                              \
	 : (type) == ENVVAR_COUNT ? sizeof(unsigned)                                       \
	 : (type) == ENVVAR_SIGNAL ? sizeof(int)                                           \
	 : (type) == ENVVAR_TEMPLATE || (type) == ENVVAR_PATH ? (size_t)CONFIG_PATH_MAX    \
	 : (type) == ENVVAR_AMOUNT ? sizeof(struct config_amount)                          \
	 : sizeof(uint64_t))

#define X(NAME, field, type, dflt, shown, lo, hi, help)                                    \
	_Static_assert(sizeof(config.field) == FIELD_SIZE(type), "ALLOCPROF_" #NAME ": field and type differ");
ALLOCPROF_ENVVARS(X)
#undef X

static const struct var vars[] = {
#define X(NAME, field, type, dflt, shown, lo, hi, help) \
	{"ALLOCPROF_" #NAME, type, offsetof(struct config, field), dflt, shown, lo, hi},
	ALLOCPROF_ENVVARS(X)
#undef X
};
enum { NVARS = sizeof(vars) / sizeof(vars[0]) };

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

/* A size, or a percentage ("80%", "2.5%") above 0 and at most 100. */
static bool parse_amount(const char *s, struct config_amount *out)
{
	size_t n = strlen(s);
	if (n && s[n - 1] == '%') {
		double pct = 0, scale = 1;
		bool digits = false, point = false;
		for (size_t i = 0; i + 1 < n; i++) {
			if (s[i] == '.' && !point) {
				point = true;
			} else if (s[i] >= '0' && s[i] <= '9') {
				digits = true;
				if (point)
					pct += (s[i] - '0') * (scale /= 10);
				else
					pct = pct * 10 + (s[i] - '0');
			} else {
				return false;
			}
		}
		if (!digits || pct <= 0 || pct > 100)
			return false;
		out->bytes = 0;
		out->share = pct / 100;
		return true;
	}
	uint64_t v;
	if (!parse_size(s, &v))
		return false;
	out->bytes = v;
	out->share = 0;
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
		/* the system call, not getcwd: a sanitizer's runtime intercepts
		 * getcwd, and its first malloc (which starts the shim) comes
		 * before its interceptors know the real function */
		if (syscall(SYS_getcwd, abs, sizeof(abs) - 2) <= 0)
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

static void bad(const struct var *var, const char *val)
{
	if ((var->type == ENVVAR_SIZE || var->type == ENVVAR_COUNT) && var->max != UINT64_MAX)
		log_line("ignoring %s=%s (not a valid value); using %s (the range is %llu..%llu)", var->name,
			 val, var->shown, (unsigned long long)var->min, (unsigned long long)var->max);
	else
		log_line("ignoring %s=%s (not a valid value); using %s", var->name, val, var->shown);
}

static void set_default(const struct var *var)
{
	void *field = (char *)&config + var->offset;
	switch (var->type) {
	case ENVVAR_SIZE: case ENVVAR_SEED: case ENVVAR_SECONDS:
		*(uint64_t *)field = var->dflt;
		break;
	case ENVVAR_COUNT:
		*(unsigned *)field = (unsigned)var->dflt;
		break;
	case ENVVAR_BOOL:
		*(bool *)field = var->dflt != 0;
		break;
	case ENVVAR_SIGNAL:
		*(int *)field = (int)var->dflt;
		break;
	case ENVVAR_AMOUNT:
		((struct config_amount *)field)->bytes = var->dflt;
		((struct config_amount *)field)->share = 0;
		break;
	case ENVVAR_TEMPLATE: case ENVVAR_PATH:
		break; /* set by set_out, or left empty */
	}
}

/* Reads s into var's field; false (field untouched) if it is not valid. */
static bool parse(const struct var *var, const char *s)
{
	void *field = (char *)&config + var->offset;
	uint64_t x;
	switch (var->type) {
	case ENVVAR_SIZE: case ENVVAR_COUNT: case ENVVAR_SEED:
		if (!parse_size(s, &x) || x < var->min || x > var->max)
			return false;
		if (var->type == ENVVAR_COUNT)
			*(unsigned *)field = (unsigned)x;
		else
			*(uint64_t *)field = x;
		if (var->type == ENVVAR_SEED)
			config.seeded = true;
		return true;
	case ENVVAR_BOOL:
		return parse_bool(s, (bool *)field);
	case ENVVAR_SECONDS:
		return parse_seconds(s, (uint64_t *)field);
	case ENVVAR_SIGNAL: {
		int sig = parse_signal(s);
		if (!sig)
			return false;
		if (!dump_signal_allowed(sig))
			log_line("ignoring %s=%s (a fault or the C library's own signal: a handler "
				 "that returns would run forever); using %s", var->name, s, var->shown);
		else
			*(int *)field = sig;
		return true;
	}
	case ENVVAR_AMOUNT:
		return parse_amount(s, (struct config_amount *)field);
	case ENVVAR_TEMPLATE:
		return true; /* set_out, once every other variable is known */
	case ENVVAR_PATH:
		/* one that does not fit is left out: the file is a side channel */
		if (strlen(s) < CONFIG_PATH_MAX)
			strcpy((char *)field, s);
		return true;
	}
	return false;
}

static const char *from_environment(const char *name, void *ctx)
{
	(void)ctx;
	return getenv(name);
}

void config_load(void)
{
	config_load_from(from_environment, NULL);
}

void config_load_from(const char *(*get)(const char *name, void *ctx), void *ctx)
{
	const char *out = NULL, *out_dflt = NULL;
	for (size_t i = 0; i < NVARS; i++) {
		const struct var *var = &vars[i];
		set_default(var);
		const char *v = get(var->name, ctx);
		if (var->type == ENVVAR_TEMPLATE) {
			out = v;
			out_dflt = var->shown;
		}
		if (v && *v && !parse(var, v))
			bad(var, v);
	}
	if (config.interval_ns && config.interval_ns < 10000000ULL)
		config.interval_ns = 10000000ULL; /* 10 ms: a dump is not free */
	config.unwinder = UNWINDER_CFI;
	if (!strcmp(config.unwind, "libunwind")) {
		config.unwinder = UNWINDER_LIBUNWIND;
	} else if (!strcmp(config.unwind, "check")) {
		config.unwinder = UNWINDER_CHECK;
	} else if (config.unwind[0] && strcmp(config.unwind, "cfi")) {
		log_line("ignoring ALLOCPROF_UNWIND=%s (not cfi, libunwind or check); using cfi", config.unwind);
	}
	const char *dflt_out = config.interval_ns ? DEFAULT_INTERVAL_OUT : out_dflt;
	set_out(dflt_out, dflt_out);
	if (out && *out)
		set_out(out, dflt_out);
}
