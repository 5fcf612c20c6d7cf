/* tap: the few macros the C tests need to speak TAP to meson; every C test
 * includes it (the shell tests have tests/tap.sh). */
#ifndef ALLOCPROF_TAP_H
#define ALLOCPROF_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define TAP_OK(cond, ...)                                              \
	do {                                                           \
		tap_n++;                                               \
		if (cond) {                                            \
			printf("ok %d - ", tap_n);                     \
		} else {                                               \
			tap_failed++;                                  \
			printf("not ok %d - %s:%d: ", tap_n, __FILE__, __LINE__); \
		}                                                      \
		printf(__VA_ARGS__);                                   \
		printf("\n");                                          \
	} while (0)

#define TAP_EQ_INT(got, want, what)                                            \
	do {                                                                   \
		long long g_ = (long long)(got), w_ = (long long)(want);       \
		TAP_OK(g_ == w_, "%s: got %lld, want %lld", what, g_, w_);     \
	} while (0)

#define TAP_EQ_STR(got, want, what)                                            \
	do {                                                                   \
		const char *g_ = (got), *w_ = (want);                          \
		TAP_OK(g_ && !strcmp(g_, w_), "%s: got '%s', want '%s'", what, g_ ? g_ : "(null)", w_); \
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
