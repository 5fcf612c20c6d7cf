/* flame: a layout pass turns the tree into a list of frames (x, width,
 * depth), merging what is too narrow to see; a second pass writes them. Both
 * walk with an explicit stack, since stacks can be thousands of frames deep.
 * Labels are cut to fit assuming a monospace font (0.6 em per character),
 * which is what lets the script re-cut them exactly when zooming. */
#include "flame.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "esc.h"
#include "fdata.h"
#include "units.h"
#include "mem.h"

enum { FRAME_H = 16, FONT = 12, PAD = 10, TOP = 70, BOTTOM = 30 };
/* The labels' baseline, from a frame's top. An underscore is drawn about
 * 2.5 px below it: at 12 (11.5 rounded) it fell on the last row of the
 * 15 px box, under its light border, and white labels (the dark frames of
 * a diff) lost their underscores. At 11 it sits well inside. */
enum { BASELINE = 11 };
#define CHAR_W (FONT * 0.6)

enum { MERGED_SHOWN = 3 };

struct frame {
	uint32_t node;   /* FT_NONE: a merged frame */
	uint32_t depth;
	double x, w;
	size_t count;    /* merged: how many frames */
	int64_t value, base;
	uint32_t parent; /* merged: the caller whose children these are */
	uint32_t biggest[MERGED_SHOWN]; /* merged: the widest of them, FT_NONE-padded */
};

struct layout {
	struct frame *f;
	size_t n, cap;
	uint32_t maxdepth;
};

static int push_frame(struct layout *l, const struct frame *fr)
{
	if (MEM_GROW(l->f, l->cap, l->n + 1) < 0)
		return -ENOMEM;
	l->f[l->n++] = *fr;
	if (fr->depth > l->maxdepth)
		l->maxdepth = fr->depth;
	return 0;
}

/* Frames (with a value) in the subtree of node, itself included. */
static size_t subtree_size(const struct ftree *t, uint32_t node, uint32_t *stack)
{
	size_t n = 0, sp = 0;
	stack[sp++] = node;
	while (sp) {
		uint32_t x = stack[--sp];
		if (t->n[x].value <= 0)
			continue;
		n++;
		for (uint32_t c = t->n[x].child; c != FT_NONE; c = t->n[c].sibling)
			stack[sp++] = c;
	}
	return n;
}

/* Value of the base-only paths: the topmost frames with no new value. */
static int64_t gone_value(const struct ftree *t)
{
	int64_t gone = 0;
	for (size_t i = 1; i < t->nn; i++)
		if (t->n[i].value == 0 && t->n[i].base > 0 && t->n[t->n[i].parent].value > 0)
			gone = i64_add(gone, t->n[i].base);
	return gone;
}

/* Keeps the MERGED_SHOWN children with the biggest values, biggest first. */
static void keep_biggest(const struct ftree *t, uint32_t *biggest, uint32_t node)
{
	for (size_t i = 0; i < MERGED_SHOWN; i++) {
		if (biggest[i] == FT_NONE || t->n[node].value > t->n[biggest[i]].value) {
			memmove(biggest + i + 1, biggest + i, (MERGED_SHOWN - 1 - i) * sizeof(*biggest));
			biggest[i] = node;
			return;
		}
	}
}

struct todo {
	uint32_t node;
	double x;
};

