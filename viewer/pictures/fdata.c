/* fdata: both passes walk the tree with an explicit stack (stacks can be
 * thousands of frames deep) in the same order, so the numbers the frames
 * carry (data-n) are the positions of their tokens in the string. */
#include "fdata.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "esc.h"
#include "units.h"

struct step {
	uint32_t node;
	bool close; /* the node's subtree is done */
};

/* Pushes the children of node with a value, so that they pop in name order. */
static int push_children(const struct ftree *t, uint32_t node, struct step *st, size_t *sp)
{
	size_t nc;
	bool nomem;
	uint32_t *kids = ftree_children(t, node, &nc, &nomem);
	if (nomem)
		return -ENOMEM;
	for (size_t i = nc; i-- > 0;)
		if (t->n[kids[i]].value > 0)
			st[(*sp)++] = (struct step){kids[i], false};
	free(kids);
	return 0;
}

int fdata_number(const struct ftree *t, uint32_t max_depth, uint32_t **index, size_t *count)
{
	uint32_t *idx = malloc(t->nn * sizeof(*idx));
	struct step *st = malloc((t->nn + 1) * sizeof(*st));
	*index = NULL;
	*count = 0;
	if (!idx || !st) {
		free(idx);
		free(st);
		return -ENOMEM;
	}
	memset(idx, 0xff, t->nn * sizeof(*idx));
	size_t sp = 0, n = 0;
	st[sp++] = (struct step){0, false};
	while (sp) {
		uint32_t node = st[--sp].node;
		idx[node] = (uint32_t)n++;
		if (t->n[node].depth < max_depth && push_children(t, node, st, &sp) < 0) {
			free(idx);
			free(st);
			return -ENOMEM;
		}
	}
	free(st);
	*index = idx;
	*count = n;
	return 0;
}

static void put36(FILE *f, uint64_t v)
{
	char buf[16];
	size_t n = 0;
	do {
		buf[n++] = "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36];
		v /= 36;
	} while (v);
	while (n)
		fputc(buf[--n], f);
}

/* The value and base of node not carried by its numbered children. */
static void self_of(const struct ftree *t, const uint32_t *index, uint32_t node, int64_t *self, int64_t *bself)
{
	*self = t->n[node].value;
	*bself = t->n[node].base;
	for (uint32_t c = t->n[node].child; c != FT_NONE; c = t->n[c].sibling) {
		if (index[c] == FT_NONE)
			continue;
		*self = i64_add(*self, i64_neg(t->n[c].value));
		*bself = i64_add(*bself, i64_neg(t->n[c].base));
	}
}

static int by_number_down(const void *a, const void *b, void *ctx)
{
	const uint32_t *index = ctx;
	uint32_t x = index[((const struct step *)a)->node], y = index[((const struct step *)b)->node];
	return x < y ? 1 : x > y ? -1 : 0;
}

int fdata_write(FILE *f, const struct ftree *t, const uint32_t *index, const char *unit, double min_width,
		int64_t maxdelta)
{
	uint32_t *nameno = malloc(t->names.n * sizeof(*nameno));
	uint32_t *order = malloc(t->names.n * sizeof(*order)); /* data name -> ftree name */
	struct step *st = malloc((2 * t->nn + 1) * sizeof(*st));
	int rc = 0;
	if (!nameno || !order || !st) {
		rc = -ENOMEM;
		goto out;
	}
	memset(nameno, 0xff, t->names.n * sizeof(*nameno));
	fprintf(f, "{\"total\":%lld,\"unit\":\"", (long long)t->total);
	esc_json(f, unit ? unit : "");
	fprintf(f, "\",\"diff\":%d,\"maxdelta\":%lld,\"minw\":%g,\"tree\":\"", t->has_base ? 1 : 0,
		(long long)maxdelta, min_width);
	size_t sp = 0, nnames = 0;
	st[sp++] = (struct step){0, false};
	while (sp) {
		struct step s = st[--sp];
		if (s.close) {
			fputc(')', f);
			continue;
		}
		uint32_t name = t->n[s.node].name;
		if (nameno[name] == FT_NONE) {
			order[nnames] = name;
			nameno[name] = (uint32_t)nnames++;
		}
		put36(f, nameno[name]);
		int64_t self, bself;
		self_of(t, index, s.node, &self, &bself);
		/* values are positive: negative samples never enter the tree */
		if (self > 0) {
			fputc(':', f);
			put36(f, (uint64_t)self);
		}
		if (bself > 0) {
			fputc(';', f);
			put36(f, (uint64_t)bself);
		}
		fputc(',', f);
		st[sp++] = (struct step){s.node, true};
		size_t first = sp;
		for (uint32_t c = t->n[s.node].child; c != FT_NONE; c = t->n[c].sibling)
			if (index[c] != FT_NONE)
				st[sp++] = (struct step){c, false};
		/* numbers grow in drawing order: pop the smallest first */
		qsort_r(st + first, sp - first, sizeof(*st), by_number_down, (void *)index);
	}
	fputs("\",\"names\":[", f);
	for (size_t i = 0; i < nnames; i++) {
		fputs(i ? ",\"" : "\"", f);
		esc_json(f, strtab_get(&t->names, order[i]));
		fputc('"', f);
	}
	fputs("],\"labels\":[", f);
	for (size_t i = 0; i < nnames; i++) {
		uint32_t l = t->label[order[i]];
		if (i)
			fputc(',', f);
		if (l == order[i]) {
			fputs("null", f);
		} else {
			fputc('"', f);
			esc_json(f, strtab_get(&t->names, l));
			fputc('"', f);
		}
	}
	fputs("]}", f);
out:
	free(nameno);
	free(order);
	free(st);
	return rc;
}
