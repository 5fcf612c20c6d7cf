/* shorten: pprof applies five regular expressions (Go's regexp, leftmost
 * first); each is matched here by hand, trying the alternatives in the
 * order Go's matcher prefers them:
 *   (anonymous namespace) prefix  ^\(anonymous namespace\)::
 *   Go major version              ^(.*?)/v(?:[2-9]|[1-9][0-9]+)([./].*)$
 *   Go package path               ^(?:[\w\-\.]+\/)+(.+)
 *   Java                          ^(?:[a-z]\w*\.)*([A-Z][\w\$]*\.(?:<init>|[a-z][\w\$]*(?:\$\d+)?))(?:(?:\()|$)
 *   C++                           ^(?:[_a-zA-Z]\w*::)+(_*[A-Z]\w*::~?[_a-zA-Z]\w*(?:<.*>)?) */
#include "shorten.h"

#include <stdbool.h>
#include <string.h>

static bool word(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
static bool upper(char c) { return c >= 'A' && c <= 'Z'; }
static bool lower(char c) { return c >= 'a' && c <= 'z'; }
static bool digit(char c) { return c >= '0' && c <= '9'; }

/* ^(.*?)/v(?:[2-9]|[1-9][0-9]+)([./].*)$ -> $1$2, in place. */
static void go_version(char *s)
{
	for (char *p = s; (p = strstr(p, "/v")); p++) {
		const char *q = p + 2;
		if (q[0] >= '2' && q[0] <= '9' && (q[1] == '.' || q[1] == '/')) {
			q += 1;
		} else if (q[0] >= '1' && q[0] <= '9' && digit(q[1])) {
			/* [1-9][0-9]+ is greedy; the next character must be . or / */
			q += 1;
			while (digit(*q))
				q++;
			if (*q != '.' && *q != '/')
				continue;
		} else {
			continue;
		}
		memmove(p, q, strlen(q) + 1);
		return;
	}
}

/* ^(?:[\w\-\.]+\/)+(.+): the rest after the longest run of path segments
 * that leaves something. */
static const char *go_path(const char *s)
{
	const char *best = NULL, *p = s;
	for (;;) {
		const char *q = p;
		while (word(*q) || *q == '-' || *q == '.')
			q++;
		if (q == p || *q != '/')
			break;
		p = q + 1;
		if (*p)
			best = p;
	}
	return best;
}

/* The Java expression; returns the length of group 1 at *start, or 0. */
static size_t java(const char *s, const char **start)
{
	const char *p = s;
	for (;;) {
		/* try the capture here, then one more [a-z]\w*\. segment */
		const char *q = p;
		if (upper(*q)) {
			q++;
			while (word(*q) || *q == '$')
				q++;
			if (*q == '.') {
				q++;
				const char *e = NULL;
				if (!strncmp(q, "<init>", 6))
					e = q + 6;
				else if (lower(*q)) {
					e = q + 1;
					while (word(*e) || *e == '$')
						e++;
				}
				if (e && (*e == '(' || *e == 0)) {
					*start = p;
					return (size_t)(e - p);
				}
			}
		}
		if (!lower(*p))
			return 0;
		q = p + 1;
		while (word(*q))
			q++;
		if (*q != '.')
			return 0;
		p = q + 1;
	}
}

/* The capture of the C++ expression at p, or 0. */
static size_t cpp_at(const char *p)
{
	const char *q = p;
	while (*q == '_')
		q++;
	if (!upper(*q))
		return 0;
	while (word(*q))
		q++;
	if (strncmp(q, "::", 2))
		return 0;
	q += 2;
	if (*q == '~')
		q++;
	if (!(*q == '_' || lower(*q) || upper(*q)))
		return 0;
	while (word(*q))
		q++;
	if (*q == '<') {
		const char *gt = strrchr(q, '>');
		if (gt)
			q = gt + 1;
	}
	return (size_t)(q - p);
}

static size_t cpp(const char *s, const char **start)
{
	/* the positions after each leading [_a-zA-Z]\w*:: segment; greedy, so
	 * the last one is tried first */
	const char *pos[256];
	size_t n = 0;
	const char *p = s;
	while (n < sizeof(pos) / sizeof(pos[0])) {
		if (!(*p == '_' || lower(*p) || upper(*p)))
			break;
		const char *q = p + 1;
		while (word(*q))
			q++;
		if (strncmp(q, "::", 2))
			break;
		p = q + 2;
		pos[n++] = p;
	}
	while (n-- > 0) {
		size_t len = cpp_at(pos[n]);
		if (len) {
			*start = pos[n];
			return len;
		}
	}
	return 0;
}

size_t shorten_name(const char *name, char *out)
{
	static const char anon[] = "(anonymous namespace)::";
	if (!strncmp(name, anon, sizeof(anon) - 1))
		name += sizeof(anon) - 1;
	strcpy(out, name);
	go_version(out);
	const char *start;
	size_t len;
	if ((start = go_path(out))) {
		memmove(out, start, strlen(start) + 1);
		return strlen(out);
	}
	if ((len = java(out, &start)) || (len = cpp(out, &start))) {
		memmove(out, start, len);
		out[len] = 0;
		return len;
	}
	return strlen(out);
}