static int layout(const struct ftree *t, const struct flame_opts *o, struct layout *l,
		  struct flame_stats *st)
{
	double full = o->width - 2 * PAD;
	double scale = t->n[0].value > 0 ? full / (double)t->n[0].value : 0;
	/* every node is pushed at most once, and so fits in nn slots */
	struct todo *todo = malloc((t->nn + 1) * sizeof(*todo));
	uint32_t *scratch = malloc((t->nn + 1) * sizeof(*scratch));
	int rc = 0;
	if (!todo || !scratch) {
		rc = -ENOMEM;
		goto out;
	}
	size_t sp = 0;
	todo[sp++] = (struct todo){0, PAD};
	while (sp && rc == 0) {
		struct todo cur = todo[--sp];
		const struct fnode *n = &t->n[cur.node];
		struct frame fr = {cur.node, n->depth, cur.x, (double)n->value * scale, 0, n->value, n->base, FT_NONE,
				   {FT_NONE, FT_NONE, FT_NONE}};
		if (cur.node == 0)
			fr.w = full;
		if ((rc = push_frame(l, &fr)))
			break;
		if (n->depth >= FLAME_MAX_DEPTH) {
			st->cut += subtree_size(t, cur.node, scratch) - 1;
			continue;
		}
		size_t nc;
		bool nomem;
		uint32_t *kids = ftree_children(t, cur.node, &nc, &nomem);
		if (nomem) {
			rc = -ENOMEM;
			break;
		}
		double x = cur.x;
		int64_t merged = 0, merged_base = 0;
		size_t merged_count = 0, first = sp;
		uint32_t biggest[MERGED_SHOWN] = {FT_NONE, FT_NONE, FT_NONE};
		for (size_t i = 0; i < nc; i++) {
			const struct fnode *c = &t->n[kids[i]];
			if (c->value <= 0)
				continue;
			double w = (double)c->value * scale;
			if (w < o->min_width) {
				merged = i64_add(merged, c->value);
				merged_base = i64_add(merged_base, c->base);
				merged_count += subtree_size(t, kids[i], scratch);
				keep_biggest(t, biggest, kids[i]);
				continue;
			}
			todo[sp++] = (struct todo){kids[i], x};
			x += w;
		}
		free(kids);
		/* children were pushed left to right; pop them in that order */
		for (size_t a = first, b = sp; a + 1 < b; a++, b--) {
			struct todo tmp = todo[a];
			todo[a] = todo[b - 1];
			todo[b - 1] = tmp;
		}
		if (merged_count) {
			st->merged += merged_count;
			st->merged_value = i64_add(st->merged_value, merged);
			struct frame m = {FT_NONE, n->depth + 1, x, (double)merged * scale, merged_count, merged,
					  merged_base, cur.node, {biggest[0], biggest[1], biggest[2]}};
			if (m.w >= 0.05)
				rc = push_frame(l, &m);
		}
	}
out:
	free(todo);
	free(scratch);
	return rc;
}

