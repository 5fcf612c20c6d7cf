/* report_html: the page is static HTML for what does not change with the
 * sample type (summary, timeline, totals), one flame graph per sample type
 * (shown one at a time), and a JSON island with the rows of every type's
 * top table, which the page's script renders, sorts and filters. */
#include "report_html.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "assets.h"
#include "esc.h"
#include "estimate.h"
#include "flame.h"
#include "ftree.h"
#include "merge.h"
#include "rssrows.h"
#include "site.h"
#include "timeline.h"
#include "units.h"

/* Rows of one top table past which the page leaves the rest out. */
#define MAX_ROWS 2000

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	esc_json(f, s);
	fputc('"', f);
}

static int64_t type_total(const struct profile *p, int t)
{
	int64_t sum = 0;
	for (size_t s = 0; t >= 0 && s < p->nsamples; s++)
		sum = i64_add(sum, p->values[s * p->ntypes + (size_t)t]);
	return sum;
}

static const char *prog_name(const struct profile *p)
{
	const char *prog = p->nmappings && p->mappings[0].filename ? profile_str(p, p->mappings[0].filename) : "";
	const char *slash = strrchr(prog, '/');
	return slash ? slash + 1 : prog;
}

static const char *type_name(const struct profile *p, size_t t)
{
	return profile_str(p, p->sample_types[t].type);
}

static const char *type_unit(const struct profile *p, size_t t)
{
	return profile_str(p, p->sample_types[t].unit);
}

/* The options of one report: the user's, for the sample type named by
 * index (buf holds its number) or by name. */
static struct ropts opts_for(const struct report_html_in *in, size_t t, char *buf, size_t len)
{
	struct ropts o = *in->ro;
	snprintf(buf, len, "%zu", t);
	o.sample_index = buf;
	return o;
}

/* The page opens one report per sample type and table; a --focus that
 * matches nothing would be reported by each. The first report says it;
 * the others run with standard error silenced. */
static int quiet_begin(void)
{
	fflush(stderr);
	int saved = dup(2), null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (saved >= 0 && null >= 0)
		dup2(null, 2);
	if (null >= 0)
		close(null);
	return saved;
}

static void quiet_end(int saved)
{
	fflush(stderr);
	if (saved >= 0) {
		dup2(saved, 2);
		close(saved);
	}
}

/* --- summary ---------------------------------------------------------- */

