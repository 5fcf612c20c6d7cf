/* site: functions and mappings are classified once per profile, so finding
 * a sample's site costs a few array reads per frame. Frames are the graph's:
 * a location's lines innermost first (only the outermost with --noinlines),
 * an unsymbolized location one frame. */
#include "site.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gopath.h"
#include "libcode.h"
#include "pprof_names.h"
#include "report.h"
#include "units.h"

enum {
	SITE_NAMED = 1,   /* the function has a name */
	SITE_LIBRARY = 2, /* standard library code, by file or name */
	SITE_WRAPPER = 4, /* an allocator wrapper */
	SITE_FILE = 8,    /* the function has a source file */
	SITE_ALLOC_NAME = 16, /* "malloc", "calloc" or "realloc" in its name */
	SITE_C_MAIN = 32, /* "main" without a source file */
	SITE_RUST_START = 64, /* std::rt::lang_start and its parts */
	SITE_SEEN = 0x80,
};

static bool has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* The name up to its parameters, compared whole. */
static bool wrapper_name(const char *name)
{
	static const char *const names[] = {
		"operator new", "operator new[]", "operator delete", "operator delete[]",
		"malloc", "calloc", "realloc", "reallocarray", "free", "aligned_alloc",
		"posix_memalign", "memalign", "valloc", "pvalloc", "strdup", "strndup",
		"__strdup", "__strndup", "__libc_malloc", "__libc_calloc", "__libc_realloc",
		"xmalloc", "xcalloc", "xrealloc", "xzalloc", "xstrdup", "xstrndup", "xmemdup",
		"g_malloc", "g_malloc0", "g_realloc", "g_try_malloc", "g_try_malloc0",
		"g_malloc_n", "g_malloc0_n", "g_strdup", "g_strndup", "g_memdup", "g_memdup2",
		"g_slice_alloc", "g_slice_alloc0", "CRYPTO_malloc", "CRYPTO_zalloc", "CRYPTO_realloc",
		"CRYPTO_clear_realloc", "CRYPTO_memdup", "CRYPTO_strdup", "CRYPTO_strndup",
	};
	size_t n = strcspn(name, "(");
	while (n > 0 && name[n - 1] == ' ')
		n--;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && !strncmp(name, names[i], n))
			return true;
	return false;
}

/* The C and C++ runtimes: their frames are never the program's own. */
static bool runtime_mapping(const char *path)
{
	static const char *const prefixes[] = {
		"libc.so", "libc-", "libstdc++.so", "libgcc_s.so", "libc++.so", "libc++abi.so",
		"ld-linux", "ld64.so", "libm.so", "libpthread.so", "libdl.so", "liballocprof.so",
	};
	size_t blen;
	const char *base = gopath_base(path, strlen(path), &blen);
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (blen >= strlen(prefixes[i]) && has_prefix(base, prefixes[i]))
			return true;
	return false;
}

/* sqlite3Malloc, sqlite3DbMallocRaw, xmlMalloc, PyMem_Realloc: in a library
 * without debug info such a name is that library's allocator, and its
 * callers say more. */
static bool alloc_name(const char *name)
{
	static const char *const words[] = {"malloc", "calloc", "realloc"};
	size_t n = strcspn(name, "(");
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		for (const char *p = name; (p = strcasestr(p, words[i])) && (size_t)(p - name) < n; p++)
			return true;
	return false;
}

static uint8_t classify_function(const struct profile *p, uint32_t f)
{
	const struct pf_function *fn = &p->functions[f];
	const char *name = profile_str(p, fn->name), *file = profile_str(p, fn->filename);
	uint8_t k = SITE_SEEN;
	if (*name)
		k |= SITE_NAMED;
	if (*file)
		k |= SITE_FILE;
	if (libcode_file(file) || libcode_name(name))
		k |= SITE_LIBRARY;
	else if (wrapper_name(name))
		k |= SITE_WRAPPER;
	if (alloc_name(name))
		k |= SITE_ALLOC_NAME;
	if (!strcmp(name, "main") && !*file)
		k |= SITE_C_MAIN;
	if (has_prefix(name, "std::rt::lang_start"))
		k |= SITE_RUST_START;
	return k;
}