static uint32_t fnv(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* flamegraph.pl's "hot" palette, picked by the name so a function keeps its
 * colour across graphs. */
static void hot(char *buf, const char *name)
{
	uint32_t h = fnv(name);
	double v1 = (h & 0xff) / 255.0, v2 = ((h >> 8) & 0xff) / 255.0, v3 = ((h >> 16) & 0xff) / 255.0;
	snprintf(buf, 32, "rgb(%d,%d,%d)", 205 + (int)(50 * v3), (int)(230 * v1), (int)(55 * v2));
}

/* Red for growth, blue for shrinkage, stronger the bigger the change
 * relative to the biggest change of any frame; near white for none. */
static bool diff_colour(char *buf, int64_t value, int64_t base, int64_t maxdelta)
{
	int64_t d = i64_add(value, i64_neg(base));
	if (d == 0 || maxdelta == 0) {
		snprintf(buf, 32, "rgb(236,236,236)");
		return false;
	}
	double r = fabs((double)d) / (double)maxdelta;
	if (r > 1)
		r = 1;
	int c = (int)lround(220 * (1 - sqrt(r)));
	if (d > 0)
		snprintf(buf, 32, "rgb(255,%d,%d)", c, c);
	else
		snprintf(buf, 32, "rgb(%d,%d,255)", c, c);
	return c < 110; /* dark: white text reads better */
}

static void value_text(FILE *f, const struct ftree *t, const struct flame_opts *o, int64_t value,
		       int64_t base)
{
	char b1[UNITS_BUF], b2[UNITS_BUF], b3[UNITS_BUF];
	const char *pct = units_percent(value, t->total, b2);
	while (*pct == ' ')
		pct++;
	fprintf(f, "%s (%s)", units_label(value, o->unit, "auto", b1), pct);
	if (!t->has_base)
		return;
	int64_t d = i64_add(value, i64_neg(base));
	fprintf(f, "&#10;base %s, %s%s", units_label(base, o->unit, "auto", b1), d > 0 ? "+" : "",
		units_label(d, o->unit, "auto", b3));
	if (base != 0)
		fprintf(f, " (%+.1f%%)", (double)d / (double)base * 100);
	else if (d != 0)
		fputs(" (new)", f);
}

/* The label cut to fit width w, as the script does it. */
static void fit_text(FILE *f, const char *label, double w)
{
	long chars = (long)floor((w - 6) / CHAR_W);
	if (chars < 3)
		return;
	size_t len = strlen(label), n = esc_width(label, len);
	if (n <= (size_t)chars) {
		esc_xml_n(f, label, len);
		return;
	}
	esc_xml_n(f, label, esc_prefix(label, len, (size_t)chars - 2));
	fputs("..", f);
}

static void write_frame(FILE *f, const struct ftree *t, const struct flame_opts *o,
			const struct frame *fr, double y, int64_t maxdelta, const char *merged_name,
			const uint32_t *index)
{
	char fill[32];
	bool dark = false;
	const char *name = fr->node == FT_NONE ? merged_name : ftree_name(t, fr->node);
	const char *label = fr->node == FT_NONE ? merged_name : ftree_label(t, fr->node);
	if (t->has_base)
		dark = diff_colour(fill, fr->value, fr->base, maxdelta);
	else if (fr->node == FT_NONE)
		snprintf(fill, sizeof(fill), "rgb(190,190,190)");
	else if (fr->node == 0)
		snprintf(fill, sizeof(fill), "rgb(215,215,215)");
	else
		hot(fill, name);
	fprintf(f, "<g class=\"f%s\" data-n=\"%u\" data-v=\"%lld\"", fr->node == FT_NONE ? " m" : "",
		index[fr->node == FT_NONE ? fr->parent : fr->node], (long long)fr->value);
	if (t->has_base)
		fprintf(f, " data-b=\"%lld\"", (long long)fr->base);
	if (strcmp(label, name)) {
		fputs(" data-l=\"", f);
		esc_xml(f, label);
		fputc('"', f);
	}
	fputs("><title>", f);
	esc_xml(f, name);
	fputs("&#10;", f);
	value_text(f, t, o, fr->value, fr->base);
	/* what a merged frame holds, readable without the script */
	for (size_t i = 0; fr->node == FT_NONE && i < MERGED_SHOWN && fr->biggest[i] != FT_NONE; i++) {
		char b1[UNITS_BUF];
		fputs(i ? ", " : "&#10;biggest: ", f);
		esc_xml(f, ftree_name(t, fr->biggest[i]));
		fprintf(f, " %s", units_label(t->n[fr->biggest[i]].value, o->unit, "auto", b1));
	}
	fprintf(f, "</title><rect x=\"%.2f\" y=\"%.0f\" width=\"%.2f\" height=\"%d\" fill=\"%s\"/>", fr->x, y,
		fr->w, FRAME_H - 1, fill);
	fprintf(f, "<text x=\"%.2f\" y=\"%.0f\"%s>", fr->x + 3, y + BASELINE, dark ? " class=\"w\"" : "");
	fit_text(f, label, fr->w);
	fputs("</text></g>\n", f);
}

static const char style[] =
	".f{cursor:pointer}.f:hover rect{stroke:#000;stroke-width:.6}"
	".f text{pointer-events:none;fill:#000}.f text.w{fill:#fff}.f rect{stroke:#fafafa;stroke-width:.5}"
	".f.hl rect{fill:rgb(224,64,224)}.f.anc rect{opacity:.55}"
	".ctl{cursor:pointer;fill:#1a5fb4}.note{fill:#555}.det{fill:#222}"
	"input.search{font:12px sans-serif;width:230px;box-sizing:border-box;padding:1px 4px}";

int flame_write(FILE *f, const struct ftree *t, const struct flame_opts *o, struct flame_stats *st)
{
	memset(st, 0, sizeof(*st));
	struct layout l = {0};
	int rc = layout(t, o, &l, st);
	if (rc) {
		free(l.f);
		return rc;
	}
	uint32_t *index;
	size_t numbered;
	if (fdata_number(t, FLAME_MAX_DEPTH, &index, &numbered) < 0) {
		free(l.f);
		return -ENOMEM;
	}
	st->drawn = l.n;
	if (t->has_base)
		st->gone = gone_value(t);
	int64_t maxdelta = 0;
	for (size_t i = 1; i < l.n; i++) {
		int64_t d = i64_abs(i64_add(l.f[i].value, i64_neg(l.f[i].base)));
		if (d > maxdelta)
			maxdelta = d;
	}
	int height = TOP + (int)(l.maxdepth + 1) * FRAME_H + BOTTOM;
	int W = o->width;
	if (o->standalone)
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n", f);
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" class=\"flame\" id=\"%s\" width=\"%d\" "
		   "height=\"%d\" viewBox=\"0 0 %d %d\" data-pad=\"%d\" data-charw=\"%.2f\" data-icicle=\"%d\" "
		   "data-top=\"%d\" data-fh=\"%d\" data-bottom=\"%d\" data-baseline=\"%d\" "
		   "font-family=\"DejaVu Sans Mono,Menlo,Consolas,monospace\" font-size=\"%d\">\n",
		o->id, W, height, W, height, PAD, CHAR_W, o->icicle, TOP, FRAME_H, BOTTOM, BASELINE, FONT);
	fprintf(f, "<style><![CDATA[%s]]></style>\n", style);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"#fafafa\"/>\n");
	fprintf(f, "<text x=\"%d\" y=\"22\" text-anchor=\"middle\" font-size=\"16\" font-family=\"sans-serif\">", W / 2);
	esc_xml(f, o->title);
	fputs("</text>\n", f);
	/* the notes: what the graph leaves out */
	char b1[UNITS_BUF], b2[UNITS_BUF];
	fprintf(f, "<text class=\"note\" x=\"%d\" y=\"40\" text-anchor=\"middle\" font-family=\"sans-serif\">", W / 2);
	if (o->subtitle)
		esc_xml(f, o->subtitle);
	if (st->merged) {
		const char *pct = units_percent(st->merged_value, t->total, b2);
		while (*pct == ' ')
			pct++;
		fprintf(f, "%s%zu frame%s narrower than %gpx merged into grey frames (%s, %s)", o->subtitle ? "; " : "",
			st->merged, st->merged == 1 ? "" : "s", o->min_width,
			units_label(st->merged_value, o->unit, "auto", b1), pct);
	}
	if (st->cut)
		fprintf(f, "; %zu frames deeper than %d not drawn", st->cut, FLAME_MAX_DEPTH);
	if (t->negative)
		fprintf(f, "; %zu samples with negative values left out", t->negative);
	fputs("</text>\n", f);
	if (t->has_base) {
		fprintf(f, "<text class=\"note\" x=\"%d\" y=\"56\" font-family=\"sans-serif\">"
			   "width: new profile; colour: <tspan fill=\"#d00\">grew</tspan> / "
			   "<tspan fill=\"#00c\">shrank</tspan> since the base", PAD);
		if (st->gone > 0)
			fprintf(f, "; %s only in the base (not drawn)", units_label(st->gone, o->unit, "auto", b1));
		fputs("</text>\n", f);
	}
	fprintf(f, "<text class=\"ctl reset\" x=\"%d\" y=\"%d\" visibility=\"hidden\" font-family=\"sans-serif\">"
		   "Reset zoom</text>\n", PAD, t->has_base ? 40 : 56);
	fprintf(f, "<text class=\"note matched\" x=\"%d\" y=\"%d\" text-anchor=\"end\" font-family=\"sans-serif\"></text>\n",
		W - PAD - 240, TOP - 14);
	fprintf(f, "<foreignObject x=\"%d\" y=\"%d\" width=\"232\" height=\"22\">"
		   "<input xmlns=\"http://www.w3.org/1999/xhtml\" class=\"search\" type=\"search\" "
		   "placeholder=\"Search (regular expression)\" title=\"frames whose name matches turn purple\"/>"
		   "</foreignObject>\n",
		W - PAD - 232, TOP - 29);
	fputs("<g class=\"frames\">\n", f);
	char merged_name[96];
	for (size_t i = 0; i < l.n; i++) {
		const struct frame *fr = &l.f[i];
		double y = o->icicle ? TOP + (double)fr->depth * FRAME_H
				     : TOP + (double)(l.maxdepth - fr->depth) * FRAME_H;
		if (fr->node == FT_NONE)
			snprintf(merged_name, sizeof(merged_name), "[%zu frame%s narrower than %gpx]", fr->count,
				 fr->count == 1 ? "" : "s", o->min_width);
		write_frame(f, t, o, fr, y, maxdelta, merged_name, index);
	}
	fputs("</g>\n", f);
	/* what search and zoom count from: the values, not the drawn pixels */
	fputs("<metadata class=\"fdata\">", f);
	rc = fdata_write(f, t, index, o->unit, o->min_width, maxdelta);
	fputs("</metadata>\n", f);
	free(index);
	if (rc) {
		free(l.f);
		return rc;
	}
	fprintf(f, "<text class=\"det\" x=\"%d\" y=\"%d\" font-family=\"sans-serif\"> </text>\n", PAD, height - 10);
	if (o->standalone) {
		fprintf(f, "<script type=\"text/ecmascript\"><![CDATA[\n%s\nallocprofFlame(document.documentElement);\n]]></script>\n",
			pic_asset_flame_js);
	}
	fputs("</svg>\n", f);
	free(l.f);
	return ferror(f) ? -EIO : 0;
}
