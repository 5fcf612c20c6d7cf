/* rx: a thin translation layer over regcomp(3). */
#include "rx.h"

#include <regex.h>
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
		} else if (pattern[i] == '\\' && pattern[i + 1] >= '1' && pattern[i + 1] <= '9') {
			/* RE2 has none, and glibc matches them in time exponential
			 * in the name's length */
			free(t);
			snprintf(err, errlen, "bad regular expression '%s': back-references (\\%c) are not supported",
				 pattern, pattern[i + 1]);
			return false;
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
	/* an unanchored search costs up to length squared: bound the length */
	regmatch_t span = {0, (regoff_t)strnlen(s, RX_MAX_SUBJECT)};
	return regexec(&r->re, s, 1, &span, REG_STARTEND) == 0;
}

void rx_free(struct rx *r)
{
	if (r->ok)
		regfree(&r->re);
	r->ok = false;
}
