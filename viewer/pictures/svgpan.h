/* svgpan: makes graphviz's SVG pan and zoom in a browser the way pprof's
 * -svg does: the picture fills the window, the graph goes into a
 * <g id="viewport"> that an inline script (assets/graphpan.js) moves. */
#ifndef ALLOCPROF_PICTURES_SVGPAN_H
#define ALLOCPROF_PICTURES_SVGPAN_H

#include <stddef.h>
#include <stdio.h>

/* Writes svg[0..len) to out with the viewport and the script added.
 * An SVG not shaped like graphviz's goes out unchanged: returns 1 then,
 * else 0; -EIO on a write error. */
int svgpan_write(FILE *out, const char *svg, size_t len);

#endif
