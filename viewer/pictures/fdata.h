/* fdata: the flame graph's own data, embedded in the SVG so its script can
 * search and zoom from values rather than from drawn pixels: every node of
 * the tree in preorder, as a compact string, and the names they use. */
#ifndef ALLOCPROF_PICTURES_FDATA_H
#define ALLOCPROF_PICTURES_FDATA_H

#include <stdint.h>
#include <stdio.h>

#include "ftree.h"

/* Numbers the nodes that have a value, in preorder with children sorted
 * by name (the drawing's order), stopping below max_depth: *index gets a
 * malloc'd array, node -> number (FT_NONE for nodes left out), *count how
 * many. 0 or -ENOMEM. */
int fdata_number(const struct ftree *t, uint32_t max_depth, uint32_t **index, size_t *count);

/* Writes the data as one JSON object (text safe in XML without CDATA):
 *   {"total":T,"unit":U,"diff":0|1,"maxdelta":D,"minw":W,
 *    "tree":"...","names":[...],"labels":[...]}
 * The tree string holds one token per numbered node, in number order:
 * NAME[:SELF][;BASESELF], then ")" once its subtree is done; NAME is an
 * index into names, SELF and BASESELF are the node's value (base value)
 * minus its numbered children's, all in base 36. labels[i] is the frame
 * label of names[i], or null when it is the name. 0 or -ENOMEM. */
int fdata_write(FILE *f, const struct ftree *t, const uint32_t *index, const char *unit, double min_width,
		int64_t maxdelta);

#endif