int site_rule_init(struct site_rule *r, const struct graph *g)
{
	const struct profile *p = g->p;
	memset(r, 0, sizeof(*r));
	r->g = g;
	r->fn_kind = calloc(p->nfunctions + 1, 1);
	r->map_kind = calloc(p->nmappings + 1, 1);
	if (!r->fn_kind || !r->map_kind) {
		site_rule_release(r);
		return -ENOMEM;
	}
	for (size_t f = 0; f < p->nfunctions; f++)
		r->fn_kind[f] = classify_function(p, (uint32_t)f);
	for (size_t m = 0; m < p->nmappings; m++)
		r->map_kind[m] = runtime_mapping(profile_str(p, p->mappings[m].filename)) ? SITE_LIBRARY : 0;
	return 0;
}

void site_rule_release(struct site_rule *r)
{
	free(r->fn_kind);
	free(r->map_kind);
	r->fn_kind = r->map_kind = NULL;
}

/* One frame of a sample as the walk sees it. */
struct frame {
	uint32_t node;
	uint32_t name; /* the function's name in the profile's strings; 0 */
	uint8_t kind;
	bool named, own, line;
	bool mapped, runtime; /* in a binary; in the C or C++ runtime's */
	struct site_place place;
};

/* A walk over a sample's frames from the leaf. */
struct walk {
	const struct site_rule *r;
	const struct pf_sample *sm;
	uint32_t li, k;
};

static bool walk_next(struct walk *w, struct frame *fr)
{
	const struct profile *p = w->r->g->p;
	const struct graph *g = w->r->g;
	while (w->li < w->sm->nlocs) {
		uint32_t loc = p->sample_locs[w->sm->loc_start + w->li];
		uint32_t n = g->loc_n[loc];
		if (w->k >= n) {
			w->li++;
			w->k = 0;
			continue;
		}
		const struct pf_location *l = &p->locations[loc];
		uint32_t k = w->k++;
		memset(fr, 0, sizeof(*fr));
		fr->node = g->locnodes[g->loc_first[loc] + k];
		fr->mapped = l->mapping != PF_NONE;
		fr->runtime = fr->mapped && w->r->map_kind[l->mapping];
		if (!l->nlines)
			return true;
		/* with --noinlines the graph keeps only the outermost line */
		const struct pf_line *ln = &p->lines[l->line_start + (l->nlines > n ? l->nlines - n : 0) + k];
		uint8_t kind = w->r->fn_kind[ln->function];
		fr->name = p->functions[ln->function].name;
		fr->place = (struct site_place){fr->name, p->functions[ln->function].filename, ln->line};
		fr->kind = kind;
		fr->named = kind & SITE_NAMED;
		fr->line = (kind & SITE_FILE) && ln->line > 0;
		fr->own = fr->named && !fr->runtime && !(kind & (SITE_LIBRARY | SITE_WRAPPER)) &&
			  !((kind & SITE_ALLOC_NAME) && !fr->line);
		return true;
	}
	return false;
}

/* The C-level main a Rust program's binary holds (rustc writes it: no
 * source line) calls the runtime's start: an allocation under it and under
 * none of the program's functions is the runtime's, named by the frame main
 * called, not a site of the program's main. */
struct rust_start {
	uint8_t prev_kind; /* of the nearest named frame below */
	uint32_t node, via, depth, below; /* the start's frame; below: its prev_named */
};

static bool rust_main(struct rust_start *rs, const struct frame *fr, uint32_t depth)
{
	if (fr->named && (fr->kind & SITE_RUST_START)) {
		rs->node = fr->node;
		rs->via = rs->below;
		rs->depth = depth;
	}
	bool is = (fr->kind & SITE_C_MAIN) && (rs->prev_kind & SITE_RUST_START);
	if (fr->named) {
		rs->prev_kind = fr->kind;
		rs->below = fr->node;
	}
	return is;
}

