/* suggest: edit distance with transpositions (a typo swaps two letters as
 * often as it drops one), and a word cut short counts as one edit away from
 * the word it begins: "-nodes" is near "-nodecount". */
#include "suggest.h"

#include <string.h>

enum { MAXLEN = 64 };

static size_t distance(const char *a, size_t n, const char *b, size_t m)
{
	static size_t d[MAXLEN + 1][MAXLEN + 1];
	for (size_t i = 0; i <= n; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[n][m];
}

void suggest_init(struct suggest *s, const char *word, size_t len)
{
	s->word = word;
	s->len = len;
	s->best = NULL;
	s->best_distance = len >= 2 && len < MAXLEN ? (len + 2) / 3 + 1 : 0;
}

void suggest_try(struct suggest *s, const char *candidate)
{
	size_t n = s->len, m = strlen(candidate);
	if (!s->best_distance || n > MAXLEN || m > MAXLEN)
		return;
	size_t d = distance(s->word, n, candidate, m);
	if (m > n) {
		size_t cut = distance(s->word, n, candidate, n) + 1;
		if (cut < d)
			d = cut;
	}
	if (d < s->best_distance) {
		s->best = candidate;
		s->best_distance = d;
	}
}
