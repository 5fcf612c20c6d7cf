/* hintout: shares inside the evidence are rounded down ("99.9%", never a
 * "100%" that is not all of them); shares of the total use pprof's style, as
 * the other reports do. Every sentence is built from the site's figures, so
 * a hint never says more than its numbers. */
#include "hintout.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "site.h"
#include "units.h"

static int64_t to_i64(double v)
{
	if (!(v > -9.2e18 && v < 9.2e18))
		return v > 0 ? INT64_MAX : 0;
	return (int64_t)llround(v);
}

/* "1181", "12.3k", "300k", "1.5M": exact below ten thousand. */
static const char *count(double v, char *buf)
{
	static const char *const suffix[] = {"", "k", "M", "G", "T", "P", "E"};
	if (v < 10000) {
		snprintf(buf, UNITS_BUF, "%.0f", v);
		return buf;
	}
	int k = 0;
	while (v >= 1000 && k < 6) {
		v /= 1000;
		k++;
	}
	snprintf(buf, UNITS_BUF, "%.3g%s", v, suffix[k]);
	return buf;
}

/* Counts of the profile: every digit when they are exact (rate 1). */
static const char *total_count(const struct sites *s, double v, char *buf)
{
	if (s->rate != 1 || v >= 1e15)
		return count(v, buf);
	snprintf(buf, UNITS_BUF, "%.0f", v);
	return buf;
}

static const char *bytes(double v, char *buf)
{
	return units_label(to_i64(v), "bytes", "auto", buf);
}

/* A share of a site's objects, rounded down to 0.1%. */
static const char *share(double x, double of, char *buf)
{
	double s = of > 0 ? x / of * 100 : 0;
	if (s >= 100) {
		snprintf(buf, UNITS_BUF, "100%%");
		return buf;
	}
	double t = floor(s * 10) / 10;
	snprintf(buf, UNITS_BUF, t == floor(t) ? "%.0f%%" : "%.1f%%", t);
	return buf;
}

/* A share of the profile's total, as pprof prints it. */
static const char *of_total(double x, double total, char *buf)
{
	const char *p = units_percent(to_i64(x), to_i64(total), buf);
	while (*p == ' ')
		p++;
	return p;
}

static bool fixed_size(const struct site *s)
{
	return s->size_min > 0 && s->size_min == s->size_max;
}

static void sizes(FILE *out, const struct site *s)
{
	char b1[UNITS_BUF], b2[UNITS_BUF];
	if (fixed_size(s))
		fprintf(out, "fixed size %s", bytes(s->size_min, b1));
	else if (s->size_min > 0)
		fprintf(out, "sizes %s to %s", bytes(s->size_min, b1), bytes(s->size_max, b2));
	else
		fprintf(out, "average size %s", bytes(s->bytes / s->objects, b1));
}

static void per_second(FILE *out, double n, int64_t duration_ns, const char *what)
{
	char b[UNITS_BUF];
	if (duration_ns > 0)
		fprintf(out, ", %s %s/s", count(n / ((double)duration_ns / 1e9), b), what);
}

static void lifetime(FILE *out, const struct hint *h)
{
	char b[UNITS_BUF];
	if (h->life_bucket >= 0)
		fprintf(out, ", %s within %s", share(h->life_share * h->site->objects, h->site->objects, b),
			site_life_bounds[h->life_bucket]);
}

/* "function file:line" as the shim writes it, with what is unknown said
 * instead of a ":0" (no line) or an empty file. */
static void print_where(FILE *out, const char *where)
{
	size_t n = strlen(where);
	if (n < 2 || strcmp(where + n - 2, ":0")) {
		fputs(where, out);
		return;
	}
	const char *sp = strrchr(where, ' ');
	if (sp && sp + 3 == where + n) /* "function :0" */
		fprintf(out, "%.*s (file and line unknown)", (int)(sp - where), where);
	else
		fprintf(out, "%.*s (line unknown)", (int)(n - 2), where);
}

static void freed_at(FILE *out, const struct site *s)
{
	if (s->freed_at) {
		fputs(" (most in ", out);
		print_where(out, s->freed_at);
		fputs(")", out);
	}
}

