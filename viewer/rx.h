/* rx: the regular expressions of --focus, --ignore, list and peek. POSIX
 * extended syntax (glibc), plus the RE2 spellings people type into pprof:
 * \d, \D, (?:...) and a leading (?i). Matching is unanchored, as in Go.
 * Back-references are refused and a name is matched on its first
 * RX_MAX_SUBJECT bytes, so no name makes a match slow. */
#ifndef ALLOCPROF_RX_H
#define ALLOCPROF_RX_H

#include <regex.h>
#include <stdbool.h>

#define RX_MAX_SUBJECT 4096

struct rx {
	regex_t re;
	bool ok;
};

/* Compiles pattern; on error writes a one-line message into err and
 * returns false. */
bool rx_compile(struct rx *r, const char *pattern, char *err, size_t errlen);
bool rx_match(const struct rx *r, const char *s);
void rx_free(struct rx *r);

#endif
