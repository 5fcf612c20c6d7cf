/* shorten: pprof's ShortenFunctionName, the short name its graph and flame
 * graph show for a function ("Canvas::add_point" for
 * "shapes::Canvas::add_point(double)", "pkg.(*T).Method" for a Go symbol). */
#ifndef ALLOCPROF_PICTURES_SHORTEN_H
#define ALLOCPROF_PICTURES_SHORTEN_H

#include <stddef.h>

/* Writes the short form of name into out (at most strlen(name) + 1 bytes)
 * and returns its length. */
size_t shorten_name(const char *name, char *out);

#endif