/* Why a site freed by its own function or a caller got another kind. */
static void concurrency(FILE *out, const struct hint *h)
{
	const struct site *s = h->site;
	char b[UNITS_BUF];
	if (h->recursive)
		fprintf(out, ", its function calls itself (%s of the objects on such stacks)",
			share(s->recursive, s->objects, b));
	if (h->many_live && s->live_thread_stacks > 0 && s->live_thread_stacks == s->live_stacks)
		fprintf(out, ", up to %s%s live at once in one thread", count(s->live_max_thread, b),
			s->live_thread_summed > 1 ? " (summed over its stacks)" : "");
	else if (h->many_live && s->live_known && s->live_stacks > 1)
		fprintf(out, ", up to %s live at once (the sum of its %d stacks' peaks)", count(s->live_max, b),
			s->live_stacks);
	else if (h->many_live && s->live_known)
		fprintf(out, ", up to %s live at once", count(s->live_max, b));
	else if (h->many_live)
		fprintf(out, ", at least %s live at once on average", count(s->live_mean_floor, b));
}

void hintout_evidence(FILE *out, const struct hint *h, int64_t duration_ns)
{
	const struct site *s = h->site;
	char b1[UNITS_BUF], b2[UNITS_BUF], b3[UNITS_BUF];
	double a = s->objects;
	switch (h->kind) {
	case HINT_RESERVE:
		fprintf(out, "grows by realloc %.3g times on average to %s (%s chains end here, %s reallocs",
			h->per_chain, bytes(h->final_size, b1), count(s->chains, b2), count(h->reallocs, b3));
		per_second(out, h->reallocs, duration_ns, "reallocs");
		fprintf(out, ")");
		if (h->linear)
			fprintf(out, ", in steps: from %s, doubling would take %.0f",
				bytes(s->size_min, b1), ceil(log2(h->final_size / s->size_min)));
		return;
	case HINT_SCRATCH:
		sizes(out, s);
		per_second(out, a, duration_ns, "objects");
		if (h->depth == 0) {
			fprintf(out, ", %s freed by the function that allocated them%s",
				share(s->same_function, a, b1), h->outlives_call ? " (by a later call or iteration)" : "");
		} else {
			fprintf(out, ", %s freed, %s by the same thread, most in ", share(s->freed, a, b1),
				share(s->same_thread, a, b2));
			print_where(out, s->freed_at);
			fprintf(out, ", %d frame%s up the allocating stack%s", h->depth, h->depth > 1 ? "s" : "",
				h->outlives_call ? ", by a later call or iteration" : "");
		}
		lifetime(out, h);
		if (h->per_thread)
			fprintf(out, ", never two live at once in one thread");
		else if (s->live_known)
			fprintf(out, ", %s", s->live_max_sampled <= 1 && s->live_max <= 1
						 ? "never two live at once"
						 : "no two sampled ones live at once");
		return;
	case HINT_POOL:
	case HINT_SIZE_CLASS: /* a pool per size: the same evidence */
		sizes(out, s);
		per_second(out, a, duration_ns, "objects");
		fprintf(out, ", %s freed by the same thread", share(s->same_thread, a, b1));
		freed_at(out, s);
		lifetime(out, h);
		concurrency(out, h);
		return;
	case HINT_SHARED_POOL:
		sizes(out, s);
		per_second(out, a, duration_ns, "objects");
		fprintf(out, ", %s freed, %s by another thread", share(s->freed, a, b1),
			share(s->freed - s->same_thread, a, b2));
		freed_at(out, s);
		lifetime(out, h);
		return;
	case HINT_ARENA:
		sizes(out, s);
		per_second(out, a, duration_ns, "objects");
		fprintf(out, ", %s freed within %s, %s by the same thread",
			share(site_freed_within(s, RULE_SHORT_BUCKET), a, b1),
			site_life_bounds[RULE_SHORT_BUCKET], share(s->same_thread, a, b2));
		freed_at(out, s);
		concurrency(out, h);
		return;
	}
}

/* The freeing function of a scratch hint in a caller. */
static const char *caller(const struct site *s)
{
	return s->freed_at_function && *s->freed_at_function ? s->freed_at_function : "the caller";
}