static void totals_table(FILE *f, const struct report_html_in *in)
{
	const struct profile *p = in->p, *b = in->base;
	char b1[UNITS_BUF];
	fputs("<table class=\"totals\"><thead><tr><th>sample type</th>", f);
	fputs(b ? "<th>base</th><th>new</th><th>delta</th><th>delta%</th>" : "<th>total</th>", f);
	fputs("</tr></thead><tbody>\n", f);
	for (size_t t = 0; t < p->ntypes; t++) {
		const char *unit = type_unit(p, t);
		int64_t now = type_total(p, (int)t);
		fputs("<tr><td>", f);
		esc_xml(f, type_name(p, t));
		if (!strncmp(type_name(p, t), "inuse_", 6))
			fputs(" <span class=\"hint\">(still in use when the profile was written)</span>", f);
		fputs("</td>", f);
		if (b) {
			int bt = profile_sample_type_index(b, type_name(p, t));
			int64_t old = type_total(b, bt), d = i64_add(now, i64_neg(old));
			fprintf(f, "<td class=\"num\">%s</td>", bt < 0 ? "-" : units_label(old, unit, "auto", b1));
			fprintf(f, "<td class=\"num\">%s</td>", units_label(now, unit, "auto", b1));
			fprintf(f, "<td class=\"num %s\">%s</td>", d > 0 ? "up" : d < 0 ? "down" : "",
				units_label(d, unit, "auto", b1));
			if (bt < 0)
				fputs("<td class=\"num\">-</td>", f);
			else if (old == 0)
				fprintf(f, "<td class=\"num\">%s</td>", d ? "+inf%" : "~");
			else
				fprintf(f, "<td class=\"num\">%+.2f%%</td>", (double)d / (double)old * 100);
		} else {
			/* an estimate says how well it is known */
			struct estimate e;
			char eb[ESTIMATE_BUF];
			estimate_total(p, (int)t, NULL, &e);
			fprintf(f, "<td class=\"num\">%s", estimate_value_label(&e, unit, eb));
			if (*estimate_error_label(&e, unit, eb)) {
				fputs(" <span class=\"hint\">", f);
				esc_xml(f, eb);
				fputs("</span>", f);
			}
			/* not in a peak profile: the allocator's figure is from the end */
			int64_t held = estimate_allocator_inuse(p);
			if (held >= 0 && !strcmp(type_name(p, t), "inuse_space") &&
			    profile_sample_type_index(p, "alloc_space") >= 0)
				fprintf(f, " <span class=\"hint\">(the allocator holds %s)</span>",
					units_label(held, "bytes", "auto", b1));
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

/* The RSS breakdown, rows adding up to the RSS, and the warning of
 * allocations allocprof cannot see. */
static void resident_table(FILE *f, const struct profile *p)
{
	struct rssrows r;
	char b1[UNITS_BUF], b2[UNITS_BUF], warning[512];
	if (!rssrows_read(p, &r))
		return;
	if (*rssrows_warning(&r, warning, sizeof(warning))) {
		fputs("<p class=\"peak\"><b>Warning.</b> ", f);
		esc_xml(f, warning);
		fputs(".</p>\n", f);
	}
	/* a peak profile carries the breakdown of the end: not its moment */
	if (profile_sample_type_index(p, "alloc_space") < 0)
		return;
	fputs("<h3>Resident memory <span class=\"hint\">(when the profile was written; the rows add up to the RSS)"
	      "</span></h3>\n<table class=\"totals\" id=\"resident\"><thead><tr><th>where</th><th class=\"num\">value</th>"
	      "<th class=\"num\">share</th><th>how</th></tr></thead><tbody>\n",
	      f);
	int64_t sum = 0;
	for (int i = 0; i < PPROF_RSS_NROWS; i++) {
		sum = i64_add(sum, r.row[i]);
		fputs("<tr><td>", f);
		esc_xml(f, rssrows_label(i));
		if (i == 0 && *r.live_error) {
			fputs(" <span class=\"hint\">", f);
			esc_xml(f, r.live_error);
			fputs("</span>", f);
		}
		fprintf(f, "</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td>%s</td></tr>\n",
			units_label(r.row[i], "bytes", "auto", b1), units_percent(r.row[i], r.total, b2),
			r.estimate[i] ? PPROF_RSS_ESTIMATE : PPROF_RSS_EXACT);
	}
	fputs("<tr><td><b>RSS</b>", f);
	if (r.statm >= 0)
		fprintf(f, " <span class=\"hint\">(the kernel's counter: %s)</span>", units_label(r.statm, "bytes", "auto", b1));
	fprintf(f, "</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td></td></tr>\n</tbody></table>\n",
		units_label(sum, "bytes", "auto", b1), units_percent(sum, r.total, b2));
}

static void summary(FILE *f, const struct report_html_in *in)
{
	const struct profile *p = in->p;
	fputs("<section id=\"summary\"><h2>Summary</h2>\n<div class=\"cols\"><div>\n", f);
	totals_table(f, in);
	fputs("</div><div>\n<dl class=\"facts\">\n", f);
	if (p->nmappings && p->mappings[0].filename) {
		fputs("<dt>program</dt><dd>", f);
		esc_xml(f, profile_str(p, p->mappings[0].filename));
		fputs("</dd>\n", f);
	}
	size_t shown = 0, len;
	for (size_t i = 0; i < p->ncomments && shown < REPORT_MAX_COMMENTS; i++) {
		char line[1024];
		const char *raw = profile_str(p, p->comments[i]);
		if (!report_comment_shown(p, i, &len) || rssrows_is_breakdown(raw))
			continue; /* the breakdown has its table below */
		shown++;
		const char *c = estimate_comment(p, raw, line, sizeof(line));
		if (c != raw)
			len = strlen(c);
		const char *colon = memmem(c, len, ": ", 2);
		if (colon && colon - c < 40) {
			fputs("<dt>", f);
			esc_xml_n(f, c, (size_t)(colon - c));
			fputs("</dt><dd>", f);
			esc_xml_n(f, colon + 2, len - (size_t)(colon + 2 - c));
		} else {
			fputs("<dt>note</dt><dd>", f);
			esc_xml_n(f, c, len);
		}
		fputs("</dd>\n", f);
	}
	char b1[UNITS_BUF];
	if (p->duration_nanos) {
		fprintf(f, "<dt>duration</dt><dd>%s</dd>\n", units_label(p->duration_nanos, "nanoseconds", "auto", b1));
	}
	fprintf(f, "<dt>sample records</dt><dd>%zu</dd>\n", p->nsamples);
	fputs("</dl></div></div>\n", f);
	const struct peak_info *pk = in->pk;
	/* "Peak." only with a peak to show: a profile of some other origin (Go's
	 * runtime, ...) has no peak, and what it holds in use is no peak */
	if (pk && (pk->from_peak || (pk->ours && pk->site))) {
		fputs(pk->from_peak ? "<p class=\"peak\"><b>Peak.</b> " : "<p class=\"peak\"><b>In use at the end.</b> ", f);
		if (pk->bytes >= 0) {
			char eb[ESTIMATE_BUF];
			struct estimate e = pk->estimate;
			e.value = pk->bytes;
			fputs(units_label(pk->bytes, "bytes", "auto", b1), f);
			if (*estimate_error_label(&e, "bytes", eb)) {
				fputc(' ', f);
				esc_xml(f, eb);
			}
			fprintf(f, " in use %lld ms after the start. ", (long long)pk->ms);
		}
		if (pk->site) {
			fputs(pk->from_peak ? "The site that held the most then: <code>" : "Biggest site: <code>", f);
			esc_xml(f, pk->site);
			fprintf(f, "</code> (%s). ", units_label(pk->site_value, "bytes", "auto", b1));
		}
		if (pk->source) {
			fputs("<span class=\"hint\">(", f);
			esc_xml(f, pk->source);
			fputs(")</span>", f);
		}
		fputs("</p>\n", f);
	}
	resident_table(f, p);
	fputs("<h3>Biggest sites <span class=\"hint\">(the first frame in the program's own code, by the selected sample type)</span></h3>\n"
	      "<table class=\"sites\" id=\"sites\"><thead><tr><th class=\"num\">value</th><th class=\"num\">share</th>"
	      "<th>site</th></tr></thead><tbody></tbody></table>\n</section>\n",
	      f);
}

/* --- the JSON of the tables ------------------------------------------- */

/* For a count type ("alloc_objects"), the bytes of its space type per site
 * node, to tell how many samples a sampled count rests on; else NULL. */
static int64_t *space_of_counts(const struct report *r)
{
	size_t n = strlen(r->type);
	if (n < 8 || strcmp(r->type + n - 8, "_objects"))
		return NULL;
	char name[256];
	snprintf(name, sizeof(name), "%.*s_space", (int)(n - 8), r->type);
	int t = profile_sample_type_index(r->p, name);
	int64_t *v = t >= 0 ? malloc((r->g.nnodes + 1) * sizeof(*v)) : NULL;
	if (v && site_flats(r, t, v, NULL) < 0) {
		free(v);
		v = NULL;
	}
	return v;
}

/* One type's rows: [name, flat, cum, "flat", "cum"] in pprof's order. */
static int rows_json(FILE *f, struct profile *p, const struct ropts *o, bool sites)
{
	struct report r;
	struct ropts ro = *o;
	if (sites) {
		ro.gran = GRAN_LINES;
		ro.by_site = true;
		ro.nodecount = 0;
		ro.nodefraction = ro.edgefraction = 0;
		ro.noinlines = false;
	}
	int rc = report_open(&r, p, &ro);
	if (!rc)
		rc = report_trim(&r, r.g.has_inline && !sites ? EDGES_INLINE : EDGES_NONE);
	if (rc) {
		report_close(&r);
		return rc;
	}
	report_select_unit(&r);
	char b1[UNITS_BUF], b2[UNITS_BUF];
	if (!sites) {
		/* pprof's header lines, without the type (the page has it) */
		char *text = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&text, &len);
		if (m) {
			report_labels(&r, m, false);
			fclose(m);
		}
		fputs("\"caption\":", f);
		const char *cap = text ? strchr(text, '\n') : NULL;
		json_str(f, cap ? cap + 1 : "");
		free(text);
		fprintf(f, ",\"total\":%lld,\"totalLabel\":", (long long)r.total);
		json_str(f, units_label(r.total, r.unit, "auto", b1));
		fputs(",\"rows\":[", f);
	} else {
		fputs(",\"sites\":[", f);
	}
	size_t n = r.norder, limit = sites ? 10 : MAX_ROWS;
	size_t shown = 0;
	int64_t *space = sites ? space_of_counts(&r) : NULL;
	int64_t rate = site_profile_rate(p);
	for (size_t i = 0; i < n && shown < limit; i++) {
		uint32_t id = r.order[i];
		const struct gnode *nd = &r.g.nodes[id];
		if (sites && nd->flat == 0)
			break;
		fputs(shown ? ",\n[" : "\n[", f);
		char *name = NULL;
		if (asprintf(&name, "%s%s", nd->printable, sites || !r.g.has_inline ? "" : report_inline_label(&r, id)) < 0)
			name = NULL;
		json_str(f, name ? name : nd->printable);
		free(name);
		if (sites)
			fprintf(f, ",%lld,", (long long)nd->flat);
		else
			fprintf(f, ",%lld,%lld,", (long long)nd->flat, (long long)nd->cum);
		if (space && rate > 1) { /* a sampled count: its spread when few samples */
			char label[UNITS_BUF + 32], spread[32];
			snprintf(label, sizeof(label), "%s%s", units_label(nd->flat, r.unit, "auto", b1),
				 site_spread(site_samples((double)nd->flat, (double)space[id], rate), spread,
					     sizeof(spread)));
			json_str(f, label);
		} else {
			json_str(f, sites ? units_label(nd->flat, r.unit, "auto", b1) : report_value(&r, nd->flat, b1));
		}
		if (!sites) {
			fputc(',', f);
			json_str(f, report_value(&r, nd->cum, b2));
		}
		fputc(']', f);
		shown++;
	}
	fputc(']', f);
	if (!sites)
		fprintf(f, ",\"more\":%zu", n > shown ? n - shown : 0);
	free(space);
	report_close(&r);
	return 0;
}

static int types_json(FILE *f, const char *key, struct profile *p, const struct report_html_in *in, bool sites)
{
	fprintf(f, "\"%s\":[", key);
	for (size_t t = 0; t < p->ntypes; t++) {
		fputs(t ? ",\n{" : "\n{", f);
		fputs("\"name\":", f);
		json_str(f, type_name(p, t));
		fputs(",\"unit\":", f);
		json_str(f, type_unit(p, t));
		fputc(',', f);
		char num[32];
		struct ropts o = opts_for(in, t, num, sizeof(num));
		int rc = rows_json(f, p, &o, false);
		if (!rc && sites)
			rc = rows_json(f, p, &o, true);
		if (rc)
			return rc;
		fputc('}', f);
	}
	fputs("]", f);
	return 0;
}

/* --- flame graphs ----------------------------------------------------- */

/* Draws the flame graph of type t into a memory buffer. */
static int flame_text(const struct report_html_in *in, struct profile *p, struct profile *base, size_t t,
		      const char *id, char **text, size_t *len)
{
	const char *type = type_name(p, t);
	if (base && profile_sample_type_index(base, type) < 0)
		return -ENOENT;
	char num[32];
	struct ropts o = opts_for(in, t, num, sizeof(num)), ob = *in->ro;
	ob.sample_index = type; /* the base's type of the same name */
	struct report r, rb;
	struct ftree tree;
	int rc = ftree_init(&tree) < 0 ? 1 : 0;
	bool have_r = false, have_b = false;
	if (!rc) {
		rc = report_open(&r, p, &o);
		have_r = true;
	}
	if (!rc && base) {
		rc = report_open(&rb, base, &ob);
		have_b = true;
	}
	if (!rc && (ftree_add(&tree, &r, false) < 0 || (base && ftree_add(&tree, &rb, true) < 0)))
		rc = 1;
	FILE *m = rc ? NULL : open_memstream(text, len);
	if (m) {
		char title[300], sub[200], b1[UNITS_BUF], b2[UNITS_BUF];
		snprintf(title, sizeof(title), "%s: %s", base ? "Changes since the base" : "Flame graph", type);
		snprintf(sub, sizeof(sub), "total %s%s%s", units_label(tree.total, r.unit, "auto", b1),
			 base ? ", base " : "", base ? units_label(tree.base_total, r.unit, "auto", b2) : "");
		struct flame_opts fo = {in->width, in->min_width, false, title, sub, id, false, r.unit};
		struct flame_stats st;
		rc = flame_write(m, &tree, &fo, &st) < 0 ? 1 : 0;
		fclose(m);
	} else if (!rc) {
		rc = 1;
	}
	ftree_release(&tree);
	if (have_b)
		report_close(&rb);
	if (have_r)
		report_close(&r);
	return rc;
}

static int flames(FILE *f, const struct report_html_in *in, struct profile *base, int selected,
		  struct report_html_stats *st, size_t *budget)
{
	struct profile *p = in->p;
	const char *kind = base ? "dflame" : "flame";
	for (size_t t = 0; t < p->ntypes; t++) {
		int64_t total = type_total(p, (int)t);
		fprintf(f, "<div class=\"bytype\" data-type=\"%zu\"%s>\n", t, (int)t == selected ? "" : " hidden");
		char id[64];
		snprintf(id, sizeof(id), "%s-%zu", kind, t);
		if (total == 0 && !base) {
			fputs("<p class=\"hint\">Nothing to draw: the total of this sample type is 0.</p>\n</div>\n", f);
			continue;
		}
		char *text = NULL;
		size_t len = 0;
		int rc = 0;
		if ((int)t != selected && *budget == 0) {
			rc = -E2BIG;
		} else {
			rc = flame_text(in, p, base, t, id, &text, &len);
			if (!rc && (int)t != selected && len > *budget) {
				rc = -E2BIG;
				*budget = 0;
			}
		}
		if (rc == -ENOENT) {
			fputs("<p class=\"hint\">The base profile has no such sample type.</p>\n", f);
		} else if (rc == -E2BIG) {
			fputs("<p class=\"hint\">Left out to keep the page small; draw it with <code>allocprof flame "
			      "--sample-index ", f);
			esc_xml(f, type_name(p, t));
			fputs(base ? " --diff BASE" : "", f);
			fputs(" PROFILE</code>.</p>\n", f);
			st->left_out++;
		} else if (rc) {
			free(text);
			return rc;
		} else {
			fwrite(text, 1, len, f);
			if ((int)t != selected)
				*budget -= len;
			st->flames++;
		}
		free(text);
		fputs("</div>\n", f);
	}
	return 0;
}

/* --- the page --------------------------------------------------------- */

static void head(FILE *f, const struct report_html_in *in)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"allocprof\">\n<title>",
	      f);
	if (in->title)
		esc_xml(f, in->title);
	else {
		fputs("allocprof report: ", f);
		esc_xml(f, *prog_name(in->p) ? prog_name(in->p) : in->path);
	}
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", pic_asset_report_css);
}

