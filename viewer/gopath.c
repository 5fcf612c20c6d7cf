/* gopath: Clean follows Go's path/filepath.Clean step by step (lexical only:
 * ".", "..", doubled slashes), so the file names we print and group by are
 * byte for byte those of go tool pprof. */
#include "gopath.h"

#include <string.h>

size_t gopath_clean(const char *s, size_t len, char *out)
{
	if (len == 0) {
		out[0] = '.';
		out[1] = 0;
		return 1;
	}
	int rooted = s[0] == '/';
	size_t r = 0, w = 0, dotdot = 0;
	if (rooted) {
		out[w++] = '/';
		r = 1;
		dotdot = 1;
	}
	while (r < len) {
		if (s[r] == '/') {
			r++;
		} else if (s[r] == '.' && (r + 1 == len || s[r + 1] == '/')) {
			r++;
		} else if (s[r] == '.' && r + 1 < len && s[r + 1] == '.' &&
			   (r + 2 == len || s[r + 2] == '/')) {
			r += 2;
			if (w > dotdot) {
				w--;
				while (w > dotdot && out[w] != '/')
					w--;
			} else if (!rooted) {
				if (w > 0)
					out[w++] = '/';
				out[w++] = '.';
				out[w++] = '.';
				dotdot = w;
			}
		} else {
			if ((rooted && w != 1) || (!rooted && w != 0))
				out[w++] = '/';
			for (; r < len && s[r] != '/'; r++)
				out[w++] = s[r];
		}
	}
	if (w == 0)
		out[w++] = '.';
	out[w] = 0;
	return w;
}

const char *gopath_base(const char *s, size_t len, size_t *outlen)
{
	if (len == 0) {
		*outlen = 1;
		return ".";
	}
	while (len > 0 && s[len - 1] == '/')
		len--;
	if (len == 0) {
		*outlen = 1;
		return "/";
	}
	size_t i = len;
	while (i > 0 && s[i - 1] != '/')
		i--;
	*outlen = len - i;
	return s + i;
}

size_t gopath_trim(const char *s, size_t len)
{
	static const char *const prefixes[] = {"/proc/self/cwd/./", "/proc/self/cwd/"};
	for (size_t i = 0; i < 2; i++) {
		size_t n = strlen(prefixes[i]);
		if (len >= n && !memcmp(s, prefixes[i], n))
			return n;
	}
	return 0;
}
