/* rssrows: one comment per row, "rss row: KEY N bytes exact|estimate", so
 * any pprof reader shows them and a newer shim may add keys: a key this
 * reader does not know is skipped, a missing one reads as 0. */
#include "rssrows.h"

#include <string.h>

#include "estimate.h"
#include "units.h"

static const char *const keys[PPROF_RSS_NROWS] = PPROF_RSS_ROWS;
static const char *const labels[PPROF_RSS_NROWS] = {
	"live heap (blocks in use)",
	"allocator: headers, rounding",
	"allocator: held free",
	"anonymous, mapped outside malloc",
	"thread stacks",
	"files: code and data",
	"allocprof itself",
};

const char *rssrows_label(int i)
{
	return i >= 0 && i < PPROF_RSS_NROWS ? labels[i] : "";
}

bool rssrows_is_breakdown(const char *c)
{
	return !strncmp(c, PPROF_COMMENT_RSS_ROW, strlen(PPROF_COMMENT_RSS_ROW)) ||
	       !strncmp(c, PPROF_COMMENT_RSS_TOTAL, strlen(PPROF_COMMENT_RSS_TOTAL));
}

static bool read_row(struct rssrows *r, const char *c)
{
	char key[32], kind[16];
	long long v;
	if (sscanf(c, "%31s %lld bytes %15s", key, &v, kind) != 3 || v < 0)
		return false;
	for (int i = 0; i < PPROF_RSS_NROWS; i++)
		if (!strcmp(key, keys[i])) {
			r->row[i] = v;
			r->estimate[i] = strcmp(kind, PPROF_RSS_EXACT) != 0;
		}
	return true;
}

bool rssrows_read(const struct profile *p, struct rssrows *r)
{
	memset(r, 0, sizeof(*r));
	r->total = r->statm = r->unseen = r->unseen_heap = -1;
	for (size_t i = 0; i < p->ncomments; i++) {
		const char *c = profile_str(p, p->comments[i]);
		long long a, b;
		if (!strncmp(c, PPROF_COMMENT_RSS_TOTAL, strlen(PPROF_COMMENT_RSS_TOTAL))) {
			const char *statm = strstr(c, "statm: ");
			if (sscanf(c + strlen(PPROF_COMMENT_RSS_TOTAL), "%lld bytes", &a) == 1 && a >= 0)
				r->total = a;
			if (statm && sscanf(statm + 7, "%lld", &b) == 1 && b >= 0)
				r->statm = b;
		} else if (!strncmp(c, PPROF_COMMENT_RSS_ROW, strlen(PPROF_COMMENT_RSS_ROW))) {
			if (!read_row(r, c + strlen(PPROF_COMMENT_RSS_ROW)))
				return false;
		} else if (!strncmp(c, PPROF_COMMENT_UNSEEN, strlen(PPROF_COMMENT_UNSEEN))) {
			const char *more = strstr(c, "more than the ");
			if (sscanf(c + strlen(PPROF_COMMENT_UNSEEN), "%lld bytes", &a) == 1 && a >= 0)
				r->unseen = a;
			if (more && sscanf(more + 14, "%lld bytes", &b) == 1 && b >= 0)
				r->unseen_heap = b;
		}
	}
	/* the live row is the in-use estimate: its error is that of inuse_space */
	int inuse = profile_sample_type_index(p, "inuse_space");
	if (r->total >= 0 && r->estimate[0] && inuse >= 0 && estimate_profile_sampled(p)) {
		struct estimate e;
		char b[ESTIMATE_BUF];
		estimate_total(p, inuse, NULL, &e);
		snprintf(r->live_error, sizeof(r->live_error), "%s", estimate_error_label(&e, "bytes", b));
	}
	return r->total >= 0;
}

void rssrows_print(FILE *out, const struct rssrows *r, const char *indent)
{
	char b1[UNITS_BUF], b2[UNITS_BUF];
	int64_t sum = 0;
	fprintf(out, "%sResident memory (RSS) when the profile was written, rows adding up to it:\n", indent);
	fprintf(out, "%s%10s %7s  %-8s  %s\n", indent, "value", "share", "how", "where");
	for (int i = 0; i < PPROF_RSS_NROWS; i++) {
		sum += r->row[i];
		fprintf(out, "%s%10s %7s  %-8s  %s%s%s\n", indent, units_label(r->row[i], "bytes", "auto", b1),
			units_percent(r->row[i], r->total, b2), r->estimate[i] ? PPROF_RSS_ESTIMATE : PPROF_RSS_EXACT,
			labels[i], i == 0 && *r->live_error ? " " : "", i == 0 ? r->live_error : "");
	}
	fprintf(out, "%s%10s %7s  %-8s  %s", indent, units_label(sum, "bytes", "auto", b1), units_percent(sum, r->total, b2),
		"", "RSS");
	if (r->statm >= 0)
		fprintf(out, " (the kernel's counter: %s)", units_label(r->statm, "bytes", "auto", b1));
	fputc('\n', out);
}

const char *rssrows_warning(const struct rssrows *r, char *buf, size_t cap)
{
	char b1[UNITS_BUF], b2[UNITS_BUF];
	if (r->unseen < 0) {
		buf[0] = 0;
		return buf;
	}
	snprintf(buf, cap,
		 "unseen allocations: %s of the RSS is anonymous memory mapped outside malloc, the heap allocprof "
		 "sees is %s: a custom mmap arena or a statically linked allocator is not in this profile",
		 units_label(r->unseen, "bytes", "auto", b1), units_label(r->unseen_heap >= 0 ? r->unseen_heap : 0, "bytes", "auto", b2));
	return buf;
}
