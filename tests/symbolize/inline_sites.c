/* inline_sites: a static inline helper that -O2 inlines into its caller;
 * the profile must show it as its own frame at its own line, inside the
 * caller's location. Line numbers are part of the tests. */
#include <stdlib.h>
#include <string.h>

static inline char *make_buffer(size_t n)
{
	char *p = malloc(n * 2); /* line 9: the inlined allocation */
	if (p)
		memset(p, 'x', n);
	return p;
}

__attribute__((noinline)) char *build_message(size_t n)
{
	char *p = make_buffer(n); /* line 17: where make_buffer was inlined */
	if (p)
		p[n - 1] = 0;
	return p;
}

static char *volatile sink;

int main(void)
{
	for (size_t i = 0; i < 50; i++) {
		sink = build_message(64 + i);
		free(sink);
	}
	return 0;
}