void hintout_fix(FILE *out, const struct hint *h)
{
	const struct site *s = h->site;
	char b[UNITS_BUF];
	bool fixed = fixed_size(s);
	switch (h->kind) {
	case HINT_RESERVE:
		fprintf(out, "reserve the final size (about %s) when the buffer is created",
			bytes(h->final_size, b));
		if (h->linear)
			fprintf(out, "; where it is not known, grow geometrically (double the capacity)");
		return;
	case HINT_SCRATCH:
		if (h->per_thread)
			fprintf(out, "one per thread (threads hold one each at the same time): ");
		if (h->depth > 0) {
			fprintf(out, "allocate it once in %s and reuse it across calls", caller(s));
			if (h->outlives_call)
				fprintf(out, " (each block is freed by a later call of %s or iteration in "
					"it: not a local variable)", caller(s));
			else if (h->unplaced)
				fprintf(out, " (without line numbers it cannot be told whether a block "
					"outlives the call of %s: no local variable)", caller(s));
			else if (fixed && s->size_min <= RULE_STACK_MAX)
				fprintf(out, ", or make it a local variable of %s", caller(s));
			else if (!fixed && s->size_max > 0)
				fprintf(out, ", sized for the largest (%s)%s%s", bytes(s->size_max, b),
					s->size_max <= RULE_STACK_MAX ? ", or a local array of that size in " : "",
					s->size_max <= RULE_STACK_MAX ? caller(s) : "");
		} else if (h->unplaced && fixed)
			fprintf(out, "one %s buffer allocated once and reused across calls (without line "
				"numbers it cannot be told whether a block outlives its call: no local variable)",
				bytes(s->size_min, b));
		else if (h->unplaced)
			fprintf(out, "one scratch buffer reused across calls%s%s%s (without line numbers it "
				"cannot be told whether a block outlives its call: no local array)",
				s->size_max > 0 ? ", grown to the largest size (" : "",
				s->size_max > 0 ? bytes(s->size_max, b) : "", s->size_max > 0 ? ")" : "");
		else if (h->outlives_call && fixed)
			fprintf(out, "one %s buffer allocated once and reused across calls (each block is "
				"freed by a later call or iteration: not a local variable)", bytes(s->size_min, b));
		else if (h->outlives_call)
			fprintf(out, "one scratch buffer reused across calls%s%s%s (each block is freed by a "
				"later call or iteration: not a local array)", s->size_max > 0 ? ", grown to the largest size (" : "",
				s->size_max > 0 ? bytes(s->size_max, b) : "", s->size_max > 0 ? ")" : "");
		else if (fixed && s->size_min <= RULE_STACK_MAX)
			fprintf(out, "a local variable (on the stack), or one %s buffer reused across calls",
				bytes(s->size_min, b));
		else if (fixed)
			fprintf(out, "one %s buffer allocated once and reused across calls (too big for the stack)",
				bytes(s->size_min, b));
		else if (s->size_max > 0 && s->size_max <= RULE_STACK_MAX)
			fprintf(out, "a local array of the largest size (%s), or one scratch buffer of that "
				"size reused across calls", bytes(s->size_max, b));
		else if (s->size_max > 0)
			fprintf(out, "one scratch buffer reused across calls, grown to the largest size (%s)",
				bytes(s->size_max, b));
		else
			fprintf(out, "one scratch buffer reused across calls");
		return;
	case HINT_POOL:
		fprintf(out, "a free list (pool) of %s objects per thread: reuse freed ones instead of "
			"malloc and free", bytes(s->size_min, b));
		return;
	case HINT_SHARED_POOL:
		fprintf(out, "harder: a per-thread free list never gets these back; a pool shared by the "
			"threads (a lock or an atomic free list), or handing them back to their thread in "
			"batches, would");
		return;
	case HINT_ARENA:
		fprintf(out, "a per-thread arena: bump-allocate them and release them all at once when "
			"the work that needs them is done");
		return;
	case HINT_SIZE_CLASS:
		fprintf(out, "a free list per size class (say, multiples of 16B up to %s) per thread: "
			"a freed block goes back to its class and the next request of that class reuses it",
			bytes(s->size_max, b));
		return;
	}
}

static void rate_note(FILE *out, const struct sites *s)
{
	char b[UNITS_BUF];
	if (s->rate == 1)
		fprintf(out, "rate 1: every allocation recorded, the figures are exact");
	else if (s->rate > 1)
		fprintf(out, "one sample per %s on average: the figures are estimates",
			units_label(s->rate, "bytes", "auto", b));
	else
		fprintf(out, "sampling rate unknown");
}

