/* timeline: times are ns since the profile's start, values bytes; both axes
 * get 1-2-5 ticks in pprof's units (ms, MB), so the chart reads like the
 * rest of allocprof. The in-use line starts at 0 at the start and, when the
 * profile was written after its last point, ends at what was in use then. */
#include "timeline.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "esc.h"
#include "units.h"

enum { LEFT = 78, RIGHT = 24, TOP = 56, BOTTOM = 78 };

bool timeline_present(const struct profile *p)
{
	return p->ntimeline_inuse > 0 || p->ntimeline_rss > 0;
}

static int64_t inuse_total(const struct profile *p)
{
	int t = profile_sample_type_index(p, "inuse_space");
	int64_t sum = 0;
	for (size_t s = 0; t >= 0 && s < p->nsamples; s++)
		sum = i64_add(sum, p->values[s * p->ntypes + (size_t)t]);
	return t >= 0 ? sum : -1;
}

/* A 1-2-5 step giving about n intervals over [0, max]. */
static double nice_step(double max, int n)
{
	if (max <= 0)
		return 1;
	double raw = max / n, mag = pow(10, floor(log10(raw)));
	double f = raw / mag;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/* Bytes ticks: nice steps in the unit of the maximum (MB, kB), which is a
 * power of 1024. */
static double byte_step(double max, int n, double *unit)
{
	const char *u;
	double scaled = units_scale((int64_t)max, "bytes", "auto", &u);
	*unit = scaled > 0 ? max / scaled : 1;
	return nice_step(scaled, n) * *unit;
}

struct chart {
	double x0, x1, y0, y1; /* plot area, px */
	double tmax, vmax;
};

static double px(const struct chart *c, double t)
{
	return c->x0 + (c->tmax > 0 ? t / c->tmax : 0) * (c->x1 - c->x0);
}
static double py(const struct chart *c, double v)
{
	return c->y1 - (c->vmax > 0 ? v / c->vmax : 0) * (c->y1 - c->y0);
}

static void series(FILE *f, const struct chart *c, const struct pf_point *pts, size_t n, bool from_zero,
		   int64_t end_t, int64_t end_v, const char *cls, const char *title)
{
	if (!n && end_t < 0)
		return;
	if (n == 1 && end_t < 0 && !from_zero) {
		/* one point draws no line: mark it */
		fprintf(f, "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\"><title>", cls, px(c, (double)pts[0].t_ns),
			py(c, (double)pts[0].value));
		esc_xml(f, title);
		fputs("</title></circle>\n", f);
		return;
	}
	/* the area under the in-use line, then the line */
	for (int pass = from_zero ? 0 : 1; pass < 2; pass++) {
		fprintf(f, pass ? "<polyline class=\"%s\" points=\"" : "<path class=\"%s area\" d=\"M", cls);
		if (from_zero)
			fprintf(f, "%.1f,%.1f ", px(c, 0), py(c, 0));
		for (size_t i = 0; i < n; i++)
			fprintf(f, "%.1f,%.1f ", px(c, (double)pts[i].t_ns), py(c, (double)pts[i].value));
		if (end_t >= 0)
			fprintf(f, "%.1f,%.1f ", px(c, (double)end_t), py(c, (double)end_v));
		if (!pass) {
			double last = end_t >= 0 ? (double)end_t : n ? (double)pts[n - 1].t_ns : 0;
			fprintf(f, "%.1f,%.1f Z\"/>\n", px(c, last), py(c, 0));
		} else {
			fputs("\"><title>", f);
			esc_xml(f, title);
			fputs("</title></polyline>\n", f);
		}
	}
}

static const char style[] =
	"text{font-family:DejaVu Sans,Helvetica,Arial,sans-serif;font-size:12px;fill:#222}"
	".grid{stroke:#e2e2e2;stroke-width:1}.axis{stroke:#888;stroke-width:1}"
	".inuse{fill:none;stroke:#1f5fbf;stroke-width:2;stroke-linejoin:round}"
	".inuse.area{fill:#1f5fbf;fill-opacity:.13;stroke:none}"
	".rss{fill:none;stroke:#d9730d;stroke-width:1.5;stroke-dasharray:5 3;stroke-linejoin:round}"
	".peak{fill:#c01c28;stroke:#fff;stroke-width:1.5}.peakline{stroke:#c01c28;stroke-width:1;stroke-dasharray:3 3}"
	".end{fill:#1f5fbf;stroke:#fff;stroke-width:1.5}"
	".label{font-size:12px}.label.strong{font-weight:bold}.note{fill:#555}.title{font-size:16px}";

int timeline_write(FILE *f, const struct profile *p, const struct peak_info *pk, const struct timeline_opts *o)
{
	const struct pf_point *in = p->timeline_inuse, *rss = p->timeline_rss;
	size_t nin = p->ntimeline_inuse, nrss = p->ntimeline_rss;
	struct chart c = {LEFT, o->width - RIGHT, TOP, o->height - BOTTOM, 0, 0};
	/* where the in-use line ends: what the profile says was in use */
	int64_t end_v = inuse_total(p), end_t = -1;
	if (end_v >= 0 && nin && p->duration_nanos > in[nin - 1].t_ns)
		end_t = p->duration_nanos;
	size_t ipeak = SIZE_MAX;
	for (size_t i = 0; i < nin; i++) {
		if (ipeak == SIZE_MAX || in[i].value > in[ipeak].value)
			ipeak = i;
		c.tmax = fmax(c.tmax, (double)in[i].t_ns);
		c.vmax = fmax(c.vmax, (double)in[i].value);
	}
	int64_t rss_max = 0;
	for (size_t i = 0; i < nrss; i++) {
		c.tmax = fmax(c.tmax, (double)rss[i].t_ns);
		c.vmax = fmax(c.vmax, (double)rss[i].value);
		if (rss[i].value > rss_max)
			rss_max = rss[i].value;
	}
	if (end_t >= 0)
		c.tmax = fmax(c.tmax, (double)end_t);
	c.tmax = fmax(c.tmax, (double)p->duration_nanos);
	if (c.tmax <= 0)
		c.tmax = 1;
	double yunit, ystep = byte_step(c.vmax, 5, &yunit);
	c.vmax = ceil(c.vmax * 1.08 / ystep) * ystep;
	if (c.vmax <= 0)
		c.vmax = ystep;
	double tstep = nice_step(c.tmax, 8);
	c.tmax = ceil(c.tmax / tstep) * tstep;

	int W = o->width, H = o->height;
	if (o->standalone)
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n", f);
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" class=\"timeline\" id=\"%s\" "
		   "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n", o->id, W, H, W, H);
	fprintf(f, "<style><![CDATA[%s]]></style>\n", style);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"#fafafa\"/>\n");
	fprintf(f, "<text class=\"title\" x=\"%d\" y=\"22\" text-anchor=\"middle\">", W / 2);
	esc_xml(f, o->title);
	fputs("</text>\n", f);
	char b1[UNITS_BUF], b2[UNITS_BUF], b3[UNITS_BUF];
	fprintf(f, "<text class=\"note\" x=\"%d\" y=\"40\" text-anchor=\"middle\">", W / 2);
	if (ipeak != SIZE_MAX)
		fprintf(f, "in use at the peak %s", units_label(in[ipeak].value, "bytes", "auto", b1));
	if (end_v >= 0)
		fprintf(f, "%swhen the profile was written %s", ipeak != SIZE_MAX ? "; " : "in use ",
			units_label(end_v, "bytes", "auto", b2));
	if (nrss)
		fprintf(f, "; RSS at most %s", units_label(rss_max, "bytes", "auto", b3));
	fputs("</text>\n", f);

	/* grid and axes */
	for (double v = 0; v <= c.vmax + ystep / 2; v += ystep) {
		double y = py(&c, v);
		fprintf(f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", c.x0, y, c.x1, y);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", c.x0 - 6, y + 4,
			units_label((int64_t)llround(v), "bytes", "auto", b1));
	}
	for (double t = 0; t <= c.tmax + tstep / 2; t += tstep) {
		double x = px(&c, t);
		fprintf(f, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", x, c.y1, x, c.y1 + 5);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", x, c.y1 + 18,
			units_label((int64_t)llround(t), "nanoseconds", "auto", b1));
	}
	fprintf(f, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", c.x0, c.y1, c.x1, c.y1);
	fprintf(f, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", c.x0, c.y0, c.x0, c.y1);
	fprintf(f, "<text class=\"note\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">time since the start</text>\n",
		(c.x0 + c.x1) / 2, c.y1 + 36);

	series(f, &c, rss, nrss, false, -1, 0, "rss", "RSS (resident set size of the process)");
	series(f, &c, in, nin, true, end_t, end_v, "inuse", "in use (estimated from the samples)");
	if (end_t >= 0) {
		fprintf(f, "<circle class=\"end\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\"><title>when the profile was written: %s in use</title></circle>\n",
			px(&c, (double)end_t), py(&c, (double)end_v), units_label(end_v, "bytes", "auto", b1));
	}

	/* the peak: marker, line down to the axis, and its label */
	if (ipeak != SIZE_MAX && in[ipeak].value > 0) {
		double x = px(&c, (double)in[ipeak].t_ns), y = py(&c, (double)in[ipeak].value);
		fprintf(f, "<line class=\"peakline\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", x, y, x, c.y1);
		fprintf(f, "<g class=\"peakmark\"><circle class=\"peak\" cx=\"%.1f\" cy=\"%.1f\" r=\"6\"/>", x, y);
		bool right = x < (c.x0 + c.x1) / 2;
		double lx = right ? x + 12 : x - 12, ly = fmax(y + 4, c.y0 + 16);
		if (ly > c.y1 - 24)
			ly = c.y1 - 24;
		const char *anchor = right ? "start" : "end";
		fprintf(f, "<text class=\"label strong peaklabel\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">peak %s at %s</text>",
			lx, ly, anchor, units_label(in[ipeak].value, "bytes", "auto", b1),
			units_label(in[ipeak].t_ns, "nanoseconds", "auto", b2));
		fprintf(f, "<text class=\"label peaksite\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">", lx, ly + 16, anchor);
		if (pk && pk->site) {
			fputs(pk->from_peak ? "top site: " : "biggest in use at the end: ", f);
			size_t len = strlen(pk->site);
			size_t cut = esc_prefix(pk->site, len, 70);
			esc_xml_n(f, pk->site, cut);
			if (cut < len)
				fputs("\xe2\x80\xa6", f);
			const char *pct = units_percent(pk->site_value, pk->site_total, b3);
			while (*pct == ' ')
				pct++;
			fprintf(f, " (%s, %s)", units_label(pk->site_value, "bytes", "auto", b2), pct);
		} else {
			fputs("top site unknown", f);
		}
		fputs("</text></g>\n", f);
	}

	/* legend and where the figures come from */
	double ly = H - 26;
	fprintf(f, "<line class=\"inuse\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", LEFT, ly - 4, LEFT + 24, ly - 4);
	fprintf(f, "<text x=\"%d\" y=\"%.1f\">in use (estimated from the samples)</text>", LEFT + 30, ly);
	if (nrss) {
		fprintf(f, "<line class=\"rss\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", LEFT + 270, ly - 4, LEFT + 294, ly - 4);
		fprintf(f, "<text x=\"%d\" y=\"%.1f\">RSS</text>", LEFT + 300, ly);
	}
	if (pk && pk->source) {
		fprintf(f, "<text class=\"note\" x=\"%d\" y=\"%.1f\">", LEFT, ly + 17);
		esc_xml(f, pk->source);
		fputs("</text>", f);
	}
	fputs("\n</svg>\n", f);
	return ferror(f) ? -EIO : 0;
}