void site_find(const struct site_rule *r, const struct pf_sample *sm, struct site_frame *out)
{
	struct frame fr;
	bool own_with_line = false;
	for (struct walk w = {r, sm, 0, 0}; !own_with_line && walk_next(&w, &fr);)
		own_with_line = fr.own && fr.line;
	/* prev: the frame below, by preference the nearest with a name */
	uint32_t depth = 0, prev = UINT32_MAX, prev_named = UINT32_MAX, leaf = UINT32_MAX;
	uint32_t named = UINT32_MAX, named_depth = 0, named_prev = UINT32_MAX, name = 0;
	/* the first frame without a name outside the runtimes' binaries */
	uint32_t outside = UINT32_MAX, outside_depth = 0, outside_prev = UINT32_MAX;
	struct rust_start rs = {0, UINT32_MAX, UINT32_MAX, 0, UINT32_MAX};
	bool runtime_start = false;
	out->node = UINT32_MAX;
	out->recursive = false;
	out->place = (struct site_place){0, 0, 0};
	for (struct walk w = {r, sm, 0, 0}; !out->recursive && walk_next(&w, &fr); depth++) {
		bool start = rust_main(&rs, &fr, depth);
		if (out->node != UINT32_MAX) {
			/* above the site: its function called again */
			out->recursive = name && fr.name == name;
		} else if (start || runtime_start) {
			runtime_start = true; /* what called main is the C runtime */
		} else if (fr.own && (fr.line || !own_with_line)) {
			out->node = fr.node;
			out->place = fr.place;
			out->via = prev_named != UINT32_MAX ? prev_named : prev;
			out->depth = depth;
			name = fr.name;
		} else {
			/* a runtime's function that called unnamed code
			 * (start_thread, __libc_start_main) did not allocate */
			if (fr.named && named == UINT32_MAX && !(fr.runtime && outside != UINT32_MAX)) {
				named = fr.node;
				named_depth = depth;
				named_prev = prev;
			}
			if (!fr.named && fr.mapped && !fr.runtime && outside == UINT32_MAX) {
				outside = fr.node;
				outside_depth = depth;
				outside_prev = prev;
			}
		}
		if (leaf == UINT32_MAX)
			leaf = fr.node;
		prev = fr.node;
		if (fr.named)
			prev_named = fr.node;
	}
	if (out->node != UINT32_MAX)
		return;
	if (runtime_start && rs.node != UINT32_MAX) {
		out->node = rs.node;
		out->via = rs.via;
		out->depth = rs.depth;
		return;
	}
	if (named == UINT32_MAX && outside != UINT32_MAX) {
		named = outside; /* [liblzma.so.5] (no symbol) rather than start_thread */
		named_depth = outside_depth;
		named_prev = outside_prev;
	}
	if (named != UINT32_MAX) {
		out->node = named;
		out->via = named_prev;
		out->depth = named_depth;
		return;
	}
	out->node = leaf;
	out->via = UINT32_MAX;
	out->depth = 0;
}

int site_frame_depth(const struct site_rule *r, const struct pf_sample *sm, const char *fn, uint32_t from,
		     struct site_place *place)
{
	const struct profile *p = r->g->p;
	struct frame fr;
	int depth = 0;
	for (struct walk w = {r, sm, 0, 0}; walk_next(&w, &fr); depth++)
		if ((uint32_t)depth >= from && fr.named && !strcmp(profile_str(p, fr.name), fn)) {
			if (place)
				*place = fr.place;
			return depth;
		}
	return -1;
}

/* The symbol of an operator named at op (just past "operator"), or NULL
 * (operator new, a conversion: the name is kept whole). */