static void active_filter(FILE *out, const char *k, const char *v)
{
	size_t n = strlen(k) + 1 + strlen(v);
	if (n > 80)
		fprintf(out, "   %s=%.*s\xe2\x80\xa6\n", k, (int)(80 - strlen(k) - 1), v);
	else
		fprintf(out, "   %s=%s\n", k, v);
}

static void header(FILE *out, const struct report *r, const struct hintset *hs)
{
	const struct sites *s = hs->sites;
	char b1[UNITS_BUF], b2[UNITS_BUF], b3[UNITS_BUF], b4[UNITS_BUF];
	report_profile_labels(r, out);
	if (r->o.focus || r->o.ignore) {
		fprintf(out, "Active filters:\n");
		if (r->o.focus)
			active_filter(out, "focus", r->o.focus);
		if (r->o.ignore)
			active_filter(out, "ignore", r->o.ignore);
	}
	fprintf(out, "Allocated: %s in %s objects (", bytes(s->bytes, b1), total_count(s, s->objects, b2));
	rate_note(out, s);
	fprintf(out, ")\n");
	if (r->o.focus || r->o.ignore)
		fprintf(out, "Filtered: %s (%s) in %s objects (%s)\n", bytes(s->sel_bytes, b1),
			of_total(s->sel_bytes, s->bytes, b2), total_count(s, s->sel_objects, b3),
			of_total(s->sel_objects, s->objects, b4));
	if (s->fate_labels && !s->same_function_labels)
		fprintf(out, "Note: written without symbols (ALLOCPROF_SYMBOLIZE=0), the profile does not say "
			"where blocks were freed: no scratch hints\n");
	fprintf(out, "Hints: %zu, removing %s (%s) and %s objects (%s); ranked by %s removed\n", hs->n,
		bytes(hs->bytes, b1), of_total(hs->bytes, s->bytes, b2), total_count(s, hs->objects, b3),
		of_total(hs->objects, s->objects, b4), hs->by_objects ? "objects" : "bytes");
	size_t rest = hs->all - hs->n;
	if (rest) {
		fprintf(out, "Not shown: %zu more, removing %s and %s objects (", rest, bytes(hs->rest_bytes, b1),
			total_count(s, hs->rest_objects, b2));
		if (hs->below_share)
			fprintf(out, "%zu below --min-share %g", hs->below_share, hs->min_share);
		if (hs->below_share && rest > hs->below_share)
			fprintf(out, ", ");
		if (rest > hs->below_share)
			fprintf(out, "%zu beyond -n %d", rest - hs->below_share, hs->limit);
		fprintf(out, ")\n");
	}
}

/* Prints text at most 78 columns wide where spaces allow: the first line
 * after `first` (already printed, `col` columns), the rest after `indent`
 * spaces. Long names stay whole. */
static void wrap(FILE *out, const char *text, int col, int indent)
{
	const char *s = text;
	while (*s) {
		size_t n = strlen(s), cut = n;
		size_t room = col < 78 ? (size_t)(78 - col) : 1;
		if (n > room) {
			cut = room;
			while (cut > 0 && s[cut] != ' ')
				cut--;
			if (cut == 0) {
				const char *sp = strchr(s, ' ');
				cut = sp ? (size_t)(sp - s) : n;
			}
		}
		fprintf(out, "%.*s\n", (int)cut, s);
		s += cut;
		while (*s == ' ')
			s++;
		if (*s) {
			fprintf(out, "%*s", indent, "");
			col = indent;
		}
	}
}

/* One sentence of a hint, built by fn into memory, then wrapped. */
static void sentence(FILE *out, const struct hint *h, int64_t duration_ns, bool fix)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (m) {
		if (fix)
			hintout_fix(m, h);
		else
			hintout_evidence(m, h, duration_ns);
		if (fclose(m) == 0 && text) {
			fprintf(out, fix ? "   \xe2\x86\x92 " : "   ");
			wrap(out, text, fix ? 5 : 3, fix ? 5 : 3);
		}
	}
	free(text);
}

/* A sampled count is a sum of weights: with few samples behind it, say so. */
static void samples_note(FILE *out, const struct sites *all, const struct site *s)
{
	char b[UNITS_BUF];
	if (all->rate == 1 || !(s->samples < 19.5))
		return;
	double n = s->samples < 1 ? 1 : s->samples;
	fprintf(out, ", from about %.0f sample%s:%s", n, n >= 1.5 ? "s" : "", site_spread(n, b, sizeof(b)));
}

