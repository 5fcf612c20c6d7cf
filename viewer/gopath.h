/* gopath: the path rules go tool pprof applies to names it prints: Go's
 * filepath.Clean and filepath.Base, and pprof's trimming of build prefixes
 * such as /proc/self/cwd/. Results go into a caller's buffer. */
#ifndef ALLOCPROF_GOPATH_H
#define ALLOCPROF_GOPATH_H

#include <stddef.h>

/* Go's filepath.Clean of s[0..len). Writes at most len + 2 bytes (NUL
 * included) into out; returns the length. */
size_t gopath_clean(const char *s, size_t len, char *out);
/* Go's filepath.Base: pointer into s or a static string, and its length. */
const char *gopath_base(const char *s, size_t len, size_t *outlen);
/* pprof's trimPath with no -trim_path and no -source_path: strips a leading
 * "/proc/self/cwd/./" or "/proc/self/cwd/". Returns the offset to skip. */
size_t gopath_trim(const char *s, size_t len);

#endif
