/* dotgraph: writes a pgraph in graphviz DOT the way go tool pprof -dot does,
 * line for line, and turns DOT into SVG with graphviz's dot when it is
 * installed. */
#ifndef ALLOCPROF_PICTURES_DOTGRAPH_H
#define ALLOCPROF_PICTURES_DOTGRAPH_H

#include <stdio.h>

#include "pgraph.h"

/* 0 or -EIO. */
int dotgraph_write(FILE *f, struct pgraph *pg);

/* The path of graphviz's dot found on PATH, or NULL. */
char *dotgraph_find_dot(void);
/* Runs `dot -Tsvg` on the DOT text in dot_text, writing the SVG to out.
 * 0, or -1 after printing why. */
int dotgraph_render(const char *dot, const char *dot_text, size_t len, FILE *out);

#endif
