/* suggest: "did you mean": the known word nearest to a mistyped one
 * (a command, an option), when one is near enough to be the one meant. */
#ifndef ALLOCPROF_SUGGEST_H
#define ALLOCPROF_SUGGEST_H

#include <stddef.h>

struct suggest {
	const char *word;
	size_t len;
	const char *best; /* NULL: nothing near enough */
	size_t best_distance;
};

/* word: its first len characters. */
void suggest_init(struct suggest *s, const char *word, size_t len);
/* Considers one known word. */
void suggest_try(struct suggest *s, const char *candidate);

#endif