static const char *operator_symbol(const char *op)
{
	static const char *const symbols[] = {
		"<<=", ">>=", "<=>", "->*", "()", "[]", "<<", ">>", "<=", ">=", "->", "==", "!=",
		"&&", "||", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
		"+", "-", "*", "/", "%", "^", "&", "|", "~", "!", "=", "<", ">", ",",
	};
	for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++)
		if (has_prefix(op, symbols[i]))
			return symbols[i];
	return NULL;
}

/* Drops every balanced <...>, the parameter list and a template function's
 * return type (std::operator+, not std::basic_string<...>
 * std::operator+<char, ...>(...)); the whole name when that leaves nothing
 * sensible (a Rust <T as Trait>::f). */
const char *site_via_name(const struct graph *g, uint32_t via, char *buf, size_t cap)
{
	const struct gnode *n = &g->nodes[via];
	const char *name = strtab_get(g->strs, n->info.name);
	if (!*name) {
		snprintf(buf, cap, "%s", n->printable);
		return buf;
	}
	/* an operator's symbol is no bracket: it is skipped, then put back */
	const char *op = strstr(name, "operator"), *symbol = NULL;
	if (op && (op == name || op[-1] == ':' || op[-1] == ' ') && !(symbol = operator_symbol(op + 8))) {
		snprintf(buf, cap, "%s", name);
		return buf;
	}
	size_t w = 0;
	int depth = 0;
	bool ok = true;
	for (const char *s = name; *s && w + 1 < cap; s++) {
		if (symbol && s == op + 8) {
			size_t len = strlen(symbol);
			if (depth == 0 && w + len + 1 < cap) {
				memcpy(buf + w, symbol, len);
				w += len;
			}
			s += len - 1;
			continue;
		}
		if (*s == '(' && depth == 0)
			break;
		if (*s == '<') {
			/* Rust's f::<T>: the parameters go with their "::" */
			if (depth++ == 0 && w >= 2 && buf[w - 1] == ':' && buf[w - 2] == ':')
				w -= 2;
		} else if (*s == '>') {
			ok &= --depth >= 0;
		} else if (depth == 0) {
			buf[w++] = *s;
		}
	}
	while (w > 0 && buf[w - 1] == ' ')
		w--; /* std::operator< <char>: the space before the arguments */
	buf[w] = 0;
	if (!ok || depth != 0 || w == 0 || buf[0] == ':') {
		snprintf(buf, cap, "%s", name);
		return buf;
	}
	/* a template function's name starts with its return type */
	char *sp = strrchr(buf, ' ');
	if (sp && sp[1])
		memmove(buf, sp + 1, strlen(sp + 1) + 1);
	return buf;
}

int site_flats(const struct report *r, int value, int64_t *out, uint32_t *via)
{
	const struct graph *g = &r->g;
	const struct profile *p = r->p;
	struct site_rule rule;
	int64_t *heaviest = via ? calloc(g->nnodes + 1, sizeof(int64_t)) : NULL;
	if ((via && !heaviest) || site_rule_init(&rule, g) < 0) {
		free(heaviest);
		return -ENOMEM;
	}
	memset(out, 0, g->nnodes * sizeof(*out));
	if (via)
		memset(via, 0xff, g->nnodes * sizeof(*via));
	for (size_t i = 0; i < p->nsamples; i++) {
		const struct pf_sample *sm = &p->samples[i];
		if (!sm->nlocs || (r->sample_on && !r->sample_on[i]))
			continue;
		int64_t v = profile_sample_values(p, i)[value];
		if (v == 0)
			continue;
		struct site_frame f;
		site_find(&rule, sm, &f);
		out[f.node] = i64_add(out[f.node], v);
		if (via && i64_abs(v) > heaviest[f.node]) {
			heaviest[f.node] = i64_abs(v);
			via[f.node] = f.via;
		}
	}
	site_rule_release(&rule);
	free(heaviest);
	return 0;
}

