/* rx: a thin translation layer over regcomp(3). */
#include "rx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool rx_compile(struct rx *r, const char *pattern, char *err, size_t errlen)
{
	int flags = REG_EXTENDED | REG_NOSUB;
	r->ok = false;
	if (!strncmp(pattern, "(?i)", 4)) {
		flags |= REG_ICASE;
		pattern += 4;
	}
	size_t n = strlen(pattern);
	char *t = malloc(n * 6 + 1); /* "\d" -> "[0-9]" is the largest growth */
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		if (pattern[i] == '\\' && (pattern[i + 1] == 'd' || pattern[i + 1] == 'D')) {
			const char *rep = pattern[i + 1] == 'd' ? "[0-9]" : "[^0-9]";
			memcpy(t + w, rep, strlen(rep));
			w += strlen(rep);
			i++;
		} else if (pattern[i] == '\\' && pattern[i + 1]) {
			t[w++] = pattern[i++];
			t[w++] = pattern[i];
		} else if (pattern[i] == '(' && pattern[i + 1] == '?' && pattern[i + 2] == ':') {
			t[w++] = '(';
			i += 2;
		} else {
			t[w++] = pattern[i];
		}
	}
	t[w] = 0;
	int rc = regcomp(&r->re, t, flags);
	free(t);
	if (rc != 0) {
		char msg[128];
		regerror(rc, &r->re, msg, sizeof(msg));
		snprintf(err, errlen, "bad regular expression '%s': %s", pattern, msg);
		return false;
	}
	r->ok = true;
	return true;
}

bool rx_match(const struct rx *r, const char *s)
{
	return regexec(&r->re, s, 0, NULL, 0) == 0;
}

void rx_free(struct rx *r)
{
	if (r->ok)
		regfree(&r->re);
	r->ok = false;
}