void hintout_text(FILE *out, const struct report *r, const struct hintset *hs)
{
	const struct sites *s = hs->sites;
	char b1[UNITS_BUF], b2[UNITS_BUF], b3[UNITS_BUF], b4[UNITS_BUF];
	header(out, r, hs);
	if (hs->n == 0) {
		fprintf(out, "\nNo site passes the rules (see 'allocprof help hints').\n");
		return;
	}
	for (size_t i = 0; i < hs->n; i++) {
		const struct hint *h = &hs->v[i];
		char via[256];
		fprintf(out, "\n%zu. %s: %s", i + 1, rules_kind_name(h->kind), h->site->name);
		if (h->site->via != UINT32_MAX)
			fprintf(out, " (via %s)", site_via_name(&r->g, h->site->via, via, sizeof(via)));
		fputc('\n', out);
		sentence(out, h, s->duration_ns, false);
		sentence(out, h, s->duration_ns, true);
		fprintf(out, "   removes %s (%s) and %s objects (%s)", bytes(h->bytes, b1),
			of_total(h->bytes, s->bytes, b2), total_count(s, h->objects, b3),
			of_total(h->objects, s->objects, b4));
		samples_note(out, s, h->site);
		fputc('\n', out);
	}
}

/* "%.0f" of an estimate: an integer, exact at rate 1. */
static void num(FILE *out, const char *key, double v)
{
	fprintf(out, ",%s=%.0f", key, v);
}

void hintout_tsv(FILE *out, const struct report *r, const struct hintset *hs)
{
	const struct sites *s = hs->sites;
	fprintf(out, "# total_bytes=%.0f total_objects=%.0f rate=%lld duration_ns=%lld ranked_by=%s "
		"hints=%zu removes_bytes=%.0f removes_objects=%.0f not_shown=%zu\n",
		s->bytes, s->objects, (long long)s->rate, (long long)s->duration_ns,
		hs->by_objects ? "alloc_objects" : "alloc_space", hs->n, hs->bytes, hs->objects,
		hs->all - hs->n);
	fprintf(out, "rank\tkind\tremoves_bytes\tremoves_objects\tsite\tfigures\n");
	for (size_t i = 0; i < hs->n; i++) {
		const struct hint *h = &hs->v[i];
		const struct site *st = h->site;
		fprintf(out, "%zu\t%s\t%.0f\t%.0f\t%s\t", i + 1, rules_kind_name(h->kind), h->bytes,
			h->objects, st->name);
		fprintf(out, "objects=%.0f", st->objects);
		num(out, "bytes", st->bytes);
		num(out, "size_min", st->size_min);
		num(out, "size_max", st->size_max);
		num(out, "freed", st->freed);
		num(out, "freed_same_thread", st->same_thread);
		num(out, "freed_same_function", st->same_function);
		for (int b = 0; b < SITE_LIFE_BUCKETS; b++)
			num(out, site_life_keys[b], st->life[b]);
		num(out, "realloc_moved", st->moved);
		num(out, "realloc_chains", st->chains);
		num(out, "realloc_chain_moves", st->chain_moves);
		num(out, "realloc_chain_bytes", st->chain_bytes);
		if (h->kind == HINT_RESERVE)
			fprintf(out, ",reallocs_per_chain=%.2f,final_size=%.0f", h->per_chain, h->final_size);
		if (h->kind == HINT_SCRATCH)
			fprintf(out, ",freed_by=%s", h->depth ? "caller" : "same_function");
		if (h->depth)
			fprintf(out, ",caller_depth=%d", h->depth);
		if (st->live_known) {
			num(out, "live_max", st->live_max);
			num(out, "live_max_sampled", st->live_max_sampled);
			if (st->live_thread_stacks > 0 && st->live_thread_stacks == st->live_stacks)
				num(out, "live_max_thread", st->live_max_thread);
		}
		if (st->recursive > 0)
			num(out, "recursive", st->recursive);
		if (s->rate != 1)
			fprintf(out, ",samples=%.1f", st->samples);
		if (st->via != UINT32_MAX) {
			char via[256];
			fprintf(out, ",via=\"%s\"", site_via_name(&r->g, st->via, via, sizeof(via)));
		}
		if (st->freed_at)
			fprintf(out, ",freed_at=\"%s\"", st->freed_at);
		fprintf(out, "\n");
	}
}
