/* rssrows: one comment per row, "rss row: KEY N bytes exact|estimate", so
 * any pprof reader shows them and a newer shim may add keys: a key this
 * reader does not know is skipped, a missing one reads as 0. */
#include "rssrows.h"

#include <errno.h>
#include <stdlib.h>
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

/* "N bytes" at s: N, or -1 when it is not a number an int64 holds */
static int64_t bytes_at(const char *s)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || v < 0 || strncmp(end, " bytes", 6))
		return -1;
	return v;
}

static bool read_row(struct rssrows *r, const char *c)
{
	const char *space = strchr(c, ' ');
	int64_t v = space ? bytes_at(space + 1) : -1;
	if (v < 0)
		return false;
	const char *kind = strstr(space, " bytes ");
	kind = kind ? kind + 7 : "";
	for (int i = 0; i < PPROF_RSS_NROWS; i++)
		if (strlen(keys[i]) == (size_t)(space - c) && !strncmp(c, keys[i], (size_t)(space - c))) {
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
		if (!strncmp(c, PPROF_COMMENT_RSS_TOTAL, strlen(PPROF_COMMENT_RSS_TOTAL))) {
			const char *statm = strstr(c, "statm: ");
			r->total = bytes_at(c + strlen(PPROF_COMMENT_RSS_TOTAL));
			if (statm) {
				char *end;
				errno = 0;
				long long v = strtoll(statm + 7, &end, 10);
				r->statm = errno || end == statm + 7 || v < 0 ? -1 : v;
			}
		} else if (!strncmp(c, PPROF_COMMENT_RSS_ROW, strlen(PPROF_COMMENT_RSS_ROW))) {
			if (!read_row(r, c + strlen(PPROF_COMMENT_RSS_ROW)))
				return false;
		} else if (!strncmp(c, PPROF_COMMENT_UNSEEN, strlen(PPROF_COMMENT_UNSEEN))) {
			const char *more = strstr(c, "more than the ");
			r->unseen = bytes_at(c + strlen(PPROF_COMMENT_UNSEEN));
			r->unseen_heap = more ? bytes_at(more + 14) : -1;
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
		sum = i64_add(sum, r->row[i]); /* a hostile file may hold any value */
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