static void header(FILE *f, const struct report_html_in *in, int selected)
{
	const struct profile *p = in->p;
	fputs("<header>\n<h1>", f);
	if (in->title) {
		esc_xml(f, in->title);
	} else {
		fputs("allocprof report: ", f);
		esc_xml(f, *prog_name(p) ? prog_name(p) : in->path);
	}
	fputs("</h1>\n<p class=\"sub\">", f);
	esc_xml(f, in->path);
	if (p->time_nanos) {
		time_t t = (time_t)(p->time_nanos / 1000000000);
		struct tm tm;
		char buf[64];
		if (localtime_r(&t, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S %Z", &tm)) {
			fputs(" &#183; ", f);
			esc_xml(f, buf);
		}
	}
	if (in->base) {
		fputs(" &#183; compared with ", f);
		esc_xml(f, in->base_path);
	}
	if (in->ro->focus || in->ro->ignore) {
		fputs(" &#183; filtered:", f);
		if (in->ro->focus) {
			fputs(" focus=", f);
			esc_xml(f, in->ro->focus);
		}
		if (in->ro->ignore) {
			fputs(" ignore=", f);
			esc_xml(f, in->ro->ignore);
		}
	}
	fputs("</p>\n<nav><a href=\"#summary\">Summary</a> <a href=\"#top\">Top</a> <a href=\"#flame\">Flame graph</a> "
	      "<a href=\"#timeline\">Timeline</a>",
	      f);
	if (in->base)
		fputs(" <a href=\"#diff\">Changes</a>", f);
	fputs("\n<label class=\"typesel\">Sample type <select id=\"type\">", f);
	for (size_t t = 0; t < p->ntypes; t++) {
		fprintf(f, "<option value=\"%zu\"%s>", t, (int)t == selected ? " selected" : "");
		esc_xml(f, type_name(p, t));
		fputs("</option>", f);
	}
	fputs("</select></label></nav>\n</header>\n<main>\n", f);
}

static const char top_table[] =
	"<input type=\"search\" class=\"filter\" placeholder=\"Filter rows (regular expression)\">\n"
	"<p class=\"caption\"></p>\n"
	"<table class=\"top\"><thead><tr>"
	"<th class=\"num\" data-key=\"flat\">flat</th><th class=\"num\" data-key=\"flat\">flat%</th>"
	"<th class=\"num\">sum%</th><th class=\"num\" data-key=\"cum\">cum</th>"
	"<th class=\"num\" data-key=\"cum\">cum%</th><th data-key=\"name\">name</th>"
	"</tr></thead><tbody></tbody></table>\n<p class=\"more hint\"></p>\n";

static int timeline_section(FILE *f, const struct report_html_in *in)
{
	fputs("<section id=\"timeline\"><h2>Heap over time</h2>\n", f);
	if (!timeline_present(in->p)) {
		fputs("<p class=\"hint\">This profile carries no timeline (only profiles written by liballocprof do).</p>\n", f);
	} else {
		char title[256];
		snprintf(title, sizeof(title), "In use and RSS over the run%s%s", *prog_name(in->p) ? ": " : "",
			 prog_name(in->p));
		struct timeline_opts to = {TIMELINE_DEFAULT_WIDTH, TIMELINE_DEFAULT_HEIGHT, title, "timeline-svg", false};
		fputs("<div class=\"picture\">\n", f);
		if (timeline_write(f, in->p, in->pk, &to) < 0)
			return 1;
		fputs("</div>\n", f);
	}
	fputs("</section>\n", f);
	return 0;
}

static int diff_section(FILE *f, const struct report_html_in *in, int selected, struct report_html_stats *st,
			size_t *budget)
{
	fputs("<section id=\"diff\"><h2>Changes since the base</h2>\n<p class=\"sub\">", f);
	esc_xml(f, in->base_path);
	fputs(" &#8594; ", f);
	esc_xml(f, in->path);
	fputs("</p>\n<p class=\"hint\">Rows are NEW &#8722; BASE per function, sorted by the size of the change; "
	      "percentages are of the base total (as <code>allocprof diff</code> and "
	      "<code>go tool pprof -diff_base</code>). In the flame graph, widths are the new profile and "
	      "colours the change: red grew, blue shrank.</p>\n"
	      "<div class=\"difftable\">\n", f);
	fputs(top_table, f);
	fputs("</div>\n<div class=\"picture\">\n", f);
	int rc = flames(f, in, in->base, selected, st, budget);
	fputs("</div>\n</section>\n", f);
	return rc;
}

int report_html_write(FILE *f, const struct report_html_in *in, struct report_html_stats *st)
{
	memset(st, 0, sizeof(*st));
	struct profile *p = in->p;
	struct report r;
	int rc = report_open(&r, p, in->ro);
	int selected = r.value;
	report_close(&r);
	if (rc)
		return rc;
	struct profile diff;
	bool have_diff = false;
	if (in->base) {
		if (merge_diff(&diff, in->base, p) < 0) {
			profile_release(&diff);
			fprintf(stderr, "allocprof: out of memory\n");
			return 1;
		}
		have_diff = true;
	}
	st->types = p->ntypes;
	size_t budget = REPORT_FLAME_BUDGET;
	int saved = quiet_begin();
	head(f, in);
	header(f, in, selected);
	summary(f, in);
	fputs("<section id=\"top\"><h2>Top <span class=\"hint\">(as <code>allocprof top</code>; click a column to sort)"
	      "</span></h2>\n<div class=\"toptable\">\n", f);
	fputs(top_table, f);
	fputs("</div>\n</section>\n<section id=\"flame\"><h2>Flame graph <span class=\"hint\">(click a frame to zoom, "
	      "search with a regular expression)</span></h2>\n<div class=\"picture\">\n", f);
	rc = flames(f, in, NULL, selected, st, &budget);
	fputs("</div>\n</section>\n", f);
	if (!rc)
		rc = timeline_section(f, in);
	if (!rc && have_diff)
		rc = diff_section(f, in, selected, st, &budget);
	if (!rc) {
		fputs("</main>\n<script type=\"application/json\" id=\"data\">{", f);
		rc = types_json(f, "types", p, in, true);
		if (!rc && have_diff) {
			fputc(',', f);
			rc = types_json(f, "diff", &diff, in, false);
		}
		fprintf(f, ",\"selected\":%d}</script>\n", selected);
		fprintf(f, "<script>\n%s\n%s\n</script>\n</body>\n</html>\n", pic_asset_flame_js, pic_asset_report_js);
	}
	quiet_end(saved);
	if (have_diff)
		profile_release(&diff);
	if (rc)
		fprintf(stderr, "allocprof report: could not build the page (out of memory?)\n");
	if (!rc && ferror(f))
		rc = 1;
	return rc;
}
