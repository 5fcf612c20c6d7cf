/* hintout: prints ranked hints: as text for people (per hint the site, the
 * evidence with its numbers, the fix and what it removes, under totals), or
 * as tab-separated rows carrying every figure, for scripts and tests. */
#ifndef ALLOCPROF_HINTS_HINTOUT_H
#define ALLOCPROF_HINTS_HINTOUT_H

#include <stdio.h>

#include "hintset.h"
#include "report.h"

void hintout_text(FILE *out, const struct report *r, const struct hintset *hs);
void hintout_tsv(FILE *out, const struct report *r, const struct hintset *hs);

/* The evidence and the fix of one hint, one line each, no newline. */
void hintout_evidence(FILE *out, const struct hint *h, int64_t duration_ns);
void hintout_fix(FILE *out, const struct hint *h);

#endif