int site_apply(struct report *r)
{
	struct graph *g = &r->g;
	int64_t *flat = malloc((g->nnodes + 1) * sizeof(*flat));
	uint32_t *via = malloc((g->nnodes + 1) * sizeof(*via));
	int rc = 1;
	if (!flat || !via || site_flats(r, r->value, flat, via) < 0)
		goto out;
	for (size_t i = 0; i < g->nnodes; i++) {
		struct gnode *n = &g->nodes[i];
		n->flat = flat[i];
		if (flat[i] == 0) {
			n->cum = 0; /* no site: report_trim leaves it out */
			continue;
		}
		if (via[i] == UINT32_MAX)
			continue;
		char short_name[256], *label = NULL;
		if (asprintf(&label, "%s (via %s)", n->printable,
			     site_via_name(g, via[i], short_name, sizeof(short_name))) < 0)
			goto out;
		uint32_t id = strtab_intern_cstr(g->strs, label);
		free(label);
		if (g->strs->failed)
			goto out;
		n->printable = strtab_get(g->strs, id);
	}
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "allocprof: out of memory\n");
	free(flat);
	free(via);
	return rc;
}

char *site_label(const struct graph *g, uint32_t node, uint32_t via)
{
	const struct gnode *n = &g->nodes[node];
	const char *name = strtab_get(g->strs, n->info.name), *file = strtab_get(g->strs, n->info.file);
	size_t blen;
	const char *base = gopath_base(file, strlen(file), &blen);
	char vname[256], *s = NULL;
	const char *v = via != UINT32_MAX ? site_via_name(g, via, vname, sizeof(vname)) : NULL;
	int rc;
	if (*name && *file && n->info.lineno)
		rc = asprintf(&s, "%s %.*s:%lld%s%s%s", name, (int)blen, base, (long long)n->info.lineno,
			      v ? " (via " : "", v ? v : "", v ? ")" : "");
	else
		rc = asprintf(&s, "%s%s%s%s", n->printable, v ? " (via " : "", v ? v : "", v ? ")" : "");
	return rc < 0 ? NULL : s;
}

char *site_biggest(struct profile *p, const char *type, int64_t *value, int64_t *total)
{
	struct ropts o = {0};
	o.sample_index = type;
	o.gran = GRAN_LINES;
	o.nodecount = 0;
	struct report r;
	char *label = NULL;
	if (report_open(&r, p, &o) == 0) {
		const struct graph *g = &r.g;
		int64_t *flat = malloc((g->nnodes + 1) * sizeof(*flat));
		uint32_t *via = malloc((g->nnodes + 1) * sizeof(*via));
		uint32_t best = UINT32_MAX;
		if (flat && via && site_flats(&r, r.value, flat, via) == 0)
			for (uint32_t n = 0; n < g->nnodes; n++)
				if (flat[n] > 0 && (best == UINT32_MAX || flat[n] > flat[best]))
					best = n;
		if (best != UINT32_MAX) {
			label = site_label(g, best, via[best]);
			*value = flat[best];
			*total = r.total;
		}
		free(flat);
		free(via);
	}
	report_close(&r);
	return label;
}

double site_samples(double objects, double bytes, int64_t rate)
{
	if (rate <= 1 || !(objects > 0))
		return objects;
	return objects * -expm1(-(bytes / objects) / (double)rate);
}

int64_t site_profile_rate(const struct profile *p)
{
	/* the period is the one place the rate is read from: the "rate:"
	 * comment is for people, and a second source could only disagree */
	if (p->period > 0 && !strcmp(profile_str(p, p->period_type.type), PPROF_PERIOD_TYPE))
		return p->period;
	return 0;
}

const char *site_spread(double samples, char *buf, size_t cap)
{
	if (!(samples < 19.5)) {
		buf[0] = 0;
		return buf;
	}
	double rel = samples >= 1 ? 100 / sqrt(samples) : 100;
	snprintf(buf, cap, " \xc2\xb1%.0f%%", rel);
	return buf;
}
